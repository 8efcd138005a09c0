"""`python -m bench` (= `make bench`): run every benchmark, print a markdown table of ratios against the named
baselines (each measured side by side in the same run), write bench/results.json and bench/results.png.

    python -m bench                          # everything, full sizes (tens of minutes on 2 cores)
    python -m bench --quick                  # tiny sizes: checks the machinery, figures not meaningful
    python -m bench --only embedding,cold_start
    python -m bench --out out/bench          # somewhere else than bench/

Exit status: 0 when every target is met, 1 when one is missed, 2 when a benchmark failed to run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import os
import shutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import build_index, env_info, log, make_home

BENCHMARKS = ("answer_latency", "check", "embedding", "cold_start", "server", "memory", "scaling", "ingest")  # the long one last
HERE = Path(__file__).resolve().parent


def _fmt(value: Any, unit: str = "") -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        text = f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| benchmark | metric | ours | baseline | ratio | target | |", "|---|---|---:|---:|---:|---|---|"]
    for res in results:
        if "error" in res:
            lines.append(f"| {res['name']} | **failed to run**: {res['error'].splitlines()[-1][:120]} | | | | | ✗ |")
            continue
        for r in res["rows"]:
            mark = {True: "✓", False: "✗", None: ""}[r["ok"]]
            base = _fmt(r["baseline"], r["unit"]) + (f" ({r['baseline_name']})" if r["baseline_name"] and r["target"] != "info" else "")
            metric = r["metric"] + (f" — {r['note']}" if r["note"] else "")
            lines.append(f"| {res['name']} | {metric} | {_fmt(r['ours'], r['unit'])} | {base} | {_fmt(r['ratio'])}x | {r['target']} | {mark} |")
    return "\n".join(lines)


def plot(results: list[dict[str, Any]], path: Path) -> None:
    """Left: each target ratio as 'how far past the bar' (1.0 = exactly on target, right is better). Middle: the
    answer-latency distributions. Right: serve's RSS against answers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    by = {r["name"]: r for r in results if "error" not in r}
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.5), gridspec_kw={"width_ratios": [1.5, 1, 1]})
    ax = axes[0]
    labels, values, colours = [], [], []
    for res in results:
        for r in res.get("rows", []):
            t = r["target"]
            if t == "info" or not isinstance(r["ratio"], (int, float)) or r["ratio"] <= 0:
                continue
            try:
                bar = float(t.split()[1].rstrip("xs"))
            except (IndexError, ValueError):
                continue
            margin = r["ratio"] / bar if t.startswith(">") else bar / r["ratio"]
            metric = r["metric"].split(" — ")[0]
            metric = metric if len(metric) <= 46 else metric[:45] + "…"
            labels.append(f"{res['name']}: {metric}\n{r['ratio']:.3g}x (target {t})")
            values.append(margin)
            colours.append("#2e7d32" if r["ok"] else "#c62828")
    ypos = range(len(values))
    ax.barh(list(ypos), values, color=colours)
    ax.axvline(1.0, color="black", lw=1, ls="--")
    ax.set_yticks(list(ypos), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"{x:g}x"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xticks([t for t in (0.5, 1, 2, 5, 10, 20) if t <= max(values + [1]) * 1.5 and t >= min(values + [1]) / 1.5])
    ax.set_xlabel("margin over the target (1 = on the bar; > 1 met, < 1 missed; log scale)")
    ax.set_title("Targets, as ratios against named baselines")

    ax = axes[1]
    if "answer_latency" in by:
        s = by["answer_latency"]["samples"]
        ax.boxplot([s["ours_ms"], s["repeat_ms"], s["theirs_ms"]], showfliers=False)
        ax.set_xticks([1, 2, 3], ["ask()\nnew question", "ask()\nrepeated", "LangChain+Chroma\nsimilarity_search"], fontsize=8)
        ax.set_ylabel("ms (same run)")
        ax.set_title("Answer latency vs textbook retrieval")
    else:
        ax.set_axis_off()

    ax = axes[2]
    if "memory" in by:
        tr = by["memory"]["trace"]
        ax.plot([p["answers"] for p in tr], [p["rss_kb"] / 1024 for p in tr], marker="o", label="RSS")
        ax.plot([p["answers"] for p in tr], [p["peak_kb"] / 1024 for p in tr], ls="--", label="peak RSS")
        ax.set_xlabel("answers served")
        ax.set_ylabel("MiB")
        ax.set_ylim(bottom=0)
        ax.legend()
        ax.set_title("serve memory under load")
    else:
        ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run; the figures are not meaningful)")
    ap.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    ap.add_argument("--out", type=Path, default=HERE, help="folder for results.json and results.png (default: bench/)")
    ap.add_argument("--no-plot", action="store_true", help="skip results.png")
    ap.add_argument("--home", type=Path, help="use (and keep) this data home; default: a temporary one, removed at the end")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        ap.error(f"unknown benchmark(s) {', '.join(unknown)}; valid: {', '.join(BENCHMARKS)}")

    started = time.perf_counter()
    info = env_info()
    args.out.mkdir(parents=True, exist_ok=True)

    def write(results: list[dict[str, Any]], partial: bool) -> str:
        text = table(results)
        doc = {"quick": args.quick, "partial": partial,
               "command": "python -m bench" + (" --quick" if args.quick else "") + (f" --only {args.only}" if args.only else ""),
               "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(time.perf_counter() - started, 1), "env": info,
               "table": text, "results": results}
        (args.out / "results.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return text

    log(f"bench: preparing a data home with the built-in index ({'quick' if args.quick else 'full'} run) ...")
    if args.home:
        home = args.home
        build_index(home)
    else:
        home = make_home()
    results: list[dict[str, Any]] = []
    try:
        for name in names:
            log(f"bench: {name} ...")
            t = time.perf_counter()
            try:
                res = importlib.import_module(f"bench.{name}").run(home=home, quick=args.quick)
            except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
                res = {"name": name, "error": "".join(traceback.format_exception_only(type(exc), exc)).strip(), "traceback": traceback.format_exc()}
                log(res["traceback"])
            res["seconds"] = round(time.perf_counter() - t, 1)
            results.append(res)
            log(f"bench: {name} done in {res['seconds']} s")
            write(results, partial=True)  # a long run interrupted later still leaves what it measured
    finally:
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)

    with contextlib.suppress(OSError):
        info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    text = write(results, partial=False)
    print(text)
    if not args.no_plot:
        try:
            plot(results, args.out / "results.png")
        except ImportError:
            log("bench: matplotlib is not installed, so no results.png (pip install 'stackadvisor[bench]')")
    log(f"bench: wrote {args.out / 'results.json'}" + ("" if args.no_plot else f" and {args.out / 'results.png'}"))
    if any("error" in r for r in results):
        return 2
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
