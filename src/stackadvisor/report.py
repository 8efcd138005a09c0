"""The eval suite's outputs, rendered from the results document evals.results_document makes (it carries the
metrics' labels and directions, so this module imports nothing from the eval runner): a summary table in the
terminal, results.json, a self-contained report.html (inline SVG charts, no scripts, fonts or stylesheets from
anywhere else), summary.md for CI logs and baseline.json (what evals/baseline.json keeps).

All user and model text in the HTML goes through html.escape.
"""

from __future__ import annotations

import json
import math
from html import escape
from pathlib import Path
from typing import Any

TABLE_METRICS = ("pass_rate", "recommendation_accuracy", "forbidden_pick_rate", "retrieval_hit_at_k", "retrieval_mrr", "claim_accuracy",
                 "must_mention_rate", "must_not_say_rate", "contradicted_answer_rate", "out_of_scope_accuracy", "latency_p50_ms", "latency_p95_ms")
SHORT = {"pass_rate": "pass", "recommendation_accuracy": "rec acc", "forbidden_pick_rate": "forbidden", "retrieval_hit_at_k": "hit@k",
         "retrieval_mrr": "MRR", "claim_accuracy": "claims", "must_mention_rate": "mention", "must_not_say_rate": "not-say",
         "contradicted_answer_rate": "contradicted", "out_of_scope_accuracy": "OOS", "latency_p50_ms": "p50 ms", "latency_p95_ms": "p95 ms",
         "error_rate": "errors", "fallback_rate": "fallback", "corrected_answer_rate": "corrected"}


def fmt(metric: str, value: Any) -> str:
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        return f"{value:.1f}" if value < 100 else f"{value:.0f}"
    return f"{value * 100:.1f}%"


def fmt_delta(metric: str, value: Any) -> str:
    if value is None:
        return ""
    if abs(value) < 1e-9:
        return "±0"
    return f"{value:+.1f}" if metric.endswith("_ms") else f"{value * 100:+.1f} pt"


def _label(doc: dict, metric: str) -> str:
    return doc["metrics"][metric]["label"]


def _better(doc: dict, metric: str, delta: float) -> bool:
    return (delta > 0) == doc["metrics"][metric]["higher_is_better"]


# ------------------------------------------------------------------------------------------- terminal


def print_summary(doc: dict, out: Any, paths: dict[str, Path]) -> None:
    summary = doc["summary"]
    if getattr(out, "tty", False):
        from rich.table import Table

        t = Table(title=f"stackadvisor eval · backend {doc['backend']} · {doc['case_counts']['hand']} hand-written + "
                        f"{doc['case_counts']['generated']} generated cases · {doc['seconds']:.1f} s")
        t.add_column("category")
        t.add_column("cases", justify="right")
        for m in TABLE_METRICS:
            t.add_column(SHORT[m], justify="right")
        for name, group in [*sorted(summary["categories"].items()), ("overall", summary["overall"])]:
            t.add_row(f"[bold]{name}[/]" if name == "overall" else name, str(group["cases"]), *(fmt(m, group.get(m)) for m in TABLE_METRICS),
                      end_section=name == sorted(summary["categories"])[-1] if summary["categories"] else False)
        out.console.print(t)
        bad = [r for r in doc["results"] if not r["passed"]]
        for r in bad[:10]:
            out.console.print(f"[red]✗[/] {r['id']} [dim]({r['category']})[/]: {r['failures'][0] if r['failures'] else ''}", highlight=False, markup=True)
        if len(bad) > 10:
            out.console.print(f"[dim]… and {len(bad) - 10} more failing cases in the report[/]")
        failed = [g for g in doc["gates"] if g["status"] == "fail"]
        for g in failed:
            out.console.print(f"[bold red]gate failed[/] {g['scope']}.{g['metric']} = {fmt(g['metric'], g['value'])} "
                              f"(needs {'≥' if g['op'] == 'min' else '≤'} {fmt(g['metric'], g['threshold'])})", highlight=False)
        others = len(doc["gates"]) - len(failed)
        if others:
            out.console.print(f"[green]{others} other gate{'s' if others != 1 else ''} passed[/] [dim](n/a counts as passed)[/]")
        if doc.get("baseline"):
            out.console.print(f"since baseline ({doc['baseline'].get('backend')}): {_moved_line(doc, doc['baseline'])}", highlight=False, markup=False)
        out.console.print(f"report: {paths['html']}  ·  results: {paths['json']}", style="dim", highlight=False)
        verdict = "[bold green]all gates passed[/]" if doc["passed"] else "[bold red]a gate failed[/]"
        out.console.print(verdict)
    else:
        print(render_markdown(doc, failures=10))
        print(f"report: {paths['html']}\nresults: {paths['json']}")


# ------------------------------------------------------------------------------------------- files


def write_reports(doc: dict, directory: Path, baseline: dict | None = None) -> dict[str, Path]:
    """results.json, report.html and summary.md in directory; baseline.json too when given its document
    (evals.baseline_document)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"json": directory / "results.json", "html": directory / "report.html", "md": directory / "summary.md"}
    paths["json"].write_text(json.dumps(doc, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    paths["html"].write_text(render_html(doc), encoding="utf-8")
    paths["md"].write_text(render_markdown(doc), encoding="utf-8")
    if baseline is not None:
        paths["baseline"] = directory / "baseline.json"
        paths["baseline"].write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return paths


# ------------------------------------------------------------------------------------------- markdown


def _moved_line(doc: dict, moved: dict) -> str:
    changed = [(m, d) for m, d in moved["overall"].items() if d and not m.endswith("_ms")]
    text = ", ".join(f"{_label(doc, m)} {fmt_delta(m, d)}" for m, d in changed) or "no metric moved"
    if moved.get("new_cases") or moved.get("missing_cases"):
        text += f" (not the same cases: {len(moved.get('new_cases') or [])} new, {len(moved.get('missing_cases') or [])} not run)"
    return text


def render_markdown(doc: dict, failures: int = 40) -> str:
    s, moved = doc["summary"], doc.get("baseline")
    state = "PASS" if doc["passed"] else "FAIL"
    lines = [f"## stackadvisor eval: {state}", "",
             f"backend `{doc['backend']}` · {doc['case_counts']['hand']} hand-written + {doc['case_counts']['generated']} generated cases · "
             f"{s['overall']['passed']}/{s['overall']['cases']} passed · {doc['seconds']:.1f} s", ""]
    cols = ["category", "cases", *(SHORT[m] for m in TABLE_METRICS)]
    lines += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, group in [*sorted(s["categories"].items()), ("**overall**", s["overall"])]:
        lines.append(f"| {name} | {group['cases']} | " + " | ".join(fmt(m, group.get(m)) for m in TABLE_METRICS) + " |")
    if doc["gates"]:
        lines += ["", "| gate | value | threshold | status |", "|---|---|---|---|"]
        for g in doc["gates"]:
            lines.append(f"| {g['scope']}.{g['metric']} | {fmt(g['metric'], g['value'])} | {'≥' if g['op'] == 'min' else '≤'} "
                         f"{fmt(g['metric'], g['threshold'])} | {'✅' if g['status'] == 'pass' else '❌' if g['status'] == 'fail' else 'n/a'} |")
    if moved:
        lines += ["", f"Since baseline `{moved['path']}` ({moved.get('backend')}): " + _moved_line(doc, moved)]
        if moved["newly_failing"]:
            lines.append("Newly failing: " + ", ".join(f"`{i}`" for i in moved["newly_failing"]))
        if moved["newly_passing"]:
            lines.append("Newly passing: " + ", ".join(f"`{i}`" for i in moved["newly_passing"]))
    bad = [r for r in doc["results"] if not r["passed"]]
    if bad:
        lines += ["", f"Failing cases ({len(bad)}):"]
        for r in bad[:failures]:
            lines.append(f"- `{r['id']}` ({r['category']}): " + "; ".join(r["failures"][:3]))
        if len(bad) > failures:
            lines.append(f"- … and {len(bad) - failures} more (see report.html)")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- charts

GOOD, BAD, MID, INK, GRID = "#2e7d32", "#c62828", "#f9a825", "#263238", "#cfd8dc"


def _shade(value: float, higher_better: bool) -> str:
    v = value if higher_better else 1 - value
    if v >= 0.95:
        return "#a5d6a7"
    if v >= 0.8:
        return "#e6ee9c"
    if v >= 0.6:
        return "#ffe082"
    return "#ef9a9a"


def bar_chart(rows: list[tuple[str, float, float | None]], title: str) -> str:
    """Horizontal bars of rates (0..1), one per row, with the baseline value as a tick."""
    w, left, bar, gap = 640, 170, 18, 8
    h = 34 + len(rows) * (bar + gap)
    scale = w - left - 60
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="16" class="ct">{escape(title)}</text>']
    for x in (0, 0.5, 1):
        gx = left + x * scale
        parts.append(f'<line x1="{gx:.1f}" y1="24" x2="{gx:.1f}" y2="{h - 4}" stroke="{GRID}"/><text x="{gx:.1f}" y="{h}" class="ax">{int(x * 100)}%</text>')
    for i, (label, value, before) in enumerate(rows):
        y = 28 + i * (bar + gap)
        colour = GOOD if value >= 0.95 else MID if value >= 0.75 else BAD
        parts.append(f'<text x="{left - 8}" y="{y + 13}" class="lb" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(1.0, value * scale):.1f}" height="{bar}" fill="{colour}" rx="2"><title>{escape(label)}: {value * 100:.1f}%</title></rect>')
        parts.append(f'<text x="{left + value * scale + 6:.1f}" y="{y + 13}" class="vl">{value * 100:.1f}%</text>')
        if before is not None:
            bx = left + before * scale
            parts.append(f'<line x1="{bx:.1f}" y1="{y - 2}" x2="{bx:.1f}" y2="{y + bar + 2}" stroke="{INK}" stroke-width="2"><title>baseline {before * 100:.1f}%</title></line>')
    return "".join(parts) + "</svg>"


def heatmap(doc: dict, metrics: tuple[str, ...]) -> str:
    """Categories x metrics, each cell coloured by how good the value is."""
    summary = doc["summary"]
    cats = [*sorted(summary["categories"]), "overall"]
    cw, ch, left, top = 74, 24, 170, 44
    w, h = left + cw * len(metrics), top + ch * len(cats) + 4
    parts = [f'<svg class="chart" role="img" aria-label="metrics per category" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
             '<text x="0" y="16" class="ct">Metrics per category</text>']
    for j, m in enumerate(metrics):
        parts.append(f'<text x="{left + j * cw + cw / 2:.1f}" y="{top - 8}" class="ax" text-anchor="middle">{escape(SHORT[m])}</text>')
    for i, cat in enumerate(cats):
        group = summary["overall"] if cat == "overall" else summary["categories"][cat]
        y = top + i * ch
        weight = ' font-weight="bold"' if cat == "overall" else ""
        parts.append(f'<text x="{left - 8}" y="{y + 16}" class="lb" text-anchor="end"{weight}>{escape(cat)}</text>')
        for j, m in enumerate(metrics):
            v = group.get(m)
            fill = "#eceff1" if v is None else _shade(v, doc["metrics"][m]["higher_is_better"])
            parts.append(f'<rect x="{left + j * cw + 1}" y="{y + 1}" width="{cw - 2}" height="{ch - 2}" fill="{fill}"><title>{escape(cat)} · {escape(_label(doc, m))}: {fmt(m, v)}</title></rect>'
                         f'<text x="{left + j * cw + cw / 2:.1f}" y="{y + 16}" class="vl" text-anchor="middle">{fmt(m, v)}</text>')
    return "".join(parts) + "</svg>"


def latency_histogram(latencies: list[float], p50: float | None, p95: float | None) -> str:
    """Answers per latency bin (log-spaced bins), with p50 and p95 marked."""
    w, h, left, right, top, bottom = 640, 230, 44, 30, 44, 36
    parts = [f'<svg class="chart" role="img" aria-label="latency histogram" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="16" class="ct">Latency per answer ({len(latencies)} answers)</text>']
    if not latencies:
        return "".join(parts) + '<text x="40" y="80" class="lb">no answers measured</text></svg>'
    lo, hi = max(min(latencies), 0.1), max(max(latencies), 0.2)
    a, b = math.floor(math.log10(lo) * 4) / 4, math.ceil(math.log10(hi) * 4) / 4 + 0.25
    edges = [10 ** (a + 0.25 * i) for i in range(int(round((b - a) / 0.25)) + 1)]
    counts = [0] * (len(edges) - 1)
    for v in latencies:
        counts[next((i for i in range(len(counts)) if v < edges[i + 1]), len(counts) - 1)] += 1
    plot_w, plot_h = w - left - right, h - top - bottom
    bw, most, base = plot_w / len(counts), max(counts), top + plot_h
    for i, c in enumerate(counts):
        bh = c / most * plot_h
        parts.append(f'<rect x="{left + i * bw + 1:.1f}" y="{base - bh:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" fill="#5c6bc0"><title>{edges[i]:.1f}–{edges[i + 1]:.1f} ms: {c}</title></rect>')
        if c:
            parts.append(f'<text x="{left + i * bw + bw / 2:.1f}" y="{base - bh - 3:.1f}" class="ax" text-anchor="middle">{c}</text>')
    for i, e in enumerate(edges):
        if i % 2 == 0:
            parts.append(f'<text x="{left + i * bw:.1f}" y="{base + 14}" class="ax" text-anchor="middle">{e:.0f}</text>' if e >= 10 else
                         f'<text x="{left + i * bw:.1f}" y="{base + 14}" class="ax" text-anchor="middle">{e:.1f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{h - 4}" class="ax" text-anchor="middle">milliseconds (log scale)</text>')
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{INK}"/>')
    legend = []
    for name, mark, colour in (("p50", p50, GOOD), ("p95", p95, BAD)):
        if mark is not None:
            v = mark
            x = left + (math.log10(max(v, edges[0])) - a) / (b - a) * plot_w
            parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{base}" stroke="{colour}" stroke-dasharray="4 3" stroke-width="2"><title>{name} {v:.1f} ms</title></line>')
            legend.append(f'<tspan fill="{colour}">{name} {v:.1f} ms</tspan>')
    parts.append(f'<text x="{w - 4}" y="16" class="vl" text-anchor="end">{"  ·  ".join(legend)}</text>')
    return "".join(parts) + "</svg>"


# ------------------------------------------------------------------------------------------- html

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#263238;margin:0;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #cfd8dc;padding-bottom:4px}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}.pass{background:#2e7d32}.fail{background:#c62828}.na{background:#90a4ae}
.meta{color:#546e7a}.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #cfd8dc;border-radius:6px;padding:8px 12px;min-width:150px}
.card b{display:block;font-size:20px}.card small{color:#546e7a}.up{color:#2e7d32}.down{color:#c62828}
table{border-collapse:collapse;background:#fff;font-size:13px}td,th{border:1px solid #cfd8dc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:18px}.chart{background:#fff;border:1px solid #cfd8dc;border-radius:6px;padding:6px;max-width:100%;height:auto}
.ct{font-weight:600;font-size:13px;fill:#263238}.lb{font-size:12px;fill:#263238}.ax{font-size:10px;fill:#546e7a}.vl{font-size:11px;fill:#263238}
.case{background:#fff;border:1px solid #cfd8dc;border-left:4px solid #c62828;border-radius:6px;margin:10px 0;padding:8px 12px}
.case h3{font-size:14px;margin:0 0 6px}.case details pre{max-height:320px;overflow:auto}.side{display:grid;grid-template-columns:1fr 1fr;gap:12px}.side>div{min-width:0}
.side h4{margin:4px 0;font-size:12px;text-transform:uppercase;color:#546e7a}pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:6px;border-radius:4px;margin:4px 0;font-size:12px}
ul.f{color:#c62828;margin:4px 0;padding-left:18px}ul.exp{margin:4px 0;padding-left:18px;word-break:break-word}code{background:#eceff1;padding:0 3px;border-radius:3px}
"""


def _kv(data: Any) -> str:
    """What a case expected, as a readable list."""
    def value(v: Any) -> str:
        if isinstance(v, dict):
            return "; ".join(f"{k.replace('_', ' ')}: {value(x)}" for k, x in v.items())
        if isinstance(v, list):
            return ", ".join(" or ".join(x) if isinstance(x, list) else str(x) for x in v)
        return str(v).lower() if isinstance(v, bool) else str(v)

    items = []
    for k, v in data.items():
        if isinstance(v, list) and k == "claims":
            items.append("<li><b>claims</b><ul>" + "".join(f"<li>{escape(c)}</li>" for c in v) + "</ul></li>")
        else:
            items.append(f"<li><b>{escape(k.replace('_', ' '))}</b>: {escape(value(v))}</li>")
    return '<ul class="exp">' + "".join(items) + "</ul>"


def _case_html(r: dict) -> str:
    turns = r.get("turns") or []
    left = ["<h4>Asked</h4>"]
    if turns:
        left += [f"<pre>user {i}: {escape(t['user'])}</pre>" for i, t in enumerate(turns, start=1)]
    else:
        left.append(f"<pre>{escape(r['prompt'] or '')}</pre>")
    left += ["<h4>Expected</h4>", _kv(r["expected"])]
    right = ["<h4>Got</h4>", '<ul class="f">' + "".join(f"<li>{escape(f)}</li>" for f in r["failures"]) + "</ul>"]
    for i, t in enumerate(turns, start=1):
        srcs = ", ".join(f"{s['section']} ({s['score']})" for s in t["sources"]) or "none"
        right.append(f"<p>turn {i}: pick <b>{escape(str(t['recommendation']))}</b> · intent <code>{escape(t['intent'])}</code> · "
                     f"backend {escape(t.get('backend') or '')} · {t['latency_ms']:.1f} ms · retrieved: {escape(srcs)}</p>")
        for n in t.get("notices") or []:
            right.append(f"<p><small>notice: {escape(n)}</small></p>")
        for c in t["contradicted"]:
            right.append(f"<p>contradicted: {escape(c['claim'])} (table: {escape(c['evidence'])})</p>")
        right.append(f"<details{' open' if i == len(turns) else ''}><summary>answer {i}</summary><pre>{escape(t['answer'])}</pre></details>")
    for c in r.get("claims") or []:
        mark = "✓" if c["ok"] else "✗"
        right.append(f"<p>{mark} {escape(c['expect'])} · got <b>{escape(c['got'])}</b>"
                     + (f"<br><small>{escape('; '.join(c['checks']))}</small>" if c["checks"] else "") + "</p>")
    return (f'<div class="case" id="{escape(r["id"])}"><h3><code>{escape(r["id"])}</code> · {escape(r["category"])} · {escape(r["origin"])}</h3>'
            f'<div class="side"><div>{"".join(left)}</div><div>{"".join(right)}</div></div></div>')


def render_html(doc: dict) -> str:
    s, moved = doc["summary"], doc.get("baseline")
    overall = s["overall"]
    state = '<span class="badge pass">PASS</span>' if doc["passed"] else '<span class="badge fail">FAIL</span>'
    cards = []
    for m in ("pass_rate", "recommendation_accuracy", "forbidden_pick_rate", "retrieval_hit_at_k", "retrieval_mrr", "claim_accuracy",
              "must_mention_rate", "must_not_say_rate", "contradicted_answer_rate", "out_of_scope_accuracy", "latency_p50_ms", "latency_p95_ms",
              *(m for m in ("fallback_rate", "corrected_answer_rate", "error_rate") if overall.get(m))):
        d = moved["overall"].get(m) if moved else None
        delta = ""
        if d is not None:
            cls = "" if abs(d) < 1e-9 else "up" if _better(doc, m, d) else "down"
            delta = f' <span class="{cls}">{escape(fmt_delta(m, d))}</span>'
        cards.append(f'<div class="card"><small>{escape(_label(doc, m))}</small><b>{fmt(m, overall.get(m))}</b>{delta}</div>')
    before_cats = {}
    if moved:
        for c, deltas in moved["categories"].items():
            d = deltas.get("pass_rate")
            now = s["categories"][c]["pass_rate"]
            before_cats[c] = None if d is None or now is None else now - d
    rows = [(c, g["pass_rate"] or 0.0, before_cats.get(c)) for c, g in sorted(s["categories"].items())]
    lat = [t["latency_ms"] for r in doc["results"] for t in r.get("turns") or []]
    charts = [bar_chart(rows, "Cases passed per category" + (" (tick: baseline)" if moved else "")),
              heatmap(doc, ("pass_rate", "recommendation_accuracy", "retrieval_hit_at_k", "retrieval_mrr", "claim_accuracy", "must_mention_rate",
                          "must_not_say_rate", "contradicted_answer_rate", "out_of_scope_accuracy")),
              latency_histogram(lat, overall.get("latency_p50_ms"), overall.get("latency_p95_ms"))]
    table = ["<table><tr><th>category</th><th>cases</th>" + "".join(f"<th>{escape(SHORT[m])}</th>" for m in TABLE_METRICS) + "</tr>"]
    for name, group in [*sorted(s["categories"].items()), ("overall", overall)]:
        cells = []
        for m in TABLE_METRICS:
            d = moved["categories"].get(name, {}).get(m) if moved and name != "overall" else moved["overall"].get(m) if moved else None
            extra = f'<br><small class="{"up" if d and _better(doc, m, d) else "down" if d else ""}">{escape(fmt_delta(m, d))}</small>' if d else ""
            cells.append(f"<td>{fmt(m, group.get(m))}{extra}</td>")
        table.append(f"<tr><td>{'<b>overall</b>' if name == 'overall' else escape(name)}</td><td>{group['cases']}</td>{''.join(cells)}</tr>")
    table.append("</table>")
    gates = ["<table><tr><th>gate</th><th>value</th><th>threshold</th><th>status</th></tr>"]
    for g in sorted(doc["gates"], key=lambda g: g["status"] != "fail"):  # failing gates first
        cls = {"pass": "pass", "fail": "fail"}.get(g["status"], "na")
        gates.append(f"<tr><td>{escape(g['scope'])}.{escape(g['metric'])}</td><td>{fmt(g['metric'], g['value'])}</td>"
                     f"<td>{'≥' if g['op'] == 'min' else '≤'} {fmt(g['metric'], g['threshold'])}</td><td><span class=\"badge {cls}\">{escape(g['status'])}</span></td></tr>")
    gates.append("</table>")
    moved_html = "<p>No baseline to compare with.</p>"
    if moved:
        bits = [f"<p>Compared with <code>{escape(str(moved['path']))}</code> (backend {escape(str(moved.get('backend')))}): {escape(_moved_line(doc, moved))}.</p>"]
        for key, label in (("newly_failing", "Newly failing"), ("newly_passing", "Newly passing"), ("new_cases", "New cases")):
            if moved.get(key):
                bits.append(f"<p>{label} ({len(moved[key])}): " + ", ".join(f'<a href="#{escape(i)}"><code>{escape(i)}</code></a>' if key == "newly_failing" else f"<code>{escape(i)}</code>"
                                                                         for i in moved[key][:60]) + "</p>")
        moved_html = "".join(bits)
    bad = [r for r in doc["results"] if not r["passed"]]
    failing = "".join(_case_html(r) for r in bad) or "<p>Every case passed.</p>"
    counts = doc["case_counts"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>stackadvisor eval · {escape(doc['backend'])}</title><style>{CSS}</style></head>
<body><main>
<h1>stackadvisor eval {state}</h1>
<p class="meta">backend <code>{escape(doc['backend'])}</code> · {counts['hand']} hand-written + {counts['generated']} generated cases ·
{overall['passed']}/{overall['cases']} passed · {doc['seconds']:.1f} s · {escape(doc['generated_at'])}</p>
<div class="cards">{''.join(cards)}</div>
<h2>Charts</h2><div class="charts">{''.join(charts)}</div>
<h2>Gates</h2>{''.join(gates) if doc['gates'] else '<p>No gates configured.</p>'}
<h2>Per category</h2>{''.join(table)}
<h2>What moved since the baseline</h2>{moved_html}
<h2>Failing cases ({len(bad)})</h2>{failing}
</main></body></html>
"""
