"""The Gradio UI: the chat on the left; on the right the needs the advisor inferred, as controls, and the scorecard.

    question ─▶ Chat.stream (per tab) ─▶ streamed answer ─▶ pick + verification badge + sources (collapsible)
                                      └▶ needs ─▶ sliders / toggles ─(user moves one)─▶ rules.score ─▶ scorecard

Everything shown is inert: user and model text is HTML-escaped, markdown images and non-http links are
removed before rendering (no remote fetches), the Chatbot sanitizes HTML as a second layer, and the HTML
built here (the scorecard, the source cards, the decision view) escapes every value. Each browser tab has its own
Session in gr.State: only its conversation (messages, turns, the Chat's history and dialogue state); the advisor is
the app's, one object that SessionChat looks up in a registry, so no session holds, copies or pickles it.

Issue 13: Clear (the trash icon) and "New conversation" reset the same way; a control change marks the answer
above out of date and offers "Answer again with these priorities"; each answer carries its verification badge,
its cited sources (only those, numbered as in the text) and its reasoning steps as collapsible messages; [n] in an
answer opens source card n (the passage, its section, the cited sentence marked: JS below); a clarifying question
offers clickable replies; the thumbs under an answer store feedback (feedback.py); the theme meets WCAG AA.
Retry (under the last answer), Edit (any question) and Undo (the last question) cut the conversation back to before
a user message and rebuild the advisor's state by replaying the turns kept (replay: each turn read again against
the needs it started from, the answers not written again); retry and edit then ask again. The browser keeps the
conversation (gr.BrowserState in localStorage, the last MAX_SAVED_TURNS turns): a reload shows it again and replays
its turns, a new conversation clears it; what comes back is checked before it is shown (safe_message). The decision
view above the folded controls has the languages side by side on the table's criteria, the weights and the pick.
A message sent while an answer is being written waits in the tab's queue and is answered after it (Stop hands it back
to the box); trigger_mode "once" dropped it without a word.

Issue 14: under the pick, "How firm" (decision.robustness: its summary, P(win) per language as bars, the tornado of
weight ranges as a table); a pick that is not firm offers the trade-off answers that would settle it as clickable
replies; "Download decision record" is the conversation's ADR (adr.py) as an HTML file, in a data: link (no file route).
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import logging
import os
import re
import threading
import time
import unicodedata
import uuid
import weakref
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

import gradio as gr

from . import rules
from .advisor import Chat, Reply, clean_question, resolve_references
from .compose import table_markdown
from .decision import robustness
from .errors import StackAdvisorError
from .feedback import FeedbackStore
from .markup import inert, sanitize  # (one sanitiser for the UI and the LLM writers)
from .rules import Needs
from .rules.dialogue import read_turn

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
/* Issue 13: the decision view (languages side by side on the table's criteria, the weights, the pick). */
.sa-decision { overflow-x: auto; }
#decision .sa-matrix { width: 100%; border: none; border-collapse: collapse; font-size: 0.85rem; line-height: 1.3; font-variant-numeric: tabular-nums; margin: 0; table-layout: fixed; }
#decision .sa-matrix caption { text-align: left; padding: 0 0 4px 0; color: var(--body-text-color); caption-side: top; }
#decision .sa-matrix th, #decision .sa-matrix td { padding: 3px 4px; border-width: 1px 0 0 0; border-style: solid; border-color: var(--border-color-primary);
                               text-align: left; vertical-align: top; word-break: normal; overflow-wrap: normal; hyphens: manual; background: none; }
#decision .sa-matrix thead th { border-top: none; font-weight: 600; white-space: nowrap; }
#decision .sa-matrix thead th:first-child { width: 27%; }
#decision .sa-matrix tbody th, #decision .sa-matrix tfoot th { font-weight: 600; }
#decision .sa-weight { display: block; font-weight: normal; font-size: 0.9em; white-space: nowrap; }
#decision .sa-unset { color: var(--body-text-color-subdued); font-style: italic; }
#decision .sa-rating { display: block; }
#decision .sa-dots { display: inline-flex; gap: 2px; vertical-align: middle; }
#decision .sa-dots i { display: inline-block; width: 6px; height: 6px; border-radius: 50%; box-shadow: inset 0 0 0 1px var(--body-text-color-subdued); }
#decision .sa-dots i.on { background: var(--body-text-color); box-shadow: none; }
#decision .sa-pts { font-size: 0.9em; white-space: nowrap; }
#decision .sa-matrix .sa-pick { background: var(--background-fill-secondary); box-shadow: inset 2px 0 0 var(--color-accent), inset -2px 0 0 var(--color-accent); }
#decision .sa-pick-tag { display: block; font-size: 0.75em; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; }
#decision .sa-matrix tfoot th, #decision .sa-matrix tfoot td { border-top-width: 2px; }
#decision .sa-rank { font-size: 0.9em; color: var(--body-text-color-subdued); }
#queue-note:empty { display: none; }
#queue-note p { margin: 0; font-weight: 600; }
#new-row { align-items: center; gap: 10px; }
#kept-note p { margin: 0; font-size: 0.85em; color: var(--body-text-color-subdued); }
/* Retry and undo are offered under the last answer; the welcome alone has nothing to answer again. */
#chat:not(:has([data-testid="user"])) .message-buttons button[aria-label="Retry"],
#chat:not(:has([data-testid="user"])) .message-buttons button[aria-label="Undo"] { display: none; }
@media (max-width: 640px) {
  #chat { height: max(260px, calc(100dvh - 540px)) !important; }
  #decision .sa-matrix { font-size: 0.78rem; }
  #decision .sa-matrix th, #decision .sa-matrix td { padding: 3px 2px; }
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


class SessionChat(Chat):
    """A Chat that names the app's advisor instead of holding it. The advisor (its index, embedder and writer) is
    one object for every tab, kept in a module-level registry; a tab's session state holds only its conversation
    (history, dialogue state, replies), so copying or serializing a session never touches the advisor."""

    _advisor_key: int = 0

    @property  # type: ignore[override]
    def advisor(self) -> Any:
        advisor = _ADVISORS.get(self._advisor_key)
        if advisor is None:  # the app that made this session is gone
            raise StackAdvisorError("This conversation belongs to an app that is no longer running: reload the page.")
        return advisor

    @advisor.setter
    def advisor(self, advisor: Any) -> None:
        self._advisor_key = register_advisor(advisor)


_ADVISORS: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()  # key -> the app's advisor
_ADVISOR_KEYS = itertools.count(1)
_REGISTRY_LOCK = threading.Lock()


def register_advisor(advisor: Any) -> int:
    """The registry key of an app's advisor (registered on first use; it leaves the registry with its app)."""
    with _REGISTRY_LOCK:
        for key, known in list(_ADVISORS.items()):
            if known is advisor:
                return key
        key = next(_ADVISOR_KEYS)
        _ADVISORS[key] = advisor
        return key


@dataclass
class Turn:
    """One user message of a tab, as much as it takes to rebuild the conversation from it (retry, edit, undo, a reload)."""

    question: str  # the text the advisor read
    shown: str  # the text of its bubble
    at: int  # the index of its user message in Session.messages (negative once scrolled off the top)
    before: dict[str, Any] | None = None  # the needs just before it was read (set by the turns before it or in the panel)
    kept: bool = False  # the advisor remembered it (answered; not stopped, failed or empty)
    answer: str = ""  # the answer's text, as the advisor keeps it in its history
    turn: int = 0  # the answer's number (its source cards are #sa-src-<turn>-<n>)
    pick: str | None = None
    backend: str = ""
    sources: dict[int, dict[str, str]] = field(default_factory=dict)  # the cited sources (n -> passage), for the cards after a reload

    def to_json(self) -> dict[str, Any]:
        return {"q": self.question, "shown": self.shown, "at": self.at, "before": self.before, "kept": self.kept, "a": self.answer,
                "turn": self.turn, "pick": self.pick, "backend": self.backend, "sources": {str(n): s for n, s in self.sources.items()}}


@dataclass
class Session:
    """One browser tab: its conversation with the advisor and what is on screen. Small and plain: the advisor is
    the app's (SessionChat looks it up), so Gradio's per-session state never holds, copies or pickles it."""

    chat: SessionChat
    messages: list[dict[str, Any]] = field(default_factory=list)
    turn: int = 0  # answers given so far: numbers the source cards of each answer (#sa-src-<turn>-<n>)
    cards: list[str] = field(default_factory=list)  # the source cards (HTML) of the recent answers
    answered: Any = None  # the Needs and pick the last answer was written for (the panel is stale when they differ)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # names the conversation in the feedback store
    answers: dict[int, tuple[int, str, str, str | None, str]] = field(default_factory=dict)  # message index -> (turn, q, a, pick, backend)
    rated: dict[int, int] = field(default_factory=dict)  # turn -> its feedback row id
    last_rated: int | None = None  # the row a comment goes to
    stopping: bool = False  # Stop was pressed while an answer is being written
    closed: bool = False  # replaced by a new conversation: an answer still being written shows nothing more
    turns: list[Turn] = field(default_factory=list)  # the user messages, oldest first (what retry, edit and a reload replay)
    panel: dict[str, Any] | None = None  # needs set in the panel since the last message (JSON), None when untouched
    owner: int = 0  # the answering run that has this tab (0: none); a message sent meanwhile waits in `waiting`
    waiting: list[str] = field(default_factory=list)  # messages sent while an answer was being written, in order
    asking: str = ""  # the message being answered, and when it started (a double submit of it is not queued)
    asked_at: float = 0.0


MAX_CARD_TURNS = 30  # answers whose source cards stay openable
_BUSY = threading.Lock()  # guards Session.owner and Session.waiting (events of one tab run in parallel threads)
_RUNS = itertools.count(1)  # answering runs, each its own owner token
DOUBLE_SEND = 2.0  # seconds: the message being answered, sent again this soon, is a double submit


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


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
    out: list[dict[str, Any]] = [{"role": "assistant", "content": answer_markdown(reply, turn, cited) + notices}]
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


# ---- the conversation rebuilt from its user turns (retry, edit, undo, a reload)


def needs_json(needs: Needs | None) -> dict[str, Any] | None:
    """Needs as plain JSON (every field, so a replay starts from exactly these)."""
    if needs is None:
        return None
    return {"priorities": {k: float(v) for k, v in sorted(needs.priorities.items())}, "use_cases": sorted(needs.use_cases),
            "constraints": sorted(needs.constraints), "skills": sorted(needs.skills), "excluded": sorted(needs.excluded),
            "mentioned": list(needs.mentioned), "outside": list(needs.outside)[:20], "dropped": sorted(needs.dropped),
            "implied": sorted(needs.implied)}


def needs_from_json(data: Any, table: Any) -> Needs | None:
    """needs_json read back, keeping only what the table knows (the data may come back from a browser)."""
    if not isinstance(data, dict):
        return None
    langs = set(table.languages)

    def ids(key: str, known: Any) -> frozenset[str]:
        value = data.get(key)
        return frozenset(x for x in value if isinstance(x, str) and x in known) if isinstance(value, list) else frozenset()

    raw = data.get("priorities")
    priorities = {k: min(1.0, max(0.0, float(w))) for k, w in raw.items()
                  if k in table.criteria and isinstance(w, (int, float)) and not isinstance(w, bool) and w == w and w > 0} if isinstance(raw, dict) else {}
    known = set(table.criteria) | set(table.use_cases) | set(table.constraints)
    mentioned = tuple(x for x in data.get("mentioned") or () if isinstance(x, str) and x in langs) if isinstance(data.get("mentioned"), list) else ()
    outside = tuple(x[:40] for x in data.get("outside") or () if isinstance(x, str))[:20] if isinstance(data.get("outside"), list) else ()
    return Needs(priorities=priorities, use_cases=ids("use_cases", table.use_cases), constraints=ids("constraints", table.constraints),
                 skills=ids("skills", langs), excluded=ids("excluded", langs), mentioned=mentioned, outside=outside,
                 dropped=ids("dropped", known), implied=ids("implied", priorities))


def replay(advisor: Any, turns: list[Turn], panel: dict[str, Any] | None = None) -> SessionChat:
    """A conversation rebuilt from its user turns: each kept turn read again against the state before it (the same
    reading and ranking the advisor's Chat does, without writing the answer again: its text is the one shown), with
    the needs each turn started from (so a weight set in the panel between turns is set again at the same point)."""
    chat = SessionChat(advisor)
    kept = [i for i, t in enumerate(turns) if t.kept]
    if len(kept) > chat.MAX_HISTORY:  # the turns a Chat keeps; the needs of the older ones are in the first one's `before`
        turns = turns[kept[-chat.MAX_HISTORY]:]
    table, limit = advisor.table, int(advisor.settings.max_input_chars)
    meaning = advisor.meaning() if any(t.kept for t in turns) else None
    for t in turns:
        before = needs_from_json(t.before, table)
        if before is not None:
            chat.needs = before
        if not t.kept:
            continue
        try:
            text = clean_question(t.question, limit)
        except StackAdvisorError:
            continue
        if not text:
            continue
        question = resolve_references(text, chat.state.topic, advisor.knowledge)
        reading = read_turn(question, table, chat.state, meaning)
        ranking = rules.score(reading.needs, table, reading.intent)
        reply = Reply(answer=t.answer, recommendation=ranking.recommendation, ranking=ranking.pairs(), sources=[], checks=[], question=question,
                      scores=ranking.scores, needs=reading.needs, intent=reading.intent, flip=ranking.flip.change if ranking.flip else None,
                      backend=t.backend or str(advisor.backend), state=chat.state.after(reading.needs, reading.intent, ranking, question))
        chat.history.append((reply.question, reply.answer))
        del chat.history[: -chat.MAX_HISTORY]
        chat.state = reply.state
        chat.replies.append(reply)
        del chat.replies[: -chat.MAX_HISTORY]
    after = needs_from_json(panel, table)
    if after is not None:
        chat.needs = after
    return chat


CLEARED = {"v": 0}  # what the browser keeps after a new conversation (Gradio stores no null: it would keep the old one)
MAX_SAVED_TURNS = 30  # user turns a browser keeps of its conversation (localStorage has a few MB per site)
MAX_SAVED_CHARS = 20_000  # characters of one saved message
MAX_SAVED_BYTES = 400_000  # the saved conversation, as JSON: the page sends it back on load (a request the web guard caps at 1 MB)
_META_KEYS = ("title", "log", "status", "id", "parent_id")


def _safe_text(text: Any, limit: int = MAX_SAVED_CHARS) -> str | None:
    """Saved text shown again: as it was when it is what this UI renders (inert markdown: no raw HTML, no image, no
    unsafe link); anything else (a tampered browser copy) shown as plain text."""
    if not isinstance(text, str):
        return None
    text = text[:limit]
    if "<" in text or sanitize(text, html="escape")[1]:
        return inert(text)
    return text


def safe_message(m: Any) -> dict[str, Any] | None:
    """A saved chat message checked before it is shown again: its role, text, metadata and options, nothing else."""
    if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
        return None
    content = _safe_text(m.get("content"))
    if content is None:
        return None
    out: dict[str, Any] = {"role": m["role"], "content": content}
    meta = m.get("metadata")
    if isinstance(meta, dict):
        kept = {k: t for k in _META_KEYS if (t := _safe_text(meta.get(k), 300)) is not None}
        if kept.get("status") not in (None, "done", "pending"):
            kept.pop("status")
        if kept:
            out["metadata"] = kept
    options = m.get("options")
    if isinstance(options, list):
        opts = [{"label": lab, "value": val} for o in options[:12] if isinstance(o, dict)
                and (lab := _safe_text(o.get("label"), 300)) and (val := _safe_text(o.get("value"), 300))]
        if opts:
            out["options"] = opts
    return out


def _turn_from_json(d: Any) -> Turn | None:
    if not isinstance(d, dict) or not isinstance(d.get("q"), str) or not isinstance(d.get("at"), int):
        return None
    sources: dict[int, dict[str, str]] = {}
    raw = d.get("sources")
    if isinstance(raw, dict):
        for n, src in list(raw.items())[:40]:
            if str(n).isdigit() and 0 < int(n) <= 100 and isinstance(src, dict):
                sources[int(n)] = {k: str(src.get(k) or "")[:8000] for k in ("section", "title", "text", "source", "kb")}
    pick = d.get("pick")
    return Turn(question=d["q"][:100_000], shown=str(d.get("shown") or d["q"])[:100_000], at=d["at"],
                before=d.get("before") if isinstance(d.get("before"), dict) else None, kept=d.get("kept") is True,
                answer=str(d.get("a") or "")[:MAX_SAVED_CHARS], turn=d["turn"] if isinstance(d.get("turn"), int) else 0,
                pick=pick if isinstance(pick, str) else None, backend=str(d.get("backend") or "")[:80], sources=sources)


def snapshot(state: Session, keep: int = MAX_SAVED_TURNS) -> dict[str, Any]:
    """What the browser keeps of a conversation (gr.BrowserState, in localStorage): the messages on screen and the
    user turns that rebuild the advisor's state, the last `keep` of them (fewer when they are long)."""
    turns = state.turns[-keep:]
    start = 0 if len(state.turns) <= keep or not turns else max(turns[0].at, 0)  # the whole conversation keeps its welcome
    shifted = [Turn(**{**t.__dict__, "at": t.at - start}).to_json() for t in turns]
    data = {"v": 1, "id": state.id, "turn": state.turn, "panel": state.panel, "messages": state.messages[start:], "turns": shifted}
    if len(turns) > 1 and len(json.dumps(data)) > MAX_SAVED_BYTES:  # the oldest turns go first (the page sends it back on load)
        return snapshot(state, len(turns) // 2)
    return data


def source_shim(t: Turn) -> Any:
    """A Reply-like object with a saved turn's cited sources, for source_cards() after a reload."""
    size = max(t.sources, default=0)
    empty = SimpleNamespace(section="", title="", text="", source="", kb="builtin")
    sources = [SimpleNamespace(**t.sources[n]) if n in t.sources else empty for n in range(1, size + 1)]
    return SimpleNamespace(answer=t.answer, sources=sources)


# ---- issue 13: the decision view (the four languages side by side on the table's criteria, the weights, the pick)


def decision_html(needs: Needs | None, scores: tuple[Any, ...], recommendation: str | None, table: Any) -> str:
    """The decision at a glance: one column per language (the table's order), one row per criterion with the weight
    it has now and each language's rating on it (and the points that earns), the rest of the fit (use cases,
    constraints, team skills, ruled out), the fit score with its rank, and the pick's column marked."""
    needs = needs or Needs()
    langs = list(table.languages)
    by_lang = {s.language: s for s in scores}
    ranks = {s.language: i for i, s in enumerate(scores, start=1)}

    def points(lang: str, key: str | None = None) -> float | None:
        """The points a language earns from criterion `key`, or (key None) from everything but the criteria."""
        s = by_lang.get(lang)
        if s is None:
            return None
        return sum(c.points for c in s.breakdown if (c.kind == "criterion" and c.key == key if key else c.kind != "criterion"))

    def col(lang: str) -> str:
        return ' class="sa-pick"' if lang == recommendation else ""

    head = "".join(f'<th scope="col" data-language="{esc(n)}"{col(n)}>{esc(n)}'
                   f'{"<span class=sa-pick-tag>pick</span>" if n == recommendation else ""}</th>' for n in langs)
    rows = []
    for cid, c in table.criteria.items():
        w = needs.priorities.get(cid, 0.0)
        cells: list[str] = []
        for n in langs:
            lang = table.languages[n]
            level_name = lang.cells.get(cid, "")
            scale = list(c.scale)
            level = scale.index(level_name) + 1 if level_name in scale else 0
            pts = points(n, cid) if w > 0 else None
            dots = "".join(f'<i class="{"on" if i < level else ""}"></i>' for i in range(len(scale)))
            extra = f' <span class="sa-pts">{pts:+.1f}</span>' if pts else ""
            cells.append(f'<td data-language="{esc(n)}" data-level="{level}" title="{esc(lang.cell_text(cid) or level_name)}"{col(n)}>'
                         f'<span class="sa-rating">{esc(level_name or "–").replace("/", "/<wbr>")}</span><span class="sa-dots" aria-hidden="true">{dots}</span>{extra}</td>')
        weight = f"weight {w:.2f}" if w > 0 else "not set"
        rows.append(f'<tr data-criterion="{esc(cid)}"><th scope="row" data-weight="{w:.2f}">{esc(c.label)}'
                    f'<span class="sa-weight{" sa-unset" if w <= 0 else ""}">{weight}</span></th>{"".join(cells)}</tr>')
    other = {n: points(n) for n in langs}
    if any(other.values()):
        row = "".join(f'<td data-language="{esc(n)}"{col(n)}>'
                      f'{"ruled out" if n in needs.excluded else f"{other[n]:+.1f}" if other[n] else "–"}</td>' for n in langs)
        rows.append(f'<tr data-criterion="other"><th scope="row">Use cases, constraints, skills</th>{row}</tr>')
    foot = ""
    if scores:
        fit = "".join(f'<td data-language="{esc(n)}"{col(n)}><b>{by_lang[n].total:.1f}</b> <span class="sa-rank">#{ranks[n]}</span></td>'
                      if n in by_lang else f"<td{col(n)}>–</td>" for n in langs)
        foot = f'<tfoot><tr><th scope="row">Fit score</th>{fit}</tr></tfoot>'
    if recommendation:
        caption = f"Decision: <b>{esc(recommendation)}</b>, on the table's criteria with the weights set now"
    else:
        caption = "Decision: no pick yet. The weights fill in as you say what matters"
    return (f'<div class="sa-decision" id="sa-decision" data-pick="{esc(recommendation or "")}" tabindex="0" role="region" '
            f'aria-label="Decision view">'
            f'<table class="sa-matrix"><caption>{caption}</caption><thead><tr><th scope="col">Criterion</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody>{foot}</table></div>')


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
    register_advisor(advisor)
    # The browser's copy of a conversation is encrypted with this (Gradio does it in the page, so it hides nothing
    # from the page itself); one per data home, so a restarted server still reads what its browsers kept.
    secret = hashlib.sha256(f"stackadvisor-ui:{os.path.abspath(str(advisor.settings.home))}".encode()).hexdigest()[:32]

    def welcome() -> list[dict[str, Any]]:
        """The first message of every conversation (it also makes the browser load the chat renderer up front)."""
        measures = ", ".join(c.measures or c.label.lower() for _, c in criteria)
        return [{"role": "assistant", "content": inert(
            f"Tell me what you are building, what matters most ({measures}) and which of {', '.join(langs[:-1])} or {langs[-1]} "
            f"your team knows. I'll recommend one, score all {len(langs)} with the reasons, and check every claim against the "
            "article's comparison table.")}]

    def fresh() -> Session:
        return Session(SessionChat(advisor), welcome())

    with gr.Blocks(title="stackadvisor", analytics_enabled=False, fill_width=True) as demo:
        session = gr.State(None, time_to_live=SESSION_TTL)
        saved = gr.BrowserState(None, storage_key="stackadvisor-conversation", secret=secret)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                gr.Markdown(f"# stackadvisor\nChoose a backend language ({inert(', '.join(langs))}), grounded in one comparison article; "
                            f"every claim is checked against its table. Answers: **{inert(mode_label(advisor.backend))}**", elem_id="backend")
                chatbot = gr.Chatbot(welcome(), elem_id="chat", height="max(320px, calc(100vh - 470px))", sanitize_html=True,  # type: ignore[arg-type]
                                     render_markdown=True, allow_tags=False, latex_delimiters=[], show_label=False, label="Conversation",
                                     buttons=["copy"], feedback_options=("Like", "Dislike"), editable="user")
                stale = gr.Markdown("", elem_id="stale", visible=False)
                again = gr.Button("Answer again with these priorities", elem_id="answer-again", size="sm", visible=False)
                with gr.Row():
                    question = gr.Textbox(elem_id="question", show_label=False, label="Your question", scale=5, lines=1, max_lines=6,
                                          autofocus=True, placeholder="Describe your project, or ask a question")
                    send = gr.Button("Ask", elem_id="send", variant="primary", scale=1, min_width=80)
                    stop = gr.Button("Stop", elem_id="stop", variant="stop", scale=1, min_width=80, visible=False)
                note = gr.Markdown("", elem_id="input-note")
                queued = gr.Markdown("", elem_id="queue-note")
                with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
                    comment = gr.Textbox(elem_id="feedback-comment", label="Thanks! Add a comment (optional)", scale=5, lines=1,
                                         max_lines=4, placeholder="What was good or wrong about this answer?")
                    comment_send = gr.Button("Send comment", elem_id="feedback-send", size="sm", scale=1, min_width=80)
                feedback_note = gr.Markdown("", elem_id="feedback-note")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", scale=0, min_width=0, elem_classes=["sa-example"])
                                       for q in EXAMPLES]
                with gr.Row(elem_id="new-row"):
                    new = gr.Button("New conversation", elem_id="new-chat", size="sm", scale=0)
                    gr.Markdown("This conversation is kept in this browser until you start a new one.", elem_id="kept-note")
            with gr.Column(scale=2, min_width=300, elem_id="side"):
                pick = gr.Markdown(pick_markdown(None, advisor.backend), elem_id="pick")
                decision = gr.HTML(decision_html(None, (), None, table), elem_id="decision")
                firm = gr.HTML("", elem_id="firmness", visible=False)
                adr = gr.HTML("", elem_id="adr", visible=False)
                scorecard = gr.HTML(scorecard_html((), None, table), elem_id="scorecard", js_on_load=None)
                flip = gr.Markdown("", elem_id="flip")
                summary = gr.Markdown(needs_summary(None, table), elem_id="needs-summary")
                with gr.Accordion("What matters: inferred from the conversation; adjust to re-rank", open=False, elem_id="needs"):
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
        side = [pick, *controls, scorecard, flip, summary, firm, adr, decision]
        keep_side = [gr.skip()] * len(side)
        hide = gr.update(visible=False)
        skip = gr.skip()

        def side_for(needs: Needs | None, scores: tuple, recommendation: str | None, flip_text: str | None, backend: str,
                     rob: Any = None, chat: Any = None) -> list[Any]:
            shown = needs
            needs = needs or Needs()
            return [pick_markdown(recommendation, backend),
                    *[float(needs.priorities.get(cid, 0.0)) for cid, _ in criteria],
                    sorted(needs.use_cases & set(table.use_cases)), sorted(needs.constraints & set(table.constraints)),
                    [n for n in langs if n in needs.skills], [n for n in langs if n in needs.excluded],
                    scorecard_html(scores, recommendation, table), flip_markdown(flip_text, recommendation), needs_summary(shown, table),
                    firmness_update(rob), decision_link(chat, recommendation), decision_html(shown, scores, recommendation, table)]

        def side_of(chat: SessionChat) -> list[Any]:
            """The side panel for a conversation's needs now (after a replay): ranked as the last turn asked."""
            needs = chat.needs
            last = chat.replies[-1] if chat.replies else None
            intent = last.intent if last is not None and last.needs == needs else None
            ranking = rules.score(needs or Needs(), table, intent)
            rob = robustness(needs, table, ranking) if ranking.recommendation and needs is not None else None
            return side_for(needs, ranking.scores, ranking.recommendation, ranking.flip.change if ranking.flip else None,
                            advisor.backend, rob, chat)

        # outputs, by name: emit(chat=..., box=...) skips every output not named
        outs = [chatbot, question, session, note, stale, again, cards, *side, send, stop, queued, saved]
        names = ("chat", "box", "state", "note", "stale", "again", "cards")
        tail = ("send", "stop", "queued", "saved")

        def emit(side_values: list[Any] | None = None, **kw: Any) -> tuple[Any, ...]:
            unknown = set(kw) - set(names) - set(tail)
            assert not unknown, unknown
            return (*(kw.get(n, skip) for n in names), *(side_values or keep_side), *(kw.get(n, skip) for n in tail))

        answering: dict[str, Any] = {"send": gr.update(visible=False), "stop": gr.update(visible=True)}
        idle: dict[str, Any] = {"send": gr.update(visible=True), "stop": gr.update(visible=False)}

        def waiting_note(state: Session) -> str:
            if not state.waiting:
                return ""
            items = "; ".join(f"“{inert(_clip(t, 80))}”" for t in state.waiting)
            n = len(state.waiting)
            return f"Queued ({n} message{'s' if n != 1 else ''}): {items}. {'It is' if n == 1 else 'They are'} sent when the answer being written is finished."

        def answer(text: str, shown: str, state: Session, clear_box: bool) -> Generator[tuple[Any, ...], None, str]:
            """Ask the advisor and stream its answer into the chat. Returns (through StopIteration) how it ended:
            "done", "stopped", "failed", or "closed" (a new conversation replaced this one: nothing more is shown)."""
            record = Turn(question=text, shown=shown, at=len(state.messages), before=needs_json(state.chat.needs))
            state.panel = None
            messages = [*state.messages, {"role": "user", "content": inert(shown)}, {"role": "assistant", "content": ""}]
            state.stopping, state.asking, state.asked_at = False, text, time.monotonic()
            yield emit(chat=messages, box="" if clear_box else skip, state=state, note="", stale=hide, again=hide,
                       queued=waiting_note(state), **answering)
            buf, reply, stopped = "", None, False
            stream: Any = state.chat.stream(text)
            try:
                for item in stream:
                    if state.stopping:  # Stop was pressed: end the stream here (an LLM's request is closed with it)
                        stream.close()
                        stopped = True
                        messages[-1] = {"role": "assistant", "content": (inert(buf) + "\n\n*(stopped)*").strip()}
                        break
                    if isinstance(item, str):
                        buf += item
                        messages[-1] = {"role": "assistant", "content": inert(buf)}
                        yield emit(chat=messages)
                    else:
                        reply = item
            except StackAdvisorError as exc:
                messages[-1] = {"role": "assistant", "content": f"⚠ {inert(exc)}"}
            except Exception as exc:  # noqa: BLE001 - the edge: a friendly line, the details in the log
                log.exception("UI answer failed: %s", type(exc).__name__)
                messages[-1] = {"role": "assistant", "content": "⚠ Something went wrong while answering. Try again; if it persists, check the server log."}
            if state.closed:
                return "closed"
            if reply is None:
                state.turns.append(record)
                keep_messages(state, messages)
                state.stopping = False
                yield emit(chat=state.messages, state=state, saved=snapshot(state), **idle)
                return "stopped" if stopped else "failed"
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
            record.kept, record.answer, record.turn = bool(reply.question), reply.answer, turn
            record.pick, record.backend = reply.recommendation, str(reply.backend)
            record.sources = {n: {k: str(getattr(reply.sources[n - 1], k) or "") for k in ("section", "title", "text", "source", "kb")}
                              for n in cited}
            state.turns.append(record)
            if reply.question:  # the thumbs under any of this answer's messages rate this answer
                info = (turn, reply.question, reply.answer, reply.recommendation, str(reply.backend))
                state.answers.update({i: info for i in range(first, len(messages))})
            keep_messages(state, messages)
            state.cards = [*state.cards, source_cards(reply, turn, cited)][-MAX_CARD_TURNS:]
            cards_html = "".join(state.cards)
            if reply.question:
                state.answered = (_key(reply.needs), reply.recommendation, reply.needs, reply.recommendation)
                yield emit(side_for(reply.needs, reply.scores, reply.recommendation, reply.flip, reply.backend, reply.robustness, state.chat),
                           chat=state.messages, state=state, stale=hide, again=hide, cards=cards_html, saved=snapshot(state), **idle)
            else:
                yield emit(chat=state.messages, state=state, cards=cards_html, saved=snapshot(state), **idle)
            return "done"

        def keep_messages(state: Session, messages: list[dict[str, Any]]) -> None:
            """The messages on screen, the oldest scrolled off past 4 * MAX_TURNS_SHOWN (indices move with them)."""
            if len(messages) > 4 * MAX_TURNS_SHOWN:
                cut = len(messages) - 4 * MAX_TURNS_SHOWN
                messages = messages[cut:]
                state.answers = {i - cut: v for i, v in state.answers.items() if i >= cut}
                for t in state.turns:
                    t.at -= cut
                state.turns = state.turns[-4 * MAX_TURNS_SHOWN:]
            state.messages = messages

        def claim(state: Session, text: str | None) -> int:
            """This event's hold on the tab (a token), or 0 while an answer is being written: then a message waits in
            state.waiting (answered after it, in order) and anything else (retry, edit, undo) is refused."""
            with _BUSY:
                if not state.owner:
                    state.owner = next(_RUNS)
                    return state.owner
                if text is not None and text == state.asking and time.monotonic() - state.asked_at < DOUBLE_SEND:
                    return -1  # a double submit (Enter and a click on Ask): the message is being answered already
                if text is not None:
                    state.waiting.append(text)
            return 0

        def release(state: Session, token: int) -> None:
            with _BUSY:
                if state.owner == token:
                    state.owner = 0

        def run(state: Session, token: int, first: Callable[[], Generator[tuple[Any, ...], None, str]]) -> Iterator[tuple[Any, ...]]:
            """One answering run of a tab (it holds `token`): the first answer, then each message sent while it was
            written, in order. Stop hands the waiting messages back to the box instead."""
            try:
                how = yield from first()
                while how != "closed":
                    with _BUSY:
                        if how == "stopped" and state.waiting:
                            back, state.waiting = state.waiting, []
                        else:
                            back = []
                        following = state.waiting.pop(0) if state.waiting and how != "stopped" else None
                        if following is None:
                            state.owner = 0  # (the tab is free before the last yield: a message sent now starts a run of its own)
                    if back:
                        yield emit(box="\n\n".join(back), queued="", note="Not sent: you stopped the answer, so the message you queued "
                                   "is back in the box. Send it when you are ready.")
                    if following is None:
                        return
                    how = yield from answer(following, following, state, clear_box=False)
            finally:
                with _BUSY:
                    if state.owner == token:  # the run ended early (the tab went away, an error): free the tab
                        state.owner = 0
                        state.waiting.clear()

        def busy_note(what: str) -> tuple[Any, ...]:
            return emit(note=f"Not done: an answer is still being written. {what} when it is finished, or press Stop.")

        def respond(text: str | None, state: Session | None) -> Iterator[tuple[Any, ...]]:
            text = text if isinstance(text, str) else ""
            if not _visible_text(text):  # an empty send adds nothing: no bubble, no reply; only the box is emptied
                yield emit(box="")
                return
            if len(text) > limit:  # refused with a clear notice; the text stays in the box to be shortened
                yield emit(note=f"⚠ That message is {len(text):,} characters; the limit is {limit:,}. "
                                "Shorten it to the question itself and send it again.")
                return
            state = state or fresh()
            token = claim(state, text)
            if token < 0:
                return
            if not token:
                yield emit(box="", note="", queued=waiting_note(state))
                return
            yield from run(state, token, lambda: answer(text, text, state, clear_box=True))

        def respond_again(state: Session | None) -> Iterator[tuple[Any, ...]]:
            if state is None:
                return
            shown = f"↻ {AGAIN_QUESTION} (answer again with the priorities set in the panel)"
            token = claim(state, None)
            if not token:
                yield busy_note("Answer again")
                return
            yield from run(state, token, lambda: answer(AGAIN_QUESTION, shown, state, clear_box=False))

        def example(q: str):  # noqa: ANN202
            def run_example(state: Session | None) -> Iterator[tuple[Any, ...]]:
                yield from respond(q, state)
            return run_example

        def on_option(state: Session | None, data: gr.SelectData) -> Iterator[tuple[Any, ...]]:
            value = data.value.get("value") if isinstance(data.value, dict) else data.value
            yield from respond(value if isinstance(value, str) else "", state)

        # ---- retry, edit, undo: the conversation cut back to before a user message, the advisor's state rebuilt
        # by replaying the turns kept (replay), then (retry, edit) that message answered again

        def rewind(state: Session, index: int) -> Turn | None:
            """Cut the conversation back to just before its user message at `index`; the turn that message was."""
            pos = next((i for i, t in enumerate(state.turns) if t.at == index), None)
            if pos is None:
                return None
            turn = state.turns[pos]
            kept = state.turns[:pos]
            state.chat = replay(advisor, kept, turn.before)  # the needs that message was read against, panel changes included
            state.turns = kept
            state.panel = turn.before
            state.messages = state.messages[:index]
            state.answers = {i: v for i, v in state.answers.items() if i < index}
            last = state.chat.replies[-1] if state.chat.replies else None
            state.answered = (_key(last.needs), last.recommendation, last.needs, last.recommendation) if last is not None else None
            return turn

        def _index(data: Any) -> int | None:
            index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
            return index if isinstance(index, int) else None

        def on_retry(state: Session | None, data: gr.RetryData) -> Iterator[tuple[Any, ...]]:
            """The last answer written again: the same message, the conversation as it was before it."""
            index = _index(data)
            if state is None or index is None:
                return
            token = claim(state, None)
            if not token:
                yield busy_note("Retry")
                return
            turn = rewind(state, index)
            if turn is None:  # not a message of this conversation (scrolled off, or a stale page)
                release(state, token)
                yield emit(chat=state.messages, note="That message can no longer be answered again.")
                return
            yield from run(state, token, lambda: answer(turn.question, turn.shown, state, clear_box=False))

        def on_edit(state: Session | None, data: gr.EditData) -> Iterator[tuple[Any, ...]]:
            """An earlier question changed: the conversation from that point on is asked again with the new text."""
            index = _index(data)
            value = data.value
            if isinstance(value, list):  # [{"type": "text", "text": ...}] in some versions
                value = " ".join(str(v.get("text", "")) if isinstance(v, dict) else str(v) for v in value)
            text = value if isinstance(value, str) else ""
            if state is None or index is None:
                return
            token = claim(state, None)
            if not token:
                yield busy_note("Edit the question")
                return
            if not _visible_text(text) or len(text) > limit:  # the bubble goes back to what it was
                release(state, token)
                why = "an empty message cannot be sent" if not _visible_text(text) else f"it is {len(text):,} characters; the limit is {limit:,}"
                yield emit(chat=state.messages, note=f"⚠ The question was not changed: {why}.")
                return
            if rewind(state, index) is None:
                release(state, token)
                yield emit(chat=state.messages, note="That message can no longer be edited.")
                return
            yield from run(state, token, lambda: answer(text, text, state, clear_box=False))

        def on_undo(state: Session | None, data: gr.UndoData) -> tuple[Any, ...]:
            """The last question and its answer taken back; the question goes back into the box."""
            index = _index(data)
            if state is None or index is None:
                return emit()
            token = claim(state, None)
            if not token:
                return busy_note("Undo")
            try:
                turn = rewind(state, index)
            finally:
                release(state, token)
            if turn is None:
                return emit(chat=state.messages, note="That message can no longer be taken back.")
            return emit(side_of(state.chat), chat=state.messages, box=turn.question, state=state, note="", stale=hide, again=hide,
                        saved=snapshot(state))

        def stale_for(state: Session, needs: Needs | None, now: str | None) -> tuple[Any, Any]:
            """The out-of-date note and the "Answer again" button: shown when the panel's needs are not the ones the
            last answer was written for."""
            if state.answered is None or _key(needs) == state.answered[0]:
                return hide, hide
            before = state.answered[1]
            if before and now and before != now:
                what = f"it recommends {inert(before)}; with these priorities the pick is **{inert(now)}**"
            elif now:
                what = f"the pick is still {inert(now)}, but the reasons have changed"
            else:
                what = "with these priorities there is no pick"
            return (gr.update(value=f"⚠ **The answer above is out of date:** it was written before you changed the priorities ({what}).",
                              visible=True), gr.update(visible=True))

        def adjust(*values: Any) -> tuple[Any, ...]:
            *weights, ucs, cons, known, out, state = values
            state = state or fresh()
            previous = state.chat.needs or Needs()
            needs = Needs(  # only what the table knows, weights clamped: these values come from the client
                priorities={cid: min(1.0, float(w)) for (cid, _), w in zip(criteria, weights) if isinstance(w, (int, float)) and w > 0},
                use_cases=frozenset(ucs or ()) & set(table.use_cases), constraints=frozenset(cons or ()) & set(table.constraints),
                skills=frozenset(known or ()) & set(langs), excluded=frozenset(out or ()) & set(langs),
                mentioned=previous.mentioned, outside=previous.outside, required=previous.required,
            )
            implied = getattr(previous, "implied", None)
            if implied:  # a weight a use case implied and the user left as it was stays implied (it leaves with the use case)
                needs = replace(needs, implied=frozenset(c for c in implied if c in needs.priorities
                                                         and abs(needs.priorities[c] - previous.priorities.get(c, -1.0)) < 1e-9))
            state.chat.needs = needs  # the next question starts from what the user set here
            state.panel = needs_json(needs)
            ranking = rules.score(needs, table)
            rob = robustness(needs, table, ranking) if ranking.recommendation else None
            flip_text = ranking.flip.change if ranking.flip else None
            stale_note, again_btn = stale_for(state, needs, ranking.recommendation)
            return (pick_markdown(ranking.recommendation, advisor.backend), scorecard_html(ranking.scores, ranking.recommendation, table),
                    flip_markdown(flip_text, ranking.recommendation), needs_summary(needs, table), state, stale_note, again_btn,
                    firmness_update(rob), decision_link(state.chat, ranking.recommendation),
                    decision_html(needs, ranking.scores, ranking.recommendation, table), snapshot(state) if state.turns else skip)

        def reset(state: Session | None) -> tuple[Any, ...]:  # "New conversation" and the chat's Clear alike
            new_state = fresh()
            if state is not None:
                with _BUSY:
                    state.stopping = state.closed = True  # an answer still being written stops and shows nothing more
                    state.waiting.clear()
            return emit(side_for(None, (), None, None, advisor.backend), chat=new_state.messages, box="", state=new_state, note="",
                        stale=hide, again=hide, cards="", queued="", saved=CLEARED, **idle)

        def restore(data: Any, state: Session | None) -> tuple[Any, ...]:
            """On page load: the conversation this browser kept (gr.BrowserState), its messages shown again and the
            advisor's state rebuilt by replaying its user turns; a new conversation when there is none (or it does
            not read)."""
            if state is not None and (state.turns or state.panel is not None):
                return emit()  # this page already has a conversation or a panel change (made before the load finished)
            restored = None
            try:
                restored = restored_session(data) if isinstance(data, dict) and data.get("v") == 1 else None
            except Exception as exc:  # noqa: BLE001 - a browser's copy that does not read is dropped, never an error page
                log.warning("saved conversation not restored: %s", type(exc).__name__)
            if restored is None:  # the session is left as it is: the first event that needs one makes it (a slider moved
                # or a question sent while the page loads must not be overwritten by an empty conversation)
                return emit(saved=CLEARED if data not in (None, CLEARED) else skip)
            side_values = side_of(restored.chat)
            stale_note, again_btn = stale_for(restored, restored.chat.needs, rules.score(restored.chat.needs or Needs(), table).recommendation) \
                if restored.panel is not None else (hide, hide)
            return emit(side_values, chat=restored.messages, state=restored, cards="".join(restored.cards), stale=stale_note, again=again_btn)

        def restored_session(data: dict[str, Any]) -> Session | None:
            messages = [m for m in (safe_message(x) for x in (data.get("messages") or [])[: 4 * MAX_TURNS_SHOWN]) if m is not None]
            turns = [t for t in (_turn_from_json(x) for x in (data.get("turns") or [])[:MAX_SAVED_TURNS]) if t is not None]
            turns = [t for t in turns if t.at < 0 or t.at < len(messages) and messages[t.at]["role"] == "user"]  # (< 0: scrolled off)
            if not turns or not messages:
                return None
            panel = data.get("panel") if isinstance(data.get("panel"), dict) else None
            state = Session(replay(advisor, turns, panel), messages, turns=turns, panel=panel)
            if isinstance(data.get("id"), str) and re.fullmatch(r"[0-9a-f]{12}", data["id"]):
                state.id = data["id"]
            state.turn = max([data["turn"] if isinstance(data.get("turn"), int) else 0, *(t.turn for t in turns)])
            ends = [t.at for t in turns[1:]] + [len(messages)]
            for t, end in zip(turns, ends):
                if t.kept and t.turn:
                    state.answers.update({i: (t.turn, t.question, t.answer, t.pick, t.backend) for i in range(max(t.at + 1, 0), end)})
                    if t.sources:
                        state.cards.append(source_cards(source_shim(t), t.turn, sorted(t.sources)))
            state.cards = state.cards[-MAX_CARD_TURNS:]
            last = state.chat.replies[-1] if state.chat.replies else None
            state.answered = (_key(last.needs), last.recommendation, last.needs, last.recommendation) if last is not None else None
            return state

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
            if state is None or info is None:  # the welcome or a prompt: nothing to rate
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

        # trigger_mode "multiple": a message sent while an answer is being written reaches the server, which queues it
        # (claim); "once" dropped it without a word. The session's owner flag keeps one answer at a time per tab.
        answer_opts: dict[str, Any] = {"concurrency_limit": concurrency, "concurrency_id": "answer", "show_progress": "hidden",
                                       "trigger_mode": "multiple"}
        question.submit(respond, [question, session], outs, api_name="chat", **answer_opts)
        send.click(respond, [question, session], outs, api_name="chat_click", api_visibility="private", **answer_opts)
        again.click(respond_again, [session], outs, api_name="answer_again", api_visibility="private", **answer_opts)
        for q, b in zip(EXAMPLES, example_buttons):
            b.click(example(q), [session], outs, api_visibility="private", **answer_opts)
        chatbot.option_select(on_option, [session], outs, api_visibility="private", **answer_opts)
        chatbot.retry(on_retry, [session], outs, api_visibility="private", **answer_opts)
        chatbot.edit(on_edit, [session], outs, api_visibility="private", **answer_opts)
        chatbot.undo(on_undo, [session], outs, api_visibility="private", **answer_opts)
        rerank_out = [pick, scorecard, flip, summary, session, stale, again, firm, adr, decision, saved]
        rerank_opts: dict[str, Any] = {"api_visibility": "private", "concurrency_id": "rerank", "concurrency_limit": concurrency * 2,
                                       "show_progress": "hidden", "trigger_mode": "always_last"}
        # One event for every control (input: drag, keys and the number box, a tick): always_last keeps a tab to one re-rank
        # at a time, the page sending the next, with the controls as they are then, when the last returns. An event per
        # control ran a tab's re-ranks side by side, so a slow one (a loaded server) could land after the re-rank of a
        # control moved later and leave the panel, and the needs the next question starts from, as they were before.
        gr.on([*(s.input for s in sliders), *(g.input for g in (use_cases, constraints, skills, excluded))],
              adjust, [*controls, session], rerank_out, **rerank_opts)
        gr.api(_rerank_api(advisor), api_name="rerank")
        for cleared in (new.click(reset, [session], outs, api_name="new_conversation", show_progress="hidden"),
                        chatbot.clear(reset, [session], outs, api_visibility="private", show_progress="hidden")):  # the trash icon too
            cleared.then(lambda: (gr.update(visible=False), ""), None, [feedback_row, feedback_note], api_visibility="private",
                         show_progress="hidden")
        demo.load(restore, [saved, session], outs, api_visibility="private", show_progress="hidden")
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
