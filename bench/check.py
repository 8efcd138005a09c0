"""Claim checking: rules.check() on 4,000-character answers, against the checker as it was before issue 12.

    ours       rules.check(text, table, meaning=...) as the advisor runs it (listed words + the paraphrase family on
               the local MiniLM model, its clause cache emptied before every call), and without an embedder
    baseline   the claim checker of commit BASE_COMMIT (rules/check.py before issue 12: listed words only), loaded
               from git into the same process, on the same texts

The texts are the offline advisor's own answers to the eval questions, joined until each is 4,000 characters.
Targets: ours p95 under 50 ms (absolute; wall clock, and process CPU time, which the other jobs of a shared
machine do not inflate), and time linear in input length: crafted worst cases (every language name
with every separator, runs of every Unicode space, headings, tables) at 1k, 2k, 4k and 8k characters, the 8k
time at most 12x the 1k time (linear is 8x; quadratic would be 64x).

    python -m bench.check [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ROOT, log, make_home, ms, pct, questions, result, row

TARGET_MS = 50.0
GROWTH = 12.0
BASE_COMMIT = "a50f714"
BASELINE = f"rules/check.py at {BASE_COMMIT} (before issue 12, listed words only), same texts"
SHORT = f"check() at {BASE_COMMIT}"
SIZES = (1000, 2000, 4000, 8000)
UNITS = ([" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\r\n"]
         + [f"{n}{sep}" for n in ("Go", "Python", "Rust", "Node.js", "C#", "Java") for sep in (" ", "\t", "\u00a0", "/", "-", "'s ", " is ", ", ", "\n")]
         + ["Go is fast. ", "- Go\n", "| Go | Fast |\n", "**Go** ", "# Go\n", "Go vs Rust ", "Rust is not slow, and "])


def baseline_check() -> Any:
    """check() of BASE_COMMIT: its whole rules/ package, read from git and imported as stackadvisor._rules_before
    (its `..knowledge` is today's, its own modules are its own); None when git or the old code is unavailable."""
    name = "stackadvisor._rules_before"
    try:
        listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", BASE_COMMIT, "src/stackadvisor/rules/"],
                                 capture_output=True, text=True, check=True, timeout=30).stdout.split()
        where = Path(tempfile.mkdtemp(prefix="rules-before-"))
        for path in listing:
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{BASE_COMMIT}:{path}"], capture_output=True,
                                  text=True, check=True, timeout=30).stdout
            (where / Path(path).name).write_text(text, encoding="utf-8")
        import stackadvisor  # noqa: F401 - the parent package of the old copy

        spec = importlib.util.spec_from_file_location(name, where / "__init__.py", submodule_search_locations=[str(where)])
        pkg = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[name] = pkg
        spec.loader.exec_module(pkg)  # type: ignore[union-attr]
        return importlib.import_module(f"{name}.check").check
    except Exception as exc:  # noqa: BLE001
        sys.modules.pop(name, None)
        log(f"check bench: no baseline ({type(exc).__name__}: {exc})")
        return None


def answers(advisor: Any, qs: list[str], size: int = 4000) -> list[str]:
    """The advisor's answers, joined into texts of `size` characters (each a different mix)."""
    pieces = [advisor.ask(q).answer for q in qs]
    out, cur = [], ""
    for i in range(len(pieces) * 2):
        cur += pieces[i % len(pieces)] + "\n\n"
        if len(cur) >= size:
            out.append(cur[:size])
            cur = pieces[(i * 7) % len(pieces)][: size // 8]
    return out


_CPU: list[float] = []  # the CPU time of each _time() call, in order (the machine's other load does not count in it)


def _time(fn: Any) -> float:
    c, t = time.process_time(), time.perf_counter()
    fn()
    wall = time.perf_counter() - t
    _CPU.append(time.process_time() - c)
    return wall


def run(home: Path | None = None, quick: bool = False, rounds: int | None = None, limit: int | None = None) -> dict[str, Any]:
    from stackadvisor import Advisor, rules
    from stackadvisor.rules.claims import paraphrase

    home = Path(home) if home else make_home()
    rounds = rounds or (1 if quick else 3)
    advisor = Advisor(home=home, llm="offline")
    advisor.warm()
    table, meaning = advisor.table, advisor.meaning()
    texts = answers(advisor, questions(limit or (8 if quick else 40)))
    old = baseline_check()
    claims = paraphrase.meaning_for(meaning, table) if meaning is not None else None
    for t in texts[:2]:  # warm: vocabularies, the example embeddings
        rules.check(t, table, meaning=meaning)
        if old:
            old(t, table)

    def ours_meaning(t: str) -> float:
        if claims is not None:
            claims._cache.clear()  # uncached: every clause embedded anew
        return _time(lambda: rules.check(t, table, meaning=meaning))

    with_m, cached, lexical, before, cpu_m, cpu_before = [], [], [], [], [], []
    for _ in range(rounds):
        for t in texts:
            with_m.append(ours_meaning(t))
            cpu_m.append(_CPU[-1])
            cached.append(_time(lambda t=t: rules.check(t, table, meaning=meaning)))  # clause embeddings kept, as in serve
            lexical.append(_time(lambda t=t: rules.check(t, table)))
            if old:
                before.append(_time(lambda t=t: old(t, table)))
                cpu_before.append(_CPU[-1])
    growth = {}
    for u in UNITS[:3]:  # warm the crafted path
        rules.check(u * 100, table, meaning=meaning)
    for n in SIZES:
        worst, unit = 0.0, ""
        for u in UNITS[: 8 if quick else None]:
            text = (u * (n // len(u) + 1))[:n]
            dt = min(_time(lambda text=text: rules.check(text, table, meaning=meaning)) for _ in range(1 if quick else 2))
            if dt > worst:
                worst, unit = dt, u
        growth[n] = (worst, unit)
    b95 = pct(before, 95) if before else float("nan")
    m95, l95 = pct(with_m, 95), pct(lexical, 95)
    g = growth[SIZES[-1]][0] / max(growth[SIZES[0]][0], 1e-9)
    rows = [
        row("check() p95, 4,000-char answer, with the embedder (uncached)", ms(m95), ms(b95), round(m95 / b95, 2) if before else float("nan"),
            f"< {TARGET_MS:g} ms", ms(m95) < TARGET_MS, "ms", SHORT),
        row("check() p95, 4,000-char answer, with the embedder (clause cache warm)", ms(pct(cached, 95)), ms(b95),
            round(pct(cached, 95) / b95, 2) if before else float("nan"), f"< {TARGET_MS:g} ms", ms(pct(cached, 95)) < TARGET_MS, "ms", SHORT),
        row("check() p95, 4,000-char answer, listed words only", ms(l95), ms(b95), round(l95 / b95, 2) if before else float("nan"),
            f"< {TARGET_MS:g} ms", ms(l95) < TARGET_MS, "ms", SHORT),
        row("check() CPU p95, 4,000-char answer, with the embedder (uncached)", ms(pct(cpu_m, 95)), ms(pct(cpu_before, 95)) if before else float("nan"),
            round(pct(cpu_m, 95) / pct(cpu_before, 95), 2) if before else float("nan"), f"< {TARGET_MS:g} ms", ms(pct(cpu_m, 95)) < TARGET_MS, "ms", SHORT,
            note="process CPU time (all threads): what the other jobs on a shared machine do not add"),
        row("check() p50, 4,000-char answer, with the embedder", ms(pct(with_m, 50)), ms(pct(before, 50)) if before else float("nan"),
            round(pct(with_m, 50) / pct(before, 50), 2) if before else float("nan"), "info", None, "ms", SHORT),
    ]
    for n in SIZES:
        rows.append(row(f"worst crafted input, {n:,} chars", ms(growth[n][0]), ms(growth[SIZES[0]][0]),
                        round(growth[n][0] / max(growth[SIZES[0]][0], 1e-9), 2), "info", None, "ms", "the 1k worst case",
                        note=f"worst: {growth[n][1]!r}"))
    rows.append(row("growth 1k -> 8k (linear = 8x)", round(g, 2), 8.0, round(g / 8.0, 2), f"<= {GROWTH:g}x", g <= GROWTH, "x", "linear"))
    return result("check", "Claim checking", BASELINE, rows, texts=len(texts), rounds=rounds,
                  samples={"with_meaning_ms": [ms(x) for x in with_m], "cached_ms": [ms(x) for x in cached], "lexical_ms": [ms(x) for x in lexical], "before_ms": [ms(x) for x in before]},
                  growth_ms={n: ms(v[0]) for n, v in growth.items()})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    res = run(quick=args.quick)
    for r in res["rows"]:
        mark = {True: "ok", False: "MISSED", None: ""}[r["ok"]]
        log(f"{r['metric']:62s} {r['ours']:>9} {r['unit']:3s} baseline {r['baseline']:>9} ratio {r['ratio']:>6}  {r['target']:12s} {mark} {r['note']}")
    log(json.dumps({k: v for k, v in res.items() if k not in ("samples", "rows")}, indent=2))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
