"""The one way the agent opens its SQLite files: the header check, the WAL switch, migrations, errors.

Three files use it: the state database (`agent/state/db.py`), each company's embedded ERP database
(`agent/erp/database.py`, also its seed and touch tools) and the simulator's saved platform
(`agent/simulator/persist.py`). Each declares only what is its own (its name for people, its
migrations, its pragmas); the steps that must not drift between them live here:

- a file is checked before SQLite touches it: an empty or absent file is new, anything without
  SQLite's header is refused as damaged, left as it was;
- `PRAGMA journal_mode = WAL` is tried again while another connection opening the same new file
  holds it (SQLite answers "locked" at once there, without its busy handler);
- migrations run inside one `BEGIN IMMEDIATE` transaction that reads `user_version` only after it
  holds the write lock, so processes opening a new file together migrate it exactly once;
- one mapping of sqlite3 errors to ours: "locked"/"busy" is `DatabaseBusy` (a `RetryLater`), a full
  disk says so, a permission problem says to check the file's owner and rights (not to restore a
  backup), damage names the file and what to do.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from agent.errors import Bug, MarketsyncError, Phrase, RetryLater, StorageError
from agent.logs import say

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
_OPEN: dict[Path, int] = {}
"""Files this process has open (resolved path -> handles).

Closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's included
(SQLite's "how to corrupt" 2.2): another process then believes it is alone, checkpoints and removes
the WAL under our connections. So a file open here is never read again by plain `open()`; its
header was checked when it was first opened.
"""
_PERMISSION_WORDS = ("readonly", "read-only", "permission denied", "unable to open", "access denied")


class DatabaseBusy(StorageError, RetryLater):
    """Another process held the file past the busy timeout; the same step may work later."""

    hint = "check that no stuck marketsync process holds it; the next run tries again"


@dataclass(frozen=True, slots=True)
class SqliteFile:
    """What one kind of file is called for people, and what to do when it is damaged."""

    name: str
    """How a person knows it, e.g. "the company database"."""
    damaged_hint: str
    key: str = "company"
    """Its words in the catalogue: `file.<key>` its name, `errhint.db_damaged.<key>` what to do when damaged."""

    @property
    def phrase(self) -> Phrase:
        """Its name, worded in the reader's language."""
        return Phrase(f"file.{self.key}")


def is_open(path: Path) -> bool:
    return bool(_OPEN.get(path.expanduser().resolve()))


def mark_open(path: Path) -> None:
    key = path.expanduser().resolve()
    _OPEN[key] = _OPEN.get(key, 0) + 1


def mark_closed(path: Path) -> None:
    key = path.expanduser().resolve()
    left = _OPEN.get(key, 0) - 1
    if left > 0:
        _OPEN[key] = left
    else:
        _OPEN.pop(key, None)


def _said(key: str, path: Path, kind: SqliteFile, **facts: object) -> Phrase:
    """The sentence `key` about the file, as facts: its path, its name in the reader's language, the rest."""
    return Phrase(key, {"path": str(path), "file": kind.phrase, **facts})


def permission_error(path: Path, kind: SqliteFile, detail: object) -> StorageError:
    return StorageError(
        f"{path}: {kind.name} cannot be opened or written ({detail})",
        hint="check the file's and its folder's owner and permissions (the agent's user must read and write both)",
        phrase=_said("err.db_permission", path, kind, detail=str(detail)),
        hint_phrase=Phrase("errhint.db_permission"),
    )


def damaged_error(path: Path, kind: SqliteFile, detail: str, detail_phrase: Phrase | None = None) -> StorageError:
    """The file is damaged; `detail_phrase` words `detail` when it is ours (SQLite's own stays as it said)."""
    return StorageError(
        f"{path}: {kind.name} is damaged ({detail}); it was left untouched", hint=kind.damaged_hint,
        phrase=_said("err.db_damaged", path, kind, detail=detail_phrase or detail),
        hint_phrase=Phrase(f"errhint.db_damaged.{kind.key}"),
    )


def check_header(path: Path, kind: SqliteFile) -> bool:
    """Whether a non-empty file is there; refuse one that is not SQLite, before SQLite touches it."""
    if is_open(path):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return False
    except PermissionError as exc:
        raise permission_error(path, kind, exc.strerror or exc) from None
    except OSError as exc:
        raise StorageError(
            f"{path}: {kind.name} cannot be read: {exc}", phrase=_said("err.db_unreadable", path, kind, detail=str(exc))
        ) from None
    if not head:
        return False
    if head != SQLITE_HEADER:
        raise damaged_error(path, kind, "not an SQLite database", Phrase("err.db_not_sqlite"))
    return True


def error_for(path: Path, kind: SqliteFile, exc: sqlite3.Error) -> MarketsyncError:
    """Our error for an sqlite3 error on `path`: the one mapping every SQLite file of the agent uses."""
    text = str(exc)
    lowered = text.lower()
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return StorageError(
            f"{path}: {kind.name} could not be written: the disk is full (SQLite: {text}); "
            "nothing of that change was saved",
            hint="free disk space on that drive, then run again",
            phrase=_said("err.db_full", path, kind, detail=text),
            hint_phrase=Phrase("errhint.db_full"),
        )
    if "locked" in lowered or "busy" in lowered:
        return DatabaseBusy(
            f"{path}: {kind.name} stayed locked by another process (SQLite: {text})",
            phrase=_said("err.db_busy", path, kind, detail=text),
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return damaged_error(path, kind, text)
    if any(word in lowered for word in _PERMISSION_WORDS):
        return permission_error(path, kind, text)
    if isinstance(exc, sqlite3.IntegrityError):
        return Bug(
            f"{path}: a write to {kind.name} broke a constraint: {text}",
            phrase=_said("err.db_constraint", path, kind, detail=text),
        )
    return StorageError(f"{path}: {kind.name} failed: {text}", phrase=_said("err.db_failed", path, kind, detail=text))


def newer_error(path: Path, kind: SqliteFile, version: int, known: int) -> StorageError:
    return StorageError(
        f"{path}: {kind.name} was written by a newer marketsync (schema version {version}; this one knows up "
        f"to {known}); it was left untouched",
        hint="upgrade marketsync, or use a copy made by this version",
        phrase=_said("err.db_newer", path, kind, version=version, known=known),
        hint_phrase=Phrase("errhint.db_newer"),
    )


async def switch_to_wal(conn: aiosqlite.Connection, *, timeout_s: float = BUSY_TIMEOUT_S) -> str:
    """`PRAGMA journal_mode = WAL`, tried again while another connection holds the file; the mode set.

    SQLite answers "database is locked" at once, without its busy handler, when connections opening
    a new file at the same moment would otherwise deadlock over the journal switch. The switch is
    harmless to repeat.
    """
    loop = asyncio.get_running_loop()
    give_up = loop.time() + timeout_s
    while True:
        try:
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
            return str(row[0]).lower() if row else ""
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or loop.time() >= give_up:
                raise
        await asyncio.sleep(0.02)


async def user_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def statements(script: str) -> list[str]:
    """A migration script as single statements (a trigger's body keeps its own semicolons)."""
    out: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                out.append(pending.strip())
            pending = ""
    if pending.strip(" \t\n;"):
        out.append(pending.strip().removesuffix(";"))
    return out


async def migrate(
    conn: aiosqlite.Connection,
    path: Path,
    kind: SqliteFile,
    migrations: Sequence[tuple[int, Sequence[str]]],
) -> None:
    """Bring the file to the last migration's version, in one `BEGIN IMMEDIATE` transaction.

    `migrations` are (version, statements), in order. The version is read after the write lock is
    held: a process that waited while another migrated finds nothing left to do. A newer file is
    refused. `conn` must be in autocommit mode (aiosqlite `isolation_level=None`).
    """
    known = migrations[-1][0] if migrations else 0
    await conn.execute("BEGIN IMMEDIATE")
    try:
        version = await user_version(conn)
        if version > known:
            raise newer_error(path, kind, version, known)
        for number, steps in _pending(migrations, version):
            for step in steps:
                await conn.execute(step)
            await conn.execute(f"PRAGMA user_version = {int(number)}")
            say("INFO", "log.sqlite.migrated", file=kind.phrase, name=path.name, version=number)
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await asyncio.shield(conn.execute("ROLLBACK"))
        raise


def _pending(
    migrations: Sequence[tuple[int, Sequence[str]]], version: int
) -> Iterable[tuple[int, Sequence[str]]]:
    return ((number, steps) for number, steps in migrations if number > version)
