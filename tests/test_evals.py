"""The eval harness: cases load and validate, generated cases cover the table, metrics and gates are
deterministic, the CLI's exit codes, the reports (and the HTML report in a real headless Chromium)."""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from stackadvisor import evals, knowledge
from stackadvisor.advisor import Reply, Source
from stackadvisor.rules import Check, Intent

K = knowledge.load()
TABLE = K.table
EVALS = evals.evals_dir()
CHROMIUM = Path("/usr/bin/chromium")


# ------------------------------------------------------------------------------------------ a stub advisor


class StubChat:
    def __init__(self, advisor: "StubAdvisor") -> None:
        self.advisor = advisor
        self.turns = 0

    def ask(self, question: str) -> Reply:
        self.turns += 1
        return self.advisor.ask(question)


class StubAdvisor:
    """Answers from a script: question -> (pick, answer, sections, intent, contradicted claims)."""

    backend = "stub"

    def __init__(self, script: dict | None = None, claims: dict | None = None, **_: object) -> None:
        self.knowledge = K
        self.table = TABLE
        self.script = script if script is not None else SCRIPT
        self.claims = claims if claims is not None else CLAIMS

    def warm(self) -> "StubAdvisor":
        return self

    def ask(self, question: str) -> Reply:
        pick, answer, sections, intent, bad = self.script.get(question, (None, "I don't know.", [], "vague", []))
        sources = [Source(f"{s}:{i}", s, "text", 0.9 - i / 10) for i, s in enumerate(sections)]
        checks = [Check(c, "contradicted", "table", language="Go") for c in bad]
        return Reply(answer, pick, [], sources, checks, question=question, intent=Intent(intent), latency_ms=1.0, backend=self.backend)

    def chat(self) -> StubChat:
        return StubChat(self)

    def check(self, text: str) -> list[Check]:
        return [Check(claim, verdict, "table", language=lang, criterion=crit) for claim, verdict, lang, crit in self.claims.get(text, [])]


SCRIPT = {
    "We need a blockchain node.": ("Rust", "Rust: best for blockchain. Speed Extremely High.", ["rust", "comparison"], "recommend", []),
    "What is Go's speed?": (None, "Go's speed is Very High.", ["python", "comparison"], "fact", []),
    "Tell me about PHP.": (None, "The article does not cover PHP.", [], "out_of_scope", []),
    "Which is fastest?": ("Python", "Python is the fastest. <script>alert(1)</script>", ["python"], "recommend", ["Python is faster than Go"]),
    "First turn": ("Node.js", "Node.js for real-time.", ["nodejs"], "recommend", []),
    "Second turn": ("Go", "Go for cloud-native.", ["go"], "recommend", []),
}
CLAIMS = {
    "Go is slower than Python.": [("Go is slower than Python", "contradicted", "Go", "speed")],
    "Java is fast.": [],
    "Go is fast.": [("Go is fast", "supported", "Go", "speed")],
}
CASES_YAML = """
category: mixed
cases:
  - id: rec-ok
    question: "We need a blockchain node."
    expect_any: [Rust]
    forbid: [Python]
    expect_sections: [rust]
    must_mention: ["Extremely High", ["fintech", "blockchain"]]
    must_not_say: ["/\\\\bJava\\\\b/"]
  - id: fact-second-hit
    category: facts
    question: "What is Go's speed?"
    expect_no_pick: true
    expect_sections: [go, comparison]
    must_mention: ["/very\\\\s+high/"]
  - id: oos
    category: facts
    question: "Tell me about PHP."
    expect_out_of_scope: true
    expect_no_pick: true
  - id: bad
    question: "Which is fastest?"
    expect_any: [Rust]
    forbid: [Python]
    expect_sections: [rust]
    must_not_say: ["<script>"]
  - id: conversation
    category: multiturn
    turns:
      - {user: "First turn", expect_any: [Node.js]}
      - "Second turn"
    expect_any: [Rust]
  - id: claims
    category: claims
    text: "Go is slower than Python."
    claims:
      - {language: Go, criterion: speed, verdict: contradicted}
      - {text: "Java is fast.", match: Java, verdict: unjudged}
      - {text: "Go is fast.", language: Go, verdict: contradicted}
"""


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    p = tmp_path / "cases.yaml"
    p.write_text(CASES_YAML)
    return p


def _run_stub(cases_file: Path) -> tuple[list[evals.CaseResult], dict]:
    results = evals.run(StubAdvisor(), evals.load_cases(cases_file, K))
    return results, evals.summarise(results)


# ------------------------------------------------------------------------------------------ the built-in cases


def test_builtin_cases_load_with_80_plus_written_by_hand():
    cases = evals.load_cases(EVALS / "cases", K)
    hand = [c for c in cases if c.origin == "hand"]
    assert len(hand) >= 80
    assert len({c.id for c in cases}) == len(cases)
    cats = {c.category for c in hand}
    assert {"recommend", "multiturn", "table-fact", "article-fact", "compare", "out-of-scope", "adversarial", "injection", "claims"} <= cats
    assert any(len(c.turns) > 1 for c in hand)
    assert sum(len(c.claims) for c in hand) >= 20


def test_builtin_gates_and_baseline_are_valid():
    gates = evals.load_gates(EVALS / "gates.yaml", "offline")
    contradicted = [g for g in gates if g["metric"] == "contradicted_answer_rate" and g["scope"] == "overall"]
    assert contradicted and contradicted[0]["op"] == "max" and contradicted[0]["threshold"] == 0
    baseline = evals.load_baseline(EVALS / "baseline.json", required=True)
    assert baseline["backend"] == "offline" and baseline["summary"]["overall"]["cases"] > 0


# ------------------------------------------------------------------------------------------ generated cases


def test_every_cell_is_a_question_and_a_claim_set_with_one_true_level():
    cases = evals.generate_cases(K, ["cells"])
    cells = [(n, cid) for n in TABLE.names for cid in TABLE.criteria if cid in TABLE.languages[n].cells]
    questions = [c for c in cases if c.category == "gen-cell-question"]
    claims = [c for c in cases if c.category == "gen-cell-claim"]
    assert len(questions) == len(claims) == len(cells) == 16
    for case in claims:
        lang, cid = case.claims[0].language, case.claims[0].criterion
        assert [c.text.rsplit(" is ", 1)[1] for c in case.claims] == list(TABLE.criteria[cid].scale)
        supported = [c for c in case.claims if c.verdict == "supported"]
        assert len(supported) == 1 and supported[0].text.endswith(" " + TABLE.level(lang, cid))
    q = next(c for c in questions if c.id == "gen-cell-q-go-concurrency")
    assert q.turns[0].user == "What is Go's concurrency?" and q.expect_sections == ("comparison", "go")
    assert evals.pattern(q.must_mention[0]).search("Go's concurrency is Very High")


def test_every_pair_on_every_criterion_both_directions():
    cases = evals.generate_cases(K, ["pairs"])
    claims = [c for c in cases if c.category == "gen-pair-claim"]
    assert len(claims) == len([c for c in cases if c.category == "gen-pair-question"]) == 6 * len(TABLE.criteria)
    by_text = {c.text: c.verdict for case in claims for c in case.claims}
    assert by_text["Python is faster than Go"] == "contradicted"
    assert by_text["Go is faster than Python"] == "supported"
    assert by_text["Rust is harder to learn than Go"] == "supported"
    assert by_text["Go has a bigger ecosystem than Rust"] == "contradicted"  # both Growing: a tie
    assert by_text["Rust has a smaller ecosystem than Go"] == "contradicted"
    assert len(by_text) == 4 * 6 * len(TABLE.criteria)


def test_generated_cases_follow_a_users_table(tmp_path: Path):
    table = tmp_path / "mine.yaml"
    table.write_text(yaml.safe_dump({"languages": [{"name": "Elixir", "cells": {"speed": "High", "concurrency": "Very High",
                                                                              "learning_curve": "Easy/Medium", "ecosystem": "Growing"}}]}))
    mine = knowledge.load(table=table)
    cases = evals.generate_cases(mine)
    ids = {c.id for c in cases}
    assert "gen-cell-claim-elixir-speed" in ids and "gen-pair-claim-go-elixir-concurrency" in ids
    q = next(c for c in cases if c.id == "gen-cell-q-elixir-speed")
    assert q.expect_sections == ("comparison",)  # the article has no Elixir section
    assert len(cases) == 2 * (5 * 4) + 2 * (10 * 4)


@pytest.mark.parametrize(("level", "scale", "text", "found"), [
    ("High", ("Low", "High", "Very High"), "Node.js: High", True),
    ("High", ("Low", "High", "Very High"), "Go: Very High", False),
    ("High", ("Low", "Moderate", "High", "Very High", "Extremely High"), "Rust: Extremely high", False),
    ("Easy", ("Hard", "Easy/Medium", "Easy", "Very Easy"), "Go is Easy/Medium", False),
    ("Easy", ("Hard", "Easy/Medium", "Easy", "Very Easy"), "Python is Very Easy", False),
    ("Easy", ("Hard", "Easy/Medium", "Easy", "Very Easy"), "Node.js is easy.", True),
    ("Easy/Medium", ("Hard", "Easy/Medium", "Easy", "Very Easy"), "Go is Easy/Medium", True),
    ("Low", ("Low", "Moderate"), "Lower", False),
])
def test_level_regex_does_not_match_inside_a_longer_level(level, scale, text, found):
    assert bool(evals.pattern(evals.level_regex(level, scale)).search(text)) is found


# ------------------------------------------------------------------------------------------ validation: exit 2 material


@pytest.mark.parametrize(("body", "message"), [
    ("cases:\n  - {id: a, question: q, expect_any: [Nodejs]}", "unknown language 'Nodejs'"),
    ("cases:\n  - {id: a, question: q, expect_sections: [golang]}", "unknown section 'golang'"),
    ("cases:\n  - {id: a, question: q, must_mentoin: [x]}", "unknown field(s) must_mentoin"),
    ("cases:\n  - {id: a, text: t, claims: [{verdict: true-ish}]}", "a claim is a mapping with 'verdict'"),
    ("cases:\n  - {id: a, question: q}\n  - {id: a, question: r}", "appears twice"),
    ("cases:\n  - {id: a}", "give 'question' or 'turns'"),
    ("cases:\n  - {id: a, question: q, must_mention: ['/(unclosed/']}", "bad regex"),
    ("cases: [unclosed", "not valid YAML"),
    ("just a string", "expected a mapping with 'cases:'"),
    ("generate: [cells, rows]", "unknown kind(s) rows"),
])
def test_a_bad_cases_file_is_an_error_that_names_the_problem(tmp_path: Path, body: str, message: str):
    p = tmp_path / "bad.yaml"
    p.write_text("category: x\n" + body if not body.startswith("just") else body)
    with pytest.raises(evals.EvalError) as err:
        evals.load_cases(p, K)
    text = str(err.value)
    assert message in text or message.replace("not valid YAML", "cannot read the cases file") in text
    assert "bad.yaml" in text or "appears twice" in text


def test_missing_cases_path_is_an_error(tmp_path: Path):
    with pytest.raises(evals.EvalError, match="No cases at"):
        evals.load_cases(tmp_path / "nope", K)


@pytest.mark.parametrize(("body", "message"), [
    ("overall: {accuracy: {min: 1}}", "unknown metric 'accuracy'"),
    ("overall: {pass_rate: {at_least: 1}}", "must be {min: number} or {max: number}"),
    ("overall: {pass_rate: 0.9}", "must be {min: number} or {max: number}"),
])
def test_a_bad_gates_file_is_an_error(tmp_path: Path, body: str, message: str):
    p = tmp_path / "gates.yaml"
    p.write_text(body)
    with pytest.raises(evals.EvalError, match=re.escape(message)):
        evals.load_gates(p, "offline")


# ------------------------------------------------------------------------------------------ metrics


def test_metrics_on_a_scripted_advisor(cases_file: Path):
    results, summary = _run_stub(cases_file)
    by_id = {r.id: r for r in results}
    assert by_id["rec-ok"].passed, by_id["rec-ok"].failures
    assert by_id["fact-second-hit"].passed and by_id["fact-second-hit"].hit_rank == 2
    assert by_id["oos"].passed and by_id["oos"].out_of_scope is True
    bad = by_id["bad"]
    assert not bad.passed and bad.forbidden == [True] and bad.rec == [False]
    assert any("contradicted claim" in f for f in bad.failures) and any("<script>" in f for f in bad.failures)
    conv = by_id["conversation"]
    assert conv.rec == [True, False] and len(conv.turns) == 2
    claims = by_id["claims"]
    assert [c["ok"] for c in claims.claims] == [True, True, False] and claims.claims[2]["got"] == "supported"

    o = summary["overall"]
    assert o["cases"] == 6 and o["passed"] == 3
    assert o["recommendation_accuracy"] == round(4 / 6, 4)  # right: rec-ok, fact and oos no-pick, turn 1; wrong: bad, turn 2
    assert o["forbidden_pick_rate"] == 0.5
    assert o["retrieval_hit_at_k"] == round(2 / 3, 4) and o["retrieval_mrr"] == round((1 + 0.5 + 0) / 3, 4)
    assert o["claim_accuracy"] == round(2 / 3, 4)
    assert o["must_mention_rate"] == 1.0 and o["must_not_say_rate"] == 0.5
    assert o["contradicted_answer_rate"] == round(1 / 6, 4)  # 6 answers (the conversation has two)
    assert o["out_of_scope_accuracy"] == 1.0
    assert o["fallback_rate"] == 0 and o["corrected_answer_rate"] == 0 and o["error_rate"] == 0
    assert summary["categories"]["claims"]["recommendation_accuracy"] is None
    assert set(summary["categories"]) == {"mixed", "facts", "multiturn", "claims"}


def test_same_numbers_on_every_run(cases_file: Path):
    def strip(summary: dict) -> str:
        return re.sub(r'"latency_p\d+_ms": [0-9.]+', "", json.dumps(summary, sort_keys=True))

    assert strip(_run_stub(cases_file)[1]) == strip(_run_stub(cases_file)[1])


def test_a_product_exception_fails_the_case_not_the_harness(cases_file: Path):
    class Broken(StubAdvisor):
        def ask(self, question: str) -> Reply:
            raise RuntimeError("boom")

    results = evals.run(Broken(), evals.load_cases(cases_file, K))
    r = next(r for r in results if r.id == "rec-ok")
    assert not r.passed and r.error.startswith("RuntimeError: boom")
    assert evals.summarise(results)["overall"]["error_rate"] == round(5 / 6, 4)


@pytest.mark.parametrize(("values", "p50", "p95"), [([], None, None), ([5.0], 5.0, 5.0), (list(map(float, range(1, 101))), 50.0, 95.0),
                                                    ([3.0, 1.0, 2.0, 10.0], 2.0, 10.0)])
def test_percentiles_are_nearest_rank(values, p50, p95):
    assert evals.percentile(values, 50) == p50 and evals.percentile(values, 95) == p95


def test_gates_pass_fail_and_not_applicable(tmp_path: Path, cases_file: Path):
    p = tmp_path / "gates.yaml"
    p.write_text(textwrap.dedent("""
        overall:
          contradicted_answer_rate: {max: 0}
          must_mention_rate: {min: 0.9}
        categories:
          claims: {claim_accuracy: {min: 0.5}}
          nowhere: {pass_rate: {min: 1}}
        backends:
          stub: {overall: {must_mention_rate: {min: 1.0}, contradicted_answer_rate: null}}
    """))
    _, summary = _run_stub(cases_file)
    gates = {f"{g['scope']}.{g['metric']}": g for g in evals.check_gates(evals.load_gates(p, "offline"), summary)}
    assert gates["overall.contradicted_answer_rate"]["status"] == "fail"
    gates = {f"{g['scope']}.{g['metric']}": g for g in evals.check_gates(evals.load_gates(p, "stub"), summary)}
    assert "overall.contradicted_answer_rate" not in gates  # dropped for this backend by `null`
    assert gates["overall.must_mention_rate"]["threshold"] == 1.0 and gates["overall.must_mention_rate"]["status"] == "pass"
    assert gates["claims.claim_accuracy"]["status"] == "pass"
    assert gates["nowhere.pass_rate"]["status"] == "n/a"
    assert {g["threshold"] for g in evals.load_gates(p, "offline") if g["metric"] == "must_mention_rate"} == {0.9}


def test_baseline_deltas_and_flipped_cases(cases_file: Path):
    results, summary = _run_stub(cases_file)
    doc = evals.results_document("stub", results, summary, [], None, 1.0)
    base = evals.baseline_document(doc)
    base["cases"]["rec-ok"], base["cases"]["bad"] = False, True
    base["summary"]["overall"]["claim_accuracy"] = 1.0
    base["path"] = "old.json"
    moved = evals.compare(summary, base, results)
    assert moved["newly_passing"] == ["rec-ok"] and moved["newly_failing"] == ["bad"]
    assert moved["overall"]["claim_accuracy"] == round(2 / 3 - 1, 4) and moved["overall"]["pass_rate"] == 0


# ------------------------------------------------------------------------------------------ the CLI


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cases: Path, gates: str | None, *extra: str) -> tuple[int, Path]:
    from stackadvisor import advisor as advisor_mod
    from stackadvisor import cli

    monkeypatch.setattr(advisor_mod, "AdvisorCore", StubAdvisor)
    report = tmp_path / "report"
    argv = ["eval", "--cases", str(cases), "--report", str(report), *extra]
    (tmp_path / "g.yaml").write_text(gates or "{}")  # never the repository's gates: they are for the real advisor
    argv += ["--gates", str(tmp_path / "g.yaml")]
    return cli.main(argv), report


def test_cli_exit_0_when_gates_pass_and_writes_every_report(tmp_path, monkeypatch, cases_file, capsys):
    code, report = _cli(tmp_path, monkeypatch, cases_file, "overall: {claim_accuracy: {min: 0.5}}")
    assert code == 0
    for name in ("results.json", "report.html", "summary.md", "baseline.json"):
        assert (report / name).is_file(), name
    doc = json.loads((report / "results.json").read_text())
    assert doc["passed"] and doc["backend"] == "stub" and len(doc["results"]) == 6
    assert {"summary", "gates", "results", "case_counts"} <= set(doc)
    out = capsys.readouterr().out
    assert "stackadvisor eval: PASS" in out and "report.html" in out


def test_cli_exit_1_when_a_gate_fails(tmp_path, monkeypatch, cases_file, capsys):
    code, report = _cli(tmp_path, monkeypatch, cases_file, "overall: {contradicted_answer_rate: {max: 0}}")
    assert code == 1
    assert "stackadvisor eval: FAIL" in (report / "summary.md").read_text()


def test_cli_exit_2_on_a_broken_cases_file(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - {id: x, question: q, expect_any: [Cobol]}\n")
    code, _ = _cli(tmp_path, monkeypatch, bad, None)
    assert code == 2
    assert "unknown language 'Cobol'" in capsys.readouterr().err


def test_cli_exit_2_when_the_advisor_does_not_start(tmp_path, monkeypatch, cases_file, capsys):
    class NoStart(StubAdvisor):
        def warm(self) -> "StubAdvisor":
            raise ImportError("cannot import name 'open_retriever'")

    code, _ = _cli(tmp_path, monkeypatch, cases_file, None)
    assert code == 0
    from stackadvisor import advisor as advisor_mod
    from stackadvisor import cli

    monkeypatch.setattr(advisor_mod, "AdvisorCore", NoStart)
    assert cli.main(["eval", "--cases", str(cases_file), "--report", str(tmp_path / "r2")]) == 2
    assert "the eval could not run: ImportError" in capsys.readouterr().err


def test_cli_exit_2_on_a_missing_baseline_and_json_output(tmp_path, monkeypatch, cases_file, capsys):
    code, _ = _cli(tmp_path, monkeypatch, cases_file, None, "--baseline", str(tmp_path / "none.json"))
    assert code == 2 and "Baseline" in capsys.readouterr().err
    code, report = _cli(tmp_path, monkeypatch, cases_file, None, "--json", "--limit", "2")
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["summary"]["overall"]["cases"] == 2 and "results" not in printed


def test_cli_reports_moves_against_a_baseline(tmp_path, monkeypatch, cases_file, capsys):
    code, report = _cli(tmp_path, monkeypatch, cases_file, None)
    base = json.loads((report / "baseline.json").read_text())
    base["cases"]["bad"] = True
    (tmp_path / "base.json").write_text(json.dumps(base))
    code, report = _cli(tmp_path, monkeypatch, cases_file, None, "--baseline", str(tmp_path / "base.json"))
    doc = json.loads((report / "results.json").read_text())
    assert doc["baseline"]["newly_failing"] == ["bad"]
    assert "Newly failing" in (report / "summary.md").read_text() and "Newly failing" in (report / "report.html").read_text()


# ------------------------------------------------------------------------------------------ the HTML report


def test_report_html_is_self_contained_and_escapes_model_text(tmp_path, monkeypatch, cases_file, capsys):
    _, report = _cli(tmp_path, monkeypatch, cases_file, "overall: {pass_rate: {min: 0.9}}")
    html = (report / "report.html").read_text()
    assert "<script" not in html.replace("&lt;script", "")  # the answer's <script> is shown escaped, never run
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # no external JS, CSS, fonts or images
    assert "@import" not in html and "<link" not in html
    assert html.count("<svg") >= 3
    assert 'id="bad"' in html and "Expected" in html and "Got" in html


@pytest.mark.browser
def test_report_opens_in_chromium_and_shows_the_charts(tmp_path, monkeypatch, cases_file, capsys):
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian Chromium is required in CI: apt-get install -y chromium")
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    _, report = _cli(tmp_path, monkeypatch, cases_file, "overall: {pass_rate: {min: 0.9}}")
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                                                          "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto((report / "report.html").as_uri(), wait_until="load")
            charts = page.locator("svg.chart")
            assert charts.count() >= 3
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box and box["width"] > 200 and box["height"] > 50
            assert page.locator("svg.chart rect").count() > 10
            assert "Cases passed per category" in page.locator("svg.chart").first.text_content()
            assert page.locator(".case").count() == 3  # the failing cases, side by side with what was expected
            assert not dialogs  # the escaped <script> in an answer never ran
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            out = Path(os.environ.get("STACKADVISOR_SCREENSHOTS", Path(__file__).resolve().parents[1] / "out" / "screenshots"))
            out.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, out / "eval-report.png")
        finally:
            browser.close()
    assert all(u.startswith("file://") for u in requests), requests


# ------------------------------------------------------------------------------------------ docs and the real advisor


def test_evals_readme_documents_every_field_metric_and_option():
    readme = (EVALS / "README.md").read_text()
    for key in sorted(evals.CASE_KEYS | evals.TURN_KEYS | evals.CLAIM_KEYS):
        assert f"`{key}`" in readme, f"case field {key!r} is not documented in evals/README.md"
    for metric in evals.METRICS:
        assert f"`{metric}`" in readme, f"metric {metric!r} is not documented in evals/README.md"
    for verdict in evals.VERDICTS[:4]:
        assert f"`{verdict}`" in readme
    from stackadvisor.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["eval"]
    for action in sub._actions:
        for opt in action.option_strings:
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in readme, f"eval option {opt} is not documented in evals/README.md"


@pytest.mark.slow
def test_the_real_offline_advisor_gives_the_same_numbers_twice(built_home: Path):
    from stackadvisor import Advisor

    advisor = Advisor(home=built_home).warm()
    cases = evals.load_cases(EVALS / "cases", advisor.knowledge)

    def numbers() -> tuple[str, list]:
        results = evals.run(advisor, cases)
        summary = evals.summarise(results)
        assert summary["overall"]["error_rate"] == 0, [r.error for r in results if r.error][:3]
        text = re.sub(r'"latency_p\d+_ms": [0-9.]+', "", json.dumps(summary, sort_keys=True))
        return text, [(r.id, r.passed, [t.answer for t in r.turns]) for r in results]

    assert numbers() == numbers()


def test_an_llm_answer_that_fell_back_to_offline_is_counted(cases_file: Path):
    class FellBack(StubAdvisor):
        backend = "local:SmolLM2"

        def ask(self, question: str) -> Reply:
            reply = super().ask(question)
            reply.backend, reply.notices = "offline", ["The local model did not answer (timed out); this is the offline answer."]
            return reply

    results = evals.run(FellBack(), evals.load_cases(cases_file, K))
    assert evals.summarise(results)["overall"]["fallback_rate"] == 1.0
    assert results[0].turns[0].notices and results[0].turns[0].fell_back
