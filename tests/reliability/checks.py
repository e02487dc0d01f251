"""What must hold after every recovery run: nothing doubled, nothing lost, both sides agree.

`broken_promises(world)` returns one line per broken promise (empty when all hold), so a failing
test shows every problem at once, not just the first.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from agent.core.orders import MARKETPLACE
from agent.paths import Paths
from tests.sync.conftest import COMPANY, SyncWorld


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of one SQLite file ("ok" when sound), read-only."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return ", ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


async def broken_promises(world: SyncWorld) -> list[str]:
    """Every way the world breaks the promises: doubled ROs, lost orders, doubled offers,
    stock or price out of step, a damaged database."""
    problems: list[str] = []
    company = world.config.company(COMPANY)
    documents = await world.erp.order_documents(MARKETPLACE, datetime.now(UTC) - timedelta(days=30))
    per_order = Counter(d.order_id for d in documents)
    problems += [f"order {o} has {n} ROs" for o, n in per_order.items() if n > 1]
    status_of = {d.order_id: d.status for d in documents}
    quarantined = {q.order_id for q in await world.state.quarantined_orders(COMPANY)}
    for order in await world.market.sales():
        key = str(order.id)
        if key in status_of:
            if order.status == "cancelled" and status_of[key] != "cancelled":
                problems.append(f"order {order.id} cancelled on the marketplace, its RO still {status_of[key]}")
        elif order.status == "cancelled":
            continue  # cancelled before its import: never imported, by design
        elif order.id not in quarantined:
            problems.append(f"order {order.id} ({order.status}) neither imported nor quarantined")

    offers = await world.sim_offers()
    live = Counter(o["externalId"] for o in offers if o["status"] != "ended")
    problems += [f"externalId {e} has {n} live offers" for e, n in live.items() if n > 1]
    by_id = {o["id"]: o for o in offers}
    links = [link for link in (await world.state.all_links(COMPANY)).values() if link.status == "active"]
    values = {
        v.product_id: v
        for v in await world.erp.stock_prices(
            [link.product_id for link in links],
            price_type=company.price_type,
            warehouses=company.warehouses,
            stock_buffer=company.stock_buffer,
        )
    }
    for link in links:
        offer = by_id.get(link.offer_id or -1)
        erp = values.get(link.product_id)
        if offer is None or erp is None:
            problems.append(f"product {link.product_id}: linked offer {link.offer_id} or ERP row missing")
            continue
        if offer["stockQuantity"] != erp.available:
            problems.append(f"product {link.product_id}: stock {offer['stockQuantity']} there, {erp.available} here")
        if erp.gross_price is not None and Decimal(str(offer["price"])) != erp.gross_price:
            problems.append(f"product {link.product_id}: price {offer['price']} there, {erp.gross_price} here")

    for path in (company.database, Paths.from_config(world.config).state_db):
        verdict = integrity(path)
        if verdict != "ok":
            problems.append(f"{path.name}: integrity_check says {verdict}")
    return problems


async def doubled(world: SyncWorld) -> list[str]:
    """Only the doubles (ROs per order, live offers per externalId), read without the agent's client:
    usable while the account cannot be reached (revoked, not linked again yet)."""
    documents = await world.erp.order_documents(MARKETPLACE, datetime.now(UTC) - timedelta(days=30))
    problems = [f"order {o} has {n} ROs" for o, n in Counter(d.order_id for d in documents).items() if n > 1]
    live = Counter(o["externalId"] for o in await world.sim_offers() if o["status"] != "ended")
    return problems + [f"externalId {e} has {n} live offers" for e, n in live.items() if n > 1]
