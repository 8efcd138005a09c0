"""A decision record the team can keep: an Architecture Decision Record in the MADR layout, from a conversation.

    Chat (or a list of user turns) ──▶ needs, ranking, robustness ──▶ DecisionRecord(.markdown, .html, .checks)

The layout follows MADR 4 (Markdown Any/Architectural Decision Records): YAML front matter (status, date,
decision-makers), then "Context and Problem Statement", "Decision Drivers", "Considered Options",
"Decision Outcome" with "Consequences" (Good, because ... / Bad, because ...) and "Confirmation", "Pros and
Cons of the Options" and "More Information". Two sections are this tool's own, inside the outcome: how firm the
pick is (decision.robustness: the share of plausible weightings it wins, the weight bounds per criterion) and,
for a fragile pick, the trade-off question that would settle it.

Every sentence about a language is built from the comparison table or quotes the article, names its language
and carries a numbered citation [n] to the article; the record is run through the claim checker (rules.check)
before it is returned, and `record.contradicted` must be empty (tests/test_adr.py holds five conversations to
that). The user's own words are quoted as they were said, in block quotes the checker reads separately: a false
premise there is answered in the record with the table's correction instead of being repeated as fact.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compose import Citations, cell_sentence, lower_first, table_markdown
from .decision import Robustness, robustness
from .errors import InputError
from .knowledge import Knowledge, Language, Table
from .rules import Check, Intent, Needs, Ranking, check, extract_needs, score


@dataclass
class DecisionRecord:
    """An ADR: markdown, HTML, and the checks its claims passed."""

    title: str
    markdown: str
    pick: str
    needs: Needs
    ranking: Ranking
    robustness: Robustness | None
    checks: list[Check] = field(default_factory=list)  # the record's own text
    quote_checks: list[Check] = field(default_factory=list)  # the user's quoted words (answered, not asserted)
    date: str = ""
    _html: str | None = None

    @property
    def contradicted(self) -> list[Check]:
        return [c for c in self.checks if c.verdict == "contradicted"]

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = render_html(self)
        return self._html

    def __str__(self) -> str:
        return self.markdown

    def write(self, path: str | Path, html: bool | None = None) -> Path:
        """Write the markdown (or the HTML, for html=True or a .html/.htm path) to `path`."""
        p = Path(path)
        as_html = html if html is not None else p.suffix.lower() in (".html", ".htm")
        p.write_text(self.html if as_html else self.markdown, encoding="utf-8")
        return p


# ------------------------------------------------------------------------------------------ reading the conversation


def read_conversation(path: str | Path) -> list[str]:
    """The user turns of a conversation file: a JSON or YAML list (of strings, of {"role", "content"} messages,
    or of [user, assistant] pairs), or a text file with one turn per line (blank lines and # comments skipped)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8") if str(path) != "-" else __import__("sys").stdin.read()
    except OSError as exc:
        raise InputError(f"Cannot read the conversation file {path}: {exc.strerror or exc}.") from None
    return parse_conversation(text, p.suffix.lower())


def parse_conversation(text: str, suffix: str = "") -> list[str]:
    data: Any = None
    stripped = text.lstrip()
    if suffix in (".json", ".yaml", ".yml") or stripped.startswith(("[", "{", "- ")):
        import yaml  # JSON is YAML too

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            if suffix in (".json", ".yaml", ".yml"):
                raise InputError(f"The conversation file is not valid {'JSON' if suffix == '.json' else 'YAML'}: {str(exc).splitlines()[0]}") from None
            data = None
    if data is None:
        lines = [ln.strip() for ln in text.splitlines()]
        return [t for t in lines if t and not t.startswith("#")]
    if isinstance(data, dict):
        data = data.get("messages") or data.get("turns") or data.get("conversation")
    if not isinstance(data, list):
        raise InputError('A conversation file holds a list of user turns: ["We are building ...", "Speed matters most"], '
                         'or messages [{"role": "user", "content": "..."}], or one turn per line of text.')
    turns: list[str] = []
    for item in data:
        if isinstance(item, str):
            turns.append(item)
        elif isinstance(item, dict) and item.get("role", "user") == "user" and isinstance(item.get("content"), str):
            turns.append(item["content"])
        elif isinstance(item, (list, tuple)) and item and isinstance(item[0], str):
            turns.append(item[0])  # [user, assistant] pairs
    turns = [t.strip() for t in turns if t and t.strip()]
    if not turns:
        raise InputError("The conversation file has no user turns.")
    return turns


# ------------------------------------------------------------------------------------------ the record


def decision_record(conversation: Any, *, advisor: Any = None, date: str | None = None, title: str | None = None,
                    status: str = "proposed", decision_makers: str = "") -> DecisionRecord:
    """The ADR for a conversation: a Chat (advisor.chat() after its turns), or user turns (a list of strings, run
    through `advisor`'s chat, default AdvisorCore()). date: YYYY-MM-DD (default today)."""
    chat = _as_chat(conversation, advisor)
    knowledge: Knowledge = chat.advisor.knowledge
    table = knowledge.table
    turns = [r.question for r in chat.replies if r.question]
    if not turns:
        raise InputError("The conversation is empty: ask the advisor something first (what you're building, what matters most).")
    needs = chat.needs or Needs()
    if needs.empty:
        raise InputError("The conversation states no needs yet, so there is no decision to record: say what you're building, "
                         "what matters most (speed, concurrency, ease of learning, ecosystem) and what your team knows.")
    last = next((r for r in reversed(chat.replies) if r.recommendation), None)
    intent = Intent("recommend", wants_pick=True, candidates=last.intent.candidates if last is not None else ())
    ranking = score(needs, table, intent)
    if ranking.recommendation is None:
        raise InputError(f"No pick to record: {ranking.reason}")
    rob = robustness(needs, table, ranking)
    date = date or _dt.date.today().isoformat()
    checker = getattr(chat.advisor, "check", None) or (lambda text: check(text, table))
    return _build(knowledge, turns, needs, ranking, rob, date=date, title=title, status=status, decision_makers=decision_makers,
                  checker=checker)


def _as_chat(conversation: Any, advisor: Any) -> Any:
    if hasattr(conversation, "replies") and hasattr(conversation, "advisor"):
        return conversation
    if isinstance(conversation, (str, Path)):
        raise InputError("Pass the user turns as a list (read_conversation(path) reads a file).")
    turns = list(conversation or [])
    if advisor is None:
        from .advisor import AdvisorCore

        advisor = AdvisorCore()
    chat = advisor.chat()
    for t in turns:
        chat.ask(str(t))
    return chat


class _Doc:
    """The record as blocks: the record's own text (checked as claims) and the user's quoted words (checked apart).

    A conditional block ("If the weight of speed rises above 0.73, the pick becomes Go.") carries a fallback that
    names no language: the claim checker reads such a sentence as a claim about the language, and where it
    judges one contradicted, the record says the same thing without it (`settle`)."""

    def __init__(self) -> None:
        self.blocks: list[list[Any]] = []  # [text, quoted, fallback, tight]

    def add(self, text: str, quoted: bool = False, fallback: str | None = None, tight: bool = False) -> None:
        self.blocks.append([text, quoted, fallback, tight])

    def _join(self, blocks: list[list[Any]]) -> str:
        out = ""
        for i, (text, _q, _f, tight) in enumerate(blocks):
            out += ("" if i == 0 else "\n" if tight and blocks[i - 1][3] else "\n\n") + text
        return out

    def own(self) -> str:
        return self._join([b for b in self.blocks if not b[1]])

    def markdown(self) -> str:
        return self._join(self.blocks) + "\n"

    def settle(self, checker: Any) -> None:
        for b in self.blocks:
            if b[2] is not None and any(c.verdict == "contradicted" and not c.question for c in checker(b[0])):
                b[0], b[2] = b[2], None


def _build(knowledge: Knowledge, turns: list[str], needs: Needs, ranking: Ranking, rob: Robustness | None, *, date: str,
           title: str | None, status: str, decision_makers: str, checker: Any = None) -> DecisionRecord:
    table = knowledge.table
    checker = checker or (lambda text: check(text, table))
    pick = ranking.recommendation
    assert pick is not None
    cites = Citations([], knowledge)
    lang = table.languages[pick]
    title = title or f"Use {pick} for the backend"
    doc = _Doc()
    doc.add("---\n" + "\n".join([
        f"status: {_yaml_scalar(status)}",
        f"date: {date}",
        f"decision-makers: {_yaml_scalar(decision_makers or 'the team')}",
        "consulted: stackadvisor (offline rules over the article's comparison table)",
        "informed: ",
    ]) + "\n---")
    doc.add(f"# {_md_text(title)}")

    # -- context
    doc.add("## Context and Problem Statement")
    doc.add(f"Which backend language should we build on: {_join(list(table.languages))}? The comparison article "
            f"\"{knowledge.title}\" is the source for every option below {cites.section('intro')}. What we said when deciding:")
    quotes, quote_checks = _quotes(turns, table, checker)
    for q in quotes:
        doc.add(q, quoted=True)
    corrections = [c for c in quote_checks if c.verdict == "contradicted" and c.correction]
    if corrections:
        doc.add("Where those words disagree with the article's table, the table says: " + "; ".join(
            f"{c.correction} {cites.row(c.language) if c.language else cites.section('comparison')}" for c in corrections) + ".")

    # -- drivers
    doc.add("## Decision Drivers")
    doc.add("\n".join(f"* {d}" for d in _drivers(needs, table, turns)))

    # -- options
    doc.add("## Considered Options")
    order = {s.language: i for i, s in enumerate(ranking.scores, start=1)}
    opts = []
    for n in table.languages:
        s = ranking.score_of(n)
        note = " (ruled out by us)" if n in needs.excluded else (" (not among the languages we asked about)" if ranking.candidates and n not in ranking.candidates else "")
        opts.append(f"* {n}: fit score {s.total:.1f}, ranked {order[n]} of {len(table.languages)}{note}")
    doc.add("\n".join(opts))
    doc.add(f"The fit score adds up the table cells of what we weighed (weight x the cell's place on its scale x 10) and the "
            f"article's lines that touch our needs (best for: +3, a pro: +1.5, a con: -4, a language the team knows: +2.5). "
            f"The table behind it {cites.section('comparison')}:")
    doc.add(table_markdown(table))

    # -- outcome
    doc.add("## Decision Outcome")
    doc.add(f"Chosen option: \"{pick}\", because {_reason(ranking, table)} {cites.row(pick)}")
    doc.add("### Consequences")
    doc.add("\n".join(_consequences(table, lang, needs, ranking, cites)))
    doc.add("### How firm the decision is")
    for text, fallback in _firmness(rob, ranking, table):
        doc.add(text, fallback=fallback)
    if rob is not None and rob.tornado:
        doc.add(_tornado_table(rob, table))
    doc.add("### Confirmation")
    doc.add("Revisit this record when one of these becomes true:")
    for text, fallback in _revisit(rob, ranking, table):
        doc.add(text, fallback=fallback, tight=True)

    # -- pros and cons of every option
    doc.add("## Pros and Cons of the Options")
    for n, other in table.languages.items():
        s = ranking.score_of(n)
        doc.add(f"### {n}")
        doc.add(f"Fit score {s.total:.1f}. In the comparison table: " + "; ".join(
            cell_sentence(table, n, cid) for cid in table.criteria if cid in other.cells) + f" {cites.row(n)}")
        doc.add("\n".join(_option_lines(table, other, needs, s, cites)))

    # -- more information
    doc.add("## More Information")
    more = []
    if rob is not None:
        more.append(f"* How firmness is measured: {rob.method}.")
    more.append(f"* Re-create this record: `stackadvisor adr conversation.txt` with the {len(turns)} turn{'s' if len(turns) != 1 else ''} quoted above, one per line.")
    more.append(f"* Table version {table.digest()}; scores from stackadvisor's rules layer, claims checked against the table.")
    doc.add("\n".join(more))
    doc.add("Sources:\n\n" + "\n".join(f"* [{i}] {p.source or table.source}, {_where(p, knowledge)}"
                                        for i, p in enumerate(cites.sources[:len(cites.order)], start=1)))
    doc.settle(checker)
    own_checks = checker(doc.own())
    own_checks = [c for c in own_checks if not c.question]
    return DecisionRecord(title, doc.markdown(), pick, needs, ranking, rob, own_checks, quote_checks, date)


def _yaml_scalar(s: str) -> str:
    s = " ".join(str(s).split())
    return s if re.fullmatch(r"[\w .,()'/-]*", s) else '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _md_text(s: str) -> str:
    """Plain text safe inside markdown: nothing renders as a link, an image, HTML or emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(s).split()))


def _where(p: Any, knowledge: Knowledge) -> str:
    """Where a cited passage sits: "the Go section (heading 3)", or "section \"Performance Comparison\"". A language
    section is named by its language, not its heading, whose slogan ("Simplicity Meets Performance") is no claim."""
    sec = next((s for s in knowledge.sections if s.title == p.title), None)
    if sec is not None and len(sec.languages) == 1:
        num = re.match(r"(\d+)\.", sec.title)
        return f"the {sec.languages[0]} section" + (f" (heading {num.group(1)})" if num else "")
    return f"section \"{p.title}\""


def _quotes(turns: list[str], table: Table, checker: Any) -> tuple[list[str], list[Check]]:
    out, checks = [], []
    prev: Needs | None = None
    for i, t in enumerate(turns, start=1):
        now = extract_needs(t, table, prev)
        read = _new_needs(prev or Needs(), now, table)
        prev = now
        text = " ".join(t.split())
        if len(text) > 600:
            text = text[:600].rsplit(" ", 1)[0] + " ..."
        checks += [c for c in checker(text) if not c.question]
        line = f"> Turn {i}: \"{_md_text(text)}\""
        if read:
            line += f"\n>\n> Read as: {_md_text('; '.join(read))}."
        out.append(line)
    return out, checks


def _new_needs(before: Needs, after: Needs, table: Table) -> list[str]:
    bits = []
    for cid, w in after.priorities.items():
        if before.priorities.get(cid) != w and cid in table.criteria:
            bits.append(f"{table.criteria[cid].measures} matters (weight {w:.1f})")
    bits += [f"use case: {table.use_cases[u].label}" for u in sorted(after.use_cases - before.use_cases) if u in table.use_cases]
    bits += [f"constraint: {table.constraints[c].label}" for c in sorted(after.constraints - before.constraints) if c in table.constraints]
    bits += [f"the team knows {n}" for n in sorted(after.skills - before.skills)]
    bits += [f"{n} ruled out" for n in sorted(after.excluded - before.excluded)]
    bits += [f"no longer a need: {d}" for d in sorted(after.dropped - before.dropped)]
    return bits


def _first_turn(turns: list[str], table: Table, test) -> int | None:
    prev: Needs | None = None
    for i, t in enumerate(turns, start=1):
        prev = extract_needs(t, table, prev)
        if test(prev):
            return i
    return None


def _drivers(needs: Needs, table: Table, turns: list[str]) -> list[str]:
    def said(test) -> str:
        i = _first_turn(turns, table, test)
        return f" (turn {i})" if i else ""

    out = []
    for cid, w in sorted(needs.priorities.items(), key=lambda kv: -kv[1]):
        if cid in table.criteria:
            out.append(f"{table.criteria[cid].measures[:1].upper() + table.criteria[cid].measures[1:]} matters, weight {w:.1f} of 1{said(lambda n, c=cid: c in n.priorities)}")
    for u in sorted(needs.use_cases):
        if u in table.use_cases:
            out.append(f"Use case: {table.use_cases[u].label}{said(lambda n, u=u: u in n.use_cases)}")
    for c in sorted(needs.constraints):
        if c in table.constraints:
            out.append(f"Constraint: {table.constraints[c].label}{said(lambda n, c=c: c in n.constraints)}")
    for n in sorted(needs.skills):
        out.append(f"The team already knows {n}{said(lambda x, n=n: n in x.skills)}")
    for n in sorted(needs.excluded):
        out.append(f"Ruled out: {n}{said(lambda x, n=n: n in x.excluded)}")
    return out or ["None stated"]


def _reason(ranking: Ranking, table: Table) -> str:
    """score's reason for the pick, as the rest of a "because ..." sentence."""
    reason = ranking.reason.rstrip(".") + "."
    first = reason.split(" ", 1)[0]
    return reason if first in table.languages or first.isupper() else reason[:1].lower() + reason[1:]


def _contribution_line(table: Table, lang: Language, c: Any, cites: Citations) -> str | None:
    """A breakdown line as a sentence the checker can verify, naming its language."""
    pts = f"({c.points:+.1f})"
    n = lang.name
    if c.kind == "criterion" and c.label.startswith(("Pro: ", "Con: ")):
        kind = "pro" if c.label.startswith("Pro") else "con"
        return f"the article lists as a {kind} of {n}: {c.label[5:]} {pts} {cites.language(lang)}"
    if c.kind == "criterion" and c.key in table.criteria and c.key in lang.cells:
        return f"{cell_sentence(table, n, c.key)} {pts} {cites.row(n)}"
    if c.kind == "use_case" and c.label.startswith("Best for: "):
        return f"the article names {n} best for {lower_first(c.label[10:])} {pts} {cites.language(lang)}"
    if c.kind == "use_case" and c.label.startswith("Pro: "):
        return f"the article lists as a pro of {n}: {c.label[5:]} {pts} {cites.language(lang)}"
    if c.kind == "constraint" and c.label.startswith("Con: "):
        return f"the article lists as a con of {n}: {c.label[5:]} {pts} {cites.language(lang)}"
    if c.kind == "skill":
        pro = next((it for it in lang.pros if it.skill), None)
        extra = f"; the article lists as a pro of {n}: {pro.text}" if pro else ""
        return f"the team already knows {n} {pts}{extra} {cites.language(lang)}"
    if c.kind == "excluded":
        return f"we ruled out {n} {pts}"
    return None


def _verdict(table: Table, lang: Language, c: Any) -> str:
    """Good / Neutral / Bad for a breakdown line: a table cell by its place on the scale (Hard is bad for someone
    who weighs ease of learning, though it adds 0 points), anything else by the sign of its points."""
    if c.kind == "criterion" and c.key in table.criteria and c.key in lang.cells and not c.label.startswith(("Pro: ", "Con: ")):
        x = table.criteria[c.key].normalise(lang.cells[c.key])
        return "Good" if x >= 0.5 else "Neutral" if x > 0 else "Bad"
    return "Good" if c.points > 0 else "Bad" if c.points < 0 else "Neutral"


def _consequences(table: Table, lang: Language, needs: Needs, ranking: Ranking, cites: Citations) -> list[str]:
    top = ranking.score_of(lang.name)
    lines = []
    for c in sorted(top.breakdown, key=lambda c: -c.points):
        if c.points >= 0:
            s = _contribution_line(table, lang, c, cites)
            if s:
                lines.append(f"* {_verdict(table, lang, c)}, because {s}")
    for it in lang.cons:
        hit = (it.constraint and it.constraint in needs.constraints) or (it.criterion and it.criterion in needs.priorities)
        flag = " (this touches what we described)" if hit else ""
        lines.append(f"* Bad, because the article lists as a con of {lang.name}: {it.text}{flag} {cites.language(lang)}")
    for cid, crit in table.criteria.items():
        level = lang.cells.get(cid)
        if level is not None and cid not in needs.priorities and crit.rank(level) < len(crit.scale) // 2:
            lines.append(f"* Bad, because {cell_sentence(table, lang.name, cid)} {cites.row(lang.name)}")
    return lines


def _firmness(rob: Robustness | None, ranking: Ranking, table: Table) -> list[tuple[str, str | None]]:
    """The firmness paragraphs, each with a fallback (see _Doc.add) for the conditional ones."""
    if rob is None:
        return [("Only one language was in the running, so there is nothing to weigh it against.", None)]
    out: list[tuple[str, str | None]] = [(
        f"The pick is {rob.level}: {rob.summary} A plausible weighting is one of {rob.samples} random variations of the weights "
        f"we gave, centred on them; the share is how often each language comes out on top.", None)]
    if rob.fragile and rob.questions:
        for lead, q in zip(("To settle it, answer this:", "And if that does not settle it:"), rob.questions):
            a, b = q.options
            out.append((f"{lead} {q.question} Answer {_crit_words(table, a['criterion'])} and the pick is {a['pick']}; "
                        f"answer {_crit_words(table, b['criterion'])} and it is {b['pick']}.",
                        f"{lead} {q.question} The two answers lead to different picks."))
    return out


def _crit_words(table: Table, cid: str) -> str:
    return table.criteria[cid].measures


def _tornado_table(rob: Robustness, table: Table) -> str:
    rows = ["| Criterion | Our weight | The pick holds for weights | Beyond that |", "|---|---|---|---|"]
    for s in rob.tornado:
        w = f"{s.weight:.2f}" if s.stated else "not stated"
        if s.flips_when_stated:
            holds, beyond = "none: naming it changes the pick", f"{s.above}"
        else:
            holds = f"{s.low:.2f} to {s.high:.2f}"
            beyond = ", ".join(x for x in [f"under {s.low:.2f}: {s.below}" if s.below else "", f"over {s.high:.2f}: {s.above}" if s.above else ""] if x) or "the pick holds across 0 to 1"
        rows.append(f"| {s.label} | {w} | {holds} | {beyond} |")
    return "Weight bounds per criterion (the others held where we put them; weights run from 0 to 1):\n\n" + "\n".join(rows)


def _revisit(rob: Robustness | None, ranking: Ranking, table: Table) -> list[tuple[str, str | None]]:
    """When to revisit the record: the tornado's bounds as triggers, each with a fallback (see _Doc.add)."""
    out: list[tuple[str, str | None]] = []
    if rob is not None:
        for s in rob.tornado:
            m = table.criteria[s.criterion].measures
            said = f" (we said {s.weight:.1f})" if s.stated else ""
            if s.flips_when_stated and s.above:
                out.append((f"* If {m} becomes a need at any weight, the pick becomes {s.above}.",
                            f"* If {m} becomes a need at any weight, the pick changes (see the weight bounds above)."))
                continue
            if s.above and s.high < 1.0:
                out.append((f"* If the weight of {m} rises above {s.high:.2f}{said}, the pick becomes {s.above}.",
                            f"* If the weight of {m} rises above {s.high:.2f}{said}, the pick changes (see the weight bounds above)."))
            if s.below and s.low > 0:
                out.append((f"* If the weight of {m} falls below {s.low:.2f}{said}, the pick becomes {s.below}.",
                            f"* If the weight of {m} falls below {s.low:.2f}{said}, the pick changes (see the weight bounds above)."))
    if not out and ranking.flip:
        out.append((f"* {ranking.flip.change[:1].upper() + ranking.flip.change[1:]}.", "* A shift of priorities changes the pick."))
    out.append(("* The use case, the team's skills or a hard constraint changes: the drivers above are what this pick rests on.", None))
    return out


def _option_lines(table: Table, lang: Language, needs: Needs, s: Any, cites: Citations) -> list[str]:
    lines, counted = [], set()
    for c in sorted(s.breakdown, key=lambda c: -c.points):
        text = _contribution_line(table, lang, c, cites)
        if text is None:
            continue
        counted.add(c.label)
        lines.append(f"* {_verdict(table, lang, c)}, because {text}")
    rest_bf = [it for it in lang.best_for if f"Best for: {it.text}" not in counted]
    if rest_bf:
        lines.append(f"* Neutral, because the article also names {lang.name} best for " + ", ".join(lower_first(it.text) for it in rest_bf)
                     + f", which we did not ask for {cites.language(lang)}")
    for kind, items in (("pro", lang.pros), ("con", lang.cons)):
        for it in items:
            if f"{kind.capitalize()}: {it.text}" not in counted:
                lines.append(f"* Neutral, because the article also lists as a {kind} of {lang.name}: {it.text} {cites.language(lang)}")
    return lines


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# ------------------------------------------------------------------------------------------ HTML

_CSS = """
body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;max-width:920px;margin:2rem auto;padding:0 1.25rem;background:#fff}
h1{font-size:1.7rem;border-bottom:2px solid #d0d7de;padding-bottom:.35rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #eaeef2;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}blockquote{margin:.6rem 0;padding:.3rem .9rem;border-left:4px solid #8c959f;background:#f6f8fa;color:#424a53}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}.meta{font-size:.88rem;color:#57606a;margin-bottom:1rem}.meta td,.meta th{border:none;padding:.1rem .8rem .1rem 0;background:none}
.badge{display:inline-block;padding:.15rem .55rem;border-radius:1rem;font-weight:600;font-size:.85rem}.firm{background:#dafbe1;color:#116329}.fairly{background:#fff8c5;color:#7d4e00}.fragile{background:#ffebe9;color:#a40e26}
figure{margin:1rem 0}figcaption{font-size:.85rem;color:#57606a}svg text{font:12px system-ui,"DejaVu Sans",sans-serif}
@media print{body{margin:0;max-width:none}}
"""


def render_html(record: DecisionRecord) -> str:
    """The record as one self-contained HTML page (no scripts, no external resources), charts as inline SVG."""
    from markdown_it import MarkdownIt

    text = record.markdown
    meta: list[tuple[str, str]] = []
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if m:
        for line in m.group(1).splitlines():
            k, _, v = line.partition(":")
            meta.append((k.strip(), v.strip().strip('"')))
        text = text[m.end():]
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    body = md.render(text)
    charts = _charts(record)
    if charts:  # the charts go after the "How firm" heading's text
        marker = "<h3>How firm the decision is</h3>"
        i = body.find(marker)
        if i >= 0:
            j = body.find("<h3>", i + len(marker))
            j = j if j >= 0 else len(body)
            body = body[:j] + charts + body[j:]
    level = record.robustness.level if record.robustness else "firm"
    cls = {"firm": "firm", "fairly firm": "fairly", "fragile": "fragile"}.get(level, "firm")
    meta_html = "".join(f"<tr><th>{_html.escape(k)}</th><td>{_html.escape(v)}</td></tr>" for k, v in meta)
    badge = f'<span class="badge {cls}">{_html.escape(level)}</span>' if record.robustness else ""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{_html.escape(record.title)}</title>"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
            f"<style>{_CSS}</style></head><body>"
            f"<table class=\"meta\">{meta_html}<tr><th>firmness</th><td>{badge}</td></tr></table>\n{body}</body></html>\n")


def _charts(record: DecisionRecord) -> str:
    rob = record.robustness
    if rob is None:
        return ""
    out = []
    # P(win) bars
    names = list(rob.win)
    h = 26 * len(names) + 10
    bars = []
    for i, n in enumerate(names):
        p = rob.win[n]
        y = 6 + 26 * i
        colour = "#1a7f37" if n == rob.pick else "#8c959f"
        bars.append(f'<text x="0" y="{y + 14}">{_html.escape(n)}</text>'
                    f'<rect x="90" y="{y}" width="{max(1.0, 400 * p):.1f}" height="18" fill="{colour}" rx="3"/>'
                    f'<text x="{96 + 400 * p:.1f}" y="{y + 14}">{p * 100:.0f}%</text>')
    out.append(f'<figure><svg role="img" aria-label="Share of plausible weightings each language wins" width="560" height="{h}" '
               f'viewBox="0 0 560 {h}">{"".join(bars)}</svg><figcaption>Share of {rob.samples} plausible weightings that each '
               f'language wins (seed {rob.seed}).</figcaption></figure>')
    # tornado
    rows = [s for s in rob.tornado]
    if rows:
        x0, wd = 150, 360
        h = 30 * len(rows) + 34
        g = [f'<line x1="{x0}" y1="4" x2="{x0}" y2="{h - 24}" stroke="#d0d7de"/><line x1="{x0 + wd}" y1="4" x2="{x0 + wd}" y2="{h - 24}" stroke="#d0d7de"/>',
             f'<text x="{x0 - 4}" y="{h - 8}">0</text><text x="{x0 + wd - 4}" y="{h - 8}">1</text><text x="{x0 + wd / 2 - 40}" y="{h - 8}">weight</text>']
        for i, s in enumerate(rows):
            y = 8 + 30 * i
            g.append(f'<text x="0" y="{y + 14}">{_html.escape(s.label)}</text>')
            if s.flips_when_stated:
                g.append(f'<text x="{x0 + 4}" y="{y + 14}" fill="#a40e26">naming it makes {_html.escape(str(s.above))} the pick</text>')
                continue
            g.append(f'<rect x="{x0 + wd * s.low:.1f}" y="{y}" width="{max(1.5, wd * (s.high - s.low)):.1f}" height="18" fill="#54aeff" rx="3"/>')
            g.append(f'<line x1="{x0 + wd * s.weight:.1f}" y1="{y - 3}" x2="{x0 + wd * s.weight:.1f}" y2="{y + 21}" stroke="#1f2328" stroke-width="2"/>')
            ends = []
            if s.below:
                ends.append(f'<text x="{x0 + wd * s.low - 4:.1f}" y="{y + 14}" text-anchor="end" fill="#a40e26">{_html.escape(s.below)}</text>')
            if s.above:
                ends.append(f'<text x="{x0 + wd * s.high + 4:.1f}" y="{y + 14}" fill="#a40e26">{_html.escape(s.above)}</text>')
            g.extend(ends)
        out.append(f'<figure><svg role="img" aria-label="Weight bounds within which the pick holds" width="600" height="{h}" '
                   f'viewBox="0 0 600 {h}">{"".join(g)}</svg><figcaption>Tornado: the blue bar is the range of each criterion\'s '
                   f'weight over which {_html.escape(rob.pick)} stays the pick (others held); the black tick is our weight; red names '
                   f'who wins past the bar\'s ends.</figcaption></figure>')
    return "\n".join(out)


__all__ = ["DecisionRecord", "decision_record", "parse_conversation", "read_conversation", "render_html"]
