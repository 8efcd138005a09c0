"""Claim checking: text -> claims about the languages -> verdicts against the table and the article."""

from __future__ import annotations

import re
from bisect import bisect_left

from ..knowledge import Item, Table
from .types import (
    Check,
    Needs,
    Ranking,
)
from .vocab import (
    _Ent,
    _Finder,
    _INTENSIFIER,
    _MD_SEP,
    _MD_TABLE_LINE,
    _NEGATION,
    _NEG_TOPIC,
    _POS_TOPIC,
    _Vocab,
    _WS_RX,
    _clean_markdown,
    _entities,
    _is_question,
    _item_key,
    _join,
    _key,
    _lc,
    _rephrase,
    _sentences,
    _stem,
    _tokenise,
    _vocab,
    _words_rx,
)
from .read import (
    _LIST_GAP,
)
from .score import (
    CLOSE,
    _cell_evidence,
    _clean_rival,
    _conflicts,
    _item_evidence,
)


_CHECK_SPLIT = re.compile(r"[;\u2022\u00b7]|\s(?:but|whereas|while|although|though|however|yet)\s|,\s+(?:but|whereas|while|although|though|however|yet)\s", re.I)
_AND_SPLIT = re.compile(r",?\s+and\s+(?:(?:the|its|also)\s+)?", re.I)
_VERB_AFTER = re.compile(r"(?:\s*'s)?(?:\s+\w+){0,2}?\s+(?:is|are|has|have|was|were|offers|provides|handles|runs|lacks|excels|shines|does|remains|comes|gives)\b", re.I)
_VERB_LEFT = re.compile(r"\b(?:is|are|has|have|was|were|offers|provides|handles|runs|lacks|excels|shines|does|remains|comes|gives)\b", re.I)
_THAN = re.compile(r"[^;]{0,40}?\bthan\s+(?:(?:both|either|that\s+of|those\s+of|the|even|with|in)\s+)*", re.I)
_BEAT_RX = re.compile(r"\b(?P<verb>beats?|beating|outperforms?|outperforming|outpaces?|outruns?|outclass(?:es)?|surpass(?:es)?|exceeds?|tops|trumps?|"
                      r"lags?\s+(?:far\s+)?behind|trails?|falls?\s+behind|loses?\s+to)\s+(?:(?:both|even)\s+)?")
_BEAT_TOKENS = frozenset({"beat", "beats", "beating", "outperform", "outperforms", "outperforming", "outpace", "outpaces", "outrun",
                          "outruns", "outclass", "outclasses", "surpass", "surpasses", "exceed", "exceeds", "tops", "trump", "trumps",
                          "lag", "lags", "trail", "trails", "fall", "falls", "lose", "loses"})
_NEG_BREAK_HARD = re.compile(
    r"[;:\u2022\u00b7]|,?\s+(?:and|but|yet|while|whereas|plus)\s+(?:(?:it|its|they|it's|also|still|is|are|has|have)\s+)*?"
    r"(?:is|are|has|have|offers|provides|comes|runs|was|were|remains|gives|boasts|enjoys|suffers|shines|excels|lacks|does|brings|gets|"
    r"makes|handles|supports|features|stays|scales)\b|,\s+(?:it|they|it's|which)\s", re.I)
_NEG_BREAK_SOFT = re.compile(r",|\s(?:and|or|plus|as\s+well\s+as)\s", re.I)
_NEG_AUX_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|has|have|had|does|do|did|can|could|will|would|should|may|might|must)\s+$")
_ORDINAL_BEFORE = re.compile(r"(?:one\s+of\s+(?:the\s+)?|second[\s\-]+|third[\s\-]+|2nd\s+|3rd\s+|among\s+the\s+)$", re.I)
_B_SKIP_BEFORE = re.compile(r"\b(?:for|handling|handle|handles|under|need|needs|require|requires|requiring|support|supports|want|wants|demands?)\s+(?:a\s+|an\s+|the\s+)?$", re.I)
_OBJ_GAP = re.compile(r"^\s*,?\s*(?:and|but)\s+(?:also\s+)?(?:has|is|have|are|offers|provides|lacks|comes|runs)\b", re.I)
_SUBJ_GAP = re.compile(r"^[\s,]*(?:both\s+|the\s+)?$", re.I)


def _topic_cue_rx() -> tuple[re.Pattern, re.Pattern]:
    pos = rf"(?:works|performs|fits|does)\s+{_INTENSIFIER}well|" + _words_rx(_POS_TOPIC)
    neg = _words_rx(_NEG_TOPIC)
    p = re.compile(rf"\b(?P<cue>{pos})\b(?:[\s\-]+[\w\-]+){{0,2}}?[\s:]+(?:for|at|in|with|when\s+it\s+comes\s+to|on|(?:(?<=suited\s)|(?<=tailored\s)|(?<=geared\s))to)"
                   rf"[\s:]+(?P<list>(?:[\w\-/.]+[\s,]+){{0,6}}?)$", re.I)
    n = re.compile(rf"\b(?P<cue>{neg})\b(?:[\s\-]+[\w\-]+){{0,2}}?(?:[\s:]+(?:for|at|in|with|on))?[\s:]+(?P<list>(?:[\w\-/.]+[\s,]+){{0,3}}?)$", re.I)
    return p, n


_POS_CUE, _NEG_CUE = _topic_cue_rx()


class _Checker:
    """check() for one text: walks sentences and clauses, runs the claim patterns, collects Checks."""

    def __init__(self, text: str, table: Table, v: _Vocab) -> None:
        self.text, self.table, self.v = text, table, v
        self.out: list[Check] = []
        self.seen: set[tuple] = set()
        self.question = False
        self.s0 = 0
        self.clean: str | None = None

    # ---------------------------------------------------------------- emitting

    def claim_text(self, a: int, b: int) -> str:
        part = self.clean[a:b] if self.clean is not None else _clean_markdown(self.text[a:b])
        return _WS_RX.sub(" ", part).strip(" ,;:")

    def emit(self, kind: str, verdict: str, evidence: str, language: str | None, criterion: str | None,
             span: tuple[int, int], correction: str | None = None, other: str | None = None) -> None:
        key = (kind, language, other, criterion, verdict, span, evidence)
        if key in self.seen:
            return
        self.seen.add(key)
        self.out.append(Check(self.claim_text(*span), verdict, evidence, kind, language, criterion, span,  # type: ignore[arg-type]
                              correction if verdict == "contradicted" else None, self.question, other))

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
        if mode == "exact":
            truth = r == lr
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
        ranks = {n: self.table.rank(n, cid) for n in self.table.languages}
        ranks = {n: r for n, r in ranks.items() if r is not None}
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

    # ---------------------------------------------------------------- the walk

    headings: list[tuple[int, int, _Ent]] = []

    def run(self, clean: str) -> None:
        v = self.v
        self.clean = clean
        lc = _lc(_rephrase(clean))  # claims are judged on the rephrased text and quoted from the original
        self.lc = lc
        ents = _entities(clean, v, lc)
        if not ents:
            return
        ent_starts = [e.start for e in ents]
        heads = self.headings
        plan: list[tuple[bool, int, list[tuple[int, int]], list[_Ent]]] = []
        for s0, s1 in _sentences(lc):
            under = next((h for a, b, h in heads if a <= s0 < b), None)  # a line under a "### Go" heading is about Go
            i = bisect_left(ent_starts, s0)
            if (i == len(ents) or ents[i].start >= s1) and under is None:
                continue
            plan.append((_is_question(lc[s0:s1]), s0, self._clauses(lc, s0, s1, ents), [under] if under else []))
        bounds = [c for _, _, cl, _ in plan for c in cl]
        self.has_beat = not _BEAT_TOKENS.isdisjoint(_tokenise(lc)[2])
        families = [v.cmp_rx, v.eq_rx, v.sup_rx, v.pred_rx, v.item_rx, v.topic_rx, v.fw_rx, v.absent_rx, v.handles_rx, v.rel_rx, v.qty_rx,
                    *(rx for rxs in v.level_rx.values() for rx in rxs)]
        self.hits: list[dict[int, list[re.Match]]] = [{} for _ in bounds]
        for fam in families:
            for ci, found in enumerate(fam.scan(lc, bounds)):
                if found:
                    self.hits[ci][id(fam)] = found
        ci = 0
        for question, s0, clauses, head in plan:
            self.question, self.s0 = question, s0
            carry: list[_Ent] = head
            for c0, c1 in clauses:
                i, j = bisect_left(ent_starts, c0), bisect_left(ent_starts, c1)
                cents = ents[i:j]
                if cents or carry:
                    first = self._clause(c0, c1, cents, carry, ci)
                    if first:
                        carry = first
                ci += 1

    def _hits(self, finder: _Finder, ci: int) -> list[re.Match]:
        return self.hits[ci].get(id(finder), ())  # type: ignore[return-value]

    def _clauses(self, lc: str, s0: int, s1: int, ents: list[_Ent]) -> list[tuple[int, int]]:
        cuts = [(m.start(), m.end()) for m in _CHECK_SPLIT.finditer(lc, s0, s1)]
        starts = {e.start: e for e in ents if s0 <= e.start < s1}
        for m in _AND_SPLIT.finditer(lc, s0, s1):
            e = starts.get(m.end())
            if e is None or not _VERB_AFTER.match(lc, e.end, s1):
                continue
            left0 = max([b for a, b in cuts if b <= m.start()], default=s0)
            if _VERB_LEFT.search(lc, left0, m.start()):
                cuts.append((m.start(), m.start() + 1))
        cuts.sort()
        out, start = [], s0
        for a, b in cuts:
            if a > start:
                out.append((start, a))
            start = max(start, b)
        if s1 > start:
            out.append((start, s1))
        return out

    def _group_left(self, ents: list[_Ent], i: int) -> list[_Ent]:
        group = [ents[i]]
        while i > 0 and _LIST_GAP.match(self.lc[ents[i - 1].end:ents[i].start]):
            i -= 1
            group.insert(0, ents[i])
        return group

    def _group_right(self, ents: list[_Ent], i: int) -> list[_Ent]:
        group = [ents[i]]
        while i + 1 < len(ents) and _LIST_GAP.match(self.lc[ents[i].end:ents[i + 1].start]):
            i += 1
            group.append(ents[i])
        return group

    def _subject(self, cents: list[_Ent], pos: int, carry: list[_Ent], after: bool = True) -> list[_Ent]:
        before = [i for i, e in enumerate(cents) if e.end <= pos]
        if before:
            i = before[-1]
            if id(cents[i]) in self.objects and _OBJ_GAP.match(self.lc[cents[i].end:pos]) and self.cmp_subject:
                return self.cmp_subject
            return self._group_left(cents, i)
        if carry:
            return carry
        if after:
            later = [i for i, e in enumerate(cents) if e.start >= pos]
            if later:
                return self._group_right(cents, later[0])
        return []

    def _neg(self, subj: list[_Ent], lo: int, hi: int) -> bool:
        a = subj[-1].end if subj and subj[-1].end <= hi else lo
        return self._negated(max(a, lo), hi)

    def _negated(self, lo: int, hi: int, listed: bool = False) -> bool:
        """A negation in lc[lo:hi] whose scope reaches hi, except the auxiliary opening a rhetorical question
        ("Isn't Node.js ...?"). A new predicate ("..., and it has", "; ") ends a negation's scope; so does a list
        separator after a bare "not" ("Node.js: not ideal for CPU-bound tasks, callback hell") and, for a line quoted
        from the article (`listed`), after any negation: each element of a quoted list stands on its own."""
        for m in _NEGATION.finditer(self.lc, lo, hi):
            tail = self.lc[m.end():hi]
            if _NEG_BREAK_HARD.search(tail):
                continue
            if _NEG_BREAK_SOFT.search(tail) and (listed or (m.group(0).strip() in ("not", "no", "never") and not _NEG_AUX_BEFORE.search(
                    self.lc, max(lo, m.start() - 16), m.start()))):
                continue
            if self.question and not self.lc[self.s0:m.start()].strip(" \n\t\"'*_-"):
                continue
            if self.question and self.lc[m.start():m.end()] == "n't" and not self.lc[self.s0:m.start()].strip(" \n\t\"'*_-").isalpha():
                pass
            if self.question and re.match(r"[a-z]+n't$", self.lc[self.s0:m.end()].strip(" \n\t\"'*_-")):
                continue
            return True
        return False

    def _clause(self, c0: int, c1: int, cents: list[_Ent], carry: list[_Ent], ci: int) -> list[_Ent]:
        lc, v = self.lc, self.v
        hits = self.hits[ci]
        used: list[tuple[int, int]] = []
        self.objects: set[int] = set()
        self.cmp_subject: list[_Ent] = []

        def free(a: int, b: int) -> bool:
            return not any(a < y and x < b for x, y in used)

        def span_of(subj: list[_Ent], a: int, b: int) -> tuple[int, int]:
            starts = [e.start for e in subj if c0 <= e.start] + [a]
            ends = [e.end for e in subj if e.end <= c1] + [b]
            return (min(starts), max(ends))

        # 2. comparisons: "X is faster than Y (and Z)"
        for m in hits.get(id(v.cmp_rx), ()):
            if not free(*m.span()):
                continue
            cid, sign = v.cmp_map.get(_key(m.group(0)), (None, 0))
            tm = _THAN.match(lc, m.end(), c1)
            if not tm:
                continue
            objs_i = [i for i, e in enumerate(cents) if e.start >= tm.end() and not lc[tm.end():e.start].strip(" ,'\"")]
            if not objs_i:
                continue
            objs = self._group_right(cents, objs_i[0])
            if cid is None:
                cid = self._nearest_criterion(c0, c1, m.start(), tm.start())
                if cid is None:
                    continue
            subj = [e for e in self._subject(cents, m.start(), carry, after=False) if e not in objs]
            if not subj:
                continue
            neg = self._neg(subj, c0, m.start())
            rel = ">" if sign > 0 else "<"
            if neg:
                rel = {">": "<=", "<": ">="}[rel]
            for s in subj:
                for o in objs:
                    self.compare(s, o, cid, rel, span_of([s], m.start(), o.end))
            used.append((m.start(), objs[-1].end))
            self.objects.update(id(o) for o in objs)
            self.cmp_subject = subj
        # 2b. "Python beats Go on speed", "Go outperforms Node.js", "Python lags behind Go in concurrency"
        if self.has_beat:
            for m in _BEAT_RX.finditer(lc, c0, c1):
                if not free(*m.span()):
                    continue
                oi = [i for i, e in enumerate(cents) if e.start >= m.end() and not lc[m.end():e.start].strip(" ,")]
                if not oi:
                    continue
                objs = self._group_right(cents, oi[0])
                cm = v.crit_rx.search(lc, objs[-1].end, c1)
                cid = v.crit_map.get(_key(cm.group(0))) if cm and cm.start() - objs[-1].end < 30 else None
                if cid is None:
                    cid = self._nearest_criterion(c0, c1, m.start(), m.start())
                if cid is None and m.group("verb").startswith("outperform"):
                    cid = v.crit_map.get("performance")
                subj = [e for e in self._subject(cents, m.start(), carry, after=False) if e not in objs]
                if cid is None or not subj:
                    continue
                worse = m.group("verb").startswith(("lag", "trail", "fall", "loses", "lose"))
                rel = "<" if worse else ">"
                if self._neg(subj, c0, m.start()):
                    rel = {">": "<=", "<": ">="}[rel]
                for sj in subj:
                    for o in objs:
                        self.compare(sj, o, cid, rel, span_of([sj], m.start(), (cm.end() if cm and cm.start() - objs[-1].end < 30 else o.end)))
                used.append((m.start(), objs[-1].end))
                self.objects.update(id(o) for o in objs)
                self.cmp_subject = subj
        # 3. equality: "as fast as", "the same concurrency", "equally easy"
        for m in hits.get(id(v.eq_rx), ()):
            if not free(*m.span()):
                continue
            word = m.group("as") or m.group("same") or m.group("eqn") or m.group("equally")
            cid, sign = v.eq_map[_key(word)]
            subj = self._subject(cents, m.start(), carry, after=False)
            if not subj:
                continue
            om = re.compile(r"(?:\s+[\w\-]+){0,2}?\s+(?:as|to|with)\s+(?:that\s+of\s+|the\s+)?" if not m.group("as") else r"\s+(?:that\s+of\s+|the\s+)?", re.I).match(lc, m.end(), c1)
            objs: list[_Ent] = []
            if om:
                oi = [i for i, e in enumerate(cents) if e.start == om.end()]
                if oi:
                    objs = self._group_right(cents, oi[0])
            neg = self._neg(subj, c0, m.start())
            if m.group("as"):
                if not objs:
                    continue
                rel = ("<" if sign > 0 else ">") if neg else "="
            else:
                rel = "!=" if neg else "="
            pairs = [(s, o) for s in subj for o in objs] if objs else [(subj[i], subj[j]) for i in range(len(subj)) for j in range(i + 1, len(subj))]
            if not pairs:
                continue
            for s, o in pairs:
                self.compare(s, o, cid, rel, span_of([s], m.start(), max(m.end(), o.end)))
            used.append((m.start(), max([m.end()] + [o.end for o in objs])))
        # 3b. comparisons an article line makes: "Go is less expressive than Python" (Go's con "Less expressive than
        # Python or Rust"), "Go is more expressive than Rust" (the reverse of it)
        for m in hits.get(id(v.rel_rx), ()):
            if not free(*m.span()):
                continue
            facts = v.rel_map.get(_key(m.group("adj")), [])
            oi = [i for i, e in enumerate(cents) if e.start >= m.end() and not lc[m.end():e.start].strip(" ,'\"")]
            if not oi or not facts:
                continue
            objs = self._group_right(cents, oi[0])
            subj = [e for e in self._subject(cents, m.start(), carry, after=False) if e not in objs]
            if not subj:
                continue
            sign = 1 if m.group("dir") == "more" else -1
            if self._neg(subj, c0, m.start()):
                sign = -sign
            for sj in subj:
                for o in objs:
                    self.relation(sj, o, _key(m.group("adj")), sign, facts, span_of([sj], m.start(), o.end))
            used.append((m.start(), objs[-1].end))
            self.objects.update(id(o) for o in objs)
        # 4. superlatives: "the fastest", "the steepest learning curve"
        for m in hits.get(id(v.sup_rx), ()):
            if not free(*m.span()) or _ORDINAL_BEFORE.search(lc, max(c0, m.start() - 20), m.start()):
                continue
            cid, sign = v.sup_map[_key(m.group(0))]
            if cid is None:
                nm = v.noun_tail.search(lc, max(c0, m.start() - 45), m.start())
                if nm is None:
                    continue
                cid = v.noun_map[_key(nm.group("noun"))]
            subj = self._subject(cents, m.start(), carry)
            if not subj:
                continue
            neg = self._neg(subj, c0, m.start())
            for e in subj:
                self.superlative(e, cid, sign, neg, span_of([e], m.start(), m.end()))
            used.append(m.span())
        # 5. levels next to a criterion noun: "very high concurrency", "Rust's speed is Extremely High"
        for cid, rxs in v.level_rx.items():
            for n, rx in enumerate(rxs):
                for m in hits.get(id(rx), ()):
                    if not free(*m.span()):
                        continue
                    if n == 2 and _B_SKIP_BEFORE.search(lc, max(c0, m.start() - 30), m.start()):
                        continue
                    if n == 2 and m.group("filler") and (_key(m.group("filler")) in v.level_map[cid] or _key(m.group("filler")) in ("and", "or", "to", "but")):
                        continue
                    level = v.level_map[cid][_key(m.group("level"))]
                    subj = self._subject(cents, m.start(), carry)
                    if not subj:
                        continue
                    lo = m.start() if subj[-1].end > m.start() else max(c0, subj[-1].end)
                    neg = self._negated(lo, m.start("level"))
                    for e in subj:
                        self.level(e, cid, level, "exact", neg, span_of([e], m.start(), m.end()))
                    used.append(m.span())
        # 6. predicates without the noun: "Python is fast", "Rust is hard to learn"
        for m in hits.get(id(v.pred_rx), ()):
            if not free(m.start("adj"), m.end("adj")):
                continue
            cid, level, mode = v.pred_map[_key(m.group("adj"))]
            subj = self._subject(cents, m.start(), carry, after=False)
            if not subj:
                continue
            neg = self._negated(max(c0, subj[-1].end) if subj[-1].end <= m.start() else m.start(), m.start("adj"))
            for e in subj:
                self.level(e, cid, level, mode, neg, span_of([e], m.start(), m.end()))
            used.append(m.span())
        # 6b. lines quoted from the article (pros, cons, best-for lines of three words or more)
        def item_claim(entries: list, a: int, b: int, after: bool = False) -> None:
            subj = self._subject(cents, a, carry, after=after)
            if not subj or not entries:
                return
            neg = self._negated(max(c0, subj[-1].end) if subj[-1].end <= a else c0, a, listed=True)
            done = False
            for e in subj:
                sp = span_of([e], a, b)
                if e.outside:
                    self.outside(e, sp)
                    done = True
                    continue
                own = [(k, it) for n, k, it in entries if n == e.name]
                if own:
                    k, it = own[0]
                    lang = self.table.languages[e.name]
                    self.emit(k, "contradicted" if neg else "supported", _item_evidence(lang, k, it), e.name, it.criterion, sp,
                              f"The article lists \"{it.text}\" for {e.name}.")
                    done = True
                elif not any(it.criterion or it.use_case or it.constraint for _, _, it in entries):
                    owners = _join(dict.fromkeys(n for n, _, _ in entries))
                    self.emit(entries[0][1], "unsupported", f"The article says this of {owners}: {entries[0][2].text}", e.name, None, sp)
                    done = True
            if done:
                used.append((a, b))

        for m in hits.get(id(v.item_rx), ()):
            if free(*m.span()):
                item_claim(v.item_map.get(_item_key(m.group(0)), []), m.start(), m.end())
        # 6c. features the article says a language is without: "Rust relies on a garbage collector"
        for m in hits.get(id(v.absent_rx), ()):
            if not free(*m.span()):
                continue
            owners = next((o for pat, o in v.absent_map.items() if re.fullmatch(pat, m.group(0))), [])
            subj = self._subject(cents, m.start(), carry, after=False)
            for e in subj:
                own = [it for n, it in owners if n == e.name]
                if e.outside or not own:
                    continue
                lo = max(c0, subj[-1].end) if subj[-1].end <= m.start() else c0
                neg = self._negated(lo, m.start()) or bool(re.search(r"\b(?:without|free\s+of|no)\s+(?:a\s+|any\s+)?$", lc[max(c0, m.start() - 20):m.start()]))
                lang = self.table.languages[e.name]
                self.emit("pro", "supported" if neg else "contradicted", _item_evidence(lang, "pro", own[0]), e.name, None,
                          span_of([e], m.start(), m.end()), f"The article lists \"{own[0].text}\" as a pro of {e.name}.")
                used.append(m.span())
        # 6d. "Go handles concurrency well", "Python supports concurrency poorly"
        for m in hits.get(id(v.handles_rx), ()):
            if not free(*m.span()):
                continue
            key = _key(m.group("noun"))
            cid = v.crit_map.get(key)
            topic = v.topic_map.get(key) if cid is None else None
            if topic is not None and topic[0] == "criterion":
                cid, topic = topic[1], None
            subj = self._subject(cents, m.start(), carry, after=False)
            if (cid is None and topic is None) or not subj:
                continue
            good = m.group("adv") not in ("poorly", "badly", "terribly")
            neg = self._neg(subj, c0, m.start())
            for e in subj:
                if topic is not None:  # "Node.js handles CPU-bound work well": a best-for / con claim
                    self.topic(e, topic[0], topic[1], 1 if good != neg else -1, span_of([e], m.start(), m.end()))
                    continue
                crit = self.table.criteria[cid]
                self.level(e, cid, crit.scale[-1] if good else crit.scale[0], "half", neg, span_of([e], m.start(), m.end()))
            used.append(m.span())
        # 6e. how many of a counted thing: "Node.js has almost no packages", "Python offers tons of libraries"
        for m in hits.get(id(v.qty_rx), ()):
            if not free(*m.span()):
                continue
            cid = v.qty_map.get(_key(m.group("noun")))
            subj = self._subject(cents, m.start(), carry, after=False)
            if cid is None or not subj:
                continue
            crit = self.table.criteria[cid]
            neg = self._neg(subj, c0, m.start())
            for e in subj:
                self.level(e, cid, crit.scale[0] if m.group("low") else crit.scale[-1], "half", neg, span_of([e], m.start(), m.end()))
            used.append(m.span())
        # 7. best-for / pro / con claims: "ideal for CPU-bound tasks", "has limited multithreading"
        for m in hits.get(id(v.topic_rx), ()):
            if not free(*m.span()):
                continue
            kind, tid = v.topic_map[_key(m.group(0))]
            w0 = max(c0, m.start() - 70)
            nm = _NEG_CUE.search(lc, w0, m.start())
            pm = _POS_CUE.search(lc, w0, m.start())
            cue = nm or pm
            if cue is None or not free(cue.start(), m.start()):
                continue
            if nm and pm and pm.start("cue") > nm.start("cue"):
                cue = pm
            polarity = -1 if cue is nm else 1
            if self._negated(max(c0, cue.start() - 12), cue.start()) and not re.match(r"not\b|no\b", cue.group("cue")):
                polarity = -polarity
            if kind == "criterion" and cue.group("list"):
                continue
            subj = self._subject(cents, cue.start(), carry, after=False)
            if not subj:
                continue
            for e in subj:
                sp = span_of([e], cue.start(), m.end())
                if kind == "criterion":
                    crit = self.table.criteria[tid]
                    if polarity > 0 and _key(cue.group("cue")) in ("best", "top"):
                        self.superlative(e, tid, 1, False, sp)
                    else:
                        lvl = crit.scale[-1] if polarity > 0 else crit.scale[0]
                        self.level(e, tid, lvl, "half", False, sp)
                else:
                    self.topic(e, kind, tid, polarity, sp)
            used.append((cue.start(), m.end()))
        # 7b. an article line in other words: every content word of it in the clause, in any order ("Go has built-in
        # concurrency through goroutines" for "Built-in concurrency with goroutines")
        if v.item_bags and (cents or carry):
            starts, toks, _ = _tokenise(lc)
            i, j = bisect_left(starts, c0), bisect_left(starts, c1)
            where: dict[str, list[int]] = {}
            for k in range(i, j):
                where.setdefault(_stem(toks[k]), []).append(k)
            for bag, entries, size in v.item_bags:
                if not bag <= where.keys():
                    continue
                ks = sorted(where[w][0] for w in bag)
                a, b = starts[ks[0]], starts[ks[-1]] + len(toks[ks[-1]])
                if b - a <= 2 * size + 20 and free(a, b):
                    item_claim(entries, a, b, after=True)
        # 8. frameworks the article names: "Django is a Python framework", "Axum is a Go framework"
        for m in hits.get(id(v.fw_rx), ()):
            owners = v.fw_map.get(_key(m.group(0)), [])
            if cents:
                e = min(cents, key=lambda x: (min(abs(x.start - m.end()), abs(m.start() - x.end)), x.start > m.start()))
            elif carry:
                e = carry[-1]
            else:
                continue
            fw = self.text[m.start():m.end()]
            owner_lang = self.table.languages[owners[0]]
            item = next((it for it in owner_lang.pros + owner_lang.best_for + owner_lang.cons if re.search(rf"\b{re.escape(_lc(fw))}\b", _lc(it.text))), None)
            evidence = _item_evidence(owner_lang, "pro", item) if item else f"{owner_lang.section}: frameworks: {', '.join(owner_lang.frameworks)}"
            sp = (min(e.start, m.start()), max(e.end, m.end())) if cents else m.span()  # a carried subject sits in an earlier clause
            if not e.outside and e.name in owners:
                lang = self.table.languages[e.name]
                item = next((it for it in lang.pros + lang.best_for + lang.cons if re.search(rf"\b{re.escape(_lc(fw))}\b", _lc(it.text))), None)
                evidence = _item_evidence(lang, "pro", item) if item else f"{lang.section}: frameworks: {', '.join(lang.frameworks)}"
                self.emit("framework", "supported", evidence, e.name, None, sp)
            else:
                self.emit("framework", "contradicted", evidence, e.name, None, sp, f"The article names {fw} for {_join(owners)}.")
        firsts = [e for e in cents if id(e) not in self.objects]
        if firsts:
            return self._group_right(cents, cents.index(firsts[0]))
        return []

    def _nearest_criterion(self, c0: int, c1: int, pos: int, than: int) -> str | None:
        best = None
        for m in self.v.crit_rx.finditer(self.lc, c0, c1):
            cid = self.v.crit_map.get(_key(m.group(0)))
            if cid is None:
                continue
            if m.end() <= pos:
                best = (cid, pos - m.end())
            elif m.start() >= pos and m.end() <= than and best is None:
                return cid
        return best[0] if best else None

    # ---------------------------------------------------------------- markdown tables

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


def _item_matches(it: Item, kind: str, tid: str, v: _Vocab) -> bool:
    if (kind == "use_case" and it.use_case == tid) or (kind == "constraint" and it.constraint == tid):
        return True
    rx = v.topic_kw.get((kind, tid))
    return bool(rx and rx.search(_key(it.text)))


def check(text: str, table: Table) -> list[Check]:
    """Every claim about the table's languages found in `text`, with a verdict and the evidence for it."""
    if not text or not text.strip():
        return []
    v = _vocab(table)
    ck = _Checker(text, table, v)
    blocks = ck.tables(text) if "|" in text else []
    clean = _clean_markdown(text)
    if blocks:
        chars = list(clean)
        for a, b in blocks:
            for i in range(a, b):
                if chars[i] != "\n":
                    chars[i] = " "
        clean = "".join(chars)
    ck.headings = _heading_scopes(text, v)
    ck.run(clean)
    ck.out.sort(key=lambda c: c.span)
    return ck.out


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
        stop = next(x for x in ends if x > a)
        if not hashed:  # a bold or colon heading reaches to a blank line after which no list goes on
            for bl in re.finditer(r"\n[ \t]*\n", text[b:stop]):
                if not _LIST_ITEM.match(text, b + bl.end()):
                    stop = b + bl.start()
                    break
        if stop > b:
            out.append((b, stop, e))
    return out


# ============================================================================================ check_recommendation


def check_recommendation(language: str, needs: Needs, ranking: Ranking, table: Table) -> Check:
    """Is recommending `language` right for these needs, given the ranking?"""
    v = _vocab(table)
    claim = f"Recommend {language}"
    lang = table.find_language(language)
    if lang is None:
        ents = _entities(language, v)
        lang = table.languages.get(ents[0].name) if ents and not ents[0].outside else None
    if lang is None:
        return Check(claim, "contradicted", v.covers, "recommendation", language, None, (0, 0),
                     f"Pick among {_join(table.names)}.")
    name = lang.name
    ranked = ", ".join(f"{s.language} {s.total:.1f}" for s in ranking.scores)
    evidence = f"Ranking from the comparison table: {ranked}."
    top_name = ranking.recommendation or next((s.language for s in ranking.scores if s.language not in needs.excluded), None)
    top = ranking.score_of(top_name) if top_name and any(s.language == top_name for s in ranking.scores) else None
    fix = f"The rules pick {top.language} ({top.total:.1f} points)." if top else None
    if name in needs.excluded:
        return Check(claim, "contradicted", f"You ruled out {name}.", "recommendation", name, None, (0, 0), fix)
    conflicts = _conflicts(lang, needs)
    scored = {s.language: s.total for s in ranking.scores}
    if conflicts and name in scored:
        # the rule score() picks by: a con against a stated constraint loses to a comparable language without one
        pool = [n for n in (ranking.candidates or tuple(table.languages)) if n in scored]
        rival = _clean_rival(name, scored, pool, needs, table)
        it = conflicts[0]
        said = table.constraints[it.constraint].label.lower() if it.constraint in table.constraints else it.constraint
        if rival is not None:
            fix = f"{rival} ({scored[rival]:.1f} points) has no con against {said}." if rival != (top.language if top else None) else fix
            return Check(claim, "contradicted", _item_evidence(lang, "con", it) + f" (you said: {said})",
                         "recommendation", name, None, (0, 0), fix)
        evidence += f" Trade-off: {_item_evidence(lang, 'con', it)} (you said: {said})."
    if needs.empty or top is None or not any(s.language == name for s in ranking.scores):
        return Check(claim, "unsupported", "No needs stated yet, so no language is ahead." if needs.empty else evidence,
                     "recommendation", name, None, (0, 0))
    mine = ranking.score_of(name)
    if mine.total < top.total - 5:
        return Check(claim, "contradicted", evidence, "recommendation", name, None, (0, 0), fix)
    if name == top.language or top.total - mine.total <= CLOSE:
        return Check(claim, "supported", evidence, "recommendation", name, None, (0, 0))
    return Check(claim, "unsupported", evidence, "recommendation", name, None, (0, 0))
