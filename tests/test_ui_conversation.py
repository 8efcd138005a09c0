"""Issue 13, the rest, in a real headless Chromium against the real `serve` app: retry, edit and undo rebuild the
advisor's state from the turns kept; the conversation survives a reload (the browser keeps it, the user turns are
replayed); a message sent while an answer is being written is queued, never dropped; a session's state holds no
advisor.

Fixtures (the app under uvicorn in a thread, Debian's Chromium driven by Playwright) come from test_browser.py.
No fixed sleeps: every wait is for an element or a state, with generous timeouts (the machine is loaded).
"""

from __future__ import annotations

import copy
import pickle
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_browser
from test_browser import CHAT_Q, DONE_COUNT, Tab, expect
from test_web import ThreadServer, running

browser, server, tab = test_browser.browser, test_browser.server, test_browser.tab  # its fixtures, used here by name

pytestmark = pytest.mark.browser

WAIT = 60_000  # ms: an answer on a loaded 2-core machine
SHOWN = 15_000  # ms: a panel update that arrives with the answer
SPEED = "Speed matters most"
USERS = "#chat [data-testid='user']"


def users(t: Tab) -> list[str]:
    return [x.strip() for x in t.page.locator(USERS).all_inner_texts()]


def done(t: Tab) -> int:
    return int(t.page.evaluate(DONE_COUNT))


def wait_done(t: Tab, n: int, timeout: int = WAIT) -> None:
    t.page.wait_for_function(f"(n) => ({DONE_COUNT})() === n", arg=n, timeout=timeout)


def send(t: Tab, text: str) -> None:
    t.page.fill("#question textarea", text)
    t.page.press("#question textarea", "Enter")


def pick_of(t: Tab) -> str:
    m = re.search(r"Pick: (\S+)", t.page.inner_text("#pick"))
    return m.group(1) if m else ""



def last_bot_button(t: Tab, label: str) -> Any:
    return t.page.locator(f"#chat .message-buttons button[aria-label='{label}']").last


@pytest.fixture(scope="module")
def advisor(built_home: Path) -> Any:
    """The same advisor, in this process: the figures the page must show."""
    from stackadvisor.advisor import AdvisorCore

    return AdvisorCore(home=built_home)


# ------------------------------------------------------------------------------------------ 1. retry, edit, undo


@pytest.fixture(scope="module")
def counted(built_home: Path) -> Iterator[ThreadServer]:
    """The real app whose answers end with "(take N)", N counting every answer written: an answer written again shows."""
    from dataclasses import replace

    from stackadvisor import Advisor
    from stackadvisor.advisor import Reply

    lock = threading.Lock()

    class Counted(Advisor):
        takes = 0

        def _run(self, *a: Any, **kw: Any):  # noqa: ANN202
            for item in super()._run(*a, **kw):
                if isinstance(item, Reply) and item.question:
                    with lock:
                        Counted.takes += 1
                        n = Counted.takes
                    yield f"\n\n(take {n})"
                    yield replace(item, answer=item.answer + f"\n\n(take {n})")
                else:
                    yield item

    with running(built_home, advisor=Counted(home=built_home)) as srv:
        yield srv


@pytest.fixture
def ctab(browser: Any, counted: ThreadServer) -> Iterator[Tab]:
    t = Tab(browser, counted.url + "/")
    yield t
    t.close()


def takes(t: Tab) -> list[int]:
    return [int(n) for n in re.findall(r"\(take (\d+)\)", " ".join(t.page.locator("#chat [data-testid='bot']").all_inner_texts()))]


def test_retry_writes_the_last_answer_again_from_the_turns_before_it(ctab: Tab, tmp_path: Path) -> None:
    t, page = ctab, ctab.page
    t.ask(CHAT_Q)
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=SHOWN)
    t.ask(SPEED)
    expect(page.locator("#pick")).not_to_contain_text("Pick: Node.js", timeout=SHOWN)
    pick, first, second = pick_of(t), *takes(t)
    assert second > first, takes(t)
    retry = last_bot_button(t, "Retry")
    expect(retry).to_be_visible(timeout=SHOWN)
    retry.click()
    page.wait_for_function("(n) => [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].some(e => e.innerText.includes(`(take ${n})`))",
                           arg=second + 1, timeout=WAIT)
    wait_done(t, 2)
    assert takes(t) == [first, second + 1], "the last answer was replaced by a new one; the first stays as it was"
    assert users(t) == [CHAT_Q, SPEED], "the question is asked again, not added"
    expect(page.locator("#pick")).to_contain_text(f"Pick: {pick}", timeout=SHOWN)
    # the advisor's state is the one after the first turn again: the new answer changed the pick from Node.js
    page.get_by_text("How this answer was reached").last.click()
    changed = page.locator("#chat .thought-group").filter(has_text="What changed since the last answer").last
    changed.locator(".title").last.click()
    expect(changed).to_contain_text(f"Pick: Node.js → {pick}", timeout=SHOWN)
    t.shot(tmp_path, "retried")
    # and the conversation goes on from there as usual
    t.ask("Which backend do you recommend now?")
    expect(page.locator("#pick")).to_contain_text(f"Pick: {pick}", timeout=SHOWN)
    assert len(users(t)) == 3 and not t.errors


def test_edit_a_question_asks_again_from_there(ctab: Tab, advisor: Any, tmp_path: Path) -> None:
    t, page = ctab, ctab.page
    t.ask(CHAT_Q)
    t.ask(SPEED)
    assert done(t) == 2
    edited = "We're building a data-heavy REST API and our team knows Python"
    expected = advisor.chat().ask(edited)
    assert expected.recommendation and expected.recommendation != "Node.js"
    first = page.locator(USERS).first
    first.hover()
    page.locator("#chat button[aria-label='Edit']").first.click()
    box = page.locator("#chat textarea.edit-textarea")
    expect(box).to_be_visible(timeout=SHOWN)
    box.fill(edited)
    page.locator("#chat button[aria-label='Submit']").first.click()
    page.wait_for_function("(q) => [...document.querySelectorAll('#chat [data-testid=\"user\"]')].map(e => e.innerText.trim()).join('|') === q",
                           arg=edited, timeout=WAIT)
    wait_done(t, 1)
    assert users(t) == [edited], "the messages after the edited one are gone"
    expect(page.locator("#pick")).to_contain_text(f"Pick: {expected.recommendation}", timeout=SHOWN)
    # the advisor's state was rebuilt without the old turns: nothing of the chat app, React or speed is left
    summary = page.inner_text("#needs-summary")
    assert "Real-time" not in summary and "Node.js" not in summary and "team knows Python" in summary, summary
    expect(page.locator("#sa-decision")).to_have_attribute("data-pick", expected.recommendation, timeout=SHOWN)
    t.shot(tmp_path, "edited")
    assert not t.errors


def test_an_empty_edit_changes_nothing(ctab: Tab) -> None:
    t, page = ctab, ctab.page
    t.ask(CHAT_Q)
    page.locator(USERS).first.hover()
    page.locator("#chat button[aria-label='Edit']").first.click()
    page.locator("#chat textarea.edit-textarea").fill("   ")
    page.locator("#chat button[aria-label='Submit']").first.click()
    expect(page.locator("#input-note")).to_contain_text("The question was not changed", timeout=SHOWN)
    assert users(t) == [CHAT_Q] and done(t) == 1
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js")


def test_undo_takes_the_last_question_back(ctab: Tab) -> None:
    t, page = ctab, ctab.page
    t.ask(CHAT_Q)
    t.ask(SPEED)
    expect(page.locator("#pick")).not_to_contain_text("Pick: Node.js", timeout=SHOWN)
    last_bot_button(t, "Undo").click()
    page.wait_for_function(f"() => document.querySelectorAll(\"{USERS}\").length === 1", timeout=WAIT)
    assert users(t) == [CHAT_Q] and done(t) == 1
    expect(page.locator("#question textarea")).to_have_value(SPEED, timeout=SHOWN)  # back in the box, to change or send again
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=SHOWN)  # the state after the first turn
    assert "Speed" not in page.inner_text("#needs-summary")
    t.ask("Which backend do you recommend now?")
    expect(page.locator("#pick")).to_contain_text("Pick: Node.js", timeout=SHOWN)
    assert not t.errors


def test_no_retry_or_undo_before_the_first_question(ctab: Tab) -> None:
    page = ctab.page
    page.wait_for_selector("#chat [data-testid='bot']", timeout=SHOWN)
    assert page.locator("#chat button[aria-label='Retry']:visible, #chat button[aria-label='Undo']:visible").count() == 0


# ------------------------------------------------------------------------------------------ 2. history that survives a reload


KEPT = "() => localStorage.getItem('stackadvisor-conversation')"  # what the browser keeps of the conversation (encrypted)


def reload(t: Tab) -> None:
    t.page.reload(wait_until="domcontentloaded")
    t.page.wait_for_selector("#question textarea", timeout=20_000)


def test_the_conversation_survives_a_reload(tab: Tab, tmp_path: Path) -> None:
    t, page = tab, tab.page
    t.ask(CHAT_Q)
    t.ask(SPEED)
    pick = pick_of(t)
    assert pick and pick != "Node.js"
    before = users(t)
    summary = page.inner_text("#needs-summary")
    reload(t)
    page.wait_for_function(f"() => document.querySelectorAll(\"{USERS}\").length === 2", timeout=WAIT)
    assert users(t) == before
    wait_done(t, 2)  # both answers, with their badges, sources and steps
    expect(page.locator("#pick")).to_contain_text(f"Pick: {pick}", timeout=SHOWN)  # the side panel too
    expect(page.locator("#needs-summary")).to_have_text(summary, timeout=SHOWN)
    expect(page.locator("#sa-decision")).to_have_attribute("data-pick", pick, timeout=SHOWN)
    t.shot(tmp_path, "reloaded")
    # the citations of a restored answer open their passage
    page.locator("#chat [data-testid='bot'] a[href^='#sa-src-']").first.click()
    expect(page.locator("dialog#sa-card mark")).to_be_visible(timeout=SHOWN)
    page.keyboard.press("Escape")
    # the advisor's state came back too: a follow-up needs the needs of both turns
    t.ask("Which backend do you recommend now?")
    expect(page.locator("#pick")).to_contain_text(f"Pick: {pick}", timeout=SHOWN)
    last = page.locator("#chat .thought-group").filter(has_text="Pick: ").last.inner_text()
    assert f"Pick: {pick}" in last, last
    assert users(t) == [*before, "Which backend do you recommend now?"]
    # a new conversation is kept too: after it, a reload shows the welcome alone
    page.click("#new-chat")
    page.wait_for_function(f"() => document.querySelectorAll(\"{USERS}\").length === 0", timeout=SHOWN)
    reload(t)
    page.wait_for_selector("#chat [data-testid='bot']", timeout=SHOWN)
    page.wait_for_function("() => document.querySelector('#pick').innerText.includes('No pick yet')", timeout=SHOWN)
    assert users(t) == [] and not t.errors


def test_a_weight_set_in_the_panel_survives_a_reload(tab: Tab) -> None:
    t, page = tab, tab.page
    t.ask(CHAT_Q)
    answered = page.wait_for_function(KEPT, timeout=SHOWN).json_value()  # the answer's copy, in localStorage
    t.set_slider("w-speed", "End")  # after the answer: the panel's pick moves, the answer is out of date
    expect(page.locator("#pick")).not_to_contain_text("Pick: Node.js", timeout=SHOWN)
    pick = pick_of(t)
    expect(page.locator("#stale")).to_be_visible(timeout=SHOWN)
    page.wait_for_function(f"(was) => {{ const now = ({KEPT})(); return now && now !== was; }}", arg=answered, timeout=SHOWN)  # the panel's
    reload(t)
    page.wait_for_function(f"() => document.querySelectorAll(\"{USERS}\").length === 1", timeout=WAIT)
    expect(page.locator("#pick")).to_contain_text(f"Pick: {pick}", timeout=SHOWN)
    expect(page.locator("#sa-decision tr[data-criterion='speed'] th")).to_have_attribute("data-weight", "1.00", timeout=SHOWN)
    expect(page.locator("#stale")).to_be_visible(timeout=SHOWN)  # the answer above is still out of date
    expect(page.locator("#answer-again")).to_be_visible()
    t.ask("Which backend do you recommend now?")
    expect(page.locator("#pick")).to_contain_text(f"Pick: {pick}", timeout=SHOWN)
    assert not t.errors


def test_a_tampered_saved_conversation_renders_as_text() -> None:
    """What comes back from a browser is checked before it is shown: our own markup passes, anything else is text."""
    from stackadvisor.ui import safe_message

    ours = {"role": "assistant", "content": "Node.js fits [\\[1\\]](#sa-src-1-1 \"Source 1: Node.js\") &lt;b&gt;",
            "metadata": {"title": "Pick: Node.js", "status": "done", "id": "checks-1"}, "options": [{"label": "Speed", "value": "Speed"}]}
    assert safe_message(ours) == ours
    evil = safe_message({"role": "assistant", "content": '<img src=x onerror="alert(1)"> ![x](http://evil.example/a.png) [a](javascript:alert(1))',
                         "metadata": {"title": "<script>alert(1)</script>", "status": "evil", "onclick": "x"}})
    assert evil is not None
    assert "<img" not in evil["content"] and "http://evil.example" not in evil["content"] and "javascript:" not in evil["content"]
    assert "<script>" not in evil["metadata"]["title"] and "status" not in evil["metadata"] and "onclick" not in evil["metadata"]
    assert safe_message({"role": "system", "content": "x"}) is None and safe_message({"role": "user", "content": 3}) is None


# ------------------------------------------------------------------------------------------ 4. a send while an answer is written


@pytest.fixture(scope="module")
def slow(built_home: Path) -> Iterator[tuple[ThreadServer, threading.Event]]:
    """The real app whose answers come a line every 0.4 s (released at the end of the module)."""
    from stackadvisor import Advisor

    release = threading.Event()

    class Slow(Advisor):
        def _run(self, *a: Any, **kw: Any):  # noqa: ANN202
            for item in super()._run(*a, **kw):
                if isinstance(item, str):
                    release.wait(0.4)
                yield item

    with running(built_home, advisor=Slow(home=built_home)) as srv:
        try:
            yield srv, release
        finally:
            release.set()


@pytest.fixture
def stab(browser: Any, slow: tuple[ThreadServer, threading.Event]) -> Iterator[Tab]:
    t = Tab(browser, slow[0].url + "/")
    yield t
    t.close()


def streaming(t: Tab) -> None:
    expect(t.page.locator("#stop")).to_be_visible(timeout=SHOWN)
    t.page.wait_for_function("() => [...document.querySelectorAll('#chat [data-testid=\"bot\"]')].pop().innerText.trim().length > 0",
                             timeout=SHOWN)


def test_a_message_sent_while_an_answer_streams_is_queued(stab: Tab, tmp_path: Path) -> None:
    t, page = stab, stab.page
    second = "Is Python faster than Go?"
    send(t, CHAT_Q)
    streaming(t)
    send(t, second)  # Enter while the first answer is being written
    note = page.locator("#queue-note")
    expect(note).to_contain_text("Queued", timeout=SHOWN)
    expect(note).to_contain_text(second)
    expect(page.locator("#question textarea")).to_have_value("")
    assert users(t) == [CHAT_Q], "it waits: no bubble yet"
    t.shot(tmp_path, "queued")
    wait_done(t, 2, timeout=2 * WAIT)  # both answered, in order
    assert users(t) == [CHAT_Q, second]
    expect(note).to_be_hidden(timeout=SHOWN)
    expect(page.locator("#send")).to_be_visible(timeout=SHOWN)
    expect(page.locator("#stop")).to_be_hidden()
    bots = page.locator("#chat [data-testid='bot']").all_inner_texts()
    assert any("Node.js" in b for b in bots) and "Python" in bots[-1] + " ".join(bots[-6:])
    assert not t.errors


def test_an_example_clicked_while_an_answer_streams_is_queued_too(stab: Tab) -> None:
    t, page = stab, stab.page
    send(t, "Compare Go and Rust for concurrency.")
    streaming(t)
    page.locator("#examples button").filter(has_text="Is Python faster than Go?").click()
    expect(page.locator("#queue-note")).to_contain_text("Is Python faster than Go?", timeout=SHOWN)
    wait_done(t, 2, timeout=2 * WAIT)
    assert users(t) == ["Compare Go and Rust for concurrency.", "Is Python faster than Go?"] and not t.errors


def test_stop_hands_a_queued_message_back(stab: Tab) -> None:
    t, page = stab, stab.page
    second = "Is Python faster than Go?"
    send(t, CHAT_Q)
    streaming(t)
    send(t, second)
    expect(page.locator("#queue-note")).to_contain_text("Queued", timeout=SHOWN)
    page.click("#stop")
    expect(page.locator("#chat")).to_contain_text("(stopped)", timeout=SHOWN)
    expect(page.locator("#question textarea")).to_have_value(second, timeout=SHOWN)  # not sent, and says so
    expect(page.locator("#input-note")).to_contain_text("Not sent", timeout=SHOWN)
    expect(page.locator("#queue-note")).to_be_hidden()
    assert users(t) == [CHAT_Q] and done(t) == 0
    page.press("#question textarea", "Enter")  # now it is sent
    wait_done(t, 1, timeout=2 * WAIT)
    assert users(t) == [CHAT_Q, second] and not t.errors


# ------------------------------------------------------------------------------------------ 5. no advisor in a session's state


def _sessions(srv: ThreadServer) -> list[Any]:
    from starlette.routing import Mount

    from stackadvisor.ui import Session

    apps = [r.app for r in srv.app.routes if isinstance(r, Mount) and hasattr(r.app, "get_blocks")]
    assert apps, "the Gradio app is mounted"
    holder = apps[0].get_blocks().state_holder
    out = []
    for state in list(holder.session_data.values()):
        out.extend(v for v in list(state.state_data.values()) if isinstance(v, Session))
    return out


def _reachable(root: Any, limit: int = 200_000) -> Iterator[Any]:
    """Every object a session's state holds (what copying or pickling it would copy): instance attributes and
    container items, not classes or modules."""
    seen, todo = set(), [root]
    while todo and len(seen) < limit:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (type, type(re), str, bytes, int, float, bool)) or obj is None:
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, dict):
            todo.extend(obj.keys())
            todo.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend(obj)
        else:
            todo.extend(getattr(obj, "__dict__", {}).values())
            for name in getattr(type(obj), "__slots__", ()):
                if hasattr(obj, name):
                    todo.append(getattr(obj, name))


def test_a_sessions_state_holds_no_advisor(tab: Tab, server: ThreadServer) -> None:
    from stackadvisor.advisor import AdvisorCore
    from stackadvisor.knowledge import Knowledge

    tab.ask(CHAT_Q)
    tab.ask(SPEED)
    sessions = [s for s in _sessions(server) if sum(m.get("role") == "user" for m in s.messages) == 2 and SPEED in str(s.messages)]
    assert sessions, "the tab's session is in the app's state"
    state = sessions[-1]
    heavy = [type(o).__name__ for o in _reachable(state) if isinstance(o, (AdvisorCore, Knowledge))]
    assert not heavy, f"the session's state holds {heavy[:3]}: every tab would carry (and copy) the advisor"
    twin = copy.deepcopy(state)  # what gr.State may do to a value it is given: possible without the advisor's locks
    assert len(pickle.dumps(state)) < 2_000_000
    # the copy still talks to the app's advisor: its conversation goes on
    assert twin.chat.advisor is state.chat.advisor and twin.chat.ask("Which backend do you recommend now?").recommendation == pick_of(tab)


def test_the_chat_api_keeps_its_shape(server: ThreadServer) -> None:
    """The UI's /chat endpoint (gradio_client): the chat comes first, and a client's conversation carries over."""
    import contextlib

    from gradio_client import Client

    with contextlib.closing(Client(server.url, verbose=False, download_files=False)) as client:
        client.predict(CHAT_Q, api_name="/chat")
        result = client.predict("Which backend do you recommend now?", api_name="/chat")
    chat = result[0]
    assert isinstance(chat, list) and [m["role"] for m in chat[:2]] == ["assistant", "user"]
    assert "Pick: Node.js" in " ".join(str((m.get("metadata") or {}).get("title", "")) for m in chat)
