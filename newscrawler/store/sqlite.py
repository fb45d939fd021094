"""Dedupe store in one SQLite file, safe for several processes on one host."""

import functools
import json
import os
import random
import socket
import sqlite3
import time
from pathlib import Path

from newscrawler import leases
from newscrawler.files import pid_alive
from newscrawler.store.base import DONE, REJECTED, StoreError

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
CREATE TABLE IF NOT EXISTS deferred_walks (
    key TEXT PRIMARY KEY,
    markers TEXT NOT NULL,
    full INTEGER NOT NULL,
    codes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    info_code TEXT PRIMARY KEY,
    runs INTEGER NOT NULL,
    updated_at REAL NOT NULL
);
"""
# Columns added after the first release: stores made by it gain them.
_ADDED_COLUMNS = {"claims": {"post": "TEXT"}, "walks": {"markers": "TEXT", "full_at": "REAL"}}
_POST_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS claims_post ON claims (post)"


def _translated(method):
    """sqlite3 errors become `StoreError`, naming the file."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"dedupe store {self.path}: {exc}") from None

    return wrapper


def _busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class SQLiteSeenStore:
    """`SeenStore` in SQLite (WAL mode). Owners are ``host:pid``; a pending
    claim whose owner on this host is dead, or that is older than
    `stale_after` seconds whatever its host, is stale. A rejected code is
    known for `recheck_after` seconds, then fetched again. Any number of
    processes may open one file at the same instant, even a new one."""

    def __init__(self, path: str | os.PathLike, *, stale_after: float = 6 * 3600,
                 recheck_after: float = 24 * 3600, busy_timeout: float = 60):
        self.path = Path(path)
        self.recheck_after = recheck_after
        self.stale_after = stale_after
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.owner = leases.hold(self.path.parent)
        except OSError as exc:
            raise StoreError(f"dedupe store {self.path}: {exc.strerror}") from None
        self._db = self._open(busy_timeout)

    @_translated
    def _open(self, busy_timeout: float) -> sqlite3.Connection:
        # Switching to WAL and creating the schema take a write lock that
        # SQLite's busy handler does not always wait for ("database is
        # locked" at once when several processes start together): retry.
        deadline = time.monotonic() + busy_timeout
        while True:
            db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_SCHEMA)
                self._add_columns(db)
                db.execute(_POST_INDEX)
                return db
            except sqlite3.OperationalError as exc:
                db.close()
                if not _busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.01, 0.1))

    @staticmethod
    def _add_columns(db: sqlite3.Connection) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name in present:
                    continue
                try:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
                except sqlite3.OperationalError as exc:
                    if "duplicate column" not in str(exc):  # another process added it first
                        raise

    @_translated
    def known(self, info_code: str) -> bool:
        row = self._db.execute(
            "SELECT state, updated_at FROM claims WHERE info_code = ?", (info_code,)
        ).fetchone()
        if row is None:
            return False
        state, updated_at = row
        return state != REJECTED or updated_at > time.time() - self.recheck_after

    @_translated
    def claim(self, info_code: str) -> bool:
        now = time.time()
        cursor = self._db.execute(
            "INSERT INTO claims (info_code, state, owner, updated_at) VALUES (?, 'pending', ?, ?)"
            " ON CONFLICT (info_code) DO UPDATE SET state = 'pending', owner = excluded.owner,"
            " updated_at = excluded.updated_at, reason = NULL, post = NULL"
            " WHERE claims.state = 'rejected' AND claims.updated_at <= ?",
            (info_code, self.owner, now, now - self.recheck_after),
        )
        return cursor.rowcount == 1

    @_translated
    def holds(self, info_code: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM claims WHERE info_code = ? AND state = 'pending' AND owner = ?", (info_code, self.owner)
        ).fetchone()
        return row is not None

    @_translated
    def states(self, info_codes) -> dict[str, str]:
        codes = list(info_codes)
        found = {}
        for start in range(0, len(codes), 500):
            chunk = codes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(
                f"SELECT info_code, state FROM claims WHERE info_code IN ({marks})", chunk))
        return found

    @_translated
    def reject(self, info_code: str, reason: str) -> None:
        self._db.execute(
            "INSERT INTO claims (info_code, state, owner, updated_at, reason) VALUES (?, 'rejected', ?, ?, ?)"
            " ON CONFLICT (info_code) DO UPDATE SET state = 'rejected', owner = excluded.owner,"
            " updated_at = excluded.updated_at, reason = excluded.reason, post = NULL"
            " WHERE claims.state = 'rejected' OR (claims.state = 'pending' AND claims.owner = excluded.owner)",
            (info_code, self.owner, time.time(), reason),
        )

    @_translated
    def reserve_post(self, info_code: str, name: str | None) -> bool:
        try:
            cursor = self._db.execute(
                "UPDATE claims SET post = ? WHERE info_code = ? AND state = 'pending' AND owner = ?",
                (name, info_code, self.owner),
            )
        except sqlite3.IntegrityError:
            return False
        return cursor.rowcount == 1

    @_translated
    def post_name(self, info_code: str) -> str | None:
        row = self._db.execute("SELECT post FROM claims WHERE info_code = ?", (info_code,)).fetchone()
        return row[0] if row else None

    @_translated
    def complete(self, info_code: str) -> None:
        self._db.execute(
            "UPDATE claims SET state = 'done', updated_at = ? WHERE info_code = ? AND owner = ?",
            (time.time(), info_code, self.owner),
        )

    @_translated
    def mark_done(self, info_codes) -> int:
        rows = [(code, self.owner, time.time()) for code in info_codes]
        with self._db:
            self._db.executemany(
                "INSERT INTO claims (info_code, state, owner, updated_at) VALUES (?, 'done', ?, ?)"
                " ON CONFLICT (info_code) DO UPDATE SET state = 'done', owner = excluded.owner,"
                " updated_at = excluded.updated_at, reason = NULL", rows)
        return len(rows)

    @_translated
    def release(self, info_code: str) -> None:
        self._db.execute(
            "DELETE FROM claims WHERE info_code = ? AND state = 'pending' AND owner = ?",
            (info_code, self.owner),
        )

    @_translated
    def record_failure(self, info_code: str) -> int:
        now = time.time()
        row = self._db.execute(
            "INSERT INTO failures (info_code, runs, updated_at) VALUES (?, 1, ?)"
            " ON CONFLICT (info_code) DO UPDATE SET"
            " runs = CASE WHEN failures.updated_at > ? THEN failures.runs + 1 ELSE 1 END,"
            " updated_at = excluded.updated_at RETURNING runs",
            (info_code, now, now - self.recheck_after),
        ).fetchone()
        return row[0]

    @_translated
    def pending_mine(self) -> list[str]:
        rows = self._db.execute("SELECT info_code FROM claims WHERE state = 'pending' AND owner = ?", (self.owner,))
        return [code for (code,) in rows]

    @_translated
    def stale_claims(self) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT info_code, owner, updated_at FROM claims WHERE state = 'pending'")
        too_old = time.time() - self.stale_after
        stale, dead = [], {}
        for code, owner, updated_at in rows:
            if owner not in dead:
                dead[owner] = owner != self.owner and not self._owner_alive(owner)
            if owner != self.owner and (dead[owner] or updated_at < too_old):
                stale.append((code, owner))
        return stale

    def _owner_alive(self, owner: str) -> bool:
        """Owners are lease tokens (`newscrawler.leases`); an older
        release's are ``host:pid``, alive unless of this host and gone."""
        if leases.TOKEN.fullmatch(owner):
            return leases.alive(self.path.parent, owner)
        host, _, pid = owner.rpartition(":")
        return not (host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid)))

    @_translated
    def adopt(self, info_code: str, owner: str) -> bool:
        cursor = self._db.execute(
            "UPDATE claims SET owner = ?, updated_at = ? WHERE info_code = ? AND state = 'pending' AND owner = ?",
            (self.owner, time.time(), info_code, owner),
        )
        return cursor.rowcount == 1

    @_translated
    def walk_markers(self, key: str) -> list[str] | None:
        row = self._db.execute("SELECT markers FROM walks WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    @_translated
    def last_full_walk(self, key: str) -> float | None:
        row = self._db.execute("SELECT full_at FROM walks WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @_translated
    def complete_walk(self, key: str, markers: list[str], full: bool = False) -> None:
        now = time.time()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT INTO walks (key, completed_at, markers, full_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET completed_at = excluded.completed_at, markers = excluded.markers,"
                " full_at = coalesce(excluded.full_at, walks.full_at)",
                (key, now, json.dumps(list(markers)), now if full else None),
            )
            self._db.execute("DELETE FROM deferred_walks WHERE key = ?", (key,))
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @_translated
    def defer_walk(self, key: str, markers: list[str], full: bool, codes: list[str]) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO deferred_walks (key, markers, full, codes) VALUES (?, ?, ?, ?)",
            (key, json.dumps(list(markers)), int(bool(full)), json.dumps(list(codes))),
        )

    @_translated
    def deferred_walk(self, key: str) -> tuple[list[str], bool, list[str]] | None:
        row = self._db.execute("SELECT markers, full, codes FROM deferred_walks WHERE key = ?", (key,)).fetchone()
        return (json.loads(row[0]), bool(row[1]), json.loads(row[2])) if row else None

    def hand_off(self, info_code: str, payload: bytes, stream: str) -> bool:
        raise StoreError(f"dedupe store {self.path}: handing articles off to a writer"
                         " needs a Redis store (DEDUPE_STORE_URI=redis://...)")

    @_translated
    def done_codes(self) -> set[str]:
        return {code for (code,) in self._db.execute("SELECT info_code FROM claims WHERE state = ?", (DONE,))}

    def close(self) -> None:
        self._db.close()

