"""Query -> ranked, cited passages from the built-in index and any user knowledge bases.

    Retriever(store, embeddings, knowledge, kbs=("builtin",)).search("Is Rust hard to learn?", k=4)

One query embedding, one Chroma query per kb (k*3 candidates). A language the question names lifts the
passages about it (+0.15, scaled down for passages about several languages); a use case or constraint
the question names (the table's use_cases/constraints keywords) lifts the languages the table ties to it
(+0.10); a question about one language always gets that language's table row.

No BM25: measured on the 65 eval cases with expected sections, vector + boosts gave hit@4 0.954 / MRR 0.896,
adding BM25 (RRF) 0.985 / 0.838, and the use-case boost instead 0.985 / 0.917 (better on both).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import IndexError_
from .store import BUILTIN, KbDamaged, Store, missing_message

log = logging.getLogger("stackadvisor.retrieve")

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings
    from langchain_core.retrievers import BaseRetriever

    from .config import Settings
    from .knowledge import Knowledge

LANGUAGE_BOOST = 0.15
TOPIC_BOOST = 0.10
CANDIDATES_PER_RESULT = 3


@dataclass(frozen=True)
class Passage:
    id: str
    section: str
    title: str
    text: str
    score: float
    languages: tuple[str, ...]
    source: str
    kb: str
    kind: str
    similarity: float = 0.0  # the raw cosine similarity, before the language boost

    @property
    def cite(self) -> str:
        """A short citation: "corpus/article.md § 4. Rust: ..."."""
        return f"{self.source} § {self.title}" if self.title else self.source


def detect_languages(text: str, knowledge: Knowledge) -> tuple[str, ...]:
    """Table languages named in text, in order of first mention (rules.mentions.languages_named: one mention
    finder for the reader, the checker, retrieval and ingest)."""
    from .rules.mentions import languages_named

    return languages_named(text, knowledge.table)


def _topic_matchers(knowledge: Knowledge) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(keywords of a use case or constraint, the languages the table ties to it), one per topic with any."""
    table = knowledge.table
    out = []
    for tid, topic in {**table.use_cases, **table.constraints}.items():
        langs = frozenset(
            lang.name for lang in table.languages.values()
            if any(tid in (item.use_case, item.constraint) for item in (*lang.best_for, *lang.pros, *lang.cons))
        )
        if langs and topic.keywords:
            alt = "|".join(re.escape(k) for k in sorted(topic.keywords, key=len, reverse=True))
            out.append((re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE), langs))
    return out


def _criteria_matcher(knowledge: Knowledge) -> re.Pattern[str]:
    """Any word of the table's criteria (keywords, comparatives, superlatives, labels, levels): a question without
    one is not about a table cell (a language's drawbacks, frameworks, what it is good for)."""
    words: set[str] = set()
    for c in knowledge.table.criteria.values():
        words.update((c.label, *c.keywords, *c.nouns, *c.better, *c.worse, *c.best, *c.worst, *c.adjectives, *c.scale))
    alt = "|".join(re.escape(w) for w in sorted((w for w in words if w), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)


def display_source(source: str, roots: Sequence[str] = ()) -> str:
    """A user file as shown in answers and sources: its path from the folder it was ingested from ("docs/guide.md"),
    else its name; never the server's absolute path."""
    from pathlib import PurePath

    path = PurePath(source)
    if not path.is_absolute():
        return source
    for root in sorted(roots, key=len, reverse=True):
        base = PurePath(root)
        if path == base:
            return path.name
        if base in path.parents:
            return str(PurePath(base.name) / path.relative_to(base))
    return path.name


def _passage(kb: str, id_: str, text: str, meta: dict[str, Any], similarity: float, boost: float,
             roots: Sequence[str] = ()) -> Passage:
    langs = tuple(x for x in str(meta.get("languages", "")).split(",") if x)
    section = str(meta.get("section", ""))
    if kb != BUILTIN and not section.startswith(f"{kb}:"):
        # A user document's section id is its heading's slug ("# Rust: the real story" -> "rust"): in the article's
        # namespace it would be cited as the article's Rust section. Its own namespace, whatever the stored metadata says.
        section = f"{kb}:{section}"
    return Passage(
        id=id_,
        section=section,
        title=str(meta.get("title", "")),
        text=text,
        score=similarity + boost,
        languages=langs,
        source=str(meta.get("source", "")) if kb == BUILTIN else display_source(str(meta.get("source", "")), roots),
        kb=kb if kb != BUILTIN else str(meta.get("kb") or kb),
        kind=str(meta.get("kind", "")),
        similarity=similarity,
    )


class Retriever:
    """Ranked passages for a question from one or more knowledge bases (the built-in one first)."""

    def __init__(self, store: Store, embeddings: Embeddings, knowledge: Knowledge | None, kbs: Sequence[str] = (BUILTIN,)) -> None:
        self.store = store
        self.embeddings = embeddings
        self.knowledge = knowledge
        self.kbs = tuple(dict.fromkeys(kbs)) or (BUILTIN,)
        self._row_slugs: dict[str, str] = {}
        self.builtin = BUILTIN  # the store key of the built-in index (another one with a user table)
        self._topics: list[tuple[re.Pattern[str], frozenset[str]]] = []
        self._criteria: re.Pattern[str] | None = None
        self.damaged: dict[str, str] = {}  # user kb -> why it was left out of the last search (its index cannot be read)
        self._roots: dict[str, tuple[list[str], float]] = {}  # user kb -> (the folders it was ingested from, when read)
        if knowledge is not None:
            from .ingest import builtin_kb
            from .knowledge import slug

            self._row_slugs = {name: slug(name) for name in knowledge.table.names}
            self.builtin = builtin_kb(knowledge)
            self._topics = _topic_matchers(knowledge)
            self._criteria = _criteria_matcher(knowledge)

    def _key(self, kb: str) -> str:
        return self.builtin if kb == BUILTIN else kb

    def warm(self) -> Retriever:
        """Load the embedding model and open every kb's collection now, not on the first question."""
        from .embeddings import embed_query_array

        vector = embed_query_array(self.embeddings, "warm up")
        for kb in self.kbs:
            self._hits_or_skip(kb, vector, 1)
        return self

    def _roots_of(self, kb: str, meta: dict[str, Any]) -> list[str]:
        """The recorded folders of a user kb, read again when a source is under none of them (a re-ingest)."""
        if kb == BUILTIN:
            return []
        import time

        source = str(meta.get("source", ""))
        roots, read = self._roots.get(kb, ([], -1e9))
        stale = not any(source == r or source.startswith(r.rstrip("/") + "/") for r in roots) and time.monotonic() - read > 10
        if stale:
            try:
                roots = self.store.roots(self._key(kb))
            except Exception:  # noqa: BLE001 - display only: the file name then
                roots = []
            self._roots[kb] = (roots, time.monotonic())
        return roots

    def _hits_or_skip(self, kb: str, vector: Any, n: int) -> list[Any]:
        """A user kb whose index is damaged is left out (logged, and named in `damaged`) rather than failing every
        question: the built-in corpus still answers. A missing kb, or a damaged built-in index, still raises."""
        try:
            hits = self._hits(kb, vector, n)
        except KbDamaged as exc:
            if kb == BUILTIN:
                raise
            if self.damaged.get(kb) != str(exc):
                log.warning("%s Answering from the other knowledge bases until then.", exc)
            self.damaged[kb] = str(exc)
            return []
        self.damaged.pop(kb, None)
        return hits

    def _boost(self, passage_langs: Iterable[str], named: set[str], topical: frozenset[str] = frozenset()) -> float:
        """+LANGUAGE_BOOST for a named language, +TOPIC_BOOST for a language the table links to a use case or
        constraint the question mentions; both scaled by the share of the passage's languages that match."""
        langs = set(passage_langs)
        if not langs:
            return 0.0
        return (LANGUAGE_BOOST * len(langs & named) + TOPIC_BOOST * len(langs & topical)) / len(langs)

    def topical_languages(self, query: str) -> frozenset[str]:
        """Languages whose best-for, pros or cons the table ties to a use case or constraint named in query."""
        return frozenset().union(*(langs for rx, langs in self._topics if rx.search(query)))

    def _hits(self, kb: str, vector: Any, n: int) -> list[Any]:
        try:
            return self.store.query(self._key(kb), vector, n)
        except IndexError_:
            if kb != BUILTIN or self.knowledge is None:
                raise
            from .ingest import ensure_builtin

            ensure_builtin(self.store, self.embeddings, self.knowledge)  # rebuilds a missing or damaged built-in index
            return self.store.query(self._key(kb), vector, n)

    def search(self, query: str, k: int = 4, languages: Sequence[str] | None = None) -> list[Passage]:
        """The k best passages for query, best first, with scores (cosine similarity + language boost)."""
        import numpy as np

        from .embeddings import embed_query_array

        if not query or not query.strip():
            return []
        if languages is None:
            languages = detect_languages(query, self.knowledge) if self.knowledge is not None else ()
        named = set(languages)
        topical = self.topical_languages(query)
        # A table row ("Rust: Speed Extremely High, ...") answers questions about its cells only: without a criterion
        # word in the question its language boost would put it above the language's own section.
        cells = self._criteria is None or bool(self._criteria.search(query))
        vector = embed_query_array(self.embeddings, query)
        seen: dict[str, Passage] = {}
        for kb in self.kbs:
            for hit in self._hits_or_skip(kb, vector, k * CANDIDATES_PER_RESULT):
                langs = [x for x in str(hit.metadata.get("languages", "")).split(",") if x]
                boost = self._boost(langs, named, topical) if cells or hit.metadata.get("kind") != "row" else 0.0
                p = _passage(kb, hit.id, hit.text, hit.metadata, hit.score, boost, self._roots_of(kb, hit.metadata))
                key = str(hit.metadata.get("hash") or f"{kb}:{hit.id}")  # the same text from two kbs counts once
                if key not in seen or seen[key].score < p.score:
                    seen[key] = p
        if len(named) == 1 and BUILTIN in self.kbs:
            row_id = f"row:{self._row_slugs.get(next(iter(named)), '')}"
            if not any(p.kb == BUILTIN and p.id == row_id for p in seen.values()):
                row = self._row(row_id, np.asarray(vector, dtype=np.float32), named if cells else set(), topical if cells else frozenset())
                if row is not None:
                    seen.setdefault(str(row.id), row)
        ranked = sorted(seen.values(), key=lambda p: (-p.score, p.kb != BUILTIN, p.id))
        out = ranked[:k]
        if len(named) == 1 and BUILTIN in self.kbs:
            row = next((p for p in ranked if p.kb == BUILTIN and p.kind == "row" and set(p.languages) == named), None)
            if row is not None and row not in out:
                out = [*out[: k - 1], row] if k > 1 else [row]
        return out

    def _row(self, row_id: str, vector: Any, named: set[str], topical: frozenset[str] = frozenset()) -> Passage | None:
        import numpy as np

        coll = self.store.live(self.builtin)
        if coll is None:
            return None
        got = coll.get(ids=[row_id], include=["documents", "metadatas", "embeddings"])
        if not got["ids"]:
            return None
        embeddings, metadatas, documents = got["embeddings"], got["metadatas"], got["documents"]
        assert embeddings is not None and metadatas is not None and documents is not None  # all three are in `include`
        emb = np.asarray(embeddings[0], dtype=np.float32)
        sim = float(emb @ vector / max(1e-12, float(np.linalg.norm(emb) * np.linalg.norm(vector))))
        meta = dict(metadatas[0] or {})
        langs = [x for x in str(meta.get("languages", "")).split(",") if x]
        return _passage(BUILTIN, row_id, documents[0] or "", meta, sim, self._boost(langs, named, topical))

    def as_langchain(self, k: int = 4) -> BaseRetriever:
        """This retriever as a LangChain BaseRetriever: Documents with id, section, title, score, ... metadata."""
        return _make_langchain_retriever(self, k)


def open_retriever(settings: Settings, knowledge: Knowledge) -> Retriever:
    """The retriever the settings describe: their embedder, their store, the built-in index brought up to date
    (built on first use; a no-op read when unchanged) and every kb in settings.kb (comma-separated) checked."""
    from .embeddings import get_embeddings, model_id_of
    from .ingest import ensure_builtin
    from .store import check_kb

    embeddings = get_embeddings(settings.embeddings, base_url=settings.base_url, home=settings.home, langchain=False)  # a faster cold start
    store = Store(settings, embedder=model_id_of(embeddings))
    ensure_builtin(store, embeddings, knowledge)
    kbs = [check_kb(x.strip()) for x in (settings.kb or "").split(",") if x.strip()]
    for kb in kbs:
        if kb != BUILTIN and store.live(kb) is None:
            raise IndexError_(missing_message(kb))
    return Retriever(store, embeddings, knowledge, kbs=(BUILTIN, *kbs))


def _make_langchain_retriever(retriever: Retriever, k: int) -> BaseRetriever:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from pydantic import ConfigDict

    class StackAdvisorRetriever(BaseRetriever):
        model_config = ConfigDict(arbitrary_types_allowed=True)
        retriever: Any
        k: int = 4

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            return [
                Document(
                    id=p.id,
                    page_content=p.text,
                    metadata={
                        "id": p.id, "section": p.section, "title": p.title, "score": p.score, "similarity": p.similarity,
                        "languages": list(p.languages), "source": p.source, "kb": p.kb, "kind": p.kind,
                    },
                )
                for p in self.retriever.search(query, k=self.k)
            ]

    return StackAdvisorRetriever(retriever=retriever, k=k)
