"""Smoke test of bench/: every benchmark runs with tiny sizes and returns the result keys the table, results.json
and the plot read. No timing is asserted here (the machines are shared and noisy); `make bench` reports figures.

The benchmark runs carry the `bench` marker, which the default test run deselects (they take about a minute):
`make bench` runs them after the benchmarks, or `pytest -m bench`. The other tests here check what the benchmarks
rely on and run by default."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench  # noqa: E402

ROW_KEYS = {"metric", "ours", "baseline", "unit", "ratio", "target", "ok", "baseline_name", "note"}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bench.make_home(tmp_path_factory.mktemp("bench"))


def check(res: dict, name: str, rows: int) -> None:
    assert res["name"] == name
    assert {"title", "baseline", "rows", "ok"} <= set(res)
    assert len(res["rows"]) == rows
    for r in res["rows"]:
        assert set(r) == ROW_KEYS
        assert isinstance(r["ratio"], (int, float)) and not math.isnan(r["ratio"]) and r["ratio"] >= 0
        assert r["ok"] in (True, False, None)
        assert (r["ok"] is None) == (r["target"] == "info")
    json.dumps(res)  # results.json must be able to hold it


def test_questions_come_from_the_eval_cases() -> None:
    qs = bench.questions()
    assert len(qs) > 50 and len(set(qs)) == len(qs)
    assert "We're building a real-time chat app and the team knows React: which backend?" in qs


def test_percentiles() -> None:
    assert bench.pct([3, 1, 2], 50) == 2
    assert bench.pct([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert math.isnan(bench.pct([], 50))


@pytest.mark.bench
def test_chroma_baseline_uses_the_local_files_and_agrees(home: Path, tmp_path: Path) -> None:
    from stackadvisor.embeddings import LocalEmbeddings

    folder = bench.chroma_model_dir(tmp_path / "onnx-cache")
    assert (folder / "onnx" / "model.onnx").exists() and (folder / "onnx" / "tokenizer.json").exists()
    ef = bench.chroma_embedding_function(tmp_path / "onnx-cache")
    same = bench.compare_embeddings(LocalEmbeddings(home=home), ef, ["Is Rust hard to learn?", "Go has very high concurrency."])
    assert same["min_cosine"] >= bench.EMBEDDING_TOLERANCE


@pytest.mark.bench
def test_answer_latency(home: Path) -> None:
    from bench import answer_latency

    res = answer_latency.run(home=home, quick=True, limit=3)
    check(res, "answer_latency", 3)
    assert len(res["samples"]["ours_ms"]) == len(res["samples"]["theirs_ms"]) == 3
    assert res["embeddings_ok"]


@pytest.mark.bench
def test_embedding(home: Path) -> None:
    from bench import embedding

    res = embedding.run(home=home, quick=True, limit=3)
    check(res, "embedding", 3)


def test_ingest_generator_is_deterministic(tmp_path: Path) -> None:
    from bench.ingest import generate

    a, b = generate(tmp_path / "a", 10), generate(tmp_path / "b", 10)
    assert a == b and a["files"] == 10
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    assert [(tmp_path / "a" / f).read_text() for f in files] == [(tmp_path / "b" / f).read_text() for f in files]
    assert 1500 < a["bytes"] / a["files"] < 4000  # ~2.5 KB a file: 2,000 files are about 5 MB


@pytest.mark.bench
def test_ingest(home: Path) -> None:
    from bench import ingest

    res = ingest.run(home=home, files=4, slices=2)
    check(res, "ingest", 4)
    assert res["chunk_tokens"]["padded_tokens_theirs"] == 256 * res["chunk_tokens"]["chunks"] >= res["chunk_tokens"]["padded_tokens_ours"]
    assert res["ours"]["files"] == res["textbook"]["files"] == 4
    assert res["ours_unchanged"]["embedded"] == 0 and res["ours_unchanged"]["skipped"] == 4


@pytest.mark.bench
def test_cold_start(home: Path) -> None:
    from bench import cold_start

    res = cold_start.run(home=home, reps=1)
    check(res, "cold_start", 3)


@pytest.mark.bench
def test_server(home: Path) -> None:
    from bench import server

    res = server.run(home=home, requests=8)
    check(res, "server", 3)
    assert res["http"]["errors"] == [] and res["http"]["requests"] == 8


@pytest.mark.bench
def test_memory(home: Path) -> None:
    from bench import memory

    res = memory.run(home=home, answers=6, step=3)
    check(res, "memory", 3)
    assert [p["answers"] for p in res["trace"]] == [0, 3, 6, 9, 12]


@pytest.mark.bench
def test_scaling(home: Path) -> None:
    from bench import scaling

    res = scaling.run(home=home, reps=1, chat_turns=10)
    check(res, "scaling", 4)


@pytest.mark.bench
def test_main_writes_table_json_and_plot(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    import importlib.util

    from bench.__main__ import main

    code = main(["--quick", "--only", "embedding", "--home", str(home), "--out", str(tmp_path)])
    assert code in (0, 1)
    out = capsys.readouterr().out
    assert out.startswith("| benchmark | metric | ours | baseline | ratio | target |")
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["quick"] is True and [r["name"] for r in doc["results"]] == ["embedding"]
    assert home.exists()  # --home is kept
    if importlib.util.find_spec("matplotlib"):  # the [bench] extra
        assert (tmp_path / "results.png").stat().st_size > 10_000


def test_cold_ask_keeps_heavy_imports_out(home: Path) -> None:
    """What the cold_start benchmark depends on: `stackadvisor ask` never imports the UI, the LLM clients, the text
    splitters (the chunk cache answers) or LangChain's Runnable and Embeddings machinery (langsmith)."""
    import subprocess

    heavy = ["gradio", "openai", "langchain_openai", "langchain_text_splitters", "langchain_core.runnables.base", "langsmith.run_trees",
             "langchain_core.embeddings.embeddings", "langchain_core.runnables.config", "langsmith"]
    code = ("import sys; from stackadvisor.cli import main; rc = main(['ask', 'Is Go faster than Python?']); "
            f"print('LOADED', [m for m in {heavy!r} if m in sys.modules]); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], env=bench.child_env(home), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "LOADED []"


def test_embeddings_are_still_langchain_embeddings() -> None:
    from langchain_core.embeddings import Embeddings

    from stackadvisor.embeddings import LocalEmbeddings, LocalModel, OpenAIEmbeddingsBackend, get_embeddings

    assert issubclass(LocalEmbeddings, Embeddings) and issubclass(LocalEmbeddings, LocalModel)
    assert issubclass(OpenAIEmbeddingsBackend, Embeddings)
    assert isinstance(get_embeddings("local"), LocalEmbeddings)
    assert type(get_embeddings("local", langchain=False)) is LocalModel


def test_advisor_is_still_a_runnable() -> None:
    from langchain_core.runnables import Runnable

    from stackadvisor import Advisor
    from stackadvisor.advisor import AdvisorCore

    assert issubclass(Advisor, Runnable) and issubclass(Advisor, AdvisorCore) and Advisor.__name__ == "Advisor"
