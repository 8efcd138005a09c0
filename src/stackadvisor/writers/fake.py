"""FunctionWriter: an LLM writer whose model is a Python function (after pydantic-ai's FunctionModel), shipped so
tests of the guard, the retries, the deadline and the fallback run in-process with no server:

    writer = FunctionWriter.scripted("Python is faster than Go.", "Go is faster than Python.")
    reply = Advisor(llm=writer).ask("Is Python faster than Go?")
    writer.prompts()[1]   # the regeneration prompt the guard sent

Everything above `_open` is the real LLMWriter: only the transport is replaced.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from ..config import Settings
from ..prompts import Messages
from .model import LLMWriter


@dataclass(frozen=True)
class CallInfo:
    """What the function is told about one call."""

    call: int  # 0 for this writer's first call
    max_tokens: int
    timeout: float  # seconds the call may take


FunctionDef = Callable[[Messages, CallInfo], "str | Iterable[str]"]


class FunctionWriter(LLMWriter):
    """function(messages, info) returns the completion (a str, streamed word by word, or an iterable of pieces)
    or raises (a Failure, or any error, which is classified like an SDK's)."""

    def __init__(self, function: FunctionDef, *, name: str | None = None, settings: Settings | None = None,
                 timeout: float | None = None, delay: float = 0.0) -> None:
        settings = settings or Settings()
        super().__init__(replace(settings, timeout=timeout) if timeout else settings)
        self.function = function
        self.name = f"function:{name or getattr(function, '__name__', 'model')}"
        self.delay = delay  # seconds before each piece: a slow model
        self.calls: list[Messages] = []

    @property
    def where(self) -> str:
        return f"The LLM {self.name}"

    @classmethod
    def scripted(cls, *replies: str | Iterable[str] | BaseException, **kwargs: object) -> FunctionWriter:
        """A model that answers each call with the next reply (the last one repeats); an exception is raised."""
        if not replies:
            raise ValueError("give at least one reply")

        def script(messages: Messages, info: CallInfo) -> str | Iterable[str]:
            reply = replies[min(info.call, len(replies) - 1)]
            if isinstance(reply, BaseException):
                raise reply
            return reply

        kwargs.setdefault("name", "scripted")
        return cls(script, **kwargs)  # type: ignore[arg-type]

    def prompts(self) -> list[str]:
        """Each call's messages joined, in call order."""
        return ["\n".join(content for _, content in messages) for messages in self.calls]

    def _open(self, messages: Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        info = CallInfo(len(self.calls), max_tokens, timeout)
        self.calls.append(list(messages))
        out = self.function(list(messages), info)
        for piece in (re.findall(r"\S+\s*|\s+", out) if isinstance(out, str) else out):
            if self.delay:
                time.sleep(self.delay)
            yield piece


__all__ = ["CallInfo", "FunctionDef", "FunctionWriter"]
