"""Recognition by meaning: a text is scored against example utterances per label with the sentence embedder.

    Meaning(embed, {"real_time": ["live sports scores pushed to browsers", ...], ...}).best(["..."])

NeMo Guardrails defines an intent by its example utterances, not by a regex; this is the same idea on the local
MiniLM model that retrieval already loads. The examples are data (see `lexicon.py`); this module does no I/O:
the caller passes `embed`, a function from a list of texts to an array of L2-normalised rows. A label's score
is the cosine of the text with its nearest example, so adding an example can only widen what a label covers.

Scores are cached per text (a conversation replays its earlier turns) in a small bounded LRU.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

Embed = Callable[[list[str]], np.ndarray]


class VectorStore(Protocol):
    """Where the caller keeps example vectors between starts (the advisor: its data home's cache folder)."""

    def load(self, texts: Sequence[str]) -> np.ndarray | None: ...

    def save(self, texts: Sequence[str], matrix: np.ndarray) -> None: ...


@dataclass(frozen=True)
class Hit:
    label: str
    score: float  # cosine with the nearest example of the label
    runner_up: float  # the best score of any other label (a margin guards against near ties)
    example: str  # the example it was nearest to (for explanations and tests)


class Meaning:
    """Nearest-example classification of short texts (clauses) into labels."""

    def __init__(self, embed: Embed, examples: Mapping[str, Sequence[str]], cache_size: int = 4096,
                 vectors: VectorStore | None = None) -> None:
        self._embed = embed
        self.labels: tuple[str, ...] = tuple(examples)
        self._examples: list[str] = [e for lab in self.labels for e in examples[lab]]
        self._spans: list[tuple[int, int]] = []  # label j's examples are self._examples[a:b]
        at = 0
        for lab in self.labels:
            self._spans.append((at, at + len(examples[lab])))
            at += len(examples[lab])
        self._matrix: np.ndarray | None = None
        self._vectors = vectors
        self._cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cache_size = cache_size

    @property
    def examples(self) -> list[str]:
        return list(self._examples)

    def examples_matrix(self) -> np.ndarray:
        """The examples' vectors (embedded on first use); the caller may keep them and pass them back as `matrix`."""
        return self._examples_matrix()

    def _examples_matrix(self) -> np.ndarray:
        if self._matrix is None:
            kept = self._vectors.load(self._examples) if self._vectors is not None else None
            if kept is not None and kept.shape[0] == len(self._examples):
                self._matrix = np.asarray(kept, dtype=np.float32)
            else:
                self._matrix = np.asarray(self._embed(self._examples), dtype=np.float32) if self._examples else np.zeros((0, 1), np.float32)
                if self._vectors is not None and self._examples:
                    self._vectors.save(self._examples, self._matrix)
        return self._matrix

    def _rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: (best cosine per label, index of that label's nearest example)."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            mat = self._examples_matrix()
            sims = np.asarray(self._embed(todo), dtype=np.float32) @ mat.T  # [todo, examples]
            for t, row in zip(todo, sims):
                best = np.full(len(self.labels), -1.0, dtype=np.float32)
                arg = np.zeros(len(self.labels), dtype=np.int64)
                for j in range(len(self.labels)):
                    idx = self._spans[j]
                    k = int(np.argmax(row[idx[0]:idx[1]]))
                    best[j], arg[j] = row[idx[0] + k], idx[0] + k
                self._cache[t] = (best, arg)
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        out = []
        for t in texts:
            self._cache.move_to_end(t)
            out.append(self._cache[t])
        return out

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """[len(texts), len(labels)]: each text's cosine with the nearest example of each label."""
        if not texts or not self.labels:
            return np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        return np.stack([best for best, _ in self._rows(texts)])

    def best(self, texts: Sequence[str], threshold: float, margin: float = 0.0,
             rivals: Callable[[str, str], bool] | None = None) -> list[Hit | None]:
        """Each text's best label when its score reaches `threshold` and beats every other label by `margin` (with
        `rivals`, only the labels rivals(top, other) says compete with it: two readings that can both be true need no
        margin between them)."""
        if not texts or not self.labels:
            return [None] * len(texts)
        hits: list[Hit | None] = []
        for best, arg in self._rows(texts):
            order = np.argsort(-best)
            top = int(order[0])
            others = [int(j) for j in order[1:] if rivals is None or rivals(self.labels[top], self.labels[int(j)])]
            second = float(best[others[0]]) if others else -1.0
            ok = best[top] >= threshold and best[top] - second >= margin
            hits.append(Hit(self.labels[top], float(best[top]), second, self._examples[int(arg[top])]) if ok else None)
        return hits

    def derive(self, key: object, examples: Mapping[str, Sequence[str]]) -> Meaning:
        """A Meaning over other examples with the same embedder, made once per `key` and kept (the claim checker
        builds one per table from the table's wordings and the article's lines)."""
        derived = self.__dict__.setdefault("_derived", {})
        if key not in derived:
            if len(derived) >= 16:
                derived.clear()
            derived[key] = Meaning(self._embed, examples, self._cache_size, self._vectors)
        return derived[key]

    def above(self, texts: Sequence[str], threshold: float) -> list[list[tuple[str, float]]]:
        """Each text's labels scoring at least `threshold`, best first (a clause can name two topics)."""
        sims = self.similarities(texts)
        return [sorted(((self.labels[j], float(s)) for j, s in enumerate(row) if s >= threshold), key=lambda p: -p[1]) for row in sims]
