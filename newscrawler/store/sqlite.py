"""Dedupe store in one SQLite file, safe for several processes on one host."""

import os
import socket
import sqlite3
import time
from pathlib import Path

from newscrawler.files import pid_alive

_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    info_code TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'rejected')),
    owner TEXT NOT NULL,
    updated_at REAL NOT NULL,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS walks (
    key TEXT PRIMARY KEY,
    completed_at REAL NOT NULL
);
"""


class SQLiteSeenStore:
    """`SeenStore` in SQLite (WAL mode). Owners are ``host:pid``; a pending
    claim whose owner on this host is dead, or that is older than
    `stale_after` seconds whatever its host, is stale. A rejected code is
    known for `recheck_after` seconds, then fetched again."""

    def __init__(self, path: str | os.PathLike, *, stale_after: float = 6 * 3600,
                 recheck_after: float = 24 * 3600):
        self.path = Path(path)
        self.recheck_after = recheck_after
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.stale_after = stale_after
        self._db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def known(self, info_code: str) -> bool:
        row = self._db.execute(
            "SELECT state, updated_at FROM claims WHERE info_code = ?", (info_code,)
        ).fetchone()
        if row is None:
            return False
        state, updated_at = row
        return state != "rejected" or updated_at > time.time() - self.recheck_after

    def claim(self, info_code: str) -> bool:
        now = time.time()
        cursor = self._db.execute(
            "INSERT INTO claims (info_code, state, owner, updated_at) VALUES (?, 'pending', ?, ?)"
            " ON CONFLICT (info_code) DO UPDATE SET state = 'pending', owner = excluded.owner,"
            " updated_at = excluded.updated_at, reason = NULL"
            " WHERE claims.state = 'rejected' AND claims.updated_at <= ?",
            (info_code, self.owner, now, now - self.recheck_after),
        )
        return cursor.rowcount == 1

    def holds(self, info_code: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM claims WHERE info_code = ? AND state = 'pending' AND owner = ?", (info_code, self.owner)
        ).fetchone()
        return row is not None

    def reject(self, info_code: str, reason: str) -> None:
        self._db.execute(
            "INSERT INTO claims (info_code, state, owner, updated_at, reason) VALUES (?, 'rejected', ?, ?, ?)"
            " ON CONFLICT (info_code) DO UPDATE SET state = 'rejected', owner = excluded.owner,"
            " updated_at = excluded.updated_at, reason = excluded.reason"
            " WHERE claims.state = 'rejected' OR (claims.state = 'pending' AND claims.owner = excluded.owner)",
            (info_code, self.owner, time.time(), reason),
        )

    def walk_completed(self, key: str) -> bool:
        return self._db.execute("SELECT 1 FROM walks WHERE key = ?", (key,)).fetchone() is not None

    def complete_walk(self, key: str) -> None:
        self._db.execute(
            "INSERT INTO walks (key, completed_at) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET completed_at = excluded.completed_at",
            (key, time.time()),
        )

    def complete(self, info_code: str) -> None:
        self._db.execute(
            "UPDATE claims SET state = 'done', updated_at = ? WHERE info_code = ? AND owner = ?",
            (time.time(), info_code, self.owner),
        )

    def release(self, info_code: str) -> None:
        self._db.execute(
            "DELETE FROM claims WHERE info_code = ? AND state = 'pending' AND owner = ?",
            (info_code, self.owner),
        )

    def stale_claims(self) -> list[str]:
        host = socket.gethostname()
        rows = self._db.execute("SELECT info_code, owner, updated_at FROM claims WHERE state = 'pending'")
        too_old = time.time() - self.stale_after
        stale = []
        for code, owner, updated_at in rows:
            owner_host, _, pid = owner.rpartition(":")
            dead = owner_host == host and pid.isdigit() and not pid_alive(int(pid))
            if dead or updated_at < too_old:
                stale.append(code)
        return stale

    def adopt(self, info_code: str) -> None:
        self._db.execute(
            "UPDATE claims SET owner = ?, updated_at = ? WHERE info_code = ? AND state = 'pending'",
            (self.owner, time.time(), info_code),
        )

    def done_codes(self) -> set[str]:
        return {code for (code,) in self._db.execute("SELECT info_code FROM claims WHERE state = 'done'")}

    def close(self) -> None:
        self._db.close()
