"""Opening a company database: checks, PRAGMAs, migrations, and the read/write transaction scopes.

A file is checked before anything is written to it: the SQLite header, `PRAGMA quick_check`, and
the schema version. A damaged file or one from a newer agent raises `StorageError` naming the
file, and the file is left as it was. Then WAL, `synchronous=FULL` and foreign keys are switched on
and pending migrations run in one `BEGIN IMMEDIATE` transaction: these steps, and the mapping of
sqlite3 errors to ours, are `agent/sqlite_base.py`'s, shared with the state database.

Two aiosqlite connections per database: one writer behind an asyncio lock (every write is a
`BEGIN IMMEDIATE` transaction that first checks the caller's fencing token), and one reader whose
transactions see one consistent WAL snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from agent import sqlite_base
from agent.erp.schema import MIGRATIONS, SCHEMA_VERSION
from agent.errors import LeaseLost, MarketsyncError, Phrase, StorageError

COMPANY_FILE = sqlite_base.SqliteFile(
    key="company",
    name="the company database",
    damaged_hint="restore it from a backup; do not sync this company until then (a run could end its offers)",
)
BUSY_TIMEOUT_MS = int(sqlite_base.BUSY_TIMEOUT_S * 1000)
PRAGMAS = (
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)
"""Every connection's pragmas; WAL is switched on once per file by `sqlite_base.switch_to_wal`."""


def storage_error(path: Path, exc: sqlite3.Error) -> MarketsyncError:
    """Our error for an sqlite3 one, naming the file; a busy database is worth a retry."""
    return sqlite_base.error_for(path, COMPANY_FILE, exc)


def check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database, before SQLite gets to touch it."""
    sqlite_base.check_header(path, COMPANY_FILE)


def check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise sqlite_base.newer_error(path, COMPANY_FILE, version, SCHEMA_VERSION)


class CompanyDatabase:
    """One company database file, open; use `open()` and `close()` (or `async with`)."""

    def __init__(self, path: Path, writer: aiosqlite.Connection, reader: aiosqlite.Connection) -> None:
        self.path = path
        self._writer = writer
        self._reader = reader
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, check: bool = True) -> CompanyDatabase:
        """Open (creating if absent) and migrate; StorageError if damaged or from a newer version.

        `check` runs `PRAGMA quick_check` first (a full read of the file; skip it only for a file
        this process just wrote).
        """
        path = await asyncio.to_thread(_prepare, path)
        writer: aiosqlite.Connection | None = None
        reader: aiosqlite.Connection | None = None
        try:
            writer = await aiosqlite.connect(path, isolation_level=None)
            await writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _verify(path, writer, check=check)
            mode = await sqlite_base.switch_to_wal(writer)
            if mode != "wal":
                raise StorageError(
                    f"{path}: the company database cannot use WAL journaling (got {mode!r})",
                    hint="keep the company database on a local disk, not a network share",
                    phrase=Phrase(
                        "err.db_no_wal", {"path": str(path), "file": COMPANY_FILE.phrase, "mode": repr(mode)}
                    ),
                    hint_phrase=Phrase("errhint.company_no_wal"),
                )
            for pragma in PRAGMAS:
                await writer.execute(pragma)
            await sqlite_base.migrate(writer, path, COMPANY_FILE, _migrations())
            reader = await aiosqlite.connect(path, isolation_level=None)
            for pragma in PRAGMAS:
                await reader.execute(pragma)
        except BaseException as exc:
            for conn in (reader, writer):
                if conn is not None:
                    await conn.close()
            if isinstance(exc, sqlite3.Error):
                raise storage_error(path, exc) from None
            raise
        sqlite_base.mark_open(path)
        return cls(path, writer, reader)

    async def close(self) -> None:
        async with self._write_lock, self._read_lock:
            await self._reader.close()
            await self._writer.close()
            sqlite_base.mark_closed(self.path)

    async def __aenter__(self) -> CompanyDatabase:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def write(self, fence: int | None) -> AsyncIterator[aiosqlite.Connection]:
        """One `BEGIN IMMEDIATE` transaction on the writer; commits if the block returns.

        With `fence` set, the stored fencing token is compared first, inside the same transaction:
        LeaseLost (nothing written) if it differs. sqlite3 errors become StorageError naming the file.
        """
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise storage_error(self.path, exc) from None
            except BaseException:
                # Cancelled while the worker thread ran BEGIN: it may still open the transaction.
                # The thread runs calls in order, so a ROLLBACK queued now comes after it.
                await _rollback_quietly(conn)
                raise
            try:
                if fence is not None:
                    await _check_fence(self.path, conn, fence)
                yield conn
                await conn.execute("COMMIT")
            except BaseException as exc:
                await _rollback_quietly(conn)
                if isinstance(exc, sqlite3.Error):
                    raise storage_error(self.path, exc) from None
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A read transaction: every query in the block sees the same snapshot."""
        async with self._read_lock:
            conn = self._reader
            try:
                await conn.execute("BEGIN")
                yield conn
            except sqlite3.Error as exc:
                raise storage_error(self.path, exc) from None
            finally:
                if conn.in_transaction:
                    await conn.execute("COMMIT")


async def _rollback_quietly(conn: aiosqlite.Connection) -> None:
    """Roll back whatever transaction is open once the calls queued before this one have run."""
    with contextlib.suppress(sqlite3.OperationalError):  # "no transaction is active"
        await asyncio.shield(conn.execute("ROLLBACK"))


def _prepare(path: Path) -> Path:
    path = path.expanduser().resolve()
    check_header(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


async def _check_fence(path: Path, conn: aiosqlite.Connection, fence: int) -> None:
    async with conn.execute("SELECT fencing_token FROM sync_lease WHERE id = 1") as cursor:
        row = await cursor.fetchone()
    stored = int(row[0]) if row is not None else 0
    if stored != fence:
        raise LeaseLost(
            f"{path}: fencing token {fence} is stale (the lease now carries {stored})",
            phrase=Phrase("err.fence_stale", {"path": str(path), "fence": fence, "stored": stored}),
        )


async def _verify(path: Path, conn: aiosqlite.Connection, *, check: bool) -> None:
    """Read-only checks: integrity and version. Nothing is written before they pass."""
    try:
        version = await sqlite_base.user_version(conn)
        if check and version > 0:
            async with conn.execute("PRAGMA quick_check") as cursor:
                found = [str(r[0]) for r in await cursor.fetchall()]
            if found != ["ok"]:
                shown = "; ".join(found[:3])
                raise sqlite_base.damaged_error(path, COMPANY_FILE, f"integrity check: {shown}")
    except sqlite3.DatabaseError as exc:
        raise storage_error(path, exc) from None
    check_version(path, version)


def _migrations() -> tuple[tuple[int, list[str]], ...]:
    return tuple((version, sqlite_base.statements(script)) for version, script in MIGRATIONS)
