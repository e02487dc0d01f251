"""Stir a company database as a busy shop would: price changes, sales and deliveries, edited texts.

For demos and benchmarks. Changes go through plain UPDATEs, as the ERP's own screens would make
them, so the change-tracking triggers see them exactly as they see a user's edits.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from agent.erp.database import PRAGMAS, check_header
from agent.erp.documents import net_from_gross
from agent.errors import Phrase, StorageError

TouchWhat = Literal["prices", "stock", "content", "all"]
TOUCH_WHAT: tuple[TouchWhat, ...] = ("prices", "stock", "content", "all")
# With "all", each touched product gets one kind of change, weighted as a shop's day goes.
ALL_WEIGHTS = (("stock", 0.6), ("prices", 0.3), ("content", 0.1))
NAME_SUFFIXES = ("NOWOŚĆ", "PROMOCJA", "HIT", "nowy model", "wersja 2026")
GROSZ = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class TouchReport:
    products: int
    prices: int
    stock: int
    content: int
    change_version: int


def touch_company(path: Path, *, percent: float, what: TouchWhat = "all", seed: int | None = None) -> TouchReport:
    """Change `percent` % of the (non-service) products; blocking, run it in a thread."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be between 0 and 100")
    check_header(path)
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        conn.execute("BEGIN IMMEDIATE")
        try:
            report = _touch(conn, rng, percent, what)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        said = Phrase("err.sqlite_said", {"path": str(path), "detail": str(exc)})
        raise StorageError(f"{path}: {exc}", phrase=said) from None
    finally:
        conn.close()
    return report


def _kinds(rng: random.Random, what: TouchWhat, count: int) -> list[str]:
    if what != "all":
        return [what] * count
    names = [k for k, _ in ALL_WEIGHTS]
    weights = [w for _, w in ALL_WEIGHTS]
    return rng.choices(names, weights, k=count)


def _touch(conn: sqlite3.Connection, rng: random.Random, percent: float, what: TouchWhat) -> TouchReport:
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM products WHERE is_service = 0 ORDER BY id")]
    chosen = sorted(rng.sample(ids, math.ceil(len(ids) * percent / 100))) if ids else []
    kinds = _kinds(rng, what, len(chosen))
    by_kind: dict[str, list[int]] = {"prices": [], "stock": [], "content": []}
    for product_id, kind in zip(chosen, kinds, strict=True):
        by_kind[kind].append(product_id)

    price_updates: list[tuple[str, str, int, int]] = []
    rows = conn.execute(
        """SELECT pr.product_id, pr.price_type_id, pr.gross, p.vat_rate FROM prices pr
           JOIN products p ON p.id = pr.product_id
           WHERE pr.product_id IN (SELECT value FROM json_each(?)) ORDER BY pr.product_id, pr.price_type_id""",
        (json.dumps(by_kind["prices"]),),
    ).fetchall()
    factors: dict[int, Decimal] = {}
    for product_id, type_id, gross, vat in rows:
        factor = factors.setdefault(product_id, Decimal(100 + rng.choice((-10, -5, -3, 3, 5, 8, 12))) / 100)
        new_gross = max((Decimal(gross) * factor).quantize(GROSZ, rounding=ROUND_HALF_UP), GROSZ)
        price_updates.append((str(net_from_gross(new_gross, vat)), str(new_gross), product_id, type_id))
    conn.executemany("UPDATE prices SET net = ?, gross = ? WHERE product_id = ? AND price_type_id = ?", price_updates)

    stock_updates: list[tuple[int, int, int]] = []
    rows = conn.execute(
        """SELECT product_id, warehouse_id, on_hand, reserved FROM stock
           WHERE product_id IN (SELECT value FROM json_each(?)) ORDER BY product_id, warehouse_id""",
        (json.dumps(by_kind["stock"]),),
    ).fetchall()
    for product_id, warehouse_id, on_hand, reserved in rows:
        if on_hand > reserved and rng.random() < 0.75:
            new = on_hand - rng.randint(1, min(3, on_hand - reserved))  # a sale
        else:
            new = on_hand + rng.choice((6, 12, 24, 50))  # a delivery
        stock_updates.append((new, product_id, warehouse_id))
    conn.executemany("UPDATE stock SET on_hand = ? WHERE product_id = ? AND warehouse_id = ?", stock_updates)

    content_updates: list[tuple[str, str, int]] = []
    rows = conn.execute(
        "SELECT id, name, description FROM products WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(by_kind["content"]),),
    ).fetchall()
    for product_id, name, description in rows:
        base = name.split(" – ")[0]
        suffix = rng.choice(NAME_SUFFIXES)
        new_name = base if name != base else f"{base} – {suffix}"
        content_updates.append((new_name, f"{description.split(' [')[0]} [{suffix}]", product_id))
    conn.executemany("UPDATE products SET name = ?, description = ? WHERE id = ?", content_updates)

    version = int(conn.execute("SELECT value FROM change_counter WHERE id = 1").fetchone()[0])
    return TouchReport(
        products=len(chosen),
        prices=len(by_kind["prices"]),
        stock=len(by_kind["stock"]),
        content=len(by_kind["content"]),
        change_version=version,
    )
