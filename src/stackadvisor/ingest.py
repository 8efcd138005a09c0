"""Chunking, metadata and content hashes -> the vector store, incrementally and blue/green.

    chunk_corpus(knowledge)                         the article: one chunk per section piece, per table row, + the table
    ensure_builtin(store, embeddings, knowledge)    no-op when the live index holds the same ids + hashes
    ingest_paths(paths, kb, store, embeddings)      user files (.md .markdown .txt .html .htm .pdf, folders)

Unchanged chunks keep their stored vectors (copied into the new build); only new or changed text is
embedded. Text that tries to instruct the model ("ignore previous instructions", "system:" lines, ...) is
stored as data but flagged, so the answer layer can quote it without obeying it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, InputError
from .store import BUILTIN, IndexCorrupt, KbDamaged, Store, check_kb

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from .knowledge import Knowledge

Progress = Callable[[int, int, str], None]
log = logging.getLogger("stackadvisor.ingest")

CORPUS_SOURCE = "corpus/article.md"
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 100
EMBED_GROUP = 256  # chunks embedded (sorted by length inside the group) and written per Chroma add
MAX_FILE_BYTES = 10 * 1024 * 1024
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}

# (pattern, words one of which must appear in the lowercased text first: a cheap filter before the regex)
_INJECTION_RULES = (
    (r"\b(?:ignore|disregard|forget|override|skip)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?"
     r"(?:previous|prior|above|earlier|preceding|system|original)\s+(?:instructions?|prompts?|rules|messages?|directions?)",
     ("instruction", "prompt", "rule", "message", "direction")),
    (r"\bdisregard\s+(?:the\s+|your\s+)?(?:system\s+prompt|instructions?|rules)", ("disregard",)),
    (r"\b(?:reveal|print|show|repeat|leak)\s+(?:the\s+|your\s+)?system\s+prompt", ("prompt",)),
    (r"\byou\s+are\s+now\b", ("now",)),
    (r"\bfrom\s+now\s+on,?\s+you\b", ("now",)),
    (r"\bpretend\s+(?:to\s+be|you\s+are)\b", ("pretend",)),
    (r"\bnew\s+instructions?\s*:", ("instruction",)),
    (r"\b(?:always|only|must)\s+recommend\b", ("recommend",)),
    (r"\brecommend\s+(?:cobol|fortran|perl|visual\s+basic)\b", ("recommend",)),
    (r"^\s*(?:system|assistant|developer)\s*:", ("system", "assistant", "developer")),
    (r"<\|?\s*(?:system|im_start|im_end)\s*\|?>", ("system", "im_")),
    (r"\[/?INST\]", ("inst]",)),
)
INJECTION_PATTERNS = tuple((re.compile(p, re.IGNORECASE | re.MULTILINE), words) for p, words in _INJECTION_RULES)


# ---------------------------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    metadata: dict[str, Any]


@dataclass
class IngestResult:
    kb: str
    added: int = 0
    replaced: int = 0
    skipped: int = 0
    removed: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    embedded: int = 0
    unit: str = "files"
    rebuilt: str = ""  # why the whole kb was rebuilt from its files (its live index was damaged)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)

    def summary(self) -> str:
        parts = [f"{self.added} added", f"{self.replaced} replaced", f"{self.skipped} unchanged", f"{self.removed} removed"]
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        if self.flagged:
            parts.append(f"{len(self.flagged)} flagged as instructions (stored as data only)")
        if self.rebuilt:
            parts.append(f"rebuilt from its files: {self.rebuilt}")
        return f"Knowledge base {self.kb!r} ({self.unit}): {', '.join(parts)}; {self.chunks} chunks indexed, {self.embedded} embedded, in {self.seconds:.1f} s."


# ------------------------------------------------------------------------------------------- helpers


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def find_injection(text: str) -> str | None:
    """The first phrase in text that reads as an instruction to the model, or None. The text is NFKC-normalised
    and stripped of format characters first, so fullwidth letters or zero-width spaces do not hide a phrase."""
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf")
    low = text.lower()
    for pattern, words in INJECTION_PATTERNS:
        if not any(w in low for w in words):
            continue
        m = pattern.search(text)
        if m:
            return re.sub(r"\s+", " ", m.group(0)).strip()
    return None


def _splitters() -> tuple[Any, Any]:
    from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

    headers = MarkdownHeaderTextSplitter(headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True)
    recursive = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    return headers, recursive


def _language_matchers(knowledge: Knowledge | None) -> Any:
    """The table whose languages a chunk is tagged with (None: no tags)."""
    return knowledge.table if knowledge is not None else None


def _detect_languages(text: str, table: Any) -> tuple[str, ...]:
    """The languages a chunk names (rules.mentions.languages_named: the finder the reader and retrieval use too)."""
    if not table:
        return ()
    from .rules.mentions import languages_named

    return languages_named(text, table)


def _meta(**values: Any) -> dict[str, Any]:
    """Chroma metadata must be scalar and not None."""
    return {k: ("" if v is None else v) for k, v in values.items()}


# ------------------------------------------------------------------------------------ built-in corpus


def chunk_corpus(knowledge: Knowledge) -> list[Chunk]:
    """The article by its headings (long sections split further), one chunk per table row, one for the table."""
    from .knowledge import slug

    headers, recursive = _splitters()
    by_title = {s.title: s for s in knowledge.sections}
    counters: dict[str, int] = {}
    chunks: list[Chunk] = []
    for doc in headers.split_text(knowledge.article):
        title = doc.metadata.get("h2")
        section = by_title.get(title) if title else by_title.get("Introduction")
        sid = section.id if section else (slug(title) if title else "intro")
        heading = title or knowledge.title
        languages = section.languages if section else ()
        pieces = recursive.split_text(doc.page_content) if len(doc.page_content) > CHUNK_SIZE else [doc.page_content]
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            n = counters.get(sid, 0)
            counters[sid] = n + 1
            text = f"{heading}\n\n{piece}"
            chunks.append(Chunk(f"{sid}:{n}", text, _chunk_meta(sid, heading, languages, "section", text)))
    table = knowledge.table
    rows = []
    for name in table.names:
        row = table.row_text(name)
        rows.append(row)
        text = f"{table.table_section}: {row}"
        chunks.append(Chunk(f"row:{slug(name)}", text, _chunk_meta("comparison", table.table_section, (name,), "row", text)))
    text = f"{table.table_section}\n\n" + "\n".join(rows)
    chunks.append(Chunk("comparison:table", text, _chunk_meta("comparison", table.table_section, tuple(table.names), "section", text)))
    return chunks


CHUNKER_VERSION = "1"


def corpus_chunks(knowledge: Knowledge, cache_dir: Path | None = None) -> list[Chunk]:
    """chunk_corpus, remembered in cache_dir keyed by the article, the table rows and the chunker version, so
    a start with an unchanged corpus does not even import the text splitters."""
    if cache_dir is None:
        return chunk_corpus(knowledge)
    import json

    table = knowledge.table
    key = sha256("\0".join([CHUNKER_VERSION, str(CHUNK_SIZE), knowledge.article, table.table_section,
                            *(f"{table.row_text(n)}|{lang.section}" for n, lang in table.languages.items())]))[:24]
    path = Path(cache_dir) / f"corpus-chunks-{key}.json"
    try:
        return [Chunk(c["id"], c["text"], c["metadata"]) for c in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    chunks = chunk_corpus(knowledge)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("corpus-chunks-*.json"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps([{"id": c.id, "text": c.text, "metadata": c.metadata} for c in chunks]), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
    return chunks


def _chunk_meta(section: str, title: str, languages: Sequence[str], kind: str, text: str, source: str = CORPUS_SOURCE, kb: str = BUILTIN, **extra: Any) -> dict[str, Any]:
    return _meta(section=section, title=title, languages=",".join(languages), source=source, kind=kind, hash=sha256(text), kb=kb, **extra)


def _signature(meta: dict[str, Any]) -> str:
    """What makes a stored built-in chunk current: its text hash and the metadata retrieval reads."""
    return "|".join(str(meta.get(k, "")) for k in ("hash", "section", "title", "languages", "kind", "source"))


def _check_embedder(store: Store, embeddings: Embeddings) -> None:
    from .embeddings import model_id_of

    if model_id_of(embeddings) != store.embedder:
        raise ConfigError(
            f"The store is keyed to embedder {store.embedder!r} but the embeddings are {model_id_of(embeddings)!r}; "
            "create the Store with Store(settings, embedder=embeddings.model_id)."
        )


def builtin_kb(knowledge: Knowledge) -> str:
    """The store key of the built-in index: "builtin" for the shipped table, "builtin-<digest>" when a user
    table (--table) changes the rows, so the two never rebuild each other back and forth."""
    from .knowledge import load

    digest = knowledge.table.digest()
    try:
        shipped = load().table.digest()
    except Exception:  # noqa: BLE001 - no shipped corpus: key by digest
        shipped = None
    return BUILTIN if digest == shipped else f"{BUILTIN}-{digest[:12]}"


class _Writer:
    """Adds to a build on one background thread, so Chroma's disk writes overlap the next embedding group.
    At most one add is in flight; close() waits for it and re-raises its error."""

    def __init__(self, build: Any) -> None:
        self.build = build
        self._pool: Any = None
        self._pending: Any = None

    def add(self, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]], vectors: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor

        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stackadvisor-writer")
        self.wait()
        self._pending = self._pool.submit(self.build.add, ids, texts, metadatas, vectors)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None


def _embed_into(writer: _Writer, chunks: Sequence[Chunk], embeddings: Embeddings, on_batch: Callable[[int], None] | None = None) -> int:
    """Embed chunks and hand them to the writer. Texts are embedded once each (duplicates share a vector), in
    groups of EMBED_GROUP that the embedder sorts by length, so batches pad little."""
    from .embeddings import embed_array

    done = 0
    for start in range(0, len(chunks), EMBED_GROUP):
        group = chunks[start : start + EMBED_GROUP]
        unique = list(dict.fromkeys(c.text for c in group))
        vectors = embed_array(embeddings, unique)
        row = {t: i for i, t in enumerate(unique)}
        writer.add([c.id for c in group], [c.text for c in group], [c.metadata for c in group], vectors[[row[c.text] for c in group]])
        done += len(group)
        if on_batch:
            on_batch(done)
    return done


def ensure_builtin(store: Store, embeddings: Embeddings, knowledge: Knowledge, progress: Progress | None = None) -> IngestResult:
    """Make the live built-in index match the corpus. Unchanged: one read of ids + metadatas, nothing else."""
    t0 = time.perf_counter()
    _check_embedder(store, embeddings)
    chunks = corpus_chunks(knowledge, Path(store.settings.home) / "cache")
    wanted = {c.id: _signature(c.metadata) for c in chunks}
    kb = builtin_kb(knowledge)
    result = IngestResult(kb, unit="chunks")

    def current() -> dict[str, str]:
        got = store.get_all(kb)
        return {i: _signature(m or {}) for i, m in zip(got["ids"], got["metadatas"])}

    damaged = ""
    try:
        existing = current()
        damaged = store.verify(kb) or ""  # metadata reads (sqlite) pass over damaged HNSW files: read a vector back
    except KbDamaged as exc:
        damaged = exc.detail
    except IndexCorrupt:
        store.reset_local()
        existing = {}
    if damaged:
        log.warning("the built-in index is damaged (%s): rebuilding it", damaged[:300])
        existing = {}
    if existing == wanted:
        result.skipped, result.chunks = len(chunks), len(chunks)
        result.seconds = time.perf_counter() - t0
        return result

    with store.begin_build(kb) as build:
        if damaged:  # nothing of the damaged collection is copied: every chunk is embedded again
            existing = {}
        else:
            existing = current()  # another process may have built it while we waited for the lock
        if existing == wanted:
            build.abort()
            result.skipped, result.chunks = len(chunks), len(chunks)
            result.seconds = time.perf_counter() - t0
            return result
        hashes = {i: sig.split("|", 1)[0] for i, sig in existing.items()}
        unchanged = [c.id for c in chunks if existing.get(c.id) == wanted[c.id]]
        relabelled = {c.id: c.metadata for c in chunks if c.id not in unchanged and hashes.get(c.id) == c.metadata["hash"]}
        todo = [c for c in chunks if existing.get(c.id) != wanted[c.id] and c.id not in relabelled]
        build.copy_from_live([*unchanged, *relabelled], metadatas=relabelled)
        total = len(todo)
        writer = _Writer(build)
        try:
            _embed_into(writer, todo, embeddings, (lambda n: progress(n, total, CORPUS_SOURCE)) if progress else None)
        finally:
            writer.close()
        result.chunks = build.commit()
    result.skipped = len(unchanged)
    result.added = sum(1 for c in todo if c.id not in existing)
    result.replaced = len(todo) - result.added + len(relabelled)
    result.removed = len(set(existing) - set(wanted))
    result.embedded = len(todo)
    result.seconds = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------------------------------- user files


class _HTMLText(HTMLParser):
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dt", "dd"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self.SKIP:
            self._skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")
        if tag in ("h1", "h2", "h3") and not self._skip:
            self.parts.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page (scripts and styles dropped); h1-h3 become markdown headings."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if parser.title.strip() and not text.startswith("# "):
        text = f"# {parser.title.strip()}\n\n{text}"
    return text


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text (convert it to UTF-8)") from None


def read_document(path: Path, data: bytes | None = None) -> tuple[str, str]:
    """(text, format) of a supported file; InputError with the reason when it cannot be used."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r} (supported: {', '.join(sorted(SUFFIXES))})")
    if data is None:
        data = path.read_bytes()
    if fmt == "pdf":
        if not data.startswith(b"%PDF"):
            raise InputError("not a PDF file (no %PDF header)")
        try:
            import io
            import logging

            from pypdf import PdfReader

            logging.getLogger("pypdf").setLevel(logging.ERROR)
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise InputError("encrypted PDF (decrypt it first)")
            text = "\n\n".join((page.extract_text() or "") for page in reader.pages)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"unreadable PDF ({type(exc).__name__}: {exc})") from None
        text = text.replace("\x00", "")
    else:
        text = _decode(data)
        if fmt == "html":
            text = html_to_text(text)
    if not text.strip():
        raise InputError("no text in it (empty" + (", or a scanned PDF without a text layer)" if fmt == "pdf" else ")"))
    return text, fmt


def chunk_document(text: str, fmt: str, source: str, kb: str, file_hash: str, matchers: list[tuple[str, re.Pattern[str]]] | None = None) -> list[Chunk]:
    """A user document as chunks with stable ids "<file-key>:<n>" (the same file keeps its ids)."""
    from .knowledge import slug

    headers, recursive = _splitters()
    key = hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]
    name = Path(source).name
    docs: list[tuple[str, str]] = []
    if fmt in ("markdown", "html"):
        docs = [(d.metadata.get("h3") or d.metadata.get("h2") or d.metadata.get("h1") or name, d.page_content) for d in headers.split_text(text)]
        if not any(body.strip() for _, body in docs):  # nothing but headings: keep them as the text
            docs = [(name, text)]
    else:
        docs = [(name, text)]
    chunks: list[Chunk] = []
    for heading, body in docs:
        for piece in recursive.split_text(body):
            piece = piece.strip()
            if not piece:
                continue
            chunk_text = piece if heading == name else f"{heading}\n\n{piece}"
            phrase = find_injection(chunk_text)
            langs = _detect_languages(chunk_text, matchers)
            meta = _chunk_meta(
                slug(heading) or "doc", heading, langs, "doc", chunk_text, source=source, kb=kb,
                file_hash=file_hash, flagged="injection" if phrase else "", chunk=len(chunks),
            )
            chunks.append(Chunk(f"{key}:{len(chunks)}", chunk_text, meta))
    return chunks


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _escapes(f: Path, root: Path) -> str | None:
    """Why f must not be read: it resolves (through a symbolic link of its own or of a folder on the way) outside
    root, or to a hidden file inside it (`env.txt -> .env`); None when it is an ordinary file of the folder."""
    try:
        target = f.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link, a loop
        return "a broken symbolic link" if f.is_symlink() else None
    if not _inside(target, root):
        return f"a symbolic link to {target}, outside {root}; skipped (not read)"
    if any(part.startswith(".") for part in target.relative_to(root).parts):
        return f"a symbolic link to the hidden file {target}; skipped (not read)"
    return None


def _scan(paths: Iterable[str | Path], result: IngestResult) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """((file, the folder it must stay inside) to consider, roots scanned); explicit bad paths are refused into result.

    Nothing outside the folders given is ever read: a file whose real path (symbolic links resolved) leaves its
    folder, or lands on a hidden file, is refused with the reason; so is an explicitly named symbolic link whose
    target is outside the folder the link is in. Hidden files and folders are skipped as before."""
    files: dict[str, tuple[Path, Path]] = {}
    roots: list[Path] = []
    for raw in paths:
        given = Path(raw).expanduser()
        try:
            p = given.resolve()
        except (OSError, RuntimeError):
            p = given
        if p.is_dir():
            roots.append(p)
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if any(part.startswith(".") for part in rel):
                    continue
                if f.suffix.lower() not in SUFFIXES:
                    continue
                reason = _escapes(f, p)
                if reason:
                    result.refused.append((str(f), reason))
                    log.warning("ingest: refused %s: %s", f, reason)
                    continue
                if f.is_file():
                    files[str(f)] = (f, p)
        elif p.is_file():
            try:
                folder = given.absolute().parent.resolve()
            except (OSError, RuntimeError):
                folder = p.parent
            if given.is_symlink() and not _inside(p, folder):
                reason = f"a symbolic link to {p}, outside {folder}; give the file itself to ingest it"
                result.refused.append((str(given.absolute()), reason))
                log.warning("ingest: refused %s: %s", given, reason)
                continue
            roots.append(p)
            if p.suffix.lower() in SUFFIXES:
                files[str(p)] = (p, p.parent)
            else:
                result.refused.append((str(p), f"unsupported file type {p.suffix or '(none)'!r} (supported: {', '.join(sorted(SUFFIXES))})"))
        else:
            result.refused.append((str(p), "does not exist"))
    return list(files.values()), roots


def _read_inside(f: Path, root: Path) -> bytes:
    """The bytes of f, checked again at read time: its real path must still be inside root (a file swapped for a
    symbolic link after the scan is refused), opened without following a final symbolic link."""
    real = Path(os.path.realpath(f))
    if not _inside(real, root) or any(part.startswith(".") for part in real.relative_to(root).parts):
        raise InputError("its real path is outside the folder given (a symbolic link); skipped (not read)")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise InputError(f"unreadable ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        import stat

        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise InputError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB ({info.st_size / 1e6:.1f} MB); split it")
        return fh.read(MAX_FILE_BYTES + 1)


def _under(source: str, roots: list[Path]) -> bool:
    s = Path(source)
    return any(s == r or r in s.parents for r in roots)


def _live_name(store: Store, kb: str) -> str | None:
    coll = store.live(kb)
    return None if coll is None else str(coll.name)


def ingest_paths(
    paths: Sequence[str | Path],
    kb: str,
    store: Store,
    embeddings: Embeddings,
    progress: Progress | None = None,
    knowledge: Knowledge | None = None,
    _replanned: bool = False,
) -> IngestResult:
    """Index user files into kb: new files added, changed ones replaced, deleted ones removed, the rest skipped
    (by file content hash). Bad files are refused with a reason; the rest still go in. One blue/green commit."""
    t0 = time.perf_counter()
    check_kb(kb)
    if kb == BUILTIN or kb.startswith(f"{BUILTIN}-"):
        raise ConfigError(f"{kb!r} is reserved for the built-in corpus; choose another name with --kb (e.g. --kb team-docs).")
    _check_embedder(store, embeddings)
    if knowledge is None:
        try:
            from .knowledge import load

            knowledge = load()
        except Exception:
            knowledge = None
    matchers = _language_matchers(knowledge)
    result = IngestResult(kb)
    damaged = store.verify(kb)  # a kb whose vectors cannot be read back is rebuilt from its files, never trusted
    if damaged:
        recorded = [r for r in store.roots(kb) if Path(r).exists()]
        paths = list(dict.fromkeys([*map(str, paths), *recorded]))  # the folders it was built from as well: nothing is lost
        result.rebuilt = f"its index was damaged ({damaged[:200]})"
        log.warning("knowledge base %r is damaged (%s): rebuilding it from %d path(s)", kb, damaged[:300], len(paths))
    files, roots = _scan(paths, result)

    planned_from = _live_name(store, kb)
    got = {"ids": [], "metadatas": []} if damaged else store.get_all(kb)
    by_source: dict[str, list[str]] = {}
    hash_of: dict[str, str] = {}
    for cid, meta in zip(got["ids"], got["metadatas"]):
        meta = meta or {}
        src = str(meta.get("source", ""))
        by_source.setdefault(src, []).append(cid)
        hash_of[src] = str(meta.get("file_hash", ""))

    # Pass 1: size and hash of every file, so an unchanged kb costs no parsing and no build.
    plan: list[tuple[Path, str, bool]] = []  # (path, file hash, whether it must be parsed)
    current: set[str] = set()
    folder_of = {str(f): root for f, root in files}
    for f, root in files:
        src = str(f)
        try:
            data = _read_inside(f, root)
        except InputError as exc:
            result.refused.append((src, str(exc)))
            continue
        if len(data) > MAX_FILE_BYTES:
            result.refused.append((src, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it"))
            continue
        fh = sha256(data)
        del data  # read again when parsed: never hold a whole folder in memory
        current.add(src)
        unchanged = hash_of.get(src) == fh
        result.skipped += unchanged
        plan.append((f, fh, not unchanged))
    gone = [s for s in by_source if s not in current and (_under(s, roots) or not Path(s).exists())]
    to_parse = [(f, fh) for f, fh, parse in plan if parse]
    if not to_parse and not gone and not damaged:
        result.chunks = len(got["ids"])
        result.seconds = time.perf_counter() - t0
        return result

    total = len(to_parse)
    recorded_roots = [] if damaged else store.roots(kb)
    with store.begin_build(kb) as build:
        if not _replanned and not damaged and _live_name(store, kb) != planned_from:
            # Another ingest of this kb committed while this one waited for the writer lock: plan again against it
            # (its files are then unchanged) instead of embedding everything a second time.
            build.abort()
            return ingest_paths(paths, kb, store, embeddings, progress, knowledge, _replanned=True)
        build.roots = list(dict.fromkeys([*(r for r in recorded_roots if Path(r).exists()), *map(str, roots)]))
        keep_ids = [cid for f, _, parse in plan if not parse for cid in by_source.get(str(f), [])]
        keep_ids += [cid for s, ids in by_source.items() if s not in current and s not in gone for cid in ids]
        build.copy_from_live(keep_ids)
        pending: list[Chunk] = []
        parsed_files: list[str] = []
        done = dropped = 0

        def flush() -> None:
            nonlocal done
            if pending:
                _embed_into(writer, pending, embeddings)
                result.embedded += len(pending)
                pending.clear()
            for src in parsed_files:
                done += 1
                if progress:
                    progress(done, total, src)
            parsed_files.clear()

        writer = _Writer(build)
        try:
            for f, fh in to_parse:
                src = str(f)
                try:
                    data = _read_inside(f, folder_of[src])
                    fh = sha256(data)
                    text, fmt = read_document(f, data)
                    chunks = chunk_document(text, fmt, src, kb, fh, matchers)
                    if not chunks:
                        raise InputError("no text in it (empty)")
                except InputError as exc:
                    result.refused.append((src, str(exc)))
                    dropped += src in by_source
                    parsed_files.append(src)
                    continue
                phrase = find_injection(text)
                if phrase:
                    result.flagged.append((src, phrase))
                if src in by_source:
                    result.replaced += 1
                else:
                    result.added += 1
                pending.extend(chunks)
                parsed_files.append(src)
                if len(pending) >= EMBED_GROUP:
                    flush()
            flush()
        finally:
            writer.close()
        result.removed = len(gone) + dropped
        result.chunks = build.commit()
    result.seconds = time.perf_counter() - t0
    return result


def repair_damaged(store: Store, embeddings: Embeddings, knowledge: Knowledge | None = None, skip: Iterable[str] = (),
                   progress: Progress | None = None) -> list[IngestResult]:
    """Rebuild every user kb whose live index cannot be read back, from the folders it was built from (recorded at
    each commit). A damaged kb with no recorded folder that still exists gets a result whose `refused` names the fix."""
    out = []
    skipped = set(skip)
    for kb in store.kbs():
        if kb in skipped or kb == BUILTIN or kb.startswith(f"{BUILTIN}-"):
            continue
        damaged = store.verify(kb)
        if not damaged:
            continue
        roots = [r for r in store.roots(kb) if Path(r).exists()]
        if roots:
            out.append(ingest_paths(roots, kb, store, embeddings, progress, knowledge))
        else:
            result = IngestResult(kb, rebuilt="")
            result.refused.append((f"knowledge base {kb!r}", f"its index is damaged ({damaged[:200]}) and the folders it was built from are "
                                                              f"not recorded or gone: run `stackadvisor ingest PATH --kb {kb}`"))
            out.append(result)
    return out
