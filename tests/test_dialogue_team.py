"""Who the team is, what a drop takes with it, and follow-ups that point back (rules/dialogue.py, rules/context.py,
advisor.resolve_references): a departed team, a replaced team, the part of a project a drop names, "it" as the
project, "why is that?" after a fact.

Real parts: the real local MiniLM model scores the example utterances (no fake embedder)."""

from __future__ import annotations

import pytest

from stackadvisor import rules
from stackadvisor.advisor import resolve_references
from stackadvisor.rules.dialogue import State, read_turn, topic_examples
from stackadvisor.rules.meaning import Meaning


@pytest.fixture(scope="module")
def table(knowledge):
    return knowledge.table


@pytest.fixture(scope="module")
def meaning(local_embeddings, table):
    from stackadvisor.embeddings import embed_array

    return Meaning(lambda texts: embed_array(local_embeddings, list(texts)), topic_examples(table))


def converse(table, meaning, *turns):
    state, reading, ranking = State(), None, None
    for text in turns:
        reading = read_turn(text, table, state, meaning)
        ranking = rules.score(reading.needs, table, reading.intent)
        state = state.after(reading.needs, reading.intent, ranking, text)
    return reading, ranking


@pytest.mark.parametrize(("gone", "stays"), [
    ("the vue people quit last month", "Node.js"),
    ("our golang folks have moved on", "Go"),
    ("we lost our only rust engineer", "Rust"),
])
def test_people_who_left_take_their_language_off_the_team(table, gone, stays):
    before = rules.Needs(skills=frozenset({"Node.js", "Go", "Rust"}))
    after = rules.extract_needs(gone, table, before)
    assert stays not in after.skills
    assert stays not in after.excluded  # still a candidate
    assert after.skills == before.skills - {stays}


def test_a_mention_next_to_a_departure_of_someone_else_keeps_its_skill(table):
    before = rules.Needs(skills=frozenset({"Go"}))
    assert "Go" in rules.extract_needs("we write go and have left php behind", table, before).skills


def test_a_new_team_replaces_the_old_one_and_an_added_one_joins_it(table, meaning):
    replaced, ranking = converse(table, meaning, "backend for a book club site", "the team is all typescript devs",
                                 "update: those devs are gone, it's three pythonistas now")
    assert replaced.needs.skills == {"Python"}
    assert ranking.recommendation == "Python"
    grown, _ = converse(table, meaning, "backend for a book club site", "the team is all typescript devs",
                        "two of us know python as well now")
    assert grown.needs.skills == {"Node.js", "Python"}


def test_dropping_one_feature_keeps_the_rest_of_the_project(table, meaning):
    reading, ranking = converse(table, meaning, "banking backend for card payments plus a chat widget for support",
                                "forget the chat widget")
    assert "fintech" in reading.needs.use_cases
    assert "real-time" not in reading.needs.use_cases
    assert ranking.recommendation == "Rust"


def test_it_as_the_project_is_not_replaced_by_the_pick(knowledge):
    asked = "which one would be the better choice for it?"
    assert resolve_references(asked, ("Rust",), knowledge) == asked
    assert resolve_references("which language should we use for it", ("Go",), knowledge) == "which language should we use for it"
    assert "Go" in resolve_references("how is the tooling for it?", ("Go",), knowledge)


@pytest.mark.parametrize("why", ["why is that?", "how come", "ok, why?"])
def test_why_after_a_fact_asks_for_its_reasons(table, meaning, why):
    reading, _ = converse(table, meaning, "how does go do on concurrency?", why)
    assert reading.intent.kind == "fact"
    assert reading.intent.languages == ("Go",)
    assert reading.intent.criteria == ("concurrency",)


def test_why_after_a_pick_still_explains_the_pick(table, meaning):
    reading, ranking = converse(table, meaning, "low-latency trading backend", "why?")
    assert reading.intent.kind == "recommend" and ranking.recommendation == "Rust"


def test_a_tie_goes_to_the_language_the_user_named(table):
    needs = rules.Needs(use_cases=frozenset({"rest-api"}), mentioned=("Python",))
    ranking = rules.score(needs, table, rules.Intent("recommend", (), (), True))
    assert ranking.recommendation == "Python"
    assert "you named it" in ranking.reason
    plain = rules.score(rules.Needs(use_cases=frozenset({"rest-api"})), table, rules.Intent("recommend", (), (), True))
    assert plain.recommendation == "Node.js" and "first in the table" in plain.reason
