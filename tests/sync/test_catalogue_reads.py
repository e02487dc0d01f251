"""A run reads from the ERP's catalogue copy only the categories its products use, never the whole tree.

The live tree has about 16,000 categories: read whole on every scheduled run of every company, it
held the event loop for a third of a second per run and took megabytes per company (100 companies
on one-minute schedules: loop lag p99 309 ms, peak RSS 1 GB; bench/bench_runtime.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from agent.core.orders import MARKETPLACE
from agent.domain import Category, Terms
from agent.erp.sqlite import SqliteErp
from tests.sync.conftest import SyncWorld


class WatchedErp(SqliteErp):
    """The company database as the run uses it, noting which catalogue reads it is asked for."""

    whole_reads = 0
    asked: list[set[int]]

    async def catalogue(self) -> tuple[tuple[Category, ...], Terms]:
        self.whole_reads += 1
        return await super().catalogue()

    async def categories(self, ids: Collection[int]) -> tuple[Category, ...]:
        self.asked.append(set(ids))
        return await super().categories(ids)


async def _used_categories(erp: SqliteErp) -> set[int]:
    products = (await erp.content_changes(0)).products
    return {p.category_id for p in products if p.active and p.shared_for_sale and p.category_id is not None}


async def test_a_run_reads_only_the_categories_its_products_use(sync_world: SyncWorld) -> None:
    await sync_world.run("catalogue")
    whole, _ = await sync_world.erp.catalogue()
    erp = await WatchedErp.open(sync_world.erp.path)
    erp.asked = []
    try:
        world = replace(sync_world, erp=erp)
        run = await world.run("orders", "offers", "stock", "prices")
        assert run.result == "success", await world.state.outcomes(run.id)
        used = await _used_categories(erp)
        assert erp.whole_reads == 0
        # Each category once, and only those: the seeded shop uses a few dozen of the live tree's leaves.
        assert set().union(*erp.asked) == used
        assert sum(len(ids) for ids in erp.asked) == len(used)
        assert len(used) < len(whole) // 100

        # One product edited and orders placed: the next run asks for that product's category alone,
        # and the orders job reads the terms (payment methods) without the tree.
        product = next(p for p in (await erp.content_changes(0)).products if p.category_id in used)
        with sqlite3.connect(erp.path) as conn:
            conn.execute("UPDATE products SET name = ? WHERE id = ?", (product.name + " XL", product.id))
        placed = await world.control("POST", "/orders", params={"count": 3})
        erp.asked.clear()
        again = await world.run("orders", "offers", "stock", "prices")
        assert again.result == "success", await world.state.outcomes(again.id)
        documents = await erp.order_documents(MARKETPLACE, datetime.now(UTC) - timedelta(days=1))
        assert sorted(int(d.order_id) for d in documents) == sorted(placed["ids"])
        assert erp.asked == [{product.category_id}]
        assert erp.whole_reads == 0
    finally:
        await erp.close()
