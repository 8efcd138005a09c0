"""The paraphrase family: claims recognised by meaning, on the clauses no listed-word family read.

Each such clause (the language names taken out) is scored with the local sentence embedder against example
wordings (rules.meaning.Meaning, nearest example per label):

    level:<criterion>:+ / -     the table's own wordings of a criterion (its levels as sentences, better / worse /
                                best / worst phrases) and a few everyday ones from rules/lexicon/check.yaml
    item:<language>:<kind>:<i>  an article line (pro, con, best-for), its parts, and its listed rewordings

Then the verdict is judged as the listed-word families judge it. A level label gives the criterion; the direction
comes from the clause's own words (rules/lexicon/check.yaml positive / negative) or else from the label. An article
line supports the clause for its own language, unless the clause turns it round: a negation in scope, a privative
("lacks") the line does not have itself, or the opposite of one of its words ("dynamically" for "statically"). A
line of another language is "unsupported" (the article says it of someone else), never "supported".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...knowledge import Table
from ..finder import derived
from ..meaning import Hit, Meaning
from ..score import _item_evidence
from ..vocab import _NEGATION, _Ent
from .skills import Skill
from .words import direction, says_opposite, statement, words

if TYPE_CHECKING:
    from .walk import _Walk

#: cosine with the nearest example a clause needs (all-MiniLM-L6-v2; set on the issue's examples and tests/test_check.py,
#: never on the sealed blind batch)
THRESHOLD = 0.55
LEVEL_MARGIN = 0.05  # a rating this close to another language's line wins over it
_WORD = re.compile(r"[a-z][a-z\-']*")
_PARTS = re.compile(r"\s*(?:,|–|—|\(|\)|\bwith\b|\bdue to\b|\bthough\b)\s*")


def examples(table: Table) -> dict[str, tuple[str, ...]]:
    """Labels -> example wordings, from the table and the article lines, plus check.yaml's everyday ones."""
    w = words()
    out: dict[str, tuple[str, ...]] = {}
    for cid, crit in table.criteria.items():
        half = len(crit.scale) // 2
        noun = crit.label.lower()
        for sign in "+-":
            levels = crit.scale[half:] if sign == "+" else crit.scale[:half]
            phrases = (*crit.better, *crit.best) if sign == "+" else (*crit.worse, *crit.worst)
            ex = [*w.examples.get(f"level:{cid}:{sign}", ()), *(f"{noun} is {lvl.lower()}" for lvl in levels),
                  *(f"has {p}" if p.split()[-1] in crit.nouns else f"is {p}" for p in phrases)]
            ex += [f"is {adj}" for adj, lvl in crit.adjectives.items() if (crit.rank(lvl) >= half) == (sign == "+")]
            out[f"level:{cid}:{sign}"] = tuple(dict.fromkeys(ex))
    for lang in table.languages.values():
        for kind, items in (("best_for", lang.best_for), ("pro", lang.pros), ("con", lang.cons)):
            for i, it in enumerate(items):
                text = it.text.lower()
                ex = [f"is a good fit for {text}"] if kind == "best_for" else [text]
                if kind != "best_for":
                    ex += [p for p in _PARTS.split(text) if len(p.split()) >= 2 and p != text]
                ex += w.examples.get(text, ())
                out[f"item:{lang.name}:{kind}:{i}"] = tuple(dict.fromkeys(ex))
    return out


def titles(table: Table) -> tuple[str, ...]:
    """The article's section titles as a citation quotes them ("go (golang): simplicity meets performance")."""
    return tuple(re.sub(r"^\s*\d+[.)]\s*", "", lang.section).lower().replace("\u2019", "'") for lang in table.languages.values() if lang.section)


def meaning_for(meaning: Meaning, table: Table) -> Meaning:
    """The claim checker's Meaning over this table's wordings (made once per table: the key is a token the table
    itself keeps, never its id())."""
    return meaning.derive(("claims", derived(table, "claims-token", lambda _t: object())), derived(table, "claims-examples", examples))


def _bare(lc: str, c0: int, c1: int, ents: list[_Ent]) -> str:
    """The clause with its language names (and their "'s") and its hedges taken out."""
    parts, at = [], c0
    for e in ents:
        if c0 <= e.start and e.end <= c1 and not isinstance(e, Skill):  # a skill word is a word of the line ("JavaScript")
            parts.append(lc[at:e.start])
            at = e.end + (2 if lc.startswith("'s", e.end) else 0)
    parts.append(lc[at:c1])
    text = words().hedge_rx.sub(" ", " ".join(parts))  # hedges keep the verdict: "arguably", "fairly" are read past
    return re.sub(r"\s+", " ", text).strip(" .,;:!?\"'*_-")


def _turned(tokens: set[str], example: str) -> bool:
    """Does the clause turn the example round by its words: the example says "without" or "not" (the clause's own
    negations and privatives are read by the walk's scope rules), or the clause has the opposite of one of its words?
    A clause that says the bad side in words of its own ("a task that chews CPU and all other tasks stop dead" for
    "Not ideal for CPU-bound tasks") keeps a negated line's sense: its negative words stand for the line's "not"."""
    w = words()
    priv, negated = bool(w.privative_rx.search(example)), bool(_NEGATION.search(example))
    own = priv != negated and not (negated and not priv and direction(tokens) < 0)
    return own != says_opposite(tokens, example)


def _main_clause(ck: _Walk, m: Meaning, todo: list, hits: list, sims: Any) -> None:  # sims: an array, a row per text
    """A clause whose subject comes after an opening phrase and a comma ("For services mostly waiting on database
    queries, Node.js's event loop is extremely efficient") and that matched nothing as a whole is read again from its
    subject on: the opening phrase only says when, the claim is the main clause. (In place: hits and sims.)"""
    again = []
    for k, ((_bare_text, c0, c1, subj, _q, _f), hit) in enumerate(zip(todo, hits)):
        at = subj[0].start
        if hit is None and c0 < at < c1 and "," in ck.lc[c0:at]:
            tail = _bare(ck.lc, at, c1, [e for e in ck.ents if at <= e.start < c1])
            if statement(tail, ck.titles, min_words=2):
                again.append((k, tail))
    if not again:
        return
    for (k, _tail), hit, row in zip(again, m.best([t for _, t in again], THRESHOLD), m.similarities([t for _, t in again])):
        if hit is not None:
            hits[k], sims[k] = hit, row


def judge(ck: _Walk, meaning: Meaning) -> None:
    """Read the clauses the walk left unread (ck.pending) by meaning, and emit what they claim."""
    todo = []
    for c0, c1, subj, ents, question, framework in ck.pending:
        if len(subj) != 1 or any(e.name != subj[0].name for e in ents):
            continue  # one language at a time: a list or a comparison is for the listed-word families
        if ck.text[c0:c1].lstrip().startswith(("#", "**", "__")):
            continue  # a heading ("**Trade-offs of Go**"): a title, not a claim
        if framework and not ck._negated(c0, c1):
            continue  # the framework family read it; only a negated line ("does not have extensive libraries (Django, ...)") is left
        bare = _bare(ck.lc, c0, c1, ents)
        if statement(bare, ck.titles, min_words=2) and statement(ck.lc[c0:c1], ck.titles, min_words=2):
            todo.append((bare, c0, c1, subj, question, framework))
    if not todo:
        return
    m = meaning_for(meaning, ck.table)
    texts = [t[0] for t in todo]
    hits = m.best(texts, THRESHOLD)
    sims = m.similarities(texts)
    _main_clause(ck, m, todo, hits, sims)
    table = ck.table
    for (bare, c0, c1, subj, question, framework), hit, row in zip(todo, hits, sims):
        if hit is None:
            continue
        if hit.label.startswith("item:") and not hit.label.startswith(f"item:{subj[0].name}:"):
            # another language's line: a rating of the criterion scoring as well says it of this language
            j = max((j for j, lab in enumerate(m.labels) if lab.startswith("level:")), key=lambda j: row[j])
            if row[j] >= hit.score - LEVEL_MARGIN:
                hit = Hit(m.labels[j], float(row[j]), hit.score, "")
        ck.question, ck.s0 = question, c0
        tokens = set(_WORD.findall(bare))
        lo = max(c0, subj[-1].end)
        paren = ck.lc.find("(", lo, c1)  # a parenthesis ("(Django, Flask, FastAPI)") is an aside: its commas end no scope
        neg = ck._negated(lo, paren if paren > 0 else c1)
        kind, _, rest = hit.label.partition(":")
        for e in subj:
            span = (min(e.start, c0) if e.start >= c0 else c0, c1)
            if e.outside:
                ck.outside(e, span)
                continue
            if kind == "level" and framework:
                continue
            if kind == "level":
                cid, sign = rest.rsplit(":", 1)
                crit = table.criteria[cid]
                d = direction(tokens) or (1 if sign == "+" else -1)
                ck.level(e, cid, crit.scale[-1] if d > 0 else crit.scale[0], "half", neg, span)
                continue
            owner, ikind, idx = rest.rsplit(":", 2)
            if framework and owner != e.name:
                continue  # "Django is a Rust framework": the framework family judged it; Python's line adds nothing
            lang = table.languages[owner]
            it = {"best_for": lang.best_for, "pro": lang.pros, "con": lang.cons}[ikind][int(idx)]
            evidence = _item_evidence(lang, ikind, it)
            if owner != e.name:
                ck.emit(ikind, "unsupported", f"The article says this of {owner}, not {e.name}: {evidence}", e.name, None, span)
                continue
            flip = neg != _turned(tokens, hit.example)
            ck.emit(ikind, "contradicted" if flip else "supported", evidence, e.name, it.criterion, span,
                    f"The article lists \"{it.text}\" for {e.name}.")
