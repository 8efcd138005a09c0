"""The claim checker's vocabulary (rules/lexicon/check.yaml), validated and compiled once.

rules/lexicon.py's SCHEMA does not list check.yaml yet, so this module validates it itself with the same rules
(non-empty lower-case phrases, no duplicates, no unknown or missing keys); registering "check" there would let
`lexicon.load("check")` replace `_load_yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ...errors import StackAdvisorError

_SCHEMA = {"negators": "phrases", "privatives": "phrases", "hedges": "phrases", "antonyms": "pairs", "positive": "phrases",
           "negative": "phrases", "unrated": "mapping", "not_claims": "phrases", "examples": "mapping"}


class CheckLexiconError(StackAdvisorError):
    """rules/lexicon/check.yaml is malformed (a packaging bug, not a user error)."""


def _phrases(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise CheckLexiconError(f"{where}: expected a non-empty list of phrases.")
    out = []
    for i, p in enumerate(value):
        if not isinstance(p, str) or not p.strip() or p != p.strip() or p != p.lower():
            raise CheckLexiconError(f"{where}[{i}]: {p!r} is not a non-empty lower-case phrase without surrounding spaces.")
        if p in out:
            raise CheckLexiconError(f"{where}: {p!r} is listed twice.")
        out.append(p)
    return tuple(out)


def _load_yaml(name: str = "check") -> dict[str, Any]:
    where = f"rules/lexicon/{name}.yaml"
    data = yaml.safe_load(resources.files("stackadvisor.rules").joinpath("lexicon", f"{name}.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(_SCHEMA):
        got = sorted(data) if isinstance(data, dict) else []
        raise CheckLexiconError(f"{where}: expected the keys {sorted(_SCHEMA)}, got {got}.")
    out: dict[str, Any] = {}
    for key, kind in _SCHEMA.items():
        value, at = data[key], f"{where}:{key}"
        if kind == "phrases":
            out[key] = _phrases(value, at)
        elif not isinstance(value, dict) or not value:
            raise CheckLexiconError(f"{at}: expected a non-empty mapping.")
        elif kind == "pairs":
            out[key] = {k: _phrases([v], f"{at}.{k}")[0] for k, v in value.items()}
        else:
            out[key] = {_phrases([k], at)[0]: _phrases(v, f"{at}.{k}") for k, v in value.items()}
    return out


def _rx(phrases) -> re.Pattern:  # noqa: ANN001
    def one(p: str) -> str:
        return r"[\s\-]+".join(r"[\s\-]?".join(re.escape(part) for part in w.split("-")) for w in p.split())

    alt = "|".join(sorted((one(p) for p in phrases), key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:{alt})(?![\w\-])")


@dataclass(frozen=True)
class Words:
    negator_rx: re.Pattern  # "anything but": read as "not"
    privative_rx: re.Pattern
    hedge_rx: re.Pattern
    antonyms: dict[str, str]
    positive: frozenset[str]
    negative: frozenset[str]
    unrated: tuple[tuple[str, re.Pattern], ...]  # (property label, its phrases)
    unrated_rx: re.Pattern
    not_claim_rx: re.Pattern
    examples: dict[str, tuple[str, ...]]


@cache
def words() -> Words:
    d = _load_yaml()
    unrated = tuple((label, _rx(ps)) for label, ps in d["unrated"].items())
    return Words(
        negator_rx=_rx(d["negators"]),
        privative_rx=_rx(d["privatives"]),
        hedge_rx=_rx(d["hedges"]),
        antonyms=dict(d["antonyms"]),
        positive=frozenset(d["positive"]),
        negative=frozenset(d["negative"]),
        unrated=unrated,
        unrated_rx=_rx([p for ps in d["unrated"].values() for p in ps]),
        not_claim_rx=_rx(d["not_claims"]),
        examples=dict(d["examples"]),
    )


def as_not(lc: str) -> str:
    """`lc` with each negator phrase read as "not" (same length, so spans stay valid): "anything but easy" -> "not ... easy"."""
    rx = words().negator_rx
    if not rx.search(lc):
        return lc
    return rx.sub(lambda m: "not".ljust(len(m.group(0))), lc)


_SOURCE = re.compile(r"^\W*\[\d+\]|\([\w./-]+\.(?:md|txt|pdf|html?)\)|https?://")
_CITE = re.compile(r"\[\d+\]|\(\s*[+-]?\d+(?:\.\d+)?\s*\)|\(weight[^)]*\)")
_NAMEISH = re.compile(r"[a-z][a-z\-']+")


def statement(fragment: str, titles: tuple[str, ...] = (), min_words: int = 3) -> bool:
    """Could this lower-cased sentence or clause state a fact about a language? Not a source line ("[2] Performance
    Comparison, Go row (corpus/article.md)") or one quoting a section title of the article (`titles`, lower-cased:
    "go (golang): simplicity meets performance"), not the advisor's pick or scorecard (check.yaml not_claims), not
    a title of fewer than `min_words` words."""
    if _SOURCE.search(fragment) or words().not_claim_rx.search(fragment) or any(t in fragment for t in titles):
        return False
    return len(_NAMEISH.findall(_CITE.sub(" ", fragment))) >= min_words
