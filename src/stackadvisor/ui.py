"""The Gradio UI: the chat on the left; on the right the needs the advisor inferred, as controls, and the scorecard.

    question ─▶ Chat.stream (per tab) ─▶ streamed answer ─▶ pick + verification badge + sources (collapsible)
                                      └▶ needs ─▶ sliders / toggles ─(user moves one)─▶ rules.score ─▶ scorecard

Everything shown is inert: user and model text is HTML-escaped, markdown images and non-http links are
removed before rendering (no remote fetches), the Chatbot sanitizes HTML as a second layer, and the HTML
built here (the scorecard, the source cards) escapes every value. Each browser tab has its own Session in gr.State.

Issue 13: Clear (the trash icon) and "New conversation" reset the same way; a control change marks the answer
above out of date and offers "Answer again with these priorities"; each answer carries its verification badge,
its cited sources (only those, numbered as in the text) and its reasoning steps as collapsible messages; [n] in an
answer opens source card n (the passage, its section, the cited sentence marked: JS below); a clarifying question
offers clickable replies; the thumbs under an answer store feedback (feedback.py); the theme meets WCAG AA.

Issue 14: under the pick, "How firm" (decision.robustness: its summary, P(win) per language as bars, the tornado of
weight ranges as a table); a pick that is not firm offers the trade-off answers that would settle it as clickable
replies; "Download decision record" is the conversation's ADR (adr.py) as an HTML file, in a data: link (no file route).
"""

from __future__ import annotations

import base64
import html
import logging
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

import gradio as gr

from . import rules
from .compose import table_markdown
from .decision import robustness
from .errors import StackAdvisorError
from .feedback import FeedbackStore
from .markup import inert  # (one sanitiser for the UI and the LLM writers)
from .rules import Needs

log = logging.getLogger("stackadvisor.web")

GRADIO_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    # Gradio's queue rebuilds a pandas summary of up to 10,000 past events after every event (its monitoring page,
    # which is off here): keep 100 events and never recompute, so each answer does not pay for the last 10,000.
    "GRADIO_ANALYTICS_MAX_EVENTS": "100",
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000000000",
    # Gradio asks matplotlib for its backend around every event, on the event loop; without a configured backend
    # that imports pyplot (seconds) on the first one. "agg" answers at once (this app draws no matplotlib figures).
    "MPLBACKEND": "agg",
}


def configure_gradio() -> None:
    """Gradio's and matplotlib's settings from the environment (unless already set): called by build(), before the
    Blocks and its queue read them, so importing this module changes nothing."""
    for name, value in GRADIO_ENV.items():
        os.environ.setdefault(name, value)

EXAMPLES = [
    "We're building a real-time chat app and the team knows React: which backend?",
    "Which backend for a fintech platform where performance is critical?",
    "Our team is new to programming and wants to build a data-heavy API quickly.",
    "Is Python faster than Go?",
    "Compare Go and Rust for concurrency.",
]
MAX_TURNS_SHOWN = 100  # turns kept on screen per tab; the advisor keeps its own shorter history
MAX_SESSIONS = 2000  # tabs whose conversation is kept in memory (the oldest are dropped first)
SESSION_TTL = 3 * 3600  # seconds a conversation is kept after its last change
EXCERPT = 320

CSS = """
#side { gap: 8px; }
#backend h1 { font-size: 1.5em; margin: 0 0 4px 0; }
#backend p { margin: 0; }
#pick h2 { font-size: 1.25em; margin: 0; }
.sa-scorecard { display: flex; flex-direction: column; gap: 10px; font-size: 0.92em; }
.sa-row { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 8px; }
.sa-row.sa-top { border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent); }
.sa-head { display: flex; justify-content: space-between; font-weight: 600; }
.sa-bar { display: flex; height: 12px; margin: 4px 0; background: var(--background-fill-secondary); border-radius: 4px; overflow: hidden; }
.sa-neg { display: flex; height: 6px; background: transparent; }
.sa-seg { height: 100%; }
.sa-seg.sa-penalty, .sa-legend .sa-penalty { background: repeating-linear-gradient(135deg, #b91c1c 0 3px, #fca5a5 3px 6px) !important; }
.sa-breakdown { margin: 2px 0 0 0; padding-left: 1.1em; color: var(--body-text-color-subdued); }
.sa-breakdown li { margin: 0; }
.sa-legend { font-size: 0.8rem; line-height: 1.6; color: var(--body-text-color); display: flex; flex-wrap: wrap; gap: 2px 10px; }
.sa-legend > span { white-space: nowrap; }
.sa-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; border-radius: 2px; vertical-align: -1px;
               outline: 1px solid var(--body-text-color-subdued); outline-offset: -1px; }
/* Tables: never break a word; a table wider than the message scrolls sideways instead of squeezing its cells. */
#chat table, #table table { display: block; max-width: 100%; overflow-x: auto; word-break: normal !important; overflow-wrap: normal !important; }
#chat th, #chat td, #table th, #table td { word-break: normal !important; overflow-wrap: normal !important; hyphens: manual; }
#chat th, #table th { white-space: nowrap; }
/* The metadata (verification badge, sources, steps) and hints: readable contrast. */
#chat .thought-group .duration, #chat .thought-group .title { color: var(--body-text-color) !important; }
/* Gradio nests a focusable icon button in the role=button header of a collapsible message: hide it, draw the arrow here. */
#chat .thought-group .title .arrow > button { display: none !important; }
#chat .thought-group .title .arrow { display: inline-flex; align-items: center; justify-content: center; width: 1.1em; }
#chat .thought-group .title .arrow::before { content: "▾"; font-size: 1.1em; line-height: 1; color: var(--body-text-color); }
#stale { border-left: 4px solid #b45309; padding: 4px 10px; background: var(--background-fill-secondary); }
#input-note:empty { display: none; }
#input-note p { color: var(--error-text-color, #b91c1c); font-weight: 600; margin: 0; }
#examples { flex-wrap: wrap; gap: 6px; }
#examples button { flex: 0 1 auto !important; min-width: 0 !important; width: auto !important; white-space: normal; text-align: left; font-weight: normal; }
#sa-sources { display: none !important; }
#chat a[href^="#sa-src-"] { font-weight: 600; text-decoration: underline; cursor: pointer; }
dialog#sa-card { max-width: min(640px, 94vw); max-height: 80vh; overflow: auto; border: 1px solid var(--border-color-primary); border-radius: 10px;
                 padding: 14px 16px; background: var(--background-fill-primary); color: var(--body-text-color); }
dialog#sa-card::backdrop { background: rgba(0, 0, 0, 0.35); }
dialog#sa-card h2 { font-size: 1.05em; margin: 0 24px 4px 0; }
dialog#sa-card .sa-card-where { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0 0 8px 0; }
dialog#sa-card .sa-card-text { white-space: pre-wrap; line-height: 1.5; margin: 0; }
dialog#sa-card mark { background: #fde68a; color: #111827; padding: 0 2px; border-radius: 2px; }
dialog#sa-card .sa-card-close { position: sticky; float: right; top: 0; margin: -4px -6px 0 8px; padding: 2px 10px; border-radius: 6px;
                                border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary); color: var(--body-text-color); }
/* Issue 14: how firm the pick is (P(win) bars and the tornado table). */
.sa-firmness { font-size: 0.9em; display: flex; flex-direction: column; gap: 6px; }
.sa-firmness h3 { font-size: 1em; margin: 0; }
.sa-firmness p { margin: 0; }
.sa-level { padding: 0 6px; border-radius: 8px; border: 1px solid var(--border-color-primary); }
.sa-level.sa-fragile { border-color: #b45309; }
.sa-wins { display: flex; flex-direction: column; gap: 3px; }
.sa-win { display: grid; grid-template-columns: 5.5em 1fr 5.5em; align-items: center; gap: 6px; }
.sa-win.sa-top .sa-win-lang { font-weight: 600; }
.sa-win-pct { text-align: right; font-variant-numeric: tabular-nums; }
.sa-track { position: relative; display: block; height: 10px; background: var(--background-fill-secondary); border-radius: 4px;
            outline: 1px solid var(--border-color-primary); overflow: hidden; min-width: 60px; }
.sa-fill, .sa-hold { position: absolute; top: 0; bottom: 0; left: 0; background: #0072B2; }
.sa-now { position: absolute; top: -1px; bottom: -1px; width: 2px; margin-left: -1px; background: var(--body-text-color); }
.sa-tornado { width: 100%; border-collapse: collapse; table-layout: fixed; }
.sa-tornado caption { text-align: left; font-size: 0.9em; color: var(--body-text-color-subdued); padding-bottom: 2px; }
.sa-tornado th, .sa-tornado td { padding: 2px 4px; text-align: left; vertical-align: top; border-top: 1px solid var(--border-color-primary); }
.sa-tornado thead th:nth-child(1) { width: 32%; } .sa-tornado thead th:nth-child(2) { width: 14%; }
.sa-tornado .sa-tw { font-variant-numeric: tabular-nums; }
.sa-tr { display: block; font-size: 0.9em; }
a.sa-adr { display: inline-block; padding: 4px 12px; border-radius: var(--button-small-radius, 6px); font-weight: 600; text-decoration: none;
           border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color); }
a.sa-adr:hover { background: var(--button-secondary-background-fill-hover); }
a.sa-adr::before { content: "⤓ "; }
@media (max-width: 640px) {
  #chat { height: max(260px, calc(100dvh - 540px)) !important; }
  dialog#sa-card { max-width: 100vw; width: 100vw; margin: auto 0 0 0; max-height: 70vh; border-radius: 12px 12px 0 0; }
}
"""
# Legend colours: the Okabe-Ito palette (told apart with the common colour-vision deficiencies too); penalties are striped.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#6B4C9A", "#8C564B"]  # criteria (a 5th, 6th for larger tables)
KIND_COLOURS = {"use_case": "#56B4E9", "constraint": "#F0E442", "skill": "#D55E00", "excluded": "#7F7F7F"}


# ------------------------------------------------------------------------------------------ inert text (markup.inert)

def esc(text: object) -> str:
    """For values placed inside HTML built here."""
    return html.escape(str(text), quote=True)


# ------------------------------------------------------------------------------------------ session


@dataclass
class Session:
    """One browser tab: its conversation with the advisor and what is on screen."""

    chat: Any
    messages: list[dict[str, Any]] = field(default_factory=list)
    turn: int = 0  # answers given so far: numbers the source cards of each answer (#sa-src-<turn>-<n>)
    cards: list[str] = field(default_factory=list)  # the source cards (HTML) of the recent answers
    answered: Any = None  # the Needs and pick the last answer was written for (the panel is stale when they differ)
    opened: bool = False  # the detailed controls were unfolded once for this conversation
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # names the conversation in the feedback store
    answers: dict[int, tuple[int, str, str, str | None, str]] = field(default_factory=dict)  # message index -> (turn, q, a, pick, backend)
    rated: dict[int, int] = field(default_factory=dict)  # turn -> its feedback row id
    last_rated: int | None = None  # the row a comment goes to
    stopping: bool = False  # Stop was pressed while an answer is being written


MAX_CARD_TURNS = 30  # answers whose source cards stay openable


# ------------------------------------------------------------------------------------------ rendering


def mode_label(backend: str) -> str:
    """What writes the answers, as a mode (not a health status)."""
    backend = str(backend or "offline")
    if backend == "offline" or backend.startswith("offline"):
        return "offline writer (no LLM)"
    return f"{backend} (LLM)"


def badge(reply: Any) -> str:
    """One line on how the answer was checked: fact claims (the pick is judged apart, against the ranking) and the
    statements about a language no reader could check, so nothing is called fully checked that was not read."""
    from .rules.check import tally

    t = tally(list(reply.checks))
    n, bad = t["checked"], reply.corrected or len(reply.contradicted)
    unread = f", {t['not_checkable']} not checkable" if t["not_checkable"] else ""
    pick = ("; pick consistent with the ranking" if t["picks_consistent"] == t["picks"] else "; pick not backed by the ranking") if t["picks"] else ""
    if bad:
        return f"⚠ {bad} corrected ({n} claim{'s' if n != 1 else ''} checked{unread}){pick}"
    if n == 0:
        return f"No factual claims to check{unread}{pick}"
    if t["supported"] == n and not unread:
        return f"✓ all {n} claim{'s' if n != 1 else ''} supported{pick}"
    gap = f", {t['unsupported']} not covered by the table" if t["unsupported"] else ""
    return f"✓ {t['supported']} of {n} claims supported{gap}{unread}{pick}"


def checks_markdown(reply: Any) -> str:
    if not reply.checks:
        return "The answer makes no claim about the languages that the table could check."
    marks = {"supported": "✓", "contradicted": "✗", "unsupported": "?"}
    lines = []
    for c in reply.checks:
        verdict = "not checked" if c.kind == "unchecked" else "pick consistent with the ranking" if (
            c.kind == "recommendation" and c.verdict == "supported") else c.verdict
        line = f"- {marks.get(c.verdict, '?') if c.kind != 'unchecked' else '·'} **{inert(verdict)}**: {inert(c.claim)}"
        if c.evidence:
            line += f"  \n  evidence: {inert(c.evidence)}"
        if c.correction:
            line += f"  \n  correction: {inert(c.correction)}"
        lines.append(line)
    return "\n".join(lines)


# ---- citations: [n] in an answer is reply.sources[n-1]; only the cited ones are listed, with the same numbers

_CITE = re.compile(r"\[(\d{1,3})\](?![(\[])")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9*\"'(\[])|\n+")
_WORD = re.compile(r"[a-z0-9][a-z0-9.+#-]*[a-z0-9+#]|[a-z0-9]")
_STOP = frozenset("the a an and or of to in on for with is are be it its as at by from that this which what your you we our can "
                  "has have not but more most than".split())
_TRAILING_SOURCES = re.compile(r"\n+\*\*Sources\*\*\n(?:\[\d+\][^\n]*(?:\n|$))+\s*$")


def cited_numbers(answer: str, n_sources: int) -> list[int]:
    """The source numbers the answer cites, in order of first citation (numbers without a source are ignored)."""
    seen: list[int] = []
    for m in _CITE.finditer(answer or ""):
        n = int(m.group(1))
        if 1 <= n <= n_sources and n not in seen:
            seen.append(n)
    return seen


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def cited_sentence(passage: str, answer: str, n: int) -> tuple[int, int]:
    """The (start, end) span of the passage sentence that best supports the answer's sentences citing [n]."""
    claims = [s for s in _SENTENCE.split(answer or "") if f"[{n}]" in s]
    want = set().union(*(_words(_CITE.sub(" ", c)) for c in claims)) if claims else set()
    best, span, pos = -1.0, (0, 0), 0
    for piece in _SENTENCE.split(passage):
        start = passage.find(piece, pos)
        if start < 0 or not piece.strip():
            continue
        pos = start + len(piece)
        words = _words(piece)
        score = len(words & want) / (1 + 0.02 * len(words)) if words else 0.0
        if score > best:
            best, span = score, (start, start + len(piece))
    return span


def _title_attr(text: str) -> str:
    return " ".join(str(text).replace('"', "'").replace("\\", "/").replace("[", "(").replace("]", ")").split())[:120]


def _where(s: Any) -> str:
    return s.title or s.section


def link_citations(markdown: str, turn: int, reply: Any, cited: list[int]) -> str:
    """Each [n] made a link that opens source card n of this answer (the link's title previews the source)."""
    valid = set(cited)

    def sub(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in valid:
            return m.group(0)
        return f'[\\[{n}\\]](#sa-src-{turn}-{n} "Source {n}: {html.escape(_title_attr(_where(reply.sources[n - 1])), quote=False)}")'

    return _CITE.sub(sub, markdown)


def answer_markdown(reply: Any, turn: int, cited: list[int]) -> str:
    """The answer as shown: inert text, citations as links, without the answer's own trailing source list (the
    Sources section below lists the same numbers, with the passages)."""
    text = _TRAILING_SOURCES.sub("", reply.answer) if cited else reply.answer
    return link_citations(inert(text), turn, reply, cited)


def sources_markdown(reply: Any, turn: int = 0, cited: list[int] | None = None) -> str:
    cited = cited_numbers(reply.answer, len(reply.sources)) if cited is None else cited
    lines = []
    for n in cited:
        s = reply.sources[n - 1]
        text = " ".join(s.text.split())
        excerpt = text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")
        origin = f" ({s.kb})" if s.kb and s.kb != "builtin" else ""
        lines.append(f"**[\\[{n}\\]](#sa-src-{turn}-{n}) {inert(_where(s))}**{inert(origin)}: {inert(excerpt)}")
    return "\n\n".join(lines) or "No passages were cited in this answer."


def source_cards(reply: Any, turn: int, cited: list[int]) -> str:
    """The card each citation opens: source number, title, section, the whole passage with the cited sentence marked."""
    cards = []
    for n in cited:
        s = reply.sources[n - 1]
        text = re.sub(r"\*\*|__", "", s.text.strip())  # the passage as read: markdown emphasis markers dropped
        a, b = cited_sentence(text, reply.answer, n)
        body = f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}" if b > a else esc(text)
        where = [f"Section: {esc(s.section)}"]
        if s.source:
            where.append(esc(s.source))
        if s.kb and s.kb != "builtin":
            where.append(f"knowledge base {esc(s.kb)}")
        cards.append(f'<article class="sa-card" id="sa-src-{turn}-{n}" data-n="{n}"><h2>[{n}] {esc(_where(s))}</h2>'
                     f'<p class="sa-card-where">{" · ".join(where)}</p><p class="sa-card-text">{body}</p></article>')
    return "".join(cards)


def reply_messages(reply: Any, turn: int = 0, cited: list[int] | None = None, table: Any = None,
                   previous: Any = None) -> list[dict[str, Any]]:
    """The assistant's answer, then its verification badge, its (cited) sources and (given the table) the reasoning
    steps, each a collapsed section."""
    cited = cited_numbers(reply.answer, len(reply.sources)) if cited is None else cited
    title = badge(reply)
    if reply.recommendation:
        title = f"Pick: {reply.recommendation} · {title}"
    notices = "".join(f"\n\n*Note: {inert(n)}*" for n in reply.notices)
    out = [{"role": "assistant", "content": answer_markdown(reply, turn, cited) + notices}]
    if reply.question:
        out.append({"role": "assistant", "content": checks_markdown(reply),
                    "metadata": {"title": title, "log": f"answers: {mode_label(reply.backend)}", "status": "done", "id": f"checks-{turn}"}})
        if cited:
            out.append({"role": "assistant", "content": sources_markdown(reply, turn, cited),
                        "metadata": {"title": f"Sources ({len(cited)})", "status": "done", "id": f"sources-{turn}"}})
        if table is not None:
            out.extend(steps_messages(reply, turn, table, previous))
    return out


def _needs_parts(needs: Any, table: Any) -> dict[str, str]:
    """Each need as (key -> words), so two sets of needs can be compared item by item."""
    if needs is None:
        return {}
    out = {f"w:{c}": f"{table.criteria[c].label} {w:.2f}" for c, w in needs.priorities.items() if c in table.criteria and w > 0}
    out.update({f"u:{u}": f"use case {table.use_cases[u].label}" for u in needs.use_cases if u in table.use_cases})
    out.update({f"c:{c}": f"constraint {table.constraints[c].label}" for c in needs.constraints if c in table.constraints})
    out.update({f"s:{n}": f"team knows {n}" for n in needs.skills})
    out.update({f"x:{n}": f"{n} ruled out" for n in needs.excluded})
    return out


def what_changed(before: Any, after: Any, pick_before: str | None, pick_after: str | None, table: Any) -> str:
    """Before -> after: the pick, and the needs that moved (added, removed, re-weighted)."""
    a, b = _needs_parts(before, table), _needs_parts(after, table)
    moved = [f"+ {b[k]}" for k in b if k not in a] + [f"− {a[k]}" for k in a if k not in b]
    moved += [f"{a[k]} → {b[k].rsplit(' ', 1)[-1]}" for k in b if k in a and a[k] != b[k]]
    pick = (f"Pick: {inert(pick_before or 'none')} → **{inert(pick_after or 'none')}**" if pick_before != pick_after
            else f"Pick unchanged: {inert(pick_after or 'none')}")
    return pick + ("\n\n" + "\n".join(f"- {inert(m)}" for m in moved) if moved else "\n\nNo need changed.")


def steps_messages(reply: Any, turn: int, table: Any, previous: Any = None) -> list[dict[str, Any]]:
    """How the answer was reached, as collapsible steps: the needs read, the ranking, the claims checked, and (after a
    follow-up or a control change) what changed since the last answer. `previous` is (needs, pick) of that answer."""
    table_needs = reply.needs
    parent = f"steps-{turn}"
    read = [f"- {inert(v)}" for v in _needs_parts(table_needs, table).values()]
    kind = getattr(reply.intent, "kind", "")
    need_text = "\n".join(read) if read else "- nothing specific yet"
    need_text += f"\n\nQuestion read as: *{inert(kind)}*" if kind else ""
    rank = []
    for i, sc in enumerate(reply.scores[:4], start=1):
        top = ", ".join(f"{c.label} {c.points:+.2f}" for c in sorted(sc.breakdown, key=lambda c: -abs(c.points))[:3])
        rank.append(f"{i}. **{inert(sc.language)}** {sc.total:.2f}" + (f": {inert(top)}" if top else ""))
    checks = [f"- {inert(c.verdict)}: {inert(c.claim)}" + (f" → {inert(c.correction)}" if c.correction else "") for c in reply.checks[:12]]
    out = [{"role": "assistant", "content": "", "metadata": {"title": "How this answer was reached", "id": parent, "status": "done"}},
           {"role": "assistant", "content": need_text, "metadata": {"title": "Needs read from the conversation", "parent_id": parent}},
           {"role": "assistant", "content": "\n".join(rank) or "No ranking: the question asks for none.",
            "metadata": {"title": "Ranking by the rules layer", "parent_id": parent}},
           {"role": "assistant", "content": "\n".join(checks) or "No claim to check.",
            "metadata": {"title": f"Claims checked: {badge(reply)}", "parent_id": parent}}]
    if previous is not None:
        out.append({"role": "assistant", "content": what_changed(previous[0], table_needs, previous[1], reply.recommendation, table),
                    "metadata": {"title": "What changed since the last answer", "parent_id": parent}})
    return out


def scorecard_html(scores: tuple[Any, ...], recommendation: str | None, table: Any) -> str:
    """A bar per language: positive contributions stacked (one colour per criterion), penalties below, striped."""
    if not scores:
        return '<div class="sa-scorecard" id="sa-scorecard"><p>Ask a question, or set what matters below, to see the ranking.</p></div>'
    colour = {cid: PALETTE[i % len(PALETTE)] for i, cid in enumerate(table.criteria)}
    top = max((sum(c.points for c in s.breakdown if c.points > 0) for s in scores), default=0) or 1.0
    worst = max((sum(-c.points for c in s.breakdown if c.points < 0) for s in scores), default=0) or 1.0
    rows = []
    for rank, s in enumerate(scores, start=1):
        segs = "".join(
            f'<span class="sa-seg" style="width:{100 * c.points / top:.1f}%;background:{colour.get(c.key, KIND_COLOURS.get(c.kind, "#64748b"))}"'
            f' title="{esc(c.label)} (+{c.points:.2f})"></span>'
            for c in s.breakdown if c.points > 0)
        neg = sum(-c.points for c in s.breakdown if c.points < 0)
        neg_bar = (f'<div class="sa-neg"><span class="sa-seg sa-penalty" style="width:{100 * neg / worst:.1f}%" '
                   f'title="penalties (-{neg:.2f})"></span></div>') if neg else ""
        items = "".join(f"<li>{esc(c.label)}: <b>{c.points:+.2f}</b></li>" for c in sorted(s.breakdown, key=lambda c: -abs(c.points)))
        cls = "sa-row sa-top" if s.language == recommendation else "sa-row"
        rows.append(f'<div class="{cls}" data-language="{esc(s.language)}" data-rank="{rank}">'
                    f'<div class="sa-head"><span class="sa-lang">{rank}. {esc(s.language)}</span><span class="sa-total">{s.total:.2f}</span></div>'
                    f'<div class="sa-bar">{segs}</div>{neg_bar}<ul class="sa-breakdown">{items}</ul></div>')
    legend = "".join(f'<span><i style="background:{colour[cid]}"></i>{esc(c.label)}</span>' for cid, c in table.criteria.items())
    legend += "".join(f'<span><i style="background:{KIND_COLOURS[k]}"></i>{label}</span>'
                      for k, label in (("use_case", "use case"), ("constraint", "constraint"), ("skill", "team skill")))
    legend += '<span><i class="sa-penalty"></i>penalty</span>'
    return (f'<div class="sa-scorecard" id="sa-scorecard"><div class="sa-legend" aria-label="Legend">{legend}</div>'
            f'{"".join(rows)}</div>')


def pick_markdown(recommendation: str | None, backend: str) -> str:  # noqa: ARG001 - the mode is shown in the header
    if recommendation:
        return f"## Pick: {inert(recommendation)}\n<sub>ranked by the rules layer from the comparison table</sub>"
    return "## No pick yet\n<sub>say what you are building and what matters</sub>"


def flip_markdown(flip: str | None, recommendation: str | None) -> str:
    if flip:
        return f"**What would change the pick:** {inert(flip)}."
    if recommendation:
        return f"**What would change the pick:** no single shift of priorities overturns {inert(recommendation)}."
    return ""


def needs_summary(needs: Any, table: Any) -> str:
    """The needs in one line, so the folded controls need not be opened to see what was read."""
    if needs is None:
        return "*Nothing read yet: describe your project, or open **What matters** to set priorities yourself.*"
    parts = [f"{table.criteria[c].label} {w:.2f}" for c, w in sorted(needs.priorities.items(), key=lambda kv: -kv[1]) if c in table.criteria]
    parts += [table.use_cases[u].label for u in sorted(needs.use_cases) if u in table.use_cases]
    parts += [table.constraints[c].label for c in sorted(needs.constraints) if c in table.constraints]
    parts += [f"team knows {n}" for n in sorted(needs.skills)]
    parts += [f"not {n}" for n in sorted(needs.excluded)]
    return ("**What matters now:** " + inert(" · ".join(parts))) if parts else "*No needs set yet.*"


def _key(needs: Any) -> tuple:
    if needs is None:
        return ((), (), (), (), ())
    return (tuple(sorted((k, round(v, 3)) for k, v in needs.priorities.items() if v > 0)), tuple(sorted(needs.use_cases)),
            tuple(sorted(needs.constraints)), tuple(sorted(needs.skills)), tuple(sorted(needs.excluded)))


def _visible_text(text: str) -> bool:
    """Whether a message has anything but whitespace and invisible characters (an empty send does nothing)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in text)


AGAIN_QUESTION = "Which backend do you recommend now?"
# Replies offered as buttons under a clarifying question (the advisor needs a project, a priority or a team skill).
SUGGESTED_REPLIES = [
    ("use_cases", "We're building a real-time chat app"),
    ("use_cases", "We're building a data-heavy REST API"),
    ("priorities", "Speed matters most"),
    ("priorities", "Ease of learning matters most"),
    ("skills", "Our team knows Python"),
]


def suggested_replies(reply: Any) -> list[dict[str, str]]:
    """Clickable replies when the answer asks the user for more (a vague question): only for what is still missing; after
    a pick that is not firm, the answers to the trade-off questions that would settle it (issue 14)."""
    if not reply.question:
        return []
    if getattr(reply.intent, "kind", "") != "vague":  # a pick that is not firm: the trade-offs that would settle it
        return tradeoff_replies(getattr(reply, "robustness", None))
    needs = reply.needs
    return [{"label": text, "value": text} for what, text in SUGGESTED_REPLIES if not getattr(needs, what, None)]


# ---- issue 14: how firm the pick is, the trade-offs that would settle it, the decision record to download


def _share(p: float) -> str:
    v = 100 * p
    return "under 1%" if 0 < v < 1 else "over 99%" if 99 < v < 100 else f"{v:.0f}%"


def firmness_html(rob: Any) -> str:
    """"How firm": the summary sentence, P(win) per language as bars, and the tornado as a table of bars (per
    criterion, the weight range over which the pick holds, the others where they are). Empty without a pick."""
    if rob is None:
        return ""
    level = {"firm": "sa-firm", "fairly firm": "sa-fairly", "fragile": "sa-fragile"}.get(rob.level, "")
    wins = "".join(
        f'<div class="sa-win{" sa-top" if lang == rob.pick else ""}" data-language="{esc(lang)}" data-p="{p:.4f}">'
        f'<span class="sa-win-lang">{esc(lang)}</span><span class="sa-track" role="img" aria-label="{esc(lang)} wins in {_share(p)}">'
        f'<span class="sa-fill" style="width:{100 * p:.1f}%"></span></span><span class="sa-win-pct">{_share(p)}</span></div>'
        for lang, p in rob.win.items())
    rows = []
    for s in rob.tornado:
        if s.flips_when_stated:
            span, text = (0.0, 0.0), f"stating it at all makes {esc(s.above or s.below or 'another language')} the pick"
        else:
            span = (s.low, s.high)
            text = f"{s.low:.2f}–{s.high:.2f}"
            text += f"; below: {esc(s.below)}" if s.below else ""
            text += f"; above: {esc(s.above)}" if s.above else ""
        mark = f'<span class="sa-now" style="left:{100 * min(max(s.weight, 0.0), 1.0):.1f}%"></span>' if s.stated else ""
        rows.append(f'<tr data-criterion="{esc(s.criterion)}"><th scope="row">{esc(s.label)}</th>'
                    f'<td class="sa-tw">{f"{s.weight:.2f}" if s.stated else "not set"}</td><td><span class="sa-track" role="img" aria-label="{esc(s.label)}: {text}">'
                    f'<span class="sa-hold" style="left:{100 * span[0]:.1f}%;width:{100 * (span[1] - span[0]):.1f}%"></span>{mark}</span>'
                    f'<span class="sa-tr">{text}</span></td></tr>')
    tornado = ('<table class="sa-tornado"><caption>Weight range over which the pick holds (0 to 1, the others held where they are)'
               '</caption><thead><tr><th scope="col">Criterion</th><th scope="col">Now</th><th scope="col">Pick holds for</th></tr></thead>'
               f'<tbody>{"".join(rows)}</tbody></table>') if rows else ""
    return (f'<div class="sa-firmness" id="sa-firmness" data-level="{esc(rob.level)}" data-pick="{esc(rob.pick)}">'
            f'<h3>How firm: <span class="sa-level {level}">{esc(rob.level)}</span></h3><p class="sa-firm-summary">{esc(rob.summary)}</p>'
            f'<div class="sa-wins" aria-label="Share of plausible weightings each language wins">{wins}</div>{tornado}</div>')


def firmness_update(rob: Any) -> Any:
    return gr.update(value=firmness_html(rob), visible=rob is not None)


def tradeoff_replies(rob: Any) -> list[dict[str, str]]:
    """The answers to the trade-off questions that would settle a pick that is not firm, as clickable replies."""
    if rob is None or rob.level == "firm":
        return []
    out: list[dict[str, str]] = []
    for q in rob.questions:
        for o in q.options:
            if o.get("answer") and all(x["value"] != o["answer"] for x in out):
                out.append({"label": o["answer"], "value": o["answer"]})
    return out


def decision_link(chat: Any, pick_: str | None) -> Any:
    """The conversation's decision record (adr.py) as a link that downloads it as an HTML file, hidden while there is no
    pick. The file travels in the link (a data: URL): the app serves no files (web.py refuses every file= path)."""
    if not pick_:
        return gr.update(value="", visible=False)
    try:
        record = chat.decision_record()
        text = record.html
    except StackAdvisorError:
        return gr.update(value="", visible=False)
    except Exception as exc:  # noqa: BLE001 - the download must never break the chat
        log.warning("decision record not built: %s", type(exc).__name__)
        return gr.update(value="", visible=False)
    name = f"decision-record-{re.sub(r'[^a-z0-9]+', '-', record.pick.lower()).strip('-') or 'pick'}.html"
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return gr.update(visible=True, value=(
        f'<a id="adr-download" class="sa-adr" href="data:text/html;charset=utf-8;base64,{data}" download="{esc(name)}" '
        f'title="The decision record (MADR) of this conversation, as an HTML file">Download decision record</a>'))


# Runs once in the page: citation links open their source card in a dialog (focus moves into it, Escape or Close
# returns it to the link); the notices under the input are live regions.
JS = r"""
() => {
  if (window.__stackadvisor) return;
  window.__stackadvisor = true;
  let dlg = null, opener = null;
  function dialog() {
    if (dlg && dlg.isConnected) return dlg;
    dlg = document.createElement('dialog');
    dlg.id = 'sa-card';
    dlg.setAttribute('aria-labelledby', 'sa-card-title');
    dlg.innerHTML = '<button type="button" class="sa-card-close">Close</button><div class="sa-card-body"></div>';
    dlg.querySelector('.sa-card-close').addEventListener('click', () => dlg.close());
    dlg.addEventListener('click', (e) => { if (e.target === dlg) dlg.close(); });
    dlg.addEventListener('close', () => { if (opener && opener.isConnected) opener.focus(); });
    document.body.appendChild(dlg);  // the theme's variables (and .dark) live on body
    return dlg;
  }
  function open(id, link, tries = 0) {
    const card = document.getElementById(id);
    if (!card) {  // the cards arrive with the answer's last update: wait a few frames for them
      if (tries < 60) requestAnimationFrame(() => open(id, link, tries + 1));
      return;
    }
    const d = dialog();
    const body = d.querySelector('.sa-card-body');
    body.innerHTML = card.innerHTML;  // built and escaped on the server (ui.source_cards)
    const h = body.querySelector('h2');
    if (h) h.id = 'sa-card-title';
    d.dataset.card = id;
    opener = link;
    if (!d.open) d.showModal();
    const mark = body.querySelector('mark');
    if (mark) mark.scrollIntoView({block: 'nearest'});
    d.querySelector('.sa-card-close').focus();
  }
  document.addEventListener('click', (e) => {
    const a = e.target && e.target.closest ? e.target.closest('a[href^="#sa-src-"]') : null;
    if (!a) return;
    e.preventDefault();
    e.stopPropagation();
    open(a.getAttribute('href').slice(1), a);
  }, true);
  function fix() {
    document.querySelectorAll('#chat a[href^="#sa-src-"]:not([data-sa])').forEach((a) => {
      a.dataset.sa = '1';
      a.removeAttribute('target');
      a.setAttribute('aria-haspopup', 'dialog');
      a.setAttribute('aria-label', (a.getAttribute('title') || 'Source').replace(/^Source (\d+):/, 'Source $1, open the passage:'));
    });
    document.querySelectorAll('#chat table:not([tabindex]), #table table:not([tabindex])').forEach((t) => {
      t.setAttribute('tabindex', '0');  // a table wider than the screen scrolls sideways: reachable by keyboard too
    });
    for (const id of ['input-note', 'stale']) {
      const el = document.getElementById(id);
      if (el && !el.hasAttribute('aria-live')) el.setAttribute('aria-live', 'polite');
    }
  }
  let queued = false;
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; fix(); }); } })
    .observe(document.body, {childList: true, subtree: true});
  fix();
}
"""


# ------------------------------------------------------------------------------------------ the Blocks


def build(advisor: Any, concurrency: int = 4) -> gr.Blocks:
    """The UI for one advisor. Sessions (tabs) share the advisor, never a conversation."""
    configure_gradio()
    table = advisor.table
    criteria = list(table.criteria.items())
    uc_choices = [(t.label, tid) for tid, t in table.use_cases.items()]
    con_choices = [(t.label, tid) for tid, t in table.constraints.items()]
    langs = list(table.languages)
    limit = int(advisor.settings.max_input_chars)

    def welcome() -> list[dict[str, Any]]:
        """The first message of every conversation (it also makes the browser load the chat renderer up front)."""
        measures = ", ".join(c.measures or c.label.lower() for _, c in criteria)
        return [{"role": "assistant", "content": inert(
            f"Tell me what you are building, what matters most ({measures}) and which of {', '.join(langs[:-1])} or {langs[-1]} "
            f"your team knows. I'll recommend one, score all {len(langs)} with the reasons, and check every claim against the "
            "article's comparison table.")}]

    with gr.Blocks(title="stackadvisor", analytics_enabled=False, fill_width=True) as demo:
        session = gr.State(None, time_to_live=SESSION_TTL)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                gr.Markdown(f"# stackadvisor\nChoose a backend language ({inert(', '.join(langs))}), grounded in one comparison article; "
                            f"every claim is checked against its table. Answers: **{inert(mode_label(advisor.backend))}**", elem_id="backend")
                chatbot = gr.Chatbot(welcome(), elem_id="chat", height="max(320px, calc(100vh - 470px))", sanitize_html=True,
                                     render_markdown=True, allow_tags=False, latex_delimiters=[], show_label=False, label="Conversation",
                                     buttons=["copy"], feedback_options=("Like", "Dislike"))
                stale = gr.Markdown("", elem_id="stale", visible=False)
                again = gr.Button("Answer again with these priorities", elem_id="answer-again", size="sm", visible=False)
                with gr.Row():
                    question = gr.Textbox(elem_id="question", show_label=False, label="Your question", scale=5, lines=1, max_lines=6,
                                          autofocus=True, placeholder="Describe your project, or ask a question")
                    send = gr.Button("Ask", elem_id="send", variant="primary", scale=1, min_width=80)
                    stop = gr.Button("Stop", elem_id="stop", variant="stop", scale=1, min_width=80, visible=False)
                note = gr.Markdown("", elem_id="input-note")
                with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
                    comment = gr.Textbox(elem_id="feedback-comment", label="Thanks! Add a comment (optional)", scale=5, lines=1,
                                         max_lines=4, placeholder="What was good or wrong about this answer?")
                    comment_send = gr.Button("Send comment", elem_id="feedback-send", size="sm", scale=1, min_width=80)
                feedback_note = gr.Markdown("", elem_id="feedback-note")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0, elem_classes=["sa-example"])
                                       for q in EXAMPLES]
                with gr.Row():
                    new = gr.Button("New conversation", elem_id="new-chat", size="sm")
            with gr.Column(scale=2, min_width=300, elem_id="side"):
                pick = gr.Markdown(pick_markdown(None, advisor.backend), elem_id="pick")
                firm = gr.HTML("", elem_id="firmness", visible=False)
                adr = gr.HTML("", elem_id="adr", visible=False)
                scorecard = gr.HTML(scorecard_html((), None, table), elem_id="scorecard", js_on_load=None)
                flip = gr.Markdown("", elem_id="flip")
                summary = gr.Markdown(needs_summary(None, table), elem_id="needs-summary")
                with gr.Accordion("What matters: inferred from the conversation; adjust to re-rank", open=False, elem_id="needs") as needs_box:
                    sliders = [gr.Slider(0, 1, value=0, step=0.05, label=c.label, elem_id=f"w-{cid}",
                                         info=c.measures if c.measures and c.measures != c.label.lower() else None)
                               for cid, c in criteria]
                    with gr.Accordion("Use cases, constraints, team skills, ruled out", open=False, elem_id="more-needs"):
                        use_cases = gr.CheckboxGroup(uc_choices, value=[], label="Use cases", elem_id="use-cases")
                        constraints = gr.CheckboxGroup(con_choices, value=[], label="Constraints", elem_id="constraints")
                        skills = gr.CheckboxGroup(langs, value=[], label="The team already knows", elem_id="skills")
                        excluded = gr.CheckboxGroup(langs, value=[], label="Ruled out", elem_id="excluded")
                with gr.Accordion("Comparison table", open=False, elem_id="table"):
                    gr.Markdown(inert(table_markdown(table)))
                cards = gr.HTML("", elem_id="sa-sources")

        controls = [*sliders, use_cases, constraints, skills, excluded]
        side = [pick, *controls, scorecard, flip, summary, firm, adr]
        keep_side = [gr.skip()] * len(side)
        hide = gr.update(visible=False)

        def side_for(needs: Needs | None, scores: tuple, recommendation: str | None, flip_text: str | None, backend: str,
                     rob: Any = None, chat: Any = None) -> list[Any]:
            shown = needs
            needs = needs or Needs()
            return [pick_markdown(recommendation, backend),
                    *[float(needs.priorities.get(cid, 0.0)) for cid, _ in criteria],
                    sorted(needs.use_cases & set(table.use_cases)), sorted(needs.constraints & set(table.constraints)),
                    [n for n in langs if n in needs.skills], [n for n in langs if n in needs.excluded],
                    scorecard_html(scores, recommendation, table), flip_markdown(flip_text, recommendation), needs_summary(shown, table),
                    firmness_update(rob), decision_link(chat, recommendation)]

        # outputs: chatbot, question, session, note, stale, again, cards, needs_box, *side, send, stop
        show_stop = (gr.update(visible=False), gr.update(visible=True))
        hide_stop = (gr.update(visible=True), gr.update(visible=False))
        skip_stop = (gr.skip(), gr.skip())

        def answer(text: str, shown: str, state: Session, clear_box: bool) -> Iterator[tuple[Any, ...]]:
            messages = [*state.messages, {"role": "user", "content": inert(shown)}, {"role": "assistant", "content": ""}]
            state.stopping = False
            yield (messages, "" if clear_box else gr.skip(), state, "", hide, hide, gr.skip(), gr.skip(), *keep_side, *show_stop)
            skip8 = (gr.skip(),) * 5
            buf, reply = "", None
            stream = state.chat.stream(text)
            try:
                for item in stream:
                    if state.stopping:  # Stop was pressed: end the stream here (an LLM's request is closed with it)
                        stream.close()
                        messages[-1] = {"role": "assistant", "content": (inert(buf) + "\n\n*(stopped)*").strip()}
                        break
                    if isinstance(item, str):
                        buf += item
                        messages[-1] = {"role": "assistant", "content": inert(buf)}
                        yield (messages, gr.skip(), state, *skip8, *keep_side, *skip_stop)
                    else:
                        reply = item
            except StackAdvisorError as exc:
                messages[-1] = {"role": "assistant", "content": f"⚠ {inert(exc)}"}
            except Exception as exc:  # noqa: BLE001 - the edge: a friendly line, the details in the log
                log.exception("UI answer failed: %s", type(exc).__name__)
                messages[-1] = {"role": "assistant", "content": "⚠ Something went wrong while answering. Try again; if it persists, check the server log."}
            if reply is None:
                state.messages, state.stopping = messages[-2 * MAX_TURNS_SHOWN:], False
                yield (messages, gr.skip(), state, *skip8, *keep_side, *hide_stop)
                return
            state.turn += 1
            turn = state.turn
            cited = cited_numbers(reply.answer, len(reply.sources))
            previous = state.answered[2:] if state.answered is not None and reply.question else None
            first = len(messages) - 1
            messages = [*messages[:-1], *reply_messages(reply, turn, cited, table, previous)]
            options = suggested_replies(reply)
            if options:  # Gradio shows the options of the conversation's last top-level message (nested steps fold into theirs)
                last = max(i for i, m in enumerate(messages) if not (m.get("metadata") or {}).get("parent_id"))
                messages[last] = {**messages[last], "options": options}
            if reply.question:  # the thumbs under any of this answer's messages rate this answer
                info = (turn, reply.question, reply.answer, reply.recommendation, str(reply.backend))
                state.answers.update({i: info for i in range(first, len(messages))})
            if len(messages) > 4 * MAX_TURNS_SHOWN:
                cut = len(messages) - 4 * MAX_TURNS_SHOWN
                messages = messages[cut:]
                state.answers = {i - cut: v for i, v in state.answers.items() if i >= cut}
            state.messages = messages
            state.cards = [*state.cards, source_cards(reply, turn, cited)][-MAX_CARD_TURNS:]
            cards_html = "".join(state.cards)
            if reply.question:
                state.answered = (_key(reply.needs), reply.recommendation, reply.needs, reply.recommendation)
                unfold = gr.skip()
                if not state.opened and _key(reply.needs) != _key(None):
                    state.opened, unfold = True, gr.update(open=True)
                yield (messages, gr.skip(), state, gr.skip(), hide, hide, cards_html, unfold,
                       *side_for(reply.needs, reply.scores, reply.recommendation, reply.flip, reply.backend, reply.robustness, state.chat),
                       *hide_stop)
            else:
                yield (messages, gr.skip(), state, gr.skip(), gr.skip(), gr.skip(), cards_html, gr.skip(), *keep_side, *hide_stop)

        def respond(text: str | None, state: Session | None) -> Iterator[tuple[Any, ...]]:
            text = text if isinstance(text, str) else ""
            if not _visible_text(text):  # an empty send adds nothing: no bubble, no reply; only the box is emptied
                yield tuple("" if i == 1 else gr.skip() for i in range(len(outs)))
                return
            if len(text) > limit:  # refused with a clear notice; the text stays in the box to be shortened
                yield (gr.skip(), gr.skip(), gr.skip(),
                       f"⚠ That message is {len(text):,} characters; the limit is {limit:,}. Shorten it to the question itself and send it again.",
                       *[gr.skip()] * (len(outs) - 4))
                return
            state = state or Session(advisor.chat(), welcome())
            yield from answer(text, text, state, clear_box=True)

        def respond_again(state: Session | None) -> Iterator[tuple[Any, ...]]:
            if state is None:
                yield tuple(gr.skip() for _ in outs)
                return
            yield from answer(AGAIN_QUESTION, f"↻ {AGAIN_QUESTION} (answer again with the priorities set in the panel)", state, clear_box=False)

        def example(q: str):  # noqa: ANN202
            def run(state: Session | None) -> Iterator[tuple[Any, ...]]:
                yield from respond(q, state)
            return run

        def on_option(state: Session | None, data: gr.SelectData) -> Iterator[tuple[Any, ...]]:
            value = data.value.get("value") if isinstance(data.value, dict) else data.value
            yield from respond(value if isinstance(value, str) else "", state)

        def adjust(*values: Any) -> tuple[Any, ...]:
            *weights, ucs, cons, known, out, state = values
            state = state or Session(advisor.chat(), welcome())
            previous = state.chat.needs or Needs()
            needs = Needs(  # only what the table knows, weights clamped: these values come from the client
                priorities={cid: min(1.0, float(w)) for (cid, _), w in zip(criteria, weights) if isinstance(w, (int, float)) and w > 0},
                use_cases=frozenset(ucs or ()) & set(table.use_cases), constraints=frozenset(cons or ()) & set(table.constraints),
                skills=frozenset(known or ()) & set(langs), excluded=frozenset(out or ()) & set(langs),
                mentioned=previous.mentioned, outside=previous.outside,
            )
            implied = getattr(previous, "implied", None)
            if implied:  # a weight a use case implied and the user left as it was stays implied (it leaves with the use case)
                needs = replace(needs, implied=frozenset(c for c in implied if c in needs.priorities
                                                         and abs(needs.priorities[c] - previous.priorities.get(c, -1.0)) < 1e-9))
            state.chat.needs = needs  # the next question starts from what the user set here
            ranking = rules.score(needs, table)
            rob = robustness(needs, table, ranking) if ranking.recommendation else None
            flip_text = ranking.flip.change if ranking.flip else None
            stale_note, again_btn = hide, hide
            if state.answered is not None and _key(needs) != state.answered[0]:
                before, now = state.answered[1], ranking.recommendation
                if before and now and before != now:
                    what = f"it recommends {inert(before)}; with these priorities the pick is **{inert(now)}**"
                elif now:
                    what = f"the pick is still {inert(now)}, but the reasons have changed"
                else:
                    what = "with these priorities there is no pick"
                stale_note = gr.update(value=f"⚠ **The answer above is out of date:** it was written before you changed the priorities ({what}).",
                                       visible=True)
                again_btn = gr.update(visible=True)
            return (pick_markdown(ranking.recommendation, advisor.backend), scorecard_html(ranking.scores, ranking.recommendation, table),
                    flip_markdown(flip_text, ranking.recommendation), needs_summary(needs, table), state, stale_note, again_btn,
                    firmness_update(rob), decision_link(state.chat, ranking.recommendation))

        def reset(state: Session | None) -> tuple[Any, ...]:  # noqa: ARG001 - "New conversation" and the chat's Clear alike
            fresh = Session(advisor.chat(), welcome())
            if state is not None:
                state.stopping = True  # an answer still being written stops
            return (fresh.messages, "", fresh, "", hide, hide, "", gr.skip(), *side_for(None, (), None, None, advisor.backend), *hide_stop)

        def on_stop(state: Session | None) -> None:
            """Stop the answer being written: its stream ends at the next piece, what was shown stays, marked stopped,
            and the advisor keeps no turn of it. (A flag the streaming loop reads, not Gradio's cancels: those reset
            the chat to its first value.)"""
            if state is not None:
                state.stopping = True

        store = FeedbackStore(advisor.settings.home)

        def on_like(state: Session | None, data: gr.LikeData) -> tuple[Any, ...]:
            index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
            info = state.answers.get(int(index)) if state is not None and isinstance(index, int) else None
            if info is None:  # the welcome or a prompt: nothing to rate
                return (state, gr.update(visible=False), "")
            turn, q, a, pick_, backend = info
            try:
                if data.liked in (True, False):
                    state.last_rated = store.rate(bool(data.liked), question=q, answer=a, pick=pick_, backend=backend, session=state.id,
                                                  turn=turn, id=state.rated.get(turn))
                    state.rated[turn] = state.last_rated
                else:  # the same thumb clicked again: the rating is withdrawn
                    if turn in state.rated:
                        store.remove(state.rated.pop(turn))
                    state.last_rated = None
                    return (state, gr.update(visible=False), "Rating withdrawn.")
            except Exception as exc:  # noqa: BLE001 - feedback must never break the chat
                log.warning("feedback not stored: %s", type(exc).__name__)
                return (state, gr.update(visible=False), "⚠ Your rating could not be stored.")
            return (state, gr.update(visible=True), "")

        def on_comment(text: str | None, state: Session | None) -> tuple[Any, ...]:
            text = (text if isinstance(text, str) else "").strip()
            if state is None or state.last_rated is None:
                return ("", gr.update(visible=False), "")
            if text:
                try:
                    store.comment(state.last_rated, text)
                except Exception as exc:  # noqa: BLE001
                    log.warning("feedback comment not stored: %s", type(exc).__name__)
                    return (gr.skip(), gr.skip(), "⚠ Your comment could not be stored.")
            return ("", gr.update(visible=False), "Thanks, your feedback was saved.")

        def ask_api(question: str) -> dict:
            """One question, no memory: the Reply as JSON (same as POST /api/ask)."""
            try:
                return advisor.ask(question if isinstance(question, str) else "").to_dict()
            except StackAdvisorError as exc:
                raise gr.Error(str(exc)) from None

        outs = [chatbot, question, session, note, stale, again, cards, needs_box, *side, send, stop]
        answer_opts = {"concurrency_limit": concurrency, "concurrency_id": "answer", "show_progress": "hidden", "trigger_mode": "once"}
        question.submit(respond, [question, session], outs, api_name="chat", **answer_opts)
        send.click(respond, [question, session], outs, api_name="chat_click", api_visibility="private", **answer_opts)
        again.click(respond_again, [session], outs, api_name="answer_again", api_visibility="private", **answer_opts)
        for q, b in zip(EXAMPLES, example_buttons):
            b.click(example(q), [session], outs, api_visibility="private", **answer_opts)
        rerank_out = [pick, scorecard, flip, summary, session, stale, again, firm, adr]
        for s in sliders:  # input: drag, keys and the number box; always_last keeps a drag to one pending call
            s.input(adjust, [*controls, session], rerank_out, api_visibility="private", concurrency_id="rerank",
                    concurrency_limit=concurrency * 2, show_progress="hidden", trigger_mode="always_last")
        for group in (use_cases, constraints, skills, excluded):
            group.input(adjust, [*controls, session], rerank_out, api_visibility="private", concurrency_id="rerank",
                        concurrency_limit=concurrency * 2, show_progress="hidden", trigger_mode="always_last")
        gr.api(_rerank_api(advisor), api_name="rerank")
        for cleared in (new.click(reset, [session], outs, api_name="new_conversation", show_progress="hidden"),
                        chatbot.clear(reset, [session], outs, api_visibility="private", show_progress="hidden")):  # the trash icon too
            cleared.then(lambda: (gr.update(visible=False), ""), None, [feedback_row, feedback_note], api_visibility="private",
                         show_progress="hidden")
        chatbot.option_select(on_option, [session], outs, api_visibility="private", **answer_opts)
        stop.click(on_stop, [session], None, api_visibility="private", show_progress="hidden", queue=False)
        chatbot.like(on_like, [session], [session, feedback_row, feedback_note], api_visibility="private", show_progress="hidden")
        for trigger in (comment.submit, comment_send.click):
            trigger(on_comment, [comment, session], [comment, feedback_row, feedback_note], api_visibility="private", show_progress="hidden")
        gr.api(ask_api, api_name="ask", concurrency_limit=concurrency, concurrency_id="answer")
    return demo


def _weight(name: str, value: Any) -> float:
    """A client-sent weight as a number in [0, 1] (1e308 is 1, -5 is 0); anything else a clear error, never an
    Infinity or NaN score."""
    import math

    try:
        w = float(value)
    except (TypeError, ValueError):
        w = math.nan
    if isinstance(value, bool) or not math.isfinite(w) and not (isinstance(value, (int, float)) and math.isinf(w)):
        raise gr.Error(f"The weight of {name!r} must be a number between 0 and 1, not {str(value)[:40]!r}.")
    return min(1.0, max(0.0, w))


def _rerank_api(advisor: Any):  # noqa: ANN202
    table = advisor.table

    def rerank(priorities: dict, use_cases: list, constraints: list) -> list:
        """Re-rank for given needs without asking anything: [[language, score], ...] best first."""
        needs = Needs(priorities={k: w for k, v in (priorities or {}).items() if k in table.criteria and (w := _weight(k, v)) > 0},
                      use_cases=frozenset(u for u in use_cases or () if u in table.use_cases),
                      constraints=frozenset(c for c in constraints or () if c in table.constraints))
        return [[lang, round(score, 3)] for lang, score in rules.score(needs, table).pairs()]

    return rerank


def theme() -> Any:
    """Gradio's Soft theme with text and controls at WCAG AA contrast (4.5:1 for small text) in light and dark."""
    base = gr.themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    return base.set(
        body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_300",
        block_label_text_color="*primary_700", block_title_text_color="*primary_700",
        block_info_text_color="*neutral_600", block_info_text_color_dark="*neutral_300",
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        button_primary_background_fill_dark="*primary_600", button_primary_background_fill_hover_dark="*primary_700",
        link_text_color="*primary_700", link_text_color_dark="*primary_300",
        link_text_color_visited="*primary_700", link_text_color_visited_dark="*primary_300",
        link_text_color_hover="*primary_800", link_text_color_hover_dark="*primary_200",
        checkbox_label_background_fill_selected="*primary_600", checkbox_label_background_fill_selected_dark="*primary_600",
        checkbox_label_text_color_selected_dark="white",
    )


def mount(app: Any, advisor: Any, settings: Any) -> Any:
    """Mount the UI at "/" on the FastAPI app: queue limits, no share link, no analytics, no SSR, no run history."""
    demo = build(advisor, concurrency=settings.concurrency)
    demo.state_session_capacity = MAX_SESSIONS
    demo.queue(max_size=settings.queue, default_concurrency_limit=settings.concurrency)
    return gr.mount_gradio_app(app, demo, path="/", footer_links=["api"], run_history=False, ssr_mode=False, mcp_server=False,
                               pwa=False, enable_monitoring=False, max_file_size=1024, show_error=False, theme=theme(), css=CSS, js=JS,
                               server_name="127.0.0.1")
