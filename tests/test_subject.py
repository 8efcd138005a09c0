"""What a question asks about (rules/subject.py): the object of a which-question, the options offered, the object
of a how-to or a verdict, and the outside languages a question asks about rather than mentions. Each case is
classified end to end with the real table, so the test shows the intent a user gets."""

from __future__ import annotations

import pytest

from stackadvisor import knowledge, rules

T = knowledge.load().table


def intent(text: str) -> rules.Intent:
    return rules.classify(text, T, rules.extract_needs(text, T))


@pytest.mark.parametrize("text", [
    "which linter should I run in CI?",                       # a which-object the article has no word for
    "which python version should we install on the build box?",  # a language modifies it; a version is asked
    "what's the best terminal emulator for a developer?",
    "jest or vitest for our unit tests?",                     # options, none of them ours
    "should we use traefik or haproxy?",                      # options after a verb of choosing
    "how do I size the redis connection pool for heavy concurrency?",  # a how-to whose object is another tool
    "is terraform overkill for two servers?",                 # a verdict asked of a tool
    "describe the actor model in plain words",                # how to pitch an explanation is not a need
    "their worker is one process with no supervisor, so how does it handle that many concurrent jobs?",  # how a program works
])
def test_questions_about_something_else_are_out_of_scope(text):
    got = intent(text)
    assert got.kind == "out_of_scope" and not got.wants_pick, (text, got)


@pytest.mark.parametrize("text,kinds", [
    ("which framework suits a real-time chat server?", {"recommend", "fact"}),  # a choice noun: ours
    ("which option would you take for a fintech backend?", {"recommend"}),
    ("which languages have the weakest concurrency?", {"fact"}),     # plural criterion nouns are ours too
    ("what is rust good at, speed or ease?", {"fact", "compare"}),   # options that are properties of a language
    ("python or go for a data pipeline api?", {"recommend"}),
    ("is go overkill for a small crud service?", {"recommend"}),     # a verdict on a language
    ("Go, which we have used for years, is it still right for new microservices?", {"recommend", "fact"}),
])
def test_questions_about_the_languages_stay_in_scope(text, kinds):
    got = intent(text)
    assert got.kind in kinds, (text, got)


def test_a_which_question_that_also_asks_for_one_of_the_four_is_ours():
    got = intent("our queue is sqs. which of the four for the worker that drains it?")
    assert got.kind in ("recommend", "vague")  # no need stated yet: it may ask what matters, but never refuses


@pytest.mark.parametrize("text", [
    "Scala shop here. for a crypto exchange matching engine, pick one of your four",
    "our admin panel is PHP. which of your four languages for a websocket notifications service?",
])
def test_an_outside_language_the_team_only_mentions_does_not_refuse_the_question(text):
    got = intent(text)
    assert got.kind == "recommend" and got.wants_pick, (text, got)


def test_an_outside_language_asked_about_is_still_refused():
    assert intent("is Elixir a good fit for a chat server?").kind == "out_of_scope"


def test_a_generic_superlative_before_a_criterion_asks_a_fact():
    got = intent("we tried deno once, but among the four which one has the largest library ecosystem?")
    assert got.kind == "fact" and got.criteria == ("ecosystem",)


def test_a_question_about_what_the_source_says_is_a_fact_not_a_need():
    got = intent("does the article really say go is less expressive than python?")
    assert got.kind == "compare" and set(got.languages) == {"Go", "Python"}


@pytest.mark.parametrize("text", [
    "translate 'fast and memory-safe' into German",        # the quoted text is the task's material, not a need
    "what's the syntax for a struct literal in go",        # a coding question about a language
])
def test_text_and_code_tasks_are_out_of_scope(text):
    assert intent(text).kind == "out_of_scope"


def test_a_described_project_asks_for_a_pick_without_a_question():
    got = intent("service that fans out chat messages to 50k connected phones at the same time")
    assert got.kind == "recommend" and got.wants_pick


def test_which_is_easier_for_us_between_two_is_a_pick_between_them():
    got = intent("between Rust and Go, which one is quicker for our team to learn?")
    assert got.kind == "recommend" and set(got.candidates) == {"Rust", "Go"}


def test_a_property_asked_of_which_is_no_false_premise():
    assert rules.premises("Node.js or Rust, which is faster?", T) == []
    premise = rules.premises("Since Python is the fastest, should we use it?", T)  # one the question takes for granted
    assert [(c.language, c.verdict) for c in premise] == [("Python", "contradicted")]


@pytest.mark.parametrize("text", [
    "what were the reasons why Elixir was picked for the chat service?",   # someone else's choice of an outside one
    "I'd like to understand the rationale behind using Kotlin in this repo.",
    "why use dart for the server at all?",                                 # lower case, as the object of "use"
])
def test_why_someone_chose_an_outside_language_is_out_of_scope(text):
    got = intent(text)
    assert got.kind == "out_of_scope" and not got.wants_pick, (text, got)


def test_a_lower_case_outside_name_is_a_name_only_where_a_language_would_stand():
    found = rules.extract_needs("we need swift delivery of the notifications, and dart is what the app uses", T).outside
    assert "Swift" not in found and "Dart" in found, found


@pytest.mark.parametrize("text,named", [
    ("We propose building the ingestion worker as a Rust based service, for the lowest possible latency.", "Rust"),
    ("Would love to see a go port of this, it has to scale to lots of concurrent connections.", "Go"),
    ("Could you ship a node version of the server? It's a real-time dashboard.", "Node.js"),
])
def test_one_language_argued_for_with_reasons_asks_for_the_projects_pick(text, named):
    got = intent(text)
    assert got.kind == "recommend" and got.wants_pick and named in got.languages, (text, got)


def test_a_subjectless_modal_opens_a_statement_whose_needs_count():
    needs = rules.extract_needs("Would love a backend that scales to thousands of concurrent users.", T)
    assert needs.priorities.get("concurrency", 0) > 0, needs


def test_a_question_about_what_a_language_is_good_at_is_no_advocacy():
    got = intent("What would you propose we use Go for? I hear it's good at most things python is good at.")
    assert not got.wants_pick, got


@pytest.mark.parametrize("text", [
    "who comes out ahead on ecosystem, node or go?",
    "which of python and rust rates lower for learning curve?",
])
def test_which_language_the_table_rates_higher_is_a_comparison_not_a_pick(text):
    got = intent(text)
    assert got.kind in ("compare", "fact") and not got.wants_pick, (text, got)


@pytest.mark.parametrize("text", [
    "our dashboard uses your package and it leaks memory under load. could that be in the module itself?",
    "will you move the project to a different http framework now that this one is unmaintained?",
])
def test_a_question_put_to_a_projects_maintainers_about_their_code_is_out_of_scope(text):
    got = intent(text)
    assert got.kind == "out_of_scope" and not got.wants_pick, (text, got)


def test_a_maintainer_question_that_asks_which_of_the_four_is_still_ours():
    got = intent("will you port it? our service has 50k concurrent users, which of the four would you pick?")
    assert got.wants_pick, got


def test_a_skill_word_offered_as_an_option_is_an_option_not_the_teams_skill():
    text = "we're building an order router, is typescript or go quicker at runtime?"
    assert "Node.js" not in rules.extract_needs(text, T).skills
    got = intent("is typescript or python faster?")
    assert got.kind == "compare" and set(got.languages) == {"Node.js", "Python"}, got
