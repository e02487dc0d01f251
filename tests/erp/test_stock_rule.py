"""The stock rule of `stock_price_changes`, against a model, for many stock situations (hypothesis)."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.erp.sqlite import SqliteErp

WAREHOUSES = ("MAGAZYN", "SKLEP", "HURT")
stock = st.tuples(st.integers(-5, 30), st.integers(0, 30))


def _model(rows: dict[str, tuple[int, int]], chosen: tuple[str, ...], buffer: int) -> int:
    codes = chosen or WAREHOUSES
    free = sum(max(on_hand - reserved, 0) for code, (on_hand, reserved) in rows.items() if code in codes)
    return max(free - buffer, 0)


async def _available(path: Path, chosen: tuple[str, ...], buffer: int) -> int:
    async with await SqliteErp.open(path, check=False) as erp:
        changes = await erp.stock_price_changes(0, price_type="detaliczna", warehouses=chosen, stock_buffer=buffer)
    (item,) = changes.items
    return item.available


@settings(max_examples=40, deadline=None)
@given(
    rows=st.fixed_dictionaries({code: stock for code in WAREHOUSES}),
    chosen=st.sampled_from([(), ("MAGAZYN",), ("SKLEP", "HURT"), ("HURT", "MAGAZYN")]),
    buffer=st.integers(0, 12),
)
def test_available_matches_the_rule(rows: dict[str, tuple[int, int]], chosen: tuple[str, ...], buffer: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "firma.sqlite"
        asyncio.run(_create(path))
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("INSERT INTO price_types (id, name) VALUES (1, 'detaliczna')")
        conn.executemany("INSERT INTO warehouses (code, name) VALUES (?, ?)", [(c, c) for c in WAREHOUSES])
        conn.execute("INSERT INTO products (code, name, vat_rate) VALUES ('A', 'A', '23%')")
        conn.executemany(
            """INSERT INTO stock (product_id, warehouse_id, on_hand, reserved)
               SELECT 1, id, ?, ? FROM warehouses WHERE code = ?""",
            [(on_hand, reserved, code) for code, (on_hand, reserved) in rows.items()],
        )
        conn.close()
        assert asyncio.run(_available(path, chosen, buffer)) == _model(rows, chosen, buffer)


async def _create(path: Path) -> None:
    async with await SqliteErp.open(path):
        pass
