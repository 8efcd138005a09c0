"""The outside-table family: claims about something the table does not rate (compile time, start-up time,
development speed, memory use, popularity, pay; the phrases are in rules/lexicon/check.yaml). Such a claim is
unsupported, and its clause is taken, so no later family judges it by the nearest column ("Go compiles faster
than Rust" says nothing about the Speed column). Languages the table does not cover are judged unsupported by
Judge.outside wherever a family reads them. A property an article line of the language speaks of (Rust's con
"Slower development due to strict compiler checks") is judged by that line instead."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..finder import _lc
from ..score import _item_evidence
from ..vocab import _Ent, _join
from .clause import Clause
from .words import _WORD, direction, words

if TYPE_CHECKING:
    from .walk import _Walk

#: "compiles to blazing fast native code" says what the code is, not how long compiling takes
_TARGET = re.compile(r"\s+(?:down\s+)?(?:in)?to\s+(?!be\b)")
_THAN_OBJ = re.compile(r"\bthan\s+(?:(?:that|those)\s+of\s+|the\s+|with\s+|in\s+|using\s+)?$")
#: a list element: "..., error handling, and fast startup times" (the list says its elements of the subject before it)
_LIST_TAIL = re.compile(r"(?:,[^,]*,|,\s*(?:and|or)\s)\s*(?:[\w\-]+\s+){0,3}$")


def _by_own_line(ck: _Walk, c: Clause, e: _Ent, m: re.Match, rx: re.Pattern) -> bool:
    """A property the table does not rate that an article line of the language speaks of ("Slower development due to
    strict compiler checks", Rust's con): the claim is judged by that line, its direction against the line's ("faster
    development" contradicts it, "slow development" agrees). False when no line of the language speaks of it, or the
    claim has no direction."""
    lang = ck.table.languages[e.name]
    lines = [(k, it) for k, items in (("pro", lang.pros), ("con", lang.cons)) for it in items if rx.search(_lc(it.text))]
    if not lines:
        return False
    said = direction(set(_WORD.findall(m.group(0)))) or direction(set(_WORD.findall(c.lc[c.c0:c.c1])))
    kind, it = lines[0]
    own = direction(set(_WORD.findall(_lc(it.text))))
    if not said or not own:
        return False
    lo = max(c.c0, e.end) if c.c0 <= e.end <= m.start() else c.c0
    truth = (said == own) != ck._negated(lo, m.start())
    ck.emit(kind, "supported" if truth else "contradicted", _item_evidence(lang, kind, it), e.name, None,
            c.span_of([e], m.start(), m.end()), f"The article lists \"{it.text}\" as a {kind} of {e.name}.")
    return True


def _stretch(c: Clause, m: re.Match) -> tuple[int, int]:
    """The stretch of the clause the unrated property is said in: from the boundary before it to the one after it
    (punctuation, and check.yaml stretch_ends: "and", "at the cost of"). Only that stretch is taken, so the rest of the clause is read
    by the other families ("... at compile time at the cost of a steeper learning curve": the learning curve is rated)."""
    rx = words().stretch_end_rx
    a = max((x.end() for x in rx.finditer(c.lc, c.c0, m.start())), default=c.c0)
    after = rx.search(c.lc, m.end(), c.c1)
    return a, after.start() if after else c.c1


def _overlaps(hits: tuple, a: int, b: int) -> bool:
    return any(x.start() < b and a < x.end() for x in hits)


def unrated(ck: _Walk, c: Clause) -> None:
    """Claims about properties the table does not rate: unsupported, each one's stretch of the clause taken (_stretch)."""
    item_hits = (*c.hits.get(id(c.v.item_rx), ()), *c.hits.get(id(c.v.absent_rx), ()))
    for m in words().unrated_rx.finditer(c.lc, c.c0, c.c1):
        if _TARGET.match(c.lc, m.end()) or _overlaps(item_hits, *m.span()) or not c.free(*m.span()):
            continue  # "compiles to native code", or part of an article line the clause quotes (Rust's "Slower development ...")
        _one(ck, c, m)


def _one(ck: _Walk, c: Clause, m: re.Match) -> None:
    lc, w = c.lc, words()
    label = next(lab for lab, rx in w.unrated if rx.fullmatch(m.group(0)))
    subj = ck._subject(c.cents, m.start(), c.carry)
    if not subj:
        return
    lead = lc[max([e.end for e in subj if e.end <= m.start()], default=m.start()):m.start()]
    if "," in lead and not _LIST_TAIL.search(lead):
        return  # "While Python is slower than JavaScript, the ability to maintain ...": not said of the language before the comma
    others = [e for e in c.cents if e.start > m.start() and e not in subj and _THAN_OBJ.search(lc, c.c0, e.start)]
    table = ck.table
    rated = _join([cr.label for cr in table.criteria.values()])
    evidence = (f"The {table.table_section} table rates {rated} only; it has no {label} column, and the article does not "
                f"rate {label}, so this claim cannot be judged (not by the nearest column either).")
    rx = next(rx for lab, rx in w.unrated if lab == label)
    for e in subj:
        if e.outside:
            ck.outside(e, c.span_of([e], m.start(), m.end()))
            continue
        if not others and _by_own_line(ck, c, e, m, rx):
            continue
        other = next((o for o in others if not o.outside), None)
        end = max([m.end()] + [o.end for o in others])
        ck.emit("outside", "unsupported", evidence, e.name, None, c.span_of([e], m.start(), end), other=other.name if other else None)
    a, b = _stretch(c, m)
    c.used.append((a, max([b] + [o.end for o in others])))
