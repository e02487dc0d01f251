"""Keeping the simulated platform in SQLite (`marketsync simulator --state FILE`).

The platform stays an in-memory object (its speed is the point); this module copies it into a
file and back. A save serialises every record on the event loop (so it sees one consistent moment),
compares each row with what the file already holds, and writes only the rows that changed, in one
`BEGIN IMMEDIATE` transaction on a worker thread. The server saves within `SAVE_DELAY` seconds of any
request that may have changed something (and of buyers' orders), and once more at shutdown, so a
clean restart loses nothing and a killed process at most the last half second.

Tables: `meta` (counters, the clock's offset, the buyers' random state), `records` (one JSON row per
account, device code, integration, token, offer, sale and buyer plan, keyed by kind and id) and
`files` (uploaded images as blobs, written once). Faults are not kept: a restart switches them off.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict
from decimal import Decimal
from operator import attrgetter
from pathlib import Path
from typing import Any, Final

from loguru import logger
from starlette.types import ASGIApp, Receive, Scope, Send

from agent import sqlite_base
from agent.errors import MarketsyncError
from agent.simulator.model import (
    AccessToken,
    Account,
    BuyerPlan,
    DeviceCode,
    Integration,
    Offer,
    RefreshToken,
    Sale,
    SaleItem,
    StoredFile,
    TokenPair,
)
from agent.simulator.state import AccountData, Platform, TokenStats
from agent.simulator.wire import dumps

SAVE_DELAY: Final = 0.5
_UNSEEN: Final = object()
"""The fingerprint of a record never written (a fingerprint itself may well be None)."""
_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, account_id INTEGER NOT NULL, name TEXT NOT NULL,
    content_type TEXT NOT NULL, content BLOB NOT NULL
);
"""
SIMULATOR_FILE = sqlite_base.SqliteFile(
    key="simulator",
    name="the simulator's saved state",
    damaged_hint="move it aside to start the simulator afresh (its accounts, offers and orders are then new)",
)
Key = tuple[str, str]
Snapshot = tuple[list[tuple[Key, object, str]], set[Key], dict[str, str], list["StoredFile"]]
"""(changed rows with their fingerprints, every key present, meta, new files)"""


def _decimals(value: Any) -> Any:
    """An offer's content as it arrived: its fractional numbers as Decimal, like a parsed request body.
    (Rows are read with floats, which the times need; a float's shortest repr gives back the digits.)"""
    return json.loads(json.dumps(value), parse_float=Decimal)


def _account_row(data: AccountData) -> object:
    return {"account": asdict(data.account), "effects": dict(data.effects), "stats": asdict(data.token_stats)}


def _offer_row(offer: Offer) -> object:
    return {**asdict(offer), "price": str(offer.price)}


def _sale_row(sale: Sale) -> object:
    body = asdict(sale)
    body["shipping_cost"] = str(sale.shipping_cost)
    for item in body["items"]:
        item["price"] = str(item["price"])
    return body


def _account_print(data: AccountData) -> object:
    return sum(data.effects.values()), data.token_stats.refreshes, data.token_stats.invalid_grants


Table = tuple[str, Mapping[Any, Any], Callable[[Any], object], Callable[[Any], object]]


def _tables(platform: Platform) -> list[Table]:
    """Every table as (kind, records by key, fingerprint, row maker). A fingerprint is the cheap part of
    a record that changes whenever anything in it does, so unchanged records are not serialised again."""
    return [
        ("account", platform.accounts, _account_print, _account_row),
        ("device", platform.device_codes, attrgetter("state", "last_poll", "account_id"), asdict),
        ("integration", platform.integrations, attrgetter("revoked", "last_access"), asdict),
        ("access", platform.access_tokens, attrgetter("expires_at"), asdict),
        ("refresh", platform.refresh_tokens, attrgetter("used_at"), asdict),
        # PUT replaces an offer's content dict: kept in the fingerprint, it compares by identity first.
        ("offer", platform.offers, attrgetter("status", "price", "stock", "sold", "modified", "content"), _offer_row),
        ("sale", platform.sales, attrgetter("status", "payment_status", "waybills"), _sale_row),
        ("plan", platform.buyer_plans, attrgetter("fate", "wait"), asdict),
    ]


def _meta(platform: Platform) -> dict[str, str]:
    counters = {name: getattr(platform, name) for name in ("_next_account", "_next_offer", "_next_sale",
                                                           "unknown_invalid_grants")}
    return {"counters": json.dumps(counters), "clock_offset": repr(platform.clock.offset),
            "rng": json.dumps(platform.rng.getstate())}


def _error(path: Path, exc: sqlite3.Error) -> MarketsyncError:
    return sqlite_base.error_for(path, SIMULATOR_FILE, exc)


class Store:
    """One state file; `load` once at start, then `save` (or `snapshot` + `write`) as often as wanted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        sqlite_base.check_header(path, SIMULATOR_FILE)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(sqlite_base.BUSY_TIMEOUT_S * 1000)}")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise _error(path, exc) from exc
        self._lock = threading.Lock()
        self._saved: dict[Key, str] = {}
        self._prints: dict[Key, object] = {}
        """Fingerprints of the records as last written (none after a load: the first save compares bodies)."""
        self._saved_files: set[str] = set()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- loading ------------------------------------------------------------------------------

    def load(self, platform: Platform) -> bool:
        """Fill a fresh platform from the file; False (platform untouched) when the file is new."""
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if "counters" not in meta:
            return False
        for kind, key, body in self._db.execute("SELECT kind, key, body FROM records ORDER BY kind, key"):
            self._saved[(kind, key)] = body
        by_kind: dict[str, list[Any]] = {}
        for (kind, _), body in self._saved.items():
            by_kind.setdefault(kind, []).append(json.loads(body))
        for row in by_kind.get("account", []):
            account = Account(**row["account"])
            platform.accounts[account.id] = AccountData(account, effects=Counter(row["effects"]),
                                                        token_stats=TokenStats(**row["stats"]))
            platform.accounts_by_email[account.email.lower()] = account.id
        for row in by_kind.get("device", []):
            device = DeviceCode(**row)
            platform.device_codes[device.code] = device
            platform.device_codes_by_user_code[device.user_code] = device.code
        for row in by_kind.get("integration", []):
            platform.integrations[row["id"]] = Integration(**row)
        for row in by_kind.get("access", []):
            platform.access_tokens[row["token"]] = AccessToken(**row)
        for row in by_kind.get("refresh", []):
            successor = row.pop("successor")
            platform.refresh_tokens[row["token"]] = RefreshToken(
                **row, successor=TokenPair(**successor) if successor else None)
        for row in sorted(by_kind.get("offer", []), key=lambda r: r["id"]):
            offer = Offer(**{**row, "price": Decimal(row["price"]), "content": _decimals(row["content"])})
            platform.offers[offer.id] = offer
            data = platform.accounts[offer.account_id]
            data.offer_ids.append(offer.id)
            if offer.external_id is not None:
                data.offers_by_external_id[offer.external_id] = offer.id
        for row in sorted(by_kind.get("sale", []), key=lambda r: r["id"]):
            items = [SaleItem(**{**i, "price": Decimal(i["price"])}) for i in row.pop("items")]
            sale = Sale(**{**row, "items": items, "shipping_cost": Decimal(row["shipping_cost"]),
                           "shipping_method_id": str(row["shipping_method_id"])})
            platform.sales[sale.id] = sale
            platform.accounts[sale.account_id].sale_ids.append(sale.id)
        for row in by_kind.get("plan", []):
            platform.buyer_plans[row["sale_id"]] = BuyerPlan(**row)
        for path, account_id, name, content_type, content in self._db.execute(
                "SELECT path, account_id, name, content_type, content FROM files"):
            stored = StoredFile(account_id, name, path, content_type, bytes(content))
            platform.files[path] = stored
            platform.accounts[account_id].file_paths[path] = stored
            self._saved_files.add(path)
        for name, value in json.loads(meta["counters"]).items():
            setattr(platform, name, value)
        platform.clock.advance(max(0.0, float(meta["clock_offset"]) - platform.clock.offset))
        version, internal, gauss = json.loads(meta["rng"])
        platform.rng.setstate((version, tuple(internal), gauss))
        self._prints = {(kind, str(key)): fingerprint(record) for kind, table, fingerprint, _ in _tables(platform)
                        for key, record in table.items()}
        return True

    # --- saving -------------------------------------------------------------------------------

    def snapshot(self, platform: Platform) -> Snapshot:
        """What to write, taken on the event loop (the only writer of the platform, so one moment)."""
        changed = []
        present = set()
        prints = self._prints
        for kind, table, fingerprint, row in _tables(platform):
            for number, record in table.items():
                key = (kind, str(number))
                present.add(key)
                printed = fingerprint(record)
                if prints.get(key, _UNSEEN) != printed:
                    changed.append((key, printed, dumps(row(record)).decode()))
        new_files = [f for path, f in platform.files.items() if path not in self._saved_files]
        return changed, present, _meta(platform), new_files

    def write(self, snapshot: Snapshot) -> int:
        """Write what changed since the last write; the number of rows written. Raises StorageError."""
        candidates, present, meta, new_files = snapshot
        with self._lock:
            changed = [(k, fp, body) for k, fp, body in candidates if self._saved.get(k) != body]
            gone = [k for k in self._saved if k not in present]
            try:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO records (kind, key, body) VALUES (?, ?, ?)",
                                     [(k[0], k[1], body) for k, _, body in changed])
                self._db.executemany("DELETE FROM records WHERE kind = ? AND key = ?", gone)
                self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())
                self._db.executemany(
                    "INSERT OR IGNORE INTO files (path, account_id, name, content_type, content)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(f.path, f.account_id, f.name, f.content_type, f.content) for f in new_files])
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise _error(self.path, exc) from exc
            for key, fingerprint, body in candidates:
                self._saved[key] = body
                self._prints[key] = fingerprint
            for gone_key in gone:
                del self._saved[gone_key]
                self._prints.pop(gone_key, None)
            self._saved_files.update(f.path for f in new_files)
        return len(changed) + len(gone) + len(new_files)

    def save(self, platform: Platform) -> int:
        return self.write(self.snapshot(platform))


class Saver:
    """Marks and debounced saves: `touch()` after anything that may have changed the platform."""

    def __init__(self, store: Store, platform: Platform) -> None:
        self.store = store
        self.platform = platform
        self._dirty = asyncio.Event()

    def touch(self) -> None:
        self._dirty.set()

    async def run(self) -> None:
        while True:
            await self._dirty.wait()
            await asyncio.sleep(SAVE_DELAY)
            self._dirty.clear()
            try:
                await asyncio.to_thread(self.store.write, self.store.snapshot(self.platform))
            except MarketsyncError as exc:
                logger.error("simulator: saving the state failed: {}", exc)

    def final(self) -> None:
        self.store.save(self.platform)


class TouchOnChange:
    """ASGI middleware: touch the saver after any request but a plain GET (GETs of the linking
    endpoints change state too: a register issues a device code, a poll issues tokens)."""

    def __init__(self, app: ASGIApp, saver: Saver) -> None:
        self.app = app
        self.saver = saver

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http" and (scope["method"] != "GET" or scope["path"].startswith("/api/integration/")):
                self.saver.touch()
