"""Answer writers, chosen by one setting: "offline" (default), "openai:<model>", "local[:<path.gguf>]".

    get_writer(settings)                the writer settings.llm names (a lookup in the registry below)
    answer_writer(writer, settings)     the writer that answers: `writer`, falling back to the offline one if it can fail

    base.py       Writer (the interface), WriterResult, Condensed, Failure
    offline.py    OfflineWriter: compose.py's deterministic answer, streamed line by line
    model.py      LLMWriter: deadline-bounded calls with one retry, condense, the guarded stream
    openai.py     OpenAIWriter: any OpenAI-compatible endpoint (langchain-openai)
    local.py      LocalWriter: a GGUF model in-process (llama-cpp-python)
    guard.py      the guard: each generated sentence checked, regenerated once, else corrected and marked
    sentences.py  the guard's text helpers (sentence splitting, recommendation finding)
    fallback.py   FallbackWriter: try writers in order; a failure its fallback_on policy accepts moves on
    fake.py       FunctionWriter: an LLM writer whose model is a Python function (tests, no server)

Every built-in backend is registered here exactly as another package would register its own, with
register(kind, "module:factory", usage); a backend's module (and its SDK) is imported only when it is named.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigError
from .base import MARK, Condensed, Failure, Verify, Writer, WriterResult, scrub

if TYPE_CHECKING:
    from ..config import Settings

Factory = Callable[["Settings", str], Writer]  # (settings, the text after "kind:") -> writer


@dataclass(frozen=True)
class Backend:
    kind: str  # what precedes the colon in the setting: "openai"
    target: str  # "package.module:factory", imported on first use
    usage: str  # how the setting is written, for the unknown-name error: "openai:<model>"

    def load(self) -> Factory:
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)


_REGISTRY: dict[str, Backend] = {}


def register(kind: str, target: str, usage: str | None = None) -> None:
    """Make `kind[:arg]` a valid llm setting; target names the factory, "package.module:callable"."""
    _REGISTRY[kind.strip().lower()] = Backend(kind.strip().lower(), target, usage or kind)


def backends() -> tuple[str, ...]:
    """The valid llm settings, as written ("offline", "openai:<model>", "local[:<path.gguf>]")."""
    return tuple(b.usage for b in _REGISTRY.values())


def get_writer(settings: Settings) -> Writer:
    """The writer settings.llm names. An unknown name raises ConfigError listing the valid ones; a backend
    whose key or SDK is missing raises its own error saying what to do."""
    spec = (settings.llm or "offline").strip()
    kind, _, arg = spec.partition(":")
    backend = _REGISTRY.get(kind.strip().lower() or "offline")
    if backend is None:
        raise ConfigError(f"Unknown LLM backend {spec!r}. Valid: {', '.join(backends())}.")
    return backend.load()(settings, arg.strip())


def answer_writer(writer: Writer, settings: Settings) -> Writer:
    """The writer that answers: `writer` itself when it cannot fail, else `writer` falling back to the offline one."""
    if not writer.can_fail:
        return writer
    from dataclasses import replace

    from .fallback import FallbackWriter

    return FallbackWriter(writer, get_writer(replace(settings, llm="offline")))


register("offline", "stackadvisor.writers.offline:OfflineWriter", "offline")
register("openai", "stackadvisor.writers.openai:OpenAIWriter", "openai:<model>")
register("local", "stackadvisor.writers.local:LocalWriter", "local[:<path.gguf>]")

BACKENDS = backends()

__all__ = ["BACKENDS", "MARK", "Backend", "Condensed", "Failure", "Verify", "Writer", "WriterResult", "answer_writer", "backends",
           "get_writer", "register", "scrub"]
