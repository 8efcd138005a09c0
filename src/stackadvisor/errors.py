"""Errors stackadvisor raises. Every message says what to do next.

    StackAdvisorError                 base class: catch this at the edge (CLI, web)
    ├── ConfigError                   a bad setting or argument (unknown backend, bad port, ...)
    ├── KnowledgeError                corpus/ or a user table fails validation (names row, column, allowed values)
    ├── MissingDependencyError        an optional package is not installed (names the pip command)
    ├── IndexError_                   the vector index is missing, corrupt or locked (names the fix)
    │   └── store.IndexCorrupt        the Chroma files are damaged (the built-in index is rebuilt)
    ├── InputError                    a question that cannot be answered as given (too long, ...)
    └── BackendError                  an LLM or embedding endpoint failed after retries
"""

from __future__ import annotations


class StackAdvisorError(Exception):
    """Base class of every error stackadvisor raises on purpose."""


class ConfigError(StackAdvisorError):
    """A setting or argument is invalid."""


class KnowledgeError(StackAdvisorError):
    """The corpus or a comparison table is invalid."""


class MissingDependencyError(StackAdvisorError):
    """An optional dependency is missing; the message names the pip command."""


class IndexError_(StackAdvisorError):  # noqa: N801 - do not shadow the builtin IndexError
    """The vector index is missing, corrupt or busy."""


class InputError(StackAdvisorError):
    """The user's input cannot be processed (empty, too long, malformed)."""


class BackendError(StackAdvisorError):
    """An LLM or embedding backend failed after its retries."""


VectorIndexError = IndexError_
