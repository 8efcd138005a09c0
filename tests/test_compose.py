"""The offline writer: every composed answer is checked, and none carries a contradicted claim."""

from __future__ import annotations

import itertools
import re

import pytest

from stackadvisor import knowledge, rules
from stackadvisor.compose import Context, comparison_sentence, compose, table_markdown

K = knowledge.load()
T = K.table


def _questions() -> list[str]:
    """Questions generated from the table (facts and comparisons) plus recommendation scenarios."""
    qs = []
    for lang in T.languages.values():
        qs.append(f"Tell me about {lang.name}.")
        qs.append(f"What are the pros and cons of {lang.name}?")
        qs.append(f"Which frameworks does the article name for {lang.name}?")
        for crit in T.criteria.values():
            qs.append(f"What is {lang.name}'s {crit.label.lower()}?")
    for a, b in itertools.combinations(T.names, 2):
        qs.append(f"{a} vs {b}?")
        for crit in T.criteria.values():
            qs.append(f"Compare {a} and {b} on {crit.label.lower()}.")
    for crit in T.criteria.values():
        qs.append(f"Which language has the best {crit.label.lower()}?")
    for uc in T.use_cases.values():
        qs.append(f"Which backend should we use for {uc.label.lower()}?")
        for crit in T.criteria.values():
            qs.append(f"We build {uc.label.lower()} and {crit.measures} matters most. Which language?")
    qs += [
        "We're building a real-time chat app and the team knows React: which backend?",
        "Our team knows Python and we need CPU-bound image processing. What should we use?",
        "Which is best?", "hi", "Should I use Java or PHP for my backend?", "Summarise the article.",
        "Since Python is the fastest, should we use it for high-frequency trading?",
    ]
    return qs


QUESTIONS = _questions()


def _context(question: str) -> Context:
    needs = rules.extract_needs(question, T)
    intent = rules.classify(question, T, needs)
    ranking = rules.score(needs, T, intent)
    premise = [c for c in rules.check(question, T) if c.verdict == "contradicted"]
    return Context(question, needs, intent, ranking, [], K, premise)


def test_there_are_many_generated_questions():
    assert len(QUESTIONS) > 120


@pytest.mark.parametrize("question", QUESTIONS)
def test_no_composed_answer_carries_a_contradicted_claim(question):
    composed = compose(_context(question))
    bad = [c for c in rules.check(composed.text, T) if c.verdict == "contradicted"]
    assert not bad, f"{question!r} -> {[(c.claim, c.evidence) for c in bad]}\n{composed.text}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_points_at_a_source(question):
    composed = compose(_context(question))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", composed.text)}
    assert all(1 <= n <= len(composed.sources) for n in cited)


def test_recommendation_answer_has_the_parts_a_consultant_writes():
    text = compose(_context("We're building a real-time chat app and the team knows React: which backend?")).text
    assert text.startswith("**Recommendation: Node.js**")
    for part in ("**Why Node.js**", "**Trade-offs of Node.js**", "**Runner-up:", "**What would change the pick:**", "**Sources**"):
        assert part in text
    assert "Not ideal for CPU-bound tasks" in text


def test_fact_answer_states_the_cell_with_a_citation():
    text = compose(_context("What is Rust's learning curve?")).text
    assert re.search(r"Rust's learning curve is Hard .*\[\d\]", text)


def test_comparison_answer_has_a_side_by_side_table():
    text = compose(_context("Go vs Python?")).text
    assert "| Speed | Very High | Low |" in text
    assert "Go is faster than Python (Very High vs Low)" in text


def test_out_of_scope_says_what_the_article_covers_and_invents_nothing():
    text = compose(_context("Should I use Java for my backend?")).text
    assert "Java" in text and "won't guess" in text
    assert not [c for c in rules.check(text, T) if c.language == "Java" and c.verdict == "supported"]


def test_vague_question_gets_one_clarifying_question_and_an_overview():
    text = compose(_context("Which is best?")).text
    assert text.count("?") >= 1 and "what matters most" in text.lower()
    assert table_markdown(T).splitlines()[0] in text


def test_false_premise_is_corrected_first():
    text = compose(_context("Since Python is the fastest, should we use it for high-frequency trading?")).text
    assert text.startswith("**A correction first:**")
    assert "Python's speed is Low" in text


@pytest.mark.parametrize("a,b", list(itertools.permutations(T.names, 2)))
@pytest.mark.parametrize("cid", list(T.criteria))
def test_comparison_sentences_are_supported_by_the_checker(a, b, cid):
    sentence = comparison_sentence(T, a, b, cid)
    verdicts = {c.verdict for c in rules.check(sentence + ".", T)}
    assert verdicts == {"supported"}, (sentence, rules.check(sentence + ".", T))


@pytest.mark.parametrize("question", ["when was the article written", "how old is your source?",
                                      "what does it say about go's generics? when was that written?"])
def test_the_source_date_is_answered_from_the_article(offline_advisor, question):
    reply = offline_advisor.ask(question)
    assert reply.intent.kind == "fact" and reply.recommendation is None
    assert "23 May 2025" in reply.answer


def test_the_date_line_is_read_from_the_article(knowledge):
    assert knowledge.date == "23 May 2025"


def test_two_candidates_nothing_separates_are_shown_side_by_side(offline_advisor):
    reply = offline_advisor.ask("should I use django or express for my backend?")
    assert reply.recommendation is None
    assert "Python vs Node.js" in reply.answer and "Rust" not in reply.answer.split("**Sources**")[0]


def test_the_frameworks_a_user_named_are_tied_to_the_pick(offline_advisor):
    reply = offline_advisor.ask("framework decision for the backend/API: deciding on a framework to build the backend (flask, django, fastapi)")
    assert reply.recommendation == "Python"
    assert "Django, Flask and FastAPI are the frameworks the article names for Python" in reply.answer


def test_a_framework_contest_says_the_article_does_not_choose_frameworks(offline_advisor):
    reply = offline_advisor.ask("koa vs fastify for our api, any strong opinions?")
    assert reply.recommendation is None
    assert reply.answer.startswith("Koa and fastify are both Node.js frameworks") and "cannot choose between them" in reply.answer
    assert "Massive npm ecosystem" in reply.answer  # then what the article does say about Node.js


def test_who_wrote_the_article_says_it_names_no_author_and_gives_its_date(offline_advisor):
    reply = offline_advisor.ask("who wrote the article?")
    assert reply.intent.kind == "fact" and "does not name its author" in reply.answer and "23 May 2025" in reply.answer


def test_a_coding_task_is_out_of_scope(offline_advisor):
    assert offline_advisor.ask("can you write me a hello world in rust").intent.kind == "out_of_scope"


def test_a_fact_about_a_cell_brings_the_article_lines_that_explain_it():
    concurrency = compose(_context("Why is Node.js's concurrency rated High?")).text
    assert "Asynchronous and event-driven, great for I/O-heavy tasks" in concurrency  # io-heavy bears on concurrency
    speed = compose(_context("how fast does python run?")).text
    assert "Slower than compiled languages" in speed  # cpu-bound bears on speed
    assert "Limited multithreading" not in speed


def test_the_teams_own_language_is_told_why_it_lost():
    ctx = _context("Our devs all write Python, but this is a CPU-bound number crunching service. Which backend?")
    text = compose(ctx).text
    assert ctx.ranking.recommendation != "Python"
    own = next(p for p in text.split("\n\n") if p.startswith("**Your team's Python**"))
    assert "Python's cons in the article: Slower than compiled languages" in own
    assert not [c for c in rules.check(text, T) if c.verdict == "contradicted"]


def test_a_proposal_about_a_language_gets_both_sides_even_when_it_lists_benefits():
    text = compose(_context("Has anyone thought about porting the service to Go? It would have lots of upsides.")).text
    assert "Cons:" in text and "Pros:" in text
    assert "Pros:" in compose(_context("What are the upsides of Go?")).text
    assert "Cons:" not in compose(_context("What are the upsides of Go?")).text


def test_a_pick_resting_on_the_teams_skill_alone_also_gives_what_else_it_brings(offline_advisor):
    reply = offline_advisor.ask("we're a team of gophers. should the new tool be written in go or in python, and is there any reason besides familiarity?")
    assert reply.recommendation == "Go"
    assert "Beyond your team's skill, the pros the article names for Go: Compiled, statically typed" in reply.answer
    assert "Built-in concurrency with goroutines" in reply.answer.split("**Trade-offs")[0]


def test_a_choice_for_a_project_with_no_need_stated_weighs_the_criteria_the_same(offline_advisor):
    reply = offline_advisor.ask("I want to make a little program that renames my holiday photos. go or rust, which one should I use?")
    assert reply.recommendation in ("Go", "Rust")
    assert "counts the same" in reply.answer and "what you described" not in reply.answer.split("**Trade-offs")[0]
    no_project = offline_advisor.ask("node or python, is one of them simply better?")
    assert no_project.recommendation is None  # a comparison asked, no project: no pick
