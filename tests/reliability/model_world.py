"""A fresh world for each example of the model-based test, cheaply: on the simulator the example
started (in a thread: 0.2 s to stop), a new seller account (auto-consent makes one per link), a
new seeded company database and a state database in a folder of its own, and the ERP edits the
test's rules make. Everything else is the sync tests' real world (`SyncWorld`), so
`checks.broken_promises` works on it unchanged.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AsyncExitStack
from decimal import Decimal
from pathlib import Path

from agent.config import load_config
from agent.erp.documents import net_from_gross
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.marketplace.accounts import AccountPlaces, build_client, link_company
from agent.marketplace.retry import BreakerBoard
from agent.paths import Paths
from agent.simulator import RunningSimulator
from agent.state.store import StateDB
from tests.reliability.model import PRICE_TYPE
from tests.sync.conftest import COMPANY, CountingTransport, SyncWorld, write_config

PRODUCTS = 16
"""Few products keep an example cheap (the first export uploads an image per product); the shop's
edits, orders and parking still meet every job."""
SEED = 7
"""One seed for every example: the products (which the rules draw from) must not vary between examples."""


async def open_world(folder: Path, sim: RunningSimulator, *, stack: AsyncExitStack) -> SyncWorld:
    """A linked account, a seeded company database and a state database in `folder`; `stack`
    closes them. Same shape as the `sync_world` fixture, which is function-scoped."""
    config = load_config(write_config(folder, sim.base_url))
    Paths.from_config(config).ensure()
    await link_company(config, COMPANY, show=lambda registration: None, sleep=lambda s: asyncio.sleep(0.01))
    database = config.company(COMPANY).database
    await (await SqliteErp.open(database)).close()  # creates and migrates the file for the seed
    await asyncio.to_thread(seed_company, database, products=PRODUCTS, seed=SEED)
    erp = await SqliteErp.open(database)
    stack.push_async_callback(erp.close)
    state = await stack.enter_async_context(StateDB.for_config(config))
    counting = CountingTransport()
    market = build_client(
        COMPANY,
        base_url=config.marketplace.base_url,
        requests_per_minute=0,
        places=AccountPlaces.from_config(config),
        transport=counting,
        breakers=BreakerBoard(failure_threshold=1000),
    )
    await stack.enter_async_context(market)
    world = SyncWorld(sim, config, erp, state, market, counting)
    session = await market.check_connection()
    accounts = await world.control("GET", "/accounts")
    world.account_id = next(a["id"] for a in accounts if a["email"] == session.user_name)
    return world


def _write(database: Path, sql: str, params: tuple[object, ...]) -> None:
    """One edit as the ERP's own screens make it: a plain UPDATE, which the change triggers see."""
    conn = sqlite3.connect(database, timeout=30)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


async def set_price(world: SyncWorld, product_id: int, gross: Decimal) -> None:
    """The product's gross price in the company's price type (net follows from its VAT rate)."""
    database = world.config.company(COMPANY).database
    vat = (await world.erp.products([product_id]))[0].vat_rate
    await asyncio.to_thread(
        _write, database,
        """UPDATE prices SET gross = ?, net = ? WHERE product_id = ?
           AND price_type_id = (SELECT id FROM price_types WHERE name = ?)""",
        (str(gross), str(net_from_gross(gross, vat)), product_id, PRICE_TYPE),
    )  # fmt: skip


async def set_on_hand(world: SyncWorld, product_id: int, warehouse_id: int, quantity: int) -> None:
    """A stock count: on hand in one warehouse (a row of its own if the product had none there)."""
    await asyncio.to_thread(
        _write, world.config.company(COMPANY).database,
        """INSERT INTO stock (product_id, warehouse_id, on_hand) VALUES (?, ?, ?)
           ON CONFLICT (product_id, warehouse_id) DO UPDATE SET on_hand = excluded.on_hand""",
        (product_id, warehouse_id, quantity),
    )  # fmt: skip


async def rename(world: SyncWorld, product_id: int, name: str) -> None:
    await asyncio.to_thread(
        _write, world.config.company(COMPANY).database, "UPDATE products SET name = ? WHERE id = ?", (name, product_id)
    )


async def share(world: SyncWorld, product_id: int, *, for_sale: bool) -> None:
    """Take a product off sale (the offer must end) or put it back (it must be offered again)."""
    await asyncio.to_thread(
        _write, world.config.company(COMPANY).database,
        "UPDATE products SET shared_for_sale = ? WHERE id = ?", (int(for_sale), product_id),
    )  # fmt: skip
