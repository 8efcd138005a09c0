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
