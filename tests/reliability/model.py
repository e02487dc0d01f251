"""The model-based test's model: plain Python that says what must be true of the ERP and the
marketplace once the agent has had a quiet run, and the comparison with what is really there.

The model learns only from what the test itself did (its ERP edits, the orders it had buyers place
and cancel, which runs could have imported what), never from the agent's own records, so the agent
cannot agree with itself by mistake. `observe(world)` reads both sides (raw SQL on the ERP, the
simulator's control API, the marketplace's sales) once faults are off; `disagreements(model, seen)`
lists every difference, one line each.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.core.orders import MARKETPLACE
from agent.domain import OrderItem
from tests.sync.conftest import COMPANY, SyncWorld

PRICE_TYPE = "detaliczna"
"""The company's price type in `tests.sync.conftest.write_config`."""


@dataclass
class OrderFate:
    """One order a buyer placed, as the test knows it."""

    maybe_imported: bool = False
    """A run that includes the orders job began after it was placed (it may be an RO by now)."""
    cancelled: bool = False
    cancelled_unseen: bool = False
    """Cancelled before any run could have imported it: it must never become an RO."""


@dataclass
class ShopModel:
    """What the ERP's users and the buyers did; the truth the agent must bring both sides to."""

    prices: dict[int, Decimal]
    """Gross price in the company's price type, by product."""
    names: dict[int, str]
    on_sale: set[int]
    """Products that must have exactly one live offer (shared for sale, active, not a service)."""
    off_sale: set[int] = field(default_factory=set)
    """Products the test took off sale: their offers must be ended."""
    on_hand: dict[tuple[int, int], int] = field(default_factory=dict)
    """(product, warehouse) -> quantity on hand; the agent never changes it."""
    reserved_before: dict[int, int] = field(default_factory=dict)
    """Reservations per product of the ERP's own documents (the seed's), before any order came."""
    orders: dict[int, OrderFate] = field(default_factory=dict)

    def placed(self, order_ids: list[int]) -> None:
        self.orders.update((i, OrderFate()) for i in order_ids)

    def run_began(self, jobs: tuple[str, ...]) -> None:
        if "orders" in jobs:
            for fate in self.orders.values():
                fate.maybe_imported = True

    def cancelled(self, order_id: int) -> None:
        fate = self.orders[order_id]
        if not fate.cancelled:
            fate.cancelled = True
            fate.cancelled_unseen = not fate.maybe_imported

    def take_off_sale(self, product_id: int) -> None:
        self.on_sale.discard(product_id)
        self.off_sale.add(product_id)

    def put_on_sale(self, product_id: int) -> None:
        self.off_sale.discard(product_id)
        self.on_sale.add(product_id)


@dataclass(frozen=True, slots=True)
class Sale:
    status: str
    lines: dict[int, int]
    """product -> quantity, from the items' external ids."""


@dataclass(frozen=True, slots=True)
class Observed:
    """Both sides as they are: the simulator's offers and orders, the ERP's ROs and stock."""

    offers: list[dict[str, Any]]
    sales: dict[int, Sale]
    documents: dict[int, list[str]]
    """order id -> statuses of its ROs (one, if nothing is doubled)."""
    foreign_documents: list[str]
    """ROs of the marketplace whose order id is not a number."""
    quarantined: dict[int, str]
    on_hand: dict[tuple[int, int], int]
    reserved: dict[tuple[int, int], int]


def read_erp(
    database: Path,
) -> tuple[
    dict[int, Decimal],
    dict[int, str],
    set[int],
    dict[tuple[int, int], int],
    dict[tuple[int, int], int],
    list[tuple[str, str]],
]:
    """prices, names, products on sale, on hand, reserved, and (order id, status) of every
    marketplace RO, read-only. Blocking: run it in a thread."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        prices = {
            int(p): Decimal(g)
            for p, g in conn.execute(
                """SELECT pr.product_id, pr.gross FROM prices pr JOIN price_types t ON t.id = pr.price_type_id
                   WHERE t.name = ?""",
                (PRICE_TYPE,),
            )
        }
        names = {int(i): str(n) for i, n in conn.execute("SELECT id, name FROM products")}
        on_sale = {
            int(r[0])
            for r in conn.execute("SELECT id FROM products WHERE active = 1 AND shared_for_sale = 1 AND is_service = 0")
        }
        stock = list(conn.execute("SELECT product_id, warehouse_id, on_hand, reserved FROM stock"))
        ros = [(str(o), str(s)) for o, s in conn.execute(
            "SELECT order_id, status FROM documents WHERE marketplace = ?", (MARKETPLACE,)
        )]  # fmt: skip
    finally:
        conn.close()
    on_hand = {(int(p), int(w)): int(h) for p, w, h, _ in stock}
    reserved = {(int(p), int(w)): int(r) for p, w, _, r in stock}
    return prices, names, on_sale, on_hand, reserved, ros


async def start_model(world: SyncWorld) -> ShopModel:
    """The model of a freshly seeded company, before any run."""
    prices, names, on_sale, on_hand, reserved, _ = await asyncio.to_thread(
        read_erp, world.config.company(COMPANY).database
    )
    before: Counter[int] = Counter()
    for (product, _), quantity in reserved.items():
        before[product] += quantity
    return ShopModel(prices=prices, names=names, on_sale=on_sale, on_hand=on_hand, reserved_before=dict(before))


async def observe(world: SyncWorld) -> Observed:
    _, _, _, on_hand, reserved, ros = await asyncio.to_thread(read_erp, world.config.company(COMPANY).database)
    documents: dict[int, list[str]] = defaultdict(list)
    foreign: list[str] = []
    for order_id, status in ros:
        if order_id.isdigit():
            documents[int(order_id)].append(status)
        else:
            foreign.append(order_id)
    sales = {o.id: Sale(o.status, _lines(o.items)) for o in await world.market.sales()}
    quarantined = {q.order_id: q.reason for q in await world.state.quarantined_orders(COMPANY) if q.order_id}
    return Observed(await world.sim_offers(), sales, dict(documents), foreign, quarantined, on_hand, reserved)


def _lines(items: tuple[OrderItem, ...]) -> dict[int, int]:
    """product -> quantity; an item without a numeric external id counts as product -1."""
    lines: Counter[int] = Counter()
    for item in items:
        lines[int(item.external_id) if item.external_id and item.external_id.isdigit() else -1] += item.quantity
    return dict(lines)


def disagreements(model: ShopModel, seen: Observed) -> list[str]:
    """Every way the two sides differ from the model (empty when they agree)."""
    return _order_disagreements(model, seen) + _offer_disagreements(model, seen)


def _order_disagreements(model: ShopModel, seen: Observed) -> list[str]:
    problems: list[str] = []
    if set(seen.sales) != set(model.orders):
        problems.append(f"orders on the marketplace {sorted(seen.sales)}, placed by buyers {sorted(model.orders)}")
    problems += [f"RO for an order no buyer placed: {o}" for o in sorted(set(seen.documents) - set(model.orders))]
    problems += [f"RO with a foreign order id {o!r}" for o in seen.foreign_documents]
    problems += [f"order {o} quarantined: {why}" for o, why in sorted(seen.quarantined.items())]
    for order_id, fate in sorted(model.orders.items()):
        sale, ros = seen.sales.get(order_id), seen.documents.get(order_id, [])
        if sale is None:
            continue
        if len(ros) > 1:
            problems.append(f"order {order_id} has {len(ros)} ROs")
        if fate.cancelled != (sale.status == "cancelled"):
            problems.append(f"order {order_id} is {sale.status} there, cancelled by its buyer: {fate.cancelled}")
        if fate.cancelled_unseen and ros:
            problems.append(f"order {order_id} cancelled before any import became an RO ({ros})")
        elif fate.cancelled and any(s != "cancelled" for s in ros):
            problems.append(f"order {order_id} cancelled after import, its RO is {ros}")
        elif not fate.cancelled:
            if ros != ["reserved"]:
                problems.append(f"order {order_id} not imported exactly once: ROs {ros}")
            if sale.status != "inProcess":
                problems.append(f"order {order_id} imported but {sale.status} on the marketplace")

    expected = Counter(model.reserved_before)
    for order_id, fate in model.orders.items():
        sale = seen.sales.get(order_id)
        if sale is not None and not fate.cancelled:
            expected.update(sale.lines)
    reserved: Counter[int] = Counter()
    for (product, _), quantity in seen.reserved.items():
        reserved[product] += quantity
    for product in sorted(set(expected) | set(reserved)):
        if expected[product] != reserved[product]:
            problems.append(f"product {product}: {reserved[product]} reserved, orders say {expected[product]}")
    changed = {k: v for k, v in seen.on_hand.items() if v != model.on_hand.get(k, 0)}
    problems += [f"product {p} warehouse {w}: on hand {v}, the ERP's users left {model.on_hand.get((p, w), 0)}"
                 for (p, w), v in sorted(changed.items())]  # fmt: skip
    return problems


def available(model: ShopModel, seen: Observed, product: int) -> int:
    """The company's rule, on the model's stock and the ERP's reservations: per warehouse at least
    0, summed (the buffer is 0 in the test's config)."""
    places = {k for k in (*model.on_hand, *seen.reserved) if k[0] == product}
    return sum(max(model.on_hand.get(k, 0) - seen.reserved.get(k, 0), 0) for k in places)


def _offer_disagreements(model: ShopModel, seen: Observed) -> list[str]:
    problems: list[str] = []
    live: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for offer in seen.offers:
        if offer["status"] != "ended":
            live[offer["externalId"]].append(offer)
    wanted = {str(p) for p in model.on_sale}
    problems += [f"product {e} should be on sale, has no live offer" for e in sorted(wanted - set(live))]
    problems += [f"product {e} is off sale, its offer still {[o['status'] for o in live[e]]}"
                 for e in sorted(set(live) - wanted)]  # fmt: skip
    for external_id in sorted(wanted & set(live)):
        offers, product = live[external_id], int(external_id)
        if len(offers) > 1:
            problems.append(f"product {product} has {len(offers)} live offers")
        offer = offers[0]
        if offer["status"] != "active":
            problems.append(f"product {product}: offer {offer['id']} is {offer['status']}")
        if Decimal(str(offer["price"])) != model.prices[product]:
            problems.append(f"product {product}: price {offer['price']} there, {model.prices[product]} set here")
        if offer["stockQuantity"] != available(model, seen, product):
            problems.append(f"product {product}: stock {offer['stockQuantity']} there, "
                            f"{available(model, seen, product)} available")  # fmt: skip
        if offer["title"] != model.names[product].strip():
            problems.append(f"product {product}: title {offer['title']!r} there, name {model.names[product]!r} here")
    return problems
