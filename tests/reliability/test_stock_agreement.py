"""The marketplace moves an offer's stock itself when an order comes or is cancelled; the ERP's
available stock need not move by as much (an RO reserves in one warehouse, and a warehouse never
counts below 0). So after an import or a cancellation the agent forgets what it last sent for
those products, and the next stock job sends the ERP's value again. Found by the random kills:
"stock 144 there, 142 here" after a run that had nothing left to send.
"""

from __future__ import annotations

from tests.reliability.checks import broken_promises
from tests.sync.conftest import COMPANY, SyncWorld
from tests.sync.world import publish


async def test_orders_and_cancellations_make_the_stock_job_send_their_products_again(sync_world: SyncWorld) -> None:
    world = sync_world
    await world.run("catalogue")
    products = list((await world.erp.shared_product_ids())[:3])
    offers = dict(zip(await publish(world, products), products, strict=True))
    await world.run("stock")
    assert all(link.quantity is not None for link in (await world.state.all_links(COMPANY)).values())

    placed = (await world.control("POST", "/orders", params={"account": world.account_id, "count": 4}))["ids"]
    ordered = {offers[i.offer_id] for o in await world.market.sales("new") for i in o.items}
    await world.run("orders")
    links = await world.state.all_links(COMPANY)
    assert {pid for pid, link in links.items() if link.quantity is None} == ordered
    await world.run("stock")
    assert await broken_promises(world) == []

    await world.control("POST", f"/orders/{placed[0]}/cancel")
    order = await world.market.sale(placed[0])
    assert order is not None
    cancelled = {offers[i.offer_id] for i in order.items}
    await world.run("stock")  # nothing the ERP knows of yet: the RO is still open
    await world.run("orders")
    links = await world.state.all_links(COMPANY)
    assert cancelled <= {pid for pid, link in links.items() if link.quantity is None}
    await world.run("stock")
    assert await broken_promises(world) == []
