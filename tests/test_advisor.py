"""The Python API end to end: real index, real embedding model, offline writer."""

from __future__ import annotations

import re

import pytest

from stackadvisor import Advisor, InputError, Reply, Source
from stackadvisor.rules import Check

HEADLINE = "We're building a real-time chat app and the team knows React: which backend?"


@pytest.fixture(scope="module")
def advisor(built_home):
    return Advisor(home=built_home)


def test_headline_question(advisor):
    reply = advisor.ask(HEADLINE)
    assert isinstance(reply, Reply)
    assert reply.recommendation == "Node.js"
    assert reply.ranking[0][0] == "Node.js" and len(reply.ranking) == 4
    assert reply.ranking == sorted(reply.ranking, key=lambda p: -p[1])
    assert reply.breakdown("Node.js")
    assert all(isinstance(s, Source) for s in reply.sources)
    assert all(isinstance(c, Check) for c in reply.checks)
    assert "[1]" in reply.answer and "Real-time applications" in reply.answer
    assert not reply.contradicted
    assert reply.backend == "offline"


@pytest.mark.parametrize("question,pick", [
    ("We need a high-performance backend for a fintech trading platform.", "Rust"),
    ("Cloud-native microservices with lots of concurrency: what should we use?", "Go"),
    ("We're building an ML-powered backend for our data science team. Which language?", "Python"),
    ("Which backend for a blockchain platform?", "Rust"),
])
def test_picks_follow_the_article(advisor, question, pick):
    assert advisor.ask(question).recommendation == pick


def test_every_citation_is_a_source(advisor):
    for q in (HEADLINE, "What is Rust's learning curve?", "Go vs Node.js for concurrency?"):
        reply = advisor.ask(q)
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)}
        assert cited and max(cited) <= len(reply.sources)


def test_fact_question_retrieves_its_section_and_has_no_pick(advisor):
    reply = advisor.ask("What is Rust's learning curve?")
    assert reply.recommendation is None
    assert "Hard" in reply.answer
    assert {s.section for s in reply.sources[:2]} & {"rust", "comparison"}


def test_out_of_scope_question(advisor):
    reply = advisor.ask("Should I use Java for my backend?")
    assert reply.recommendation is None
    assert "Java" in reply.answer
    assert not [c for c in reply.checks if c.language == "Java" and c.verdict == "supported"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂🚀", "\x00\x1b[31m"])
def test_empty_messages_get_a_friendly_prompt(advisor, text):
    reply = advisor.ask(text)
    assert reply.recommendation is None and "Ask me" in reply.answer


def test_too_long_message_is_refused_with_the_limit(advisor):
    with pytest.raises(InputError, match="limit is 4,000"):
        advisor.ask("x" * 5000)


def test_conversation_keeps_and_overrides_needs(advisor):
    chat = advisor.chat()
    first = chat.ask("We need a backend for an ML-powered product; a big library ecosystem matters.")
    assert first.recommendation == "Python"
    second = chat.ask("Forget the libraries, speed matters now.")
    assert "ecosystem" not in second.needs.priorities
    assert second.needs.priorities.get("speed")
    assert second.recommendation in ("Rust", "Go")
    assert len(chat.history) == 2


def test_follow_up_pronoun_refers_to_the_last_language(advisor):
    chat = advisor.chat()
    chat.ask("Tell me about Go.")
    reply = chat.ask("What is its learning curve?")
    assert "Easy/Medium" in reply.answer


def test_check_api(advisor):
    [c] = advisor.check("Python is faster than Go")
    assert c.verdict == "contradicted" and "Low" in c.evidence


def test_runnable_invoke_batch_stream(advisor):
    assert advisor.invoke(HEADLINE).recommendation == "Node.js"
    assert advisor.invoke({"question": "Which is faster, Go or Python?", "history": []}).answer
    replies = advisor.batch(["What is Go's concurrency?", "What is Python's speed?"])
    assert "Very High" in replies[0].answer and "Low" in replies[1].answer
    items = list(advisor.stream(HEADLINE))
    assert isinstance(items[-1], Reply) and all(isinstance(i, str) for i in items[:-1])
    assert "".join(items[:-1]) == items[-1].answer


def test_runnable_composes_with_langchain(advisor):
    from langchain_core.runnables import RunnableLambda

    chain = RunnableLambda(lambda q: q.strip()) | advisor | RunnableLambda(lambda r: r.recommendation)
    assert chain.invoke("  Which backend for a blockchain platform?  ") == "Rust"


def test_reply_to_dict_is_json_ready(advisor):
    import json

    data = advisor.ask(HEADLINE).to_dict()
    json.dumps(data)
    assert data["recommendation"] == "Node.js" and data["sources"][0]["n"] == 1


def test_user_table_adds_a_language_everywhere(built_home, tmp_path):
    import yaml

    path = tmp_path / "java.yaml"
    path.write_text(yaml.safe_dump({"languages": [{"name": "Java", "aliases": ["java"],
                                                   "cells": {"speed": "High", "concurrency": "Very High", "learning_curve": "Easy/Medium", "ecosystem": "Huge"}}]}))
    advisor = Advisor(home=tmp_path / "home", table=path)
    [c] = advisor.check("Java has very high concurrency")
    assert c.verdict == "supported"
    reply = advisor.ask("Compare Java and Go on concurrency")
    assert "Java" in reply.answer and not reply.contradicted


def test_the_runner_up_answer_says_what_it_set_aside(advisor):
    chat = advisor.chat()
    first = chat.ask("fastest language for a market data feed handler?")
    reply = chat.ask("the runner-up?")
    assert first.recommendation == "Rust" and reply.recommendation == "Go"
    assert "Rust scores higher on these needs, but is not among them" in reply.answer
