"""The offline writer on natural phrasings: fact answers quote the article lines the question's words point at,
and answers to reworded questions hold no contradicted claim."""

from __future__ import annotations

import pytest

from stackadvisor import knowledge, rules
from stackadvisor.compose import Context, compose

K = knowledge.load()
T = K.table


def _answer(question: str) -> str:
    needs = rules.extract_needs(question, T)
    intent = rules.classify(question, T, needs)
    ranking = rules.score(needs, T, intent)
    premise = [c for c in rules.check(question, T) if c.verdict == "contradicted"]
    return compose(Context(question, needs, intent, ranking, [], K, premise)).text


def test_a_fact_answer_quotes_the_line_the_questions_words_name():
    text = _answer("Is there anything in the article on Go's tooling?")
    assert "Minimalist syntax with powerful tooling" in text
    text = _answer("Tell me about the GIL and Python's concurrency.")
    assert "Limited multithreading (due to GIL)" in text


def test_question_words_do_not_pull_in_unrelated_lines():
    text = _answer("What is Rust's concurrency?")
    assert "Rust's concurrency is High" in text
    assert "Steep learning curve" not in text and "garbage collection" not in text


@pytest.mark.parametrize("question", [
    "Go or Rust: which will juniors get productive in quicker?",
    "Given that Python has almost no libraries, is it a bad pick for ML?",
    "We stream telemetry from thousands of devices at the same time. What should we use?",
    "Our newcomers need the friendliest language for a CRUD service.",
    "Is Node.js well suited to heavy number crunching?",
])
def test_answers_to_reworded_questions_hold_no_contradicted_claim(question):
    text = _answer(question)
    body = text.split("**A correction first:**")[-1]
    bad = [c for c in rules.check(body, T) if c.verdict == "contradicted" and not c.question]
    assert not bad, (question, bad)


def test_learning_speed_comparison_answers_on_the_learning_curve():
    text = _answer("Go or Rust: which will juniors get productive in quicker?")
    assert "Easy/Medium" in text and "Hard" in text
