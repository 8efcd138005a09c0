"""What keeps `stackadvisor` quick to start: work only some commands need is not done at start-up."""

from __future__ import annotations

import subprocess
import sys


def _py(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_version_is_looked_up_only_when_asked_for():
    p = _py("import sys; from stackadvisor.cli import build_parser; build_parser(); print('importlib.metadata' in sys.modules)")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "False"


def test_version_flag_prints_the_version():
    from importlib.metadata import version

    p = subprocess.run([sys.executable, "-m", "stackadvisor.cli", "--version"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout == f"stackadvisor {version('stackadvisor')}\n"


def test_offline_ask_does_not_import_the_llm_layer(built_home):
    """A one-shot offline `ask` writes with compose.py alone: llm.py, prompts.py and the LLM SDKs stay unimported,
    and the answer and its backend are the same as through an explicitly offline Advisor."""
    import os

    code = ("import sys; from stackadvisor.cli import main; rc = main(['ask', 'Is Go faster than Python?']); "
            "print('LOADED', sorted(m for m in ('stackadvisor.llm', 'stackadvisor.prompts', 'openai', 'langchain_openai', 'gradio') "
            "if m in sys.modules)); sys.exit(rc)")
    env = {**os.environ, "STACKADVISOR_HOME": str(built_home), "NO_COLOR": "1"}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "LOADED []"
    assert "backend: offline" in p.stdout


def test_backend_and_writer_of_an_offline_advisor(built_home):
    from stackadvisor.advisor import AdvisorCore
    from stackadvisor.llm import OfflineWriter

    for spec in (None, "offline", " Offline ", "offline:anything"):
        advisor = AdvisorCore(llm=spec, home=built_home)
        assert advisor.backend == "offline"
        assert isinstance(advisor._writer, OfflineWriter) and advisor.backend == "offline"


def test_importing_the_package_changes_no_environment_variable():
    """No import-time side effects: the Gradio and Chroma settings are applied when the UI is built or a client
    opens (ui.configure_gradio, store.open_client), never by an import."""
    import os

    modules = ["stackadvisor", "stackadvisor.cli", "stackadvisor.store", "stackadvisor.ui", "stackadvisor.web", "stackadvisor.advisor",
               "stackadvisor.evals", "stackadvisor.report", "stackadvisor.ingest"]
    code = ("import importlib, json, os; before = dict(os.environ); "
            f"[importlib.import_module(m) for m in {modules!r}]; "
            "print(json.dumps(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRADIO_", "ANONYMIZED_", "MPLBACKEND"))}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[]"
