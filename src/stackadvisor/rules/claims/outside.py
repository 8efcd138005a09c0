"""The outside-table family: claims about something the table does not rate (compile time, start-up time,
development speed, popularity, pay ...). They are unsupported, whatever the nearest column says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .clause import Clause

if TYPE_CHECKING:
    from .walk import _Walk


def unrated(ck: "_Walk", c: Clause) -> None:
    return None
