"""Typed records of the rules layer: what the user needs, what a question wants, scores, rankings, claim verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from . import lexicon

Verdict = Literal["supported", "contradicted", "unsupported"]
IntentKind = Literal["recommend", "fact", "compare", "overview", "out_of_scope", "vague", "greeting", "why_not", "downsides"]


@dataclass(frozen=True)
class Needs:
    """What the user needs, read from the conversation so far."""

    priorities: dict[str, float] = field(default_factory=dict)  # criterion id -> weight in (0, 1]
    use_cases: frozenset[str] = frozenset()  # ids of table.use_cases
    constraints: frozenset[str] = frozenset()  # ids of table.constraints
    skills: frozenset[str] = frozenset()  # language names the team already knows
    excluded: frozenset[str] = frozenset()  # languages the user ruled out ("anything but Rust")
    mentioned: tuple[str, ...] = ()  # table languages named, in order of mention
    outside: tuple[str, ...] = ()  # technologies named that the table does not cover ("Java", "PHP")
    dropped: frozenset[str] = frozenset()  # criterion / use case / constraint ids the user explicitly said no longer matter
    implied: frozenset[str] = frozenset()  # criterion ids in priorities only because a use case implies them (not said)
    required: frozenset[str] = frozenset()  # need ids said as requirements ("it has to be memory safe"): see `musts`

    @property
    def musts(self) -> frozenset[str]:
        """The requirements still in force: a need dropped later takes its requirement with it."""
        return self.required & (set(self.priorities) | self.use_cases | self.constraints)

    @property
    def empty(self) -> bool:
        return not (self.priorities or self.use_cases or self.constraints or self.skills or self.excluded)


@dataclass(frozen=True)
class Intent:
    """What kind of answer a question wants."""

    kind: IntentKind
    languages: tuple[str, ...] = ()  # table languages the question is about
    criteria: tuple[str, ...] = ()  # criterion ids the question is about
    wants_pick: bool = False
    candidates: tuple[str, ...] = ()  # when non-empty, the pick is made among these ("Go or Rust for ...?")
    even: bool = False  # no need stated, a project and a choice among the candidates: the criteria weigh the same
    frameworks: tuple[str, ...] = ()  # frameworks of the one language weighed against each other ("hapi", "express")


@dataclass(frozen=True)
class Contribution:
    """One line of a language's score breakdown."""

    kind: Literal["criterion", "use_case", "constraint", "skill", "excluded"]
    key: str  # criterion / use case / constraint id, or the skill's language
    label: str  # "Speed: Extremely High", "Best for: fintech", "Con: Not ideal for CPU-bound tasks"
    points: float
    evidence: str  # the table cell or the article line it rests on


@dataclass(frozen=True)
class Score:
    language: str
    total: float
    breakdown: tuple[Contribution, ...]


@dataclass(frozen=True)
class Flip:
    """The smallest change of needs that makes another language win."""

    language: str  # who would win
    change: str  # human sentence: "if ease of learning mattered more than speed (weight +0.4)"
    criterion: str | None = None
    delta: float = 0.0


@dataclass(frozen=True)
class Ranking:
    scores: tuple[Score, ...]  # best first
    recommendation: str | None
    reason: str  # why this pick, or why no pick ("the question asks for facts, not a pick")
    flip: Flip | None = None
    candidates: tuple[str, ...] = ()  # the languages the pick was made among (all not ruled out, or the ones asked about)

    def pairs(self) -> list[tuple[str, float]]:
        return [(s.language, s.total) for s in self.scores]

    def score_of(self, language: str) -> Score:
        return next(s for s in self.scores if s.language == language)


@dataclass(frozen=True)
class Check:
    """A claim found in a text, with its verdict and the evidence (a table cell or an article line)."""

    claim: str
    verdict: Verdict
    evidence: str
    kind: str = "level"  # level | comparison | superlative | best_for | pro | con | framework | recommendation | outside
    language: str | None = None
    criterion: str | None = None
    span: tuple[int, int] = (0, 0)  # where the claim sits in the checked text
    correction: str | None = None  # for a contradicted claim: the true statement from the table
    question: bool = False  # the claim sits in a question ("Is Python faster than Go?"); callers decide
    other: str | None = None  # the second language of a comparison


# ============================================================================================ vocabulary
# Plain-English and outside-world vocabulary only. Everything about the covered languages comes from the Table.

#: Technologies a question may name that the built-in table does not cover. A table row (name, alias or skill)
#: with one of these names takes it off this list.
OUTSIDE_TECH = lexicon.phrases("names", "outside_tech")  # data: rules/lexicon/names.yaml

#: Names that are also everyday English words: they count as a language only when capitalised (and not in
#: "Go ahead"), or when lower-case in a language context ("in go", "go vs rust").
AMBIGUOUS_NAMES = frozenset(lexicon.phrases("names", "ambiguous_names"))  # data: rules/lexicon/names.yaml

#: Subjects outside backend-language choice; a question about one of them (and nothing the table covers) is out of scope.
OFF_TOPIC = lexicon.phrases("scope", "off_topic")  # data: rules/lexicon/scope.yaml

#: Keywords that need context to mean a use case / criterion (data keywords are still read from the table).
