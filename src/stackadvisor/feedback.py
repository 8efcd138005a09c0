"""Feedback on answers: like or dislike, with an optional comment, kept durably in SQLite in the data home.

    <home>/feedback.sqlite3    one row per rating: when, which conversation and answer, the question, the answer,
                               the pick, the backend, +1 / -1 and the comment (added or changed later)

The web UI writes it (the thumbs under each answer, then an optional comment); `stackadvisor feedback` lists it
and exports it as JSON Lines. Every call opens its own connection (the UI answers on several threads) and the
database runs in WAL mode, so a reader never blocks the server. Text is stored bounded (MAX_TEXT characters).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import IO, Any

FILE = "feedback.sqlite3"
MAX_TEXT = 20_000  # characters kept of a question or an answer
MAX_COMMENT = 2_000  # characters kept of a comment

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    created   REAL    NOT NULL,
    updated   REAL    NOT NULL,
    session   TEXT    NOT NULL DEFAULT '',
    turn      INTEGER NOT NULL DEFAULT 0,
    rating    INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment   TEXT    NOT NULL DEFAULT '',
    question  TEXT    NOT NULL DEFAULT '',
    answer    TEXT    NOT NULL DEFAULT '',
    pick      TEXT,
    backend   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback (created);
"""
COLUMNS = ("id", "created", "updated", "session", "turn", "rating", "comment", "question", "answer", "pick", "backend")


def _bounded(text: object, limit: int) -> str:
    return str(text or "")[:limit]


class FeedbackStore:
    """The feedback database of one data home."""

    def __init__(self, home: str | Path) -> None:
        self.path = Path(home) / FILE

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(_SCHEMA)
        return con

    def rate(self, rating: int | bool, *, question: str = "", answer: str = "", pick: str | None = None, backend: str = "",
             session: str = "", turn: int = 0, comment: str = "", id: int | None = None) -> int:  # noqa: A002
        """Store a like (+1 / True) or a dislike (-1 / False); with the id of an earlier rating, change it instead.
        Returns the rating's id."""
        value = 1 if rating is True or (not isinstance(rating, bool) and int(rating) > 0) else -1
        now = time.time()
        with closing(self._connect()) as con, con:
            if id is not None:
                cur = con.execute("UPDATE feedback SET rating = ?, updated = ? WHERE id = ?", (value, now, int(id)))
                if cur.rowcount:
                    return int(id)
            cur = con.execute(
                "INSERT INTO feedback (created, updated, session, turn, rating, comment, question, answer, pick, backend) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now, now, _bounded(session, 100), int(turn), value, _bounded(comment, MAX_COMMENT), _bounded(question, MAX_TEXT),
                 _bounded(answer, MAX_TEXT), pick, _bounded(backend, 200)))
            assert cur.lastrowid is not None
            return int(cur.lastrowid)

    def comment(self, id: int, comment: str) -> bool:  # noqa: A002
        """Add (or replace) the comment of a rating; False when there is no such rating."""
        with closing(self._connect()) as con, con:
            cur = con.execute("UPDATE feedback SET comment = ?, updated = ? WHERE id = ?",
                              (_bounded(comment, MAX_COMMENT).strip(), time.time(), int(id)))
            return cur.rowcount > 0

    def remove(self, id: int) -> bool:  # noqa: A002
        """Withdraw a rating (the user clicked the same thumb again)."""
        with closing(self._connect()) as con, con:
            return con.execute("DELETE FROM feedback WHERE id = ?", (int(id),)).rowcount > 0

    def rows(self, limit: int | None = None, rating: int | None = None) -> list[dict[str, Any]]:
        """The ratings, newest first (all, or the last `limit`; only likes or dislikes with rating=1 / -1)."""
        return list(self.iter(limit=limit, rating=rating))

    def iter(self, limit: int | None = None, rating: int | None = None, oldest_first: bool = False) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        sql = f"SELECT {', '.join(COLUMNS)} FROM feedback"
        args: list[Any] = []
        if rating is not None:
            sql += " WHERE rating = ?"
            args.append(1 if rating > 0 else -1)
        sql += " ORDER BY id " + ("ASC" if oldest_first else "DESC")
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with closing(self._connect()) as con:
            for row in con.execute(sql, args):
                yield dict(zip(COLUMNS, row))

    def export_jsonl(self, out: IO[str], rating: int | None = None) -> int:
        """Every rating as one JSON object per line, oldest first (times as ISO 8601 UTC). Returns how many."""
        n = 0
        for row in self.iter(rating=rating, oldest_first=True):
            row = {**row, "created": _iso(row["created"]), "updated": _iso(row["updated"])}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
        return n

    def counts(self) -> dict[str, int]:
        if not self.path.exists():
            return {"likes": 0, "dislikes": 0, "comments": 0}
        with closing(self._connect()) as con:
            likes, dislikes, comments = con.execute(
                "SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = -1), 0), COALESCE(SUM(comment != ''), 0) FROM feedback").fetchone()
        return {"likes": int(likes), "dislikes": int(dislikes), "comments": int(comments)}


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


__all__ = ["FeedbackStore", "FILE"]
