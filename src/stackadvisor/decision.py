"""How firm is the pick: win probabilities under uncertain weights, a tornado of weight bounds, trade-off questions.

    Needs + Table ──rules.score──▶ totals at the inferred weights
                  ──robustness──▶ Robustness(P(win) per language, tornado, fragile, questions)

The model
---------
`rules.score` is linear in the criterion weights: a stated criterion c adds round(w_c * normalise(cell) * 10, 2)
to a language's total, and everything else it counts (the "best for" lines, the pros and cons tied to a stated
criterion, use case or constraint, the team's skills) is a constant once the set of stated criteria is fixed.
So each language's total is ``const[l] + sum_c round(w_c * N[c, l] * 10, 2)``, with N read once from the table and the
constants read from one `rules.score` call. The fast path below evaluates that for thousands of weightings at
once and applies the same pick rule as `score` (highest total, first in table order on a tie; a language with a
con against a stated constraint gives way to a comparable one without); tests/test_decision.py checks it against
`rules.score` itself, sample by sample and on a brute-force grid.

Plausible weightings: each stated weight w_c is drawn from Gamma(shape = k*w_c, scale = 1/k), k = `concentration`
(20). The drawn vector's direction w/sum(w) is then exactly Dirichlet(k*w), centred on the inferred weights
(a concentration of 20 times the weights), and its overall size sum(w) ~ Gamma(k*sum(w), 1/k)
varies around the inferred size, so a need weighed against the fixed points of a use case ("fintech") or a
skill is uncertain too: a one-criterion question still has a meaningful P(win). Weak cues (0.3) get a wider
spread than strong ones (1.0), as they should.

Tornado: per criterion of the table (not dropped), the interval of its weight in [0, 1] (the extractor's
range) over which the pick stays, the others held at their inferred weights; a criterion the user did not
state starts at 0, and stating it also brings in its pros and cons, as `score` does.

Trade-off questions: pairs "Which matters more to you: A or B?" whose two answers (A weighed 1.0 and B 0.3, as
`extract_needs` reads "A matters more than B", or the reverse) lead to different picks, one of them the
current pick: the answer settles the pick.

Why not pymcdm or scikit-criteria
---------------------------------
Both were checked (pip download --no-deps, then their metadata and code). pymcdm 1.4.0 needs scipy (not in this
project's lock), pandas, matplotlib and tabulate, and `import pymcdm` imports matplotlib.pyplot through its
visuals; its weighted-sum model (WSM) normalises the decision matrix column-wise itself and scores one weight
vector per call, and its only sensitivity helper (`helpers.param_sensitivity`) sweeps a method parameter, not
the weights. scikit-criteria 0.10 pulls in scikit-learn, scipy, seaborn, networkx, pulp and more, and has no
weight-uncertainty analysis either. Neither can score with this project's ordinal scales plus article points
plus the constraint-conflict rule, so they would not agree with `rules.score`; the maths here is a few lines of
numpy (a matrix product and an argmax), vectorised over the samples: about 1.5 ms of CPU per pick for 5,000
weightings, the tornado and the questions (the advisor computes it on every pick; AdvisorCore.measure_robustness
switches it off).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .knowledge import Table
from .rules import Needs, Ranking, score
from .rules.score import CONFLICT_MARGIN as _MARGIN  # the points within which a language with a con against a stated constraint gives way

SAMPLES = 5000
SEED = 0
CONCENTRATION = 20.0
#: The pick is fragile when it wins in fewer than this share of plausible weightings.
FRAGILE_BELOW = 0.75
#: ... and firm from this share on.
FIRM_FROM = 0.90
W_MAX = 1.0  # the strongest weight extract_needs gives ("speed matters most")
STRONG, WEAK = 1.0, 0.3  # how extract_needs reads "A matters more than B"
# Weights the tornado tries: 0, then steps of 0.001 offset by 0.0004, then W_MAX. The offset keeps every
# weighted cell (weight x 10 x a scale place: 0, 1/4, 1/3, 1/2, 2/3, 3/4, 1) off an exact half-hundredth, where
# rounding to 2 places would need Python's round() cell by cell to agree with score().
_GRID = np.concatenate([[0.0], np.arange(1000) * 0.001 + 0.0004, [W_MAX]])


@dataclass(frozen=True)
class Sensitivity:
    """One bar of the tornado: how far a criterion's weight can move before the pick changes."""

    criterion: str
    label: str
    measures: str
    weight: float  # the inferred weight (0.0 when not stated)
    stated: bool
    low: float  # the pick holds for weights in [low, high] (others at their inferred weights)
    high: float
    below: str | None = None  # who wins just under `low` (None: the pick holds down to 0)
    above: str | None = None  # who wins just over `high` (None: the pick holds up to W_MAX)
    flips_when_stated: bool = False  # an unstated criterion whose pros and cons alone change the pick

    @property
    def room(self) -> float:
        """The smallest move of this weight that changes the pick (inf when none does)."""
        down = self.weight - self.low if self.below else np.inf
        up = self.high - self.weight if self.above else np.inf
        if self.flips_when_stated:
            return 0.0
        return float(min(down, up))

    def to_dict(self) -> dict[str, Any]:
        room = self.room
        return {"criterion": self.criterion, "label": self.label, "measures": self.measures, "weight": round(self.weight, 3),
                "stated": self.stated, "low": round(self.low, 3), "high": round(self.high, 3), "below": self.below, "above": self.above,
                "flips_when_stated": self.flips_when_stated, "room": None if not np.isfinite(room) else round(room, 3)}


@dataclass(frozen=True)
class TradeOff:
    """A pairwise question whose answer settles the pick."""

    question: str  # "Which matters more to you: speed or ease of learning?"
    options: tuple[dict[str, str], ...]  # ({"criterion", "label", "answer", "pick"}, ...): the pick each answer leads to

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "options": [dict(o) for o in self.options]}


@dataclass(frozen=True)
class Robustness:
    """How firm the pick is for these needs."""

    pick: str
    firmness: float  # P(the pick wins) under plausible weightings
    win: dict[str, float]  # P(win) per candidate, best first
    fragile: bool
    level: str  # "firm" | "fairly firm" | "fragile"
    summary: str  # "Go wins in 83% of plausible weightings, Rust in 17%."
    weights: dict[str, float]  # the inferred weights the samples centre on
    tornado: tuple[Sensitivity, ...] = ()  # most sensitive criterion first
    questions: tuple[TradeOff, ...] = ()
    samples: int = SAMPLES
    seed: int = SEED
    concentration: float = CONCENTRATION
    method: str = ""

    @property
    def runner_up(self) -> str | None:
        rest = [n for n in self.win if n != self.pick and self.win[n] > 0]
        return rest[0] if rest else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pick": self.pick, "firmness": round(self.firmness, 4), "win": {k: round(v, 4) for k, v in self.win.items()},
            "fragile": self.fragile, "level": self.level, "summary": self.summary, "weights": dict(self.weights),
            "tornado": [s.to_dict() for s in self.tornado], "questions": [q.to_dict() for q in self.questions],
            "samples": self.samples, "seed": self.seed, "concentration": self.concentration, "method": self.method,
        }


# ------------------------------------------------------------------------------------------ the linear model


@dataclass
class Model:
    """Each candidate's total as const + sum_c round(w_c * N[c] * 10, 2), for any weights of the table's criteria.

    Points are kept in whole hundredths (cents) so that sums are exact, and each weighted cell is rounded the way
    `score` rounds it (Python's round(w * normalise(level) * 10, 2), same float operations, same ties)."""

    table: Table
    needs: Needs
    cands: list[str]
    crits: list[str]  # every criterion of the table, in table order
    N: np.ndarray  # (criteria, candidates): normalise(cell) in 0..1, 0 where the cell is missing
    const: np.ndarray  # (candidates,) cents: the points that do not scale with a weight, for the stated criteria
    jump: np.ndarray  # (criteria, candidates) cents: the pros and cons an unstated criterion brings when stated (0 for stated)
    stated: np.ndarray  # (criteria,) bool
    w0: np.ndarray  # (criteria,): the inferred weights, 0 for unstated
    conflict: np.ndarray  # (candidates,) bool: a con against a stated constraint
    margin: float

    def totals(self, W: np.ndarray, stated: np.ndarray | None = None) -> np.ndarray:
        """(n, candidates) totals for weights W (n, criteria); `stated` (n, criteria) marks the criteria in play
        (default: the inferred ones), an unstated one bringing its pros and cons."""
        if stated is None:
            cols = np.flatnonzero(self.stated)
            return (self.const + _cents(W[:, cols], self.N[cols]).sum(axis=1)) / 100
        cols = np.flatnonzero(stated.any(axis=0) | self.stated)
        st = stated[:, cols]
        cents = (_cents(W[:, cols], self.N[cols]) * st[:, :, None]).sum(axis=1)
        extra = (st & ~self.stated[cols]).astype(float) @ self.jump[cols]
        return (self.const + extra + cents) / 100

    def along(self, i: int, grid: np.ndarray) -> np.ndarray:
        """(len(grid), candidates) totals when criterion i takes each weight of `grid`, the others as inferred
        (an unstated criterion becomes stated, bringing its pros and cons)."""
        keep = self.stated.copy()
        keep[i] = False
        base = self.const + _cents(self.w0[None, keep], self.N[keep])[0].sum(axis=0) + (0.0 if self.stated[i] else self.jump[i])
        return (base + _cents(grid[:, None], self.N[i:i + 1])[:, 0, :]) / 100

    def sampled_winners(self, W: np.ndarray) -> np.ndarray:
        """winners(totals(W)) for many weightings, fast: one matrix product without the per-cell rounding, then the
        exact totals only for the rows where a decision is within reach of that rounding (a few in a hundred)."""
        cols = np.flatnonzero(self.stated)
        T = self.const / 100 + W[:, cols] @ (self.N[cols] * 10)
        win = self.winners(T)
        R = np.sort(T, axis=1)
        close = (R[:, -1] - R[:, -2] < _SLACK) if T.shape[1] > 1 else np.zeros(len(T), bool)
        if self.conflict.any() and not self.conflict.all():
            clean = np.flatnonzero(~self.conflict)
            best = T[:, clean].max(axis=1)
            close |= np.abs(best - (R[:, -1] - self.margin)) < _SLACK
        rows = np.flatnonzero(close)
        if len(rows):
            win[rows] = self.winners(self.totals(W[rows]))
        return win

    def winners(self, T: np.ndarray) -> np.ndarray:
        """Index of the pick per row of totals: `score`'s rule, vectorised."""
        R = np.round(T, 6)
        w = R.argmax(axis=1)  # first maximum, i.e. first in table order on a tie
        if self.conflict.any() and not self.conflict.all():
            clean = np.flatnonzero(~self.conflict)
            rows = np.arange(len(R))
            best = clean[R[:, clean].argmax(axis=1)]
            swap = self.conflict[w] & (R[rows, best] >= np.round(R[rows, w] - self.margin, 6))
            w = np.where(swap, best, w)
        return w


_SLACK = 0.1  # points: more than the per-cell rounding can move a total (0.005 per criterion, 4 criteria, and the sum's)


def _cents(W: np.ndarray, N: np.ndarray) -> np.ndarray:
    """(n, k, candidates) round(W[:, c] * N[c] * 10, 2) in whole hundredths, exactly as Python's round gives it."""
    x = W[:, :, None] * N[None, :, :]
    x *= 10  # the same float operations as score: w * normalise(level) * 10
    y = x * 100
    c = np.rint(y)
    near = np.abs(y - np.floor(y) - 0.5) < 1e-7  # where x * 100 may have been rounded onto (or off) a half
    if near.any():
        c[near] = [round(round(float(v), 2) * 100) for v in x[near]]
    return c


def build_model(needs: Needs, table: Table, ranking: Ranking) -> Model:
    """The linear model behind `ranking` (one extra `score` call reads the pros and cons of unstated criteria)."""
    cands = list(ranking.candidates) or [n for n in table.languages if n not in needs.excluded]
    crits = list(table.criteria)
    N = np.zeros((len(crits), len(cands)))
    for i, cid in enumerate(crits):
        crit = table.criteria[cid]
        for j, n in enumerate(cands):
            level = table.languages[n].cells.get(cid)
            if level is not None:
                N[i, j] = crit.normalise(level)
    stated = np.array([cid in needs.priorities for cid in crits])
    w0 = np.array([float(needs.priorities.get(cid, 0.0)) for cid in crits])
    totals = {s.language: s.total for s in ranking.scores}
    const = np.rint(np.array([totals[n] for n in cands]) * 100) - _cents(w0[None, stated], N[stated])[0].sum(axis=0)
    jump = np.zeros_like(N)
    unstated = [cid for cid in crits if cid not in needs.priorities and cid not in needs.dropped]
    if unstated:  # every unstated criterion at weight 0: its cells add nothing, its pros and cons show
        wide = score(replace(needs, priorities={**needs.priorities, **{cid: 0.0 for cid in unstated}}), table)
        by_lang = {s.language: s for s in wide.scores}
        for i, cid in enumerate(crits):
            if cid in unstated:
                for j, n in enumerate(cands):
                    jump[i, j] = round(100 * sum(c.points for c in by_lang[n].breakdown if c.kind == "criterion" and c.key == cid))
    conflict = np.array([any(it.constraint and it.constraint in needs.constraints for it in table.languages[n].cons) for n in cands])
    return Model(table, needs, cands, crits, N, const, jump, stated, w0, conflict, _MARGIN)


def sample_weights(weights: np.ndarray, n: int, seed: int, concentration: float) -> np.ndarray:
    """n plausible weightings around `weights` (k,): Gamma(c*w, 1/c) each, i.e. a Dirichlet(c*w) direction times a
    Gamma(c*sum(w), 1/c) size."""
    rng = np.random.default_rng(seed)
    return rng.standard_gamma(concentration * weights, size=(n, len(weights))) / concentration


# ------------------------------------------------------------------------------------------ the analysis


def robustness(needs: Needs, table: Table, ranking: Ranking | None = None, *, samples: int = SAMPLES, seed: int = SEED,
               concentration: float = CONCENTRATION) -> Robustness | None:
    """How firm `ranking`'s pick is (ranking defaults to `score(needs, table)`); None when there is no pick."""
    if ranking is None:
        ranking = score(needs, table)
    pick = ranking.recommendation
    if pick is None:
        return None
    m = build_model(needs, table, ranking)
    if pick not in m.cands:
        return None
    pi = m.cands.index(pick)
    idx = np.flatnonzero(m.stated)
    if len(m.cands) < 2:
        win = {pick: 1.0}
    elif len(idx):
        W = np.zeros((samples, len(m.crits)))
        W[:, idx] = sample_weights(m.w0[idx], samples, seed, concentration)
        wins = np.bincount(m.sampled_winners(W), minlength=len(m.cands)) / samples
        win = {m.cands[j]: float(wins[j]) for j in np.argsort(-wins, kind="stable")}
    else:  # no weights to vary: the pick rests on use cases, constraints and skills alone
        win = {n: float(n == pick) for n in [pick, *[c for c in m.cands if c != pick]]}
    firmness = win.get(pick, 0.0)
    level = "firm" if firmness >= FIRM_FROM else "fairly firm" if firmness >= FRAGILE_BELOW else "fragile"
    fragile = firmness < FRAGILE_BELOW
    tornado = _tornado(m, pi) if len(m.cands) >= 2 else ()
    rival = next((n for n in win if n != pick and win[n] > 0), None)
    questions = _questions(m, pi, rival) if len(m.cands) >= 2 else ()
    method = (f"{samples} weightings drawn around the inferred weights (Dirichlet(c*w) direction, Gamma size, c={concentration:g}, "
              f"seed {seed}); each scored with the rules layer's points" if len(idx) else "no weighted criterion stated: only adding one can move the pick")
    return Robustness(pick, firmness, win, fragile, level, summarise(win, pick), {c: float(needs.priorities[c]) for c in needs.priorities},
                      tornado, questions, samples, seed, concentration, method)


def summarise(win: dict[str, float], pick: str) -> str:
    """"Go wins in 83% of plausible weightings, Rust in 17%." (shares under 0.5% left out)."""
    shown = [(n, p) for n, p in win.items() if round(p * 100) >= 1 or n == pick]
    shown.sort(key=lambda np_: -np_[1])
    first, *rest = shown
    text = f"{first[0]} wins in {_pct(first[1])} of plausible weightings"
    if rest:
        text += ", " + ", ".join(f"{n} in {_pct(p)}" for n, p in rest)
    return text + "."


def _pct(p: float) -> str:
    v = p * 100
    if 0 < v < 1:
        return "under 1%"
    if 99 < v < 100:
        return "over 99%"
    return f"{v:.0f}%"


def _tornado(m: Model, pi: int) -> tuple[Sensitivity, ...]:
    bars = []
    g = len(_GRID)
    for i, cid in enumerate(m.crits):
        if cid in m.needs.dropped and not m.stated[i]:
            continue
        win = m.winners(m.along(i, _GRID))
        crit = m.table.criteria[cid]
        if m.stated[i]:
            k0 = int(np.argmin(np.abs(_GRID - m.w0[i])))
        else:
            k0 = 0
        if win[k0] != pi:  # the pick does not hold even at the inferred weight (an unstated criterion's cons alone flip it)
            bars.append(Sensitivity(cid, crit.label, crit.measures, float(m.w0[i]), bool(m.stated[i]), float(m.w0[i]), float(m.w0[i]),
                                    None, m.cands[win[k0]], flips_when_stated=True))
            continue
        other = np.flatnonzero(win != pi)
        left, right = other[other < k0], other[other > k0]
        lo = int(left[-1]) + 1 if len(left) else 0
        hi = int(right[0]) - 1 if len(right) else g - 1
        below = m.cands[win[lo - 1]] if lo > 0 else None
        above = m.cands[win[hi + 1]] if hi < g - 1 else None
        bars.append(Sensitivity(cid, crit.label, crit.measures, float(m.w0[i]), bool(m.stated[i]), float(_GRID[lo]), float(_GRID[hi]), below, above))
    bars.sort(key=lambda s: (s.room, not s.stated, m.crits.index(s.criterion)))
    return tuple(bars)


def _questions(m: Model, pi: int, rival: str | None, limit: int = 2) -> tuple[TradeOff, ...]:
    """Pairs of criteria whose "which matters more?" answer decides between the pick and another language."""
    usable = [i for i, cid in enumerate(m.crits) if cid not in m.needs.dropped or m.stated[i]]
    pairs = [(a, b) for ai, a in enumerate(usable) for b in usable[ai + 1:]]
    if not pairs:
        return ()
    n = len(pairs)
    W = np.broadcast_to(m.w0, (2 * n, len(m.crits))).copy()
    st = np.broadcast_to(m.stated, (2 * n, len(m.crits))).copy()
    for r, (a, b) in enumerate(pairs):
        W[2 * r, a], W[2 * r, b] = STRONG, WEAK
        W[2 * r + 1, a], W[2 * r + 1, b] = WEAK, STRONG
        st[2 * r, [a, b]] = True
        st[2 * r + 1, [a, b]] = True
    win = m.winners(m.totals(W, st))
    found = []
    for r, (a, b) in enumerate(pairs):
        wa, wb = int(win[2 * r]), int(win[2 * r + 1])
        if wa == wb or pi not in (wa, wb):
            continue
        other = m.cands[wb if wa == pi else wa]
        rank = (other != rival, -int(m.stated[a]) - int(m.stated[b]), r)
        found.append((rank, a, b, wa, wb))
    found.sort()
    out = []
    for _, a, b, wa, wb in found[:limit]:
        ca, cb = m.table.criteria[m.crits[a]], m.table.criteria[m.crits[b]]
        out.append(TradeOff(f"Which matters more to you: {ca.measures} or {cb.measures}?", (
            {"criterion": ca.id, "label": ca.label, "answer": f"{_cap(ca.measures)} matters more than {cb.measures}", "pick": m.cands[wa]},
            {"criterion": cb.id, "label": cb.label, "answer": f"{_cap(cb.measures)} matters more than {ca.measures}", "pick": m.cands[wb]},
        )))
    return tuple(out)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def sentence(rob: Robustness) -> str:
    """The one sentence the answer carries when the pick is fragile."""
    text = f"This pick is fragile: {rob.summary}"
    if rob.questions:
        text += " " + rob.questions[0].question
    return text


__all__ = ["Robustness", "Sensitivity", "TradeOff", "robustness", "sentence", "summarise", "build_model", "sample_weights",
           "SAMPLES", "SEED", "CONCENTRATION", "FRAGILE_BELOW", "FIRM_FROM"]
