"""Decision records (stackadvisor.adr): MADR layout, every claim checked, the CLI, and the HTML in Chromium."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from stackadvisor.adr import decision_record, parse_conversation, read_conversation
from stackadvisor.errors import InputError

OUT = Path(__file__).resolve().parents[1] / "out"
DATE = "2026-12-01"
CONVERSATIONS = {
    "fintech": ["We're building a fintech payments platform.", "Speed matters most to us."],
    "balanced": ["We're building a REST API.", "Speed and ease of learning matter equally to us."],
    "chat": ["We're building a real-time chat app and the team knows React: which backend?"],
    "ml": ["We need an ML-powered backend for recommendations.", "The team knows Python, and Python is faster than Go anyway.",
           "Ecosystem matters a lot."],
    "cpu": ["Video encoding service, CPU-bound work.", "Rust is out for us, too hard to hire for.", "Concurrency matters and ease of learning too."],
}
PICKS = {"fintech": "Rust", "balanced": "Python", "chat": "Node.js", "ml": "Python", "cpu": "Go"}
MADR = ["## Context and Problem Statement", "## Decision Drivers", "## Considered Options", "## Decision Outcome", "### Consequences",
        "### How firm the decision is", "### Confirmation", "## Pros and Cons of the Options", "## More Information"]


@pytest.fixture(scope="module")
def advisor(built_home):
    from stackadvisor.advisor import AdvisorCore

    return AdvisorCore(home=built_home)


@pytest.fixture(scope="module")
def records(advisor):
    return {name: decision_record(turns, advisor=advisor, date=DATE) for name, turns in CONVERSATIONS.items()}


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_record_passes_the_claim_checker(records, advisor, name):
    rec = records[name]
    assert rec.pick == PICKS[name]
    assert rec.contradicted == [], [(c.claim, c.correction) for c in rec.contradicted]
    # the record makes many claims the checker verifies against the table, not none; what it cannot verify is
    # conditional ("then Go fits better"), about the user ("we ruled out Rust") or a section heading
    assert sum(c.verdict == "supported" for c in rec.checks) >= 30
    # the whole document, checked by the public API, minus the user's quoted words: nothing contradicted
    own = "\n".join(ln for ln in rec.markdown.splitlines() if not ln.startswith(">"))
    assert not [c for c in advisor.check(own) if c.verdict == "contradicted" and not c.question]


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_record_has_the_madr_layout(records, name):
    md = records[name].markdown
    assert md.startswith("---\nstatus: proposed\ndate: 2026-12-01\ndecision-makers: the team\n")
    assert f"\n# Use {PICKS[name]} for the backend\n" in md
    positions = [md.index(h + "\n") for h in MADR]
    assert positions == sorted(positions)
    assert f'Chosen option: "{PICKS[name]}", because ' in md


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_record_content(records, name, knowledge):
    rec, table = records[name], knowledge.table
    md = rec.markdown
    for i, _turn in enumerate(CONVERSATIONS[name], start=1):  # context: every turn quoted
        assert f"> Turn {i}: " in md
    options = md[md.index("## Considered Options"):md.index("## Decision Outcome")]
    for lang in table.languages:  # all four options, with their scores and the table cells behind them
        total = rec.ranking.score_of(lang).total
        assert f"* {lang}: fit score {total:.1f}" in options
        assert f"### {lang}\n" in md
        for cid in table.criteria:
            assert rules_cell(table, lang, cid) in md
    consequences = md[md.index("### Consequences"):md.index("### How firm")]
    for con in table.languages[rec.pick].cons:  # consequences: the pick's cons from the article
        assert f"Bad, because the article lists as a con of {rec.pick}: {con.text}" in consequences
    firm = md[md.index("### How firm"):md.index("### Confirmation")]
    assert rec.robustness.summary in firm and f"The pick is {rec.robustness.level}" in firm
    # numbered citations: every [n] used is listed under Sources, and every source is used
    sources = re.findall(r"^\* \[(\d+)\] corpus/article\.md, (.+)$", md, re.M)
    listed = {int(n) for n, _ in sources}
    used = {int(n) for n in re.findall(r"\[(\d+)\]", md[:md.index("Sources:")])}
    assert used == listed == set(range(1, len(sources) + 1))
    where = {w for _, w in sources}
    assert 'section "Performance Comparison"' in where  # the table
    assert f"the {rec.pick} section (heading {list(table.languages).index(rec.pick) + 1})" in where  # the pick's section


def rules_cell(table, lang: str, cid: str) -> str:
    return f"{lang}'s {table.criteria[cid].label.lower()} is {table.languages[lang].cell_text(cid)}"


def test_fragile_record_asks_the_settling_question(records):
    md = records["balanced"].markdown
    assert "The pick is fragile: Python wins in 73% of plausible weightings, Go in 27%." in md
    assert "To settle it, answer this: Which matters more to you: speed or ease of learning? Answer speed and the pick is Go; " \
           "answer ease of learning and it is Python." in md
    assert "* If the weight of speed rises above 0.73 (we said 0.6), the pick becomes Go.\n" in md
    assert "| Speed | 0.60 | 0.00 to 0.73 | over 0.73: Go |" in md
    assert "The pick is firm: Rust wins in 100% of plausible weightings." in records["fintech"].markdown


def test_false_premise_in_a_quote_is_answered_not_repeated(records):
    rec = records["ml"]
    assert [c.claim for c in rec.quote_checks if c.verdict == "contradicted"]  # "Python is faster than Go" was said ...
    assert "Where those words disagree with the article's table, the table says: " in rec.markdown  # ... and is corrected
    assert rec.contradicted == []


def test_chat_decision_record(advisor):
    chat = advisor.chat()
    for turn in CONVERSATIONS["fintech"]:
        chat.ask(turn)
    rec = chat.decision_record(date=DATE)
    assert rec.pick == "Rust" and rec.contradicted == []
    assert rec.markdown == decision_record(CONVERSATIONS["fintech"], advisor=advisor, date=DATE).markdown
    assert str(rec) == rec.markdown


def test_no_needs_no_record(advisor):
    with pytest.raises(InputError, match="no needs"):
        decision_record(["Hello!"], advisor=advisor)
    with pytest.raises(InputError, match="empty"):
        decision_record([], advisor=advisor)


def test_user_text_cannot_inject_markup(advisor):
    evil = 'We need a REST API <script>alert(1)</script> ![x](http://127.0.0.1:9/pixel.png) [click](javascript:alert(2)), speed matters'
    rec = decision_record([evil], advisor=advisor, date=DATE)
    html = rec.html
    body = html.lower()
    assert "<script" not in body and "<img" not in body  # no script runs, no zero-click fetch
    assert "![x](http://127.0.0.1:9/pixel.png)" in html  # the words are still quoted, as text
    titled = decision_record([evil], advisor=advisor, date=DATE, title="<script>alert(3)</script> **plan**").html
    assert "<script" not in titled.lower() and "&lt;script&gt;" in titled
    assert 'href="javascript' not in body and "<a " not in body


# ------------------------------------------------------------------------------------------ conversation files


def test_conversation_formats(tmp_path):
    want = ["We're building a REST API.", "Speed matters most."]
    (tmp_path / "t.txt").write_text("# our chat\nWe're building a REST API.\n\nSpeed matters most.\n")
    (tmp_path / "t.json").write_text(json.dumps(want))
    (tmp_path / "m.json").write_text(json.dumps([{"role": "user", "content": want[0]}, {"role": "assistant", "content": "Python"},
                                                 {"role": "user", "content": want[1]}]))
    (tmp_path / "p.json").write_text(json.dumps([[want[0], "Python"], [want[1], "Go"]]))
    (tmp_path / "t.yaml").write_text("- We're building a REST API.\n- Speed matters most.\n")
    (tmp_path / "d.yaml").write_text("messages:\n  - {role: user, content: \"We're building a REST API.\"}\n  - {role: user, content: Speed matters most.}\n")
    for f in ("t.txt", "t.json", "m.json", "p.json", "t.yaml", "d.yaml"):
        assert read_conversation(tmp_path / f) == want, f
    assert parse_conversation("Rust or Go?\nSpeed: it matters most") == ["Rust or Go?", "Speed: it matters most"]
    (tmp_path / "bad.json").write_text("[unclosed")
    with pytest.raises(InputError, match="not valid JSON"):
        read_conversation(tmp_path / "bad.json")
    with pytest.raises(InputError, match="Cannot read"):
        read_conversation(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="no user turns"):
        parse_conversation("[]", ".json")


def test_cli_adr(built_home, tmp_path, capsys):
    from stackadvisor.cli import main

    conv = tmp_path / "turns.txt"
    conv.write_text("\n".join(CONVERSATIONS["balanced"]) + "\n")
    md = tmp_path / "0001-backend.md"
    assert main(["adr", str(conv), "--out", str(md), "--date", DATE, "--home", str(built_home)]) == 0
    err = capsys.readouterr().err
    assert "decision record for Python" in err and "0 contradicted" in err and "fragile" in err
    assert md.read_text().startswith("---\nstatus: proposed\ndate: 2026-12-01")
    page = tmp_path / "adr.html"
    assert main(["adr", str(conv), "--out", str(page), "--home", str(built_home), "--status", "accepted"]) == 0
    assert page.read_text().startswith("<!doctype html>") and ">accepted<" in page.read_text()
    assert main(["adr", str(conv), "--html", "--home", str(built_home)]) == 0
    assert capsys.readouterr().out.startswith("<!doctype html>")
    empty = tmp_path / "hi.txt"
    empty.write_text("Hello!\n")
    assert main(["adr", str(empty), "--home", str(built_home)]) == 2
    assert "no needs" in capsys.readouterr().err


def test_cli_adr_help_teaches(capsys):
    from stackadvisor.cli import main

    with pytest.raises(SystemExit):
        main(["adr", "--help"])
    text = capsys.readouterr().out
    for part in ("MADR", "Context and Problem Statement", "one user turn per line", '{"role": "user"', "--out", "--html",
                 "plausible weightings", "/adr", "contradicted"):
        assert part in text, part


# ------------------------------------------------------------------------------------------ in Chromium

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.browser
def test_html_renders_in_chromium(records, tmp_path):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    OUT.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name in ("balanced", "fintech"):
                rec = records[name]
                page_file = tmp_path / f"adr-{name}.html"
                rec.write(page_file)
                page = browser.new_page(viewport={"width": 1000, "height": 1200})
                requests: list[str] = []
                page.on("request", lambda r, seen=requests: seen.append(r.url))
                errors: list[str] = []
                page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
                page.goto(page_file.as_uri())
                assert page.title() == f"Use {rec.pick} for the backend"
                assert page.locator("h1").inner_text() == f"Use {rec.pick} for the backend"
                assert page.locator("h2").all_inner_texts()[:4] == ["Context and Problem Statement", "Decision Drivers", "Considered Options",
                                                                   "Decision Outcome"]
                assert page.locator("blockquote").count() == len(CONVERSATIONS[name])
                assert page.locator("svg").count() == 2  # P(win) bars and the tornado
                assert page.locator("table").count() >= 3  # front matter, the comparison table, the tornado table
                assert page.locator(".badge").inner_text() == rec.robustness.level
                box = page.locator("svg").nth(1).bounding_box()
                assert box and box["width"] > 300 and box["height"] > 60
                assert [u for u in requests if not u.startswith("file:")] == [] and errors == []
                page.screenshot(path=str(OUT / f"adr-{name}.png"), full_page=True)
                page.locator("text=How firm the decision is").scroll_into_view_if_needed()
                page.screenshot(path=str(OUT / f"adr-{name}-firmness.png"))
                page.close()
        finally:
            browser.close()
    assert (OUT / "adr-balanced.png").stat().st_size > 20_000


def test_chat_command_writes_the_record(built_home, tmp_path, monkeypatch, capsys):
    from stackadvisor.cli import main

    path = tmp_path / "adr.md"
    lines = iter([*CONVERSATIONS["fintech"], f"/adr {path}", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", "--home", str(built_home)]) == 0
    assert "decision record for Rust" in capsys.readouterr().err
    assert path.read_text().startswith("---\nstatus: proposed\n") and "# Use Rust for the backend" in path.read_text()
