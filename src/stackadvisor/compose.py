"""The offline answer writer: deterministic markdown from the rules layer's results and the passages.

Every sentence that states a fact about a language is built from the table or quotes the article, and
carries a numbered citation [n] that points into the reply's sources. The advisor runs check() on the
result, so a composed answer that contradicted the table would be caught (tests/test_compose.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .knowledge import Criterion, Item, Knowledge, Language, Table
from .retrieve import Passage
from .rules import Check, Intent, Needs, Ranking, Score
from .rules.intent import ABOUT_DATE
from .rules.score import need_label, unmet
from .text import join_names, stem

_AUTHOR_Q = re.compile(r"\bwho\s+(?:wrote|authored|published|made|is\s+behind)\b|\bauthor\b", re.I)  # "who wrote the article?"

ASPECTS = {
    "pros": ("pros", "advantages", "strengths", "benefits", "upsides", "good at"),
    "cons": ("cons", "disadvantages", "drawbacks", "downsides", "weaknesses", "limitations", "bad at"),
    "best_for": ("best for", "good for", "used for", "use cases", "use case", "suited", "ideal for"),
    "frameworks": ("framework", "frameworks"),
}


@dataclass
class Context:
    """Everything a writer (offline or LLM) needs to answer one turn."""

    question: str
    needs: Needs
    intent: Intent
    ranking: Ranking
    passages: list[Passage]
    knowledge: Knowledge
    premise: list[Check] = field(default_factory=list)  # contradicted claims in the user's own question
    history: list[tuple[str, str]] = field(default_factory=list)
    condensed: Any = None  # the LLM path's standalone rewrite of a follow-up (llm.Condensed)
    before: Ranking | None = None  # the conversation's last ranking with a pick, when this turn changed the needs
    acts: tuple[Any, ...] = ()  # the turn's dialogue acts (rules.dialogue.Act)
    state: Any = None  # rules.dialogue.State after this turn
    started: float | None = None  # time.monotonic() when the turn began: an LLM writer's deadline counts from here
    robustness: Any = None  # decision.Robustness of the pick, when there is one

    @property
    def table(self) -> Table:
        return self.knowledge.table


@dataclass
class Composed:
    text: str
    sources: list[Passage]


class Citations:
    """Numbers passages [1], [2], ... in order of first citation; sections not retrieved are added from the corpus."""

    def __init__(self, passages: list[Passage], knowledge: Knowledge) -> None:
        self.passages = list(passages)
        self.knowledge = knowledge
        self.order: list[int] = []  # indexes into self.passages, in citation order

    def _number(self, idx: int) -> str:
        if idx not in self.order:
            self.order.append(idx)
        return f"[{self.order.index(idx) + 1}]"

    def section(self, section_id: str) -> str:
        """Cite the best passage of a section, adding the section itself when retrieval missed it."""
        hits = [i for i, p in enumerate(self.passages) if p.section == section_id and p.kind != "row"]
        if not hits:
            try:
                sec = self.knowledge.section(section_id)
            except KeyError:
                return ""
            self.passages.append(Passage(id=f"{section_id}:0", section=section_id, title=sec.title, text=sec.text, score=0.0,
                                         languages=sec.languages, source="corpus/article.md", kb="builtin", kind="section"))
            hits = [len(self.passages) - 1]
        return self._number(hits[0])

    def row(self, language: str) -> str:
        """Cite the table row of a language (its row chunk if retrieved, else the comparison section)."""
        for i, p in enumerate(self.passages):
            if p.kind == "row" and language in p.languages:
                return self._number(i)
        return self.section("comparison")

    def language(self, lang: Language) -> str:
        return self.section(self.section_id(lang))

    def section_id(self, lang: Language) -> str:
        for s in self.knowledge.sections:
            if s.title == lang.section:
                return s.id
        return "comparison"

    @property
    def sources(self) -> list[Passage]:
        """Cited passages in citation order, then the other retrieved passages."""
        rest = [i for i in range(len(self.passages)) if i not in self.order and self.passages[i].score > 0]
        return [self.passages[i] for i in self.order + rest]


# ------------------------------------------------------------------------------------------ phrasing


def source_label(p: Passage) -> str:
    """"Performance Comparison, Rust row (corpus/article.md)"."""
    row = f", {', '.join(p.languages)} row" if p.kind == "row" else ""
    return f"{p.title}{row} ({p.source})"


def cell_sentence(table: Table, language: str, cid: str) -> str:
    """"Rust's learning curve is Hard" - the table cell as a sentence the claim checker can verify."""
    crit = table.criteria[cid]
    return f"{language}'s {crit.label.lower()} is {table.languages[language].cell_text(cid)}"


def comparison_sentence(table: Table, a: str, b: str, cid: str) -> str:
    """"Go is faster than Python (Very High vs Low)", or the same-level sentence when they tie."""
    crit = table.criteria[cid]
    ra, rb = table.rank(a, cid), table.rank(b, cid)
    la, lb = table.level(a, cid), table.level(b, cid)
    if ra is None or rb is None:
        return ""
    if ra == rb:
        return f"{a} and {b} have the same {crit.label.lower()} rating ({la})"
    hi, lo = (a, b) if ra > rb else (b, a)
    hl, ll = (la, lb) if ra > rb else (lb, la)
    phrase = crit.better[0] if crit.better else f"rated higher on {crit.label.lower()}"
    verb = "has a" if any(phrase.endswith(n) for n in crit.nouns) else "is"
    return f"{hi} {verb} {phrase} than {lo} ({hl} vs {ll})"


def lower_first(text: str) -> str:
    """"Real-time applications" -> "real-time applications", but "REST APIs" and "APIs" stay as they are."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def table_markdown(table: Table, languages: list[str] | None = None) -> str:
    """The comparison table as markdown, for the given languages (default all)."""
    langs = languages or list(table.languages)
    head = "| Language | " + " | ".join(c.label for c in table.criteria.values()) + " |"
    sep = "|---" * (len(table.criteria) + 1) + "|"
    rows = [f"| {n} | " + " | ".join(table.languages[n].cell_text(cid) or "–" for cid in table.criteria) + " |" for n in langs]
    return "\n".join([head, sep, *rows])


def _aspects(question: str) -> list[str]:
    """The parts of a language's profile the question asks for. With a question sentence in it, only what that
    asks counts ("Does anyone consider rewriting it in Rust? There are tons of benefits" wants both sides)."""
    asked = [s for s in re.findall(r"[^.?!\n]*\?", question)]
    q = " ".join(asked or [question]).lower()
    found = [name for name, words in ASPECTS.items() if any(re.search(rf"\b{re.escape(w)}\b", q) for w in words)]
    if re.search(r"\bfor\s*\?", q) and "best_for" not in found:  # "what would you use Go for?"
        found.append("best_for")
    return found


_QUESTION_STOP = frozenset(
    "a an the and or of for in on at to with by via through using than though it its is are be as from into across what which "
    "who how why when where does do did say says said tell me us about article articles language languages there their this "
    "that these those there any some much many more most very really than can could would should will let know mention "
    "mentions mentioned list lists listed name names named".split())


def _content_words(question: str, table: Table) -> frozenset[str]:
    """The words of a question that could name something in an article line ("syntax", "tooling"), without
    question words and the languages' own names."""
    names = {w for lang in table.languages.values() for a in (lang.name, *lang.aliases) for w in re.findall(r"[a-z0-9]+", a.lower())}
    words = re.findall(r"[a-z][a-z0-9\-]+", question.lower().replace("'s", " "))
    return frozenset(stem(w) for w in words if w not in _QUESTION_STOP and w not in names and len(w) > 2)


def _shares_word(text: str, words: frozenset[str]) -> bool:
    return bool(words) and any(stem(w) in words for w in re.findall(r"[a-z][a-z0-9\-]+", text.lower()))


def _items_lines(items: tuple[Item, ...], cite: str) -> list[str]:
    return [f"- {it.text} {cite}" for it in items]


# ------------------------------------------------------------------------------------------ answers


def compose(ctx: Context) -> Composed:
    """Write the answer for this turn, by the kind of question."""
    cites = Citations(ctx.passages, ctx.knowledge)
    kind = ctx.intent.kind
    if kind == "greeting":
        body = _greeting(ctx)
    elif kind == "out_of_scope":
        body = _out_of_scope(ctx, cites)
    elif kind == "vague" or (kind == "recommend" and ctx.needs.empty and not ctx.intent.languages):
        body = _vague(ctx, cites)
    elif kind == "why_not" and ctx.ranking.recommendation:
        body = _why_not(ctx, cites)
    elif kind == "downsides" and ctx.intent.languages:
        body = _downsides(ctx, cites)
    elif ctx.ranking.recommendation:
        body = _recommend(ctx, cites)
    elif kind == "compare" or (kind == "recommend" and len(ctx.intent.candidates) >= 2):
        body = _compare(ctx, cites)  # "django or express?" with nothing that separates them: the two, side by side
    elif kind == "fact":
        body = _fact(ctx, cites)
    else:
        body = _overview(ctx, cites)
    parts = [*_premise(ctx, cites), body]
    if ctx.needs.outside and kind != "out_of_scope":
        parts.append(_outside_note(ctx))
    text = "\n\n".join(p for p in parts if p)
    sources = cites.sources
    cited = [sources[i] for i in range(len(cites.order))]
    if cited:
        text += "\n\n**Sources**\n" + "\n".join(f"[{i}] {source_label(p)}" for i, p in enumerate(cited, start=1))
    return Composed(text, sources)


def _premise(ctx: Context, cites: Citations) -> list[str]:
    """Correct a false premise in the question before answering it."""
    lines = []
    for c in ctx.premise:
        if c.verdict == "contradicted" and c.correction:
            where = cites.row(c.language) if c.kind in ("level", "comparison", "superlative") and c.language else cites.section("comparison")
            lines.append(f"- {c.correction} {where}")
    if not lines:
        return []
    return ["**A correction first:** your question assumes something the article's comparison table does not say.\n" + "\n".join(lines)]


def _greeting(ctx: Context) -> str:
    names = join_names(ctx.table.names)
    return (f"Hello! I help you choose a backend language among {names}, grounded in one comparison article.\n\n"
            "Tell me what you're building and what matters most (speed, concurrency, ease of learning, ecosystem), "
            "or ask a fact, for example *\"What is Rust's learning curve?\"*")


def _coverage(table: Table) -> str:
    crits = ", ".join(c.label.lower() for c in table.criteria.values())
    return f"The article compares {join_names(table.names)} for backend development: {crits}, plus each language's pros, cons and what it is best for."


def _out_of_scope(ctx: Context, cites: Citations) -> str:
    outside = ctx.needs.outside
    what = f"It says nothing about {join_names(list(outside))}, so I won't guess at how {'it compares' if len(outside) == 1 else 'they compare'}." if outside else "Your question is outside what it covers, so I won't guess."
    return (f"I can only answer from the article I know. {_coverage(ctx.table)} {cites.section('intro')}\n\n{what}\n\n"
            f"If you are choosing among {join_names(ctx.table.names)}, tell me what you're building and what matters most, and I'll recommend one.")


def _outside_note(ctx: Context) -> str:
    outside = join_names(list(ctx.needs.outside))
    return f"*Note: the article does not cover {outside}, so {('it is' if len(ctx.needs.outside) == 1 else 'they are')} left out of this answer.*"


def _vague(ctx: Context, cites: Citations) -> str:
    table = ctx.table
    lines = [f"- **{n}**: best for {', '.join(lower_first(it.text) if i else it.text for i, it in enumerate(lang.best_for))} {cites.language(lang)}"
             for n, lang in table.languages.items()]
    return ("To recommend one I need to know a little more: **what are you building, and what matters most: "
            + ", ".join(c.measures for c in table.criteria.values()) + "?** Does your team already know one of these languages?\n\n"
            + "Meanwhile, here is the short version of the article:\n" + "\n".join(lines)
            + f"\n\n{table_markdown(table)}\n\n(Comparison table {cites.section('comparison')})")


def _recommend(ctx: Context, cites: Citations) -> str:
    table, ranking = ctx.table, ctx.ranking
    pick = ranking.recommendation
    assert pick is not None
    lang = table.languages[pick]
    top = ranking.score_of(pick)
    why = _why_lines(ctx, lang, top, cites)
    reasons = [c.label for c in top.breakdown if c.points > 0][:2]
    headline = f"**Recommendation: {pick}**" + (f": {_headline_reason(ctx, top)}" if reasons else ".")
    out = [headline, *_what_changed(ctx), "**Why " + pick + "**\n" + "\n".join(why)]
    cands = ctx.intent.candidates
    ahead = [s.language for s in ranking.scores if cands and s.total > top.total and s.language not in cands and s.language not in ctx.needs.excluded]
    if ahead:  # a pick among the ones asked about ("the runner-up?", "Go or Python?") says what it left aside
        out.insert(1, f"Among {join_names([n for n in table.names if n in cands])}: {join_names(ahead)} "
                      f"{'scores' if len(ahead) == 1 else 'score'} higher on these needs, but {'is' if len(ahead) == 1 else 'are'} not among them.")
    required = _requirement_line(ctx)
    if required:
        out.insert(1, required)
    trade = _tradeoffs(ctx, lang, cites)
    if trade:
        out.append(f"**Trade-offs of {pick}**\n" + "\n".join(trade))
    pool = [s for s in ranking.scores if s.language != pick and s.total > -50]
    if ctx.needs.musts:  # the runner-up meets the requirements too, when another language does
        pool = [s for s in pool if s.language in ranking.candidates] or pool
    if ctx.intent.candidates:  # "Python or Go for ...?": the runner-up is the other candidate
        pool = [s for s in pool if s.language in ctx.intent.candidates] or pool
    if ctx.needs.empty and ranking.candidates == (pick,):  # the only named language the article covers: no rival
        pool = []
    runner = pool[0] if pool else None
    if runner and (any(c.points > 0 for c in runner.breakdown) or ctx.intent.candidates):
        out.append(_runner_up(ctx, runner, top, cites))
    elif runner:
        out.append("**Runner-up:** none; no other language matches anything you described.")
    out += [_own_language(ctx, ranking.score_of(n), top, cites) for n in table.names
            if n in ctx.needs.skills and n != pick and (runner is None or n != runner.language) and n not in ctx.needs.excluded]
    if ranking.flip:
        out.append(f"**What would change the pick:** {ranking.flip.change}.")
    elif runner:
        out.append(f"**What would change the pick:** no single shift of priorities overturns {pick} for these needs; a different use case would.")
    if ctx.robustness is not None and ctx.robustness.fragile:
        from .decision import sentence

        out.append(f"**How firm:** {sentence(ctx.robustness)}")
    out.append(_scorecard(ctx))
    return "\n\n".join(out)


def _requirement_line(ctx: Context) -> str | None:
    """What the user's requirements left in ("it has to be memory safe": only Rust), with the cell or line that
    rules each other language out."""
    table, ranking = ctx.table, ctx.ranking
    if not ctx.needs.musts:
        return None
    said = join_names([need_label(table, n) for n in sorted(ctx.needs.musts)])
    out = [n for n in table.names if n not in ranking.candidates and n not in ctx.needs.excluded
           and unmet(table.languages[n], ctx.needs, table)]
    if not out:
        return None
    meeting = join_names([n for n in table.names if n in ranking.candidates])
    verb = "meets" if len(ranking.candidates) == 1 else "meet"
    return (f"**Your requirement ({said}):** {'only ' if len(ranking.candidates) == 1 else ''}{meeting} {verb} {'it' if len(ctx.needs.musts) == 1 else 'them'} in the "
            f"article; {join_names(out)} {'does' if len(out) == 1 else 'do'} not, whatever {'it scores' if len(out) == 1 else 'they score'} "
            "on the rest.")


def _headline_reason(ctx: Context, top: Score) -> str:
    """Why the pick, in the pick's own terms: only the needs it actually meets (never the user's needs recited
    as its strengths)."""
    table, needs = ctx.table, ctx.needs
    lang = table.languages[top.language]
    bits = []
    met = [table.use_cases[u].label.lower() for u in sorted(needs.use_cases)
           if u in table.use_cases and any(it.use_case == u for it in (*lang.best_for, *lang.pros))]
    if met:
        bits.append(" and ".join(met))
    strong = []
    for cid, _w in sorted(needs.priorities.items(), key=lambda kv: -kv[1]):
        crit = table.criteria.get(cid)
        if crit is not None and cid in lang.cells and crit.rank(lang.cells[cid]) >= len(crit.scale) // 2:
            strong.append(crit.measures)
    if strong:
        bits.append("strong " + " and ".join(strong[:2]))
    if top.language in needs.skills:
        bits.append("a team that already knows it")
    if bits:
        return "the best fit for " + "; ".join(bits) + "."
    if needs.empty:
        return "with no need stated, it comes out ahead when the table's criteria count the same."
    if top.total <= 0:
        return "nothing you described favours any language clearly, so treat this as a weak pick."
    return "the best overall fit for what you described."


def _why_lines(ctx: Context, lang: Language, top: Score, cites: Citations) -> list[str]:
    table, needs = ctx.table, ctx.needs
    lines: list[str] = []
    if needs.empty:  # a pick among named languages with no need stated: each criterion counted the same (score._evenly)
        lines.append(f"- {ctx.ranking.reason} {cites.row(lang.name)}")
        strong = [cell_sentence(table, lang.name, cid) for cid, crit in table.criteria.items()
                  if cid in lang.cells and crit.rank(lang.cells[cid]) >= len(crit.scale) // 2]
        if strong:
            lines.append(f"- Where it is strong: {'; '.join(strong)} {cites.row(lang.name)}")
        lines.extend(f"- Pro named in the article: {it.text} {cites.language(lang)}" for it in lang.pros)
        return lines
    matched = [it for it in lang.best_for if it.use_case in needs.use_cases]
    if matched:
        lines.append(f"- The article names {lang.name} best for " + ", ".join(lower_first(it.text) for it in matched) + f" {cites.language(lang)}")
    if lang.name in needs.skills:
        skill_pro = next((it for it in lang.pros if it.skill), None)
        extra = f"; the article lists as a pro: {skill_pro.text}" if skill_pro else ""
        lines.append(f"- Your team already knows the language{extra} {cites.language(lang)}")
    for cid, _weight in sorted(needs.priorities.items(), key=lambda kv: -kv[1]):
        crit = table.criteria.get(cid)
        if crit is not None and cid in lang.cells and crit.rank(lang.cells[cid]) >= len(crit.scale) // 2:  # a weak cell is a trade-off
            lines.append(f"- You care about {crit.measures}: {cell_sentence(table, lang.name, cid)} {cites.row(lang.name)}")
    for it in lang.pros:
        if (it.use_case and it.use_case in needs.use_cases) or (it.criterion and it.criterion in needs.priorities):
            lines.append(f"- Pro named in the article: {it.text} {cites.language(lang)}")
    named = [f for f in lang.frameworks if re.search(rf"(?<![\w]){re.escape(f.lower())}(?![\w])", ctx.question.lower())]
    if named:  # "deciding on a framework (flask, django, fastapi)": the ones named are the pick's, in the article's list
        whole = len(named) == len(lang.frameworks)
        lines.append(f"- {join_names(named)} {'is' if len(named) == 1 else 'are'} {'the' if whole else 'among the'} frameworks the article "
                     f"names for {lang.name}" + ("" if whole else f": {', '.join(lang.frameworks)}") + f" {cites.language(lang)}")
    for c in top.breakdown:
        if c.label.startswith("Ahead of "):  # another language's con names this one as better (score._named_better)
            other = table.languages[c.label.removeprefix("Ahead of ").split(":", 1)[0]]
            lines.append(f"- A con the article names for {other.name}: {c.label.split(': ', 1)[1]} {cites.language(other)}")
    if len(lines) == 1 and lang.name in needs.skills and not needs.priorities and not needs.use_cases:
        # the pick rests on the team's skill alone: what else the article says it brings ("any other reason for Go?")
        others = [it.text for it in lang.pros if not it.skill]
        if others:
            lines.append(f"- Beyond your team's skill, the pros the article names for {lang.name}: {'; '.join(others)} {cites.language(lang)}")
    if not lines and top.total > 0:
        lines.append(f"- It scores highest on the comparison table for what you described {cites.row(lang.name)}")
    elif not lines and ctx.ranking.candidates == (lang.name,) and ctx.needs.empty:  # "Java or Node.js?"
        lines.append(f"- {ctx.ranking.reason} {cites.row(lang.name)}")
        lines.extend(f"- Pro named in the article: {it.text} {cites.language(lang)}" for it in lang.pros)
    elif not lines:
        lines.append(f"- No need you stated separates the languages (every fit score is {top.total:.1f} or less); tell me what matters most {cites.row(lang.name)}")
        lines.extend(f"- Pro named in the article: {it.text} {cites.language(lang)}" for it in lang.pros)  # what it brings
    return lines


def _tradeoffs(ctx: Context, lang: Language, cites: Citations) -> list[str]:
    table, needs = ctx.table, ctx.needs
    lines = []
    for it in lang.cons:
        flag = " (this matters for what you described)" if (it.constraint in needs.constraints or it.criterion in needs.priorities) else ""
        lines.append(f"- Con named in the article: {it.text}{flag} {cites.language(lang)}")
    for cid, crit in table.criteria.items():
        level = lang.cells.get(cid)
        if level is not None and crit.rank(level) < len(crit.scale) // 2:
            flag = " (you said this matters)" if cid in needs.priorities else ""
            lines.append(f"- {cell_sentence(table, lang.name, cid)}{flag} {cites.row(lang.name)}")
    return lines


def _runner_up(ctx: Context, runner: Score, top: Score, cites: Citations) -> str:
    table = ctx.table
    lang = table.languages[runner.language]
    best = [c for c in runner.breakdown if c.points > 0]
    best.sort(key=lambda c: -c.points)
    strengths = "; ".join(c.label for c in best[:2]) or "no specific match to your needs"
    cons = "; ".join(it.text for it in lang.cons)
    return (f"**Runner-up: {runner.language}** (fit {runner.total:.1f} vs {top.total:.1f}): {strengths} {cites.row(lang.name)}. "
            f"Its cons in the article: {cons or 'none'} {cites.language(lang)}")


def _own_language(ctx: Context, own: Score, top: Score, cites: Citations) -> str:
    """Why the language the team knows is not the pick: where the pick beats it on what the user weighs, its cons."""
    table = ctx.table
    lang = table.languages[own.language]
    behind = [comparison_sentence(table, top.language, own.language, cid) for cid in ctx.needs.priorities
              if cid in table.criteria and (table.rank(top.language, cid) or 0) > (table.rank(own.language, cid) or 0)]
    gap = f": {'; '.join(behind)} {cites.row(top.language)}" if behind else ""
    cons = "; ".join(it.text for it in lang.cons)
    return (f"**Your team's {own.language}** (fit {own.total:.1f} vs {top.total:.1f}) scores lower for this{gap}. "
            f"{own.language}'s cons in the article: {cons or 'none'} {cites.language(lang)}")


def _scorecard(ctx: Context) -> str:
    rows = ["| Language | Fit | Top factors |", "|---|---|---|"]
    for s in ctx.ranking.scores:
        factors = sorted(s.breakdown, key=lambda c: -abs(c.points))[:3]
        text = "; ".join(f"{c.label} ({c.points:+.1f})" for c in factors) or "–"
        rows.append(f"| {s.language} | {s.total:.1f} | {text} |")
    return "**Scorecard** (rules layer, from the comparison table)\n\n" + "\n".join(rows)


def _compare(ctx: Context, cites: Citations) -> str:
    table = ctx.table
    langs = [n for n in ctx.intent.languages if n in table.languages] or list(table.languages)
    crits = [c for c in ctx.intent.criteria if c in table.criteria] or list(table.criteria)
    head = "| | " + " | ".join(langs) + " |"
    sep = "|---" * (len(langs) + 1) + "|"
    rows = [f"| {table.criteria[c].label} | " + " | ".join(table.languages[n].cell_text(c) or "–" for n in langs) + " |" for c in crits]
    rows.append("| Best for | " + " | ".join(", ".join(it.text for it in table.languages[n].best_for) for n in langs) + " |")
    cite_rows = " ".join(dict.fromkeys(cites.row(n) for n in langs))
    lines = []
    for cid in crits:
        for i, a in enumerate(langs):
            for b in langs[i + 1:]:
                s = comparison_sentence(table, a, b, cid)
                if s:
                    lines.append(f"- {s} {cites.row(a)}")
    out = [f"**{' vs '.join(langs)}**, side by side {cite_rows}", "\n".join([head, sep, *rows]), "\n".join(lines)]
    for n in langs:
        lang = table.languages[n]
        out.append(f"**{n}** {cites.language(lang)}: pros: " + "; ".join(it.text for it in lang.pros) + ". Cons: " + "; ".join(it.text for it in lang.cons) + ".")
    out.append("Tell me what you're building and what matters most, and I'll recommend one of them.")
    return "\n\n".join(out)


def _criterion_ranking(table: Table, cid: str, cites: Citations) -> str:
    crit: Criterion = table.criteria[cid]
    langs = [n for n in table.languages if cid in table.languages[n].cells]
    langs.sort(key=lambda n: -(table.rank(n, cid) or 0))
    if not langs:
        return ""
    top_rank = table.rank(langs[0], cid)
    leaders = [n for n in langs if table.rank(n, cid) == top_rank]
    order = ", ".join(f"{n} ({table.languages[n].cell_text(cid)})" for n in langs)
    lead = f"{join_names(leaders)} {'ranks' if len(leaders) == 1 else 'rank'} first on {crit.measures}."
    row_cites = " ".join(dict.fromkeys(cites.row(n) for n in langs))
    return f"**{crit.label}**, best to worst: {order} {row_cites}\n\n{lead}"


def _fact(ctx: Context, cites: Citations) -> str:
    table = ctx.table
    langs = [n for n in ctx.intent.languages if n in table.languages]
    crits = [c for c in ctx.intent.criteria if c in table.criteria]
    aspects = _aspects(ctx.question)
    asked = _content_words(ctx.question, table)
    out: list[str] = []
    if aspects and langs:  # "Which frameworks does the article name for Python?" is about the article's lists
        crits = []
    topics = [*sorted(ctx.needs.use_cases), *sorted(ctx.needs.constraints)]
    if topics and not langs and not crits:  # "which language is listed for real-time apps?": the article's own lists
        out = [_listed_for(table, t, cites) for t in topics]
    elif crits and not langs:
        out = [_criterion_ranking(table, cid, cites) for cid in crits]
    elif crits:
        for n in langs:
            lang = table.languages[n]
            for cid in crits:
                out.append(f"{cell_sentence(table, n, cid)} in the article's comparison table {cites.row(n)}.")
                related = [it for it in lang.pros + lang.cons
                           if it.criterion == cid or _bears_on(table, it) == cid or it.constraint in ctx.needs.constraints or it.use_case in ctx.needs.use_cases
                           or _shares_word(it.text, asked)]
                for it in related:
                    kind = "pro" if it in lang.pros else "con"
                    out.append(f"The article also lists this {kind} of {n}: {it.text} {cites.language(lang)}")
    else:
        targets = langs or list(table.languages)
        for n in targets:
            out.append(_profile(table, table.languages[n], cites, aspects))
    if ABOUT_DATE.search(ctx.question):  # "when was the article written?": its date line, then anything else asked
        dated = ctx.knowledge.date
        intro = ctx.knowledge.sections[0].id if ctx.knowledge.sections else "intro"
        when = (f"The article is dated **{dated}** {cites.section(intro)}; what it says about the four languages is as of "
                "then, so newer changes (a language's recent releases) are not in it." if dated else
                "The article carries no date, so I can't say when it was written.")
        if _AUTHOR_Q.search(ctx.question):  # "who wrote the article?": the article names no author
            when = "The article does not name its author. " + when
        return "\n\n".join([when, *out]) if (langs or crits) else when
    if not out:
        return _overview(ctx, cites)
    if ctx.intent.frameworks and langs:  # "hapi vs express": the language is settled, the choice is a framework
        named = join_names(list(ctx.intent.frameworks))
        out.insert(0, f"{named[:1].upper()}{named[1:]} are {'both' if len(ctx.intent.frameworks) == 2 else 'all'} {langs[0]} frameworks: the article compares backend "
                      f"languages, not frameworks within one, so it cannot choose between them. What it says about {langs[0]}:")
    return "\n\n".join(out)


def _bears_on(table: Table, it: Item) -> str | None:
    """The criterion an item's use case or constraint bears on ("Limited multithreading (due to GIL)": concurrency)."""
    topic = table.constraints.get(it.constraint or "") or table.use_cases.get(it.use_case or "")
    return topic.criterion if topic else None


def _listed_for(table: Table, topic: str, cites: Citations) -> str:
    """Which languages the article names for a use case or constraint: best-for lines, pros and cons."""
    label = (table.use_cases.get(topic) or table.constraints.get(topic))
    name = label.label if label else topic
    lines = []
    for n, lang in table.languages.items():
        for kind, items in (("best for", lang.best_for), ("pro", lang.pros), ("con", lang.cons)):
            for it in items:
                if it.use_case == topic or it.constraint == topic:
                    lines.append(f"- **{n}** ({kind}): {it.text} {cites.language(lang)}")
    if not lines:
        return f"The article names no language for {name.lower()}."
    return f"**{name}** in the article:\n" + "\n".join(lines)


def _profile(table: Table, lang: Language, cites: Citations, aspects: list[str]) -> str:
    show = aspects or ["best_for", "pros", "cons", "frameworks", "cells"]
    c = cites.language(lang)
    parts = [f"**{lang.name}** ({lang.section})"]
    if "best_for" in show:
        parts.append(f"Best for: {', '.join(it.text for it in lang.best_for)} {c}")
    if "pros" in show:
        parts.append("Pros:\n" + "\n".join(_items_lines(lang.pros, c)))
    if "cons" in show:
        parts.append("Cons:\n" + "\n".join(_items_lines(lang.cons, c)))
    if "frameworks" in show:
        if lang.frameworks:
            parts.append(f"Frameworks the article names for {lang.name}: {', '.join(lang.frameworks)} {c}")
        else:
            parts.append(f"The article names no frameworks for {lang.name}.")
    if "cells" in show:
        cells = "; ".join(cell_sentence(table, lang.name, cid) for cid in table.criteria if cid in lang.cells)
        parts.append(f"In the comparison table: {cells} {cites.row(lang.name)}")
    return "\n\n".join(parts)


def _overview(ctx: Context, cites: Citations) -> str:
    table = ctx.table
    lines = [f"{_coverage(table)} {cites.section('intro')}"]
    for n, lang in table.languages.items():
        lines.append(f"- **{n}**: best for {', '.join(it.text for it in lang.best_for)}; watch out: {lang.cons[0].text if lang.cons else 'no cons listed'} {cites.language(lang)}")
    lines.append(f"\n{table_markdown(table)}\n\n(Comparison table {cites.section('comparison')})")
    lines.append("Tell me what you're building and what matters most, and I'll recommend one.")
    return "\n".join(lines)


def _act_phrase(ctx: Context, act: Any) -> str | None:
    """One dialogue act in words, for "what changed" ("speed weight 0.6 -> 1.0", "ruled out Node.js")."""
    table, before = ctx.table, (ctx.before.scores if ctx.before else ())
    label = need_label(table, act.target) if act.target else act.target
    return {
        "set_priority": f"{label} weight {act.weight:.1f}" if act.weight is not None else None,
        "drop": f"{label} no longer counts",
        "add_use_case": f"added {label}",
        "add_constraint": f"added {label}",
        "require": f"{label} is a requirement",
        "knows": f"your team knows {act.target}",
        "exclude": f"ruled out {act.target}",
        "include": f"{act.target} is back in",
    }.get(act.kind) if before is not None else None


def _what_changed(ctx: Context) -> list[str]:
    """After a follow-up that changed the needs: the pick before and after, and which need moved it."""
    if ctx.before is None or not ctx.before.recommendation:
        return []
    moved = [p for p in (_act_phrase(ctx, a) for a in ctx.acts) if p]
    if not moved:
        return []
    was, now = ctx.before.recommendation, ctx.ranking.recommendation
    verdict = f"{was} -> {now}" if was != now else f"still {now}"
    old = {s.language: s.total for s in ctx.before.scores}
    new, was_score = (ctx.ranking.score_of(now).total, old.get(now, 0.0)) if now else (0.0, 0.0)
    return [f"**What changed:** {verdict} ({'; '.join(moved)}). {now} now scores {new:.1f} (was {was_score:.1f})."]


def _why_not(ctx: Context, cites: Citations) -> str:
    """"Why not Go?" after a pick: the rival against the pick, need by need, from the table and the article."""
    table, ranking = ctx.table, ctx.ranking
    pick = ranking.recommendation
    rival = ctx.intent.languages[0]
    assert pick is not None
    if rival == pick or rival not in table.languages:
        return _recommend(ctx, cites)
    r, p = ranking.score_of(rival), ranking.score_of(pick)
    rlang = table.languages[rival]
    if round(p.total, 1) > round(r.total, 1):
        head = f"**Why not {rival}?** For what you described, {pick} fits better: {p.total:.1f} points against {rival}'s {r.total:.1f}."
    else:  # a tie: say so rather than call one better
        head = (f"**Why not {rival}?** For what you described, {rival} ties with {pick} ({r.total:.1f} points each): either "
                f"fits; here is where each is ahead.")
    if rival in ctx.needs.excluded:
        head = f"**Why not {rival}?** You ruled {rival} out earlier; say so if it is back in and I will rank it again."
    lines = []
    theirs = {(c.kind, c.key): c for c in r.breakdown}
    for c in sorted(p.breakdown, key=lambda c: -c.points):
        other = theirs.get((c.kind, c.key))
        gap = c.points - (other.points if other else 0.0)
        if gap > 0:
            lines.append(f"- {pick}: {c.label} ({c.points:+.1f}); {rival}: {other.label + f' ({other.points:+.1f})' if other else 'no match'}")
    for c in r.breakdown:
        if c.points < 0 and c.kind != "excluded":
            lines.append(f"- Against {rival}: {c.label} ({c.points:+.1f}) {cites.language(rlang)}")
    for cid in ctx.needs.priorities:
        if cid in table.criteria:
            lines.append(f"- {cell_sentence(table, rival, cid)} {cites.row(rival)}; {cell_sentence(table, pick, cid)} {cites.row(pick)}")
    ahead = [table.criteria[cid].measures for cid in table.criteria
             if cid in rlang.cells and cid in table.languages[pick].cells
             and table.criteria[cid].rank(rlang.cells[cid]) > table.criteria[cid].rank(table.languages[pick].cells[cid])]
    out = [head]
    if lines:
        out.append(f"**Where {pick} wins**\n" + "\n".join(dict.fromkeys(lines)))
    cons = _tradeoffs(ctx, rlang, cites)
    if cons:
        out.append(f"**{rival}'s weak points in the article**\n" + "\n".join(cons))
    if ahead:
        out.append(f"**Where {rival} is ahead:** {', '.join(ahead)} {cites.row(rival)}. "
                   + (f"{ranking.flip.change[0].upper() + ranking.flip.change[1:]}." if ranking.flip and ranking.flip.language == rival
                      else f"If {join_names(ahead)} mattered more to you, ask again and I will re-rank."))
    return "\n\n".join(out)


def _downsides(ctx: Context, cites: Citations) -> str:
    """"What are its downsides?": the language's cons and weak table cells, marking the ones that hit your needs."""
    table = ctx.table
    name = ctx.intent.languages[0]
    lang = table.languages[name]
    lines = _tradeoffs(ctx, lang, cites) or [f"- The article lists no cons for {name} {cites.language(lang)}"]
    out = [f"**Downsides of {name}** (from the article)\n" + "\n".join(lines)]
    if ctx.ranking.recommendation == name or (ctx.before and ctx.before.recommendation == name):
        out.append("These are the trade-offs of the pick; ask *why not* another language to see it side by side.")
    return "\n\n".join(out)
