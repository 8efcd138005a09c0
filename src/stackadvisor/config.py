"""One Settings object: explicit argument > STACKADVISOR_* environment variable > default.

| setting          | env var                       | default                                   |
|------------------|-------------------------------|-------------------------------------------|
| home             | STACKADVISOR_HOME             | per-user data folder (XDG_DATA_HOME/...)  |
| llm              | STACKADVISOR_LLM              | offline                                   |
| base_url         | OPENAI_BASE_URL               | none (api.openai.com)                     |
| embeddings       | STACKADVISOR_EMBEDDINGS       | local                                     |
| chroma_url       | STACKADVISOR_CHROMA_URL       | none (embedded Chroma under home)         |
| kb               | STACKADVISOR_KB               | none (built-in corpus only)               |
| table            | STACKADVISOR_TABLE            | none (corpus/comparison.yaml)             |
| k                | STACKADVISOR_K                | 4                                         |
| timeout          | STACKADVISOR_TIMEOUT          | 30 (seconds, LLM calls)                   |
| max_input_chars  | STACKADVISOR_MAX_INPUT_CHARS  | 4000                                      |
| llm_acts         | STACKADVISOR_LLM_ACTS         | off (1: an LLM writer proposes the acts)  |
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from .errors import ConfigError

ENV_PREFIX = "STACKADVISOR_"


def default_home() -> Path:
    """The per-user data folder: $XDG_DATA_HOME/stackadvisor, ~/Library/... on macOS, %LOCALAPPDATA% on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "stackadvisor"


_N = TypeVar("_N", int, float)


def _bounded(value: _N, low: float, high: float | None = None, inclusive: bool = True) -> _N:
    """value when it lies in [low, high] (low excluded unless inclusive); else ValueError."""
    if value < low or (value == low and not inclusive) or (high is not None and value > high):
        raise ValueError(value)
    return value


def _env(name: str) -> str | None:
    value = os.environ.get(ENV_PREFIX + name.upper())
    return value if value not in (None, "") else None


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    llm: str = "offline"
    base_url: str | None = None
    embeddings: str = "local"
    chroma_url: str | None = None
    kb: str | None = None
    table: Path | None = None
    k: int = 4
    timeout: float = 30.0
    max_input_chars: int = 4000
    llm_acts: bool = False  # the configured LLM proposes each turn's dialogue acts (writers/acts.py); off offline

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Build settings from explicit overrides (None means "not given"), then env vars, then defaults."""
        values: dict[str, object] = {}
        for f in fields(cls):
            given = overrides.pop(f.name, None)
            if given is not None:
                values[f.name] = given
                continue
            env = _env(f.name)
            if f.name == "base_url":
                env = os.environ.get("OPENAI_BASE_URL") or env
            if env is not None:
                values[f.name] = env
        if overrides:
            raise ConfigError(f"Unknown setting(s): {', '.join(sorted(overrides))}. Valid: {', '.join(f.name for f in fields(cls))}.")
        return cls()._with(values)

    def _with(self, values: dict[str, object]) -> Settings:
        out: dict[str, Any] = {}
        for name, raw in values.items():
            value: Any = raw  # a str from the environment, or whatever an explicit argument was
            try:
                if name in ("home", "table"):
                    out[name] = Path(str(value)).expanduser()
                elif name == "k":
                    out[name] = _bounded(int(value), low=1, high=50)
                elif name in ("timeout",):
                    out[name] = _bounded(float(value), low=0, inclusive=False)
                elif name == "max_input_chars":
                    out[name] = _bounded(int(value), low=10)
                elif name == "llm_acts":
                    flag = str(value).strip().lower()  # a bool, or 1/0, true/false, on/off, yes/no
                    if flag not in ("1", "true", "on", "yes", "0", "false", "off", "no"):
                        raise ValueError(value)
                    out[name] = flag in ("1", "true", "on", "yes")
                else:
                    out[name] = str(value)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"Invalid value {value!r} for setting {name!r} (env {ENV_PREFIX}{name.upper()}). "
                    "k takes 1-50, timeout a positive number of seconds, max_input_chars an integer >= 10, llm_acts 1 or 0."
                ) from None
        return replace(self, **out)

    @property
    def index_dir(self) -> Path:
        return self.home / "index"
