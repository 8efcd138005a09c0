"""Chroma behind a small interface, with blue/green builds so a half-written index never answers.

    open_client(settings)   home/index/chroma/ embedded PersistentClient (default); HttpClient when STACKADVISOR_CHROMA_URL is set
    home/index.lock         the writer lock (fcntl.flock); readers never take it

Collections:

    sa-pointers                                   one record per (kb, embedder): the live collection's name
    sa-<kb>-<embedder>-<timestamp>-<random>       one complete build each; never modified after commit

A build writes a fresh collection and, when it is complete, switches the pointer to it (one upsert) and
deletes the collection it replaced. A build killed half-way leaves the pointer, and so the previous index,
untouched; the next writer deletes what the dead one left behind. An empty live collection counts as
missing: the store never answers from an empty index.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlparse

from .errors import ConfigError, IndexError_

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

    from .config import Settings

POINTERS = "sa-pointers"
PREFIX = "sa-"
BUILTIN = "builtin"
LOCK_FILE = "index.lock"
LOCK_TIMEOUT = 120.0
REMOTE_ORPHAN_AGE = 6 * 3600.0
_KB_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
_SEGMENT_DIR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")  # Chroma names a segment's folder by its UUID
# Only these mean "damaged": anything else (locked, full disk, version mismatch) must never move an index aside.
# The last two are Chroma 1.x reading a collection whose HNSW segment files were overwritten (one collection damaged).
_CORRUPT_HINTS = ("malformed", "not a database", "corrupt", "no such table", "hnsw segment reader", "error deserializing")


class IndexCorrupt(IndexError_):
    """The index is unreadable (a damaged chroma.sqlite3 or segment files). `Store.reset_local()` moves it aside."""


class KbDamaged(IndexCorrupt):
    """One knowledge base's live collection cannot be read back (e.g. its HNSW segment files were overwritten); the
    rest of the index is fine. A new build of that kb replaces it (`stackadvisor ingest` rebuilds it)."""

    def __init__(self, kb: str, detail: str) -> None:
        self.kb = kb
        self.detail = detail
        super().__init__(damaged_message(kb, detail))


class Hit(NamedTuple):
    id: str
    text: str
    metadata: dict[str, Any]
    score: float


def embedder_for(settings_embeddings: str) -> str:
    """The model id a Settings.embeddings value names ("local" -> the local model's id)."""
    from .embeddings import LOCAL_MODEL_ID

    name = (settings_embeddings or "local").strip()
    return LOCAL_MODEL_ID if name == "local" else name


def check_kb(kb: str) -> str:
    if not isinstance(kb, str) or not _KB_RE.match(kb):
        raise ConfigError(f"Invalid knowledge-base name {kb!r}: use 1-63 letters, digits, '-' or '_', starting with a letter or digit (e.g. --kb team-docs).")
    return kb


def _short(embedder: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", embedder.lower()).strip("-")
    return (s or "emb")[:60].strip("-")


REBUILD_ALL = "Run `stackadvisor ingest` to rebuild the built-in index, then `stackadvisor ingest PATH --kb NAME` for each of your knowledge bases."


def missing_message(kb: str) -> str:
    if kb == BUILTIN or kb.startswith(f"{BUILTIN}-"):
        return "The built-in index is missing or empty. Run `stackadvisor ingest` to rebuild it."
    return f"The knowledge base {kb!r} has no index. Run `stackadvisor ingest PATH --kb {kb}` to build it."


def damaged_message(kb: str, detail: str = "") -> str:
    why = f" ({detail[:300]})" if detail else ""
    if kb == BUILTIN or kb.startswith(f"{BUILTIN}-"):
        return f"The built-in index is damaged{why}. Run `stackadvisor ingest` to rebuild it."
    return (f"The knowledge base {kb!r} is damaged{why}. Run `stackadvisor ingest` (it rebuilds it from the folders it was built from) "
            f"or `stackadvisor ingest PATH --kb {kb}`.")


def _is_corrupt(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(h in text for h in _CORRUPT_HINTS)


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"STACKADVISOR_CHROMA_URL {url!r} is not a URL like http://127.0.0.1:8000. Fix it, or unset it to use the embedded index.")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:
        raise ConfigError(f"STACKADVISOR_CHROMA_URL {url!r} has a bad port. Use http://HOST:PORT.") from None
    return parsed.hostname, port, parsed.scheme == "https"


def chroma_path(settings: Settings) -> Path:
    return Path(settings.home) / "index" / "chroma"


def open_client(settings: Settings) -> Any:
    """A Chroma client: HttpClient when settings.chroma_url is set, else a PersistentClient under
    home/index/chroma. Telemetry off. IndexError_ (IndexCorrupt for a damaged database) names the fix."""
    try:
        import chromadb
        import chromadb.config
    except ImportError:
        raise IndexError_("chromadb is not installed. Run: pip install 'chromadb>=1.5.9,<1.6'") from None
    chroma_settings = chromadb.config.Settings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        host, port, ssl = parse_chroma_url(str(settings.chroma_url))
        try:
            client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
            client.heartbeat()
        except Exception as exc:
            raise IndexError_(
                f"Cannot reach the Chroma server at {settings.chroma_url} ({type(exc).__name__}: {exc}). "
                "Start it (chroma run --path DIR --host HOST --port PORT) or unset STACKADVISOR_CHROMA_URL to use the embedded index."
            ) from None
        return client
    path = chroma_path(settings)
    sqlite = path / "chroma.sqlite3"
    if sqlite.exists() and sqlite.stat().st_size == 0:
        raise IndexCorrupt(f"The index database {sqlite} is empty (0 bytes): the index is damaged. {REBUILD_ALL}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        _forget_system(str(path))  # chromadb caches the half-started System: the next open must retry for real
        if _is_corrupt(exc):
            raise IndexCorrupt(f"The index at {path} cannot be opened ({exc}): it is damaged. {REBUILD_ALL}") from None
        raise IndexError_(f"Cannot open the index at {path} ({exc}). Check that the folder is writable, or set STACKADVISOR_HOME.") from None


@dataclass
class _Pointer:
    kb: str
    collection: str
    count: int
    committed: float


class Store:
    """The vector index of one data home (or one Chroma server) as seen by one embedder.

    Reads: `live`, `query`, `get_all`, `health`. Writes: `begin_build` -> `Build` -> `commit`/`abort`,
    `drop`, `reset_local`. Every kb has one live collection per embedder, so switching the embedder never
    mixes vectors: it only finds (or builds) that embedder's collections.
    """

    def __init__(self, settings: Settings, embedder: str | None = None, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.settings = settings
        self.embedder = embedder or embedder_for(settings.embeddings)
        self.lock_timeout = lock_timeout
        self.remote = bool(settings.chroma_url)
        self.path = chroma_path(settings)
        self._client: Any = None
        self._pointers: Any = None
        self._collections: dict[str, Collection] = {}
        self._counts: dict[str, int] = {}
        self._pointer_cache: dict[str, tuple[tuple, list[_Pointer]]] = {}  # kb -> (the index files' stamp, its pointer)
        self._max_batch: int | None = None
        self._mutex = threading.RLock()
        self._writer = threading.RLock()  # one writing thread per Store; the file lock covers other processes
        self._lock_fd: int | None = None
        self._lock_depth = 0

    # ------------------------------------------------------------------ client
    @property
    def client(self) -> Any:
        with self._mutex:
            if self._client is None:
                self._client = self._open()
            return self._client

    def _open(self) -> Any:
        return open_client(self.settings)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a Chroma call, turning its failures into IndexError_ / IndexCorrupt with the fix."""
        try:
            return fn(*args, **kwargs)
        except IndexError_:
            raise
        except Exception as exc:
            if self.remote and not _is_corrupt(exc) and type(exc).__name__ not in ("NotFoundError", "InvalidArgumentError"):
                raise IndexError_(f"The Chroma server at {self.settings.chroma_url} failed to {what} ({type(exc).__name__}: {exc}). Check the server, or unset STACKADVISOR_CHROMA_URL.") from None
            if _is_corrupt(exc):
                err = IndexCorrupt(f"The index at {self.location} is damaged ({what}: {exc}). {REBUILD_ALL}")
                err.detail = f"{what}: {type(exc).__name__}: {exc}"  # type: ignore[attr-defined]
                raise err from None
            raise

    @property
    def location(self) -> str:
        return str(self.settings.chroma_url) if self.remote else str(self.path)

    @property
    def max_batch(self) -> int:
        if self._max_batch is None:
            try:
                self._max_batch = max(1, int(self.client.get_max_batch_size()))
            except Exception:
                self._max_batch = 1000
        return self._max_batch

    def close(self) -> None:
        with self._mutex:
            client, self._client = self._client, None
            self._pointers = None
            self._collections.clear()
            self._pointer_cache.clear()
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()

    # ------------------------------------------------------------------ pointers
    def _pointer_collection(self) -> Any:
        if self._pointers is None:
            self._pointers = self._call("open the pointer collection", self.client.get_or_create_collection, POINTERS, embedding_function=None)
        return self._pointers

    def _key(self, kb: str) -> str:
        return f"{kb}|{self.embedder}"

    def _stamp(self) -> tuple | None:
        """What changes whenever any process writes the local index (its SQLite file and write-ahead log: size and
        modification time); None for a Chroma server, whose pointers are read every time."""
        if self.remote:
            return None
        out: list[tuple[int, int] | None] = []
        for name in ("chroma.sqlite3", "chroma.sqlite3-wal"):
            try:
                st = os.stat(self.path / name)
            except OSError:
                out.append(None)
                continue
            out.append((st.st_mtime_ns, st.st_size))
        return tuple(out)

    def _read_pointers(self, kb: str | None = None, all_embedders: bool = False) -> list[_Pointer]:
        if kb is not None and not all_embedders:  # every query reads its kb's pointer: kept until the index files change
            stamp = self._stamp()
            cached = self._pointer_cache.get(kb)
            if stamp is not None and cached is not None and cached[0] == stamp:
                return cached[1]
            got_pointers = self._read_pointers_now(kb, all_embedders)
            if stamp is not None:
                self._pointer_cache[kb] = (stamp, got_pointers)
            return got_pointers
        return self._read_pointers_now(kb, all_embedders)

    def _read_pointers_now(self, kb: str | None, all_embedders: bool) -> list[_Pointer]:
        coll = self._pointer_collection()
        if kb is not None:
            got = self._call("read the index pointer", coll.get, ids=[self._key(kb)], include=["metadatas"])
        else:
            got = self._call("read the index pointers", coll.get, include=["metadatas"])
        out = []
        for meta in got.get("metadatas") or []:
            meta = meta or {}
            if not all_embedders and meta.get("embedder") != self.embedder:
                continue
            if meta.get("collection"):
                out.append(_Pointer(str(meta.get("kb")), str(meta["collection"]), int(meta.get("count") or 0), float(meta.get("committed") or 0)))
        return out

    def kbs(self) -> list[str]:
        """Knowledge bases with a live index for this embedder."""
        return sorted(p.kb for p in self._read_pointers())

    # ------------------------------------------------------------------ reading
    def _get_collection(self, name: str) -> Collection | None:
        coll = self._collections.get(name)
        if coll is not None:
            return coll
        try:
            coll = self._call("open a collection", self.client.get_collection, name, embedding_function=None)
        except IndexError_:
            raise
        except Exception as exc:
            if type(exc).__name__ in ("NotFoundError", "InvalidCollectionException", "ValueError"):
                return None
            raise
        self._collections[name] = coll
        return coll

    def live(self, kb: str) -> Collection | None:
        """The kb's committed collection, or None when it is missing or empty."""
        with self._mutex:
            pointers = self._read_pointers(kb)
            if not pointers:
                return None
            name = pointers[0].collection
            coll = self._get_collection(name)
            if coll is None:
                return None
            if name not in self._counts:  # committed collections never change: the pointer's count holds
                self._counts[name] = pointers[0].count if pointers[0].count > 0 else int(self._call("count a collection", coll.count))
            return coll if self._counts[name] > 0 else None

    def require(self, kb: str) -> Collection:
        coll = self.live(kb)
        if coll is None:
            raise IndexError_(missing_message(kb))
        return coll

    def query(self, kb: str, embedding: Sequence[float] | Any, k: int = 4, where: dict[str, Any] | None = None) -> list[Hit]:
        """The k nearest chunks of the kb's live index, best first; score = cosine similarity."""
        for attempt in (0, 1):
            coll = self.require(kb)
            n = max(1, min(int(k), self._counts.get(coll.name, k)))
            try:
                res = self._call(
                    "query",
                    coll.query,
                    query_embeddings=[list(map(float, embedding))],
                    n_results=n,
                    where=where or None,
                    include=["documents", "metadatas", "distances"],
                )
            except KbDamaged:
                raise
            except IndexCorrupt as exc:  # this collection's files are damaged: the kb is, not the whole index
                raise KbDamaged(kb, str(getattr(exc, "detail", exc))) from None
            except IndexError_:
                raise
            except Exception as exc:
                # The collection was swapped out by a writer between pointer read and query: read again.
                if attempt == 0 and type(exc).__name__ in ("NotFoundError", "InvalidCollectionException"):
                    self._collections.pop(coll.name, None)
                    self._pointer_cache.clear()
                    continue
                raise IndexError_(f"Querying the index failed ({type(exc).__name__}: {exc}). Run `stackadvisor ingest` to rebuild it.") from None
            ids = res["ids"][0]
            docs = (res.get("documents") or [[]])[0] or [""] * len(ids)
            metas = (res.get("metadatas") or [[]])[0] or [{}] * len(ids)
            dists = (res.get("distances") or [[]])[0] or [1.0] * len(ids)
            return [Hit(i, d or "", dict(m or {}), 1.0 - float(dist)) for i, d, m, dist in zip(ids, docs, metas, dists)]
        raise IndexError_(missing_message(kb))

    def get_all(self, kb: str, include: Sequence[str] = ("metadatas",)) -> dict[str, Any]:
        """Everything in the kb's live index: {"ids": [...], "metadatas": [...], ...}; empty lists when missing."""
        coll = self.live(kb)
        if coll is None:
            return {"ids": [], **{key: [] for key in include}}
        try:
            got = self._call("read the index", coll.get, include=list(include))
        except KbDamaged:
            raise
        except IndexCorrupt as exc:
            raise KbDamaged(kb, str(getattr(exc, "detail", exc))) from None
        return {"ids": list(got["ids"]), **{key: list(got.get(key) if got.get(key) is not None else []) for key in include}}

    def verify(self, kb: str) -> str | None:
        """Why the kb's live collection cannot be read back (one record with its vector, then a query for that vector),
        or None when it can or when there is none (missing is not damaged). A damaged HNSW segment passes every
        metadata read (sqlite) and fails only here, so `ingest` calls this before trusting "unchanged"."""
        with self._mutex:
            coll = self.live(kb)
            if coll is None:
                return None
            try:
                got = coll.get(limit=1, include=["embeddings"])
                vectors = got.get("embeddings")
                if got["ids"] and vectors is not None and len(vectors):
                    probe: list[Sequence[float]] = [list(map(float, vectors[0]))]
                    coll.query(query_embeddings=probe, n_results=1, include=["distances"])
            except Exception as exc:  # noqa: BLE001 - anything but a reachable, readable collection
                if self.remote and not _is_corrupt(exc):
                    raise IndexError_(f"The Chroma server at {self.settings.chroma_url} failed to read {kb!r} ({type(exc).__name__}: {exc}).") from None
                return f"{type(exc).__name__}: {str(exc)[:300]}"
            return None

    def roots(self, kb: str) -> list[str]:
        """The folders and files the kb was last built from (recorded at commit), for rebuilding it."""
        with self._mutex:
            coll = self._pointer_collection()
            got = self._call("read the index pointer", coll.get, ids=[self._key(kb)], include=["metadatas"])
        for meta in got.get("metadatas") or []:
            try:
                value = json.loads(str((meta or {}).get("roots") or "[]"))
            except ValueError:
                return []
            return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []
        return []

    def health(self) -> dict[str, dict[str, Any]]:
        """{kb: {"ok", "count", "collection", "embedder"}} for this embedder; never raises."""
        try:
            out: dict[str, dict[str, Any]] = {}
            for p in self._read_pointers():
                coll = self._get_collection(p.collection)
                count = int(coll.count()) if coll is not None else 0
                out[p.kb] = {"ok": count > 0, "count": count, "collection": p.collection, "embedder": self.embedder}
            if BUILTIN not in out:
                out[BUILTIN] = {"ok": False, "count": 0, "collection": None, "embedder": self.embedder, "error": missing_message(BUILTIN)}
            return out
        except Exception as exc:
            return {BUILTIN: {"ok": False, "count": 0, "collection": None, "embedder": self.embedder, "error": str(exc)}}

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """The exclusive writer lock: re-entrant for the thread holding it, exclusive against other threads of
        this process and (fcntl.flock on home/index.lock) other processes. Waits up to lock_timeout seconds."""
        if not self._writer.acquire(timeout=self.lock_timeout):
            raise IndexError_("Another thread of this process is writing the index. Wait for it to finish and try again.")
        try:
            with self._mutex:
                if self._lock_depth == 0:
                    self._lock_fd = self._acquire()
                self._lock_depth += 1
        except BaseException:
            self._writer.release()
            raise
        try:
            yield
        finally:
            with self._mutex:
                self._lock_depth -= 1
                if self._lock_depth == 0 and self._lock_fd is not None:
                    self._release(self._lock_fd)
                    self._lock_fd = None
            self._writer.release()

    def _acquire(self) -> int | None:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; one writer at a time is then the user's job
            return None
        home = Path(self.settings.home)
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexError_(
                        f"Another stackadvisor process is writing the index (lock {home / LOCK_FILE}). Wait for it to finish and try again."
                    ) from None
                time.sleep(0.1)

    @staticmethod
    def _release(fd: int | None) -> None:
        if fd is None:
            return
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def cleanup(self) -> list[str]:
        """Delete collections no pointer names (left by killed builds). Call with the writer lock held.
        On a Chroma server the file lock does not cover other machines, so there only builds older than
        REMOTE_ORPHAN_AGE seconds count as dead."""
        pointers = self._read_pointers(all_embedders=True)
        wanted = {p.collection for p in pointers}
        removed = []
        now = time.time()
        for coll in self._call("list collections", self.client.list_collections):
            name = coll.name if hasattr(coll, "name") else str(coll)
            if self.remote:
                created = (getattr(coll, "metadata", None) or {}).get("created")
                if isinstance(created, (int, float)) and now - created < REMOTE_ORPHAN_AGE:
                    continue
            if name.startswith(PREFIX) and name != POINTERS and name not in wanted:
                with contextlib.suppress(Exception):
                    self.client.delete_collection(name)
                    removed.append(name)
                self._collections.pop(name, None)
                self._counts.pop(name, None)
        return removed

    def sweep_segment_folders(self) -> list[str]:
        """Delete the segment folders of home/index/chroma that no segment in Chroma's sqlite names: Chroma deletes a
        collection's rows but leaves its HNSW folder, so every replaced, aborted or killed build would leave one.
        Embedded index only, with the writer lock held; anything unexpected (another schema) deletes nothing."""
        import shutil
        import sqlite3

        if self.remote or not self.path.is_dir():
            return []
        try:
            db = sqlite3.connect(f"file:{self.path / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=5)
            try:
                named = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
            finally:
                db.close()
        except sqlite3.Error:
            return []
        removed = []
        for folder in self.path.iterdir():
            if folder.is_dir() and _SEGMENT_DIR.match(folder.name) and folder.name not in named:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
        return removed

    def begin_build(self, kb: str) -> Build:
        """Start writing a new collection for kb. Holds the writer lock until commit() or abort()."""
        check_kb(kb)
        cm = self.writer_lock()
        cm.__enter__()
        try:
            self.cleanup()
            self.sweep_segment_folders()
            name = f"{PREFIX}{kb}-{_short(self.embedder)}-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
            coll = self._call(
                "create a collection",
                self.client.create_collection,
                name,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"kb": kb, "embedder": self.embedder, "created": time.time()},
                embedding_function=None,
            )
        except BaseException:
            cm.__exit__(None, None, None)
            raise
        return Build(self, kb, coll, cm)

    def _switch(self, kb: str, name: str, count: int, roots: Sequence[str] | None = None) -> str | None:
        """Point kb at collection `name`; returns the collection it replaced."""
        old = self._read_pointers(kb)
        meta: dict[str, Any] = {"kb": kb, "embedder": self.embedder, "collection": name, "count": count, "committed": time.time()}
        if roots:
            meta["roots"] = json.dumps(list(roots))
        self._call("switch the index pointer", self._pointer_collection().upsert, ids=[self._key(kb)], embeddings=[[1.0]], documents=[name], metadatas=[meta])
        self._counts[name] = count
        return old[0].collection if old and old[0].collection != name else None

    def _delete_collection(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.client.delete_collection(name)
        self._collections.pop(name, None)
        self._counts.pop(name, None)

    def drop(self, kb: str) -> bool:
        """Remove a kb's index (this embedder's). Returns whether there was one."""
        with self.writer_lock():
            pointers = self._read_pointers(kb)
            if not pointers:
                return False
            self._call("remove the index pointer", self._pointer_collection().delete, ids=[self._key(kb)])
            self._delete_collection(pointers[0].collection)
            return True

    def reset_local(self) -> Path | None:
        """Move a damaged embedded index aside to index/broken-<timestamp> and start an empty one.
        Every kb of this home must then be ingested again. Returns where the old one went."""
        if self.remote:
            raise IndexError_(f"The Chroma server at {self.settings.chroma_url} reports a damaged index; repair it on the server, or unset STACKADVISOR_CHROMA_URL.")
        with self.writer_lock():
            self.close()
            _forget_system(str(self.path))
            if not self.path.exists():
                return None
            target = self.path.parent / f"broken-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(2)}"
            os.replace(self.path, target)
            return target


def _forget_system(path: str) -> None:
    """Drop chromadb's in-process cached System for a path, so a new client re-reads the directory."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient
    except ImportError:
        return
    system = SharedSystemClient._identifier_to_system.pop(path, None)
    SharedSystemClient._identifier_to_refcount.pop(path, None)
    if system is not None:
        with contextlib.suppress(Exception):
            system.stop()


class Build:
    """One collection being written. Nothing reads it until commit() switches the pointer to it."""

    def __init__(self, store: Store, kb: str, collection: Collection, lock: Any) -> None:
        self.store = store
        self.kb = kb
        self.collection = collection
        self.name = collection.name
        self._lock = lock
        self.count = 0
        self.done = False
        self.roots: list[str] = []  # what the kb is built from, recorded with the pointer (a damaged kb is rebuilt from it)

    def __enter__(self) -> Build:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if not self.done:
            self.abort()

    def add(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict[str, Any]], embeddings: Any) -> None:
        if self.done:
            raise IndexError_("This index build is already finished; start a new one.")
        n = len(ids)
        if not n:
            return
        step = self.store.max_batch
        for start in range(0, n, step):
            end = min(n, start + step)
            self.store._call(
                "write to the index",
                self.collection.add,
                ids=list(ids[start:end]),
                documents=list(texts[start:end]),
                metadatas=[dict(m) for m in metadatas[start:end]],
                embeddings=embeddings[start:end],
            )
        self.count += n

    def copy_from_live(self, ids: Sequence[str], metadatas: dict[str, dict[str, Any]] | None = None) -> int:
        """Copy records (with their stored vectors) from the live collection; `metadatas` replaces the metadata
        of the ids it names (same text, new metadata: no re-embedding). Returns how many were copied."""
        live = self.store.live(self.kb)
        if live is None or not ids:
            return 0
        copied = 0
        step = self.store.max_batch
        ids = list(ids)
        for start in range(0, len(ids), step):
            got = self.store._call("read the index", live.get, ids=ids[start : start + step], include=["embeddings", "documents", "metadatas"])
            if len(got["ids"]):
                metas = [(metadatas or {}).get(i, m) for i, m in zip(got["ids"], got["metadatas"])]
                self.add(got["ids"], got["documents"], metas, got["embeddings"])
                copied += len(got["ids"])
        return copied

    def commit(self) -> int:
        """Switch the kb to this collection and delete the one it replaces. An empty build removes the kb."""
        if self.done:
            return self.count
        try:
            count = int(self.store._call("count a collection", self.collection.count))
            if count == 0:
                self.store.drop(self.kb)
                self.store._delete_collection(self.name)
                old = None
            else:
                old = self.store._switch(self.kb, self.name, count, self.roots)
        except BaseException:
            self.abort()
            raise
        self.count = count
        self.done = True
        try:
            if old:
                self.store._delete_collection(old)
                self.store.sweep_segment_folders()
        finally:
            self._lock.__exit__(None, None, None)
        return count

    def abort(self) -> None:
        """Throw the half-written collection away; the live index is untouched."""
        if self.done:
            return
        self.done = True
        try:
            self.store._delete_collection(self.name)
        finally:
            self._lock.__exit__(None, None, None)
