"""`stackadvisor eval`: the shell around the eval suite. It wires the three stages together and holds no logic of
its own: cases (evalcases.py) -> results, metrics, gates and the baseline comparison (evals.py) -> results.json,
report.html, summary.md and the terminal summary (report.py).

Exit codes: 0 every gate passed, 1 a gate failed, 2 the harness could not run (a bad cases or gates file, an
advisor that does not start).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import evals, report
from .errors import StackAdvisorError
from .evalcases import Case, EvalError


def run(args: Any, out: Any) -> int:
    """`stackadvisor eval`: run, report, gate. 0 pass, 1 a gate failed, 2 the harness could not run."""
    try:
        return _run(args, out)
    except StackAdvisorError:
        raise  # the CLI edge prints it and exits 2
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("STACKADVISOR_DEBUG"):
            raise
        raise EvalError(f"the eval could not run: {type(exc).__name__}: {exc}. Rerun with STACKADVISOR_DEBUG=1 for the traceback.") from exc


def _run(args: Any, out: Any) -> int:
    from .advisor import AdvisorCore  # as the CLI: the Advisor without its LangChain Runnable base starts faster

    home = evals.evals_dir()
    cases_path = Path(args.cases) if getattr(args, "cases", None) else home / "cases"
    if not getattr(args, "cases", None) and not cases_path.is_dir():
        raise EvalError(f"The built-in eval cases ship with the source checkout ({cases_path} is missing); pass --cases PATH.")
    gates_path = Path(args.gates) if getattr(args, "gates", None) else (home / "gates.yaml" if (home / "gates.yaml").is_file() else None)
    baseline_path = Path(args.baseline) if getattr(args, "baseline", None) else home / "baseline.json"
    report_dir = Path(getattr(args, "report", None) or "out/eval")
    limit = getattr(args, "limit", None)
    if limit is not None and limit < 1:
        raise EvalError("--limit takes a positive number of cases.")

    advisor = AdvisorCore(llm=getattr(args, "llm", None), base_url=getattr(args, "base_url", None), kb=getattr(args, "kb", None),
                          table=getattr(args, "table", None), home=getattr(args, "home", None))
    cases = evals.load_cases(cases_path, advisor.knowledge)[:limit]
    gates = evals.load_gates(gates_path, advisor.backend)
    baseline = evals.load_baseline(baseline_path, required=bool(getattr(args, "baseline", None)))
    quiet = bool(getattr(args, "json", False))
    started = time.perf_counter()
    if hasattr(advisor, "warm"):
        advisor.warm()
    results = run_with_progress(advisor, cases, out, quiet)
    seconds = time.perf_counter() - started
    summary = evals.summarise(results)
    gate_results = evals.check_gates(gates, summary)
    moved = evals.compare(summary, baseline, results)
    doc = evals.results_document(advisor.backend, results, summary, gate_results, moved, seconds)
    paths = report.write_reports(doc, report_dir, baseline=evals.baseline_document(doc))
    if quiet:
        print(json.dumps({k: doc[k] for k in ("backend", "passed", "seconds", "case_counts", "summary", "gates", "baseline")}, indent=2))
    else:
        report.print_summary(doc, out, paths)
    return 0 if doc["passed"] else 1


def run_with_progress(advisor: Any, cases: list[Case], out: Any, quiet: bool) -> list[evals.CaseResult]:
    """Run the cases with a rich progress bar in a terminal; piped, a progress line on stderr every 30 s
    (LLM backends take minutes); nothing with --json."""
    if quiet:
        return evals.run(advisor, cases)
    if not getattr(out, "tty", False):
        started = last = time.monotonic()
        done: list[evals.CaseResult] = []

        def line(result: evals.CaseResult) -> None:
            nonlocal last
            done.append(result)
            if time.monotonic() - last >= 30:
                last = time.monotonic()
                failing = sum(not r.passed for r in done)
                print(f"eval: {len(done)}/{len(cases)} cases, {failing} failing, {last - started:.0f} s", file=sys.stderr, flush=True)

        return evals.run(advisor, cases, on_case=line)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    failed = 0
    with Progress(TextColumn("[bold]eval[/] {task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("[red]{task.fields[failed]} failing"),
                  TimeElapsedColumn(), console=out.console, transient=False) as progress:
        task = progress.add_task(f"backend {advisor.backend}", total=len(cases), failed=0)

        def tick(result: evals.CaseResult) -> None:
            nonlocal failed
            failed += not result.passed
            progress.update(task, advance=1, failed=failed, description=f"{result.id[:40]:<40}")

        results = evals.run(advisor, cases, on_case=tick)
        progress.update(task, description=f"backend {advisor.backend}")
    return results
