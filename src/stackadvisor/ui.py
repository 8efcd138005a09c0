"""The Gradio UI: the chat on the left; on the right the needs the advisor inferred, as controls, and the scorecard.

    question ─▶ Chat.stream (per tab) ─▶ streamed answer ─▶ pick + verification badge + sources (collapsible)
                                      └▶ needs ─▶ sliders / toggles ─(user moves one)─▶ rules.score ─▶ scorecard

Everything shown is inert: user and model text is HTML-escaped, markdown images and non-http links are
removed before rendering (no remote fetches), the Chatbot sanitizes HTML as a second layer, and the HTML
built here (the scorecard) escapes every value. Each browser tab has its own Session in gr.State.
"""

from __future__ import annotations

import html
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Iterator

import gradio as gr

from . import rules
from .compose import table_markdown
from .errors import StackAdvisorError
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
.sa-scorecard { display: flex; flex-direction: column; gap: 10px; font-size: 0.92em; }
.sa-row { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 8px; }
.sa-row.sa-top { border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent); }
.sa-head { display: flex; justify-content: space-between; font-weight: 600; }
.sa-bar { display: flex; height: 12px; margin: 4px 0; background: var(--background-fill-secondary); border-radius: 4px; overflow: hidden; }
.sa-neg { display: flex; height: 6px; background: transparent; }
.sa-seg { height: 100%; }
.sa-breakdown { margin: 2px 0 0 0; padding-left: 1.1em; color: var(--body-text-color-subdued); }
.sa-breakdown li { margin: 0; }
.sa-legend { font-size: 0.85em; color: var(--body-text-color-subdued); }
.sa-legend span { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; border-radius: 2px; }
"""
PALETTE = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#db2777", "#65a30d", "#7c3aed"]
KIND_COLOURS = {"use_case": "#0d9488", "constraint": "#ea580c", "skill": "#4f46e5", "excluded": "#dc2626"}


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


# ------------------------------------------------------------------------------------------ rendering


def badge(reply: Any) -> str:
    n = len(reply.checks)
    bad = reply.corrected or len(reply.contradicted)
    supported = sum(1 for c in reply.checks if c.verdict == "supported")
    if bad:
        return f"⚠ {bad} corrected ({n} claim{'s' if n != 1 else ''} checked)"
    if n == 0:
        return "No claims to check"
    if supported == n:
        return f"✓ all {n} claim{'s' if n != 1 else ''} supported"
    return f"✓ {supported} of {n} claims supported, {n - supported} not covered by the table"


def checks_markdown(reply: Any) -> str:
    if not reply.checks:
        return "The answer makes no claim about the languages that the table could check."
    marks = {"supported": "✓", "contradicted": "✗", "unsupported": "?"}
    lines = []
    for c in reply.checks:
        line = f"- {marks.get(c.verdict, '?')} **{inert(c.verdict)}**: {inert(c.claim)}"
        if c.evidence:
            line += f"  \n  evidence: {inert(c.evidence)}"
        if c.correction:
            line += f"  \n  correction: {inert(c.correction)}"
        lines.append(line)
    return "\n".join(lines)


def sources_markdown(reply: Any) -> str:
    lines = []
    for i, s in enumerate(reply.sources, start=1):
        text = " ".join(s.text.split())
        excerpt = text[:EXCERPT] + ("…" if len(text) > EXCERPT else "")
        where = s.title or s.section
        origin = f" ({s.kb})" if s.kb and s.kb != "builtin" else ""
        lines.append(f"**[{i}] {inert(where)}**{inert(origin)}: {inert(excerpt)}")
    return "\n\n".join(lines) or "No passages were needed for this answer."


def reply_messages(reply: Any) -> list[dict[str, Any]]:
    """The assistant's answer, then its verification badge and its sources as collapsed sections."""
    title = badge(reply)
    if reply.recommendation:
        title = f"Pick: {reply.recommendation} · {title}"
    notices = "".join(f"\n\n*Note: {inert(n)}*" for n in reply.notices)
    out = [{"role": "assistant", "content": inert(reply.answer) + notices}]
    if reply.question:
        out.append({"role": "assistant", "content": checks_markdown(reply),
                    "metadata": {"title": title, "log": f"backend {reply.backend}", "status": "done", "id": "checks"}})
        if reply.sources:
            out.append({"role": "assistant", "content": sources_markdown(reply),
                        "metadata": {"title": f"Sources ({len(reply.sources)})", "status": "done", "id": "sources"}})
    return out


def scorecard_html(scores: tuple[Any, ...], recommendation: str | None, table: Any) -> str:
    """A bar per language: positive contributions stacked (one colour per criterion), penalties below in red."""
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
        neg_bar = (f'<div class="sa-neg"><span class="sa-seg" style="width:{100 * neg / worst:.1f}%;background:#dc2626" '
                   f'title="penalties (-{neg:.2f})"></span></div>') if neg else ""
        items = "".join(f"<li>{esc(c.label)}: <b>{c.points:+.2f}</b></li>" for c in sorted(s.breakdown, key=lambda c: -abs(c.points)))
        cls = "sa-row sa-top" if s.language == recommendation else "sa-row"
        rows.append(f'<div class="{cls}" data-language="{esc(s.language)}" data-rank="{rank}">'
                    f'<div class="sa-head"><span class="sa-lang">{rank}. {esc(s.language)}</span><span class="sa-total">{s.total:.2f}</span></div>'
                    f'<div class="sa-bar">{segs}</div>{neg_bar}<ul class="sa-breakdown">{items}</ul></div>')
    legend = "".join(f'<span style="background:{colour[cid]}"></span>{esc(c.label)}' for cid, c in table.criteria.items())
    legend += "".join(f'<span style="background:{KIND_COLOURS[k]}"></span>{label}'
                      for k, label in (("use_case", "use case"), ("constraint", "constraint"), ("skill", "team skill")))
    return f'<div class="sa-scorecard" id="sa-scorecard"><div class="sa-legend">{legend}</div>{"".join(rows)}</div>'


def pick_markdown(recommendation: str | None, backend: str) -> str:
    if recommendation:
        return f"### Pick: {inert(recommendation)}\n<sub>ranked by the rules layer from the comparison table · backend {inert(backend)}</sub>"
    return f"### No pick yet\n<sub>say what you are building and what matters · backend {inert(backend)}</sub>"


def flip_markdown(flip: str | None, recommendation: str | None) -> str:
    if flip:
        return f"**What would change the pick:** {inert(flip)}."
    if recommendation:
        return f"**What would change the pick:** no single shift of priorities overturns {inert(recommendation)}."
    return ""


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
            f"Tell me what you are building and what matters most ({measures}), and whether your team already knows one of "
            f"{', '.join(langs[:-1])} or {langs[-1]}. I'll recommend one, show the scorecard on the right, and check every claim "
            "against the article's comparison table.")}]

    with gr.Blocks(title="stackadvisor", analytics_enabled=False, fill_width=True) as demo:
        session = gr.State(None, time_to_live=SESSION_TTL)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                gr.Markdown(f"## stackadvisor\nChoose a backend language ({inert(', '.join(langs))}), grounded in one comparison article; "
                            f"every claim is checked against its table. Backend: **{inert(advisor.backend)}**", elem_id="backend")
                chatbot = gr.Chatbot(welcome(), elem_id="chat", height=560, sanitize_html=True, render_markdown=True, allow_tags=False,
                                     latex_delimiters=[], show_label=False, buttons=["copy"], feedback_options=None)
                with gr.Row():
                    question = gr.Textbox(elem_id="question", show_label=False, scale=5, lines=1, max_lines=6, autofocus=True,
                                          max_length=limit,
                                          placeholder="e.g. A real-time chat app, and the team knows React: which backend?")
                    send = gr.Button("Ask", elem_id="send", variant="primary", scale=1, min_width=80)
                with gr.Row():
                    new = gr.Button("New conversation", elem_id="new-chat", size="sm")
                gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[question], label="Example questions", elem_id="examples")
            with gr.Column(scale=2, min_width=320, elem_id="side"):
                pick = gr.Markdown(pick_markdown(None, advisor.backend), elem_id="pick")
                scorecard = gr.HTML(scorecard_html((), None, table), elem_id="scorecard", js_on_load=None)
                flip = gr.Markdown("", elem_id="flip")
                with gr.Accordion("What matters: inferred from the conversation; adjust to re-rank", open=True, elem_id="needs"):
                    sliders = [gr.Slider(0, 1, value=0, step=0.05, label=c.label, elem_id=f"w-{cid}",
                                         info=c.measures if c.measures and c.measures != c.label.lower() else None)
                               for cid, c in criteria]
                    use_cases = gr.CheckboxGroup(uc_choices, value=[], label="Use cases", elem_id="use-cases")
                    constraints = gr.CheckboxGroup(con_choices, value=[], label="Constraints", elem_id="constraints")
                    skills = gr.CheckboxGroup(langs, value=[], label="The team already knows", elem_id="skills")
                    excluded = gr.CheckboxGroup(langs, value=[], label="Ruled out", elem_id="excluded")
                with gr.Accordion("Comparison table", open=False, elem_id="table"):
                    gr.Markdown(inert(table_markdown(table)))

        controls = [*sliders, use_cases, constraints, skills, excluded]
        side = [pick, *controls, scorecard, flip]
        keep_side = [gr.skip()] * len(side)

        def side_for(needs: Needs | None, scores: tuple, recommendation: str | None, flip_text: str | None, backend: str) -> list[Any]:
            needs = needs or Needs()
            return [pick_markdown(recommendation, backend),
                    *[float(needs.priorities.get(cid, 0.0)) for cid, _ in criteria],
                    sorted(needs.use_cases & set(table.use_cases)), sorted(needs.constraints & set(table.constraints)),
                    [n for n in langs if n in needs.skills], [n for n in langs if n in needs.excluded],
                    scorecard_html(scores, recommendation, table), flip_markdown(flip_text, recommendation)]

        def respond(text: str | None, state: Session | None) -> Iterator[tuple[Any, ...]]:
            state = state or Session(advisor.chat(), welcome())
            text = text if isinstance(text, str) else ""
            shown = text if len(text) <= limit else text[:300] + f"… ({len(text):,} characters)"
            messages = [*state.messages, {"role": "user", "content": inert(shown) or "…"}, {"role": "assistant", "content": ""}]
            yield (messages, "", state, *keep_side)
            buf, reply = "", None
            try:
                for item in state.chat.stream(text):
                    if isinstance(item, str):
                        buf += item
                        messages[-1] = {"role": "assistant", "content": inert(buf)}
                        yield (messages, gr.skip(), state, *keep_side)
                    else:
                        reply = item
            except StackAdvisorError as exc:
                messages[-1] = {"role": "assistant", "content": f"⚠ {inert(exc)}"}
            except Exception as exc:  # noqa: BLE001 - the edge: a friendly line, the details in the log
                log.exception("UI answer failed: %s", type(exc).__name__)
                messages[-1] = {"role": "assistant", "content": "⚠ Something went wrong while answering. Try again; if it persists, check the server log."}
            if reply is None:
                state.messages = messages[-2 * MAX_TURNS_SHOWN:]
                yield (messages, gr.skip(), state, *keep_side)
                return
            messages = [*messages[:-1], *reply_messages(reply)]
            state.messages = messages[-4 * MAX_TURNS_SHOWN:]
            if reply.question:
                yield (messages, gr.skip(), state, *side_for(reply.needs, reply.scores, reply.recommendation, reply.flip, reply.backend))
            else:
                yield (messages, gr.skip(), state, *keep_side)

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
            state.chat.needs = needs  # the next question starts from what the user set here
            ranking = rules.score(needs, table)
            flip_text = ranking.flip.change if ranking.flip else None
            return (pick_markdown(ranking.recommendation, advisor.backend), scorecard_html(ranking.scores, ranking.recommendation, table),
                    flip_markdown(flip_text, ranking.recommendation), state)

        def reset(state: Session | None) -> tuple[Any, ...]:
            fresh = Session(advisor.chat(), welcome())
            return (fresh.messages, "", fresh, *side_for(None, (), None, None, advisor.backend))

        def ask_api(question: str) -> dict:
            """One question, no memory: the Reply as JSON (same as POST /api/ask)."""
            try:
                return advisor.ask(question if isinstance(question, str) else "").to_dict()
            except StackAdvisorError as exc:
                raise gr.Error(str(exc)) from None

        outs = [chatbot, question, session, *side]
        answer = {"concurrency_limit": concurrency, "concurrency_id": "answer", "show_progress": "hidden", "trigger_mode": "once"}
        question.submit(respond, [question, session], outs, api_name="chat", **answer)
        send.click(respond, [question, session], outs, api_name="chat_click", api_visibility="private", **answer)
        rerank_out = [pick, scorecard, flip, session]
        for s in sliders:  # input: drag, keys and the number box; always_last keeps a drag to one pending call
            s.input(adjust, [*controls, session], rerank_out, api_visibility="private", concurrency_id="rerank",
                      concurrency_limit=concurrency * 2, show_progress="hidden", trigger_mode="always_last")
        for group in (use_cases, constraints, skills, excluded):
            group.input(adjust, [*controls, session], rerank_out, api_visibility="private", concurrency_id="rerank",
                        concurrency_limit=concurrency * 2, show_progress="hidden", trigger_mode="always_last")
        gr.api(_rerank_api(advisor), api_name="rerank")
        new.click(reset, [session], outs, api_name="new_conversation", show_progress="hidden")
        gr.api(ask_api, api_name="ask", concurrency_limit=concurrency, concurrency_id="answer")
    return demo


def _rerank_api(advisor: Any):  # noqa: ANN202
    table = advisor.table

    def rerank(priorities: dict, use_cases: list, constraints: list) -> list:
        """Re-rank for given needs without asking anything: [[language, score], ...] best first."""
        needs = Needs(priorities={k: float(v) for k, v in (priorities or {}).items() if k in table.criteria},
                      use_cases=frozenset(u for u in use_cases or () if u in table.use_cases),
                      constraints=frozenset(c for c in constraints or () if c in table.constraints))
        return [[lang, round(score, 3)] for lang, score in rules.score(needs, table).pairs()]

    return rerank


def mount(app: Any, advisor: Any, settings: Any) -> Any:
    """Mount the UI at "/" on the FastAPI app: queue limits, no share link, no analytics, no SSR, no run history."""
    demo = build(advisor, concurrency=settings.concurrency)
    demo.state_session_capacity = MAX_SESSIONS
    demo.queue(max_size=settings.queue, default_concurrency_limit=settings.concurrency)
    theme = gr.themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    return gr.mount_gradio_app(app, demo, path="/", footer_links=["api"], run_history=False, ssr_mode=False, mcp_server=False,
                               pwa=False, enable_monitoring=False, max_file_size=1024, show_error=False, theme=theme, css=CSS, server_name="127.0.0.1")
