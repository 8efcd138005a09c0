"""Cost against input size: how the time of one answer grows when what is sent grows (the ratios that used to be
asserted in tests/test_hardening_api.py, where a loaded machine made them flaky; the tests now check the behaviour
behind each: which text is read, how many turns count).

Each row compares stackadvisor with itself on a smaller input (the baseline), best of N runs each, so it
measures growth, not speed:

    needs reading, 16,000 vs 4,000 characters       linear work: <= 8x for 4x the text (quadratic would be 16x)
    ask() with a 1 MB assistant turn vs a short one  assistant turns are not read: <= 5x
    ask() with 200 history turns vs 20               only the recent turns count: <= 2x
    a 200-turn Chat: the last 20 turns vs the first  the chat is trimmed: median turn <= 3x

    python -m bench.scaling [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any, Callable

from bench import log, make_home, ms, result, row

BASELINE = "the same call on the smaller input"
CHAT_Q = "We're building a real-time chat app and the team knows React: which backend?"
SCRIPT = ["We need a backend for an ML-powered product.", "Forget the libraries, speed matters now.", "The team knows Go.",
          "Which backend should we pick?", CHAT_Q, "Is Python faster than Go?"]


def best(fn: Callable[[], Any], reps: int) -> float:
    out = float("inf")
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - started)
    return out


def growth(metric: str, big: float, small: float, limit: float, note: str = "") -> dict[str, Any]:
    ratio = big / max(small, 1e-9)
    return row(metric, ms(big), ms(small), round(ratio, 2), f"<= {limit:g}x", ratio <= limit, "ms", BASELINE, note)


def run(home: Path | None = None, quick: bool = False, reps: int | None = None, chat_turns: int | None = None) -> dict[str, Any]:
    from stackadvisor import Advisor, rules

    home = Path(home) if home else make_home()
    reps = reps or (2 if quick else 5)
    advisor = Advisor(home=home).warm()
    table = advisor.table

    def reading(n: int) -> Callable[[], Any]:
        text = ("Which backend? We need speed and a real-time chat app. " * (n // 50 + 1))[:n]

        def go() -> None:
            needs = rules.extract_needs(text, table)
            rules.classify(text, table, needs)

        return go

    question = "Which backend should we pick?"
    rows = [growth("needs reading: 16,000 vs 4,000 characters", best(reading(16000), reps), best(reading(4000), reps), 8.0,
                   "4x the text; quadratic work would be 16x")]
    short, big = [(CHAT_Q, "Node.js.")], [(CHAT_Q, "y" * 1_000_000)]
    advisor.ask(question, history=short)
    rows.append(growth("ask(): a 1 MB assistant turn vs a short one", best(lambda: advisor.ask(question, history=big), reps),
                       best(lambda: advisor.ask(question, history=short), reps), 5.0))
    turns = [(q, "Noted.") for q in SCRIPT] * 40
    rows.append(growth("ask(): 200 history turns vs 20", best(lambda: advisor.ask(question, history=turns[:200]), reps),
                       best(lambda: advisor.ask(question, history=turns[180:200]), reps), 2.0))
    n = chat_turns or (60 if quick else 200)
    chat = advisor.chat()
    times = []
    for turn in range(n):
        started = time.perf_counter()
        chat.ask(SCRIPT[turn % len(SCRIPT)])
        times.append(time.perf_counter() - started)
    window = max(1, n // 10)
    rows.append(growth(f"Chat: median of the last {window} of {n} turns vs the first {window}", statistics.median(times[-window:]),
                       statistics.median(times[:window]), 3.0))
    return result("scaling", "Cost against input size", BASELINE, rows, reps=reps, chat_turns=n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    log(json.dumps(run(quick=args.quick), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
