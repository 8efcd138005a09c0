"""Scoring: needs -> per-language points with evidence -> ranking, pick, and the change that would flip it."""

from __future__ import annotations

from ..knowledge import Item, Language, Table
from .finder import derived
from .types import (
    Contribution,
    Flip,
    Intent,
    Needs,
    Ranking,
    Score,
)
from .vocab import _join

BEST_FOR_POINTS = 3.0
PRO_POINTS = 1.5
CON_POINTS = -4.0
SKILL_POINTS = 3.5
EXCLUDED_POINTS = -100.0
CLOSE = 0.5
#: A language with a con against a stated constraint is not picked while a language without such a con scores
#: within this many points of it: the con is a reason the article gives, not just a few points of score.
CONFLICT_MARGIN = -CON_POINTS


def _cell_evidence(table: Table, lang: Language, cid: str, suffix: str = " table") -> str:
    return f"{table.table_section}{suffix}: {lang.name} | {table.criteria[cid].label} | {lang.cell_text(cid)}"


def _best_for_line(lang: Language) -> str:
    return f"{lang.section}: Best for: " + ", ".join(it.text for it in lang.best_for)


def _item_evidence(lang: Language, kind: str, item: Item) -> str:
    if kind == "best_for":
        return _best_for_line(lang)
    return f"{lang.section}: {'Pros' if kind == 'pro' else 'Cons'}: {item.text}"


def _contributions(lang: Language, needs: Needs, table: Table, priorities: dict[str, float] | None = None) -> list[Contribution]:
    pri = needs.priorities if priorities is None else priorities
    out: list[Contribution] = []
    if lang.name in needs.excluded:
        out.append(Contribution("excluded", lang.name, f"Ruled out by you: {lang.name}", EXCLUDED_POINTS, f"You ruled out {lang.name}."))
    for cid, crit in table.criteria.items():
        if cid in pri and cid in lang.cells:
            w = pri[cid]
            level = lang.cells[cid]
            out.append(Contribution("criterion", cid, f"{crit.label}: {level}", round(w * crit.normalise(level) * 10, 2),
                                    _cell_evidence(table, lang, cid)))
    for it in lang.best_for:
        if it.use_case and it.use_case in needs.use_cases:
            out.append(Contribution("use_case", it.use_case, f"Best for: {it.text}", BEST_FOR_POINTS, _best_for_line(lang)))
    for it in lang.pros:
        if it.use_case and it.use_case in needs.use_cases:
            out.append(Contribution("use_case", it.use_case, f"Pro: {it.text}", PRO_POINTS, _item_evidence(lang, "pro", it)))
        elif it.criterion and it.criterion in pri:
            out.append(Contribution("criterion", it.criterion, f"Pro: {it.text}", PRO_POINTS, _item_evidence(lang, "pro", it)))
    for it in lang.cons:
        if it.constraint and it.constraint in needs.constraints:
            out.append(Contribution("constraint", it.constraint, f"Con: {it.text}", CON_POINTS, _item_evidence(lang, "con", it)))
        elif it.criterion and it.criterion in pri:
            out.append(Contribution("criterion", it.criterion, f"Con: {it.text}", CON_POINTS, _item_evidence(lang, "con", it)))
    for other, it in _named_better(table, needs, lang.name):  # Go's "Less expressive than Python or Rust" speaks for them
        assert it.constraint is not None  # _named_better keeps only cons whose constraint the user stated
        out.append(Contribution("constraint", it.constraint, f"Ahead of {other}: {it.text}", PRO_POINTS,
                                _item_evidence(table.languages[other], "con", it)))
    if lang.name in needs.skills:
        pro = next((it for it in lang.pros if it.skill), None)
        ev = _item_evidence(lang, "pro", pro) if pro else f"You said your team knows {lang.name}."
        out.append(Contribution("skill", lang.name, f"Team knows {lang.name}", SKILL_POINTS, ev))
    return out


def _named_better(table: Table, needs: Needs, name: str) -> list[tuple[str, Item]]:
    """Other languages' cons against a stated constraint that name `name` as better ("Less expressive than Python or
    Rust", a con of Go): (the other language, its con)."""
    if not needs.constraints:
        return []
    return [(o, it) for o, it in derived(table, "named_better", _cons_naming).get(name, ()) if it.constraint in needs.constraints]


def _cons_naming(table: Table) -> dict[str, list[tuple[str, Item]]]:
    """Per language, the other languages' cons with a constraint that name it (read once per table: scoring runs
    many times a turn when the firmness of a pick is sampled)."""
    from .mentions import languages_named

    out: dict[str, list[tuple[str, Item]]] = {}
    for o in table.languages.values():
        for it in o.cons:
            if it.constraint:
                for name in languages_named(it.text, table):
                    if name != o.name:
                        out.setdefault(name, []).append((o.name, it))
    return out


def _winner(totals: dict[str, float], order: list[str]) -> str | None:
    best, best_total = None, None
    for name in order:
        t = round(totals[name], 6)
        if best_total is None or t > best_total:
            best, best_total = name, t
    return best


def _conflicts(lang: Language, needs: Needs) -> list[Item]:
    """The language's cons that go against a constraint the user stated (CPU-bound work for Node.js)."""
    return [it for it in lang.cons if it.constraint and it.constraint in needs.constraints]


def _clean_rival(name: str, totals: dict[str, float], pool: list[str], needs: Needs, table: Table) -> str | None:
    """The best language of `pool` with no con against the stated constraints that scores within CONFLICT_MARGIN
    of `name`, when `name` has such a con; None otherwise."""
    if not _conflicts(table.languages[name], needs):
        return None
    clean = [n for n in pool if n != name and n not in needs.excluded and not _conflicts(table.languages[n], needs)]
    best = _winner(totals, clean) if clean else None
    if best is not None and round(totals[best], 6) >= round(totals[name] - CONFLICT_MARGIN, 6):
        return best
    return None


def _choose(totals: dict[str, float], cands: list[str], needs: Needs, table: Table) -> str | None:
    """The pick: the highest total, unless it has a con against a stated constraint and a language without one is
    comparable (check_recommendation applies the same rule, so it never contradicts the pick)."""
    pick = _winner(totals, cands)
    if pick is None:
        return None
    return _clean_rival(pick, totals, cands, needs, table) or pick


#: A criterion said as a requirement is met by a language rated in the upper half of its scale ("it has to be fast":
#: Go and Rust, not Node.js's Moderate or Python's Low).
MUST_LEVEL = 0.5


def _property_use_cases(table: Table) -> frozenset[str]:
    """Use cases the article lists as a language's property (a pro: "Memory-safe without garbage collection"), as
    opposed to a kind of application it is best for: only a property can be required of a language."""
    return frozenset(it.use_case for lang in table.languages.values() for it in lang.pros if it.use_case)


def meets(lang: Language, need: str, table: Table) -> bool:
    """Whether `lang` meets a need said as a requirement: a criterion in the upper half of its scale, a use case the
    article lists as its pro (when it is a property at all), a constraint without a con against it."""
    if need in table.criteria:
        return need in lang.cells and table.criteria[need].normalise(lang.cells[need]) >= MUST_LEVEL
    if need in table.constraints:
        return not any(it.constraint == need for it in lang.cons)
    if need in derived(table, "property_use_cases", _property_use_cases):
        return any(it.use_case == need for it in lang.pros)
    return True


def unmet(lang: Language, needs: Needs, table: Table) -> list[str]:
    """The requirements of `needs` that `lang` does not meet, as labels ("memory safety")."""
    return [need_label(table, n) for n in sorted(needs.musts) if not meets(lang, n, table)]


def need_label(table: Table, need: str) -> str:
    """A need id in words: a criterion by what it measures ("ease of learning"), a use case or constraint by its label."""
    if need in table.criteria:
        return table.criteria[need].measures
    group = table.use_cases if need in table.use_cases else table.constraints
    return group[need].label.lower() if need in group else need


def _why(score: Score) -> str:
    parts = [c.label for c in sorted(score.breakdown, key=lambda c: -c.points) if c.points > 0][:3]
    return ", ".join(parts) if parts else "no stated need counting against it"


def score(needs: Needs, table: Table, intent: Intent | None = None) -> Ranking:
    """Score every language of the table against the needs; pick one when the question wants a pick."""
    named_by_user = [n for n in needs.mentioned if n in table.languages and n not in needs.excluded]
    order = [*named_by_user, *(n for n in table.languages if n not in named_by_user)]  # a tie goes to a language the user named
    named = [n for n in (intent.candidates if intent is not None else ()) if n not in needs.excluded]
    if needs.empty and len(named) == 1 and needs.outside and intent is not None and intent.wants_pick \
            and intent.kind == "recommend":  # "Java or Node.js?": of the two, the article speaks only for Node.js
        scores = tuple(sorted((Score(n, 0.0, ()) for n in table.languages), key=lambda s: s.language != named[0]))
        return Ranking(scores, named[0], f"Of the languages you named, the article covers only {named[0]} "
                       f"({_join(list(needs.outside))} {'is' if len(needs.outside) == 1 else 'are'} outside it), so it is the "
                       "one it can recommend; tell me what you're building to check it fits.", None, (named[0],))
    offered = [n for n in (intent.candidates if intent is not None else ()) if n not in needs.excluded]
    if needs.empty and len(offered) >= 2 and intent is not None and intent.even:
        return _evenly(table, offered)
    if needs.empty:
        scores = tuple(Score(n, 0.0, ()) for n in table.languages)
        reason = "No needs stated yet, so there is no pick: tell me what you're building, what matters most and what your team knows."
        if intent is not None and not intent.wants_pick:
            reason = _no_pick_reason(intent)
        return Ranking(scores, None, reason)
    scored = []
    for n in order:
        contribs = tuple(_contributions(table.languages[n], needs, table))
        scored.append(Score(n, round(sum(c.points for c in contribs), 2), contribs))
    scores = tuple(sorted(scored, key=lambda s: (-s.total, order.index(s.language))))
    if intent is not None and (not intent.wants_pick or intent.kind in ("out_of_scope", "vague", "greeting")):
        return Ranking(scores, None, _no_pick_reason(intent))
    cands = [n for n in order if n not in needs.excluded]
    if intent is not None and intent.candidates:
        narrowed = [n for n in cands if n in intent.candidates]
        cands = narrowed or cands
    if not cands:
        return Ranking(scores, None, "Every language in the table is ruled out by what you said, so there is no pick.")
    must_note = ""
    if needs.musts:  # a requirement is a line, not a weight: the pick is made among the languages that meet it
        meeting = [n for n in cands if not unmet(table.languages[n], needs, table)]
        said = _join([need_label(table, n) for n in sorted(needs.musts)])
        if meeting and len(meeting) < len(cands):
            cands = meeting
            must_note = (f"Only {meeting[0]} meets your requirement of {said}, so the pick is {meeting[0]}. "
                         if len(meeting) == 1 else f"{_join(meeting)} meet your requirement of {said}. ")
        elif not meeting:
            must_note = f"No language meets every requirement you named ({said}), so the pick weighs them with the rest. "
    totals = {s.language: s.total for s in scored}
    pick = _choose(totals, cands, needs, table)
    assert pick is not None
    top = next(s for s in scores if s.language == pick)
    rest = [s for s in scores if s.language in cands and s.language != pick]
    among = f"Among {_join(cands)}, " if 2 <= len(cands) < len(order) - len(needs.excluded) else ""
    ahead = [s for s in rest if s.total > top.total]
    if ahead:
        other = ahead[0]
        con = _conflicts(table.languages[other.language], needs)[0]
        label = table.constraints[con.constraint].label.lower() if con.constraint in table.constraints else con.constraint
        reason = (f"{among}{pick} ({top.total:.1f} points) fits without a con against your {label}; {other.language} scores "
                  f"{other.total:.1f} but the article lists \"{con.text}\" as its con, so {pick} is the safer pick.")
    elif rest and top.total - rest[0].total <= CLOSE:
        second = rest[0]
        if top.total == second.total:
            first = ("you named it" if pick in named_by_user and second.language not in named_by_user else
                     "you named it first" if pick in named_by_user else "it comes first in the table")
            reason = (f"{among}{pick} and {second.language} tie at {top.total:.1f} points; {pick} goes first because {first}, "
                      f"so it is close and either fits.")
        else:
            reason = (f"{among}{pick} edges out {second.language} ({top.total:.1f} vs {second.total:.1f} points), "
                      f"so it is close and either fits.")
    else:
        reason = f"{among}{pick} scores highest ({top.total:.1f} points) on {_why(top)}."
    flip = _flip(needs, table, cands, pick)
    reason = reason[0].upper() + reason[1:]
    if must_note and len(cands) == 1:
        reason = must_note + f"It scores {top.total:.1f} points on {_why(top)}."
    elif must_note:
        reason = must_note + reason
    return Ranking(scores, pick, reason, flip, tuple(cands))


#: With no need stated, a pick asked among named languages weighs every criterion of the table the same.
EVEN_WEIGHT = 0.25


def _evenly(table: Table, offered: list[str]) -> Ranking:
    """ "rust or go for a p2p program, which one?": two or more languages offered and no need stated. The table's
    criteria weigh the same; the reason says so, and what would change the pick is any need at all."""
    even = Needs(priorities=dict.fromkeys(table.criteria, EVEN_WEIGHT))
    scored = [Score(n, round(sum(c.points for c in _contributions(table.languages[n], even, table)), 2),
                    tuple(_contributions(table.languages[n], even, table))) for n in table.languages]
    order = list(table.languages)
    scores = tuple(sorted(scored, key=lambda s: (s.language not in offered, -s.total, order.index(s.language))))
    pick, second = scores[0], scores[1]
    reason = (f"You named {_join(offered)} but no need that separates them, so each of the table's "
              f"{len(table.criteria)} criteria counts the same: {pick.language} {pick.total:.1f} points, {second.language} "
              f"{second.total:.1f}. Tell me what matters most (speed, concurrency, ease of learning, ecosystem) and I will weigh it.")
    return Ranking(scores, pick.language, reason, None, tuple(offered))


def _no_pick_reason(intent: Intent) -> str:
    return {
        "compare": "The question asks for a comparison, not a pick.",
        "fact": "The question asks for facts, not a pick.",
        "overview": "The question asks for an overview, not a pick.",
        "out_of_scope": "The question is about something the article does not cover, so there is no pick.",
        "vague": "The question asks for a pick but states no needs yet, so there is no pick.",
        "greeting": "Nothing to pick yet: no question was asked.",
        "recommend": "The question does not ask for a pick.",
    }.get(intent.kind, "The question does not ask for a pick.")


def _flip(needs: Needs, table: Table, cands: list[str], pick: str) -> Flip | None:
    """The smallest raise of one criterion's weight (or adding an unstated one) that changes the winner."""
    if len(cands) < 2:
        return None
    base = {n: sum(c.points for c in _contributions(table.languages[n], needs, table)) for n in cands}
    best: tuple[int, int, str, str] | None = None  # (tenths, criterion order, criterion, winner)
    for ci, (cid, crit) in enumerate(table.criteria.items()):
        if cid in needs.dropped:
            continue
        stated = cid in needs.priorities
        for tenths in range(1, 11):
            if best is not None and tenths > best[0]:
                break
            d = tenths / 10
            totals = {}
            for n in cands:
                lang = table.languages[n]
                extra = d * crit.normalise(lang.cells[cid]) * 10 if cid in lang.cells else 0.0
                if not stated:
                    extra += sum(PRO_POINTS for it in lang.pros if it.criterion == cid and not (it.use_case and it.use_case in needs.use_cases))
                    extra += sum(CON_POINTS for it in lang.cons if it.criterion == cid and not (it.constraint and it.constraint in needs.constraints))
                totals[n] = base[n] + extra
            w = _choose(totals, cands, needs, table)
            if w != pick and w is not None:
                if best is None or (tenths, ci) < best[:2]:
                    best = (tenths, ci, cid, w)
                break
    if best is None:
        return None
    tenths, _, cid, winner = best
    crit = table.criteria[cid]
    d = tenths / 10
    if cid in needs.priorities:
        change = f"{winner} would win if {crit.measures} weighed {d:.1f} more (weight {needs.priorities[cid] + d:.1f})"
    else:
        change = f"{winner} would win if {crit.measures} mattered too (weight {d:.1f})"
    return Flip(winner, change, cid, d)


# ============================================================================================ check
