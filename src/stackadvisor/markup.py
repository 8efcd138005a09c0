"""Markdown made harmless: one sanitiser for generated answers and for everything the web UI renders.

    sanitize(text, html="strip")    generated text (llm writers): still markdown, tags taken out
    sanitize(text, html="escape")   text for the UI's markdown renderer: every "<" shown as text

Both modes remove what a markdown client would fetch or run on its own: images (a zero-click fetch can carry
data out in its URL), links whose target is not web, mail or relative (javascript:, data:, vbscript:, even
entity-encoded or split by whitespace) reduced to their text, reference definitions (they can back an image or
a link), terminal escapes and invisible control/format characters. Raw HTML and event handlers are removed
("strip") or escaped ("escape"). An image is dropped in "strip" mode (the writer's notice says so) and replaced
by "[image removed: alt]" in "escape" mode, where the reader sees no notice.
"""

from __future__ import annotations

import html as html_mod
import re
import unicodedata
from typing import Literal

from .text import ANSI

_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,300})\](?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])?")
_MD_LINK = re.compile(r"\[([^\]\n]{0,300})\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_REF_DEF = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*<?\S+?>?(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$\n?", re.M)  # [x]: url "title"
_HTML = re.compile(r"<!--.*?(?:-->|$)|</?(?!https?://|mailto:)[A-Za-z][^<>]*>", re.S)
_HANDLER = re.compile(r"(?<![\w-])on[a-z]{3,}\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
_SAFE_URL = re.compile(r"(?:https?:|mailto:|#|/|\.{0,2}/)|[^:]*(?:[/?#]|$)", re.I)  # web, mail, or relative
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn")


def sanitize(text: object, html: Literal["strip", "escape"] = "strip") -> tuple[str, int]:
    """The text with nothing a markdown client would fetch or run, and how many such things were taken out
    (images, unsafe links, reference definitions, HTML tags and handlers; control characters are not counted)."""
    removed = 0
    s = str(text)
    if "\x1b" in s:
        s = ANSI.sub("", s)
    if not s.isprintable():
        s = "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in _INVISIBLE else "" for ch in s)

    def image(m: re.Match[str]) -> str:
        nonlocal removed
        removed += 1
        if html == "strip":
            return ""
        alt = m.group(1).strip()
        return f"[image removed: {alt}]" if alt else "[image removed]"

    def link(m: re.Match[str]) -> str:
        nonlocal removed
        url = re.sub(r"[\x00-\x20]+", "", html_mod.unescape(m.group(2)))
        if _SAFE_URL.match(url):
            return m.group(0)
        removed += 1
        return m.group(1)

    def drop(m: re.Match[str]) -> str:
        nonlocal removed
        removed += 1
        return ""

    if "![" in s:
        s = _MD_IMAGE.sub(image, s)
    if "](" in s:
        s = _MD_LINK.sub(link, s)
    if "]:" in s:
        s = _REF_DEF.sub(drop, s)
    s = s.replace("![", "!\\[")  # what is left of an image look-alike cannot become one
    if html == "escape":
        return html_mod.escape(s, quote=False), removed
    if "<" in s:
        s = _HTML.sub(drop, s)
    if "=" in s:
        s = _HANDLER.sub(drop, s)
    return s, removed


def defang(text: str) -> tuple[str, int]:
    """Generated text that no markdown client can turn into a fetch or a script, and how many things were taken out."""
    return sanitize(text, "strip")


def inert(text: object) -> str:
    """Text made safe to render as markdown: no HTML, no images, no script links, no control characters."""
    return sanitize(text, "escape")[0]


__all__ = ["defang", "inert", "sanitize"]
