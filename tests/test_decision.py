"""How firm the pick is (stackadvisor.decision): the vectorised model against rules.score itself, the Monte Carlo
figures against a brute-force grid, the bars of issue 14, and the figure in the answer and the API."""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace

import numpy as np
import pytest

from stackadvisor import decision, rules
from stackadvisor import knowledge as kn

BALANCED = "We're building a REST API; speed and ease of learning matter equally. Which backend?"
FINTECH = "Which backend for a fintech platform where speed matters?"
# (question, stated criteria): one to three weights, the constraint-conflict rule exercised in the last two
CASES = [
    ("We're building a REST API; speed and ease of learning matter equally", 2),
    ("ML backend, speed matters", 1),
    ("We need a REST API, the team knows Python, and speed matters", 1),
    ("A REST API where speed and the ecosystem both matter", 2),
    ("Real-time chat, CPU-bound transcoding, the team knows JavaScript; ease of learning and ecosystem matter", 3),
    ("REST API with CPU-bound work; ease of learning matters most and the ecosystem matters", 3),
]


@pytest.fixture(scope="module")
def table():
    return kn.load().table


def read(question: str, table):
    needs = rules.extract_needs(question, table)
    intent = rules.classify(question, table, needs)
    return needs, intent, rules.score(needs, table, intent)


# ------------------------------------------------------------------------------------------ the model is score()


@pytest.mark.parametrize("question", [q for q, _ in CASES] + ["Go or Rust for a fintech backend where speed and ease of learning matter?"])
def test_fast_path_agrees_with_score_sample_by_sample(table, question):
    """Totals and picks of the vectorised model equal rules.score's, for 200 sampled weightings each."""
    needs, intent, ranking = read(question, table)
    m = decision.build_model(needs, table, ranking)
    idx = np.flatnonzero(m.stated)
    W = np.zeros((200, len(m.crits)))
    W[:, idx] = decision.sample_weights(m.w0[idx], 200, seed=7, concentration=decision.CONCENTRATION)
    T, win = m.totals(W), m.winners(m.totals(W))
    for k in range(len(W)):
        got = rules.score(replace(needs, priorities={m.crits[c]: float(W[k, c]) for c in idx}), table, intent)
        totals = {s.language: s.total for s in got.scores}
        assert [totals[n] for n in m.cands] == pytest.approx(list(T[k]), abs=1e-9)
        assert got.recommendation == m.cands[win[k]], (question, k)


def test_conflict_rule_is_exercised(table):
    """In the conflict cases the plain argmax and the pick differ for many samples: the rule is not idle."""
    needs, _, ranking = read(CASES[4][0], table)
    m = decision.build_model(needs, table, ranking)
    idx = np.flatnonzero(m.stated)
    W = np.zeros((2000, len(m.crits)))
    W[:, idx] = decision.sample_weights(m.w0[idx], 2000, 0, decision.CONCENTRATION)
    T = m.totals(W)
    assert (m.winners(T) != np.round(T, 6).argmax(axis=1)).sum() > 100


def test_unstated_criteria_bring_their_pros_and_cons(table):
    """Stating a criterion at weight w gives exactly score()'s totals (cells and the article's pros/cons for it)."""
    needs, intent, ranking = read(FINTECH, table)
    m = decision.build_model(needs, table, ranking)
    for i, cid in enumerate(m.crits):
        for w in (0.0, 0.3, 0.75):
            got = rules.score(replace(needs, priorities={**needs.priorities, cid: w}), table, intent)
            totals = {s.language: s.total for s in got.scores}
            along = m.along(i, np.array([w]))[0]
            assert [totals[n] for n in m.cands] == pytest.approx(list(along), abs=1e-9), (cid, w)


# ------------------------------------------------------------------------------------------ Monte Carlo vs brute force


def grid_win(needs, table, intent, per_dim: int, c: float = decision.CONCENTRATION) -> dict[str, float]:
    """P(win) by brute force: every point of a grid over the stated weights, weighted by the sampling density
    (independent Gamma(c*w, 1/c)), each point scored by rules.score itself."""
    crits = list(needs.priorities)
    axes, logd = [], []
    for cid in crits:
        w = needs.priorities[cid]
        a, sd = c * w, math.sqrt(w / c)
        edges = np.linspace(max(1e-9, w - 7 * sd), w + 7 * sd, per_dim + 1)
        x = (edges[:-1] + edges[1:]) / 2
        axes.append(x)
        logd.append((a - 1) * np.log(x) - c * x)
    wins: dict[str, float] = {}
    total = 0.0
    for point in itertools.product(range(per_dim), repeat=len(crits)):
        dens = math.exp(sum(logd[d][i] for d, i in enumerate(point)))
        pri = {crits[d]: float(axes[d][i]) for d, i in enumerate(point)}
        pick = rules.score(replace(needs, priorities=pri), table, intent).recommendation
        wins[pick] = wins.get(pick, 0.0) + dens
        total += dens
    return {k: v / total for k, v in wins.items()}


@pytest.mark.slow  # a brute-force grid of up to 8,000 rules.score calls per case: 1-9 s each
@pytest.mark.parametrize("question,k", CASES)
def test_win_shares_agree_with_a_brute_force_grid(table, question, k):
    needs, intent, ranking = read(question, table)
    assert len(needs.priorities) == k
    rob = decision.robustness(needs, table, ranking)
    grid = grid_win(needs, table, intent, per_dim={1: 1500, 2: 70, 3: 20}[k])
    for lang in table.languages:
        assert abs(grid.get(lang, 0.0) - rob.win.get(lang, 0.0)) <= 0.02, (lang, grid, rob.win)
    assert abs(sum(rob.win.values()) - 1) < 1e-9


def test_deterministic_for_a_seed(table):
    needs, _, ranking = read(BALANCED, table)
    a = decision.robustness(needs, table, ranking).to_dict()
    b = decision.robustness(needs, table, ranking).to_dict()
    assert a == b
    assert json.loads(json.dumps(a)) == a
    other = decision.robustness(needs, table, ranking, seed=1)
    assert other.win != decision.robustness(needs, table, ranking).win  # another seed, other draws ...
    assert abs(other.firmness - a["firmness"]) < 0.03  # ... about the same figure


# ------------------------------------------------------------------------------------------ the bars of issue 14


def test_fintech_and_speed_is_firm_rust(table):
    needs, _, ranking = read(FINTECH, table)
    rob = decision.robustness(needs, table, ranking)
    assert rob.pick == "Rust" and ranking.recommendation == "Rust"
    assert rob.firmness >= 0.90
    assert rob.level == "firm" and not rob.fragile
    assert rob.summary.startswith("Rust wins in 100% of plausible weightings")


def test_balanced_needs_are_fragile(table):
    needs, _, ranking = read(BALANCED, table)
    assert needs.priorities == {"speed": 0.6, "learning_curve": 0.6}
    rob = decision.robustness(needs, table, ranking)
    assert rob.fragile and rob.level == "fragile"
    assert rob.firmness < decision.FRAGILE_BELOW
    assert rob.pick == "Python" and rob.runner_up == "Go"
    assert rob.summary == "Python wins in 73% of plausible weightings, Go in 27%."
    q = rob.questions[0]
    assert q.question == "Which matters more to you: speed or ease of learning?"
    assert {o["pick"] for o in q.options} == {"Python", "Go"}


def test_trade_off_answers_settle_the_pick(table):
    """Each answer to the question, said in words and read by the rules layer, gives the pick the option names."""
    for question in (BALANCED, "speed and ease of learning matter equally", CASES[4][0]):
        needs, intent, ranking = read(question, table)
        rob = decision.robustness(needs, table, ranking)
        assert rob.questions, question
        for q in rob.questions:
            picks = set()
            for o in q.options:
                after = rules.extract_needs(o["answer"], table, needs)
                got = rules.score(after, table, intent).recommendation
                assert got == o["pick"], (question, o)
                picks.add(got)
            assert len(picks) == 2 and rob.pick in picks


def test_tornado_bounds(table):
    """The bars hold the pick inside and lose it just outside; they agree with score()'s own "what would change"."""
    for question, _ in CASES + [(FINTECH, 1)]:
        needs, intent, ranking = read(question, table)
        rob = decision.robustness(needs, table, ranking)
        assert len(rob.tornado) == len(table.criteria)
        for s in rob.tornado:
            base = {**needs.priorities}

            def pick_at(w: float, cid: str = s.criterion, needs=needs, base=base, intent=intent) -> str | None:
                return rules.score(replace(needs, priorities={**base, cid: w}), table, intent).recommendation

            if s.flips_when_stated:
                assert pick_at(0.0) == s.above != rob.pick
                continue
            assert pick_at(s.low) == rob.pick and pick_at(s.high) == rob.pick
            assert pick_at((s.low + s.high) / 2) == rob.pick
            # just past a bound the other language wins (0.005 out: score rounds each cell's points to 2 places,
            # which can make the pick chatter within a few thousandths of a boundary)
            if s.above:
                assert pick_at(min(1.0, s.high + 0.005)) == s.above
            if s.below:
                assert pick_at(max(0.0, s.low - 0.005)) == s.below
        flip = ranking.flip
        if flip is not None and flip.criterion:
            bar = next(s for s in rob.tornado if s.criterion == flip.criterion)
            assert bar.flips_when_stated or bar.high - bar.weight <= flip.delta + 1e-9
        assert rob.tornado[0].room == min(s.room for s in rob.tornado)  # most sensitive first


def test_no_pick_no_robustness(table):
    needs, intent, ranking = read("What is Rust's learning curve?", table)
    assert ranking.recommendation is None
    assert decision.robustness(needs, table, ranking) is None


def test_only_skills_and_use_cases(table):
    needs, _, ranking = read("We're building a real-time chat app and the team knows React: which backend?", table)
    rob = decision.robustness(needs, table, ranking)
    assert rob.pick == "Node.js" and rob.firmness == 1.0 and not rob.fragile
    assert "no weighted criterion" in rob.method
    speed = next(s for s in rob.tornado if s.criterion == "speed")
    # the tornado's edge is where score() itself turns: the weight of speed at which Rust overtakes the team's Node.js
    def top(w):
        return rules.score(replace(needs, priorities={**needs.priorities, "speed": w}), table, rules.Intent("recommend", wants_pick=True)).recommendation
    lo, hi = 0.0, 1.0
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if top(mid) == "Node.js" else (lo, mid)
    assert speed.above == "Rust" == top(hi) and abs(speed.high - hi) < 0.02


def test_robustness_is_vectorised(table):
    """The cost lives in bench/ (answer_latency measures ask() with it); here: one batched computation, the same
    figure every time (no per-sample Python loop that a bigger sample would make slow)."""
    needs, _, ranking = read(CASES[5][0], table)
    first = decision.robustness(needs, table, ranking)
    again = decision.robustness(needs, table, ranking)
    assert first.win == again.win and first.firmness == again.firmness


# ------------------------------------------------------------------------------------------ in the answer and the API


@pytest.fixture(scope="module")
def advisor(built_home):
    from stackadvisor.advisor import AdvisorCore

    return AdvisorCore(home=built_home)


def test_fragile_answer_says_so(advisor):
    reply = advisor.ask(BALANCED)
    assert reply.recommendation == "Python"
    assert reply.robustness is not None and reply.robustness.fragile
    assert "**How firm:** This pick is fragile: Python wins in 73% of plausible weightings, Go in 27%." in reply.answer
    assert "Which matters more to you: speed or ease of learning?" in reply.answer
    assert not reply.contradicted


def test_firm_answer_stays_quiet(advisor):
    reply = advisor.ask(FINTECH)
    assert reply.recommendation == "Rust" and reply.robustness.firmness >= 0.9
    assert "How firm" not in reply.answer


def test_robustness_in_the_reply_json(advisor):
    data = json.loads(json.dumps(advisor.ask(BALANCED).to_dict()))
    rob = data["robustness"]
    assert rob["pick"] == "Python" and rob["fragile"] is True
    assert list(rob["win"])[:2] == ["Python", "Go"] and abs(rob["win"]["Python"] - 0.73) < 0.005
    assert {b["criterion"] for b in rob["tornado"]} == {"speed", "concurrency", "learning_curve", "ecosystem"}
    assert rob["questions"][0]["question"] == "Which matters more to you: speed or ease of learning?"
    assert advisor.ask("What is Rust's learning curve?").to_dict()["robustness"] is None


def test_api_ask_carries_robustness(built_home):
    from fastapi.testclient import TestClient

    from stackadvisor.advisor import AdvisorCore
    from stackadvisor.web import create_app

    with TestClient(create_app(AdvisorCore(home=built_home))) as client:
        r = client.post("/api/ask", json={"question": FINTECH})
        assert r.status_code == 200
        rob = r.json()["robustness"]
        assert rob["pick"] == "Rust" and rob["firmness"] >= 0.9 and rob["level"] == "firm"
