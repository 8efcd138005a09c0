"""Feedback (issue 13): likes and dislikes with an optional comment, stored in SQLite in the data home, read with
`stackadvisor feedback` (list, export as JSON Lines); in the browser the thumbs under an answer store a rating that
survives a server restart."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from stackadvisor.feedback import FILE, MAX_COMMENT, FeedbackStore

CHROMIUM = "/usr/bin/chromium"


def test_rate_comment_change_and_withdraw(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "home")
    assert store.rows() == [] and store.counts() == {"likes": 0, "dislikes": 0, "comments": 0}
    a = store.rate(True, question="Which backend for chat?", answer="Node.js [1]", pick="Node.js", backend="offline", session="s1", turn=1)
    b = store.rate(-1, question="Is Go fast?", answer="Yes", pick=None, backend="offline", session="s1", turn=2)
    assert (tmp_path / "home" / FILE).exists()
    assert store.comment(b, "  Missing the numbers.  ") and not store.comment(999, "x")
    rows = store.rows()
    assert [r["id"] for r in rows] == [b, a], "newest first"
    assert rows[0]["rating"] == -1 and rows[0]["comment"] == "Missing the numbers." and rows[0]["pick"] is None
    assert rows[1] == {**rows[1], "rating": 1, "question": "Which backend for chat?", "pick": "Node.js", "session": "s1", "turn": 1}
    assert store.rate(False, id=a) == a, "a second thumb on the same answer changes its rating"
    assert store.counts() == {"likes": 0, "dislikes": 2, "comments": 1}
    assert store.rows(rating=1) == [] and len(store.rows(rating=-1, limit=1)) == 1
    assert store.remove(a) and not store.remove(a)
    assert [r["id"] for r in store.rows()] == [b]


def test_text_is_bounded_and_stored_as_data(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    evil = "'); DROP TABLE feedback; --"
    rid = store.rate(1, question=evil, answer="x" * 50_000, comment="c" * 10_000)
    row = store.rows()[0]
    assert row["id"] == rid and row["question"] == evil and len(row["answer"]) == 20_000 and len(row["comment"]) == MAX_COMMENT
    with sqlite3.connect(tmp_path / FILE) as con:  # a plain SQLite file anyone can read
        assert con.execute("SELECT count(*) FROM feedback").fetchone() == (1,)


def test_export_jsonl_oldest_first(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    first = store.rate(1, question="q1", answer="a1", comment="good")
    store.rate(-1, question="q2", answer="a2")
    buf = io.StringIO()
    assert store.export_jsonl(buf) == 2
    lines = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert [r["question"] for r in lines] == ["q1", "q2"] and lines[0]["id"] == first and lines[0]["comment"] == "good"
    assert lines[0]["created"].endswith("Z") and set(lines[0]) >= {"rating", "answer", "pick", "backend", "session", "turn"}
    buf = io.StringIO()
    assert store.export_jsonl(buf, rating=-1) == 1


def test_concurrent_ratings_from_threads(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(10):
                store.comment(store.rate(1 if j % 2 else -1, question=f"q{i}-{j}"), f"c{i}-{j}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(store.rows()) == 40 and store.counts()["comments"] == 40


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "STACKADVISOR_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "stackadvisor.cli", "feedback", *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_list_and_export(tmp_path: Path) -> None:
    home = tmp_path / "home"
    empty = cli(home)
    assert empty.returncode == 0 and "0 likes, 0 dislikes" in empty.stdout
    store = FeedbackStore(home)
    store.rate(1, question="Which backend for a chat app?", answer="Node.js", pick="Node.js", backend="offline")
    rid = store.rate(-1, question="Is Python faster than Go?", answer="No", pick=None)
    store.comment(rid, "cite the table row")
    listed = cli(home, "list")
    assert listed.returncode == 0, listed.stderr
    assert "1 like, 1 dislike, 1 with a comment" in listed.stdout and "pick Node.js" in listed.stdout
    assert "comment: cite the table row" in listed.stdout
    assert "Which backend" not in cli(home, "list", "--dislikes").stdout
    as_json = json.loads(cli(home, "list", "--json", "--limit", "1").stdout)
    assert [r["id"] for r in as_json] == [rid]
    out = tmp_path / "feedback.jsonl"
    exported = cli(home, "export", "-o", str(out))
    assert exported.returncode == 0 and "2 ratings written" in exported.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["rating"] for r in rows] == [1, -1] and rows[1]["comment"] == "cite the table row"
    assert cli(home, "export").stdout.count("\n") == 2
    assert "examples:" in cli(home, "--help").stdout


# ------------------------------------------------------------------------------------------ in the browser


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true", reason=f"{CHROMIUM} is missing")
def test_thumbs_and_comment_in_the_ui_survive_a_restart(built_home: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright
    from test_browser import ARGS, CHAT_Q, Tab
    from test_web import running

    home = tmp_path / "home"
    shutil.copytree(built_home, home)  # the session's index, in a data home of this test's own
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            with running(home) as srv:
                t = Tab(browser, srv.url + "/")
                try:
                    t.ask(CHAT_Q)
                    page = t.page
                    page.locator("#chat button[aria-label='Dislike']").last.click()  # the thumbs under the answer
                    expect(page.locator("#feedback-row")).to_be_visible(timeout=5_000)
                    page.fill("#feedback-comment textarea", "Say why Go is not second.")
                    page.click("#feedback-send")
                    expect(page.locator("#feedback-note")).to_contain_text("feedback was saved", timeout=5_000)
                    expect(page.locator("#feedback-row")).to_be_hidden()
                    t.shot(tmp_path, "feedback")
                    assert not t.errors
                finally:
                    t.close()
            rows = FeedbackStore(home).rows()
            assert len(rows) == 1 and rows[0]["rating"] == -1 and rows[0]["pick"] == "Node.js"
            assert rows[0]["comment"] == "Say why Go is not second." and rows[0]["question"] == CHAT_Q
            with running(home) as srv:  # a new server on the same data home: the rating is still there, and more add to it
                t = Tab(browser, srv.url + "/")
                try:
                    t.ask("Is Python faster than Go?")
                    t.page.locator("#chat button[aria-label='Like']").last.click()
                    expect(t.page.locator("#feedback-row")).to_be_visible(timeout=5_000)
                finally:
                    t.close()
        finally:
            browser.close()
    out = cli(home, "export")
    rows: list[dict[str, Any]] = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["rating"], r["comment"]) for r in rows] == [(-1, "Say why Go is not second."), (1, "")], rows
    assert "Python faster than Go" in rows[1]["question"]
