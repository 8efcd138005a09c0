"""The general comparison reader: "X <verb or phrase of superiority | inferiority | equality> Y [on criterion]".

    Node.js outruns Go                      better, the verb's own criterion (speed)
    Go trails Rust in raw speed             worse, the criterion after the object
    Rust's ecosystem is on par with Go's    equal, the criterion before the verb
    Node.js cannot reach the raw performance of Go     equal, negated: Node.js < Go
    No language in the comparison beats Go at concurrency     a superlative: Go is the best
    Python is slower. / slower execution compared to Go      a comparative with "compared to", or with no object
    Go is fairly approachable compared with Rust      a plain quality with "compared to": more of it than the other
    faster languages like Go and Rust       the languages after "like" have the quality
    Go leaves Python in the dust on speed   a verb with its object inside (check.yaml phrases with "*")
    Python trails both on speed             "both": the two other languages named before; none named: unsupported
    Rust beats the others on speed          "the others": those named before, else every other language of the table
    Node has similar speeds to Go           a tie word, a criterion noun (plural too), then the other side: equal

The verbs and phrases are data (rules/lexicon/check.yaml compare_better / compare_worse / compare_equal, with
verb_criteria, nobody, object_markers and kind_nouns); this module only says where the sides and the criterion are.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..finder import _alt, _key, derived
from ..vocab import _Ent
from .clause import Clause
from .words import key, words

if TYPE_CHECKING:
    from .walk import _Walk

#: what may stand between a comparison verb and its object: nothing, "both", "even", or "the raw performance of"
_OBJ_GAP = re.compile(r"\s*(?:(?:both|even|the|that\s+of|those\s+of)\s+)*(?:(?:[\w\-]+\s+){1,3}of\s+)?", re.I)
_AS_PHRASE = re.compile(r"(?:just\s+|every\s+bit\s+)?as\s")
_NEG_REL = {"better": "<=", "worse": ">=", "equal": "<"}
_REL = {"better": ">", "worse": "<", "equal": "="}
#: a language right after a preposition is not the subject ("Development in Rust is slower": development is)
_PREP_BEFORE = re.compile(r"\b(?:in|of|with|for|from|to|by)\s+(?:an?\s+|the\s+)?$")


def _object(ck: _Walk, c: Clause, at: int) -> tuple[list[_Ent], str | None]:
    """The languages right after position `at` (a verb), and a criterion named between ("the raw performance of")."""
    gm = _OBJ_GAP.match(c.lc, at, c.c1)
    oi = [i for i, e in enumerate(c.cents) if e.start >= at and (not c.lc[at:e.start].strip(" ,'\"") or (gm and gm.end() == e.start))]
    if not oi:
        return [], None
    objs = ck._group_right(c.cents, oi[0])
    between = ck._nearest_criterion(at, objs[0].start, objs[0].start, objs[0].start)
    return objs, between


def _after(ck: _Walk, c: Clause, end: int) -> tuple[str | None, int]:
    """A criterion named right after the object ("at concurrency", "in raw speed"): its id and end."""
    for rx, mp in ck.crit_finders():
        cm = rx.search(c.lc, end, c.c1)
        if cm and cm.start() - end < 30:
            cid = mp(cm.group(0))
            if cid:
                return cid, cm.end()
    return None, end


def others(ck: _Walk, c: Clause, at: int, subj: list[_Ent]) -> tuple[list[_Ent], int, str] | None:
    """The other side said without a name right after `at`: "both" (the two other languages named before), "the
    others" (those named before, else every other language of the table). (objects, where the words end, the
    words); no objects when the text does not say which ("Python trails both on speed" with none named before);
    None when no such words follow."""
    m = words().others_rx.match(c.lc, at, c.c1)
    if m is None:
        return None
    mine = {e.name for e in subj}
    before: dict[str, _Ent] = {}
    for e in ck.ents:
        if e.end > at:
            break
        if not e.outside and e.name not in mine:
            before.pop(e.name, None)
            before[e.name] = e  # the latest mention last
    named = list(before.values())
    if m.group("pair"):
        objs = named[-2:] if len(named) >= 2 else []
    else:
        objs = named if len(named) >= 2 else [_Ent(m.start(1), m.end(1), n) for n in ck.table.languages if n not in mine]
    return [_Ent(m.start(1), m.end(1), o.name) for o in objs], m.end(), m.group(1)


def unknown_other(ck: _Walk, c: Clause, subj: list[_Ent], cid: str, said: str, span: tuple[int, int]) -> None:
    """A comparison whose other side the text does not name ("Python trails both on speed"): unsupported."""
    for s in subj:
        if s.outside:
            ck.outside(s, span, cid)
        else:
            ck.emit("comparison", "unsupported", f"The text does not say which languages \"{said}\" stands for, so the comparison cannot "
                    f"be judged against the {ck.table.table_section} table.", s.name, cid, c.span_of([s], *span))


def _verb_hits(ck: _Walk, c: Clause) -> list[tuple[re.Match, str, str, list[_Ent] | None]]:
    """(match, class, key, objects): the comparison verbs of the clause, the objects of a split one ("blows Python out
    of the water", "leaves Node in the dust") the languages inside it."""
    w = words()
    found: list[tuple[re.Match, str, str, list[_Ent] | None]] = []
    for m in w.verb_rx.finditer(c.lc, c.c0, c.c1):
        cls = w.verb_class.get(key(m.group(0)))
        if cls is not None:
            found.append((m, cls, key(m.group(0)), None))
    for cls, k, rx in w.split_verbs:
        for m in rx.finditer(c.lc, c.c0, c.c1):
            inside = [e for e in c.cents if m.start("obj") <= e.start and e.end <= m.end("obj")]
            if inside:
                found.append((m, cls, k, inside))
    return sorted(found, key=lambda f: f[0].start())


_EVERY = "*"  # the criterion of a comparison said on every criterion at once
_TRUE = {">": lambda a, b: a > b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
         "=": lambda a, b: a == b, "!=": lambda a, b: a != b}


def _on_every(ck: _Walk, a: _Ent, b: _Ent, rel: str, skip: set[str]) -> list[str]:
    """The criteria to judge "a <rel> b in every aspect" on: the first the table contradicts it on (one claim, one
    contradiction), else all of them; none with a language outside the table."""
    if a.outside or b.outside:
        return []
    rated = [cid for cid in ck.table.criteria if cid not in skip and ck.table.rank(a.name, cid) is not None and ck.table.rank(b.name, cid) is not None]
    wrong = [cid for cid in rated if not _TRUE[rel](ck.table.rank(a.name, cid), ck.table.rank(b.name, cid))]
    return wrong[:1] or rated


def verbs(ck: _Walk, c: Clause) -> None:
    """X <verb> Y [criterion]: superiority, inferiority and equality by the verb classes of check.yaml."""
    w = words()
    lc = c.lc
    for m, cls, vkey, inside in _verb_hits(ck, c):
        if not c.free(*m.span()):
            continue
        objs, cid = (inside, None) if inside else _object(ck, c, m.end())
        said = ""
        end = m.end() if inside else objs[-1].end if objs else m.end()
        if not objs:
            got = others(ck, c, m.end(), ck._subject(c.cents, m.start(), c.carry, after=False))
            if got is None:
                continue
            objs, end, said = got
        every = w.every_rx.match(lc, end, c.c1) if cid is None and vkey not in w.verb_criteria else None  # "outperforms ... across the board": on its own
        skip: set[str] = set()
        if every:
            cid, end = _EVERY, every.end()
            if every.group("except"):  # "in every aspect except concurrency": that criterion does not count
                skip = {x for x in (ck._nearest_criterion(every.start("except"), end, end, end),) if x}
        if cid is None:
            cid, end2 = _after(ck, c, end)
            end = max(end, end2) if cid else end
        if cid is None:
            cid = ck._nearest_criterion(c.c0, c.c1, m.start(), m.start())
        if cid is None and vkey in w.verb_criteria:
            cid = ck.v.crit_map.get(_key(w.verb_criteria[vkey]))
        if cid is None:
            continue
        lead = lc[max(c.c0, (ck._last_end(c.cents, m.start()))):m.start()]
        nobody = w.nobody_rx.search(lead)
        if nobody and not ck._negated(c.c0, m.start() - len(lead) + nobody.start()):
            # "no language beats Go at concurrency": Go is the best (or, lagging, the worst); "nothing matches Rust": the best
            for o in objs:
                ck.superlative(o, cid, -1 if cls == "worse" else 1, False, c.span_of([o], m.start() - len(lead) + nobody.start(), end))
            c.used.append((m.start(), end))
            ck.objects.update(id(o) for o in objs)
            continue
        subj = [e for e in ck._subject(c.cents, m.start(), c.carry, after=False) if e not in objs]
        if not subj:
            continue
        if said and not objs:
            unknown_other(ck, c, subj, cid, said, (m.start(), end))
            c.used.append((m.start(), end))
            continue
        if cls == "equal" and _AS_PHRASE.match(m.group(0)) and subj[-1].end <= m.start() and not lc[subj[-1].end:m.start()].strip(" ,'\""):
            continue  # "Go, as well as Rust, is fast": a list, not a comparison
        rel = _NEG_REL[cls] if ck._neg(subj, c.c0, m.start()) else _REL[cls]
        for s in subj:
            for o in objs:
                targets = _on_every(ck, s, o, rel, skip) if cid == _EVERY else [cid]
                for x in (s, o) if not targets else ():
                    if x.outside:
                        ck.outside(x, c.span_of([s], m.start(), end))
                for one in targets:
                    ck.compare(s, o, one, rel, c.span_of([s], m.start(), end))
        c.used.append((m.start(), end))
        ck.objects.update(id(o) for o in objs)
        ck.cmp_subject = subj


_FRONT_COMMA = re.compile(r"\s*,\s*")
_JOINED = re.compile(r"\b(?:and|or)\b")


def _fronted(ck: _Walk, c: Clause, before: int) -> list[_Ent]:
    """The other side of a comparison said first, before a comma: the languages of "Compared with Python, ..." (an
    object marker, check.yaml object_markers, opening the clause), when a language follows the comma before `before`."""
    w = words()
    om = w.object_rx.match(c.lc, c.c0 + len(c.lc[c.c0:c.c1]) - len(c.lc[c.c0:c.c1].lstrip(" \t\n\"'*_(")))
    named = [i for i, e in enumerate(c.cents) if om and e.start == om.end()]
    if not named:
        return []
    group = [c.cents[named[0]]]
    for e in ck._group_right(c.cents, named[0])[1:]:  # "Compared with Python and Go, Rust ...": not the comma before the subject
        if not _JOINED.search(c.lc, group[-1].end, e.start):
            break
        group.append(e)
    comma = _FRONT_COMMA.match(c.lc, group[-1].end, c.c1)
    if comma is None or "," not in comma.group(0) or not any(comma.end() <= e.start < before for e in c.cents):
        return []
    return group


def unpaired(ck: _Walk, c: Clause) -> None:
    """A comparative without "than": the other side after "compared to" ("slower execution compared to Go"); the
    languages after "languages like" ("faster languages like Go and Rust", each rated in that half of the scale);
    else the language the sentence before was about ("Go is fast. Rust is often faster"), or, with none, the half of
    the scale the comparative points to ("Python is slower.")."""
    v, lc, w = c.v, c.lc, words()
    found = [(m, *v.cmp_map.get(_key(m.group(0)), (None, 0))) for m in c.hits.get(id(v.cmp_rx), ())]
    found += [(m, None, w.comparative[key(m.group(0))]) for m in w.comparative_rx.finditer(lc, c.c0, c.c1)]
    for m, cid, sign in found:
        if not c.free(*m.span()) or re.search(r"\bthan\b", lc[m.end():c.c1].split(":")[0]):  # a colon ends its reach
            continue
        end = m.end()
        if cid is None:  # "improved runtime performance", "better performance": the criterion right after
            cid, end = _after(ck, c, m.end())
            if cid is None:
                continue
        crit = ck.table.criteria[cid]
        km = w.kind_rx.match(lc, m.end(), c.c1)
        if km:
            named = [i for i, e in enumerate(c.cents) if e.start == km.end()]
            if named:
                group = ck._group_right(c.cents, named[0])
                for e in group:
                    ck.level(e, cid, crit.scale[-1] if sign > 0 else crit.scale[0], "half", False, (m.start(), group[-1].end))
                c.used.append((m.start(), group[-1].end))
                ck.objects.update(id(o) for o in group)
                continue
        front = _fronted(ck, c, m.start())
        subj = [e for e in ck._subject(c.cents, m.start(), c.carry, after=False) if e not in front]
        if not subj:
            continue
        om = w.object_rx.search(lc, end, c.c1)
        objs = [e for e in c.cents if om and e.start == om.end()]
        if objs:
            objs = ck._group_right(c.cents, c.cents.index(objs[0]))
        elif front:
            objs = front  # "Compared with Python, Rust has fewer libraries": the other side said first
        elif any(e.start > m.end() for e in c.cents):
            continue  # another language later in the clause, not introduced as the other side: left alone
        elif not w.copula_rx.search(lc, max(c.c0, m.start() - 40), m.start()):
            continue  # "Node.js: slower development": an attribute of a noun, not a predicate of the language
        elif subj[0].start >= c.c0 and _PREP_BEFORE.search(lc, max(c.c0, subj[0].start - 20), subj[0].start):
            continue  # "Development in Rust is slower": said of something in Rust, not of Rust
        elif ck.prev_subject and all(ck.prev_subject[0].name != s.name for s in subj):
            objs = list(ck.prev_subject)
        neg = ck._neg(subj, c.c0, m.start())
        for s in subj:
            if objs:
                rel = (">" if sign > 0 else "<") if not neg else ("<=" if sign > 0 else ">=")
                for o in objs:
                    ck.compare(s, o, cid, rel, c.span_of([s], m.start(), end))
            else:
                ck.level(s, cid, crit.scale[-1] if sign > 0 else crit.scale[0], "half", neg, c.span_of([s], m.start(), end))
        c.used.append((m.start(), end))


def _as_rx(v) -> re.Pattern | None:  # noqa: ANN001 - a _Vocab
    """ "as expressive as": the adjectives of the comparisons the article's lines make (Go's "Less expressive than ...")."""
    def build(_t: object) -> re.Pattern | None:
        return re.compile(rf"(?<![\w])(?:just\s+|every\s+bit\s+)?as\s+(?P<adj>{_alt(v.rel_map)})\s+as\s+(?:that\s+of\s+)?") if v.rel_map else None
    return derived(v.table, "claims-as-adj-as", build)


def as_adj_as(ck: _Walk, c: Clause) -> None:
    """ "Go is just as expressive as Rust": equal on a quality an article line compares (Go's con says less expressive)."""
    rx = _as_rx(c.v)
    if rx is None:
        return
    for m in rx.finditer(c.lc, c.c0, c.c1):
        objs = [e for e in c.cents if e.start == m.end()]
        if not c.free(*m.span()) or not objs:
            continue
        objs = ck._group_right(c.cents, c.cents.index(objs[0]))
        subj = [e for e in ck._subject(c.cents, m.start(), c.carry, after=False) if e not in objs]
        if not subj:
            continue
        adj = _key(m.group("adj"))
        sign = -1 if ck._neg(subj, c.c0, m.start()) else 0  # "not as expressive as": less
        for sj in subj:
            for o in objs:
                ck.relation(sj, o, adj, sign, c.v.rel_map.get(adj, []), c.span_of([sj], m.start(), o.end))
        c.used.append((m.start(), objs[-1].end))
        ck.objects.update(id(o) for o in objs)


def alike(ck: _Walk, c: Clause) -> None:
    """ "Node and Python are roughly equal on ecosystem": every pair of the languages listed before it, the same rating."""
    for m in words().alike_rx.finditer(c.lc, c.c0, c.c1):
        if not c.free(*m.span()):
            continue
        subj = ck._subject(c.cents, m.start(), c.carry, after=False)
        cid = ck._nearest_criterion(c.c0, c.c1, m.start(), c.c1)
        if len(subj) < 2 or cid is None or any(e.start > m.end() for e in c.cents):
            continue
        rel = "!=" if ck._neg(subj, c.c0, m.start()) else "="
        for i, a in enumerate(subj):
            for b in subj[i + 1:]:
                ck.compare(a, b, cid, rel, c.span_of([a], m.start(), m.end()))
        c.used.append(m.span())


_WORD_RX = re.compile(r"[a-z][a-z\-]*")


def compared_with(ck: _Walk, c: Clause) -> None:
    """ "Go is fairly approachable compared with Rust", "Node.js is slow next to Go": a plain quality (check.yaml
    positive / negative, on the criterion it names) said of one language against another is a comparison, not a level."""
    w, lc = words(), c.lc
    for om in w.object_rx.finditer(lc, c.c0, c.c1):
        named = [i for i, e in enumerate(c.cents) if e.start == om.end()]
        if not named:
            continue
        objs = ck._group_right(c.cents, named[0])
        subj = [e for e in ck._subject(c.cents, om.start(), c.carry, after=False) if e not in objs]
        if not subj:
            continue
        lo = max(c.c0, subj[-1].end) if subj[-1].end <= om.start() else c.c0
        if not c.free(lo, om.start()) or any(e.start >= lo and e.end <= om.start() for e in c.cents):
            continue
        between = _WORD_RX.findall(lc[lo:om.start()])
        if any(x in w.comparative or _key(x) in c.v.cmp_map for x in between):
            continue  # "easier compared to Go": the comparative reader's
        sign = sum((x in w.positive) - (x in w.negative) for x in between)
        cid = ck._nearest_criterion(lo, om.start(), om.start(), om.start())
        if cid is None:
            pred = next((c.v.pred_map[_key(x)] for x in between if _key(x) in c.v.pred_map), None)
            cid = pred[0] if pred else None
        if cid is None or sign == 0:
            continue
        neg = ck._neg(subj, c.c0, om.start())
        rel = (">" if sign > 0 else "<") if not neg else ("<=" if sign > 0 else ">=")
        for sj in subj:
            for o in objs:
                ck.compare(sj, o, cid, rel, c.span_of([sj], lo, o.end))
        c.used.append((lo, objs[-1].end))
        ck.objects.update(id(o) for o in objs)


def _tie_rx(ck: _Walk) -> tuple[re.Pattern, dict[str, str]]:
    def build(_t: object) -> tuple[re.Pattern, dict[str, str]]:
        nouns: dict[str, str] = {}
        for cid, cr in ck.table.criteria.items():
            for n in (cr.label, *cr.nouns):
                n = _key(n)
                nouns[n] = cid
                nouns[n[:-1] + "ies" if n.endswith("y") else n + "es" if n.endswith(("s", "x", "ch", "sh")) else n + "s"] = cid
        tie = words().alike_rx.pattern
        return re.compile(rf"{tie}\s+(?P<noun>{_alt(nouns)})(?![\w\-])\s+(?:to|as|with)\s+(?:that\s+of\s+|those\s+of\s+|the\s+)?"), nouns
    return derived(ck.table, "claims-tie-nouns", build)


def tie(ck: _Walk, c: Clause) -> None:
    """ "Node has similar speeds to Go", "Rust offers comparable ecosystems to Go": a tie word (check.yaml alike), a
    criterion's noun (singular or plural), then the other side: the two rated the same (negated: not the same)."""
    rx, nouns = _tie_rx(ck)
    for m in rx.finditer(c.lc, c.c0, c.c1):
        objs = [i for i, e in enumerate(c.cents) if e.start == m.end()]
        if not c.free(*m.span()) or not objs:
            continue
        group = ck._group_right(c.cents, objs[0])
        subj = [e for e in ck._subject(c.cents, m.start(), c.carry, after=False) if e not in group]
        cid = nouns.get(_key(m.group("noun")))
        if not subj or cid is None:
            continue
        rel = "!=" if ck._neg(subj, c.c0, m.start()) else "="
        for s in subj:
            for o in group:
                ck.compare(s, o, cid, rel, c.span_of([s], m.start(), o.end))
        c.used.append((m.start(), group[-1].end))
        ck.objects.update(id(o) for o in group)
