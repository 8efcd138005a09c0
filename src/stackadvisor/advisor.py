"""Advisor and Chat: the chain that joins the stages.

    question ─▶ clean ─▶ extract_needs ─▶ classify ─▶ retrieve ─▶ score ─▶ write (offline | LLM) ─▶ check ─▶ Reply

The Advisor is a LangChain Runnable: invoke("...") or invoke({"question": ..., "history": [...]}) returns a
Reply; stream() yields the answer's text as it is written, then the Reply; batch() runs several questions.

    AdvisorCore   every stage, ask/chat/check/invoke/stream; imports no LangChain runnables (the CLI uses it)
    Advisor       AdvisorCore + langchain_core's Runnable, created on first access of `advisor.Advisor`

Importing langchain_core.runnables drags in langsmith and its tracers (about a second on two cores), which a
one-shot `stackadvisor ask` does not need, so the Runnable base is only imported when Advisor is first used.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import knowledge as knowledge_mod
from . import rules
from .compose import Context, compose
from .config import Settings
from .errors import InputError, StackAdvisorError
from .rules import Check, Intent, Needs, Score, lexicon
from .rules.dialogue import State, read_turn, starts_over
from .text import ANSI
from .writers import Writer, answer_writer, get_writer

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable, RunnableConfig

Input = str | dict

_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"), None)
MAX_HISTORY_TURNS = 20  # (user, assistant) turns a call reads; a Chat keeps the needs of older ones
# References to the language under discussion: possessives, and "it"/"them" as the object of a question verb.
# "it's a chat app" is about the project, not a language, so a bare subject "it" is left alone.
_PRONOUN = re.compile(
    r"\b(?:its|their)\b|\b(?:that one|this one|that language|this language|the pick)\b"
    r"|\b(?P<verb>is|does|has|about|of|for|with|use|using|pick|choose|learn|learning|was|would|compare) (?:it|them)\b",
    re.I,
)
_PROJECT_PRONOUN = lexicon.pattern("dialogue", "project_pronoun")


def resolve_references(question: str, last_languages: tuple[str, ...], knowledge: knowledge_mod.Knowledge) -> str:
    """A follow-up that names no language ("What are its cons?") made standalone with the conversation's
    last language(s) ("What are Go's cons?"). Questions that name a language are left alone."""
    first = _PRONOUN.search(question) if last_languages and not starts_over(question) else None
    if first is None:
        return question
    from .retrieve import detect_languages

    named = detect_languages(question, knowledge)
    if named:
        # "How does it compare with Go?" refers back; in "We like Go; is it fast?" the pronoun means Go.
        before = detect_languages(question[: first.start()], knowledge)
        last_languages = tuple(n for n in last_languages if n not in named)
        if before or not last_languages:
            return question
    names = " and ".join(last_languages)
    project = [m.span() for m in _PROJECT_PRONOUN.finditer(question)]  # "which one is best for it": the project

    def sub(m: re.Match[str]) -> str:
        if any(a <= m.start() < b for a, b in project):
            return m.group(0)
        if m.group(0).lower() in ("its", "their"):
            return f"{names}'s" if len(last_languages) == 1 else f"{names}'"
        return f"{m.group('verb')} {names}" if m.group("verb") else names

    return _PRONOUN.sub(sub, question)


@dataclass(frozen=True)
class Source:
    """A passage the answer rests on; [n] in the answer is sources[n-1]."""

    id: str
    section: str
    text: str
    score: float
    title: str = ""
    source: str = ""
    kb: str = "builtin"


@dataclass
class Reply:
    """One answer, with what it rests on and how it was checked."""

    answer: str
    recommendation: str | None
    ranking: list[tuple[str, float]]
    sources: list[Source]
    checks: list[Check]
    question: str = ""
    scores: tuple[Score, ...] = ()
    needs: Needs = field(default_factory=Needs)
    intent: Intent = field(default_factory=lambda: Intent("vague"))
    flip: str | None = None
    backend: str = "offline"
    notices: list[str] = field(default_factory=list)
    corrected: int = 0
    latency_ms: float = 0.0
    robustness: Any = None  # decision.Robustness: how firm the pick is under uncertain weights (None without a pick)
    state: Any = field(default=None, repr=False, compare=False)  # rules.dialogue.State after this turn (Chat carries it on)

    def breakdown(self, language: str) -> tuple[rules.Contribution, ...]:
        """The per-criterion breakdown of one language's fit score."""
        for s in self.scores:
            if s.language == language:
                return s.breakdown
        raise KeyError(language)

    @property
    def check_summary(self) -> str:
        """"7 checked (6 supported), 1 not checkable; pick consistent with the ranking" / "No factual claims to check"."""
        return rules.check_summary(self.checks)

    @property
    def contradicted(self) -> list[Check]:
        return [c for c in self.checks if c.verdict == "contradicted"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's --json, the web API)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "recommendation": self.recommendation,
            "ranking": [[lang, round(score, 3)] for lang, score in self.ranking],
            "breakdown": {s.language: [{"kind": c.kind, "key": c.key, "label": c.label, "points": round(c.points, 3), "evidence": c.evidence}
                                       for c in s.breakdown] for s in self.scores},
            "sources": [{"n": i, "id": s.id, "section": s.section, "title": s.title, "text": s.text, "score": round(s.score, 4), "source": s.source, "kb": s.kb}
                        for i, s in enumerate(self.sources, start=1)],
            "checks": [{"claim": c.claim, "verdict": c.verdict, "evidence": c.evidence, "kind": c.kind, "language": c.language,
                        "criterion": c.criterion, "correction": c.correction} for c in self.checks],
            "needs": needs_to_dict(self.needs),
            "intent": self.intent.kind,
            "what_would_change": self.flip,
            "robustness": self.robustness.to_dict() if self.robustness is not None else None,
            "backend": self.backend,
            "notices": self.notices,
            "corrected": self.corrected,
            "latency_ms": round(self.latency_ms, 2),
        }


def needs_to_dict(needs: Needs) -> dict[str, Any]:
    return {
        "priorities": dict(sorted(needs.priorities.items())),
        "use_cases": sorted(needs.use_cases),
        "constraints": sorted(needs.constraints),
        "skills": sorted(needs.skills),
        "excluded": sorted(needs.excluded),
        "outside": list(needs.outside),
    }


def clean_question(text: object, max_chars: int) -> str:
    """Strip what must never reach the pipeline (NUL, control chars, ANSI escapes, bidi overrides);
    refuse a question longer than max_chars. Returns "" when nothing answerable is left."""
    if not isinstance(text, str):
        raise InputError("The question must be text.")
    if len(text) > max_chars:
        raise InputError(f"That message is {len(text):,} characters; the limit is {max_chars:,}. Shorten it to the question itself and try again.")
    text = ANSI.sub("", text).translate(_BIDI)
    text = _TAG.sub(" ", text)  # markup is never part of a question ("<script>" must not read as "scripting")
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    if not any(ch.isalnum() for ch in text):
        return ""
    return text


class AdvisorCore:
    """The grounded advisor without the LangChain Runnable base (see `Advisor`, which adds it).

    >>> advisor = AdvisorCore()
    >>> reply = advisor.ask("We're building a real-time chat app and the team knows React: which backend?")
    >>> reply.recommendation
    'Node.js'
    """

    measure_robustness = True  # Reply.robustness on every pick (about 1.5 ms); False skips it

    def __init__(
        self,
        llm: str | Writer | None = None,
        *,
        home: str | Path | None = None,
        kb: str | None = None,
        table: str | Path | None = None,
        base_url: str | None = None,
        embeddings: str | None = None,
        chroma_url: str | None = None,
        k: int | None = None,
        timeout: float | None = None,
        max_input_chars: int | None = None,
    ) -> None:
        writer = llm if isinstance(llm, Writer) else None  # a Writer instance (a FunctionWriter in tests), or a spec
        self.settings = Settings.load(llm=writer.name if writer else llm, home=home, kb=kb, table=table, base_url=base_url, embeddings=embeddings,
                                      chroma_url=chroma_url, k=k, timeout=timeout, max_input_chars=max_input_chars)
        self.knowledge = knowledge_mod.load(table=self.settings.table)
        self._ready = threading.Lock()
        self._retriever: Any = None
        self._meaning: Any = None
        # A bad spec or a missing key fails here, at construction; a backend's module and SDK load only when named.
        self._writer_obj: Writer = writer or get_writer(self.settings)
        self._answerer: Writer = answer_writer(self._writer_obj, self.settings)  # it, falling back to the offline writer

    # -------------------------------------------------------------------------------- plumbing

    @property
    def table(self):  # noqa: ANN201 - knowledge.Table
        return self.knowledge.table

    @property
    def _writer(self) -> Writer:
        """The writer settings.llm names (writers.get_writer); answers go through it wrapped in its fallback."""
        return self._writer_obj

    @property
    def backend(self) -> str:
        return self._writer_obj.name

    def retriever(self):  # noqa: ANN201 - retrieve.Retriever
        """The retriever, building the built-in index on first use."""
        if self._retriever is None:
            with self._ready:
                if self._retriever is None:
                    from .retrieve import open_retriever

                    self._retriever = open_retriever(self.settings, self.knowledge)
        return self._retriever

    def warm(self) -> AdvisorCore:
        """Open (or build) the index and load the embedding model now rather than on the first question."""
        self.retriever().warm()
        meaning = self.meaning()
        if meaning is not None:
            meaning.similarities(["warm up"])  # embeds the topic examples once
        return self

    def meaning(self):  # noqa: ANN201 - rules.meaning.Meaning | None
        """Recognition of needs by meaning (example utterances scored with the local embedder); None for other
        embedders, whose similarity scale the thresholds were not set for."""
        if self._meaning is None:
            from .embeddings import embed_array, model_id_of
            from .rules.dialogue import topic_examples
            from .rules.meaning import Meaning

            emb = self.retriever().embeddings
            model = model_id_of(emb)
            if "minilm" not in model.lower():
                self._meaning = False
            else:
                self._meaning = Meaning(lambda texts: embed_array(emb, list(texts)), topic_examples(self.table),
                                        vectors=_ExampleVectors(Path(self.settings.home) / "cache", model))
        return self._meaning or None

    # -------------------------------------------------------------------------------- the chain

    def prepare(self, question: str, history: list[tuple[str, str]] | None = None, previous: State | Needs | None = None,
                last_languages: tuple[str, ...] = ()) -> Context:
        """Everything before writing: needs, intent, passages, ranking, premise checks."""
        table = self.table
        state = previous if isinstance(previous, State) else State(previous or Needs(), topic=tuple(last_languages))
        question = resolve_references(question, last_languages or state.topic, self.knowledge)
        reading = read_turn(question, table, state, self.meaning())
        if self.settings.llm_acts:  # an LLM writer may add acts the reader missed; offline, or on any failure, the reading stands
            from .writers.acts import with_proposal

            reading = with_proposal(self._writer, question, table, reading)
        needs, intent = reading.needs, reading.intent
        query = question
        # an LLM writer rewrites a follow-up into a standalone question in one short call (the raw one on failure);
        # the offline writer does not rewrite (None)
        condensed = self._writer.condense(question, history) if history else None
        if history:
            extra = [*intent.languages, *(table.use_cases[u].label for u in sorted(needs.use_cases) if u in table.use_cases)]
            query = " ".join([condensed.question if condensed and condensed.rewritten else question, *extra])
        passages = self.retriever().search(query, k=self.settings.k, languages=intent.languages or None)
        ranking = rules.score(needs, table, intent)
        premise = rules.premises(question, table)
        ctx = Context(question, needs, intent, ranking, passages, self.knowledge, premise, list(history or []),
                      before=state.ranking if reading.changed else None, acts=reading.acts)
        ctx.state = state.after(needs, intent, ranking, question)
        if ranking.recommendation and self.measure_robustness:
            from .decision import robustness

            ctx.robustness = robustness(needs, table, ranking)
        if condensed is not None:
            ctx.condensed = condensed  # read by the LLM writer
        return ctx

    def _empty_reply(self, question: str, needs: Needs | None) -> Reply:
        names = ", ".join(self.table.names)
        return Reply(
            answer=f"Ask me about choosing a backend language ({names}). For example: *\"We're building a real-time chat app and the team knows React: which backend?\"*",
            recommendation=None, ranking=[], sources=[], checks=[], question=question, needs=needs or Needs(),
            intent=Intent("greeting"), backend="offline",
        )

    def _finish(self, ctx: Context, text: str, sources: list, started: float, notices: list[str], corrected: int,
                backend: str, checks: list[Check] | None = None) -> Reply:
        if checks is None:
            checks = self.verify(text, ctx)
        ranking = ctx.ranking
        return Reply(
            answer=text,
            recommendation=ranking.recommendation,
            ranking=ranking.pairs(),
            sources=[Source(p.id, p.section, p.text, float(p.score), p.title, p.source, p.kb) for p in sources],
            checks=checks,
            question=ctx.question,
            scores=ranking.scores,
            needs=ctx.needs,
            intent=ctx.intent,
            flip=ranking.flip.change if ranking.flip else None,
            backend=backend,
            notices=notices,
            corrected=corrected,
            latency_ms=(time.perf_counter() - started) * 1000,
            robustness=ctx.robustness,
            state=getattr(ctx, "state", None),
        )

    def verify(self, text: str, ctx: Context) -> list[Check]:
        """check() on an answer, plus the recommendation it makes against the rules' ranking."""
        checks = [c for c in rules.check(text, self.table, meaning=self.meaning()) if not getattr(c, "question", False)]
        if ctx.ranking.recommendation:
            checks.append(rules.check_recommendation(ctx.ranking.recommendation, ctx.needs, ctx.ranking, self.table))
        return checks

    def _run(self, question: object, history: list[tuple[str, str]] | None, previous: State | Needs | None,
             last_languages: tuple[str, ...] = ()) -> Iterator[str | Reply]:
        started, turn_start = time.perf_counter(), time.monotonic()
        text = clean_question(question, self.settings.max_input_chars)
        if not text:
            reply = self._empty_reply("", previous.needs if isinstance(previous, State) else previous)
            yield reply.answer
            yield reply
            return
        ctx = self.prepare(text, history, previous, last_languages)
        ctx.started = turn_start  # a writer's deadline counts from the turn's start, retrieval included
        offline = compose(ctx)
        result = None
        for item in self._answerer.stream(ctx, offline, self.verify):
            if isinstance(item, str):
                yield item
            else:
                result = item
        assert result is not None
        yield self._finish(ctx, result.text, result.sources, started, result.notices, result.corrected, result.backend, result.checks)

    # -------------------------------------------------------------------------------- public API

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Reply:
        """Answer one question (no memory beyond the optional history of (user, assistant) turns; the last
        MAX_HISTORY_TURNS of them are read, and each user turn must fit max_input_chars like a question)."""
        history, previous = self._read_history(history)
        *_, reply = self._run(question, history, previous)
        assert isinstance(reply, Reply)
        return reply

    def chat(self) -> Chat:
        """A conversation that keeps the user's needs across turns."""
        return Chat(self)

    def check(self, text: str) -> list[Check]:
        """The claims in any text about the languages, each with verdict and evidence."""
        return rules.check(text, self.table, meaning=self.meaning())

    def invoke(self, input: Input, config: RunnableConfig | None = None, **kwargs: Any) -> Reply:  # noqa: A002
        question, history = _unpack(input)
        return self.ask(question, history)

    def stream(self, input: Input, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[str | Reply]:  # noqa: A002
        """Yield the answer's text as it is written, then the final Reply (with its checks)."""
        question, history = _unpack(input)
        history, previous = self._read_history(history)
        yield from self._run(question, history, previous)

    def _read_history(self, history: list[tuple[str, str]] | None) -> tuple[list[tuple[str, str]], State | None]:
        """The recent turns replayed through the reader: the conversation state their user messages build (needs,
        the last pick, the languages under discussion). Bounded work whatever is sent: older turns are dropped and
        an over-long user turn is refused (the reader's cost grows with text length)."""
        turns = list(history or [])[-MAX_HISTORY_TURNS:]
        limit = self.settings.max_input_chars
        state: State | None = None
        table, meaning = self.table, (self.meaning() if turns else None)
        for user, assistant in turns:
            if isinstance(user, str) and len(user) > limit:
                raise InputError(f"A user message in the history is {len(user):,} characters; the limit is {limit:,}, as for a question. "
                                 "Send the recent turns only, each within the limit.")
            text = clean_question(user, limit)
            if text:
                state = state or State()
                reading = read_turn(text, table, state, meaning)
                state = state.after(reading.needs, reading.intent, rules.score(reading.needs, table, reading.intent), text)
                said = _pick_said(assistant, self.knowledge)
                if said and said != state.pick:  # the assistant (another writer, a client) picked otherwise: follow-ups are about its pick
                    state = replace(state, pick=said, topic=(said,))
        return turns, state


def _make_advisor() -> type:
    from langchain_core.runnables import Runnable

    class Advisor(AdvisorCore, Runnable[Input, Reply]):  # type: ignore[misc]  # AdvisorCore's invoke/stream win
        """The grounded advisor. Offline by default; `llm="openai:gpt-4o-mini"` or `llm="local"` for generated prose.

        >>> advisor = Advisor()
        >>> reply = advisor.ask("We're building a real-time chat app and the team knows React: which backend?")
        >>> reply.recommendation
        'Node.js'

        A LangChain Runnable: invoke, stream, batch, and `|` with other runnables.
        """

    Advisor.__module__, Advisor.__qualname__ = __name__, "Advisor"
    return Advisor


_lazy_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    if name == "Advisor":
        with _lazy_lock:
            cls = globals().get("Advisor") or _make_advisor()
            globals()["Advisor"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    # The misc ignore, as at run time: AdvisorCore.stream also yields the answer's text chunks before the Reply.
    class Advisor(AdvisorCore, Runnable[Input, Reply]):  # type: ignore[misc]  # noqa: F811 - the class __getattr__ builds
        ...


class Chat:
    """A conversation: needs carry over and later turns refine or override them."""

    MAX_HISTORY = MAX_HISTORY_TURNS  # turns kept for the LLM prompt and retrieval; needs carry the rest

    def __init__(self, advisor: AdvisorCore) -> None:
        self.advisor = advisor
        self.history: list[tuple[str, str]] = []
        self.state = State()
        self.replies: list[Reply] = []

    def ask(self, question: str) -> Reply:
        *_, reply = self.stream(question)
        assert isinstance(reply, Reply)
        return reply

    def stream(self, question: str) -> Iterator[str | Reply]:
        for item in self.advisor._run(question, self.history[-self.MAX_HISTORY:], self.state, self.state.topic):
            if isinstance(item, Reply):
                self._remember(item)
            yield item

    def _remember(self, reply: Reply) -> None:
        if not reply.question:
            return
        self.history.append((reply.question, reply.answer))
        del self.history[: -self.MAX_HISTORY]
        self.state = reply.state if isinstance(reply.state, State) else replace(self.state, needs=reply.needs)
        self.replies.append(reply)
        del self.replies[: -self.MAX_HISTORY]

    def decision_record(self, **kwargs: Any) -> Any:
        """An Architecture Decision Record (MADR layout) of this conversation's pick: adr.DecisionRecord, with
        .markdown, .html and .checks (every claim in it checked against the table). kwargs: see adr.decision_record."""
        from .adr import decision_record

        return decision_record(self, **kwargs)

    def reset(self) -> None:
        self.__init__(self.advisor)  # type: ignore[misc]

    @property
    def needs(self) -> Needs | None:
        """The needs the conversation has established (None before the first turn that states any)."""
        return None if self.state.needs == Needs() and not self.replies else self.state.needs

    @needs.setter
    def needs(self, needs: Needs | None) -> None:
        self.state = replace(self.state, needs=needs or Needs())

    @property
    def last_languages(self) -> tuple[str, ...]:
        return self.state.topic


def _unpack(input: Input) -> tuple[str, list[tuple[str, str]]]:  # noqa: A002
    if isinstance(input, str):
        return input, []
    if isinstance(input, dict) and "question" in input:
        history = [(str(u), str(a)) for u, a in input.get("history") or []]
        return input["question"], history
    raise InputError('Give the advisor a question string or {"question": "...", "history": [["user", "assistant"], ...]}.')


__all__ = ["Advisor", "AdvisorCore", "Chat", "Reply", "Source", "StackAdvisorError", "clean_question"]


def _pick_said(assistant: object, knowledge: knowledge_mod.Knowledge) -> str | None:
    """The one table language an assistant message's first line names ("Rust", "**Recommendation: Rust**"), if any."""
    if not isinstance(assistant, str) or not assistant.strip():
        return None
    from .retrieve import detect_languages

    named = detect_languages(assistant.strip().splitlines()[0][:200], knowledge)
    return named[0] if len(named) == 1 else None


class _ExampleVectors:
    """Example utterances' vectors kept in the data home between starts (keyed by the model and every example),
    so a cold `stackadvisor ask` reads them instead of embedding a few hundred sentences."""

    def __init__(self, folder: Path, model: str) -> None:
        self.folder, self.model = folder, model

    def _path(self, texts: Any) -> Path:
        import hashlib
        import json

        key = hashlib.sha256(json.dumps([self.model, list(texts)]).encode()).hexdigest()[:20]
        return self.folder / f"examples-{key}.npy"

    def load(self, texts: Any) -> Any:
        import numpy as np

        try:
            return np.load(self._path(texts), allow_pickle=False)
        except (OSError, ValueError):
            return None

    def save(self, texts: Any, matrix: Any) -> None:
        import os

        import numpy as np

        path = self._path(texts)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
            np.save(tmp, matrix, allow_pickle=False)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only home: embed them again next time
