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


def test_a_constraint_names_a_known_criterion():
    msg = _bad(lambda d: d["constraints"]["multithreading"].update(criterion="threads"))
    assert "'threads'" in msg and "speed" in msg
    assert knowledge.parse_table(RAW).constraints["multithreading"].criterion == "concurrency"


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


# ------------------------------------------------------------------------------------------ hostile table files (issue 16)


def _bomb(levels: int = 9, width: int = 10) -> str:
    """The "billion laughs" shape: level i is a list of `width` aliases of level i-1; `keywords: *l9` stands for 10^9 strings."""
    lines = ['l0: &l0 [' + ",".join(['"lol"'] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\ncriteria:\n  speed:\n    keywords: *l{levels}\n"


def _load_with_deadline(path: Path, seconds: float = 30.0) -> str:
    """knowledge.load(table=path) in a child process with a deadline: a hang fails the test instead of the run."""
    import subprocess
    import sys

    code = ("import sys\nfrom pathlib import Path\nfrom stackadvisor import knowledge\nfrom stackadvisor.errors import KnowledgeError\n"
            "try:\n    knowledge.load(table=Path(sys.argv[1]))\nexcept KnowledgeError as e:\n    print('REFUSED', e)\nelse:\n    print('LOADED')\n")
    try:
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading {path.name} did not finish within {seconds:g} s")
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_nested_yaml_aliases_are_refused_quickly(tmp_path):
    """Issue 16 M6: a 10 KB table whose `keywords: *l9` stands for 10^9 strings ran past 60 s and 2.85 GB."""
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb(), encoding="utf-8")
    out = _load_with_deadline(bomb)
    assert out.startswith("REFUSED") and "aliases" in out and "bomb.yaml" in out and "100,000 values" in out, out
    wide = tmp_path / "wide.yaml"  # one level of aliases over the limit: refused the same way
    wide.write_text(_bomb(levels=2, width=50), encoding="utf-8")
    assert _load_with_deadline(wide).startswith("REFUSED")
    one = tmp_path / "one-alias.yaml"  # an ordinary alias (PyYAML's safe_dump writes them for shared values) still loads
    one.write_text("base: &b [fast, speedy]\ncriteria:\n  speed:\n    keywords: *b\n", encoding="utf-8")
    assert "speedy" in knowledge.load(table=one).table.criteria["speed"].keywords


@pytest.mark.parametrize("text, words", [
    ("version: " + "9" * 100_000 + "\n", "cannot be read"),
    ("criteria:\n  speed: " + "[" * 500 + "]" * 500 + "\n", "nests"),
    ("x: " + "a" * (1024 * 1024 + 1) + "\n", "at most"),
], ids=["100000-digit-version", "deep-nesting", "oversized-file"])
def test_unreadable_values_are_a_clear_error_not_an_internal_one(tmp_path, text, words):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=words) as err:
        knowledge.load(table=path)
    assert len(str(err.value)) < 600 and "mine.yaml" in str(err.value)


def _user_table(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


JAVA = {"name": "Java", "cells": {"speed": "High", "concurrency": "High", "learning_curve": "Easy/Medium", "ecosystem": "Huge"}}


@pytest.mark.parametrize("data, words", [
    ({"languages": [JAVA, {**JAVA, "cells": {"speed": "Low"}}]}, "appears twice"),
    ({"languages": [JAVA, {**JAVA, "name": "java"}]}, "appears twice"),
    ({"criteria": {"typing": {"label": "Typing", "scale": ["Dynamic", float("inf")]}}}, "finite"),
    ({"criteria": {"typing": {"label": "Typing", "scale": ["Dynamic", float("nan")]}}}, "finite"),
    ({"criteria": {"typing": {"label": "Typing", "scale": [float("-inf"), "Static"]}}}, "finite"),
    ({"criteria": {"typing": {"label": "Typing", "scale": ["1e999", "Static"]}}}, "finite"),
    ({"languages": [{**JAVA, "name": "J" * 200_000}]}, "the limit is"),
    ({"languages": [{**JAVA, "aliases": ["j" * 5000]}]}, "the limit is"),
    ({"criteria": {"typing": {"label": "T" * 5000, "scale": ["Dynamic", "Static"]}}}, "the limit is"),
    ({"criteria": ["speed"]}, "mapping"),
    ({"languages": [{**JAVA, "cells": ["High"]}]}, "must map|mapping"),
], ids=["duplicate-row", "duplicate-row-case", "scale-inf", "scale-nan", "scale-minus-inf", "scale-1e999", "200000-char-name",
        "long-alias", "long-label", "criteria-not-a-mapping", "cells-not-a-mapping"])
def test_table_validation_refuses_duplicates_non_finite_levels_and_absurd_names(tmp_path, data, words):
    """Issue 16 (minor): a duplicate row silently replaced the first; 1e999, .nan, -.inf were accepted as levels; a
    200,000-character language name was accepted; a list where a mapping belongs was an internal AttributeError."""
    with pytest.raises(KnowledgeError, match=words) as err:
        knowledge.load(table=_user_table(tmp_path, data))
    assert len(str(err.value)) < 600


def test_a_yaml_nan_scale_level_is_refused(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("criteria:\n  typing:\n    label: Typing\n    scale: [Dynamic, .nan, -.inf]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="finite"):
        knowledge.load(table=path)
