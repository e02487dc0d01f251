"""The state database file: opening, PRAGMAs, migrations, the writer lock, and error translation.

One `Database` is one process's handle on the file. It keeps two aiosqlite connections: a writer
behind an `asyncio.Lock` whose every transaction starts with `BEGIN IMMEDIATE` (so two processes,
the headless service and a TUI, queue on SQLite's lock instead of failing half way), and a
read-only reader, which WAL lets run beside the writer. `busy_timeout` makes a process wait for
the other's write rather than fail at once.

Opening refuses, without writing a byte:
- a file that is not an SQLite database or fails `PRAGMA quick_check` (damaged), naming the file;
- a file whose `PRAGMA user_version` is newer than this code's schema.
Every sqlite3 error leaves as a `StorageError` naming the file ("disk is full" said in words), with
the transaction rolled back; a constraint violation is a `Bug` (our SQL broke an invariant).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from agent import sqlite_base
from agent.errors import Bug, MarketsyncError, Phrase, StorageError
from agent.logs import say
from agent.state.schema import MIGRATIONS, SCHEMA_VERSION

Params = Sequence[Any] | Mapping[str, Any]

STATE_FILE = sqlite_base.SqliteFile(
    key="state",
    name="the state database",
    damaged_hint=(
        "restore it from a backup, or move it aside and start again (run history and last-sent data are then "
        "lost; offers are found again by their externalId)"
    ),
)


class Database:
    """One process's handle on the state database file; `open()` before use, `close()` after."""

    def __init__(self, path: Path, *, busy_timeout_s: float = 10.0) -> None:
        self.path = path
        self._busy_timeout_ms = int(busy_timeout_s * 1000)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._cleanups: set[asyncio.Task[None]] = set()
        self._registered = False

    # --- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Open (creating if absent) and migrate the file. Raises StorageError (damaged, newer, unusable)."""
        if self._writer is not None:
            return
        existed = sqlite_base.check_header(self.path, STATE_FILE)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except PermissionError as exc:
            raise sqlite_base.permission_error(self.path, STATE_FILE, exc.strerror or exc) from exc
        except OSError as exc:
            raise StorageError(
                f"Cannot create the folder of the state database {self.path}: {exc}",
                phrase=Phrase("err.db_folder", {"path": str(self.path), "detail": str(exc)}),
            ) from exc
        writer = await self._connect()
        try:
            await self._refuse_newer(writer)
            if existed:
                await self._check_integrity(writer)
            await self._configure_writer(writer)
            self._writer = writer
            await self._migrate()
            self._reader = await self._connect()
            await self._reader.execute("PRAGMA query_only = ON")
        except BaseException:
            await self.close()
            await writer.close()  # a no-op if close() already closed it
            raise
        sqlite_base.mark_open(self.path)
        self._registered = True
        say("DEBUG", "log.state.open", path=str(self.path), version=SCHEMA_VERSION)

    async def close(self) -> None:
        if self._cleanups:
            await asyncio.gather(*self._cleanups, return_exceptions=True)
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        if self._registered:
            self._registered = False
            sqlite_base.mark_closed(self.path)
        self._reader = self._writer = None

    # --- transactions and queries -------------------------------------------------------------

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (`BEGIN IMMEDIATE` ... `COMMIT`) on the writer connection.

        Everything done inside lands together or not at all. Raises StorageError (full disk, busy
        past the timeout, damaged) or Bug (a constraint broke), after rolling back.
        """
        conn = self._writer
        if conn is None:
            raise Bug(f"state database {self.path} used before open() or after close()")
        await self._write_lock.acquire()
        handed_over = False
        try:
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.translate(exc) from exc
            except BaseException:
                self._roll_back_later(conn)
                handed_over = True
                raise
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException as exc:
                await self._rollback(conn)
                if isinstance(exc, sqlite3.Error):
                    raise self.translate(exc) from exc
                raise
        finally:
            if not handed_over:
                self._write_lock.release()

    def _roll_back_later(self, conn: aiosqlite.Connection) -> None:
        """After a cancel during `BEGIN IMMEDIATE`: that BEGIN still runs in the connection's thread
        once the other process lets go, so a task rolls it back and only then frees the writer lock.
        The cancelled caller does not wait for the other process."""

        async def roll_back_then_release() -> None:
            try:
                await self._rollback(conn)
            finally:
                self._write_lock.release()

        task = asyncio.get_running_loop().create_task(roll_back_then_release())
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)

    async def _rollback(self, conn: aiosqlite.Connection) -> None:
        # `rollback()` is a no-op without an open transaction: SQLite may have rolled back by itself
        # (it does on a full disk), and aiosqlite runs it after any statement still in flight.
        try:
            await conn.rollback()
        except sqlite3.Error as exc:
            say("WARNING", "log.state.rollback_failed", path=str(self.path), error=exc)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Rows of one read statement on the reader connection (its own snapshot). Raises StorageError."""
        conn = self._reader
        if conn is None:
            raise Bug(f"state database {self.path} used before open() or after close()")
        try:
            async with conn.execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as exc:
            raise self.translate(exc) from exc

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def limit_size(self, max_pages: int) -> None:
        """Cap the file at `max_pages` pages for this process: a write past it fails as on a full disk.

        Tests use it to produce SQLite's real "database or disk is full" error.
        """
        async with self.write() as conn:
            await conn.execute(f"PRAGMA max_page_count = {int(max_pages)}")

    async def page_count(self) -> int:
        row = await self.fetchone("PRAGMA page_count")
        return int(row[0]) if row else 0

    def translate(self, exc: sqlite3.Error) -> MarketsyncError:
        """The agent's error for an sqlite3 error on this file (one mapping for every SQLite file)."""
        return sqlite_base.error_for(self.path, STATE_FILE, exc)

    # --- opening steps ------------------------------------------------------------------------

    async def _connect(self) -> aiosqlite.Connection:
        try:
            conn = await aiosqlite.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise self.translate(exc) from exc
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
        except sqlite3.Error as exc:
            await conn.close()
            raise self.translate(exc) from exc
        return conn

    async def _refuse_newer(self, conn: aiosqlite.Connection) -> None:
        try:
            version = await sqlite_base.user_version(conn)
        except sqlite3.Error as exc:
            raise self.translate(exc) from exc
        if version > SCHEMA_VERSION:
            raise sqlite_base.newer_error(self.path, STATE_FILE, version, SCHEMA_VERSION)

    async def _check_integrity(self, conn: aiosqlite.Connection) -> None:
        try:
            async with conn.execute("PRAGMA quick_check") as cursor:
                findings = [str(row[0]) for row in await cursor.fetchall()]
        except sqlite3.Error as exc:
            raise self.translate(exc) from exc
        if findings != ["ok"]:
            raise sqlite_base.damaged_error(self.path, STATE_FILE, " ".join(" ".join(findings[:3]).split()))

    async def _configure_writer(self, conn: aiosqlite.Connection) -> None:
        try:
            mode = await sqlite_base.switch_to_wal(conn, timeout_s=self._busy_timeout_ms / 1000)
            for pragma in ("PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"):
                await conn.execute(pragma)
        except sqlite3.Error as exc:
            raise self.translate(exc) from exc
        if mode != "wal":
            raise StorageError(
                f"The state database {self.path} cannot use WAL journaling (got {mode!r})",
                hint="keep the agent's home on a local disk, not a network share",
                phrase=Phrase("err.db_no_wal", {"path": str(self.path), "file": STATE_FILE.phrase, "mode": mode}),
                hint_phrase=Phrase("errhint.db_no_wal"),
            )

    async def _migrate(self) -> None:
        conn = self._writer
        if conn is None:
            raise Bug(f"state database {self.path} migrated before open()")
        async with self._write_lock:
            try:
                await sqlite_base.migrate(conn, self.path, STATE_FILE, _MIGRATIONS)
            except sqlite3.Error as exc:
                raise self.translate(exc) from exc


_MIGRATIONS = tuple((index + 1, statements) for index, statements in enumerate(MIGRATIONS))
