"""A database file this process has open must never lose its SQLite locks to a second open.

Closing any descriptor of a file drops every POSIX lock the process holds on it, SQLite's
included; another process then believes it is alone, checkpoints and removes the WAL under our
connections ("disk I/O error", "database disk image is malformed"). The crash suite found it: the
ERP header check read the file while the same process had it open.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.erp.touch import touch_company
from agent.state.store import StateDB

# Another process opens the file, writes, and closes: the last one out checkpoints and removes the WAL.
_OTHER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("BEGIN IMMEDIATE")
conn.execute(sys.argv[2])
conn.execute("COMMIT")
conn.close()
"""


async def _other_process(path: Path, sql: str) -> None:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", _OTHER, str(path), sql)
    assert await proc.wait() == 0


async def test_the_erp_header_check_keeps_the_locks_of_an_open_company_database(tmp_path: Path) -> None:
    database = tmp_path / "firma.sqlite"
    await (await SqliteErp.open(database)).close()
    await asyncio.to_thread(seed_company, database, products=20, seed=3)
    erp = await SqliteErp.open(database)
    try:
        for round_ in range(5):
            await erp.shared_product_ids()
            # A touch in this process re-checks the header of a file it has open.
            await asyncio.to_thread(touch_company, database, percent=20, what="stock", seed=round_)
            await _other_process(database, "UPDATE products SET name = name || '' WHERE id = 1")
            assert len(await erp.shared_product_ids()) > 0
            changes = await erp.stock_price_changes(0, price_type="detaliczna")
            assert changes.items
    finally:
        await erp.close()


async def test_opening_the_state_database_twice_in_a_process_keeps_the_first_ones_locks(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    async with StateDB(path) as first:
        for order_id in range(5):
            await first.quarantine_order("Firma", order_id, "test", "{}")
            async with StateDB(path) as second:
                await second.quarantined_orders()
            await _other_process(path, f"CREATE TABLE IF NOT EXISTS other_{order_id} (x)")
            assert len(await first.quarantined_orders()) == 2 * order_id + 1
            await first.quarantine_order("Firma", 100 + order_id, "test", "{}")
