"""The offline writer: compose.py's deterministic answer, streamed line by line. It never fails, needs no key
and imports nothing beyond what the advisor already has, so an offline `stackadvisor ask` stays quick."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .base import Verify, Writer, WriterResult

if TYPE_CHECKING:
    from ..compose import Composed, Context
    from ..config import Settings


class OfflineWriter(Writer):
    """Writes the composed answer as it is (every sentence built from the table or quoted, with citations)."""

    name = "offline"
    can_stream = True
    needs_key = False
    key_env_var = None
    can_fail = False
    answer_name = "the offline answer"

    def __init__(self, settings: Settings | None = None, arg: str = "") -> None:
        self.settings = settings  # "offline:anything" reads as offline: the text after the colon is ignored

    @property
    def where(self) -> str:
        return "The offline writer"

    def stream(self, ctx: Context, offline: Composed, verify: Verify) -> Iterator[str | WriterResult]:
        yield from pieces(offline.text)
        yield WriterResult(offline.text, list(offline.sources), [], 0, self.name, verify(offline.text, ctx))


def pieces(text: str) -> Iterator[str]:
    """A composed answer in stream pieces (line by line) so UIs can render progressively."""
    start = 0
    for m in re.finditer(r"\n", text):
        yield text[start : m.end()]
        start = m.end()
    if start < len(text):
        yield text[start:]


__all__ = ["OfflineWriter", "pieces"]
