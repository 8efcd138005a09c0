"""Shared fixtures. Every test runs with its own data home and no OpenAI / STACKADVISOR_* settings."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from llama_server import llama_server  # noqa: F401  - the real llama.cpp server fixture, for every test module
from stackadvisor.config import Settings

ISOLATED_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


@pytest.hookimpl(tryfirst=True)  # before -m deselects: `make test-fast` (-m "not llm ...") must really skip them
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses the real llama.cpp server (the llama_server fixture) is an llm test, marker or not."""
    for item in items:
        if "llama_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.llm)


TEST_MAX_TOKENS = 64  # the real SmolLM2's answer length in the tests (the product's is 256): ~45 tokens/s on a shared 2-core box


@pytest.fixture(autouse=True)
def short_llm_answers(request: pytest.FixtureRequest) -> None:
    """In an llm test, the LLM writers ask the real model for at most TEST_MAX_TOKENS tokens: two to four sentences,
    enough for each assertion there (the backend, the pick, the checks, the fallback), at a third of the wait."""
    if request.node.get_closest_marker("llm") is None:
        return
    from stackadvisor.writers.model import LLMWriter

    mp = request.getfixturevalue("monkeypatch")
    mp.setattr(LLMWriter, "max_tokens", min(LLMWriter.max_tokens, TEST_MAX_TOKENS))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """STACKADVISOR_HOME -> a fresh tmp dir; OPENAI_* and every other STACKADVISOR_* variable removed."""
    for name in list(os.environ):
        if name.startswith("STACKADVISOR_") or name in ISOLATED_ENV:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("STACKADVISOR_HOME", str(home))
    return home


# ------------------------------------------------------------------------------------- retrieval stack


@pytest.fixture(scope="session")
def local_embeddings(tmp_path_factory: pytest.TempPathFactory):
    """One real LocalEmbeddings for the session (the ONNX session loads once)."""
    from stackadvisor.embeddings import LocalEmbeddings

    return LocalEmbeddings(home=tmp_path_factory.mktemp("embeddings-home"))


@pytest.fixture(scope="session")
def knowledge():
    from stackadvisor import knowledge as kn

    return kn.load()


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory, local_embeddings, knowledge) -> Path:
    """A data home whose built-in index is built once per session. Treat it as read-only."""
    from stackadvisor.ingest import ensure_builtin
    from stackadvisor.store import Store

    home = tmp_path_factory.mktemp("built") / "home"
    store = Store(Settings(home=home))
    ensure_builtin(store, local_embeddings, knowledge)
    store.close()
    return home


@pytest.fixture(scope="session")
def offline_advisor(built_home: Path):
    """One offline Advisor on the session's built index (what an LLM-backed answer is compared with). Read-only use."""
    from stackadvisor import Advisor

    return Advisor(home=built_home)


N_HNSW = 1100  # Chroma writes a collection's HNSW files once it holds more than its sync threshold (1,000)


@pytest.fixture(scope="session")
def hnsw_kb_home(tmp_path_factory: pytest.TempPathFactory, built_home: Path, local_embeddings) -> tuple[Path, Path]:
    """(home, docs): a copy of the built home plus a knowledge base "team" of N_HNSW one-chunk payments notes, big enough
    that Chroma wrote its HNSW files. Built once per session; copy the home (copy_kb_home) before changing it, and
    leave docs as it is (the kb records it as its source folder)."""
    from stackadvisor.ingest import ingest_paths
    from stackadvisor.store import Store

    root = tmp_path_factory.mktemp("hnsw-kb")
    home, docs = root / "home", root / "docs"
    shutil.copytree(built_home, home)
    (docs / "payments").mkdir(parents=True)
    for i in range(N_HNSW):
        (docs / "payments" / f"note-{i:04d}.md").write_text(
            f"# Payments note {i}\n\nThe payments team measured p99 latency for service {i} and chose Go (marker{i}).\n", encoding="utf-8")
    store = Store(Settings(home=home))
    try:
        assert ingest_paths([docs], "team", store, local_embeddings).chunks == N_HNSW
    finally:
        store.close()
    return home, docs


def copy_kb_home(hnsw_kb_home: tuple[Path, Path], dest: Path) -> Path:
    """A private copy of hnsw_kb_home's data home (its kb still reads the session's docs folder)."""
    shutil.copytree(hnsw_kb_home[0], dest)
    return dest


@pytest.fixture
def built_store(built_home: Path):
    """A Store reading the session's built index."""
    from stackadvisor.store import Store

    store = Store(Settings(home=built_home))
    yield store
    store.close()


@pytest.fixture
def store(isolated_home: Path):
    """A Store on this test's empty data home."""
    from stackadvisor.store import Store

    store = Store(Settings(home=isolated_home))
    yield store
    store.close()


# ------------------------------------------------------------------------------------- chroma server


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `chroma run` server on a free 127.0.0.1 port, one per test module (a clean server each); yields its URL."""
    import socket
    import subprocess
    import sys
    import time

    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("the chroma command is not installed")
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)
