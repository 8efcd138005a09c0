"""Claim families: what a sentence can claim about a language, and how each kind of claim is read.

    text ─▶ sentences ─▶ clauses ─▶ FAMILIES, in order ─▶ Checks

FAMILIES is the one ordered list of claim families. Each family is a small set of readers `(ck, clause)`.
The overlap policy is the same for all: families run in this order on each clause, and a reader may only claim
a span of the clause that no earlier reader took (the first family to read a stretch of text owns it). The
outside-table family runs first so that a claim about something the table does not rate ("Go compiles faster
than Rust") is never judged by the nearest column; the paraphrase family runs last and only on clauses no other
family read (see paraphrase.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import article, compare, degree, outside, table


@dataclass(frozen=True)
class Family:
    name: str
    kinds: tuple[str, ...]  # the Check kinds it emits
    readers: tuple[Callable, ...]

    def __call__(self, ck, c) -> None:  # noqa: ANN001
        for read in self.readers:
            read(ck, c)


FAMILIES: tuple[Family, ...] = (
    Family("outside-table", ("outside",), (outside.unrated,)),
    Family("comparison", ("comparison", "con", "pro", "superlative"),
           (table.comparison, compare.verbs, table.rank_comparison, table.equality, table.same_as, table.relation, compare.as_adj_as, compare.alike,
            compare.tie, compare.compared_with)),
    Family("superlative", ("superlative",), (degree.least_most, degree.best_idiom, table.superlative)),
    Family("pick", ("best_for", "con"), (article.pick,)),
    Family("level", ("level",), (degree.strong_suit, degree.middle, degree.labelled, table.level, table.predicate, degree.loose_predicate, table.lacks)),
    Family("pro/con", ("pro", "con", "best_for"), (article.item, article.absent, article.graded, article.verdict_after, article.dominates)),
    Family("level (verbs)", ("level", "best_for", "con"), (table.handles, degree.handles_how, degree.verb_how, table.quantity)),
    Family("best-for", ("best_for", "pro", "con"), (article.topic, article.attributive, article.item_bag)),
    Family("comparison (one side)", ("comparison", "level"), (compare.unpaired,)),
    Family("framework", ("framework",), (article.framework, article.no_framework)),
)

__all__ = ["FAMILIES", "Family"]
