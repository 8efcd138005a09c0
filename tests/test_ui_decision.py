"""Issue 13, the decision view, in a real headless Chromium against the real `serve` app: on a desktop's first screen
the four languages side by side on the table's criteria, the weights set now and the pick, with the detailed
controls folded below it; it follows the conversation and the controls.

Fixtures come from test_browser.py. Every wait is for an element or a state, with generous timeouts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_browser
from test_browser import CHAT_Q, DESKTOP, PHONE, Tab, expect

browser, server = test_browser.browser, test_browser.server  # its fixtures, used here by name

pytestmark = pytest.mark.browser

SHOWN = 15_000


@pytest.fixture(scope="module")
def advisor(built_home: Path) -> Any:
    from stackadvisor.advisor import AdvisorCore

    return AdvisorCore(home=built_home)


def view(page: Any) -> dict[str, Any]:
    """What the decision view shows, read from the page."""
    return page.evaluate("""() => {
      const v = document.querySelector('#sa-decision');
      const cols = [...v.querySelectorAll('thead th[data-language]')].map(th => th.dataset.language);
      const rows = [...v.querySelectorAll('tbody tr[data-criterion]')].filter(r => r.dataset.criterion !== 'other');
      return {
        pick: v.dataset.pick, cols,
        marked: [...v.querySelectorAll('thead th.sa-pick')].map(th => th.dataset.language),
        criteria: rows.map(r => r.dataset.criterion),
        labels: rows.map(r => r.querySelector('th').firstChild.textContent.trim()),
        weights: Object.fromEntries(rows.map(r => [r.dataset.criterion, r.querySelector('th').dataset.weight])),
        shown: Object.fromEntries(rows.map(r => [r.dataset.criterion, r.querySelector('.sa-weight').innerText.trim()])),
        ratings: Object.fromEntries(rows.map(r => [r.dataset.criterion,
          Object.fromEntries([...r.querySelectorAll('td[data-language]')].map(td => [td.dataset.language, td.querySelector('.sa-rating').innerText.trim()]))])),
        fit: [...v.querySelectorAll('tfoot td[data-language]')].map(td => [td.dataset.language, td.innerText.trim()]),
        caption: v.querySelector('caption').innerText,
      };
    }""")


def box(page: Any, sel: str) -> dict[str, float]:
    return page.locator(sel).first.evaluate("e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def test_the_decision_view_is_on_the_first_screen_and_follows_the_conversation(browser: Any, server: Any, advisor: Any,
                                                                               tmp_path: Path) -> None:
    table = advisor.table
    t = Tab(browser, server.url + "/", viewport=DESKTOP)
    try:
        page = t.page
        decision = page.locator("#sa-decision")
        expect(decision).to_be_visible(timeout=SHOWN)
        v = view(page)
        assert v["cols"] == list(table.languages), "the four languages side by side, in the table's order"
        assert v["criteria"] == list(table.criteria) and v["labels"] == [c.label for c in table.criteria.values()]
        assert v["ratings"] == {cid: {n: lang.cells[cid] for n, lang in table.languages.items()} for cid in table.criteria}
        assert set(v["shown"].values()) == {"not set"} and v["pick"] == "" and "no pick yet" in v["caption"]
        # visible without scrolling on a desktop, the detailed controls folded below it
        b, height, width = box(page, "#sa-decision"), DESKTOP[1], DESKTOP[0]
        assert b["top"] >= 0 and b["bottom"] <= height and b["right"] <= width, b
        assert box(page, "#needs")["top"] >= b["bottom"]
        expect(page.locator("#w-speed input[type=range]")).to_be_hidden()
        t.shot(tmp_path, "decision-first-screen")

        t.ask(CHAT_Q)
        reply = advisor.ask(CHAT_Q)
        expect(decision).to_have_attribute("data-pick", reply.recommendation, timeout=SHOWN)
        v = view(page)
        assert v["marked"] == [reply.recommendation] == ["Node.js"] and reply.recommendation in v["caption"]
        assert v["weights"] == {cid: f"{reply.needs.priorities.get(cid, 0.0):.2f}" for cid in table.criteria}, v["weights"]
        assert any(s.startswith("weight ") for s in v["shown"].values())
        ranked = [s.language for s in reply.scores]
        assert [name for name, _ in sorted(v["fit"], key=lambda x: int(x[1].split("#")[1]))] == ranked, v["fit"]
        assert all(f"{s.total:.1f}" in dict(v["fit"])[s.language] for s in reply.scores)
        b = box(page, "#sa-decision")
        assert b["bottom"] <= height, "still on the first screen after an answer"
        expect(page.locator("#w-speed input[type=range]")).to_be_hidden()  # the controls stay folded
        assert box(page, "#needs")["top"] >= b["bottom"]
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        assert page.locator("#sa-decision").evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the view fits its column"
        t.shot(tmp_path, "decision-answer")

        t.set_slider("w-speed", "End")  # a control below moves the view with it
        page.wait_for_function("() => document.querySelector('#sa-decision tr[data-criterion=speed] th').dataset.weight === '1.00'",
                               timeout=SHOWN)
        expect(decision).not_to_have_attribute("data-pick", "Node.js", timeout=SHOWN)
        now = view(page)["pick"]
        expect(page.locator("#pick")).to_contain_text(f"Pick: {now}")
        assert view(page)["marked"] == [now]
        t.shot(tmp_path, "decision-slider")
        assert not t.errors
    finally:
        t.close()


def test_the_decision_view_on_a_phone(browser: Any, server: Any, tmp_path: Path) -> None:
    """On a phone it follows the chat (the chat comes first) and fits the screen's width."""
    t = Tab(browser, server.url + "/", viewport=PHONE)
    try:
        page = t.page
        t.ask(CHAT_Q)
        expect(page.locator("#sa-decision")).to_have_attribute("data-pick", "Node.js", timeout=SHOWN)
        assert box(page, "#sa-decision")["top"] > box(page, "#question")["top"]
        assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        page.locator("#sa-decision").scroll_into_view_if_needed()
        t.shot(tmp_path, "decision-phone")
        assert not t.errors
    finally:
        t.close()
