"""Claim checking: text -> claims about the languages -> verdicts against the table and the article.

    check(text, table, meaning=None) -> list[Check]

The reading is done in `claims/` (the walk, the ordered claim families, the verdicts); this module is the entry
point, and holds check_recommendation (the advisor's own pick, judged against the ranking: not a fact claim).
"""

from __future__ import annotations

from ..knowledge import Table
from .claims import FAMILIES
from .claims.markdown import _Tables, _heading_scopes
from .claims.walk import _Walk
from .score import CLOSE, _clean_rival, _conflicts, _item_evidence
from .types import Check, Needs, Ranking
from .vocab import _clean_markdown, _entities, _join, _vocab


class _Checker(_Walk, _Tables):
    """check() for one text."""

    families = FAMILIES


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
