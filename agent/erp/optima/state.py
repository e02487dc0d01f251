"""The adapter's own state, in a SQLite file of the agent's (never in Optima's database).

Optima has one change column (`Twr_TS_Mod`, content) and none for prices or stock, and the port
promises one monotonic change counter. This file keeps that counter and, per product, the
hash of what its offer shows, the hash of its last stock-and-price values and the counter value of each
last change. A scan compares Optima with it in one pass and gives changed products new versions.
Used from the adapter's worker thread only (stdlib sqlite3, one connection per call).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

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
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(SCHEMA)
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: two scans (two processes) never hand out the same version."""
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

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

    @classmethod
    def bump_stock_price(cls, conn: sqlite3.Connection, hashes: Iterable[tuple[int, str]]) -> dict[int, int]:
        """Give a new version to each product whose stock-and-price hash changed; all versions by id.

        A product seen here for the first time whose content was already versioned takes its content
        version: it appeared then, and a caller whose mark is below that sees it either way.
        """
        hashes = list(hashes)
        rows = conn.execute(
            """SELECT product_id, sp_hash, sp_version, content_version FROM versions
               WHERE product_id IN (SELECT value FROM json_each(?))""",
            (json.dumps([product_id for product_id, _ in hashes]),),
        )
        stored = {int(r[0]): (r[1], int(r[2]), int(r[3])) for r in rows}
        counter = cls.counter(conn)
        changed = []
        result: dict[int, int] = {}
        for product_id, digest in hashes:
            old_hash, old_version, content_version = stored.get(product_id, (None, 0, 0))
            if old_hash == digest:
                result[product_id] = old_version
                continue
            if old_hash is None and content_version > 0:
                version = content_version
            else:
                counter += 1
                version = counter
            changed.append((product_id, digest, version))
            result[product_id] = version
        conn.executemany(
            """INSERT INTO versions (product_id, sp_hash, sp_version) VALUES (?, ?, ?)
               ON CONFLICT (product_id) DO UPDATE SET sp_hash = excluded.sp_hash, sp_version = excluded.sp_version""",
            changed,
        )
        cls.set_meta(conn, "counter", str(counter))
        return result

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
