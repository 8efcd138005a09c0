"""The rules layer on natural phrasings: synonyms of the table's keywords, speed words that grade learning,
off-topic subjects, claims under markdown headings, best-for claims in other words.

The phrasings here are written for these tests, not taken from evals/: the eval suite measures the product,
these pin the general behaviour each fix added."""

from __future__ import annotations

import pytest

from stackadvisor import knowledge, rules

K = knowledge.load()
T = K.table


def needs(text: str, previous: rules.Needs | None = None) -> rules.Needs:
    return rules.extract_needs(text, T, previous)


def intent(text: str) -> rules.Intent:
    return rules.classify(text, T, needs(text))


def pick(text: str) -> str | None:
    n = needs(text)
    return rules.score(n, T, rules.classify(text, T, n)).recommendation


def checks(text: str) -> list[tuple[str | None, str | None, str]]:
    return [(c.language, c.criterion, c.verdict) for c in rules.check(text, T)]


# ================================================================================= synonyms of table keywords


@pytest.mark.parametrize("text,criterion", [
    ("Our sensors all report at the same time, so the backend must keep up.", "concurrency"),
    ("Players connect simultaneously during tournaments.", "concurrency"),
    ("We expect tens of thousands of clients during a launch.", "concurrency"),
    ("Response times must stay tiny for our checkout page.", "speed"),
    ("Our hires are mostly novices.", "learning_curve"),
    ("Half the team are bootcamp graduates.", "learning_curve"),
    ("We want plenty of off-the-shelf plugins.", "ecosystem"),
])
def test_everyday_wording_names_a_criterion(text, criterion):
    assert criterion in needs(text).priorities


@pytest.mark.parametrize("text,kind,tid", [
    ("We run PyTorch models and need to serve them.", "use_case", "data-ml"),
    ("A service that answers with predictions from a trained model.", "use_case", "data-ml"),
    ("We're writing a daemon that sits close to the network stack.", "use_case", "systems"),
    ("We keep the ledger for a brokerage.", "use_case", "fintech"),
    ("An NFT minting backend.", "use_case", "blockchain"),
    ("It is all Docker images on a managed cluster.", "use_case", "cloud-native"),
    ("Physics simulations run on every request.", "constraint", "cpu-bound"),
    ("It's a hackathon, we need something by Sunday.", "constraint", "fast-delivery"),
])
def test_domain_wording_names_a_use_case_or_constraint(text, kind, tid):
    n = needs(text)
    assert tid in (n.use_cases if kind == "use_case" else n.constraints)


def test_a_synonym_means_nothing_when_the_table_lacks_its_keyword():
    raw = {
        "criteria": {"speed": {"label": "Speed", "scale": ["Low", "High"], "keywords": ["speed"]}},
        "languages": [
            {"name": "A", "cells": {"speed": "High"}},
            {"name": "B", "cells": {"speed": "Low"}},
        ],
    }
    table = knowledge.parse_table(raw)
    n = rules.extract_needs("Thousands of users hit it at the same time.", table)
    assert n.priorities == {}


def test_synonyms_add_no_need_to_unrelated_text():
    assert needs("Tell me about the article.").empty
    assert needs("We like simple code reviews.").use_cases == frozenset()


@pytest.mark.parametrize("text,expected", [
    ("Our service handles millions of requests at the same time; which language?", {"Go"}),
    ("We are novices building a small JSON API. Which language is gentlest?", {"Python"}),
    ("Every microsecond counts in our order book. What should we use?", {"Rust"}),
])
def test_picks_follow_the_synonyms(text, expected):
    assert pick(text) in expected


# ================================================================================= speed words that grade learning


@pytest.mark.parametrize("text,lang,other,verdict", [
    ("Go is quicker to learn than Rust.", "Go", "Rust", "supported"),
    ("Rust is faster to master than Python.", "Rust", "Python", "contradicted"),
    ("Newcomers pick Node.js up faster than Rust.", "Node.js", "Rust", None),
])
def test_learning_speed_is_judged_on_the_learning_curve(text, lang, other, verdict):
    found = [c for c in rules.check(text, T) if c.kind == "comparison"]
    assert all(c.criterion != "speed" for c in found), found
    if verdict:
        c = next(c for c in found if c.language == lang)
        assert (c.criterion, c.other, c.verdict) == ("learning_curve", other, verdict)
        assert c.claim == text.rstrip(".")  # quoted as written, not as rephrased


def test_speed_words_about_running_stay_speed():
    assert checks("Rust runs faster than Go.") == [("Rust", "speed", "supported")]
    assert checks("Go is the fastest to compile and Rust is faster than Node.js.")[-1] == ("Rust", "speed", "supported")
    assert needs("I'd like to learn which of them runs fastest.").priorities == {"speed": 0.6}


def test_questions_about_learning_quickly_ask_about_the_learning_curve():
    i = intent("Go versus Python: which would our interns get productive in quicker?")
    assert i.kind == "compare" and i.criteria == ("learning_curve",)
    assert "speed" not in needs("Which of these can a junior pick up fastest?").priorities


def test_rephrase_keeps_length():
    for t in ("Which is quicker to pick up?", "learn it more quickly", "pick Rust up most quickly!", "slower to learn"):
        assert len(rules._rephrase(t)) == len(t)


# ================================================================================= superlative questions with needs beside them


def test_a_superlative_question_after_a_stated_need_asks_for_a_pick():
    i = intent("Onboarding speed means everything to us since half the team are interns. Which language is the friendliest?")
    assert i.kind == "recommend" and i.wants_pick
    assert pick("Onboarding speed means everything to us since half the team are interns. Which language is the friendliest?") == "Python"


def test_a_bare_superlative_question_stays_a_fact():
    assert intent("Which of the four is the friendliest to learn?").kind == "fact"
    assert intent("I read the article twice. Which language is the fastest?").kind == "fact"


def test_a_need_in_a_clause_beside_the_superlative_counts():
    assert intent("Our new hires are all novices; which backend is friendliest?").kind == "recommend"


# ================================================================================= off-topic subjects


@pytest.mark.parametrize("text", [
    "What should I say in a job interview for a backend role?",
    "Could you review my cover letter for a backend developer position?",
    "How do I ask my manager for a pay raise?",
    "Which recruiters place backend engineers best?",
])
def test_career_questions_are_out_of_scope(text):
    assert intent(text).kind == "out_of_scope"


@pytest.mark.parametrize("text,kind", [
    ("We're interviewing candidates next month; which language should the new API use?", "recommend"),
    ("Our recruiters keep asking: which language should we standardise on?", "vague"),
    ("We're hiring juniors for a CRUD API, so which language?", "recommend"),
])
def test_career_words_beside_a_language_question_stay_in_scope(text, kind):
    assert intent(text).kind == kind


def test_an_off_topic_word_inside_a_table_phrase_is_not_off_topic():
    # "front-end developers" is a Node.js skill in the table, "database engine" a kind of systems work
    assert intent("Why would a company full of front-end developers go for Node.js?").kind == "fact"
    assert intent("We're writing a database engine. Which language?").kind == "recommend"
    assert intent("Which database should I use for my app?").kind == "out_of_scope"
    assert intent("How do I style a frontend button?").kind == "out_of_scope"


# ================================================================================= claims under a markdown heading


def test_bullets_under_a_language_heading_are_claims_about_it():
    text = "## Rust\n- Speed: Extremely High\n- Concurrency: Very High\n- Slower than Go\n\n## Python\n* Learning curve: Very Easy"
    assert checks(text) == [
        ("Rust", "speed", "supported"),
        ("Rust", "concurrency", "contradicted"),
        ("Rust", "speed", "contradicted"),
        ("Python", "learning_curve", "supported"),
    ]
    claim = rules.check(text, T)[0]
    assert claim.claim == "Speed: Extremely High" and text[claim.span[0]:claim.span[1]] == "Speed: Extremely High"


def test_bold_and_colon_headings_carry_until_the_list_ends():
    text = "**Node.js**\n\n- ecosystem: Huge\n- ideal for real-time apps\n\nOverall the speed is Low."
    got = checks(text)
    assert ("Node.js", "ecosystem", "supported") in got and ("Node.js", None, "supported") in got
    assert all(c != ("Node.js", "speed", "contradicted") for c in got)  # the paragraph after the list is not under it
    assert checks("Go:\n- concurrency: Low") == [("Go", "concurrency", "contradicted")]


def test_headings_that_are_not_one_language_carry_nothing():
    assert checks("## Go vs Rust\n- Speed: Low") == []
    assert checks("## Summary\n- Speed: Low") == []
    assert checks("### Why Go\n- Speed: Low") == []
    got = rules.check("## Kotlin\n- Speed: Very High", T)
    assert [(c.kind, c.verdict) for c in got] == [("outside", "unsupported")]


def test_a_line_that_names_its_own_language_keeps_it_under_a_heading():
    assert checks("### Go\n- Python's concurrency is Low") == [("Python", "concurrency", "supported")]


# ================================================================================= best-for, pro and con claims in other words


@pytest.mark.parametrize("text,lang,verdict", [
    ("Rust is well suited to smart contracts.", "Rust", "supported"),
    ("Node.js is well suited to video encoding.", "Node.js", "contradicted"),
    ("Python works particularly well for data pipelines.", "Python", "supported"),
    ("Go performs really well for containerized workloads.", "Go", "supported"),
    ("Node.js handles image processing extremely well.", "Node.js", "contradicted"),
    ("Node.js does not handle heavy computation well.", "Node.js", "supported"),
    ("Python handles the machine learning side nicely.", "Python", "supported"),
    ("Go copes with concurrency very well.", "Go", "supported"),
    ("Python handles concurrency poorly.", "Python", "supported"),
])
def test_topic_claims_in_other_words(text, lang, verdict):
    got = [(c.language, c.verdict) for c in rules.check(text, T)]
    assert got == [(lang, verdict)], got


def test_plural_of_a_singular_keyword_is_the_same_topic():
    assert checks("Node.js is great for API gateways.") == [("Node.js", None, "supported")]
    assert "io-heavy" in needs("We run a few reverse proxies.").use_cases


def test_an_unsupported_best_for_claim_shows_what_the_article_does_name():
    c = rules.check("Go is the best choice for REST APIs.", T)[0]
    assert c.verdict == "unsupported"  # the article names Node.js (REST APIs) and Python (APIs), not Go
    assert "Scalable microservices, cloud-native apps, concurrent services" in c.evidence
    assert "Node.js and Python" in c.evidence


@pytest.mark.parametrize("text,lang,verdict", [
    ("Python has hardly any libraries.", "Python", "contradicted"),
    ("Node.js offers loads of npm packages.", "Node.js", "supported"),
    ("There are very few packages for Node.js.", None, None),  # the subject comes after: no claim is read
    ("Go ships with a wealth of libraries.", "Go", "contradicted"),
    ("Rust doesn't have many packages yet.", "Rust", "supported"),
])
def test_how_many_packages_grades_the_ecosystem(text, lang, verdict):
    got = [(c.language, c.criterion, c.verdict) for c in rules.check(text, T) if c.kind != "unchecked"]  # issue 12: unread ones are listed
    assert got == ([(lang, "ecosystem", verdict)] if lang else []), got


# ================================================================================= article lines in other words


@pytest.mark.parametrize("text,lang,verdict", [
    ("Goroutines give Go concurrency that is built in.", "Go", "supported"),
    ("Rust offers memory safety without any garbage collection.", "Rust", "supported"),
    ("Python's syntax is readable and clean.", "Python", "supported"),
    ("Go's tooling is powerful and the syntax minimalist.", "Go", "supported"),
])
def test_an_article_line_reworded_is_still_that_line(text, lang, verdict):
    got = [(c.language, c.verdict) for c in rules.check(text, T)]
    assert (lang, verdict) in got and all(v != "contradicted" for _, v in got), got


def test_a_reworded_line_needs_all_its_content_words():
    assert rules.check("Go has powerful tooling.", T) == [] or all(c.kind != "pro" or c.language == "Go" for c in rules.check("Go has powerful tooling.", T))
    assert [c for c in rules.check("Go syntax matters. Python tooling is fine.", T) if c.kind == "pro"] == []


def test_adverb_and_model_wording():
    assert "concurrency" in needs("Our workers run concurrently on every node.").priorities
    assert "data-ml" in needs("A retrieval service in front of a large language model.").use_cases
    assert intent("Can you proofread my résumé for a Go job?").kind == "out_of_scope"
    assert intent("Let's resume: which is faster, Go or Rust?").kind == "compare"


def test_words_that_are_only_sometimes_about_careers_do_not_make_a_question_off_topic():
    assert intent("Go and Rust are our candidates. Thoughts?").kind == "compare"
    assert intent("We're building a portfolio tracker with promotion emails; which language should we use?").kind != "out_of_scope"


def test_a_synonym_implies_only_what_its_keyword_implies():
    # "development speed" is about delivery (Rust's con: slower development), not how fast the program runs
    n = needs("Development speed is what we care about.")
    assert "fast-delivery" in n.constraints and "speed" not in n.priorities
    assert "speed" in needs("Every microsecond counts for our service.").priorities
