"""The rules layer's vocabulary, as data: one validated YAML file per kind under `rules/lexicon/`.

    lexicon.phrases("needs", "drop")      -> ("no longer", "doesn't matter", ...)
    lexicon.mapping("needs", "synonyms")  -> {"latency": ("response time", ...), ...}
    lexicon.examples("topics")            -> {"use_case:real-time": ("live sports scores ...", ...), ...}

spaCy keeps its word lists as data modules and Rasa gives each kind of vocabulary one home; this module is that
home for the rules layer. Every file is checked against SCHEMA on first use (a typo, an empty phrase, a
duplicate or a missing key is an error that names the file and the key), then cached. The table's own words
(criteria keywords, use cases, languages) stay in corpus/comparison.yaml; what lives here is plain English and
the outside world (negations, intensifiers, names of technologies the table does not cover, example utterances).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from ..errors import StackAdvisorError

Kind = Literal["phrases", "words", "mapping", "pairs", "examples", "patterns"]

#: file -> key -> kind. phrases: a list of lower-case phrases; words: a list of single words (no case rule,
#: for names); mapping: phrase -> list of phrases; pairs: phrase -> phrase; examples: label -> example utterances.
SCHEMA: dict[str, dict[str, Kind]] = {
    "names": {"outside_tech": "words", "ambiguous_names": "phrases", "noun_names": "phrases", "frameworks": "mapping"},
    "needs": {"strong": "phrases", "must": "phrases", "weak": "phrases", "drop": "phrases", "synonyms": "mapping", "complaints": "mapping",
              "complaint_adjectives": "phrases"},
    "scope": {"off_topic": "phrases", "career_topics": "phrases", "hosting_vendors": "phrases", "greet_words": "phrases",
              "choice_nouns": "phrases", "not_options": "phrases"},
    "claims": {"predicate_mods": "phrases", "generic_better": "phrases", "generic_best": "phrases", "generic_worst": "phrases",
               "generic_worse": "phrases", "pos_topic": "phrases", "neg_topic": "phrases", "few": "phrases", "many": "phrases",
               "ease_word": "pairs"},
    "words": {"not_countable": "phrases", "item_stop": "phrases", "learn_obj_stop": "phrases", "thin_words": "phrases", "question_stop": "phrases", "source_words": "phrases", "foreign_words": "phrases", "foreign_choice": "phrases", "drop_filler": "phrases", "number_words": "pairs", "contractions": "pairs"},
    "topics": {"examples": "examples"},
    "gloss": {lang: "pairs" for lang in ("pt", "es", "fr", "de", "id", "ru", "zh", "ja", "ko")},
    "patterns": {"read": "patterns", "dialogue": "patterns", "vocab": "patterns"},
    "check": {"negators": "phrases", "privatives": "phrases", "hedges": "phrases", "antonyms": "pairs", "positive": "phrases",
              "negative": "phrases", "unrated": "mapping", "not_claims": "phrases", "examples": "mapping",
              "degree_extreme": "phrases", "degree_moderate": "phrases", "lacks": "phrases", "lack_modifiers": "phrases",
              "plain_words": "pairs", "middle": "phrases", "unremarkable": "phrases", "compare_better": "phrases",
              "compare_worse": "phrases", "compare_equal": "phrases", "verb_criteria": "pairs", "criterion_words": "pairs",
              "nobody": "phrases", "object_markers": "phrases", "kind_nouns": "phrases", "copulas": "phrases",
              "comparatives": "pairs", "handle_verbs": "phrases", "openers": "phrases",
              "multipliers": "phrases", "fractions": "phrases", "superlative_idioms": "phrases", "alike": "phrases",
              "trade_verbs": "phrases", "pronouns": "phrases",
              "pair_objects": "phrases", "rest_objects": "phrases",
              "criterion_verbs": "pairs", "stretch_ends": "phrases",
              "denying_frames": "phrases", "retractions": "phrases", "retraction_leads": "phrases",
              "every_criterion": "phrases", "every_except": "phrases", "possession_verbs": "phrases",
              "fine_after": "phrases", "trouble_after": "phrases", "dominance_verbs": "phrases",
              "intensifiers": "phrases", "verdict_modifiers": "phrases", "asides": "phrases"},
    "acts": {"why_not": "phrases", "downsides": "phrases", "what_if": "phrases", "reset": "phrases", "raise": "phrases",
             "lower": "phrases"},
}


class LexiconError(StackAdvisorError):
    """A vocabulary file under rules/lexicon/ is malformed (this is a packaging bug, not a user error)."""


def _phrase(value: Any, where: str, lower: bool) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise LexiconError(f"{where}: {value!r} is not a non-empty phrase without surrounding spaces.")
    if lower and value != value.lower():
        raise LexiconError(f"{where}: {value!r} must be lower-case (matching is case-insensitive).")
    return value


def _list(value: Any, where: str, lower: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise LexiconError(f"{where}: expected a non-empty list of phrases.")
    out = tuple(_phrase(v, f"{where}[{i}]", lower) for i, v in enumerate(value))
    dup = next((p for i, p in enumerate(out) if p in out[:i]), None)
    if dup is not None:
        raise LexiconError(f"{where}: {dup!r} is listed twice.")
    return out


_FLAGS = {"i": re.I, "m": re.M}
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader (libyaml's when present) that refuses a key given twice in one mapping: YAML would keep the
    last one silently and drop the first one's phrases."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML's signature
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise LexiconError(f"line {key_node.start_mark.line + 1}: the key {key!r} is given twice; merge the two lists.")
            seen.add(key)
        return super().construct_mapping(node, deep)


_LOADER = _Loader
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _patterns(value: Any, where: str) -> dict[str, tuple[str, int]]:
    """name -> (pattern, flags), each checked to compile (placeholders {name} filled with a stand-in)."""
    if not isinstance(value, dict) or not value:
        raise LexiconError(f"{where}: expected a mapping of name -> {{pattern, flags}}.")
    out = {}
    for key, spec in value.items():
        at = f"{where}.{key}"
        if not isinstance(spec, dict) or not isinstance(spec.get("pattern"), str) or set(spec) - {"pattern", "flags"}:
            raise LexiconError(f"{at}: expected {{pattern: <regex>, flags: i}}.")
        flags = 0
        for ch in str(spec.get("flags", "")):
            if ch not in _FLAGS:
                raise LexiconError(f"{at}: unknown flag {ch!r}; use {', '.join(_FLAGS)}.")
            flags |= _FLAGS[ch]
        try:
            re.compile(_PLACEHOLDER.sub("x", spec["pattern"]), flags)
        except re.error as exc:
            raise LexiconError(f"{at}: the pattern does not compile ({exc}).") from None
        out[key] = (spec["pattern"], flags)
    return out


def _validate(name: str, data: Any) -> dict[str, Any]:
    where = f"rules/lexicon/{name}.yaml"
    schema = SCHEMA[name]
    if not isinstance(data, dict):
        raise LexiconError(f"{where}: expected a mapping of {', '.join(schema)}.")
    unknown, missing = set(data) - set(schema), set(schema) - set(data)
    if unknown or missing:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}; the schema is in rules/lexicon.py.")
    out: dict[str, Any] = {}
    for key, kind in schema.items():
        at, value = f"{where}:{key}", data[key]
        if kind in ("phrases", "words"):
            out[key] = _list(value, at, lower=kind == "phrases")
        elif kind == "patterns":
            out[key] = _patterns(value, at)
        elif kind in ("mapping", "examples", "pairs"):
            if not isinstance(value, dict) or not value:
                raise LexiconError(f"{at}: expected a non-empty mapping.")
            if kind == "pairs":
                out[key] = {_phrase(k, at, True): _phrase(v, f"{at}.{k}", True) for k, v in value.items()}
            else:
                out[key] = {_phrase(k, at, kind == "mapping"): _list(v, f"{at}.{k}", lower=kind == "mapping") for k, v in value.items()}
    return out


@cache
def load(name: str) -> dict[str, Any]:
    """The validated contents of rules/lexicon/<name>.yaml."""
    if name not in SCHEMA:
        raise LexiconError(f"There is no lexicon file {name!r}; the files are {', '.join(sorted(SCHEMA))}.")
    text = resources.files(__package__).joinpath("lexicon").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when present)
    except LexiconError as exc:
        raise LexiconError(f"rules/lexicon/{name}.yaml, {exc}") from None
    return _validate(name, data)


def phrases(name: str, key: str) -> tuple[str, ...]:
    return load(name)[key]


def mapping(name: str, key: str) -> dict[str, tuple[str, ...]]:
    return load(name)[key]


def examples(name: str, key: str = "examples") -> dict[str, tuple[str, ...]]:
    return load(name)[key]


@cache
def english_words() -> frozenset[str]:
    """Whole English words of the embedding model's WordPiece vocabulary (~21k): a word listed here is never
    "corrected" as a typo ("leaning" stays "leaning"; "learnig" may become "learning")."""
    text = resources.files("stackadvisor").joinpath("_model").joinpath("vocab.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.split() if w.isalpha() and w.islower())


def pattern(module: str, name: str, **fill: str) -> re.Pattern:
    """The compiled pattern `name` of rules/lexicon/patterns.yaml's `module` section; {placeholders} are filled
    with `fill` (already regex text, such as an alternation built from a word list)."""
    text, flags = load("patterns")[module][name]
    if fill:
        text = _PLACEHOLDER.sub(lambda m: fill[m.group(1)], text)
    return re.compile(text, flags)
