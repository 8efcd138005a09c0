"""What a turn says against what came before it: an amount of load ("maybe 10 users", "200k clients") and a drop
of something an earlier turn described in other words ("actually scrap the resizing")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import lexicon
from .finder import _lc
from .mentions import _sentences
from .read import _clauses, _drop_cue, extract_needs
from .types import Needs
from .vocab import _DROP_RX as _DROP_WORDS

if TYPE_CHECKING:
    from .dialogue import State

_LOAD_RX = lexicon.pattern("dialogue", "load_quantity")
_ADDED_PART = lexicon.pattern("dialogue", "added_part")
_THIN = frozenset(lexicon.phrases("words", "thin_words"))
_DROP_FILLER = frozenset(lexicon.phrases("words", "drop_filler"))  # "actually", "part": no name of what is dropped

# ------------------------------------------------------------------------------------------------ amounts

_LOAD_CRITERIA = ("speed", "concurrency")  # the criteria an amount of load speaks for (ids of corpus/comparison.yaml)
#: data: rules/lexicon/words.yaml `number_words` ("x1000" is a scale word: it multiplies the number before it)
_NUMBERS = {w: float(n.removeprefix("x")) for w, n in lexicon.load("words")["number_words"].items() if not n.startswith("x")}
_SCALES = {w: float(n.removeprefix("x")) for w, n in lexicon.load("words")["number_words"].items() if n.startswith("x")}
LOW_LOAD = 1000  # at most this many users, clients or requests: a small load
HIGH_LOAD = 5000  # at least this many: a heavy one
#: what a stated load says, in the shape _apply takes (label -> the need applies)
_LOAD_NEEDS = {False: {"criterion:concurrency": False, "criterion:speed": False}, True: {"criterion:concurrency": True}}


def _amount(text: str) -> float | None:
    """ "10" -> 10, "200k" -> 200000, "a couple hundred" -> 200, "thousands of" -> 3000."""
    n, scale = None, 1.0
    for tok in re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z]+", text.lower()):
        if tok[0].isdigit():
            n = float(tok.replace(",", ""))
        elif tok in _SCALES:
            scale *= _SCALES[tok]
        elif tok in _NUMBERS and (n is None or tok != "a"):
            n = _NUMBERS[tok]
    if n is None:
        return scale if scale > 1 else None
    return n * scale


def _load(lc: str) -> bool | None:
    """True when the turn states a heavy load ("200k game clients"), False a small one ("maybe 10 users", "just the
    12 of us"), None when it states no amount of users, clients or requests."""
    found = None
    for m in _LOAD_RX.finditer(lc):
        n = _amount(m.group("num"))
        if n is None:
            continue
        if n >= HIGH_LOAD:
            return True
        if m.group("fleet"):
            continue
        if n <= LOW_LOAD:
            found = False
    return found


# ------------------------------------------------------------------------------ drops of what was described

_WORD_RX = re.compile(r"[a-z][a-z'-]+")


def _stems(lc: str, a: int, b: int, v, needs: bool = False) -> set[str]:  # noqa: ANN001
    """The content words of lc[a:b], cut to a 5-letter stem ("resizing", "resizes" -> "resiz"): the ones that are
    no need word of the lexicon, or (`needs`) only the need words."""
    taken = [m.span() for m in v.need_rx.finditer(lc, a, b)]
    cue = [m.span() for m in _DROP_WORDS.finditer(lc, a, b)]
    return {m.group(0)[:5] for m in _WORD_RX.finditer(lc, a, b)
            if len(m.group(0)) > 3 and m.group(0) not in _THIN and m.group(0) not in _DROP_FILLER
            and not any(x <= m.start() < y for x, y in cue) and any(x <= m.start() < y for x, y in taken) == needs}


def _labels(n: Needs) -> set[str]:
    return {f"criterion:{c}" for c in n.priorities} | {f"use_case:{u}" for u in n.use_cases} | {f"constraint:{c}" for c in n.constraints}


def _added_parts(lc: str, a: int, b: int) -> list[tuple[int, int]]:
    """lc[a:b] cut where another feature is added to what it describes ("... with a live feed", "... and a chat")."""
    cuts = [m.start() for m in _ADDED_PART.finditer(lc, a, b)]
    edges = [a, *cuts, b]
    return [(x, y) for x, y in zip(edges, edges[1:]) if y > x]


def _dropped_with(lc: str, table, v, state: State, turn: Needs) -> set[str]:  # noqa: ANN001
    """Needs an earlier turn stated in a clause that this turn drops by another name: "actually scrap the resizing"
    after "image resizing service, very cpu-heavy" drops what that clause asked for (CPU-bound work), as labels
    ("constraint:cpu-bound", "skill:Python"); what this turn states itself stays."""
    if not state.said:
        return set()
    targets: set[str] = set()
    named: set[str] = set()  # the need words the drop names ("scrap the resizing": resizing is CPU-bound work)
    for s0, s1 in _sentences(lc):
        for c0, c1 in _clauses(lc, s0, s1):
            if _drop_cue(lc[c0:c1]):
                targets |= _stems(lc, c0, c1, v)
                named |= _stems(lc, c0, c1, v, needs=True)
    if not targets and not named:
        return set()
    keep = {f"criterion:{c}" for c in turn.priorities} | {f"use_case:{u}" for u in turn.use_cases} \
        | {f"constraint:{c}" for c in turn.constraints} | {f"skill:{n}" for n in turn.skills}
    gone: set[str] = set()
    for before in state.said:
        blc = _lc(before)
        for s0, s1 in _sentences(blc):
            for c0, c1 in _clauses(blc, s0, s1):
                words = _stems(blc, c0, c1, v) | _stems(blc, c0, c1, v, needs=True)
                by_name, by_need = words & targets, words & named
                if not (by_name or by_need):
                    continue
                said = extract_needs(blc[c0:c1], table)
                # "fintech backend for instant payments with a live balance feed": dropping the feed drops what its
                # part asked for; what a part joined on by "with" / "and" names without it stays
                own = set().union(*(_labels(extract_needs(blc[a:b], table)) for a, b in _added_parts(blc, c0, c1)
                                    if not (_stems(blc, a, b, v) | _stems(blc, a, b, v, needs=True)) & (targets | named)))
                gone |= {f"criterion:{c}" for c in said.priorities} | {f"use_case:{u}" for u in said.use_cases} \
                    | {f"constraint:{c}" for c in said.constraints}
                gone -= own
                if by_name:  # a thing named in other words: what the team was said to use for it goes too ("pandas")
                    gone |= {f"skill:{n}" for n in said.skills}
    return gone - keep
