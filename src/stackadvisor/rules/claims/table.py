"""Claim families over the comparison table: comparison, superlative, level.

Each family is a function `(ck, c)`: `ck` is the checker (it judges and emits, see judge.py), `c` the Clause.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import lexicon
from ..finder import _key
from ..vocab import _Ent
from . import compare
from .clause import Clause
from .words import words

if TYPE_CHECKING:
    from .walk import _Walk

_THAN = re.compile(r"[^;]{0,40}?\bthan\s+(?:(?:both|either|that\s+of|those\s+of|the|even|with|in)\s+)*", re.I)
#: "slower than backend-native languages like Go": the languages after "like" are the objects of the comparison
_EXAMPLES_OF = re.compile(r"[^,;.()]{0,40}?\b(?:like|such\s+as|including|e\.g\.)\s+", re.I)
_ORDINAL_BEFORE = re.compile(r"(?:one\s+of\s+(?:the\s+)?|second[\s\-]+|third[\s\-]+|2nd\s+|3rd\s+|among\s+the\s+)$", re.I)
_B_SKIP_BEFORE = re.compile(r"\b(?P<prep>for|handling|handle|handles|under|need|needs|require|requires|requiring|support|supports|want|wants|demands?)\s+(?:a\s+|an\s+|the\s+)?$", re.I)
#: "high concurrency scenarios", "in high-concurrency workloads": a level + noun that names a kind of workload, not
#: a rating of the language.
_WORKLOAD_AFTER = re.compile(r"\s*[\-\s]?(?:scenarios?|workloads?|situations?|environments?|settings?|systems?|apps?|applications?|"
                             r"services?|use\s+cases?|loads?|traffic|tasks?|requirements?|projects?|problems?|domains?)\b", re.I)
_WORKLOAD_BEFORE = re.compile(r"\b(?:in|with|at|during)\s+(?:a\s+|an\s+|the\s+)?$", re.I)


def comparison(ck: _Walk, c: Clause) -> None:
    """Comparisons: "X is faster than Y (and Z)"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.cmp_rx), ()):
        if not free(*m.span()):
            continue
        cid, sign = v.cmp_map.get(_key(m.group(0)), (None, 0))
        tm = _THAN.match(lc, m.end(), c1)
        if not tm:
            continue
        objs_i = [i for i, e in enumerate(cents) if e.start >= tm.end() and (not lc[tm.end():e.start].strip(" ,'\"")
                                                                           or _EXAMPLES_OF.fullmatch(lc, tm.end(), e.start))]
        said, end = "", 0
        if objs_i:
            objs = ck._group_right(cents, objs_i[0])
        else:  # "slower than both", "faster than the others"
            got = compare.others(ck, c, lc.rfind("than", tm.start(), tm.end()) + 4, ck._subject(cents, m.start(), carry, after=False))
            if got is None:
                continue
            objs, end, said = got
        if cid is None:
            cid = ck._nearest_criterion(c0, c1, m.start(), lc.rfind("than", tm.start(), tm.end()))  # between them: "smaller web ecosystem than"
            if cid is None:  # the criterion after the object: "scales better than Python for concurrent connections"
                at = objs[-1].end if objs else end
                cm = v.crit_rx.search(lc, at, c1)
                cid = v.crit_map.get(_key(cm.group(0))) if cm and cm.start() - at < 30 else None
            if cid is None:
                continue
        subj = [e for e in ck._subject(cents, m.start(), carry, after=False) if e not in objs]
        if not subj:
            continue
        if said and not objs:
            compare.unknown_other(ck, c, subj, cid, said, (m.start(), end))
            used.append((m.start(), end))
            continue
        neg = ck._neg(subj, c0, m.start())
        rel = ">" if sign > 0 else "<"
        if neg:
            rel = {">": "<=", "<": ">="}[rel]
        for s in subj:
            for o in objs:
                ck.compare(s, o, cid, rel, span_of([s], m.start(), o.end))
        used.append((m.start(), objs[-1].end))
        ck.objects.update(id(o) for o in objs)
        ck.cmp_subject = subj


def equality(ck: _Walk, c: Clause) -> None:
    """Equality: "as fast as", "the same concurrency", "equally easy"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.eq_rx), ()):
        if not free(*m.span()):
            continue
        word = m.group("as") or m.group("same") or m.group("eqn") or m.group("equally") or m.group("eqat") or m.group("eqadj")
        cid, sign = v.eq_map[_key(word)]
        subj = ck._subject(cents, m.start(), carry, after=False)
        if not subj:
            continue
        om = re.compile(r"(?:\s+[\w\-]+){0,2}?\s+(?:as|to|with)\s+(?:that\s+of\s+|the\s+)?" if not m.group("as") else r"\s+(?:that\s+of\s+|the\s+)?", re.I).match(lc, m.end(), c1)
        objs: list[_Ent] = []
        if om:
            oi = [i for i, e in enumerate(cents) if e.start == om.end()]
            if oi:
                objs = ck._group_right(cents, oi[0])
        neg = ck._neg(subj, c0, m.start())
        times = words().times_rx.search(lc, max(c0, m.start() - 24), m.start()) if m.group("as") else None
        if m.group("as"):
            if not objs:
                continue
            rel = ("<" if sign > 0 else ">") if neg else "="
            if times:  # "twice as fast as": faster; "half as fast as": slower
                rel = {(True, False): ">", (False, False): "<", (True, True): "<=", (False, True): ">="}[((sign > 0) != bool(times.group("less")), neg)]
        else:
            rel = "!=" if neg else "="
        pairs = [(s, o) for s in subj for o in objs] if objs else [(subj[i], subj[j]) for i in range(len(subj)) for j in range(i + 1, len(subj))]
        if not pairs:
            continue
        for s, o in pairs:
            ck.compare(s, o, cid, rel, span_of([s], times.start() if times else m.start(), max(m.end(), o.end)))
        used.append((m.start(), max([m.end()] + [o.end for o in objs])))


_SAME = lexicon.pattern("vocab", "same_as")


def same_as(ck: _Walk, c: Clause) -> None:
    """Equality in general words: "Go's ecosystem is about the same size as Rust's", "Python's concurrency is on par
    with Node's": the criterion is the one the clause names (a noun of it), the other side the language after."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in _SAME.finditer(lc, c0, c1):
        if not free(*m.span()):
            continue
        cid = ck._nearest_criterion(c0, c1, m.start(), c1)
        subj = ck._subject(cents, m.start(), carry, after=False)
        oi = [i for i, e in enumerate(cents) if 0 <= e.start - m.end() <= 1]
        if cid is None or not subj or not oi:
            continue
        objs = ck._group_right(cents, oi[0])
        rel = "!=" if ck._neg(subj, c0, m.start()) else "="
        for s in subj:
            for o in objs:
                ck.compare(s, o, cid, rel, span_of([s], m.start(), o.end))
        used.append((m.start(), max(o.end for o in objs)))


def relation(ck: _Walk, c: Clause) -> None:
    """Comparisons an article line makes: "Go is less expressive than Python" (Go's con "Less expressive than Python or Rust"), and the reverse of it."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    # Python or Rust"), "Go is more expressive than Rust" (the reverse of it)
    for m in hits.get(id(v.rel_rx), ()):
        if not free(*m.span()):
            continue
        facts = v.rel_map.get(_key(m.group("adj")), [])
        oi = [i for i, e in enumerate(cents) if e.start >= m.end() and not lc[m.end():e.start].strip(" ,'\"")]
        if not oi or not facts:
            continue
        objs = ck._group_right(cents, oi[0])
        subj = [e for e in ck._subject(cents, m.start(), carry, after=False) if e not in objs]
        if not subj:
            continue
        sign = 1 if m.group("dir") == "more" else -1
        if ck._neg(subj, c0, m.start()):
            sign = -sign
        for sj in subj:
            for o in objs:
                ck.relation(sj, o, _key(m.group("adj")), sign, facts, span_of([sj], m.start(), o.end))
        used.append((m.start(), objs[-1].end))
        ck.objects.update(id(o) for o in objs)


def superlative(ck: _Walk, c: Clause) -> None:
    """Superlatives: "the fastest", "the steepest learning curve"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.sup_rx), ()):
        if not free(*m.span()) or _ORDINAL_BEFORE.search(lc, max(c0, m.start() - 20), m.start()):
            continue
        cid, sign = v.sup_map[_key(m.group(0))]
        if cid is None:
            nm = v.noun_tail.search(lc, max(c0, m.start() - 45), m.start())
            if nm is None:
                continue
            cid = v.noun_map[_key(nm.group("noun"))]
        subj = ck._subject(cents, m.start(), carry)
        if not subj:
            continue
        neg = ck._neg(subj, c0, m.start())
        for e in subj:
            ck.superlative(e, cid, sign, neg, span_of([e], m.start(), m.end()))
        used.append(m.span())


def level(ck: _Walk, c: Clause) -> None:
    """Levels next to a criterion noun: "very high concurrency", "Rust's speed is Extremely High"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for cid, rxs in v.level_rx.items():
        for n, rx in enumerate(rxs):
            for m in hits.get(id(rx), ()):
                if not free(*m.span()):
                    continue
                skip = _B_SKIP_BEFORE.search(lc, max(c0, m.start() - 30), m.start()) if n == 2 else None
                if skip and not (skip.group("prep") == "for" and words().trade_rx.search(lc, max(c0, ck._last_end(cents, skip.start())), skip.start())):
                    continue  # "good for high concurrency" is a use; "trades a steep learning curve for extremely high speed" a rating
                if n == 2 and (_WORKLOAD_AFTER.match(lc, m.end()) or _WORKLOAD_BEFORE.search(lc, max(c0, m.start() - 12), m.start())):
                    continue  # "performs well in high concurrency scenarios" describes the workload
                if n == 2 and m.group("filler") and (_key(m.group("filler")) in v.level_map[cid] or _key(m.group("filler")) in ("and", "or", "to", "but")):
                    continue
                level = v.level_map[cid][_key(m.group("level"))]
                subj = ck._subject(cents, m.start(), carry)
                if not subj:
                    continue
                lo = m.start() if subj[-1].end > m.start() else max(c0, subj[-1].end)
                neg = ck._negated(lo, m.start("level"))
                for e in subj:
                    ck.level(e, cid, level, "exact", neg, span_of([e], m.start(), m.end()))
                used.append(m.span())


def predicate(ck: _Walk, c: Clause) -> None:
    """Predicates without the noun: "Python is fast", "Rust is hard to learn"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.pred_rx), ()):
        if not free(m.start("adj"), m.end("adj")):
            continue
        cid, level, mode = v.pred_map[_key(m.group("adj"))]
        subj = ck._subject(cents, m.start(), carry, after=False)
        if not subj:
            continue
        level, mode = _degree(lc, max(c0, m.start("adj") - 24), m.start("adj"), ck.table.criteria[cid], level, mode)
        neg = ck._negated(max(c0, subj[-1].end) if subj[-1].end <= m.start() else m.start(), m.start("adj"))
        for e in subj:
            ck.level(e, cid, level, mode, neg, span_of([e], m.start(), m.end()))
        used.append(m.span())


def _degree(lc: str, a: int, adj: int, crit, level: str, mode: str) -> tuple[str, str]:  # noqa: ANN001 - knowledge.Criterion
    """A degree word right before a predicate moves its level: "extremely fast" claims the top of the scale (at least
    Extremely High), "moderately fast" its middle (exactly Moderate). Without one, the predicate's own level."""
    w = words()
    before = lc[a:adj]
    scale = crit.scale
    if (m := w.extreme_rx.search(before)) and not before[m.end():].strip():
        return (scale[-1], "min") if crit.rank(level) >= len(scale) // 2 else (scale[0], "min")
    if (m := w.moderate_rx.search(before)) and not before[m.end():].strip():
        middle = [s for s in scale[1:-1] if s.lower().startswith(("moderate", "medium")) or "medium" in s.lower()]
        if middle:
            return middle[0], "exact"
    return level, mode


def lacks(ck: _Walk, c: Clause) -> None:
    """A criterion said to be missing: "Python lacks true parallelism", "Go has no real ecosystem" claim a rating in
    the lower half ("does not lack parallelism", the upper half); so does "lacking" with nothing after it, of the
    criterion the clause named before it ("Go's ecosystem is lacking", "boosts to scalability where Python is lacking")."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    found = []
    for m in words().lacks_rx.finditer(lc, c0, c1):
        cm = next((x for x in v.crit_rx.finditer(lc, m.end(), min(c1, m.end() + 40)) if x.start() == m.end()), None)
        if cm is not None:
            found.append((m, v.crit_map.get(_key(cm.group(0))), cm.end()))
    for m in _LACKING_END.finditer(lc, c0, c1):
        found.append((m, ck._nearest_criterion(c0, m.start(), m.start(), m.start()), m.end()))
    for m, cid, end in found:
        if cid is None or not free(m.start(), end):
            continue
        subj = ck._subject(cents, m.start(), carry, after=False)
        if not subj:
            continue
        neg = ck._negated(max(c0, subj[-1].end) if subj[-1].end <= m.start() else c0, m.start())
        crit = ck.table.criteria[cid]
        for e in subj:
            ck.level(e, cid, crit.scale[-1], "half", not neg, span_of([e], m.start(), end))
        used.append((m.start(), end))


def handles(ck: _Walk, c: Clause) -> None:
    """Handled well or badly: "Go handles concurrency well", "Python supports concurrency poorly"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.handles_rx), ()):
        if not free(*m.span()):
            continue
        key = _key(m.group("noun"))
        cid = v.crit_map.get(key)
        topic = v.topic_map.get(key) if cid is None else None
        if topic is not None and topic[0] == "criterion":
            cid, topic = topic[1], None
        subj = ck._subject(cents, m.start(), carry, after=False)
        if (cid is None and topic is None) or not subj:
            continue
        good = m.group("adv") not in ("poorly", "badly", "terribly")
        neg = ck._neg(subj, c0, m.start())
        for e in subj:
            if topic is not None:  # "Node.js handles CPU-bound work well": a best-for / con claim
                ck.topic(e, topic[0], topic[1], 1 if good != neg else -1, span_of([e], m.start(), m.end()))
                continue
            crit = ck.table.criteria[cid]
            ck.level(e, cid, crit.scale[-1] if good else crit.scale[0], "half", neg, span_of([e], m.start(), m.end()))
        used.append(m.span())


def quantity(ck: _Walk, c: Clause) -> None:
    """How many of a counted thing: "Node.js has almost no packages", "Python offers tons of libraries"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.qty_rx), ()):
        if not free(*m.span()):
            continue
        cid = v.qty_map.get(_key(m.group("noun")))
        subj = ck._subject(cents, m.start(), carry, after=False)
        if cid is None or not subj:
            continue
        crit = ck.table.criteria[cid]
        neg = ck._neg(subj, c0, m.start())
        for e in subj:
            ck.level(e, cid, crit.scale[0] if m.group("low") else crit.scale[-1], "half", neg, span_of([e], m.start(), m.end()))
        used.append(m.span())


_LACKING_END = re.compile(r"\b(?:lacking|missing)(?=\s*(?:[.,;:!?)]|$))")  # nothing said after it in the clause
_RANK_CMP = re.compile(r"\b(?P<cmp>higher|lower)\s+than\s+(?:(?:both|either|that\s+of|those\s+of|the)\s+)*")


def rank_comparison(ck: _Walk, c: Clause) -> None:
    """A criterion's rating compared: "Go's concurrency is lower than Python's", "Rust's speed is higher than Go's"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in _RANK_CMP.finditer(lc, c0, c1):
        if not free(*m.span()):
            continue
        objs_i = [i for i, e in enumerate(cents) if e.start >= m.end() and not lc[m.end():e.start].strip(" ,'\"")]
        cid = ck._nearest_criterion(c0, c1, m.start(), m.start())
        if not objs_i or cid is None:
            continue
        objs = ck._group_right(cents, objs_i[0])
        subj = [e for e in ck._subject(cents, m.start(), carry, after=False) if e not in objs]
        if not subj:
            continue
        rel = ">" if m.group("cmp") == "higher" else "<"
        if ck._neg(subj, c0, m.start()):
            rel = {">": "<=", "<": ">="}[rel]
        for s in subj:
            for o in objs:
                ck.compare(s, o, cid, rel, span_of([s], m.start(), o.end))
        used.append((m.start(), objs[-1].end))
        ck.objects.update(id(o) for o in objs)
        ck.cmp_subject = subj
