"""The guard's text helpers: streamed text into sentences, tags and foreign citations dropped, the
recommendations a sentence makes, where a checked claim sits in the text."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..rules import Check

_BOUNDARY = re.compile(r"[.!?][\"')\]*_]*(?:[ \t]*\[\d+\])*[ \t]+(?=[^\s\[])|\n+(?=[^\n])")
_OPEN_TAG = re.compile(r"<[/A-Za-z|][^<>]*$")
HEADING = re.compile(r"\s*(?:#{1,6}\s|\d+[.)]\s|\*\*[^*]+\*\*\s*:?\s*$|[^-*+\s][^.!?]{0,60}:\s*$)")
_ABBREV = {"e.g", "i.e", "vs", "etc", "approx", "cf", "eg", "ie", "mr", "dr", "no"}
_SPECIAL = re.compile(r"<\|[^|>]{0,20}\|>|</?\s*[A-Za-z][\w-]*(?:\s+[\w-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))*\s*/?>")  # chat-template tokens, any tag
_RECOMMEND = re.compile(
    r"(?<![Nn]ot )(?<![Nn]ever )(?<!n't )\b(?i:i(?:'d| would)?\s+(?:strongly\s+|also\s+)?(?:recommend|suggest)(?:\s+(?:using|going\s+with|choosing))?"
    r"|my\s+(?:recommendation|pick|choice|suggestion)\s+(?:is|would\s+be)|recommendation\s*:|"
    r"(?:you\s+)?(?:should|could|can|might)\s+(?:also\s+)?(?:use|choose|pick|go\s+with|consider(?:\s+using)?)|go\s+with|opt\s+for)"
    r"[\s:*]+(?:using\s+)?([A-Z][\w.+#-]*(?:\s(?:[A-Z][\w.+#-]*|js))?)"
    r"|\b([A-Z][\w.+#-]*)\**\s+(?:is|would\s+be)\s+(?:the|my)\s+(?:best|recommended|right|ideal)\s+(?:choice|option|pick|fit|language)\s+(?:for\s+(?:you|your|this)|here)"
)
_NOT_NAMES = {"a", "an", "the", "this", "that", "these", "those", "it", "its", "you", "your", "we", "i", "they", "them", "one", "both",
              "each", "any", "some", "either", "using", "based", "for", "if", "when", "in", "on", "with", "to", "and", "or", "but", "as",
              "recommendation", "choice", "option", "language", "backend", "what", "which", "whichever"}


def recommended(sentence: str) -> list[str]:
    """Names the sentence recommends ("I recommend Redis", "go with Go", "Rust is the best choice for you")."""
    names = []
    for m in _RECOMMEND.finditer(sentence):
        name = (m.group(1) or m.group(2) or "").strip().rstrip(".,;:*!?")
        if name and name.split()[0].lower() not in _NOT_NAMES:
            names.append(name)
    return names


def resolve_language(name: str, table: Any) -> str | None:
    """A table language from a name, an alias, a framework or a skill word ("Django" -> Python); None if outside."""
    candidates = [name, name.split()[0]]
    for cand in candidates:
        lang = table.find_language(cand)
        if lang is not None:
            return lang.name
    low = {name.lower(), name.split()[0].lower()}
    for lang in table.languages.values():
        if low & {f.lower() for f in lang.frameworks} or low & set(lang.skills):
            return lang.name
    return None


def sentences(pieces: Iterator[str]) -> Generator[str, None, None]:
    """Whole sentences (or lines) from streamed text pieces; the rest at the end."""
    buf = ""
    try:
        for piece in pieces:
            buf += piece
            pos = 0
            while True:
                m = _BOUNDARY.search(buf, pos)
                if not m:
                    break
                cut = m.end()
                tag = _OPEN_TAG.search(buf, 0, m.start())
                if tag and m.start() - tag.start() < 300:  # never split inside a tag look-alike: tidy() must see it whole
                    if ">" in buf[m.start():]:
                        pos = cut
                        continue
                    break
                head = buf[:cut]
                word = re.search(r"([\w.]+)[.!?]\W*$", buf[: m.start() + 1])
                newline = m.group(0).startswith("\n")
                if not newline and (len(re.findall(r"[A-Za-z]", head)) < 3 or (word and word.group(1).lower().rstrip(".") in _ABBREV)):
                    pos = cut
                    continue
                yield head
                buf, pos = buf[cut:], 0
        if buf.strip():
            yield buf
    finally:
        close = getattr(pieces, "close", None)
        if close:
            close()


def tidy(sentence: str, given: int) -> str:
    """Drop chat-template tokens, our tag names and citations of passages the model was not given."""
    sentence = _SPECIAL.sub("", sentence)
    return re.sub(r"\s?\[(\d+)\]", lambda m: m.group(0) if 1 <= int(m.group(1)) <= given else "", sentence)



def clean_condensed(text: str) -> str:
    text = _SPECIAL.sub("", text).strip()
    text = re.sub(r"^(?:standalone question|question|rewritten)\s*:\s*", "", text.splitlines()[0] if text else "", flags=re.I).strip(" \"'`*")
    if len(text) < 8 or len(text) > 400 or not re.search(r"[A-Za-z]{3}", text):
        return ""
    return text


def within(c: Check, text: str, lo: int, hi: int) -> bool:
    start, end = c.span
    if (start, end) != (0, 0):
        return start < hi and end > lo
    return bool(c.claim) and c.claim.lower() in text[lo:hi].lower()


def sentence_bounds(text: str, c: Check) -> tuple[int, int]:
    start, end = c.span
    if (start, end) == (0, 0):
        at = text.lower().find(c.claim.lower()) if c.claim else -1
        if at < 0:
            return -1, -1
        start, end = at, at + len(c.claim)
    left = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0, text.rfind("\n", 0, start) + 1)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(stops) + 1 if stops else len(text)
    return left, right


def few(items: list[str], n: int = 3) -> str:
    return "; ".join(items[:n]) + (f"; and {len(items) - n} more" if len(items) > n else "")


def uncite(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["HEADING", "clean_condensed", "few", "recommended", "resolve_language", "sentence_bounds", "sentences", "short", "tidy",
           "uncite", "within"]
