"""The turn as the readers should see it (normalise): contractions, possessives and one-letter typos of the
readers' own vocabulary corrected, and speed words about people or tools set apart from the program's speed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon
from .finder import derived

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


@dataclass(frozen=True)
class _Speller:
    contractions: dict[str, str]
    aliases: frozenset[str]  # lower-case names of the table's languages ("python", "rust", "golang")
    known: frozenset[str]  # words of the readers' vocabulary
    deletes: dict[str, str | None]  # a known word with one letter deleted -> the word (None when two words share it)

    def fix(self, word: str) -> str:
        lw = word.lower()
        if lw in self.contractions:
            return self.contractions[lw]
        if lw.endswith("s") and lw[:-1] in self.aliases and lw not in self.known:
            return word[:-1] + "'s"  # "pythons learning curve": a possessive written without the apostrophe
        if len(lw) < 6 or lw in self.known or lw in lexicon.english_words() or not lw.isalpha():
            return word
        hits = {self.deletes.get(lw)} | {w for i in range(len(lw)) if (w := lw[:i] + lw[i + 1:]) in self.known}
        hits |= {self.deletes.get(lw[:i] + lw[i + 1:]) for i in range(len(lw))}
        found = {h for h in hits if h is not None and h not in (lw + "s", lw + "es") and lw not in (h + "s", h + "es")}  # a plural is no typo
        return next(iter(found)) if len(found) == 1 else word


def _speller(table) -> _Speller:  # noqa: ANN001
    return derived(table, "speller", _build_speller)


def _build_speller(table) -> _Speller:  # noqa: ANN001
    words: set[str] = set()
    for crit in table.criteria.values():
        for p in (*crit.keywords, *crit.better, *crit.worse, *crit.best, *crit.worst, crit.label):
            words.update(_WORD.findall(p.lower()))
    for topic in (*table.use_cases.values(), *table.constraints.values()):
        for p in (*topic.keywords, topic.label):
            words.update(_WORD.findall(p.lower()))
    aliases = {a for lang in table.languages.values() for a in (lang.name.lower(), *lang.aliases)}
    words |= aliases
    for key in ("strong", "weak", "drop"):
        for p in lexicon.phrases("needs", key):
            words.update(_WORD.findall(p))
    for key in ("synonyms", "complaints"):  # everyday wordings of the needs ("newcomers", "sluggish") are the readers' too
        for canon, phrases_ in lexicon.mapping("needs", key).items():
            for p in (canon, *phrases_):
                words.update(_WORD.findall(p.lower()))
    for phrases_ in lexicon.load("acts").values():
        for p in phrases_:
            words.update(_WORD.findall(p))
    known = frozenset(w for w in words if w.isalpha())
    deletes: dict[str, str | None] = {}
    for w in known:
        if len(w) >= 6:
            for i in range(len(w)):
                d = w[:i] + w[i + 1:]
                deletes[d] = w if deletes.get(d, w) == w else None
    return _Speller(lexicon.load("words")["contractions"], frozenset(aliases), known, deletes)


#: Speed words about people or tools, not about the running program: "developing with Python is faster" is
#: development speed (a wish to deliver fast), "Go compiles faster" is compile time, which the table does not rate.
_DEV_SPEED = lexicon.pattern("dialogue", "dev_speed")
_DEV_SPEED_BEFORE = lexicon.pattern("dialogue", "dev_speed_before")
_BUILD_SPEED = lexicon.pattern("dialogue", "build_speed")
_SLOWS_PEOPLE = lexicon.pattern("dialogue", "slows_people")
_LIVE_THING = lexicon.pattern("dialogue", "live_thing")
_SCRAPE_TYPO = lexicon.pattern("dialogue", "scrape_typo")
_FINE_ADVERB = lexicon.pattern("dialogue", "fine_adverb")
_BROADCAST = lexicon.pattern("dialogue", "broadcast")
_TIME_HORIZON = lexicon.pattern("read", "time_horizon")
_PERSON_SPEED = lexicon.pattern("dialogue", "person_speed")
_FEW = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
TIGHT_WEEKS = 8  # a delivery this close (or closer) is a tight timeline


def _tight(m: re.Match) -> str:
    if m.group("day") or m.group("wk") or m.group("wk2") or m.group("wk3"):  # "done by sunday night", "over the weekend"
        return m.group(0) + " (tight timeline)"
    n, unit = (m.group("n") or "1").lower(), m.group("u").lower()
    count = int(n) if n.isdigit() else _FEW.get(n, 2)
    weeks = count / 7 if unit.startswith("day") else count
    return m.group(0) + (" (tight timeline)" if weeks <= TIGHT_WEEKS else "")


def normalise(text: str, table) -> str:  # noqa: ANN001
    """The turn as the readers should see it: contractions written without the apostrophe restored ("dont"),
    possessives of language names ("pythons"), and one-letter typos of the readers' own vocabulary ("learnig",
    "concurency") corrected; speed words about development or compiling no longer read as runtime speed.
    Words of the embedder's English vocabulary are never changed."""
    sp = _speller(table)
    text = _WORD.sub(lambda m: sp.fix(m.group(0)), text)
    text = _DEV_SPEED.sub(lambda m: m.group(0)[:m.start("adj") - m.start()] + "rapid development", text)
    text = _DEV_SPEED_BEFORE.sub("rapid development", text)
    text = _SLOWS_PEOPLE.sub(lambda m: f"hold {m.group('who')} back", text)
    text = _LIVE_THING.sub(lambda m: f"{m.group(1) or ''} real-time ", text)  # "a live leaderboard": updated as it happens
    text = _SCRAPE_TYPO.sub("scraping ", text)
    text = _BROADCAST.sub(lambda m: m.group(0) + " (real-time)", text)  # one change shown to many at once
    text = _FINE_ADVERB.sub(lambda m: f"{m.group('cop')} {m.group('ok')}", text)
    text = _TIME_HORIZON.sub(_tight, text)  # "the demo is in 10 days": a tight timeline
    text = _PERSON_SPEED.sub(lambda m: m.group(0)[:m.start("adj") - m.start()].rstrip(), text)  # "I want a job fast"
    return _BUILD_SPEED.sub(lambda m: m.group(0)[:m.start("adj") - m.start()].rstrip(), text)
