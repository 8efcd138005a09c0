"""corpus/ loads, validates, and agrees with the article cell for cell."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from stackadvisor import knowledge
from stackadvisor.errors import KnowledgeError

K = knowledge.load()
TABLE = K.table
RAW = yaml.safe_load((knowledge.corpus_dir() / knowledge.TABLE_FILE).read_text())
ARTICLE_TABLE = knowledge.parse_article_table(K.article)
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_c0d870f6220e0424.txt"


def test_the_four_languages_in_article_order():
    assert TABLE.names == ["Node.js", "Python", "Go", "Rust"]


@pytest.mark.parametrize("language", TABLE.names)
@pytest.mark.parametrize("cid", list(TABLE.criteria))
def test_table_data_and_article_table_agree_cell_for_cell(language, cid):
    label = TABLE.criteria[cid].label
    assert ARTICLE_TABLE[language][label] == TABLE.languages[language].cell_text(cid)


def test_article_table_has_no_extra_rows_or_columns():
    assert set(ARTICLE_TABLE) == set(TABLE.names)
    for row in ARTICLE_TABLE.values():
        assert set(row) == {c.label for c in TABLE.criteria.values()}


def test_scales_are_the_articles_words_in_order():
    assert TABLE.criteria["speed"].scale == ("Low", "Moderate", "High", "Very High", "Extremely High")
    assert TABLE.criteria["concurrency"].scale == ("Low", "High", "Very High")
    assert TABLE.criteria["learning_curve"].scale == ("Hard", "Easy/Medium", "Easy", "Very Easy")
    assert TABLE.criteria["ecosystem"].scale == ("Growing", "Mature", "Huge")


@pytest.mark.parametrize("language", TABLE.names)
def test_every_best_for_pro_con_and_framework_is_in_the_article_word_for_word(language):
    lang = TABLE.languages[language]
    section = next(s for s in K.sections if s.title == lang.section)
    for item in lang.best_for:
        assert item.text.lower() in section.text.lower()
    bullets = [ln[2:] for ln in section.text.splitlines() if ln.startswith("- ")]
    for item in lang.pros + lang.cons:
        assert item.text in bullets  # the whole bullet, not a prefix of it
    for fw in lang.frameworks:
        assert fw in section.text


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is outside this checkout")
def test_article_md_keeps_the_seed_articles_words():
    seed_words = " ".join(SEED.read_text(encoding="utf-8").replace("•", " ").split())
    for section in K.sections:
        for line in section.text.splitlines():
            text = line.strip().lstrip("-").replace("*", "").strip()
            if text and not text.startswith("|"):
                assert text in seed_words, text


def test_sections_one_per_language_plus_intro_and_comparison():
    ids = [s.id for s in K.sections]
    assert ids == ["intro", "nodejs", "python", "go", "rust", "comparison"]
    assert K.section("rust").languages == ("Rust",)


def test_row_text_is_one_line_per_language():
    assert TABLE.row_text("Rust") == "Rust: Speed Extremely High, Concurrency High, Learning Curve Hard, Ecosystem Growing."
    assert "Huge (npm)" in TABLE.row_text("Node.js")


def test_find_language_by_alias():
    assert TABLE.find_language("golang").name == "Go"
    assert TABLE.find_language("NodeJS").name == "Node.js"
    assert TABLE.find_language("Java") is None


def _bad(mutate):
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(KnowledgeError) as err:
        knowledge.parse_table(data)
    return str(err.value)


def test_a_cell_off_the_scale_names_row_column_and_allowed_values():
    msg = _bad(lambda d: d["languages"][3]["cells"].update(speed="Blazing"))
    assert "row 4 (Rust)" in msg and "'Speed'" in msg and "Low, Moderate, High, Very High, Extremely High" in msg


def test_an_unknown_criterion_is_named():
    msg = _bad(lambda d: d["languages"][0]["cells"].update(vibes="High"))
    assert "'vibes'" in msg and "allowed" in msg


def test_duplicate_language_refused():
    msg = _bad(lambda d: d["languages"].append(copy.deepcopy(d["languages"][0])))
    assert "appears twice" in msg


def test_scale_needs_two_distinct_levels():
    msg = _bad(lambda d: d["criteria"]["speed"].update(scale=["Fast"]))
    assert "scale" in msg


def test_unknown_use_case_on_an_item():
    msg = _bad(lambda d: d["languages"][0]["best_for"].append({"text": "Games", "use_case": "gaming"}))
    assert "gaming" in msg and "allowed" in msg


def test_user_table_adds_a_language_and_a_criterion(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text(yaml.safe_dump({
        "criteria": {"typing": {"label": "Typing", "scale": ["Dynamic", "Gradual", "Static"]}},
        "languages": [
            {"name": "Java", "cells": {"speed": "High", "concurrency": "High", "learning_curve": "Easy/Medium", "ecosystem": "Huge", "typing": "Static"}},
            {"name": "Python", "cells": {"typing": "Gradual"}},
        ],
    }))
    k = knowledge.load(table=extra)
    assert k.table.names[-1] == "Java"
    assert k.table.level("Java", "typing") == "Static"
    assert k.table.level("Python", "typing") == "Gradual"
    assert k.table.level("Python", "speed") == "Low"  # the built-in cells stay


def test_user_csv_table_with_a_scale_line(tmp_path):
    extra = tmp_path / "mine.csv"
    extra.write_text("# scale: Startup time = Slow < Fast < Instant\nLanguage,Speed,Startup time,Best for\nElixir,High,Fast,real-time; fault tolerance\n")
    k = knowledge.load(table=extra)
    assert k.table.level("Elixir", "startup_time") == "Fast"
    assert k.table.languages["Elixir"].best_for[0].text == "real-time"


def test_csv_cell_off_the_scale_names_row_and_column(tmp_path):
    extra = tmp_path / "bad.csv"
    extra.write_text("Language,Speed\nElixir,Warp\n")
    with pytest.raises(KnowledgeError, match=r"Elixir.*'Speed'.*allowed values"):
        knowledge.load(table=extra)


def test_new_criterion_without_scale_says_how_to_add_one(tmp_path):
    extra = tmp_path / "bad.csv"
    extra.write_text("Language,Typing\nElixir,Dynamic\n")
    with pytest.raises(KnowledgeError, match="scale"):
        knowledge.load(table=extra)


def test_broken_yaml_is_a_clear_error(tmp_path):
    extra = tmp_path / "broken.yaml"
    extra.write_text("criteria: [unclosed\n")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        knowledge.load(table=extra)


def test_missing_table_file_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeError, match="does not exist"):
        knowledge.load(table=tmp_path / "nope.yaml")
