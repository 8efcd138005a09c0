"""Shared fixtures. Every test runs with its own data home and no OpenAI / STACKADVISOR_* settings."""

from __future__ import annotations

import os
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
