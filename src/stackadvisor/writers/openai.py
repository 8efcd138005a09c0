"""Any OpenAI-compatible chat endpoint (api.openai.com, llama.cpp's server, vLLM, ...) through langchain-openai's
ChatOpenAI (LCEL: model | parser). Registered as "openai:<model>"; the SDK is imported when one is made."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlparse

from .. import prompts
from ..config import Settings
from ..errors import ConfigError, MissingDependencyError
from .model import LLMWriter


class OpenAIWriter(LLMWriter):
    """openai:<model>; the key from OPENAI_API_KEY, none needed for a base_url (a local server)."""

    needs_key = True
    key_env_var = "OPENAI_API_KEY"

    def __init__(self, settings: Settings, model: str) -> None:
        super().__init__(settings)
        if not model:
            raise ConfigError("Name the model after the colon: openai:<model>, for example openai:gpt-4o-mini.")
        try:
            from langchain_core.output_parsers import StrOutputParser
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise MissingDependencyError("The openai backend needs langchain-openai: pip install langchain-openai") from None
        base_url = settings.base_url
        key = os.environ.get(self.key_env_var or "", "").strip()
        if not key:
            if not base_url:
                raise ConfigError(f"No key found - set {self.key_env_var}, or point the advisor at an OpenAI-compatible server "
                                  "(Advisor(base_url=...), OPENAI_BASE_URL or --base-url; a local server needs no key).")
            key = "not-needed"
        self._key = key
        self.name = f"openai:{model}"
        self.host = host_of(base_url) if base_url else "api.openai.com"
        self._llm = ChatOpenAI(model=model, api_key=key, base_url=base_url, timeout=self.timeout, max_retries=0,  # type: ignore[arg-type]
                               temperature=0, max_tokens=self.max_tokens, streaming=True, stream_usage=False)  # type: ignore[call-arg]
        self._parser = StrOutputParser()

    @property
    def where(self) -> str:
        return f"The LLM at {self.host}"

    def _secrets(self) -> tuple[str, ...]:
        return (self._key,)

    def _open(self, messages: prompts.Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        from langchain_core.messages import HumanMessage, SystemMessage

        extra = {"extra_body": {"max_tokens": max_tokens}} if self.settings.base_url else {}  # ChatOpenAI sends max_completion_tokens, which llama.cpp ignores
        chain = self._llm.bind(max_tokens=max_tokens, timeout=timeout, **extra) | self._parser
        return chain.stream([SystemMessage(c) if role == "system" else HumanMessage(c) for role, c in messages])


def host_of(base_url: str) -> str:
    """host[:port] of a URL, never its userinfo (credentials in OPENAI_BASE_URL must not reach a notice)."""
    parsed = urlparse(base_url)
    if not parsed.hostname:
        return "the configured endpoint"
    return f"{parsed.hostname}:{parsed.port}" if parsed.port else parsed.hostname


__all__ = ["OpenAIWriter", "host_of"]
