"""Memory: the resident set of `stackadvisor serve` (offline backend) after 1,000 answers and after a second 1,000,
under 16 concurrent clients, every answer to a new question (as in bench.server). RSS and peak RSS (VmHWM) come
from /proc/<pid>/status.

The baseline is the server itself: RSS after the first 1,000 answers. The growth over the second 1,000 must stay
small (target: RSS after 2,000 <= 1.05x RSS after 1,000); a leak per answer would show as steady growth.

    python -m bench.memory [--quick] [--answers N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench import log, make_home, questions, result, row, rss_kb
from bench.server import CLIENTS, http_load, serve

GROWTH = 1.05
ANSWERS = 1000
BASELINE = "serve's own RSS after the first 1,000 answers"


def run(home: Path | None = None, quick: bool = False, answers: int | None = None, step: int | None = None) -> dict[str, Any]:
    home = Path(home) if home else make_home()
    n = answers or (40 if quick else ANSWERS)
    step = step or max(1, n // 10)
    qs = questions()
    trace: list[dict[str, Any]] = []
    errors: list[str] = []
    with serve(home) as (url, proc):
        start = rss_kb(proc.pid)
        trace.append({"answers": 0, "rss_kb": start[0], "peak_kb": start[1]})
        done = 0
        marks: dict[int, tuple[int, int]] = {}
        while done < 2 * n:
            res = http_load(url, qs, step, CLIENTS, first=done)  # every answer a new question
            errors += res["errors"]
            done += step
            cur, peak = rss_kb(proc.pid)
            trace.append({"answers": done, "rss_kb": cur, "peak_kb": peak})
            if 1 not in marks and done >= n:
                marks[1] = (cur, peak)
        marks[2] = rss_kb(proc.pid)
    (r1, p1), (r2, p2) = marks[1], marks[2]
    growth = r2 / r1
    rows = [
        row(f"serve RSS after {2 * n} / after {n} answers", round(r2 / 1024, 1), round(r1 / 1024, 1), round(growth, 3), f"<= {GROWTH:g}x",
            growth <= GROWTH and not errors, "MiB", f"RSS after {n}", note=f"{len(errors)} errors" if errors else ""),
        row(f"serve peak RSS after {2 * n} / after {n} answers", round(p2 / 1024, 1), round(p1 / 1024, 1), round(p2 / p1, 3), "info", None, "MiB",
            f"peak after {n}"),
        row(f"serve RSS after {n} answers / at start", round(r1 / 1024, 1), round(start[0] / 1024, 1), round(r1 / start[0], 3), "info", None, "MiB",
            "RSS when ready"),
    ]
    return result("memory", f"Memory of serve ({n} + {n} answers)", BASELINE, rows, trace=trace, answers=n,
                  rss_mib={"start": round(start[0] / 1024, 1), "after_first": round(r1 / 1024, 1), "after_second": round(r2 / 1024, 1),
                           "peak_after_first": round(p1 / 1024, 1), "peak_after_second": round(p2 / 1024, 1)},
                  errors=errors[:5])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--answers", type=int)
    args = ap.parse_args(argv)
    log(json.dumps(run(quick=args.quick, answers=args.answers), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
