"""Claim families over the article's lines: pro / con (lines quoted or reworded), best-for (topics), framework.

Each family is a function `(ck, c)`: `ck` is the checker (it judges and emits, see judge.py), `c` the Clause.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING

from ..finder import _key, _lc, _tokenise, _words_rx
from ..score import _item_evidence
from ..vocab import _INTENSIFIER, _NEG_TOPIC, _POS_TOPIC, _Ent, _item_key, _join, _stem
from .clause import Clause
from .skills import skill_bags
from .words import _WORD, amount, direction, says_opposite, words

if TYPE_CHECKING:
    from ...knowledge import Item
    from .walk import _Walk


def _topic_cue_rx() -> tuple[re.Pattern, re.Pattern]:
    pos = rf"(?:works|performs|fits|does)\s+{_INTENSIFIER}well|" + _words_rx(_POS_TOPIC)
    neg = _words_rx(_NEG_TOPIC)
    p = re.compile(rf"\b(?P<cue>{pos})\b(?:[\s\-]+[\w\-]+){{0,2}}?[\s:]+(?:for|at|in|with|when\s+it\s+comes\s+to|on|(?:(?<=suited\s)|(?<=tailored\s)|(?<=geared\s))to)"
                   rf"[\s:]+(?P<list>(?:[\w\-/.]+[\s,]+){{0,9}}?)$", re.I)
    n = re.compile(rf"\b(?P<cue>{neg})\b(?:[\s\-]+[\w\-]+){{0,2}}?(?:[\s:]+(?:for|at|in|with|on))?[\s:]+(?P<list>(?:[\w\-/.]+[\s,]+){{0,3}}?)$", re.I)
    return p, n


_POS_CUE, _NEG_CUE = _topic_cue_rx()
_LAST_WORD = re.compile(r"([a-z][a-z\-]*)\s+(?:an?\s+|the\s+)?$")
_BAD_FOR = re.compile(r"\b([a-z][a-z\-]*)\s+(?:choice|fit|option|pick|match|candidate|tool|language)\s+for\s+(?:the\s+|an?\s+)?$")


def _item_claim(ck: _Walk, c: Clause, entries: list, a: int, b: int, after: bool = False) -> None:
    """Judge one article line the clause quotes (exactly or in other words) for the clause's subject."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    subj = ck._subject(cents, a, carry, after=after)
    owners = {n for n, _, _ in entries}
    if not subj and len(owners) == 1 and all(a <= e.start and e.end <= b for e in cents) and not ck._negated(c0, a, listed=True):
        subj = [_Ent(a, a, owners.pop())]  # the line said with no subject ("Con named in the article: Less expressive than
        # Python or Rust"): it is the article's line of its one owner, and the languages in it are its objects
    if not subj or not entries:
        return
    neg = ck._negated(max(c0, subj[-1].end) if subj[-1].end <= a else c0, a, listed=True)
    done = False
    for e in subj:
        sp = span_of([e], a, b)
        if e.outside:
            ck.outside(e, sp)
            done = True
            continue
        own = [(k, it) for n, k, it in entries if n == e.name]
        if own:
            k, it = own[0]
            lang = ck.table.languages[e.name]
            turned = neg != says_opposite(set(_WORD.findall(lc[c0:c1])), it.text)  # "excellent generics support" for "Limited generic support"
            bad = _BAD_FOR.search(lc, max(c0, a - 40), a)
            if k == "best_for" and bad and bad.group(1) in words().negative:
                turned = not turned  # "a poor choice for high-performance backends": the best-for line, denied
            ck.emit(k, "contradicted" if turned else "supported", _item_evidence(lang, k, it), e.name, it.criterion, sp,
                      f"The article lists \"{it.text}\" for {e.name}.")
            done = True
        elif not any(it.criterion or it.use_case or it.constraint for _, _, it in entries):
            owner_names = _join(dict.fromkeys(n for n, _, _ in entries))
            ck.emit(entries[0][1], "unsupported", f"The article says this of {owner_names}: {entries[0][2].text}", e.name, None, sp)
            done = True
    if done:
        used.append((a, b))


def item(ck: _Walk, c: Clause) -> None:
    """Lines quoted from the article (pros, cons, best-for lines of three words or more)."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.item_rx), ()):
        if free(*m.span()):
            _item_claim(ck, c, v.item_map.get(_item_key(m.group(0)), []), m.start(), m.end())


def absent(ck: _Walk, c: Clause) -> None:
    """Features the article says a language is without: "Rust relies on a garbage collector"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.absent_rx), ()):
        if not free(*m.span()):
            continue
        owners: list[tuple[str, Item]] = next((o for pat, o in v.absent_map.items() if re.fullmatch(pat, m.group(0))), [])
        subj = ck._subject(cents, m.start(), carry, after=False)
        for e in subj:
            own = [it for n, it in owners if n == e.name]
            if e.outside or not own:
                continue
            lo = max(c0, subj[-1].end) if subj[-1].end <= m.start() else c0
            neg = ck._negated(lo, m.start()) or bool(re.search(r"\b(?:without|free\s+of|no)\s+(?:a\s+|any\s+)?$", lc[max(c0, m.start() - 20):m.start()]))
            lang = ck.table.languages[e.name]
            ck.emit("pro", "supported" if neg else "contradicted", _item_evidence(lang, "pro", own[0]), e.name, None,
                      span_of([e], m.start(), m.end()), f"The article lists \"{own[0].text}\" as a pro of {e.name}.")
            used.append(m.span())


_PICK = re.compile(r"[\s,;:\-*]*$")
_PICK_WORD = re.compile(r"\s+(?:for|when|if)\s")


def pick(ck: _Walk, c: Clause) -> None:
    """ "Go for web backends, Python when data work dominates, Rust when high performance is worth the pain": a clause
    that is one language and then "for" / "when" / "if" a use says the language is the pick for it (a best-for claim);
    the level words in it ("high performance") name the use, not a rating."""
    if len(c.cents) != 1 or ck.question or not _PICK.match(c.lc, c.c0, c.cents[0].start):
        return
    e = c.cents[0]
    w = _PICK_WORD.match(c.lc, e.end, c.c1)
    if w is None:
        return
    for m in c.hits.get(id(c.v.topic_rx), ()):
        kind, tid = c.v.topic_map[_key(m.group(0))]
        if kind != "criterion" and m.start() >= w.end() and c.free(*m.span()):
            ck.topic(e, kind, tid, 1, (e.start, m.end()))
            c.used.append((e.start, m.end()))
            return


def dominates(ck: _Walk, c: Clause) -> None:
    """ "Rust is winning the systems and performance-critical layer", "Node.js owns real-time": a dominance verb before a
    use case of the table (check.yaml dominance_verbs) says the language is the pick for it (a best-for claim)."""
    for m in c.hits.get(id(c.v.topic_rx), ()):
        kind, tid = c.v.topic_map[_key(m.group(0))]
        d = words().dominance_rx.search(c.lc, max(c.c0, m.start() - 50), m.start())
        if kind != "use_case" or d is None or not c.free(d.start(), m.end()) or any(d.start() < e.start < m.start() for e in c.cents):
            continue
        subj = ck._subject(c.cents, d.start(), c.carry, after=False)
        if not subj:
            continue
        sign = -1 if ck._neg(subj, c.c0, d.start()) else 1
        for e in subj:
            ck.topic(e, kind, tid, sign, c.span_of([e], d.start(), m.end()))
        c.used.append((d.start(), m.end()))


def verdict_after(ck: _Walk, c: Clause) -> None:
    """ "..., so CPU-bound tasks are no problem", "real-time features are a pain in Python": a use case or constraint
    with a verdict after it (check.yaml fine_after / trouble_after): the language good or bad at it."""
    for m in c.hits.get(id(c.v.topic_rx), ()):
        kind, tid = c.v.topic_map[_key(m.group(0))]
        after = words().verdict_after_rx.match(c.lc, m.end(), c.c1)
        if after is None or not c.free(m.start(), after.end()):
            continue
        subj = ck._subject(c.cents, m.start(), c.carry)
        if not subj:
            continue
        sign = 1 if after.group("fine") else -1
        if ck._negated(m.end(), after.start("fine") if after.group("fine") else after.start("trouble")):
            sign = -sign
        for e in subj:
            if kind == "criterion":  # "concurrency is no problem": the top half of the scale
                crit = ck.table.criteria[tid]
                ck.level(e, tid, crit.scale[-1] if sign > 0 else crit.scale[0], "half", False, (m.start(), after.end()))
            else:
                ck.topic(e, kind, tid, sign, (m.start(), after.end()))
        c.used.append((m.start(), after.end()))


def graded(ck: _Walk, c: Clause) -> None:
    """ "Go has excellent, fully mature generics", "Python offers poor multithreading": a use case or constraint of the
    table after a possession verb and words of how good or how much (check.yaml possession_verbs, positive / negative;
    claims.yaml many / few: "doesn't have a ton of generics" is limited generics): the language
    said good or bad at it, judged as a best-for or con claim."""
    lc, v = c.lc, c.v
    for m in c.hits.get(id(v.topic_rx), ()):
        kind, tid = v.topic_map[_key(m.group(0))]
        g = words().graded_rx.search(lc, max(c.c0, m.start() - 60), m.start())
        if kind == "criterion" or g is None or not c.free(g.start(), m.end()):
            continue
        sign = amount(g.group("how")) or direction({p for x in _WORD.findall(g.group("how")) for p in (x, *x.split("-"))})
        subj = ck._subject(c.cents, g.start(), c.carry, after=False)
        if not sign or not subj:
            continue
        if ck._neg(subj, c.c0, g.start()):
            sign = -sign
        for e in subj:
            ck.topic(e, kind, tid, sign, c.span_of([e], g.start(), m.end()))
        c.used.append((g.start(), m.end()))


def item_bag(ck: _Walk, c: Clause) -> None:
    """An article line in other words: every content word of it in the clause, in any order ("Go has built-in concurrency through goroutines" for "Built-in concurrency with goroutines")."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    # concurrency through goroutines" for "Built-in concurrency with goroutines")
    bags = [*v.item_bags, *skill_bags(v)]
    if bags and (cents or carry):
        starts, toks, _ = _tokenise(lc)
        i, j = bisect_left(starts, c0), bisect_left(starts, c1)
        where: dict[str, list[int]] = {}
        for k in range(i, j):
            where.setdefault(_stem(toks[k]), []).append(k)
        for bag, entries, size in bags:
            if not bag <= where.keys():
                continue
            ks = sorted(where[w][0] for w in bag)
            a, b = starts[ks[0]], starts[ks[-1]] + len(toks[ks[-1]])
            last = max(where[w][-1] for w in bag)  # "the front end and the back end": to the last of them
            b = max(b, starts[last] + len(toks[last])) if starts[last] + len(toks[last]) - a <= 2 * size + 20 else b
            if b - a <= 2 * size + 20 and free(a, b):
                _item_claim(ck, c, entries, a, b, after=True)


def topic(ck: _Walk, c: Clause) -> None:
    """Best-for / pro / con claims by topic: "ideal for CPU-bound tasks", "has limited multithreading"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.topic_rx), ()):
        if not free(*m.span()):
            continue
        kind, tid = v.topic_map[_key(m.group(0))]
        w0 = max(c0, m.start() - 110)  # a list of up to six words after the cue ("known for its A, B and speed")
        nm = _NEG_CUE.search(lc, w0, m.start())
        pm = _POS_CUE.search(lc, w0, m.start())
        cue = nm or pm
        if cue is None:
            continue
        if kind == "criterion" and cue.group("list"):  # an element of a list after the cue: the cue and the other elements
            if not free(*m.span()):                       # may be read already ("known for its slow compile times and speed")
                continue
        elif not free(cue.start(), m.start()):
            continue
        if nm and pm and pm.start("cue") > nm.start("cue"):
            cue = pm
        polarity = -1 if cue is nm else 1
        if ck._negated(max(c0, cue.start() - 12), cue.start()) and not re.match(r"not\b|no\b", cue.group("cue")):
            polarity = -polarity
        before = _LAST_WORD.search(lc, max(c0, cue.start() - 24), cue.start())
        if polarity > 0 and before and before.group(1) in words().negative:  # "a poor choice for", "a bad fit for"
            polarity = -1
        said = polarity  # the cue's own: each element of a list after it is turned by its own words only
        if kind == "criterion" and cue.group("list"):
            turn = _listed(cue.group("list"))
            if turn is None:
                continue  # "great for apps that need speed": a use, not a rating
            polarity *= turn
        subj = ck._subject(cents, cue.start(), carry, after=False)
        if not subj:
            continue
        for e in subj:
            sp = span_of([e], cue.start(), m.end())
            if kind == "criterion":
                crit = ck.table.criteria[tid]
                if polarity > 0 and _key(cue.group("cue")) in ("best", "top") and _AT_ONCE.match(lc, cue.end("cue")):
                    ck.superlative(e, tid, 1, False, sp)
                else:
                    lvl = crit.scale[-1] if polarity > 0 else crit.scale[0]
                    ck.level(e, tid, lvl, "half", False, sp)
            else:
                ck.topic(e, kind, tid, polarity, sp)
        if cue.group("list"):
            _earlier_elements(ck, c, subj, cue.start("list"), cue.end("list"), said if kind == "criterion" else 0, tid)
        used.append((cue.start(), m.end()))


def _attr_cue_rx() -> tuple[re.Pattern, re.Pattern]:
    end = r"(?:\s+[\w\-]+)?\s+$"  # at most one word between the cue and the use ("a great general machine learning language")
    return re.compile(rf"\b(?P<cue>{_words_rx(_POS_TOPIC)}){end}", re.I), re.compile(rf"\b(?P<cue>{_words_rx(_NEG_TOPIC)}){end}", re.I)


_POS_ATTR, _NEG_ATTR = _attr_cue_rx()


def attributive(ck: _Walk, c: Clause) -> None:
    """ "Python is the preferred machine learning language", "Rust is a poor scripting choice": a use case or constraint
    of the table said before a kind noun (check.yaml kind_nouns), after a word of how good (claims.yaml pos_topic /
    neg_topic): the language good or bad at it, judged as a best-for or con claim."""
    lc, w = c.lc, words()
    for m in c.hits.get(id(c.v.topic_rx), ()):
        kind, tid = c.v.topic_map[_key(m.group(0))]
        head = w.kind_head_rx.match(lc, m.end(), c.c1)
        if kind == "criterion" or head is None:
            continue
        lo = max(c.c0, m.start() - 40)
        nm, pm = _NEG_ATTR.search(lc, lo, m.start()), _POS_ATTR.search(lc, lo, m.start())
        cue = nm or pm
        if cue is None or not c.free(cue.start(), head.end()):
            continue
        polarity = -1 if cue is nm else 1
        subj = ck._subject(c.cents, cue.start(), c.carry, after=False)
        if not subj:
            continue
        if ck._neg(subj, c.c0, cue.start()):
            polarity = -polarity
        for e in subj:
            ck.topic(e, kind, tid, polarity, c.span_of([e], cue.start(), head.end()))
        c.used.append((cue.start(), head.end()))


def _earlier_elements(ck: _Walk, c: Clause, subj: list[_Ent], a: int, b: int, polarity: int, done: str) -> None:
    """The other elements of a list after a cue that name a criterion ("known for its concurrent programming
    capabilities and speed": concurrency too), each rated in the half its cue says, turned by its own bad words."""
    if not polarity:
        return
    at = a
    for part in [*_LIST_SEP.split(c.lc[a:b]), ""][:-1]:
        start, at = at + c.lc[at:b].find(part), at + c.lc[at:b].find(part) + len(part)
        cid = next((cid_of(x.group(0)) for rx, cid_of in ck.crit_finders() for x in rx.finditer(c.lc, start, at)
                    if cid_of(x.group(0)) and c.free(*x.span())), None)
        if cid is None or cid == done or not part.strip():
            continue  # no criterion in it, or one another reader took ("huge ecosystem": a level)
        crit = ck.table.criteria[cid]
        turn = -1 if direction(set(_WORD.findall(part))) < 0 else 1
        for e in subj:
            ck.level(e, cid, crit.scale[-1] if polarity * turn > 0 else crit.scale[0], "half", False, c.span_of([e], start, at))


_AT_ONCE = re.compile(r"\s*(?:for|at|in|on)\b")  # "the best at speed" is a superlative, "best known for speed" is not
_LIST_SEP = re.compile(r",\s*(?:(?:and|or)\s+)?|\s(?:and|or|as\s+well\s+as)\s")
_OWNER = re.compile(r"^\s*(?:its|their|the)\s+")


def _listed(before: str) -> int | None:
    """A criterion that is an element of the list after a cue ("known for its allocated memory management, concurrent
    programming capabilities and speed", "known for its blazing-fast performance"): +1, or -1 when the element's own
    words say the bad side ("known for its sluggish performance"); None when the words before it are not a list element
    of the criterion ("great for apps that need speed", "great for apps needing speed": a use). An element is at most
    two words before the criterion, after a list separator or "its", or only degree and direction words."""
    parts = _LIST_SEP.split(before)
    owned = _OWNER.match(parts[-1])
    elem = _OWNER.sub("", parts[-1]).split()
    w = words()
    plain = all(any(p in w.positive or p in w.negative or w.extreme_rx.fullmatch(p) or w.hedge_rx.fullmatch(p) for p in (x, *x.split("-")))
                for x in elem)
    if len(elem) > 2 or not (len(parts) > 1 or owned or plain):
        return None
    return -1 if direction({p for x in elem for p in (x, *x.split("-"))}) < 0 else 1


_FW_APART = re.compile(r"[,;?!]\s|\b(?:should|switch|move|migrate|rewrite|but|and\s+(?:we|i))\b")


def framework(ck: _Walk, c: Clause) -> None:
    """Frameworks the article names: "Django is a Python framework", "Axum is a Go framework"."""
    lc, v, cents, carry, c0, c1, hits, used, free, span_of = c.unpack()
    for m in hits.get(id(v.fw_rx), ()):
        owners = v.fw_map.get(_key(m.group(0)), [])
        if cents:
            e = min(cents, key=lambda x: (min(abs(x.start - m.end()), abs(m.start() - x.end)), x.start > m.start()))
            a, b = sorted((e.end, m.start()) if e.end <= m.start() else (m.end(), e.start))
            if _FW_APART.search(lc, a, b):
                continue  # "we're a Django shop, should we switch to Go?": the two are in different statements
        elif carry:
            e = carry[-1]
        else:
            continue
        fw = ck.text[m.start():m.end()]
        owner_lang = ck.table.languages[owners[0]]
        item = next((it for it in owner_lang.pros + owner_lang.best_for + owner_lang.cons if re.search(rf"\b{re.escape(_lc(fw))}\b", _lc(it.text))), None)
        evidence = _item_evidence(owner_lang, "pro", item) if item else f"{owner_lang.section}: frameworks: {', '.join(owner_lang.frameworks)}"
        sp = (min(e.start, m.start()), max(e.end, m.end())) if cents else m.span()  # a carried subject sits in an earlier clause
        if not e.outside and e.name in owners:
            lang = ck.table.languages[e.name]
            item = next((it for it in lang.pros + lang.best_for + lang.cons if re.search(rf"\b{re.escape(_lc(fw))}\b", _lc(it.text))), None)
            evidence = _item_evidence(lang, "pro", item) if item else f"{lang.section}: frameworks: {', '.join(lang.frameworks)}"
            ck.emit("framework", "supported", evidence, e.name, None, sp)
        else:
            ck.emit("framework", "contradicted", evidence, e.name, None, sp, f"The article names {fw} for {_join(owners)}.")


_NO_FW = re.compile(r"\bno\s+(?:web\s+|backend\s+)?frameworks?\b")


def no_framework(ck: _Walk, c: Clause) -> None:
    """"The article names no frameworks for Go": true when the language's section lists none."""
    m = _NO_FW.search(c.lc, c.c0, c.c1)
    if m is None or not c.free(*m.span()):
        return
    e = next((x for x in c.cents if x.start > m.end() and not x.outside), None) or (c.carry[-1] if c.carry else None)
    if e is None or e.outside:
        return
    lang = ck.table.languages[e.name]
    evidence = f"{lang.section}: frameworks: {', '.join(lang.frameworks) if lang.frameworks else 'none named'}"
    ck.emit("framework", "contradicted" if lang.frameworks else "supported", evidence, e.name, None,
            (min(m.start(), e.start), max(m.end(), e.end)) if e.start >= c.c0 else m.span(), f"The article names {_join(lang.frameworks)} for {e.name}.")
    c.used.append(m.span())
