"""The Makefile's install steps (issue 15): `make run` installs only what running needs, the local LLM is an
opt-in extra, and `make test` installs everything the tests use. Read from `make -n -B` (print, never run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def installs(target: str, **variables: str) -> list[str]:
    """The `pip install ... -e '.[EXTRAS]'` specs a target would run in a fresh checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("EXTRAS", "STACKADVISOR_LLM")}
    args = ["make", "-n", "-B", "-C", str(ROOT), target, *(f"{k}={v}" for k, v in variables.items())]
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    return re.findall(r"pip install -q -c requirements\.lock -e '(\.[^']*)'", out)


def test_run_installs_no_test_tools_and_no_local_llm() -> None:
    assert installs("run") == ["."]


def test_the_local_llm_is_an_opt_in_extra_for_run() -> None:
    assert installs("run", EXTRAS="local") == [".[local]"]
    assert installs("run", STACKADVISOR_LLM="local") == [".[local]"]
    assert installs("run", STACKADVISOR_LLM="local:/models/x.gguf") == [".[local]"]
    assert installs("run", STACKADVISOR_LLM="openai:gpt-4o-mini") == ["."]


def test_test_and_lint_install_what_they_use() -> None:
    assert installs("test") == [".[dev,local]"]
    assert installs("test-fast") == [".[dev,local]"]
    assert installs("lint") == [".[dev]"]


def test_the_dev_extra_and_the_lock_pin_the_linters() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    lock = (ROOT / "requirements.lock").read_text().splitlines()
    for tool in ("ruff", "mypy"):
        pinned = next(line for line in lock if line.lower().startswith(f"{tool}=="))
        assert f'"{pinned}"' in pyproject, f"the dev extra and requirements.lock disagree on {tool}"
