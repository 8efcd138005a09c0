"""The outside-table family: claims about something the table does not rate (compile time, start-up time,
development speed, memory use, popularity, pay; the phrases are in rules/lexicon/check.yaml). Such a claim is
unsupported, and its clause is taken, so no later family judges it by the nearest column ("Go compiles faster
than Rust" says nothing about the Speed column). Languages the table does not cover are judged unsupported by
Judge.outside wherever a family reads them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..vocab import _join
from .clause import Clause
from .words import words

if TYPE_CHECKING:
    from .walk import _Walk

_THAN_OBJ = re.compile(r"\bthan\s+(?:(?:that|those)\s+of\s+|the\s+)?$")


def unrated(ck: _Walk, c: Clause) -> None:
    lc, v = c.lc, c.v
    w = words()
    m = w.unrated_rx.search(lc, c.c0, c.c1)
    if m is None or c.hits.get(id(v.item_rx)) or c.hits.get(id(v.absent_rx)):
        return  # nothing unrated here, or the clause quotes an article line (Rust's "Slower development ...")
    label = next(lab for lab, rx in w.unrated if rx.fullmatch(m.group(0)))
    subj = ck._subject(c.cents, m.start(), c.carry)
    if not subj:
        return
    others = [e for e in c.cents if e.start > m.start() and e not in subj and _THAN_OBJ.search(lc, c.c0, e.start)]
    table = ck.table
    rated = _join([cr.label for cr in table.criteria.values()])
    evidence = (f"The {table.table_section} table rates {rated} only; it has no {label} column, and the article does not "
                f"rate {label}, so this claim cannot be judged (not by the nearest column either).")
    for e in subj:
        if e.outside:
            ck.outside(e, c.span_of([e], m.start(), m.end()))
            continue
        other = next((o for o in others if not o.outside), None)
        end = max([m.end()] + [o.end for o in others])
        ck.emit("outside", "unsupported", evidence, e.name, None, c.span_of([e], m.start(), end), other=other.name if other else None)
    c.used.append((c.c0, c.c1))
