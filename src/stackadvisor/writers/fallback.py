"""FallbackWriter: a writer that tries writers in order (after pydantic-ai's FallbackModel).

    FallbackWriter(OpenAIWriter(...), OfflineWriter(), fallback_on=(Failure,))

The first writer answers; if it raises before its first piece and the `fallback_on` policy accepts the error,
the next one answers, and its result carries a notice saying why ("The LLM at host did not answer (connection
refused); this is the offline answer."). A failure after pieces were shown is the writer's own to finish (the
guard keeps what was shown and appends the offline answer), as FallbackModel lets mid-stream failures through;
an error the policy does not accept (a bug, say) propagates.

fallback_on takes an exception type, a tuple of them, a callable `exc -> bool`, or a sequence mixing both.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from .base import Condensed, Failure, Verify, Writer, WriterResult

if TYPE_CHECKING:
    from ..compose import Composed, Context

log = logging.getLogger("stackadvisor.writers")

ExceptionHandler = Callable[[Exception], bool]
FallbackOn = type[Exception] | tuple[type[Exception], ...] | ExceptionHandler | Sequence[type[Exception] | ExceptionHandler]


def _is_instance(kind: type[BaseException]) -> ExceptionHandler:
    def handler(exc: Exception) -> bool:
        return isinstance(exc, kind)

    return handler


def _handlers(fallback_on: FallbackOn) -> list[ExceptionHandler]:
    items: Sequence = fallback_on if isinstance(fallback_on, (tuple, list)) else (fallback_on,)
    handlers: list[ExceptionHandler] = []
    for item in items:
        if isinstance(item, type) and issubclass(item, BaseException):
            handlers.append(_is_instance(item))
        elif callable(item):
            handlers.append(item)
        else:
            raise TypeError(f"fallback_on takes exception types or callables, not {item!r}")
    if not handlers:
        raise ValueError("FallbackWriter with an empty fallback_on would never fall back; the default is (Failure,).")
    return handlers


class FallbackWriter(Writer):
    """The first writer, then the next ones when it cannot answer; it reports the first writer's capabilities."""

    def __init__(self, writer: Writer, *fallbacks: Writer, fallback_on: FallbackOn = (Failure,)) -> None:
        if not fallbacks:
            raise ValueError("FallbackWriter needs at least one writer to fall back to.")
        self.writers: list[Writer] = [writer, *fallbacks]
        self._should_fallback = _handlers(fallback_on)

    # what it is: the first writer's

    @property
    def primary(self) -> Writer:
        return self.writers[0]

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.primary.name

    @property
    def can_stream(self) -> bool:  # type: ignore[override]
        return self.primary.can_stream

    @property
    def needs_key(self) -> bool:  # type: ignore[override]
        return self.primary.needs_key

    @property
    def key_env_var(self) -> str | None:  # type: ignore[override]
        return self.primary.key_env_var

    @property
    def can_fail(self) -> bool:  # type: ignore[override]
        return self.writers[-1].can_fail

    @property
    def where(self) -> str:
        return self.primary.where

    def scrub(self, text: str) -> str:
        for writer in self.writers:
            text = writer.scrub(text)
        return text

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> Condensed | None:
        return self.primary.condense(question, history)

    # what it does

    def should_fallback(self, exc: Exception) -> bool:
        return any(handler(exc) for handler in self._should_fallback)

    def stream(self, ctx: Context, offline: Composed, verify: Verify) -> Iterator[str | WriterResult]:
        notices: list[str] = []
        for i, writer in enumerate(self.writers):
            last = i == len(self.writers) - 1
            started = False
            try:
                for item in writer.stream(ctx, offline, verify):
                    if isinstance(item, WriterResult):
                        item.notices[:0] = notices
                        yield item
                        return
                    started = True
                    yield item
                return
            except Exception as exc:
                if started or last or not self.should_fallback(exc):
                    raise
                reason = writer.scrub(exc.reason if isinstance(exc, Failure) else f"unexpected error: {type(exc).__name__}")
                nxt = self.writers[i + 1]
                log.warning("%s: falling back to %s: %s", writer.name, nxt.name, reason)
                notices.append(f"{writer.where} did not answer ({reason}); this is {nxt.answer_name or 'the answer from ' + nxt.name}.")


__all__ = ["FallbackOn", "FallbackWriter"]
