"""The eval suite: a runner, deterministic metrics, gates and a baseline over the cases of evalcases.py.
No LLM judge: every verdict is a comparison with the case or the table.

    evals/cases/*.yaml ──load_cases──▶ [Case] ◀──generate_cases── knowledge.Table      (evalcases.py)
                 [Case] ──run (one Advisor)──▶ [CaseResult] ──summarise──▶ metrics overall + per category
                                                      metrics ──check_gates──▶ pass/fail ──▶ exit 0 / 1
    results ──results_document──▶ a self-describing document ──report.write_reports──▶ results.json, report.html, ...

Dataset (evalcases.py) -> evaluation (this module) -> reporting (report.py): this module neither renders nor
prints, and report.py never runs a case; `stackadvisor eval` (_cli_eval.py) wires the three together.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .evalcases import (
    CASE_KEYS,
    CLAIM_KEYS,
    TURN_KEYS,
    VERDICTS,
    Case,
    ClaimExpect,
    EvalError,
    Turn,
    generate_cases,
    level_regex,
    load_cases,
    parse_case,
    pattern,
)

METRICS = {  # name -> (label, higher is better)
    "pass_rate": ("cases passed", True),
    "recommendation_accuracy": ("recommendation accuracy", True),
    "forbidden_pick_rate": ("forbidden picks", False),
    "retrieval_hit_at_k": ("retrieval hit@k", True),
    "retrieval_mrr": ("retrieval MRR", True),
    "claim_accuracy": ("claim-verdict accuracy", True),
    "must_mention_rate": ("must mention", True),
    "must_not_say_rate": ("must not say", True),
    "contradicted_answer_rate": ("answers holding a contradicted claim", False),
    "out_of_scope_accuracy": ("out-of-scope handling", True),
    "error_rate": ("cases that raised", False),
    "fallback_rate": ("answers that fell back to offline", False),
    "corrected_answer_rate": ("answers the guard corrected", False),
    "latency_p50_ms": ("latency p50 (ms)", False),
    "latency_p95_ms": ("latency p95 (ms)", False),
}


def evals_dir() -> Path:
    """The repository's evals/ folder (a source checkout). Installed wheels do not ship it: pass --cases."""
    return Path(__file__).resolve().parents[2] / "evals"


# ---------------------------------------------------------------------------------------------- running


@dataclass
class TurnResult:
    user: str
    answer: str = ""
    recommendation: str | None = None
    intent: str = ""
    backend: str = ""
    latency_ms: float = 0.0
    sources: list[dict] = field(default_factory=list)
    contradicted: list[dict] = field(default_factory=list)
    checks: int = 0
    notices: list[str] = field(default_factory=list)
    corrected: int = 0
    fell_back: bool = False  # an LLM backend answered with the offline answer instead


@dataclass
class CaseResult:
    id: str
    category: str
    origin: str
    prompt: str | None  # Case.prompt
    passed: bool = False
    error: str | None = None
    turns: list[TurnResult] = field(default_factory=list)
    rec: list[bool] = field(default_factory=list)  # one per recommendation expectation (any turn)
    forbidden: list[bool] = field(default_factory=list)  # one per turn with a forbid list: True = a forbidden pick
    hit_rank: int | None = None  # 1-based rank of the first passage from an expected section; 0 = missed; None = not measured
    claims: list[dict] = field(default_factory=list)  # expected vs got per claim
    mention: list[tuple[str, bool]] = field(default_factory=list)
    not_say: list[tuple[str, bool]] = field(default_factory=list)
    out_of_scope: bool | None = None  # handled as expected?
    failures: list[str] = field(default_factory=list)  # human-readable reasons
    expected: dict = field(default_factory=dict)


def _verdict_of(checks: list[Any], exp: ClaimExpect, text: str) -> tuple[str, list[str]]:
    """The verdict the checker gave the expected claim: all matching checks must agree; "absent" when none matched."""
    if exp.verdict == "none":  # no claim judged; a sentence listed as "not checked" is not a claim found
        judged = [c for c in checks if getattr(c, "kind", "") != "unchecked"]
        return ("none" if not judged else "found"), [f"{c.verdict}: {c.claim}" for c in judged]

    def matches(c: Any) -> bool:
        span = text[c.span[0]: c.span[1]] if getattr(c, "span", None) and c.span[1] > c.span[0] else ""
        return ((not exp.language or (c.language or "").lower() == exp.language.lower())
                and (not exp.criterion or c.criterion == exp.criterion) and (not exp.kind or c.kind == exp.kind)
                and (not exp.match or exp.match.lower() in c.claim.lower() or exp.match.lower() in span.lower()))

    found = [c for c in checks if matches(c)]
    verdicts = sorted({c.verdict for c in found})
    got = "absent" if not found else verdicts[0] if len(verdicts) == 1 else "mixed(" + ",".join(verdicts) + ")"
    return got, [f"{c.verdict}: {c.claim}" for c in found]


def _claim_ok(expected: str, got: str) -> bool:
    if expected == "unjudged":
        return got in ("absent", "unsupported")
    return expected == got


def _ranked_sections(reply: Any) -> list[dict]:
    """The passages retrieval returned, best first (passages added only to cite a section carry score 0)."""
    retrieved = [s for s in reply.sources if float(getattr(s, "score", 0) or 0) > 0]
    retrieved.sort(key=lambda s: -float(s.score))
    return [{"id": s.id, "section": s.section, "score": round(float(s.score), 4)} for s in retrieved]


def run_case(advisor: Any, case: Case) -> CaseResult:
    """Run one case on the advisor and judge it against its expectations."""
    r = CaseResult(case.id, case.category, case.origin, case.prompt)
    r.expected = _expected(case)
    try:
        if case.is_claim:
            _run_claims(advisor, case, r)
        else:
            _run_turns(advisor, case, r)
    except Exception as exc:  # noqa: BLE001 - a product failure is a failed case, not a broken harness
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        r.error = f"{type(exc).__name__}: {exc} ({Path(tb.filename).name}:{tb.lineno})"
        r.failures.append(f"raised {r.error}")
    r.passed = r.error is None and not r.failures
    return r


def _run_claims(advisor: Any, case: Case, r: CaseResult) -> None:
    cache: dict[str, list[Any]] = {}
    for exp in case.claims:
        text = exp.text or case.text or ""
        if text not in cache:
            cache[text] = list(advisor.check(text))
        got, found = _verdict_of(cache[text], exp, text)
        ok = _claim_ok(exp.verdict, got)
        r.claims.append({"text": text, "expect": exp.describe(), "expected": exp.verdict, "got": got, "ok": ok, "checks": found})
        if not ok:
            r.failures.append(f"claim {exp.describe()}: got {got}")


def _run_turns(advisor: Any, case: Case, r: CaseResult) -> None:
    chat = advisor.chat() if len(case.turns) > 1 else None
    backend = getattr(advisor, "backend", "")
    reply = None
    for i, turn in enumerate(case.turns, start=1):
        started = time.perf_counter()
        reply = chat.ask(turn.user) if chat is not None else advisor.ask(turn.user)
        elapsed = (time.perf_counter() - started) * 1000
        bad = [c for c in reply.checks if c.verdict == "contradicted"]
        r.turns.append(TurnResult(turn.user, reply.answer, reply.recommendation, getattr(reply.intent, "kind", str(reply.intent)),
                                  getattr(reply, "backend", ""), round(elapsed, 2), _ranked_sections(reply),
                                  [{"claim": c.claim, "evidence": c.evidence} for c in bad], len(reply.checks),
                                  [str(n) for n in getattr(reply, "notices", None) or []], int(getattr(reply, "corrected", 0) or 0),
                                  getattr(reply, "backend", backend) != backend))
        where = f"turn {i}: " if len(case.turns) > 1 else ""
        pick = reply.recommendation
        if turn.expect_any:
            r.rec.append(pick in turn.expect_any)
            if pick not in turn.expect_any:
                r.failures.append(f"{where}recommended {pick or 'nothing'}, expected one of {', '.join(turn.expect_any)}")
        if turn.expect_no_pick:
            r.rec.append(pick is None)
            if pick is not None:
                r.failures.append(f"{where}recommended {pick}, expected no pick")
        if turn.forbid:
            r.forbidden.append(pick in turn.forbid)
            if pick in turn.forbid:
                r.failures.append(f"{where}recommended {pick}, which the case forbids")
        if bad:
            r.failures.append(f"{where}answer holds a contradicted claim: {bad[0].claim!r}")
    assert reply is not None
    answer = reply.answer
    if case.expect_sections:
        ranked = r.turns[-1].sources
        r.hit_rank = next((i for i, s in enumerate(ranked, start=1) if s["section"] in case.expect_sections), 0)
        if not r.hit_rank:
            r.failures.append(f"retrieval: no passage from {', '.join(case.expect_sections)} (got {', '.join(s['section'] for s in ranked) or 'none'})")
    for item in case.must_mention:
        alts = [item] if isinstance(item, str) else list(item)
        ok = any(pattern(a).search(answer) for a in alts)
        r.mention.append((" | ".join(alts), ok))
        if not ok:
            r.failures.append(f"does not mention {' or '.join(repr(a) for a in alts)}")
    for item in case.must_not_say:
        m = pattern(item).search(answer)
        r.not_say.append((item, m is None))
        if m:
            r.failures.append(f"says {m.group(0)!r} (must not say {item!r})")
    if case.expect_out_of_scope is not None:
        oos = r.turns[-1].intent == "out_of_scope" and reply.recommendation is None
        r.out_of_scope = oos == case.expect_out_of_scope
        if not r.out_of_scope:
            r.failures.append(f"out of scope expected {case.expect_out_of_scope}, got intent {r.turns[-1].intent!r} and pick {reply.recommendation}")


def _expected(case: Case) -> dict:
    out: dict[str, Any] = {}
    for i, t in enumerate(case.turns, start=1):
        bits = {k: v for k, v in (("expect_any", list(t.expect_any)), ("forbid", list(t.forbid)), ("expect_no_pick", t.expect_no_pick)) if v}
        if bits:
            out[f"turn {i}" if len(case.turns) > 1 else "pick"] = bits
    for key in ("expect_sections", "must_mention", "must_not_say"):
        if getattr(case, key):
            out[key] = list(getattr(case, key))
    if case.expect_out_of_scope is not None:
        out["expect_out_of_scope"] = case.expect_out_of_scope
    if case.claims:
        out["claims"] = [c.describe() for c in case.claims]
    return out


def run(advisor: Any, cases: list[Case], on_case: Callable[[CaseResult], None] | None = None) -> list[CaseResult]:
    results = []
    for case in cases:
        results.append(run_case(advisor, case))
        if on_case:
            on_case(results[-1])
    return results


# ---------------------------------------------------------------------------------------------- metrics


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (deterministic, no interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def _rate(ok: int, n: int) -> float | None:
    return round(ok / n, 4) if n else None


def metrics(results: list[CaseResult]) -> dict[str, Any]:
    """Every metric over a group of results; None where the group has nothing to measure."""
    answers = [t for r in results for t in r.turns]
    ranks = [r.hit_rank for r in results if r.hit_rank is not None]
    claims = [c for r in results for c in r.claims]
    mention = [ok for r in results for _, ok in r.mention]
    not_say = [ok for r in results for _, ok in r.not_say]
    rec = [ok for r in results for ok in r.rec]
    forbidden = [bad for r in results for bad in r.forbidden]
    oos = [r.out_of_scope for r in results if r.out_of_scope is not None]
    lat = [t.latency_ms for t in answers]
    p50, p95 = percentile(lat, 50), percentile(lat, 95)
    return {
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "pass_rate": _rate(sum(r.passed for r in results), len(results)),
        "recommendation_accuracy": _rate(sum(rec), len(rec)),
        "forbidden_pick_rate": _rate(sum(forbidden), len(forbidden)),
        "retrieval_hit_at_k": _rate(sum(1 for x in ranks if x), len(ranks)),
        "retrieval_mrr": round(sum(1 / x for x in ranks if x) / len(ranks), 4) if ranks else None,
        "claim_accuracy": _rate(sum(c["ok"] for c in claims), len(claims)),
        "must_mention_rate": _rate(sum(mention), len(mention)),
        "must_not_say_rate": _rate(sum(not_say), len(not_say)),
        "contradicted_answer_rate": _rate(sum(1 for t in answers if t.contradicted), len(answers)),
        "out_of_scope_accuracy": _rate(sum(oos), len(oos)),
        "error_rate": _rate(sum(1 for r in results if r.error), len(results)),
        "fallback_rate": _rate(sum(t.fell_back for t in answers), len(answers)),
        "corrected_answer_rate": _rate(sum(1 for t in answers if t.corrected), len(answers)),
        "latency_p50_ms": round(p50, 2) if p50 is not None else None,
        "latency_p95_ms": round(p95, 2) if p95 is not None else None,
        "counts": {"answers": len(answers), "recommendation_checks": len(rec), "forbid_checks": len(forbidden), "retrieval_checks": len(ranks),
                   "claims": len(claims), "must_mention": len(mention), "must_not_say": len(not_say), "out_of_scope_checks": len(oos)},
    }


def summarise(results: list[CaseResult]) -> dict[str, Any]:
    categories: dict[str, list[CaseResult]] = {}
    for r in results:
        categories.setdefault(r.category, []).append(r)
    return {"overall": metrics(results), "categories": {c: metrics(rs) for c, rs in categories.items()}}


# ---------------------------------------------------------------------------------------------- gates


def load_gates(path: str | Path | None, backend: str) -> list[dict]:
    """Gates as [{scope, metric, op, threshold}]: `overall:` and `categories:`, then `backends.<name>:` overrides."""
    if path is None:
        return []
    import yaml

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalError(f"{p}: cannot read the gates file: {exc}. Fix it or pass --gates FILE.") from None
    if not isinstance(data, dict):
        raise EvalError(f"{p}: expected a mapping with 'overall:' and optional 'categories:' and 'backends:'.")
    layers = [data]
    overrides = data.get("backends") or {}
    if not isinstance(overrides, dict):
        raise EvalError(f"{p}: 'backends:' maps a backend name (offline, local, openai, openai:gpt-4o-mini) to its own gates.")
    for name in dict.fromkeys((backend.split(":", 1)[0], backend)):
        if name in overrides:
            layers.append(overrides[name])
    merged: dict[tuple[str, str], dict] = {}
    for layer in layers:
        if not isinstance(layer, dict):
            raise EvalError(f"{p}: each gates layer is a mapping with 'overall:' and 'categories:'.")
        scopes = [("overall", layer.get("overall") or {})] + [(c, g or {}) for c, g in (layer.get("categories") or {}).items()]
        for scope, gates in scopes:
            if not isinstance(gates, dict):
                raise EvalError(f"{p}: gates under {scope!r} must map metric names to {{min: x}} or {{max: x}}.")
            for metric, rule in gates.items():
                if metric not in METRICS:
                    raise EvalError(f"{p}: unknown metric {metric!r} under {scope!r}; metrics: {', '.join(METRICS)}.")
                if rule is None:  # `metric: null` in a backend's layer drops the gate for that backend
                    merged.pop((scope, metric), None)
                    continue
                if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in ("min", "max") or not isinstance(next(iter(rule.values())), (int, float)):
                    raise EvalError(f"{p}: gate {scope}.{metric} must be {{min: number}} or {{max: number}}, got {rule!r}.")
                op, threshold = next(iter(rule.items()))
                merged[(scope, metric)] = {"scope": scope, "metric": metric, "op": op, "threshold": float(threshold)}
    return list(merged.values())


def check_gates(gates: list[dict], summary: dict) -> list[dict]:
    out = []
    for g in gates:
        group = summary["overall"] if g["scope"] == "overall" else summary["categories"].get(g["scope"])
        value = None if group is None else group.get(g["metric"])
        if value is None:
            status = "n/a"
        else:
            ok = value >= g["threshold"] if g["op"] == "min" else value <= g["threshold"]
            status = "pass" if ok else "fail"
        out.append({**g, "value": value, "status": status})
    return out


# ---------------------------------------------------------------------------------------------- baseline


def load_baseline(path: str | Path | None, required: bool) -> dict | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        if required:
            raise EvalError(f"Baseline {p} does not exist. Pass a results.json or baseline.json from an earlier run.")
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvalError(f"{p}: not a readable baseline ({exc}). Regenerate it: cp out/eval/baseline.json evals/baseline.json") from None
    if not isinstance(data, dict) or "summary" not in data:
        raise EvalError(f"{p}: a baseline is a results.json or baseline.json written by `stackadvisor eval`.")
    data["path"] = str(p)
    return data


def compare(summary: dict, baseline: dict | None, results: list[CaseResult]) -> dict | None:
    """What moved since the baseline: metric deltas overall and per category, and cases that flipped."""
    if not baseline:
        return None

    def delta(now: dict, then: dict | None) -> dict:
        return {m: (round(now[m] - then[m], 4) if now.get(m) is not None and then and then.get(m) is not None else None) for m in METRICS}

    base = baseline["summary"]
    before = baseline.get("cases") or {}
    now = {r.id: r.passed for r in results}
    return {
        "path": baseline.get("path"), "backend": baseline.get("backend"),
        "overall": delta(summary["overall"], base.get("overall")),
        "before": {m: base.get("overall", {}).get(m) for m in METRICS},
        "categories": {c: delta(m, base.get("categories", {}).get(c)) for c, m in summary["categories"].items()},
        "newly_failing": sorted(i for i, ok in now.items() if not ok and before.get(i) is True),
        "newly_passing": sorted(i for i, ok in now.items() if ok and before.get(i) is False),
        "new_cases": sorted(i for i in now if i not in before) if before else [],
        "missing_cases": sorted(i for i in before if i not in now),
    }


# ---------------------------------------------------------------------------------------------- results


def results_document(backend: str, results: list[CaseResult], summary: dict, gates: list[dict], moved: dict | None, seconds: float) -> dict:
    return {
        "version": 1, "backend": backend, "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seconds": round(seconds, 2),
        "passed": all(g["status"] != "fail" for g in gates),
        "metrics": {m: {"label": label, "higher_is_better": higher} for m, (label, higher) in METRICS.items()},
        "summary": summary, "gates": gates, "baseline": moved,
        "case_counts": {"hand": sum(r.origin == "hand" for r in results), "generated": sum(r.origin == "generated" for r in results)},
        "results": [asdict(r) for r in results],
    }


def baseline_document(doc: dict) -> dict:
    """What evals/baseline.json keeps: the summary and each case's pass/fail (no answers, no timestamps)."""
    summary = json.loads(json.dumps(doc["summary"]))
    return {"version": 1, "backend": doc["backend"], "summary": summary, "cases": {r["id"]: r["passed"] for r in doc["results"]}}


__all__ = ["CASE_KEYS", "CLAIM_KEYS", "Case", "CaseResult", "ClaimExpect", "EvalError", "METRICS", "TURN_KEYS", "Turn", "TurnResult",
           "VERDICTS", "baseline_document", "check_gates", "compare", "evals_dir", "generate_cases", "level_regex", "load_baseline",
           "load_cases", "load_gates", "metrics", "parse_case", "pattern", "percentile", "results_document", "run", "run_case",
           "summarise"]
