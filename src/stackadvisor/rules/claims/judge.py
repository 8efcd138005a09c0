"""Judging one claim against the table or the article, and recording it as a Check.

`_Judge` holds the checked text and the Checks found so far; the claim families call its verdict helpers
(`level`, `compare`, `relation`, `superlative`, `topic`, `outside`) once they have read a claim.
"""

from __future__ import annotations

from ...knowledge import Item, Table
from ..clean import _clean_markdown
from ..finder import _WS_RX, _key
from ..score import _cell_evidence, _item_evidence
from ..types import Check
from ..vocab import _Ent, _join, _Vocab


class _Judge:
    """Verdicts for claims once read; Checks collected in `out`."""

    def __init__(self, text: str, table: Table, v: _Vocab) -> None:
        self.text, self.table, self.v = text, table, v
        self.out: list[Check] = []
        self.seen: set[tuple] = set()
        self.question = False
        self.s0 = 0
        self.clean: str | None = None
        self.plain_spans: list[tuple[int, int]] = []  # where the text was read as plain words (words.as_plain)

    # ---------------------------------------------------------------- emitting

    def claim_text(self, a: int, b: int) -> str:
        part = self.clean[a:b] if self.clean is not None else _clean_markdown(self.text[a:b])
        return _WS_RX.sub(" ", part).strip(" ,;:")

    def emit(self, kind: str, verdict: str, evidence: str, language: str | None, criterion: str | None,
             span: tuple[int, int], correction: str | None = None, other: str | None = None) -> None:
        span = self.whole_words(span)
        key = (kind, language, other, criterion, verdict, span, evidence)
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.append(Check(self.claim_text(*span), verdict, evidence, kind, language, criterion, span,  # type: ignore[arg-type]
                              correction if verdict == "contradicted" else None, self.question, other))

    def whole_words(self, span: tuple[int, int]) -> tuple[int, int]:
        """`span` widened to whole words of the text: a word read as a shorter plain one ("performant" as "fast",
        words.as_plain) is quoted whole."""
        text = self.clean if self.clean is not None else self.text
        a, b = span
        b = next((y for x, y in self.plain_spans if x < b <= y), b)  # an idiom read as a shorter word ends where the idiom does
        while b < len(text) and b > a and text[b - 1].isalnum() and text[b].isalnum():
            b += 1
        return a, b

    def outside(self, e: _Ent, span: tuple[int, int], criterion: str | None = None) -> None:
        key = ("outside", e.name, span[0])
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.append(Check(self.claim_text(*span), "unsupported", self.v.covers, "outside", e.name, criterion, span,
                              None, self.question))

    # ---------------------------------------------------------------- verdict helpers

    def lab(self, cid: str) -> str:
        return self.table.criteria[cid].label.lower()

    def cell_sentence(self, name: str, cid: str) -> str:
        return f"{name}'s {self.lab(cid)} is {self.table.languages[name].cell_text(cid)}"

    def level(self, e: _Ent, cid: str, level: str, mode: str, neg: bool, span: tuple[int, int]) -> None:
        if e.outside:
            return self.outside(e, span, cid)
        crit = self.table.criteria[cid]
        lang = self.table.languages[e.name]
        cell = lang.cells.get(cid)
        if cell is None:
            return self.emit("level", "unsupported", f"The {self.table.table_section} table has no {crit.label} value for {e.name}.", e.name, cid, span)
        r, lr, half = crit.rank(cell), crit.rank(level), len(crit.scale) // 2
        center = (len(crit.scale) - 1) / 2
        if mode == "exact":
            truth = r == lr
        elif mode == "middle":  # "middling": neither end, at most the middle ("High" of Low < High < Very High)
            truth = 0 < r <= center
        elif mode == "upto-middle":  # "nothing special": the middle or below
            truth = r <= center
        elif mode == "half":
            truth = r >= half if lr >= half else r < half
        else:
            truth = r >= lr if lr >= half else r <= lr
        if neg:
            truth = not truth
        self.emit("level", "supported" if truth else "contradicted", _cell_evidence(self.table, lang, cid, ""), e.name, cid, span,
                  self.cell_sentence(e.name, cid) + ".")

    def compare(self, a: _Ent, b: _Ent, cid: str, rel: str, span: tuple[int, int]) -> None:
        if a.outside or b.outside:
            for e in (a, b):
                if e.outside:
                    self.outside(e, span, cid)
            return
        if a.name == b.name:
            return
        crit = self.table.criteria[cid]
        ra, rb = self.table.rank(a.name, cid), self.table.rank(b.name, cid)
        if ra is None or rb is None:
            missing = a.name if ra is None else b.name
            return self.emit("comparison", "unsupported", f"The {self.table.table_section} table has no {crit.label} value for {missing}.",
                             a.name, cid, span, other=b.name)
        truth = {">": ra > rb, "<": ra < rb, ">=": ra >= rb, "<=": ra <= rb, "=": ra == rb, "!=": ra != rb}[rel]
        la, lb = self.table.languages[a.name], self.table.languages[b.name]
        evidence = f"{self.table.table_section}: {a.name} | {crit.label} | {la.cell_text(cid)}; {b.name} | {crit.label} | {lb.cell_text(cid)}"
        correction = f"{self.cell_sentence(a.name, cid)} and {b.name}'s is {lb.cell_text(cid)}"
        if ra == rb:
            correction += ", the same rating."
        else:
            hi, lo = (a.name, b.name) if ra > rb else (b.name, a.name)
            phrase = crit.better[0] if crit.better else f"rated higher on {crit.label.lower()}"
            verb = "has a" if any(phrase.endswith(n) for n in crit.nouns) else "is"
            correction += f", so {hi} {verb} {phrase} than {lo}."
        self.emit("comparison", "supported" if truth else "contradicted", evidence, a.name, cid, span, correction, b.name)

    def relation(self, a: _Ent, b: _Ent, adj: str, sign: int, facts: list, span: tuple[int, int]) -> None:
        """`a` is more (sign 1) or less (-1) `adj` than `b`, judged by the comparisons the article's lines make."""
        if a.outside or b.outside:
            for e in (a, b):
                if e.outside:
                    self.outside(e, span)
            return
        if a.name == b.name:
            return
        for lang_name, other, fsign, kind, it in facts:
            if {lang_name, other} != {a.name, b.name}:
                continue
            truth = sign == (fsign if a.name == lang_name else -fsign)
            lang = self.table.languages[lang_name]
            said = f"{lang_name} is {'more' if fsign > 0 else 'less'} {adj} than {other}"
            return self.emit(kind, "supported" if truth else "contradicted", _item_evidence(lang, kind, it), a.name, None, span,
                             f"The article says {said} (\"{it.text}\").", other=b.name)
        owners = _join(dict.fromkeys(f"{n} ({it.text})" for n, _, _, _, it in facts))
        self.emit("comparison", "unsupported", f"The article compares {adj}ness only for {owners}.", a.name, None, span, other=b.name)

    def superlative(self, e: _Ent, cid: str, sign: int, neg: bool, span: tuple[int, int]) -> None:
        if e.outside:
            return self.outside(e, span, cid)
        crit = self.table.criteria[cid]
        all_ranks = {n: self.table.rank(n, cid) for n in self.table.languages}
        ranks: dict[str, int] = {n: r for n, r in all_ranks.items() if r is not None}
        if e.name not in ranks:
            return self.emit("superlative", "unsupported", f"The {self.table.table_section} table has no {crit.label} value for {e.name}.", e.name, cid, span)
        ext = max(ranks.values()) if sign > 0 else min(ranks.values())
        holders = [n for n, r in ranks.items() if r == ext]
        truth = (ranks[e.name] == ext) != neg
        column = ", ".join(f"{n} {self.table.languages[n].cell_text(cid)}" for n in ranks)
        evidence = f"{self.table.table_section}: {crit.label} column: {column}"
        where = "the top of the table" if sign > 0 else "the bottom of the table"
        holder_txt = _join([f"{h}'s" for h in holders]) + (" is" if len(holders) == 1 else " are")
        level = crit.scale[ext]
        if e.name in holders:
            correction = f"{self.cell_sentence(e.name, cid)}, {where}."
        else:
            correction = f"{self.cell_sentence(e.name, cid)}, while {holder_txt} {level}, {where}."
        self.emit("superlative", "supported" if truth else "contradicted", evidence, e.name, cid, span, correction)

    def topic(self, e: _Ent, kind: str, tid: str, polarity: int, span: tuple[int, int]) -> None:
        if e.outside:
            return self.outside(e, span)
        v, table = self.v, self.table
        lang = table.languages[e.name]
        topic = (table.use_cases if kind == "use_case" else table.constraints)[tid]
        pos = [(k, it) for k, items in (("best_for", lang.best_for), ("pro", lang.pros)) for it in items if _item_matches(it, kind, tid, v)]
        cons = [it for it in lang.cons if _item_matches(it, kind, tid, v)]
        if polarity > 0:
            if pos:
                k, it = pos[0]
                return self.emit(k, "supported", _item_evidence(lang, k, it), e.name, None, span)
            if cons:
                it = cons[0]
                return self.emit("best_for", "contradicted", _item_evidence(lang, "con", it), e.name, None, span,
                                 f"The article lists \"{it.text}\" as a con of {e.name}.")
            return self.emit("best_for", "unsupported", self._nobody(e.name, kind, tid, topic.label), e.name, None, span)
        if cons:
            return self.emit("con", "supported", _item_evidence(lang, "con", cons[0]), e.name, None, span)
        if pos:
            k, it = pos[0]
            what = "best for" if k == "best_for" else "a pro of"
            return self.emit("con", "contradicted", _item_evidence(lang, k, it), e.name, None, span,
                             f"The article lists \"{it.text}\" as {what} {e.name}." if k == "pro" else f"The article names {e.name} best for {it.text}.")
        return self.emit("con", "unsupported", self._nobody(e.name, kind, tid, topic.label), e.name, None, span)

    def _nobody(self, name: str, kind: str, tid: str, label: str) -> str:
        owners = [n for n, lang in self.table.languages.items()
                  if any(_item_matches(it, kind, tid, self.v) for it in (*lang.best_for, *lang.pros, *lang.cons))]
        lang = self.table.languages[name]
        own = f" (best for: {', '.join(it.text for it in lang.best_for)})" if lang.best_for else ""
        what = label if len(label) > 1 and label[1].isupper() else label[:1].lower() + label[1:]
        if owners:
            return f"The article does not say this of {name}{own}; it mentions {what} for {_join(owners)}."
        return f"The article does not link {what} to {name}{own}."


def _item_matches(it: Item, kind: str, tid: str, v: _Vocab) -> bool:
    if (kind == "use_case" and it.use_case == tid) or (kind == "constraint" and it.constraint == tid):
        return True
    rx = v.topic_kw.get((kind, tid))
    return bool(rx and rx.search(_key(it.text)))
