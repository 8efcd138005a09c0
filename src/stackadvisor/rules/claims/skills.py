"""A language's own skill words, read as the language inside the checker.

    Python is slower than JavaScript.              JavaScript is Node.js's own language: Python < Node.js on speed
    You use JavaScript on both the front and back end.   Node.js's pro "Same language (JavaScript) across front and back ends"

A skill (the table's `skills` of a language) is the language's own when the article names it in the language's
title or lines and it is none of the language's frameworks or aliases: "JavaScript" for Node.js (its title says
"JavaScript-Friendly", a pro "Same language (JavaScript)"), where "React" or "npm" are not. The shared mention
finder is left alone: only the checker reads them so. A sentence whose only mention is a skill word ("our team
knows JavaScript") says something of the team, and is not listed as unread.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ..finder import _TOKEN_RX, _key, _lc, derived
from ..vocab import _ITEM_STOP, _Ent, _item_key, _stem, _Vocab


@dataclass
class Skill(_Ent):
    """A mention of a language by its own skill word."""


def _own(v: _Vocab) -> dict[str, str]:
    def build(_t: object) -> dict[str, str]:
        own: dict[str, str] = {}
        for lang in v.table.languages.values():
            said = _lc(" ".join([lang.section, *(it.text for it in (*lang.best_for, *lang.pros, *lang.cons))]))
            taken = {_key(x) for x in (*lang.aliases, *lang.frameworks, lang.name)}
            for skill in lang.skills:
                if _key(skill) not in taken and re.search(rf"(?<![\w\-]){re.escape(_lc(skill))}(?![\w])", said):
                    own.setdefault(_lc(skill), lang.name)
        return own
    return derived(v.table, "claims-own-skills", build)


def _skill_rx(v: _Vocab) -> re.Pattern | None:
    def build(_t: object) -> re.Pattern | None:
        own = _own(v)
        alt = "|".join(sorted(map(re.escape, own), key=len, reverse=True))
        return re.compile(rf"(?<![\w\-.])(?:{alt})(?![\w])") if own else None
    return derived(v.table, "claims-own-skills-rx", build)


_BESIDE = re.compile(r"[\s(),/]*")


def with_skills(ents: list[_Ent], lc: str, v: _Vocab) -> list[_Ent]:
    """The mentions, and a language's own skill words as that language (not one beside a mention of it: "JavaScript
    (Node.js)" is one mention)."""
    rx = _skill_rx(v)
    if rx is None or not rx.search(lc):
        return ents
    own = _own(v)
    starts = [e.start for e in ents]
    extra: list[_Ent] = []
    for m in rx.finditer(lc):
        name = own[m.group(0)]
        i = bisect_left(starts, m.start())
        near = ents[max(0, i - 1):i + 1]
        if any(e.start < m.end() and m.start() < e.end for e in near):
            continue
        if any(e.name == name and (_BESIDE.fullmatch(lc, e.end, m.start()) or _BESIDE.fullmatch(lc, m.end(), e.start)) for e in near):
            continue
        extra.append(Skill(m.start(), m.end(), name, False))
    return sorted(ents + extra, key=lambda e: e.start) if extra else ents


def skill_bags(v: _Vocab) -> list[tuple[frozenset[str], list[tuple[str, str, object]], int]]:
    """Article lines that explain a phrase by the language's own skill word ("Same language (JavaScript) across front
    and back ends"), as content-word bags with the skill word for the phrase it explains: {javascript, front, back,
    end}. A clause with all of them says the line ("JavaScript on both the front end and the back end")."""
    def build(_t: object) -> list:
        own = _own(v)
        out = []
        for lang in v.table.languages.values():
            for kind, items in (("best_for", lang.best_for), ("pro", lang.pros), ("con", lang.cons)):
                for it in items:
                    m = re.search(r"((?:[\w\-]+\s+){0,2}[\w\-]+)\s*\(([^)]*)\)", _lc(it.text))
                    if not m or own.get(m.group(2).strip()) != lang.name:
                        continue
                    rest = _item_key(it.text[:m.start()] + " " + it.text[m.end():])
                    content = {_stem(w) for w in _TOKEN_RX.findall(rest) if w not in _ITEM_STOP}
                    if len(content) >= 2:
                        out.append((frozenset(content | {m.group(2).strip()}), [(lang.name, kind, it)], len(it.text)))
        return out
    return derived(v.table, "claims-skill-bags", build)
