"""stackadvisor: a grounded, offline advisor for choosing a backend language (Node.js, Python, Go or Rust).

    from stackadvisor import Advisor
    reply = Advisor().ask("We're building a real-time chat app and the team knows React: which backend?")
    reply.recommendation, reply.answer, reply.sources, reply.checks

Names are imported on first use, so `import stackadvisor.rules` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Advisor": "advisor",
    "BackendError": "errors",
    "Chat": "advisor",
    "Check": "rules",
    "ConfigError": "errors",
    "IndexError_": "errors",
    "InputError": "errors",
    "KnowledgeError": "errors",
    "MissingDependencyError": "errors",
    "Reply": "advisor",
    "Source": "advisor",
    "StackAdvisorError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'stackadvisor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # the lazy exports above, for type checkers
    from .advisor import Advisor, Chat, Reply, Source
    from .errors import BackendError, ConfigError, IndexError_, InputError, KnowledgeError, MissingDependencyError, StackAdvisorError
    from .rules import Check
