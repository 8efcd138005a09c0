"""What every generating writer shares: calls bounded by one deadline, one retry, condense, the guarded stream.

A backend (openai.py, local.py, fake.py) provides only `_open(messages, max_tokens, timeout)`, an iterator of
text pieces. `generate` reads it in a helper thread, so the deadline bounds the whole completion, not the wait
between bytes: an endpoint that sends one chunk every 2 s cannot keep an answer past its timeout. SDK errors
become a Failure whose reason keeps no message text (classify), so a key echoed by an endpoint never reaches
a notice or a log line.
"""

from __future__ import annotations

import atexit
import functools
import logging
import queue
import re
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING

from .. import prompts
from ..config import Settings
from .base import Condensed, Failure, Verify, Writer, WriterResult

if TYPE_CHECKING:
    from ..compose import Composed, Context

log = logging.getLogger("stackadvisor.writers")
log.addHandler(logging.NullHandler())  # a library: the CLI and web decide what is shown, nothing reaches stderr by default

CONDENSE_TIMEOUT = 8.0  # seconds, at most, for the follow-up rewrite
TIMED_OUT = "timed out"
_KEY_SHAPED = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")


class LLMWriter(Writer):
    """A writer that calls a language model; subclasses implement _open (and where/_secrets)."""

    name = "llm"
    max_tokens = 256  # SmolLM2 writes ~45 tokens/s on 2 cores: keep answers short
    condense_tokens = 48
    attempts = 2  # one retry
    backoff = 0.4  # seconds before the retry (or the server's Retry-After, capped)
    in_process = False  # the model runs in this process (local:): exit waits briefly for an abandoned generation

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.timeout = float(settings.timeout)

    @property
    def answer_name(self) -> str:  # type: ignore[override]
        return f"the answer from {self.name}"

    @property
    def where(self) -> str:
        """"The LLM at 127.0.0.1:8080" - for notices."""
        return "The LLM"

    def _open(self, messages: prompts.Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        raise NotImplementedError

    def redact(self, text: str) -> str:
        """Generated text without the configured key or anything shaped like one (an endpoint or a proxy can write it)."""
        for secret in self._secrets():
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return _KEY_SHAPED.sub("***", text)

    # ---- calls with retry, bounded by a deadline

    def generate(self, messages: prompts.Messages, deadline: float, max_tokens: int | None = None, attempts: int | None = None) -> Iterator[str]:
        """Text pieces of one completion, all of them before `deadline` (time.monotonic()): at the deadline the
        call is abandoned and Failure("timed out") raised, whatever the endpoint is doing. A failed attempt is
        retried once if time is left; a stream cut mid-way is retried and the text already yielded skipped
        (temperature 0 repeats it); a retry that diverges raises Failure."""
        max_tokens = max_tokens or self.max_tokens
        emitted = ""
        last: Failure | None = None
        earlier = ""  # what earlier attempts yielded: a later failure then follows a cut
        for attempt in range(attempts or self.attempts):
            if attempt:
                pause = min(max(self.backoff, last.retry_after if last else 0.0), 2.0, max(0.0, (deadline - time.monotonic()) / 2))
                time.sleep(pause)
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                break
            earlier, got = emitted, ""
            stream = bounded(functools.partial(self._open, messages, max_tokens, remaining), deadline, self.name, self.in_process)
            try:
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
                stream.close()
        if last is not None and earlier and last.reason != "the stream was cut mid-way":
            last = Failure(f"the stream was cut mid-way, then {last.reason}", False)
        raise last or Failure(TIMED_OUT, False)

    def complete(self, messages: prompts.Messages, timeout: float | None = None, max_tokens: int | None = None) -> str:
        """One whole completion (condense, tests)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        return "".join(self.generate(messages, deadline, max_tokens))

    # ---- the chain's LLM steps

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> Condensed:
        """A follow-up rewritten into a standalone question: one short call; the raw question on failure."""
        from .sentences import clean_condensed

        started = time.monotonic()
        deadline = started + min(self.timeout, CONDENSE_TIMEOUT)
        try:
            text = "".join(self.generate(prompts.condense(question, history), deadline, self.condense_tokens, attempts=1))
        except Failure as exc:
            log.info("%s: condense failed (%s); using the question as asked", self.name, exc.reason)
            return Condensed(question, started, failure=exc)
        standalone = clean_condensed(text)
        if not standalone:
            return Condensed(question, started)
        return Condensed(standalone, started, rewritten=True)

    def draft(self, ctx: Context, offline: Composed) -> str:
        """The unguarded first draft for this context (what the guard checks; benchmarks compare the two)."""
        from ..markup import defang
        from .sentences import tidy

        question = getattr(ctx, "condensed", None)
        messages, _ = prompts.answer(ctx, offline, question.question if question else ctx.question)
        return defang(self.redact(tidy("".join(self.generate(messages, time.monotonic() + self.timeout)), 10**6)))[0]

    def stream(self, ctx: Context, offline: Composed, verify: Verify) -> Iterator[str | WriterResult]:
        """The guarded generated answer (guard.guarded_stream); raises Failure when nothing could be shown."""
        from .guard import guarded_stream

        return guarded_stream(self, ctx, offline, verify)


def bounded(open_stream: Callable[[], Iterator[str]], deadline: float, name: str = "llm",
            join_at_exit: bool = False) -> Generator[str, None, None]:
    """The pieces of a blocking stream, none after `deadline`. The stream is opened and read in a daemon thread
    that hands pieces over a queue; at the deadline (or when the caller stops early) the reader is told to stop,
    and it closes the stream at its next piece or its own socket timeout, so no work outlives the call by long.
    join_at_exit: interpreter exit waits (EXIT_GRACE at most) for this reader to stop, for in-process models."""
    handoff: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
    stop = threading.Event()

    def read() -> None:
        stream = None
        try:
            stream = open_stream()
            for piece in stream:
                if stop.is_set():
                    return
                handoff.put(("piece", piece))
            handoff.put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            handoff.put(("error", exc))
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001
                    pass

    def pieces() -> Generator[str, None, None]:
        reader = threading.Thread(target=read, name=f"{name}-reader", daemon=True)
        if join_at_exit:
            _readers.add(reader)
        reader.start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise queue.Empty
                    kind, value = handoff.get(timeout=remaining)
                except queue.Empty:
                    raise Failure(TIMED_OUT, False) from None  # the deadline is the whole turn's: no time for a retry
                if kind == "piece":
                    yield value  # type: ignore[misc]
                elif kind == "end":
                    return
                else:
                    raise value  # type: ignore[misc]
        finally:
            stop.set()

    return pieces()


_readers: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
EXIT_GRACE = 5.0  # seconds, at most, that interpreter exit waits for abandoned readers


@atexit.register
def _join_readers() -> None:
    """At exit, give abandoned readers a moment to see their stop flag: a reader inside llama.cpp's C code
    (local:) must not be running when the interpreter frees the model under it."""
    end = time.monotonic() + EXIT_GRACE
    for reader in list(_readers):
        reader.join(max(0.0, end - time.monotonic()))


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
        return Failure(TIMED_OUT, True)
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


__all__ = ["CONDENSE_TIMEOUT", "LLMWriter", "bounded", "classify"]
