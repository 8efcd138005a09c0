"""Retrieval quality and speed on the built-in corpus (real index, real model)."""

from __future__ import annotations


import pytest
from langchain_core.documents import Document

from stackadvisor.config import Settings
from stackadvisor.errors import IndexError_
from stackadvisor.ingest import ingest_paths
from stackadvisor.retrieve import Passage, Retriever, detect_languages
from stackadvisor.store import Store


@pytest.fixture
def retriever(built_store, local_embeddings, knowledge):
    return Retriever(built_store, local_embeddings, knowledge)


def _sections(passages: list[Passage]) -> list[str]:
    return [p.section if p.kind != "row" else p.id for p in passages]


def test_rust_learning_curve(retriever):
    top2 = retriever.search("What is Rust's learning curve?", k=4)[:2]
    assert {"rust:0", "row:rust"} & {p.id for p in top2}


def test_real_time_hits_nodejs(retriever):
    passages = retriever.search("Which language is best for real-time apps?", k=4)
    assert passages[0].section == "nodejs"


QUESTIONS = {
    "Node.js": ["Is Node.js good for REST APIs?", "What are the cons of Node?", "Should I use nodejs for microservices?"],
    "Python": ["Is Python good for machine learning backends?", "What are Python's pros and cons?", "Is python3 too slow?"],
    "Go": ["Is Go good for cloud-native apps?", "What are the downsides of Golang?", "How does Go handle concurrency?"],
    "Rust": ["Is Rust memory safe?", "What is Rust best for?", "Why is Rust hard to learn?"],
}


@pytest.mark.parametrize("language, question", [(lang, q) for lang, qs in QUESTIONS.items() for q in qs])
def test_each_language_question_gets_its_section(retriever, knowledge, language, question):
    section = next(s.id for s in knowledge.sections if s.languages == (language,))
    passages = retriever.search(question, k=4)
    assert section in [p.section for p in passages], [(p.id, round(p.score, 3)) for p in passages]
    row = next(p for p in passages if p.kind == "row")
    assert row.languages == (language,)  # a question about one language always gets its table row


def test_passages_are_ranked_and_complete(retriever):
    passages = retriever.search("Which language has the biggest ecosystem?", k=4)
    assert len(passages) == 4
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    assert len({p.id for p in passages}) == 4
    for p in passages:
        assert p.kb == "builtin" and p.source == "corpus/article.md" and p.title and p.text
        assert isinstance(p.languages, tuple) and p.kind in ("section", "row")
    assert retriever.search("   ", k=4) == []


def test_languages_given_by_the_caller(retriever):
    passages = retriever.search("Which one is fastest?", k=3, languages=["Go"])
    assert "row:go" in [p.id for p in passages]
    assert retriever.search("Which one is fastest?", k=3, languages=[]) != passages


@pytest.mark.parametrize(
    "text, expected",
    [
        ("What is Rust's learning curve?", ("Rust",)),
        ("Node vs Golang for chat?", ("Node.js", "Go")),
        ("Go or Python for an MVP?", ("Python", "Go")),
        ("Should I go with Python?", ("Python",)),
        ("Where do I go from here?", ()),
        ("rustic furniture", ()),
    ],
)
def test_detect_languages(knowledge, text, expected):
    assert set(detect_languages(text, knowledge)) == set(expected)


def test_user_kb_joins_the_builtin_one(isolated_home, built_home, local_embeddings, knowledge, tmp_path):
    # a fresh home: the retriever builds the missing built-in index itself
    store = Store(Settings(home=isolated_home))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "team.md").write_text("# Our stack\n\nOur team runs every Go service on Kubernetes with Helm charts.\n")
    ingest_paths([docs], "team", store, local_embeddings)
    both = Retriever(store, local_embeddings, knowledge, kbs=("builtin", "team"))
    passages = both.search("How do we deploy Go services on Kubernetes?", k=4)
    assert passages[0].kb == "team" and passages[0].source.endswith("team.md")
    assert "builtin" in {p.kb for p in passages}
    store.close()


def test_missing_user_kb_names_the_command(built_store, local_embeddings, knowledge):
    r = Retriever(built_store, local_embeddings, knowledge, kbs=("builtin", "nosuch"))
    with pytest.raises(IndexError_, match="stackadvisor ingest PATH --kb nosuch"):
        r.search("Rust?")


def test_as_langchain(retriever):
    docs = retriever.as_langchain(k=3).invoke("What is Rust's learning curve?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    assert {"id", "section", "title", "score", "languages", "source", "kb", "kind"} <= set(docs[0].metadata)
    assert docs[0].metadata["score"] >= docs[-1].metadata["score"]


def test_a_warm_search_runs_the_model_once_per_new_question_and_never_rebuilds(retriever, monkeypatch):
    """What keeps a warm search quick (bench/answer_latency.py and bench/embedding.py measure how quick): one model run
    per new question (a repeated one comes from the query cache), one store query per knowledge base, no rebuild."""
    from stackadvisor import ingest

    retriever.warm()
    runs: list[list[str]] = []
    queries: list[str] = []
    real_embed, real_query = retriever.embeddings.embed_array, retriever.store.query
    monkeypatch.setattr(retriever.embeddings, "embed_array", lambda texts, *a, **kw: runs.append(list(texts)) or real_embed(texts, *a, **kw))
    monkeypatch.setattr(retriever.store, "query", lambda key, *a, **kw: queries.append(key) or real_query(key, *a, **kw))
    monkeypatch.setattr(ingest, "ensure_builtin", lambda *a, **kw: pytest.fail("a warm search rebuilt the index"))
    questions = ["Is Go fast? (warm search)", "Which language for real-time chat? (warm search)", "Python for data science? (warm search)",
                 "Is Go fast? (warm search)"]
    for q in questions:
        assert len(retriever.search(q, k=4)) == 4
    assert runs == [[q] for q in questions[:3]]
    assert len(queries) == len(questions) * len(retriever.kbs)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Which backend for a blockchain node?", ()),
        ("Is Node good for chat?", ("Node.js",)),
        ("node vs go for an api", ("Node.js", "Go")),
        ("each node in the cluster", ()),
        ("Go with Rust or Python?", ("Rust", "Python")),
    ],
)
def test_detect_ambiguous_names(knowledge, text, expected):
    assert set(detect_languages(text, knowledge)) == set(expected)


def test_open_retriever_builds_and_checks_kbs(isolated_home, knowledge):
    from stackadvisor.retrieve import open_retriever

    r = open_retriever(Settings(home=isolated_home), knowledge).warm()  # builds the built-in index on first use
    assert r.search("What is Rust's learning curve?", k=2)
    with pytest.raises(IndexError_, match="stackadvisor ingest PATH --kb team"):
        open_retriever(Settings(home=isolated_home, kb="team"), knowledge)


def test_use_case_words_lift_the_languages_the_table_ties_to_them(retriever):
    question = "We want to write a blockchain node. Which of these languages should we pick?"
    assert retriever.topical_languages(question) == {"Rust"}
    assert "rust" in [p.section for p in retriever.search(question, k=4)]
    assert retriever.topical_languages("What is the capital of France?") == frozenset()


@pytest.mark.parametrize("question", ["What are the downsides of Go?", "What is Python known for?", "Tell me about Rust's weaknesses.",
                                      "Which strengths does the article give Node.js?"])
def test_questions_without_a_criterion_rank_the_language_section_above_its_table_row(retriever, question):
    """A table row holds only the four cells: a question about pros, cons or use cases wants the prose first."""
    got = retriever.search(question, k=4)
    assert got[0].kind != "row", [(p.id, round(p.score, 3)) for p in got]
    assert any(p.kind == "row" for p in got), "the row of the one language named is still among the passages"


@pytest.mark.parametrize("question", ["How fast is Go?", "Is Rust hard to learn?", "How big is the Node.js ecosystem?"])
def test_questions_about_a_cell_keep_the_row_on_top(retriever, question):
    got = retriever.search(question, k=4)
    assert got[0].kind == "row", [(p.id, round(p.score, 3)) for p in got]
