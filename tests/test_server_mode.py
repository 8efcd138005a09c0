"""Client-server mode: a real `chroma run` server shared by separate advisor processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.slow


def _cli(*args: str, home, chroma_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STACKADVISOR_HOME": str(home), "STACKADVISOR_CHROMA_URL": chroma_url, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "stackadvisor.cli", *args], capture_output=True, text=True, env=env, timeout=180)


@pytest.mark.slow  # three processes against one Chroma server: about 35 s on a loaded 2-core machine
def test_ingest_in_one_process_ask_from_two_others(chroma_server, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "radar.md").write_text("# Tech radar\n\nOur platform team standardised on Go for internal cloud-native services.\n")
    p = _cli("ingest", str(docs), "--kb", "radar", home=tmp_path / "writer", chroma_url=chroma_server)
    assert p.returncode == 0, p.stderr
    assert "1 added" in p.stdout
    assert not (tmp_path / "writer" / "index" / "chroma").exists()  # the vectors live on the server

    def ask(n: int) -> dict:
        q = "What did the platform team standardise on for internal cloud-native services?"
        r = _cli("ask", q, "--kb", "radar", "--json", home=tmp_path / f"reader{n}", chroma_url=chroma_server)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(ask, [1, 2]))
    for reply in replies:
        assert any(s["kb"] == "radar" and "standardised on Go" in s["text"] for s in reply["sources"])
        assert reply["recommendation"] in (None, "Go")
    # the built-in corpus was built once on the server and is shared, not rebuilt per process
    again = _cli("ingest", home=tmp_path / "reader3", chroma_url=chroma_server)
    assert "up to date" in again.stdout


def test_server_down_is_a_clear_error(tmp_path):
    from conftest import free_port

    p = _cli("ask", "Which backend for fintech?", home=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    assert p.returncode == 2
    assert "chroma" in p.stderr.lower() and "Traceback" not in p.stderr
