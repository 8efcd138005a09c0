"""What keeps `stackadvisor` quick to start: work only some commands need is not done at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

LAZY = ("stackadvisor.llm", "stackadvisor.prompts", "openai", "langchain_openai", "gradio")
COLD = ("import sys; from stackadvisor.cli import build_parser, main; build_parser(); "
        "parser_only = 'importlib.metadata' in sys.modules; rc = main(['ask', 'Is Go faster than Python?']); "
        f"import json; print('COLD', json.dumps({{'metadata': parser_only, 'loaded': sorted(m for m in {LAZY!r} if m in sys.modules)}})); "
        "sys.exit(rc)")


@pytest.fixture(scope="module")
def cold(built_home) -> tuple[subprocess.CompletedProcess, dict]:
    """One fresh interpreter for the start-up checks (a cold import each is the cost): build the parser, note whether
    importlib.metadata was imported, then a one-shot offline `ask`, and list the lazy modules it left unimported."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("STACKADVISOR_")}, "STACKADVISOR_HOME": str(built_home), "NO_COLOR": "1"}
    p = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    return p, json.loads(p.stdout.strip().splitlines()[-1].removeprefix("COLD "))


def test_version_is_looked_up_only_when_asked_for(cold):
    assert cold[1]["metadata"] is False


def test_version_flag_prints_the_version():
    from importlib.metadata import version

    p = subprocess.run([sys.executable, "-m", "stackadvisor.cli", "--version"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout == f"stackadvisor {version('stackadvisor')}\n"


def test_offline_ask_does_not_import_the_llm_layer(cold):
    """A one-shot offline `ask` writes with compose.py alone: llm.py, prompts.py and the LLM SDKs stay unimported,
    and the answer and its backend are the same as through an explicitly offline Advisor."""
    p, seen = cold
    assert seen["loaded"] == []
    assert "backend: offline" in p.stdout


def test_backend_and_writer_of_an_offline_advisor(built_home):
    from stackadvisor.advisor import AdvisorCore
    from stackadvisor.llm import OfflineWriter

    for spec in (None, "offline", " Offline ", "offline:anything"):
        advisor = AdvisorCore(llm=spec, home=built_home)
        assert advisor.backend == "offline"
        assert isinstance(advisor._writer, OfflineWriter) and advisor.backend == "offline"


def test_importing_the_package_changes_no_environment_variable():
    """No import-time side effects: no module of the package touches os.environ at import (the Gradio and Chroma
    settings are applied when the UI is built or a client opens: ui.configure_gradio, store.open_client). Read from
    the source (every module, instantly) rather than by importing them all in a fresh process."""
    import ast
    from pathlib import Path

    import stackadvisor

    def runs_at_import(body: list[ast.stmt]) -> list[ast.AST]:
        out: list[ast.AST] = []
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue  # a body that runs when called, not at import (decorators aside)
            out.append(node)
            for field in ("body", "orelse", "finalbody", "handlers"):
                out += runs_at_import([n for n in getattr(node, field, []) if isinstance(n, ast.stmt)])
        return out

    def is_environ(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "environ"

    def touches_environ(node: ast.AST) -> bool:
        """Writes the environment: os.environ[...] = / del, os.environ.setdefault/update/pop/clear, os.putenv/unsetenv."""
        for n in ast.walk(node):
            if isinstance(n, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = n.targets if isinstance(n, (ast.Assign, ast.Delete)) else [n.target]
                if any(isinstance(t, ast.Subscript) and is_environ(t.value) for t in targets):
                    return True
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
                if n.func.attr in ("putenv", "unsetenv") or (n.func.attr in ("setdefault", "update", "pop", "popitem", "clear")
                                                              and is_environ(n.func.value)):
                    return True
        return False

    root = Path(stackadvisor.__file__).parent
    found = [f"{path.relative_to(root)}:{stmt.lineno}" for path in sorted(root.rglob("*.py"))
             for stmt in runs_at_import(ast.parse(path.read_text(encoding="utf-8")).body) if not hasattr(stmt, "body") and touches_environ(stmt)]
    assert found == [], f"module-level code touching the environment: {found}"
