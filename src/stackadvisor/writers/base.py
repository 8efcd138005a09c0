"""The one small interface every answer writer implements, and the values writers hand back.

    class Writer:
        name, can_stream, needs_key, key_env_var, can_fail      what it is and can do (class attributes)
        where                                                   who is speaking, for notices ("The LLM at host")
        stream(ctx, offline, verify) -> str pieces..., WriterResult
        condense(question, history) -> Condensed | None          a follow-up made standalone (None: not done)

`offline` is the deterministic answer compose.py wrote for the turn: every writer may use it (its sources, the
passages an LLM prompt quotes, a fallback). `verify(text, ctx)` is the advisor's check of a text against the
comparison table. Imports nothing heavy: the offline start-up path loads this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..compose import Composed, Context
    from ..rules import Check

Verify = Callable[[str, "Context"], list["Check"]]
MARK = "*(corrected from the comparison table)*"


@dataclass
class WriterResult:
    """What a writer hands back after its text pieces; the advisor turns it into the Reply."""

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
    failure: Failure | None = None
    rewritten: bool = False


class Failure(Exception):
    """A writer call that failed; reason is short, scrubbed and user-facing ("connection refused")."""

    def __init__(self, reason: str, retryable: bool = True, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


_SECRETS = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}|(?i:bearer)\s+[A-Za-z0-9._\-]{6,}|(?i:api[_-]?key)\s*[=:]\s*\S+")


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """text without any secret (the configured key, anything shaped like one), on one short line."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _SECRETS.sub("***", text)
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197] + "..."


class Writer:
    """An answer writer. Subclasses set the class attributes and implement stream()."""

    name: str = "writer"
    can_stream: bool = True  # pieces arrive as they are written
    needs_key: bool = False  # an API key is read from key_env_var
    key_env_var: str | None = None
    can_fail: bool = True  # False only for a writer that always answers (the offline one): nothing to fall back from
    answer_name: str = ""  # how a fallback notice names this writer's answer ("the offline answer")

    @property
    def where(self) -> str:
        """Who is speaking, for notices: "The LLM at 127.0.0.1:8080"."""
        return f"The {self.name} writer"

    def _secrets(self) -> tuple[str, ...]:
        return ()

    def scrub(self, text: str) -> str:
        """text safe for a notice or a log line: none of this writer's secrets, one short line."""
        return scrub(text, self._secrets())

    def stream(self, ctx: Context, offline: Composed, verify: Verify) -> Iterator[str | WriterResult]:
        """The answer's text pieces as they are written, then one WriterResult whose text is exactly what was
        streamed (plus any final safety pass). Raises Failure when it could not answer at all."""
        raise NotImplementedError

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> Condensed | None:
        """A follow-up rewritten into a standalone question, or None when this writer does not rewrite."""
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


__all__ = ["MARK", "Condensed", "Failure", "Verify", "Writer", "WriterResult", "scrub"]
