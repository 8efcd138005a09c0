"""Markdown structure: the cells of markdown tables as claims, and headings that name the language a block is about."""

from __future__ import annotations

import re
from bisect import bisect_right

from ..clean import _MD_SEP, _MD_TABLE_LINE
from ..finder import _key
from ..mentions import _entities
from ..types import Check
from ..vocab import _Ent, _Vocab
from .judge import _Judge


class _Tables(_Judge):
    """Checks the cells of markdown tables ("| Go | Very High |" under a "Speed" header)."""

    def tables(self, text: str) -> list[tuple[int, int]]:
        """Check the cells of markdown tables; return the spans of the table blocks."""
        blocks: list[list[re.Match]] = []
        last_end = -2
        for m in _MD_TABLE_LINE.finditer(text):
            if blocks and text[last_end:m.start()].strip() == "":
                blocks[-1].append(m)
            else:
                blocks.append([m])
            last_end = m.end()
        spans = []
        for block in blocks:
            spans.append((block[0].start(), block[-1].end()))
            rows = [self._cells(m) for m in block if not _MD_SEP.match(m.group(0))]
            if len(rows) < 2:
                continue
            self._table_block(rows)
        return spans

    def _cells(self, m: re.Match) -> list[tuple[str, int, int]]:
        line, base = m.group(0), m.start()
        out = []
        pos = line.index("|") + 1
        for part in line[pos:].split("|"):
            a = base + pos + (len(part) - len(part.lstrip()))
            out.append((part.strip(), a, a + len(part.strip())))
            pos += len(part) + 1
        if out and not out[-1][0]:
            out.pop()
        return out

    def _header_crit(self, cell: str) -> str | None:
        k = _key(re.sub(r"[*_`]", "", cell))
        for cid, c in self.table.criteria.items():
            if k in (_key(c.label), _key(cid), *(_key(n) for n in c.nouns)):
                return cid
        return None

    def _header_ent(self, cell: str, a: int) -> _Ent | None:
        c = re.sub(r"[*_`]", " ", cell)
        ents = _entities(c, self.v)
        if ents and not c[:ents[0].start].strip() and not c[ents[0].end:].strip(" ()"):
            e = ents[0]
            return _Ent(a + e.start, a + e.end, e.name, e.outside)
        return None

    def _table_block(self, rows: list[list[tuple[str, int, int]]]) -> None:
        header = rows[0]
        crit_cols = {j: self._header_crit(c) for j, (c, _, _) in enumerate(header) if j > 0}
        if any(crit_cols.values()):
            for row in rows[1:]:
                if not row:
                    continue
                e = self._header_ent(*row[0][:2])
                if e is None:
                    continue
                for j, cid in crit_cols.items():
                    if cid and j < len(row):
                        self._table_cell(e, cid, row[j], row[0])
            return
        lang_cols = {j: self._header_ent(c, a) for j, (c, a, _) in enumerate(header) if j > 0}
        if any(lang_cols.values()):
            for row in rows[1:]:
                cid = self._header_crit(row[0][0]) if row else None
                if cid is None:
                    continue
                for j, e in lang_cols.items():
                    if e is not None and j < len(row):
                        self._table_cell(e, cid, row[j], row[0])

    def _table_cell(self, e: _Ent, cid: str, cell: tuple[str, int, int], head: tuple[str, int, int]) -> None:
        text, a, b = cell
        span = (min(a, head[1]), max(b, head[2]))
        self.question = False
        if e.outside:
            return self.outside(e, (head[1], head[2]), cid)
        k = _key(re.sub(r"\(.*?\)|[*_`]", " ", text))
        level = self.v.level_map[cid].get(k)
        if level is not None:
            span = (a, b)
            before = len(self.out)
            self.level(_Ent(e.start, e.end, e.name), cid, level, "exact", False, span)
            if len(self.out) > before:
                c = self.out[-1]
                self.out[-1] = Check(f"{e.name} | {self.table.criteria[cid].label} | {text}", c.verdict, c.evidence, c.kind,
                                     c.language, c.criterion, c.span, c.correction, False, None)
            return
        pm = self.v.pred_map.get(k)
        if pm and pm[0] == cid:
            self.level(_Ent(e.start, e.end, e.name), cid, pm[1], pm[2], False, (a, b))


_HEADING = re.compile(
    r"(?m)^[ \t]*(?:(?P<hash>#{1,6})[ \t]+(?P<h>[^\n]+?)[ \t#]*|(?:\*\*|__)(?P<b>[^*_\n]+?)(?:\*\*|__)[ \t]*:?|(?P<c>[^\n:|#*\-][^\n:|]{0,38}):)[ \t]*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022]|\d+[.)])[ \t]")


def _heading_scopes(text: str, v: _Vocab) -> list[tuple[int, int, _Ent]]:
    """Markdown headings that name one language and nothing else ("### Go", "**Rust**", "Node.js:"), each with the
    stretch of text under it: to the next heading, and for a bold or colon heading also to a blank line that a
    list does not go on after. The lines there are claims about that language."""
    if "\n" not in text:
        return []
    found = []
    for m in _HEADING.finditer(text):
        g = "h" if m.group("h") is not None else "b" if m.group("b") is not None else "c"
        inner = re.sub(r"\([^)]*\)", " ", m.group(g)).strip(" \t*_`:")
        ents = _entities(inner, v)
        if not ents or ents[0].start != 0 or inner[ents[-1].end:].strip() or any(e.name != ents[0].name for e in ents):
            continue
        if len(ents) > 1 and inner[ents[0].end:ents[-1].start].strip(" ,/"):
            continue
        e = ents[0]
        at = m.start(g) + max(0, m.group(g).find(inner[e.start:e.end]))
        found.append((m.start(), m.end(), g == "h", _Ent(at, at + e.end - e.start, e.name, e.outside)))
    if not found:
        return []
    ends = [m.start() for m in _HEADING.finditer(text)] + [len(text)]
    out = []
    for a, b, hashed, e in found:
        stop = ends[bisect_right(ends, a)]
        if not hashed:  # a bold or colon heading reaches to a blank line after which no list goes on
            for bl in re.finditer(r"\n[ \t]*\n", text[b:stop]):
                if not _LIST_ITEM.match(text, b + bl.end()):
                    stop = b + bl.start()
                    break
        if stop > b:
            out.append((b, stop, e))
    return out
