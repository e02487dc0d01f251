"""The adapter's own state, in a SQLite file of the agent's (never in Optima's database).

Optima has one change column (`Twr_TS_Mod`, content) and none for prices or stock, and the port
promises one monotonic change counter. This file keeps that counter and, per product, the
hash of what its offer shows, the hash of its last stock-and-price values and the counter value of each
last change. A scan compares Optima with it in one pass and gives changed products new versions.
Used from the adapter's worker threads only (stdlib sqlite3, one connection per process, a call at a time).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

# A safety net only: see `VersionState.write` (pages of 4 KiB, so the log stays under 40 MiB).
AUTOCHECKPOINT_PAGES = 10_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions (
    product_id INTEGER PRIMARY KEY,
    content_hash TEXT,
    content_version INTEGER NOT NULL DEFAULT 0,
    sp_hash TEXT,
    sp_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS versions_content ON versions (content_version);
CREATE INDEX IF NOT EXISTS versions_sp ON versions (sp_version);
CREATE TABLE IF NOT EXISTS awaiting (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    marketplace TEXT NOT NULL,
    order_id TEXT NOT NULL,
    marker TEXT NOT NULL,
    file TEXT NOT NULL,
    issued TEXT NOT NULL,
    gross_total TEXT NOT NULL,
    cancelled INTEGER NOT NULL DEFAULT 0,
    UNIQUE (marketplace, order_id)
);
CREATE TABLE IF NOT EXISTS images (
    sha256 TEXT PRIMARY KEY, dab_id INTEGER NOT NULL, mime_type TEXT NOT NULL, size INTEGER NOT NULL
);
"""


class VersionState:
    """The sidecar file: change counter, content watermark, per-product hashes and versions."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # In-memory copy of the stock-and-price hashes (see `bump_stock_price`), valid while the
        # file's sp_generation is the one it was read or written at.
        self._sp_hashes: dict[int, int | str] | None = None
        self._sp_versions: dict[int, int] | None = None
        self._sp_generation: str | None = None
        # The adapter's worker threads share the one connection, a call at a time.
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: two scans (two processes) never hand out the same version.

        On this process's one connection to the file, kept open: closing the last connection to a
        WAL file checkpoints and deletes the log, which would make every call pay a checkpoint.
        """
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
                # The log is folded back by `checkpoint`, after the stock-and-price pass, not by the
                # first call to cross 1,000 pages (a content scan of 1,000 goods writes about that).
                self._conn.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT_PAGES}")
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # What the cache took from this transaction is rolled back with it.
                self._sp_hashes = self._sp_versions = None
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def checkpoint(self) -> None:
        """Copy what the log holds back into the file, without waiting for readers (PASSIVE)."""
        with self._lock:
            if self._conn is not None:
                self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @staticmethod
    def meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @classmethod
    def counter(cls, conn: sqlite3.Connection) -> int:
        return int(cls.meta(conn, "counter") or 0)

    @classmethod
    def bump_content(cls, conn: sqlite3.Connection, seen: Iterable[tuple[int, str]]) -> None:
        """Give a new version to each product whose content hash differs from the one stored."""
        seen = list(seen)
        # Only the products the scan read: its cost follows the change, not the catalogue.
        stored = dict(
            conn.execute(
                "SELECT product_id, content_hash FROM versions WHERE product_id IN (SELECT value FROM json_each(?))",
                (json.dumps([product_id for product_id, _ in seen]),),
            ).fetchall()
        )
        counter = cls.counter(conn)
        changed = []
        for product_id, mod in seen:
            if stored.get(product_id, "\0") != mod:
                counter += 1
                changed.append((product_id, mod, counter))
        conn.executemany(
            """INSERT INTO versions (product_id, content_hash, content_version) VALUES (?, ?, ?)
               ON CONFLICT (product_id) DO UPDATE SET content_hash = excluded.content_hash,
               content_version = excluded.content_version""",
            changed,
        )
        cls.set_meta(conn, "counter", str(counter))

    def bump_stock_price(self, conn: sqlite3.Connection, hashes: Mapping[int, int]) -> dict[int, int]:
        """Give a new version to each product whose stock-and-price hash changed; all versions by id.

        The stored hashes are compared in memory (loaded once per process, again only when another
        process wrote some since), so a pass over the catalogue costs no read of this file.

        A product seen here for the first time whose content was already versioned takes its content
        version: it appeared then, and a caller whose mark is below that sees it either way.
        """
        stored, versions = self._stock_price_cache(conn)
        new = [product_id for product_id in hashes if product_id not in versions]
        content = self._content_versions_of(conn, new) if new else {}
        counter = self.counter(conn)
        changed: list[tuple[int, str, int]] = []
        result: dict[int, int] = {}
        for product_id, digest in hashes.items():
            old_version = versions.get(product_id)
            if old_version is not None and stored[product_id] == digest:
                result[product_id] = old_version
                continue
            if old_version is None and content.get(product_id, 0) > 0:
                version = content[product_id]
            else:
                counter += 1
                version = counter
            changed.append((product_id, str(digest), version))
            result[product_id] = version
        if changed:
            conn.executemany(
                """INSERT INTO versions (product_id, sp_hash, sp_version) VALUES (?, ?, ?)
                   ON CONFLICT (product_id) DO UPDATE SET sp_hash = excluded.sp_hash,
                   sp_version = excluded.sp_version""",
                changed,
            )
            self.set_meta(conn, "counter", str(counter))
            generation = str(int(self.meta(conn, "sp_generation") or 0) + 1)
            self.set_meta(conn, "sp_generation", generation)
            for product_id, _, version in changed:
                stored[product_id] = hashes[product_id]
                versions[product_id] = version
            self._sp_generation = generation
        return result

    def _stock_price_cache(self, conn: sqlite3.Connection) -> tuple[dict[int, int | str], dict[int, int]]:
        """The stored stock-and-price hashes and versions, as of this transaction."""
        generation = self.meta(conn, "sp_generation") or "0"
        if self._sp_hashes is None or self._sp_versions is None or generation != self._sp_generation:
            hashes: dict[int, int | str] = {}
            versions: dict[int, int] = {}
            for product_id, digest, version in conn.execute(
                "SELECT product_id, sp_hash, sp_version FROM versions WHERE sp_hash IS NOT NULL"
            ):
                hashes[product_id] = _stored_hash(digest)
                versions[product_id] = version
            self._sp_hashes, self._sp_versions, self._sp_generation = hashes, versions, generation
        return self._sp_hashes, self._sp_versions

    @staticmethod
    def _content_versions_of(conn: sqlite3.Connection, ids: list[int]) -> dict[int, int]:
        rows = conn.execute(
            "SELECT product_id, content_version FROM versions WHERE product_id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
        return {int(a): int(b) for a, b in rows}

    @staticmethod
    def content_since(conn: sqlite3.Connection, since: int, limit: int | None) -> list[tuple[int, int]]:
        sql = "SELECT product_id, content_version FROM versions WHERE content_version > ? ORDER BY content_version"
        if limit is not None:
            return [(int(a), int(b)) for a, b in conn.execute(sql + " LIMIT ?", (since, limit))]
        return [(int(a), int(b)) for a, b in conn.execute(sql, (since,))]

    @staticmethod
    def content_versions(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, int]:
        rows = conn.execute(
            "SELECT product_id, content_version FROM versions WHERE product_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(ids)),),
        ).fetchall()
        return {int(a): int(b) for a, b in rows}

    @staticmethod
    def remember_image(conn: sqlite3.Connection, sha256: str, dab_id: int, mime: str, size: int) -> None:
        conn.execute("INSERT OR REPLACE INTO images VALUES (?, ?, ?, ?)", (sha256, dab_id, mime, size))

    @staticmethod
    def image_dab(conn: sqlite3.Connection, sha256: str) -> int | None:
        row = conn.execute("SELECT dab_id FROM images WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else int(row[0])


def _stored_hash(text: str) -> int | str:
    """A stored hash as the scan computes it; one kept by an older version of the agent stays text,
    which equals no hash computed now, so that product gets one new version."""
    try:
        return int(text)
    except ValueError:
        return text
