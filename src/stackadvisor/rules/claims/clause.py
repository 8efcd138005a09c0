"""The clause a claim family reads, and the overlap policy's bookkeeping."""

from __future__ import annotations

import re

from ..vocab import _Ent, _Vocab

_LEAD = re.compile(r"[\s,;:\-]*(?:(?:and|but|so|yet|while|though|also)\b[\s,]*)*")


class Clause:
    """One clause being read: its span, the languages named in it, the subject carried from the clause before,
    the phrase-finder hits inside it, and the spans claims have already taken (the overlap policy: a family may
    only claim a span no earlier family took)."""

    __slots__ = ("lc", "v", "cents", "carry", "c0", "c1", "hits", "used")

    def __init__(self, lc: str, v: _Vocab, cents: list[_Ent], carry: list[_Ent], c0: int, c1: int, hits: dict) -> None:
        self.lc, self.v, self.cents, self.carry, self.c0, self.c1, self.hits = lc, v, cents, carry, c0, c1, hits
        self.used: list[tuple[int, int]] = []

    def free(self, a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in self.used)

    def span_of(self, subj: list[_Ent], a: int, b: int) -> tuple[int, int]:
        """The claim's span: from its subject (or, a subject carried from before, the clause's own few words before the
        claim: "its concurrency is the best", not "best") to `b`."""
        starts = [e.start for e in subj if self.c0 <= e.start] + [a]
        if len(starts) == 1:
            lead = _LEAD.match(self.lc, self.c0, a)
            if lead and len(self.lc[lead.end():a].split()) <= 4:
                starts.append(lead.end())
        ends = [e.end for e in subj if e.end <= self.c1] + [b]
        return (min(starts), max(ends))

    def unpack(self) -> tuple:
        return self.lc, self.v, self.cents, self.carry, self.c0, self.c1, self.hits, self.used, self.free, self.span_of
