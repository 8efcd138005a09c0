"""Issue 14 in a real headless Chromium: how firm the pick is (summary, P(win) chart, tornado) in the side panel, the
trade-off questions of a fragile pick as clickable replies, and the decision record (ADR) as a downloaded HTML file.

Fixtures (the real `serve` app in a thread, Debian's Chromium driven by Playwright) come from test_browser.py.
No fixed sleeps: every wait is for an element or a state, with generous timeouts (the machine is loaded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_browser
from test_browser import CHAT_Q, DONE_COUNT, Tab, expect

browser, server, tab = test_browser.browser, test_browser.server, test_browser.tab  # its fixtures, used here by name

pytestmark = pytest.mark.browser

BALANCED = "We're building a REST API; speed and ease of learning matter equally. Which backend?"
WAIT = 60_000  # ms: an answer on a loaded 2-core machine
SHOWN = 15_000  # ms: a panel update that arrives with the answer


@pytest.fixture(scope="module")
def advisor(built_home: Path) -> Any:
    """The same advisor, in this process: the figures the page must show."""
    from stackadvisor.advisor import AdvisorCore

    return AdvisorCore(home=built_home)


def ask(t: Tab, question: str) -> None:
    """Send a question and wait for its whole answer (one more verification badge)."""
    done = t.page.evaluate(DONE_COUNT)
    t.page.fill("#question textarea", question)
    t.page.press("#question textarea", "Enter")
    t.page.wait_for_function(f"(n) => ({DONE_COUNT})() > n", arg=done, timeout=WAIT)


def test_firmness_summary_and_chart_after_a_pick(tab: Tab, advisor: Any, tmp_path: Path) -> None:
    page = tab.page
    expect(page.locator("#sa-firmness")).to_have_count(0)  # nothing before a pick
    expect(page.locator("#adr-download")).to_be_hidden()
    ask(tab, CHAT_Q)
    rob = advisor.ask(CHAT_Q).robustness
    firm = page.locator("#sa-firmness")
    expect(firm).to_be_visible(timeout=SHOWN)
    expect(firm).to_contain_text("How firm", timeout=SHOWN)
    expect(firm.locator(".sa-firm-summary")).to_have_text(rob.summary, timeout=SHOWN)
    assert firm.get_attribute("data-pick") == rob.pick == "Node.js" and firm.get_attribute("data-level") == rob.level
    # the chart: one bar per language, best first, the shares as computed, adding up to 1
    bars = page.eval_on_selector_all("#sa-firmness .sa-win", "rows => rows.map(r => [r.dataset.language, Number(r.dataset.p)])")
    assert [name for name, _ in bars] == list(rob.win) and bars[0][0] == rob.pick, bars
    assert all(abs(p - rob.win[name]) < 1e-3 for name, p in bars) and abs(sum(p for _, p in bars) - 1) < 1e-3, bars
    assert page.locator("#sa-firmness .sa-win .sa-fill").first.evaluate("e => e.getBoundingClientRect().width") > 0
    # the tornado: one row per criterion, with the weight range over which the pick holds
    rows = page.eval_on_selector_all("#sa-firmness .sa-tornado tbody tr", "rows => rows.map(r => r.dataset.criterion)")
    assert rows == [s.criterion for s in rob.tornado] and len(rows) >= 2, rows
    first = rob.tornado[0]
    expect(page.locator(f"#sa-firmness tr[data-criterion='{first.criterion}']")).to_contain_text(first.label)
    assert rob.level == "firm" and page.locator("#chat button.option").count() == 0  # a firm pick asks nothing back
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")
    tab.shot(tmp_path, "firmness")
    assert not tab.errors


def test_a_fragile_pick_offers_a_trade_off_to_click(tab: Tab, advisor: Any, tmp_path: Path) -> None:
    page = tab.page
    ask(tab, BALANCED)
    rob = advisor.ask(BALANCED).robustness
    assert rob.fragile and rob.questions
    firm = page.locator("#sa-firmness")
    expect(firm).to_have_attribute("data-level", "fragile", timeout=SHOWN)
    expect(firm.locator(".sa-firm-summary")).to_have_text(rob.summary, timeout=SHOWN)
    answer = rob.questions[0].options[0]["answer"]  # "Speed matters more than ease of learning"
    options = page.locator("#chat button.option")
    expect(options.filter(has_text=answer)).to_be_visible(timeout=SHOWN)
    labels = options.all_inner_texts()
    wanted = {o["answer"] for q in rob.questions for o in q.options}
    assert wanted == {x.strip() for x in labels}, labels
    tab.shot(tmp_path, "trade-off-replies")
    done = page.evaluate(DONE_COUNT)
    options.filter(has_text=answer).click()  # a click sends the answer as the next message
    page.wait_for_function(f"(n) => ({DONE_COUNT})() > n", arg=done, timeout=WAIT)
    expect(page.locator("#chat [data-testid='user']").last).to_have_text(answer, timeout=SHOWN)
    assert page.locator("#chat [data-testid='user']").count() == 2
    expect(page.locator("#sa-firmness")).to_be_visible(timeout=SHOWN)
    assert not tab.errors


def test_download_the_decision_record(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    button = page.locator("#adr-download")
    expect(button).to_be_hidden()  # no pick, no record
    ask(tab, CHAT_Q)
    expect(button).to_be_visible(timeout=SHOWN)
    expect(button).to_contain_text("Download decision record")
    with page.expect_download(timeout=WAIT) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".html"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    for section in ("Context and Problem Statement", "Considered Options", "Decision Outcome", "Consequences"):
        assert section in text, section
    assert "Use Node.js for the backend" in text and "Node.js" in text
    assert "real-time chat app" in text  # the needs, quoted from the conversation
    # the record renders in the browser
    view = tab.context.new_page()
    try:
        view.goto(saved.as_uri(), wait_until="domcontentloaded")
        expect(view.locator("h1")).to_contain_text("Use Node.js for the backend", timeout=SHOWN)
        expect(view.get_by_role("heading", name="Decision Outcome")).to_be_visible(timeout=SHOWN)
    finally:
        view.close()
    page.click("#new-chat")  # a new conversation has no pick: the button goes away
    expect(button).to_be_hidden(timeout=SHOWN)
    expect(page.locator("#sa-firmness")).to_have_count(0, timeout=SHOWN)
    assert not tab.errors
