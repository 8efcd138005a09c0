"""Phrase finders: a compiled alternation gated by first tokens, so a lexicon of thousands of phrases is scanned fast."""

from __future__ import annotations

import functools
import re
import threading
import weakref
from bisect import bisect_left

#: Scripts written without spaces between words (CJK ideographs, kana, hangul): in lower-cased text each of their
#: characters becomes a space, so "区块链用go还是用rust" names Go and Rust; full-width punctuation becomes ASCII.
_UNSPACED_SCRIPT = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: A short quotation: someone else's words, or a phrase quoted to be looked up ("stop telling me Python is 'too slow'").
_QUOTED = re.compile(r"(?<!\w)(?:\"[^\"\n]{2,80}\"|\u201c[^\u201d\n]{2,80}\u201d|['\u2018][^'\u2019\"\n]{2,80}['\u2019])(?!\w)")
_FULL_WIDTH = str.maketrans("\uff1f\uff0c\u3002\uff01\uff1a\uff1b\u3001", "?,.!:;,")


def _lc(s: str) -> str:
    """Lower-case without changing the length (so spans stay valid)."""
    out = s.lower()
    if len(out) != len(s):
        out = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in s)
    if not out.isascii():
        out = _UNSPACED_SCRIPT.sub(" ", out.translate(_FULL_WIDTH))
    return out.replace("\u2019", "'").replace("\u2018", "'")


def foreign_script(text: str) -> bool:
    """Whether the text is written in a language the reader's vocabulary is not: most of its letters in another
    script (Chinese, Japanese, Korean, Cyrillic, ...), or Latin letters whose words are another language's function
    words ("Pilih golang atau node js untuk saya", "Quais as melhores linguagens para Backend?", words.yaml
    foreign_words). Only the language names in it can be read."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    if sum(not ch.isascii() for ch in letters) > len(letters) / 2:
        return True
    words = _FOREIGN_WORD_RX.findall(text.lower())
    hits = sum(w in _foreign_words() for w in words)
    return hits >= FOREIGN_MIN_WORDS and hits >= FOREIGN_SHARE * len(words)


def gloss(text: str) -> str:
    """A word-for-word English gloss of a text in another language (rules/lexicon/gloss.yaml): the words of the
    one language whose glossary the text uses most are replaced by their English ("Qual linguagem vocês indicam
    para quem deseja começar" -> "which language vocês recommend for quem deseja start learning"); the rest, the
    table's language names among it, stay as written. A text none of whose words are glossed comes back as it is."""
    best, hits = None, 0
    for rx, table in _glossaries():
        n = len(rx.findall(text))
        if n > hits:
            best, hits = (rx, table), n
    if best is None:
        return text
    rx, table = best
    def english(m: re.Match[str]) -> str:  # a word of a script without spaces gets spaces around its English
        word = table[m.group(0).lower()]
        return f" {word} " if _UNSPACED.match(m.group(0)) else word

    return _SPACES.sub(" ", rx.sub(english, text)).strip()


_SPACES = re.compile(r"[ \t]{2,}")


@functools.cache
def _glossaries() -> tuple[tuple[re.Pattern[str], dict[str, str]], ...]:
    from . import lexicon

    out = []
    for table in lexicon.load("gloss").values():
        keys = sorted(table, key=len, reverse=True)  # the longest first: "tempo real" before "real"
        alt = "|".join(re.escape(k) if _UNSPACED.match(k) else rf"(?<![^\W\d_]){re.escape(k)}(?![^\W\d_])" for k in keys)
        out.append((re.compile(alt, re.IGNORECASE), table))
    return tuple(out)


#: a Latin-script text is another language's when at least this many of its words, and this share of them, are
#: that language's function words (an English sentence with "para" or "de" in a name is not)
FOREIGN_MIN_WORDS, FOREIGN_SHARE = 3, 0.2
_FOREIGN_WORD_RX = re.compile(r"[^\W\d_]+")


def foreign_choice(lc: str) -> bool:
    """Whether a text in another language asks to choose ("pilih", "哪个", "还是", "cuál"): words.yaml foreign_choice."""
    words = set(_FOREIGN_WORD_RX.findall(lc))
    # a word of a script written without spaces (Chinese, Japanese) is looked for inside the text, the others as words
    return any(w in words or (_UNSPACED.match(w) is not None and w in lc) for w in _foreign_choice())


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@functools.cache
def _foreign_choice() -> frozenset[str]:
    from . import lexicon

    return frozenset(lexicon.phrases("words", "foreign_choice"))


@functools.cache
def _foreign_words() -> frozenset[str]:
    from . import lexicon

    glossed = {k for table in lexicon.load("gloss").values() for k in table if " " not in k}  # "iniciante", "recomendam"
    return frozenset(lexicon.phrases("words", "foreign_words")) | (glossed - lexicon.english_words())


_KEY_RX = re.compile(r"[\s\-]+")
_WS_RX = re.compile(r"\s+")


def _key(s: str) -> str:
    return _KEY_RX.sub(" ", _lc(s)).strip()


def _alt(phrases, extra: dict[str, str] | None = None, joiner: str = r"[\s\-]+") -> str:
    keys = sorted({_key(p) for p in phrases if p and p.strip()}, key=lambda k: (-len(k), k))
    parts = []
    for k in keys:
        body = joiner.join(re.escape(w) for w in k.split(" "))
        parts.append(body + ((extra or {}).get(k, "")))
    return "|".join(parts)


_NEVER = re.compile(r"(?!x)x")
_TOKEN_RX = re.compile(r"[\w#+]+")
# (lower-cased text, token starts, tokens, token -> indexes) of the last few texts, newest first. More than one:
# extract_needs alternates between the whole text and each sentence, and a one-entry cache re-tokenised the
# whole text for every sentence (quadratic: a 4,000-character question took seconds). LRU; replaced, never mutated.
_TOKS: tuple = ()
_TOKS_KEEP = 8


def _tokens(lc: str) -> tuple[list[int], list[str]]:
    return _tokenise(lc)[:2]  # type: ignore[return-value]


def _tokenise(lc: str) -> tuple:
    global _TOKS
    cached = _TOKS
    for i, entry in enumerate(cached):
        if entry[0] == lc:  # equal text, same tokens (cheap: length first, then memcmp)
            if i:  # most recently used first: the whole text, read between every sentence, stays cached
                _TOKS = (entry, *cached[:i], *cached[i + 1:])
            return entry[1], entry[2], entry[3]
    starts, toks = [], []
    index: dict[str, list[int]] = {}
    for i, m in enumerate(_TOKEN_RX.finditer(lc)):
        starts.append(m.start())
        t = m.group(0)
        toks.append(t)
        index.setdefault(t, []).append(i)
    _TOKS = ((lc, starts, toks, index), *cached[: _TOKS_KEEP - 1])
    return starts, toks, index


def _first_tokens(keys) -> dict[str, list[int]]:
    first: dict[str, list[int]] = {}
    for k in keys:
        m = _TOKEN_RX.search(k)
        if m and m.start() not in first.setdefault(m.group(0), []):
            first[m.group(0)].append(m.start())
    for offs in first.values():
        offs.sort(reverse=True)
    return first


class _Finder:
    """finditer()/search() for a family of phrases, tried only where a token can start one of them.

    Much faster than scanning a big alternation at every character; same results as
    `(?<![\\w#+])(?:alt)(?![\\w#+])` on lower-cased text."""

    __slots__ = ("rx", "first", "gate", "boundary")

    def __init__(self, pattern: str, first: dict[str, list[int]], gate=None, boundary: bool = True) -> None:
        self.rx = re.compile(pattern) if pattern else _NEVER
        self.first = first
        self.gate = gate
        self.boundary = boundary

    def finditer(self, lc: str, lo: int = 0, hi: int | None = None):
        if not self.first:
            return
        hi = len(lc) if hi is None else hi
        starts, toks, index = _tokenise(lc)
        present = self.first.keys() & index.keys()
        if not present:
            return
        i = bisect_left(starts, lo)
        j = bisect_left(starts, hi, i)
        if self.gate is not None and not any(toks[k] in self.gate for k in range(i, j)):
            return
        last = lo
        first, rx = self.first, self.rx
        for k in sorted(k for t in present for k in index[t] if i <= k < j):
            offs = first[toks[k]]
            ts = starts[k]
            for off in offs:
                pos = ts - off
                if pos < last:
                    continue
                if self.boundary and off and pos > 0 and (lc[pos - 1].isalnum() or lc[pos - 1] in "_#+"):
                    continue
                m = rx.match(lc, pos, hi)
                if m:
                    yield m
                    last = m.end()
                    break

    def search(self, lc: str, lo: int = 0, hi: int | None = None):
        return next(self.finditer(lc, lo, hi), None)

    def scan(self, lc: str, bounds: list[tuple[int, int]]) -> list[list[re.Match]]:
        """finditer() over each (start, end) of `bounds` (sorted, disjoint) in one pass over the tokens."""
        out: list[list[re.Match]] = [[] for _ in bounds]
        if not self.first or not bounds:
            return out
        starts, toks, index = _tokenise(lc)
        if self.gate is not None and self.gate.isdisjoint(index):
            return out
        first, rx, nb = self.first, self.rx, len(bounds)
        present = first.keys() & index.keys()
        if not present:
            return out
        cand = sorted(k for t in present for k in index[t])
        bi, last = 0, -1
        for k in cand:
            offs = first[toks[k]]
            ts = starts[k]
            while bi < nb and bounds[bi][1] <= ts:
                bi += 1
            if bi == nb:
                break
            c0, c1 = bounds[bi]
            if ts < c0:
                continue
            for off in offs:
                pos = ts - off
                if pos < c0 or pos < last:
                    continue
                if self.boundary and off and pos > 0 and (lc[pos - 1].isalnum() or lc[pos - 1] in "_#+"):
                    continue
                m = rx.match(lc, pos, c1)
                if m:
                    out[bi].append(m)
                    last = m.end()
                    break
        return out


def _phrase_rx(phrases, extra: dict[str, str] | None = None, joiner: str = r"[\s\-]+") -> _Finder:
    alt = _alt(phrases, extra, joiner)
    keys = {_key(p) for p in phrases if p and p.strip()}
    return _Finder(rf"(?:{alt})(?![\w#+])" if alt else "", _first_tokens(keys))


def _words_rx(words) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))




_DERIVED: dict[int, tuple[weakref.ref, dict[str, object]]] = {}
_DERIVED_LOCK = threading.Lock()


def derived(owner: object, key: str, build):  # noqa: ANN001, ANN201
    """What `build(owner)` computes from an immutable `owner` (a Table), kept while the owner lives: an entry is
    dropped the moment its owner is collected (a weak reference's callback), so an id reused by a later object can
    never find it, and nothing is stored on the owner itself (a UI state that deep-copies it stays light)."""
    oid = id(owner)
    with _DERIVED_LOCK:
        entry = _DERIVED.get(oid)
        if entry is None or entry[0]() is not owner:
            def forget(_ref: weakref.ref[object], oid: int = oid) -> None:
                _DERIVED.pop(oid, None)

            entry = (weakref.ref(owner, forget), {})
            _DERIVED[oid] = entry
        store = entry[1]
    if key not in store:
        store[key] = build(owner)
    return store[key]
