"""Stock and gross prices read from Optima, and the scan that versions their changes.

Optima has no change column on prices (TwrCeny) or stock (TwrIlosci), so one pass reads every
good's prices (all price types) and latest stock rows (all warehouses), hashes them per product
and compares with the hashes in the sidecar: a product whose hash moved gets a new version. The
hash covers every price type and warehouse, so what moves a version does not depend on the
company's settings; the values returned use the configured price type and warehouses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from agent.domain import StockPrice
from agent.erp.optima import queries
from agent.erp.optima.content import chunks
from agent.erp.optima.state import VersionState
from agent.erp.port import StockPriceChanges

Values = dict[int, tuple[Decimal | None, int]]


@dataclass(frozen=True, slots=True)
class Rule:
    """How values are computed: the company's price type, warehouses and stock buffer."""

    price_type: str
    warehouses: Sequence[str]
    stock_buffer: int


def scan(optima: Connection, state: VersionState, today: date) -> int:
    """Version the goods whose prices or stock changed since the last scan; the counter after it."""
    _, digests = _read(optima, None, None, today)
    with state.write() as conn:
        state.bump_stock_price(conn, digests.items())
        return state.counter(conn)


def stock_price_changes(
    optima: Connection,
    state: VersionState,
    since: int,
    *,
    price_type: str,
    warehouses: Sequence[str],
    stock_buffer: int,
    limit: int | None,
    today: date,
) -> StockPriceChanges:
    values, digests = _read(optima, None, Rule(price_type, warehouses, stock_buffer), today)
    with state.write() as conn:
        versions = state.bump_stock_price(conn, digests.items())
        counter = state.counter(conn)
    changed = sorted((v, pid) for pid, v in versions.items() if v > since)
    complete = limit is None or len(changed) <= limit
    if not complete:
        changed = changed[:limit]
    items = tuple(StockPrice(pid, values[pid][0], values[pid][1], v) for v, pid in changed)
    return StockPriceChanges(items, high_water=counter if complete else changed[-1][0], complete=complete)


def stock_prices(
    optima: Connection,
    state: VersionState,
    ids: Sequence[int],
    *,
    price_type: str,
    warehouses: Sequence[str],
    stock_buffer: int,
    today: date,
) -> tuple[StockPrice, ...]:
    values: Values = {}
    digests: dict[int, str] = {}
    for part in chunks(list(ids)):
        part_values, part_digests = _read(optima, part, Rule(price_type, warehouses, stock_buffer), today)
        values.update(part_values)
        digests.update(part_digests)
    with state.write() as conn:
        # Versioning just these products is a scan too: their versions are current when returned.
        known = state.bump_stock_price(conn, digests.items())
    return tuple(StockPrice(i, values[i][0], values[i][1], known.get(i, 0)) for i in ids if i in values)


def _read(
    optima: Connection, ids: Sequence[int] | None, rule: Rule | None, today: date
) -> tuple[Values, dict[int, str]]:
    """The values by the port's rule (none without `rule`), and each product's hash of all its prices and stock."""
    price_id, is_net = queries.price_type(optima, rule.price_type) if rule else (0, False)
    chosen = set(queries.warehouse_ids(optima, rule.warehouses)) if rule else set()
    goods = optima.execute(queries.goods(ids)).all()
    # Hashed as the driver returns them (Decimal): stable for one driver, and a change of driver
    # at worst sends every product once more.
    all_prices: dict[int, list[tuple[int, Decimal]]] = {}
    for pid, number, value in optima.execute(queries.prices(ids)).all():
        all_prices.setdefault(pid, []).append((number, value))
    all_stock: dict[int, list[tuple[int, Decimal, Decimal]]] = {}
    for pid, mag, on_hand, reserved in optima.execute(queries.latest_stock(ids, today)).all():
        all_stock.setdefault(pid, []).append((mag, on_hand, reserved))
    values: Values = {}
    digests: dict[int, str] = {}
    blake2b = hashlib.blake2b
    for pid, flag, rate in goods:
        prices = all_prices.get(pid, [])
        stock = all_stock.get(pid, [])
        digests[pid] = blake2b(repr((prices, stock)).encode(), digest_size=12).hexdigest()
        if rule is None:
            continue
        value = next((v for n, v in prices if n == price_id), None)
        free = sum(max(int(on - res), 0) for mag, on, res in stock if mag in chosen)
        values[pid] = (queries.gross(value, flag, rate, is_net), max(free - rule.stock_buffer, 0))
    return values, digests
