"""Claim checking: text -> claims about the languages -> verdicts against the table and the article.

    check(text, table, meaning=None) -> list[Check]     every claim, merged; unread statements as kind "unchecked"
    summary(checks) -> "7 checked (6 supported, 1 contradicted), 1 not checkable; pick consistent with the ranking"

The reading is done in `claims/` (the walk, the ordered claim families, the verdicts); this module is the entry
point, and holds check_recommendation (the advisor's own pick, judged against the ranking: not a fact claim).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from itertools import accumulate

from ..knowledge import Table
from . import lexicon
from .claims import FAMILIES, paraphrase
from .claims.markdown import _heading_scopes, _Tables
from .claims.walk import _Walk
from .claims.words import statement, words
from .clean import _clean_markdown
from .meaning import Meaning
from .mentions import _entities, _is_question, _sentences
from .score import CLOSE, _clean_rival, _conflicts, _item_evidence, unmet
from .types import Check, Needs, Ranking, Verdict
from .vocab import _join, _vocab


class _Checker(_Walk, _Tables):
    """check() for one text."""

    families = FAMILIES


def check(text: str, table: Table, meaning: Meaning | None = None) -> list[Check]:
    """Every claim about the table's languages found in `text`, with a verdict and the evidence for it, one Check per
    claim (a claim restated later in the text is merged into the first). A statement naming a table language that no
    family could read comes back as kind "unchecked" (verdict "unsupported", the reason as evidence), so no text is
    called fully checked while a sentence about a language went unread.

    `meaning` (a rules.meaning.Meaning on the local embedder; the advisor passes its own) adds the paraphrase
    family; without it the reading is by listed words only."""
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
    ck.titles = paraphrase.titles(table)
    ck.run(clean)
    if meaning is not None and getattr(ck, "pending", None):
        paraphrase.judge(ck, meaning)
    found = _denied(ck, sorted(ck.out, key=lambda c: c.span))
    return sorted(_merge(found) + _unread(ck, found, meaning is not None), key=lambda c: c.span)


_OUTER_NEGATION = lexicon.pattern("vocab", "outer_negation")
_FLIP: dict[str, Verdict] = {"supported": "contradicted", "contradicted": "supported"}


def _denied(ck: _Checker, checks: list[Check]) -> list[Check]:
    """The claims under a frame that denies them turned round: a frame before them ("It's not true that Rust is easy to
    learn", "It would be wrong to call Python fast"; patterns.yaml outer_negation, check.yaml denying_frames), or a
    retraction after them ("I thought Go would be faster, but turns out it's not"; check.yaml retractions). The
    families judge the statement as written, the frame reverses its verdict."""
    frames, backs = [], []
    for s0, s1 in _sentences(ck.lc):
        said = ck.lc[s0:s1]
        if _is_question(said):
            continue
        m = _OUTER_NEGATION.match(said) or words().denying_rx.match(said)
        if m:
            frames.append((s0 + m.start(), s0 + m.end(), s1))
        r = words().retraction_rx.search(said)
        if r:
            backs.append((s0, s0 + r.start()))
    if not frames and not backs:
        return checks
    out = []
    for c in checks:
        frame = next(((a, b) for a, b, s1 in frames if a <= c.span[0] < s1 and c.span[1] > b), None)
        back = next(((a, b) for a, b in backs if a <= c.span[0] and c.span[1] <= b), None)
        if (frame is None) == (back is None) or c.verdict not in _FLIP or c.kind in ("unchecked", "recommendation"):
            out.append(c)  # (a claim both framed and taken back is said twice over: left as written)
            continue
        a, b = (frame[0], c.span[1]) if frame else (c.span[0], next(s1 for s0, s1 in _sentences(ck.lc) if s0 <= c.span[0] < s1))
        true_claim = c.verdict == "supported"
        out.append(replace(c, claim=ck.claim_text(a, b).rstrip("."), verdict=_FLIP[c.verdict], span=(a, b),
                           correction=c.evidence if true_claim else None))
    return out


def _merge(checks: list[Check]) -> list[Check]:
    """One Check per claim: the same verdict on the same evidence for the same language(s) is one claim said twice.
    ("Go is less expressive than Rust and Python" stays two claims: one per pair, as comparisons on the table are.)"""
    seen: set[tuple] = set()
    out = []
    for c in checks:
        key = (c.kind if c.kind in ("outside", "framework") else "", c.language, c.other, c.criterion, c.verdict, c.evidence, c.question)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _unread(ck: _Checker, checks: list[Check], by_meaning: bool) -> list[Check]:
    """The statements about a table language that no claim family read, each as an "unchecked" Check."""
    out = []
    spans = sorted(c.span for c in checks)
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))  # reach[k]: the furthest end of the first k + 1 spans
    for s0, s1, e in getattr(ck, "sentences", ()):
        k = bisect_left(starts, s1)  # spans starting before the sentence ends; one of them reaching into it covers it
        if (k and reach[k - 1] > s0) or not statement(ck.lc[s0:s1], ck.titles):
            continue
        claim = ck.claim_text(s0, s1).rstrip(".!")
        line = ck.text[s0:s1].lstrip()
        n = len(claim.split())
        if n < 3 or (n == 3 and not _rated(ck, s0, s1)) or line.startswith(("#", "**", "__", "|")):  # a title, a heading, a fragment
            continue
        why = ("no claim the table or the article could judge was recognised in it" if by_meaning else
               "no listed wording of the table or the article matched it (paraphrase recognition is off: no embedder)")
        out.append(Check(claim, "unsupported", f"Not checked: {why}.", "unchecked", e.name, None, (s0, s1)))
    return out


def _rated(ck: _Checker, s0: int, s1: int) -> bool:
    """Does the sentence name a criterion the table rates, or compare by verb ("Go beats Rust")?"""
    return bool(words().verb_rx.search(ck.lc, s0, s1)) or any(rx.search(ck.lc, s0, s1) for rx, _ in ck.crit_finders())


_ASKED_OF_WHICH = lexicon.pattern("vocab", "asked_of_which")


def premises(question: str, table: Table) -> list[Check]:
    """The contradicted claims a user's question takes for granted ("why is Python so fast?"), to correct before
    answering. A property asked of "which" is a question, not a premise: "Python or Go, which is faster?" assumes
    nothing about either."""
    out = []
    for c in check(question, table):
        if c.verdict != "contradicted":
            continue
        s0, s1 = next(((a, b) for a, b in _sentences(question) if a <= c.span[0] < b), (0, len(question)))
        if c.question and _ASKED_OF_WHICH.search(question, s0, s1):
            continue
        out.append(c)
    return out


def tally(checks: list[Check]) -> dict[str, int]:
    """Counts for display: fact claims checked (and of them contradicted / unsupported), statements not checkable,
    and recommendation lines (the advisor's pick, judged against the ranking, not a fact claim)."""
    facts = [c for c in checks if c.kind not in ("unchecked", "recommendation")]
    return {"checked": len(facts), "supported": sum(c.verdict == "supported" for c in facts),
            "contradicted": sum(c.verdict == "contradicted" for c in facts), "unsupported": sum(c.verdict == "unsupported" for c in facts),
            "not_checkable": sum(c.kind == "unchecked" for c in checks), "picks": sum(c.kind == "recommendation" for c in checks),
            "picks_consistent": sum(c.kind == "recommendation" and c.verdict == "supported" for c in checks)}


def summary(checks: list[Check]) -> str:
    """"7 checked, 1 not checkable; pick consistent with the ranking" (or "No factual claims to check")."""
    t = tally(checks)
    parts = []
    if t["checked"]:
        bad = f", {t['contradicted']} contradicted" if t["contradicted"] else ""
        parts.append(f"{t['checked']} checked ({t['supported']} supported{bad})")
    else:
        parts.append("No factual claims to check")
    if t["not_checkable"]:
        parts.append(f"{t['not_checkable']} not checkable")
    text = ", ".join(parts)
    if t["picks"]:
        text += "; pick consistent with the ranking" if t["picks_consistent"] == t["picks"] else "; pick not backed by the ranking"
    return text


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
    missing = unmet(lang, needs, table)
    if missing and ranking.recommendation and ranking.recommendation != name:
        return Check(claim, "contradicted", f"You said {_join(missing)} is a requirement, and {name} does not meet it "
                     "in the comparison table.", "recommendation", name, None, (0, 0), fix)
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
