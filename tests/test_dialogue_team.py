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


def test_a_use_case_implies_the_column_the_table_names_for_it(table, meaning):
    reading, ranking = converse(table, meaning, "a proxy in front of our upload storage; go and node are banned here")
    assert reading.needs.priorities.get("concurrency") == pytest.approx(0.3)  # io-heavy bears on concurrency
    assert "concurrency" in reading.needs.implied
    assert ranking.recommendation == "Rust"  # High beats Python's Low once node and go are out


@pytest.mark.parametrize("said", ["pauses from the garbage collector are unacceptable, so no gc pauses",
                                  "we cannot tolerate memory leaks in this daemon"])
def test_ruling_out_a_memory_problem_asks_for_memory_safety(table, said):
    needs = rules.extract_needs(said, table)
    assert "memory-safety" in needs.use_cases and "memory-safety" not in needs.dropped


def test_a_fact_question_about_that_asks_about_the_language_in_talk(table, meaning):
    reading, _ = converse(table, meaning, "small crud backend, we know go", "what libraries does that have?")
    assert reading.intent.kind == "fact" and reading.intent.languages == ("Go",)
    which, _ = converse(table, meaning, "small crud backend, we know go", "which one has the most libraries then?")
    assert which.intent.languages != ("Go",) or which.intent.kind != "fact"


@pytest.mark.parametrize(("said", "out"), [
    ("rust and python are both off the table for us", {"Rust", "Python"}),
    ("node, go and rust are all ruled out by security", {"Node.js", "Go", "Rust"}),
    ("we write go, and node is not allowed", {"Node.js"}),
])
def test_a_plural_exclusion_after_a_list_rules_out_the_whole_list(table, said, out):
    assert rules.extract_needs(said, table).excluded == out


def test_comparing_the_pick_with_one_named_language_compares_both(table, meaning):
    reading, _ = converse(table, meaning, "low-latency order matching engine", "and how would that stack up against go on speed?")
    assert reading.intent.kind == "compare"
    assert reading.intent.languages == ("Rust", "Go")


def test_a_refinement_with_that_still_re_ranks(table, meaning):
    reading, ranking = converse(table, meaning, "fastest language for a video transcoding backend",
                                "only interns will maintain it. does that change the answer?")
    assert reading.intent.kind == "recommend" and ranking.recommendation == "Go"


@pytest.mark.parametrize(("text", "parts"), [
    ("our juniors will own it, would that change the pick?", 2),
    ("we care about raw speed, which one?", 2),
    ("rust or go, which is faster?", 1),  # the options, then the question: one question
    ("is node fast, or is go faster?", 1),
])
def test_a_statement_before_a_comma_question_is_a_statement(text, parts):
    from stackadvisor.rules.mentions import _sentences

    assert len(_sentences(text)) == parts


def test_a_refinement_before_a_question_tag_re_ranks(table, meaning):
    reading, ranking = converse(table, meaning, "fastest language for a video transcoding backend",
                                "only interns will maintain it, does that change the answer?")
    assert reading.intent.kind == "recommend" and ranking.recommendation == "Go"


@pytest.mark.parametrize("said", [
    "an app where fans see the scoreline change the instant a goal is scored",
    "the leaderboard should reorder itself live while the quiz runs",
    "a service that pushes fare changes to every connected phone",
])
def test_changes_reaching_people_as_they_happen_are_real_time(table, said):
    assert "real-time" in rules.extract_needs(said, table).use_cases


@pytest.mark.parametrize("said", ["we go live in march", "prices change once a week", "it never has to update instantly"])
def test_going_live_or_slow_updates_are_not_real_time(table, said):
    assert "real-time" not in rules.extract_needs(said, table).use_cases


def test_a_question_about_a_named_language_adds_no_need_by_meaning(table, meaning):
    reading, _ = converse(table, meaning, "what does the article say rust is good for?")
    assert reading.needs.use_cases == frozenset() and reading.intent.kind == "fact"


def test_a_use_case_said_in_words_keeps_its_implied_weight(table, meaning):
    reading, ranking = converse(table, meaning, "presence and typing indicators for our messenger, all real-time")
    assert reading.needs.priorities.get("concurrency", 0.3) <= 0.3
    assert ranking.recommendation == "Node.js"


def test_the_project_said_again_replaces_the_first_one(table, meaning):
    reading, ranking = converse(table, meaning, "a little side project to learn backend on, total beginner here",
                                "oh wait, it's for my job: a low-latency payments gateway, and I'm a senior C++ dev")
    assert "learning_curve" not in reading.needs.priorities
    assert ranking.recommendation == "Rust"
    grown, _ = converse(table, meaning, "chat backend for a dating app", "actually it's also going to do payments")
    assert {"real-time", "fintech"} <= grown.needs.use_cases


@pytest.mark.parametrize("lacking", ["I'm not confident coding in python", "none of us is fluent in python", "we have zero experience with python"])
def test_a_language_the_team_says_it_lacks_is_no_skill_and_gets_no_tie(table, meaning, lacking):
    reading, ranking = converse(table, meaning, f"a json api for our booking site; {lacking}")
    assert "Python" not in reading.needs.skills and "Python" not in reading.needs.mentioned


def test_a_tie_does_not_go_to_the_language_the_team_lacks(table, meaning):
    _, ranking = converse(table, meaning, "a json api for our booking site; I'm not confident coding in python")
    assert ranking.score_of("Python").total == ranking.score_of("Node.js").total  # both list APIs
    assert ranking.recommendation == "Node.js"  # the table's order, not the language named as lacking
