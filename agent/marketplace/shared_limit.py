"""The per-account request budget shared by every process of one installation.

Each `marketsync sync` process, the TUI and the scheduler build their own client; with a limiter per
process, two runs back to back (or the TUI and the CLI at once) spent the account's budget twice
and met 429s. `SharedRateLimiter` keeps the starts of the last minute in a small SQLite file per
account under the agent's lock directory, so every process counts the same minute: at most
`requests_per_minute` starts in any 60 seconds, and a 429's Retry-After holds every process.

Times are wall-clock (they are compared across processes). Each start is one short IMMEDIATE
transaction, on the event loop when the file is free and in a worker thread when another process
holds it. Should the file fail (disk full, permissions), the limiter
goes on counting this process's starts alone and says so once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from agent.logs import say
from agent.marketplace.limits import WINDOW, RateLimiter

_SCHEMA = """
CREATE TABLE IF NOT EXISTS starts (at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS starts_at ON starts (at);
CREATE TABLE IF NOT EXISTS block (id INTEGER PRIMARY KEY CHECK (id = 1), until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tally (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT OR IGNORE INTO tally (id, n) SELECT 1, count(*) FROM starts;
"""
# `tally` keeps the number of rows in `starts`, so a take costs the same with a busy minute behind it
# as with an empty one (counting the rows cost a walk of the whole minute on every request).
# A start is counted when it leaves; the marketplace counts it when it arrives, a moment later (more
# on a loaded machine or a slow link). Keeping each start a second longer than the marketplace's
# minute means a start counted late by the marketplace never makes the next minute's first one a 429.
TRANSIT_MARGIN = 1.0
SPAN = WINDOW + TRANSIT_MARGIN
"""How long a start counts against the budget here."""
# A clock set back must not park the account for longer than one window.
_MAX_WAIT = SPAN
# How long a take off the loop waits for another process's take to end (each holds the file for
# well under a millisecond; ten seconds means the file is stuck, and the limiter falls back).
_BUSY_MS = 10_000


def _switch_to_wal(db: sqlite3.Connection) -> None:
    """`PRAGMA journal_mode=WAL`, tried again while another connection is opening the file too.

    SQLite answers "database is locked" at once, without its busy handler, to connections switching
    a new file's journal at the same moment (see agent/sqlite_base.py): two processes starting
    together must not make one of them count alone for good."""
    give_up = time.monotonic() + _BUSY_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() >= give_up:
                raise
        time.sleep(0.02)


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Another connection holds the file's write lock (SQLITE_BUSY / SQLITE_LOCKED)."""
    return "locked" in str(exc) or "busy" in str(exc)


class SharedRateLimiter(RateLimiter):
    """A `RateLimiter` whose starts and 429 blocks live in `path`, shared by every process using it."""

    def __init__(
        self,
        requests_per_minute: int,
        path: Path,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(requests_per_minute, clock=clock, sleep=sleep)
        self.path = path
        self._failed = False
        self._next_start = 0.0
        """When the shared budget last said a start may come (what `wait_time` tells between takes)."""
        self._db: sqlite3.Connection | None = None
        """Used by one `_take` at a time (they run under the limiter's lock), on the loop or in a worker thread."""

    def wait_time(self) -> float:
        """Seconds until the next start may come, as far as this process last learnt."""
        return max(super().wait_time(), self._next_start - self._clock())

    def try_acquire(self) -> bool:
        """Never at once: every start is counted in the shared file, which only `acquire` does."""
        return False

    async def acquire(self) -> None:
        """Wait until the account's shared budget allows a start, and count it there."""
        async with self._lock:
            while True:
                # A start counted by a take that is cancelled midway is a start spent for nothing:
                # the budget is only ever underused, never overrun.
                # On the loop first, not waiting for the file: it answers in tens of microseconds
                # unless another process is counting a start right now; only then is the wait for
                # its lock moved off the loop (a thread hop costs more than the take itself). The
                # first take opens (and may create) the file: off the loop as well.
                wait = self._take(busy_ms=0) if self._db is not None else None
                if wait is None:
                    wait = await asyncio.to_thread(self._take_waiting)
                if wait <= 0:
                    return
                await self._sleep(wait)

    def block_for(self, seconds: float) -> None:
        """No request of any process may start for `seconds` from now (a 429's Retry-After)."""
        super().block_for(seconds)
        until = self._clock() + seconds
        try:
            db = self._connect()  # its own: a take may be using the other in a worker thread right now
            try:
                db.execute("INSERT INTO block (id, until) VALUES (1, ?) ON CONFLICT (id) DO UPDATE"
                           " SET until = max(until, excluded.until)", (until,))
            finally:
                db.close()
        except sqlite3.Error as exc:
            self._fall_back(exc)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        # WAL without a sync per commit: a start lost in a power cut costs nothing, a sync costs a
        # millisecond on every request.
        _switch_to_wal(db)
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def _take(self, *, busy_ms: int) -> float | None:
        """Count a start now if the shared budget allows; else the seconds to wait before asking again.

        None when another process held the file for longer than `busy_ms` (ask again, waiting longer)."""
        if self._failed:
            return self._take_locally()
        now = self._clock()
        try:
            if self._db is None:
                self._db = self._connect()
            db = self._db
            db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
            try:
                db.execute("BEGIN IMMEDIATE")
                expired = db.execute("DELETE FROM starts WHERE at <= ?", (now - SPAN,)).rowcount
                if expired:
                    db.execute("UPDATE tally SET n = n - ? WHERE id = 1", (expired,))
                row = db.execute("SELECT until FROM block WHERE id = 1").fetchone()
                wait = max(0.0, float(row[0]) - now) if row else 0.0
                if wait <= 0 and self.requests_per_minute > 0:
                    (count,) = db.execute("SELECT n FROM tally WHERE id = 1").fetchone()
                    if count >= self.requests_per_minute:
                        (oldest,) = db.execute("SELECT min(at) FROM starts").fetchone()
                        wait = max(0.001, float(oldest) + SPAN - now)
                if wait <= 0:
                    db.execute("INSERT INTO starts (at) VALUES (?)", (now,))
                    db.execute("UPDATE tally SET n = n + 1 WHERE id = 1")
                db.execute("COMMIT")
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if busy_ms < _BUSY_MS and _busy(exc):
                return None
            self._fall_back(exc)
            return self._take_locally()
        except sqlite3.Error as exc:
            self._fall_back(exc)
            return self._take_locally()
        wait = min(wait, _MAX_WAIT)
        self._next_start = now + wait
        return wait

    def _take_waiting(self) -> float:
        """`_take`, waiting up to `_BUSY_MS` for another process's take (in a worker thread)."""
        wait = self._take(busy_ms=_BUSY_MS)
        return self._take_locally() if wait is None else wait

    def _take_locally(self) -> float:
        wait = self.wait_time()
        if wait <= 0 and self.requests_per_minute > 0:
            self._starts.append(self._clock())
        return wait

    def _fall_back(self, exc: sqlite3.Error) -> None:
        if not self._failed:
            say("WARNING", "log.shared_limit.fallback", path=str(self.path), error=exc)
        self._failed = True
