"""The Chroma store: blue/green builds, the writer lock, missing and damaged indexes (real Chroma, real model)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from stackadvisor.config import Settings
from stackadvisor.errors import ConfigError, IndexError_
from stackadvisor.ingest import ensure_builtin
from stackadvisor.store import POINTERS, IndexCorrupt, Store, _forget_system, parse_chroma_url

DOCS = {
    "a": "Go has goroutines and channels for concurrency.",
    "b": "Rust is memory-safe without a garbage collector.",
    "c": "Python is easy to learn and strong in data science.",
}


def _add(build, local_embeddings, docs=DOCS, kb="t"):
    ids = list(docs)
    texts = [docs[i] for i in ids]
    metas = [{"kb": kb, "hash": str(hash(t)), "source": "test"} for t in texts]
    build.add(ids, texts, metas, local_embeddings.embed_array(texts))


def _sa_collections(store: Store) -> list[str]:
    return sorted(c.name for c in store.client.list_collections() if c.name != POINTERS)


def test_build_commit_query(store, local_embeddings):
    assert store.live("t") is None
    with store.begin_build("t") as build:
        _add(build, local_embeddings)
        assert store.live("t") is None  # nothing answers before the switch
        assert build.commit() == 3
    hits = store.query("t", local_embeddings.embed_query("memory safety without GC"), k=3)
    assert [h.id for h in hits][0] == "b"
    assert hits[0].score > hits[1].score >= hits[2].score
    assert all(-1.0 <= h.score <= 1.0 + 1e-6 for h in hits)  # cosine similarity
    assert hits[0].text == DOCS["b"] and hits[0].metadata["source"] == "test"
    assert store.health()["t"] == {"ok": True, "count": 3, "collection": build.name, "embedder": store.embedder}
    assert store.kbs() == ["t"]


def test_rebuild_switches_and_deletes_the_old_collection(store, local_embeddings):
    with store.begin_build("t") as b1:
        _add(b1, local_embeddings)
        b1.commit()
    with store.begin_build("t") as b2:
        b2.copy_from_live(["a", "c"])
        _add(b2, local_embeddings, {"d": "Node.js has the npm ecosystem."})
        b2.commit()
    assert _sa_collections(store) == [b2.name]
    assert sorted(store.get_all("t")["ids"]) == ["a", "c", "d"]


def test_aborted_build_leaves_the_old_index(store, local_embeddings):
    with store.begin_build("t") as b1:
        _add(b1, local_embeddings)
        b1.commit()
    b2 = store.begin_build("t")
    _add(b2, local_embeddings, {"x": "half-written"})
    b2.abort()
    assert store.live("t").name == b1.name
    assert _sa_collections(store) == [b1.name]
    with store.begin_build("t") as b3:  # an exception inside the block aborts too
        _add(b3, local_embeddings, {"y": "also half-written"})
        with pytest.raises(RuntimeError):
            with b3:
                raise RuntimeError("boom")
    assert store.live("t").name == b1.name and _sa_collections(store) == [b1.name]


def test_killed_build_leaves_old_index_and_next_writer_cleans_up(store, isolated_home, local_embeddings):
    with store.begin_build("t") as b1:
        _add(b1, local_embeddings)
        b1.commit()
    # A real process starts a build, writes some records and dies without committing or aborting.
    script = textwrap.dedent(
        f"""
        import os
        from stackadvisor.config import Settings
        from stackadvisor.store import Store
        s = Store(Settings(home={str(isolated_home)!r}))
        b = s.begin_build("t")
        b.add(["a", "z"], ["half", "written"], [{{"kb": "t"}}, {{"kb": "t"}}], [[0.1] * 384, [0.2] * 384])
        print(b.name, flush=True)
        os._exit(9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    orphan = proc.stdout.strip()
    assert proc.returncode == 9 and orphan.startswith("sa-t-"), proc.stderr
    reader = Store(Settings(home=isolated_home))
    assert reader.live("t").name == b1.name
    assert [h.id for h in reader.query("t", local_embeddings.embed_query("garbage collector"), k=1)] == ["b"]
    assert orphan in _sa_collections(reader)
    with reader.begin_build("t") as b2:  # the next writer deletes the orphan
        assert orphan not in _sa_collections(reader)
        b2.copy_from_live(list(DOCS))
        b2.commit()
    assert _sa_collections(reader) == [b2.name]
    assert sorted(reader.get_all("t")["ids"]) == sorted(DOCS)
    reader.close()


def test_a_reader_sees_another_process_commit(store, isolated_home, local_embeddings):
    with store.begin_build("t") as b1:
        _add(b1, local_embeddings)
        b1.commit()
    assert len(store.query("t", local_embeddings.embed_query("Go"), k=5)) == 3
    script = textwrap.dedent(
        f"""
        from stackadvisor.config import Settings
        from stackadvisor.store import Store
        s = Store(Settings(home={str(isolated_home)!r}))
        b = s.begin_build("t")
        b.add(["new"], ["a new document"], [{{"kb": "t"}}], [[0.05] * 384])
        b.commit()
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    # the old collection is gone; this long-lived reader follows the pointer to the new one
    assert [h.id for h in store.query("t", local_embeddings.embed_query("Go"), k=5)] == ["new"]


def test_one_writer_at_a_time_readers_unaffected(store, isolated_home, local_embeddings):
    with store.begin_build("t") as b1:
        _add(b1, local_embeddings)
        b1.commit()
    other = Store(Settings(home=isolated_home), lock_timeout=0.3)
    with store.begin_build("t") as build:
        with pytest.raises(IndexError_, match="Another stackadvisor process is writing"):
            other.begin_build("t")
        assert other.query("t", local_embeddings.embed_query("Go"), k=1)  # reads never wait for the lock
        build.abort()
    other.begin_build("t").abort()  # free again
    other.close()


def test_empty_and_missing_indexes_never_answer(store, local_embeddings):
    with pytest.raises(IndexError_, match=r"stackadvisor ingest PATH --kb docs"):
        store.query("docs", [0.0] * 384, k=2)
    with pytest.raises(IndexError_, match=r"Run `stackadvisor ingest`"):
        store.query("builtin", [0.0] * 384, k=2)
    with store.begin_build("docs") as build:  # an empty build removes the kb instead of going live
        assert build.commit() == 0
    assert store.live("docs") is None
    assert store.health()["builtin"]["ok"] is False


def test_embedders_never_mix(built_home, local_embeddings):
    other = Store(Settings(home=built_home), embedder="openai:text-embedding-3-small")
    assert other.live("builtin") is None
    assert Store(Settings(home=built_home)).live("builtin") is not None


def test_invalid_kb_names(store):
    for bad in ("", "a b", "../x", "-x", "x" * 80):
        with pytest.raises(ConfigError, match="--kb"):
            store.begin_build(bad)


def _damage(home: Path, how: str) -> None:
    sqlite = home / "index" / "chroma" / "chroma.sqlite3"
    _forget_system(str(home / "index" / "chroma"))
    if how == "truncate":
        sqlite.write_bytes(b"")
    else:
        sqlite.write_bytes(b"this is not a database" + os.urandom(8192))


@pytest.mark.parametrize("how", ["truncate", "garbage"])
def test_damaged_index_detected_and_builtin_rebuilt(how, isolated_home, local_embeddings, knowledge):
    settings = Settings(home=isolated_home)
    first = Store(settings)
    ensure_builtin(first, local_embeddings, knowledge)
    first.close()
    _damage(isolated_home, how)

    with pytest.raises(IndexCorrupt, match="stackadvisor ingest PATH --kb NAME"):
        Store(settings).live("docs")
    with pytest.raises(IndexCorrupt, match="stackadvisor ingest"):
        Store(settings).query("builtin", [0.0] * 384, k=1)

    store = Store(settings)
    result = ensure_builtin(store, local_embeddings, knowledge)  # moves the damaged index aside, rebuilds
    assert result.embedded == result.chunks > 0
    assert list((isolated_home / "index").glob("broken-*"))
    assert store.query("builtin", local_embeddings.embed_query("Rust"), k=1)
    store.close()


def test_reset_local_moves_index_aside(store, local_embeddings):
    with store.begin_build("t") as b:
        _add(b, local_embeddings)
        b.commit()
    moved = store.reset_local()
    assert moved is not None and moved.name.startswith("broken-") and (moved / "chroma.sqlite3").exists()
    assert store.live("t") is None


# ------------------------------------------------------------------------------------------ server mode


def test_chroma_url_parsing():
    assert parse_chroma_url("http://127.0.0.1:8123") == ("127.0.0.1", 8123, False)
    assert parse_chroma_url("localhost:9000") == ("localhost", 9000, False)
    with pytest.raises(ConfigError, match="http://"):
        parse_chroma_url("ftp://x")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_names_the_fix(isolated_home):
    store = Store(Settings(home=isolated_home, chroma_url=f"http://127.0.0.1:{_free_port()}"))
    with pytest.raises(IndexError_, match="chroma run"):
        store.live("builtin")


@pytest.mark.slow
def test_server_mode_builds_and_queries(chroma_server, isolated_home, local_embeddings, knowledge):
    store = Store(Settings(home=isolated_home, chroma_url=chroma_server))
    first = ensure_builtin(store, local_embeddings, knowledge)
    assert first.embedded > 0
    assert ensure_builtin(store, local_embeddings, knowledge).embedded == 0
    hits = store.query("builtin", local_embeddings.embed_query("What is Rust's learning curve?"), k=2)
    assert {"row:rust", "rust:0"} & {h.id for h in hits}
    assert not (isolated_home / "index" / "chroma").exists()  # nothing written locally but the lock


def _orphan_segment_dirs(home: Path) -> list[str]:
    """Folders of home/index/chroma that no segment in Chroma's own sqlite tables names (left by deleted collections)."""
    import sqlite3

    root = home / "index" / "chroma"
    db = sqlite3.connect(root / "chroma.sqlite3")
    try:
        segments = {row[0] for row in db.execute("select id from segments")}
    finally:
        db.close()
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in segments)


def test_replaced_aborted_and_killed_builds_leave_no_segment_folders(store, isolated_home, local_embeddings):
    """Issue 16 (minor): killed builds (and every replaced collection) left their HNSW segment folders behind: Chroma
    deletes the collection's rows but not its folder, so a re-ingested kb grew the data home by one folder each time."""
    for _ in range(3):  # three rebuilds: two replaced collections
        with store.begin_build("t") as build:
            _add(build, local_embeddings)
            build.commit()
    with store.begin_build("t") as build:  # an aborted one
        _add(build, local_embeddings)
        build.abort()
    with store.begin_build("t") as build:  # and one left as a killed process leaves it: a collection nobody points at
        _add(build, local_embeddings)
        killed = build.name
        build.done = True
        build._lock.__exit__(None, None, None)
    with store.begin_build("t") as build:  # the next writer cleans up
        _add(build, local_embeddings)
        build.commit()
    assert killed not in _sa_collections(store)
    assert _orphan_segment_dirs(isolated_home) == []
    assert sorted(store.get_all("t")["ids"]) == sorted(DOCS)
