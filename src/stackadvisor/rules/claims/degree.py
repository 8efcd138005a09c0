"""Places on a criterion's scale said without the table's level words.

    Node.js offers middling performance            the middle of the scale (check.yaml middle)
    Go's concurrency is only moderate              the same, on a scale without a Moderate level of its own
    Python's concurrency is nothing to write home about    the middle or below (check.yaml unremarkable)
    Python has the least steep learning curve      "the least" + a word low on the scale: the best of the table
    Go scales well / Rust performs superbly        a verb naming its criterion (check.yaml criterion_verbs) + how well

(Idioms read as a plain word, "a walk in the park" as "easy", are rewritten before any family runs: words.as_plain.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import lexicon
from ..finder import _alt, _key, derived
from ..vocab import _Vocab
from .clause import Clause
from .table import _degree
from .words import _rx, key, words

if TYPE_CHECKING:
    from .walk import _Walk


def middle(ck: _Walk, c: Clause) -> None:
    """A middle-of-the-scale word with a criterion in the clause: judged as the middle band (or the middle or below)."""
    w = words()
    for m in w.middle_rx.finditer(c.lc, c.c0, c.c1):
        if not c.free(*m.span()):
            continue
        cid = ck._nearest_criterion(c.c0, c.c1, m.start(), c.c1)
        subj = ck._subject(c.cents, m.start(), c.carry, after=False)
        if cid is None or not subj or _key(m.group(0)) in c.v.level_map[cid]:
            continue  # a level word of the criterion's own scale ("moderate" speed, "medium" learning curve): the level reader's
        lo = max(c.c0, subj[-1].end) if subj[-1].end <= m.start() else m.start()
        neg = ck._negated(lo, m.start())
        crit = ck.table.criteria[cid]
        for e in subj:
            ck.level(e, cid, crit.scale[len(crit.scale) // 2], w.middle[key(m.group(0))], neg, c.span_of([e], m.start(), m.end()))
        c.used.append(m.span())


def _extreme_rx(v: _Vocab) -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    return derived(v.table, "claims-least-most", lambda _t: _build_extreme(v))


def _build_extreme(v: _Vocab) -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    """ "the least steep", "the most mature": the + least / most + a word of a criterion's scale or an adjective."""
    words_of: dict[str, tuple[str, str]] = {}
    for cid, lm in v.level_map.items():
        for word, level in lm.items():
            words_of.setdefault(word, (cid, level))
    for word, (cid, level, _mode) in v.pred_map.items():
        words_of.setdefault(word, (cid, level))
    alt = _alt(words_of)
    return re.compile(rf"(?<![\w])the\s+(?:very\s+)?(?P<dir>least|most)\s+(?P<adj>{alt})(?![\w/\-])"), words_of


def least_most(ck: _Walk, c: Clause) -> None:
    """ "the least steep learning curve" is the gentlest, "the most mature" the top: a superlative by direction."""
    rx, words_of = _extreme_rx(c.v)
    for m in rx.finditer(c.lc, c.c0, c.c1):
        if not c.free(*m.span()):
            continue
        cid, level = words_of[m.group("adj")]
        crit = ck.table.criteria[cid]
        up = crit.rank(level) >= len(crit.scale) // 2
        sign = 1 if up == (m.group("dir") == "most") else -1
        subj = ck._subject(c.cents, m.start(), c.carry)
        if not subj:
            continue
        neg = ck._neg(subj, c.c0, m.start())
        for e in subj:
            ck.superlative(e, cid, sign, neg, c.span_of([e], m.start(), m.end()))
        c.used.append(m.span())


#: "fast to compile" is not "fast"; "easy to learn" is
_TO_OTHER = r"(?!\s+to\s+(?!learn|master|pick|get\s+started|start)\w)"


def _loose_rx(v: _Vocab) -> tuple[re.Pattern, re.Pattern]:
    def build(_t: object) -> tuple[re.Pattern, re.Pattern]:
        mods = _rx([*lexicon.phrases("claims", "predicate_mods"), *lexicon.phrases("check", "degree_extreme")]).pattern
        adj = rf"(?:(?:{mods})\s+)*(?P<adj>{_alt(v.pred_map)})(?![\w/\-]){_TO_OTHER}"
        copula = _rx(lexicon.phrases("check", "copulas")).pattern
        bare = re.compile(rf"[\s,\"'*_\-]*(?:while|though|although|if|albeit)?\s*{adj}(?=\s*(?:[,.;!]|$)|\s+to\s+(?:learn|master|pick))")
        # the adjective ends the predicate ("is safe and fast."), it does not qualify a noun ("is great for startups and fast prototypes")
        coord = re.compile(rf"{copula}\s+(?:[\w\-]+,?\s+){{1,3}}?(?:and|or)\s+{adj}(?=\s*(?:[,.;:!?)]|$)|\s+(?:and|or|but|too|as\s+well|to|in|at|on|for|when|compared|than)\b)")
        return bare, coord
    return derived(v.table, "claims-loose-predicates", build)


def loose_predicate(ck: _Walk, c: Clause) -> None:
    """Predicates the copula reader misses: after "and" ("Rust, which is safe and performant"), and a clause that is
    only the predicate of the language carried into it ("Rust, while blazingly fast, comes with ...")."""
    if not c.v.pred_map:
        return
    bare, coord = _loose_rx(c.v)
    found = []
    m = bare.match(c.lc, c.c0, c.c1)
    if m and c.carry and not c.cents:
        found.append((m, c.carry, c.c0))
    for m in coord.finditer(c.lc, c.c0, c.c1):
        subj = ck._subject(c.cents, m.start(), c.carry, after=False)
        if subj:
            found.append((m, subj, max(c.c0, subj[-1].end) if subj[-1].end <= m.start() else m.start()))
    for m, subj, lo in found:
        if not c.free(m.start("adj"), m.end("adj")):
            continue
        cid, level, mode = c.v.pred_map[_key(m.group("adj"))]
        level, mode = _degree(c.lc, max(c.c0, m.start("adj") - 24), m.start("adj"), ck.table.criteria[cid], level, mode)
        neg = ck._negated(lo, m.start("adj"))
        for e in subj:
            ck.level(e, cid, level, mode, neg, (e.start if e.start >= ck.s0 else m.start("adj"), m.end("adj")))
        c.used.append((m.start("adj"), m.end("adj")))


def handles_how(ck: _Walk, c: Clause) -> None:
    """ "Go copes with thousands of simultaneous connections effortlessly": how well a criterion is handled, by the
    clause's last word (check.yaml positive / negative), in the top or the bottom half of the scale."""
    w = words()
    for m in w.handle_rx.finditer(c.lc, c.c0, c.c1):
        if not c.free(*m.span()):
            continue
        cid = next((cid_of(x.group(0)) for rx, cid_of in ck.crit_finders() for x in rx.finditer(c.lc, m.start("what"), m.end("what"))
                    if cid_of(x.group(0))), None)
        subj = ck._subject(c.cents, m.start(), c.carry, after=False)
        if cid is None or not subj or any(0 <= t.start() - m.end() < 24 for t in c.hits.get(id(c.v.topic_rx), ())):
            continue  # "performs poorly on CPU-bound tasks": said of the work (best-for / con), left to the topic reader
        good = _key(m.group("how")) in w.positive
        crit = ck.table.criteria[cid]
        neg = ck._neg(subj, c.c0, m.start())
        for e in subj:
            ck.level(e, cid, crit.scale[-1] if good else crit.scale[0], "half", neg, c.span_of([e], m.start(), m.end()))
        c.used.append(m.span())


def best_idiom(ck: _Walk, c: Clause) -> None:
    """ "Rust is unbeatable on speed", "Python's ecosystem is second to none": the best of the table on the criterion
    (named in the clause, else the one the sentence named before it: "Go is fast, but Rust is a cut above")."""
    for m in words().best_idiom_rx.finditer(c.lc, c.c0, c.c1):
        if not c.free(*m.span()):
            continue
        cid = ck._nearest_criterion(c.c0, c.c1, m.start(), c.c1) or ck._nearest_criterion(ck.s0, c.c0, c.c0, c.c0)
        subj = ck._subject(c.cents, m.start(), c.carry, after=False)
        if cid is None or not subj:
            continue
        neg = ck._neg(subj, c.c0, m.start())
        for e in subj:
            ck.superlative(e, cid, 1, neg, c.span_of([e], m.start(), m.end()))
        c.used.append(m.span())


def verb_how(ck: _Walk, c: Clause) -> None:
    """ "Go scales well", "Python doesn't scale well", "Rust performs superbly": a verb that names a criterion itself
    (check.yaml criterion_verbs), then how well (positive / negative): the top or the bottom half of the scale."""
    w = words()
    for m in w.verb_how_rx.finditer(c.lc, c.c0, c.c1):
        if not c.free(*m.span()):
            continue
        cid = c.v.crit_map.get(_key(w.criterion_verbs[key(m.group("verb"))]))
        subj = ck._subject(c.cents, m.start(), c.carry, after=False)
        if cid is None or not subj or any(0 <= t.start() - m.end() < 24 for t in c.hits.get(id(c.v.topic_rx), ())):
            continue  # "performs poorly on CPU-bound tasks": said of the work (best-for / con), left to the topic reader
        good = _key(m.group("how")) in w.positive
        crit = ck.table.criteria[cid]
        neg = ck._neg(subj, c.c0, m.start())
        for e in subj:
            ck.level(e, cid, crit.scale[-1] if good else crit.scale[0], "half", neg, c.span_of([e], m.start(), m.end()))
        c.used.append(m.span())


_SUIT = lexicon.pattern("vocab", "strong_suit")


def strong_suit(ck: _Walk, c: Clause) -> None:
    """ "Concurrency is not Go's strong suit", "speed is Rust's forte": a criterion named as a language's strength
    (the top half of the scale) or weakness (the bottom half); a negation before the possessor turns it round."""
    for e in c.cents:
        m = _SUIT.match(c.lc[e.end:c.c1])
        if m is None or e.outside or not c.free(e.start, e.end + m.end()):
            continue
        cid = ck._nearest_criterion(c.c0, c.c1, e.start, c.c1)
        if cid is None:
            continue
        crit = ck.table.criteria[cid]
        neg = ck._negated(c.c0, e.start)
        ck.level(e, cid, crit.scale[-1] if m.group("good") else crit.scale[0], "half", neg, c.span_of([e], c.c0, e.end + m.end()))
        c.used.append((c.c0, e.end + m.end()))


def _labelled_rx(v: _Vocab) -> tuple[re.Pattern, dict[str, str], dict[str, re.Pattern]]:
    """(a line's opening criterion name, name -> criterion id, criterion id -> "<dash> <one of its level words>")."""
    def build(_t: object) -> tuple[re.Pattern, dict[str, str], dict[str, re.Pattern]]:
        names = {_key(n): cid for cid, cr in v.table.criteria.items() for n in (cr.label, *cr.nouns)}
        head = re.compile(rf"[\s*_#>\-]*(?P<name>{_alt(names)})[\s*_]*:")
        levels = {cid: re.compile(rf"\s*[\-\u2013\u2014:=]\s*(?P<level>{_alt(v.level_map[cid])})(?![\w\-])") for cid in v.table.criteria}
        return head, names, levels
    return derived(v.table, "claims-labelled-line", build)


def labelled(ck: _Walk, c: Clause) -> None:
    """ "Ecosystem: Go - Growing; Rust - Growing, with strong community support": a line opened by a criterion's name,
    then each language with a level of it after a dash or a colon, claims that level (each clause of the line)."""
    head, names, levels = _labelled_rx(c.v)
    hm = head.match(c.lc, ck.s0)
    if hm is None or not c.cents:
        return
    cid = names[_key(hm.group("name"))]
    for e in c.cents:
        m = levels[cid].match(c.lc, e.end, c.c1)
        if m is None or e.outside or not c.free(e.start, m.end()):
            continue
        ck.level(e, cid, c.v.level_map[cid][_key(m.group("level"))], "exact", False, (e.start, m.end()))
        c.used.append((e.start, m.end()))
