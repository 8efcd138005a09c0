"""Small text helpers that several modules need: one implementation each.

    ANSI              terminal escape sequences (CSI and OSC), for stripping from anything shown or read
    join_names        ["Go", "Rust", "Java"] -> "Go, Rust and Java"
    stem              a crude lemma for matching words: a plural or third-person s dropped
    package_version   the installed distribution's version ("0+unknown" from a source tree)

Imports nothing beyond `re`: the offline start-up path uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")


def join_names(names: Iterable[str]) -> str:
    """Names as an English list: "Go", "Go and Rust", "Go, Rust and Java"; "" for none."""
    names = list(names)
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def stem(word: str) -> str:
    """A crude lemma for matching article lines: a plural or third-person s dropped ("libraries" stays, "apis" -> "api")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def package_version() -> str:
    """The installed stackadvisor version; importlib.metadata is imported only when asked (start-up time)."""
    try:
        from importlib.metadata import version

        return version("stackadvisor")
    except Exception:  # noqa: BLE001 - not installed as a distribution
        return "0+unknown"


__all__ = ["ANSI", "join_names", "package_version", "stem"]
