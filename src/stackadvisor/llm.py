"""Answer writers by one setting: "offline" (default), "openai:<model>", "local[:<path.gguf>]"."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings
from .errors import ConfigError

BACKENDS = ("offline", "openai:<model>", "local[:<path.gguf>]")


@dataclass
class OfflineWriter:
    """The deterministic writer (compose.py); the advisor calls it directly."""

    name: str = "offline"
    can_stream: bool = True
    needs_key: bool = False


def get_writer(settings: Settings) -> OfflineWriter:
    spec = (settings.llm or "offline").strip()
    match spec.split(":", 1)[0].lower():
        case "offline" | "":
            return OfflineWriter()
        case _:
            raise ConfigError(f"Unknown LLM backend {spec!r}. Valid: {', '.join(BACKENDS)}.")
