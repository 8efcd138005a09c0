"""The answer writers' former home, kept as a facade: everything lives in `stackadvisor.writers` now.

    from stackadvisor.llm import get_writer, MARK, recommended   # still works
    from stackadvisor.writers import get_writer                  # the new place

Importing this module loads the LLM writers (and prompts.py); the offline path imports `stackadvisor.writers`
alone, which loads no backend until one is named.
"""

from __future__ import annotations

from .markup import defang
from .writers import BACKENDS, MARK, Condensed, Failure, Writer, WriterResult, answer_writer, get_writer, register, scrub
from .writers.fake import FunctionWriter
from .writers.fallback import FallbackWriter
from .writers.local import LOCAL_EXTRA, SMOLLM2_FILE, LocalWriter, smollm2_path
from .writers.model import CONDENSE_TIMEOUT, LLMWriter, bounded, classify
from .writers.offline import OfflineWriter
from .writers.openai import OpenAIWriter
from .writers.sentences import recommended, resolve_language
from .writers.sentences import sentences as _sentences
from .writers.sentences import tidy as _tidy

__all__ = ["BACKENDS", "CONDENSE_TIMEOUT", "LOCAL_EXTRA", "MARK", "SMOLLM2_FILE", "Condensed", "Failure", "FallbackWriter", "FunctionWriter",
           "LLMWriter", "LocalWriter", "OfflineWriter", "OpenAIWriter", "Writer", "WriterResult", "_sentences", "_tidy", "answer_writer",
           "bounded", "classify", "defang", "get_writer", "recommended", "register", "resolve_language", "scrub", "smollm2_path"]
