"""Stock and gross prices read from Optima, and the scan that versions their changes.

Optima has no change column on prices (TwrCeny) or stock (TwrIlosci), so one pass reads every
good's prices (all price types) and latest stock rows (all warehouses) as narrow rows of whole
numbers, chains them into one hash per product and compares it with the hash kept in the agent's
state (held in memory between passes): a product whose hash moved gets a new version. The hash
covers every price type and warehouse, so what moves a version does not depend on the company's
settings; the values returned use the configured price type and warehouses, and are computed
only for the products returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from agent.domain import StockPrice
from agent.erp.optima import queries
from agent.erp.optima.content import chunks
from agent.erp.optima.state import VersionState
from agent.erp.port import StockPriceChanges

# CPython hashes a non-negative int below 2**61 - 1 to itself (but -1 and -2 to the same value):
# shifted by this, distinct values up to 2**60 ten-thousandths never share a hash.
SHIFT = 2**60


@dataclass(frozen=True, slots=True)
class Rule:
    """How values are computed: the company's price type, warehouses and stock buffer."""

    price_type: str
    warehouses: tuple[str, ...]
    stock_buffer: int


@dataclass(frozen=True, slots=True)
class Pass:
    """One read of goods' prices and stock: each good's hash, and the raw values the rule needs."""

    digests: dict[int, int] = field(default_factory=dict)
    price: dict[int, int] = field(default_factory=dict)
    free: dict[int, int] = field(default_factory=dict)
    vat: dict[int, tuple[object, object]] = field(default_factory=dict)
    is_net: bool = False
    buffer: int = 0

    def value(self, product_id: int) -> tuple[Decimal | None, int]:
        """(gross price, available) of one good read by this pass, by the rule it was read with."""
        raw = self.price.get(product_id)
        flag, rate = self.vat.get(product_id, (None, None))
        amount = None if raw is None else Decimal(raw) / queries.SCALE
        gross = queries.gross(amount, flag, rate, self.is_net)
        return gross, max(self.free.get(product_id, 0) - self.buffer, 0)

    def extend(self, other: Pass) -> None:
        """Add another part of the same pass (same rule) to this one."""
        self.digests.update(other.digests)
        self.price.update(other.price)
        self.free.update(other.free)
        self.vat.update(other.vat)


def scan(optima: Connection, state: VersionState, today: date) -> int:
    """Version the goods whose prices or stock changed since the last scan; the counter after it."""
    read = _read(optima, None, None, today)
    with state.write() as conn:
        state.bump_stock_price(conn, read.digests)
        counter = state.counter(conn)
    state.checkpoint()
    return counter


@dataclass(frozen=True, slots=True)
class Pending:
    """The rest of a pass whose changes a caller reads page by page (`limit`).

    The next page, asked from the `high_water` of the page before with the same rule, comes from
    this pass instead of a new one: its values and versions are those of the pass, and the last
    page's high-water mark is the pass's counter, so a change made since is found by the next call.
    """

    rule: Rule
    after: int
    changed: tuple[tuple[int, int], ...]
    read: Pass
    counter: int

    def continues(self, since: int, rule: Rule) -> bool:
        return since == self.after and rule == self.rule


def stock_price_changes(
    optima: Connection, state: VersionState, since: int, *, rule: Rule, limit: int | None, today: date
) -> tuple[StockPriceChanges, Pending | None]:
    """Stock and price of the goods whose version is above `since`, after a pass over all goods."""
    read = _read(optima, None, rule, today)
    with state.write() as conn:
        versions = state.bump_stock_price(conn, read.digests)
        counter = state.counter(conn)
    # A pass over the catalogue is where the state file's log is folded back: a few ms in a second.
    state.checkpoint()
    changed = tuple(sorted((v, pid) for pid, v in versions.items() if v > since))
    return next_page(Pending(rule, since, changed, read, counter), limit)


def next_page(pending: Pending, limit: int | None) -> tuple[StockPriceChanges, Pending | None]:
    """The next `limit` changes of a pass, and what is left of it (None when this page is the last)."""
    changed = pending.changed
    if limit is None or len(changed) <= limit:
        items = tuple(StockPrice(pid, *pending.read.value(pid), v) for v, pid in changed)
        return StockPriceChanges(items, high_water=pending.counter), None
    page, rest = changed[:limit], changed[limit:]
    items = tuple(StockPrice(pid, *pending.read.value(pid), v) for v, pid in page)
    high_water = page[-1][0]
    return (
        StockPriceChanges(items, high_water=high_water, complete=False),
        replace(pending, after=high_water, changed=rest),
    )


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
    rule = Rule(price_type, tuple(warehouses), stock_buffer)
    parts = [_read(optima, part, rule, today) for part in chunks(list(ids))]
    read = parts[0] if parts else Pass()
    for part in parts[1:]:
        read.extend(part)
    with state.write() as conn:
        # Versioning just these products is a scan too: their versions are current when returned.
        known = state.bump_stock_price(conn, read.digests)
    return tuple(StockPrice(i, *read.value(i), known.get(i, 0)) for i in ids if i in read.digests)


def _read(optima: Connection, ids: Sequence[int] | None, rule: Rule | None, today: date) -> Pass:
    """Each good's hash of all its prices and stock (every price type and warehouse), and the
    values of the rule (none without `rule`), from narrow rows of whole numbers in one pass."""
    price_id, is_net = queries.price_type(optima, rule.price_type) if rule else (0, False)
    chosen = set(queries.warehouse_ids(optima, rule.warehouses)) if rule else set()
    read = Pass(is_net=is_net, buffer=rule.stock_buffer if rule else 0)
    goods: list[int] = []
    for row in optima.execute(queries.goods(ids, with_vat=is_net)):
        goods.append(row[0])
        if is_net:
            read.vat[row[0]] = (row[1], row[2])
    # Rows come ordered by product (then price type, warehouse): each product's hash is a chain
    # over its rows in that order.
    price_chain: dict[int, int] = {}
    price = read.price
    for pid, number, value in optima.execute(queries.prices(ids)):
        # A missing value (the columns are NOT NULL in Optima; a damaged row) hashes apart from every number.
        price_chain[pid] = hash((price_chain.get(pid, 0), number, 0 if value is None else value + SHIFT))
        if number == price_id and value is not None:
            price[pid] = value
    stock_chain: dict[int, int] = {}
    free = read.free
    for pid, mag, on_hand_or_none, reserved_or_none in optima.execute(queries.latest_stock(ids, today)):
        on_hand, reserved = on_hand_or_none or 0, reserved_or_none or 0
        stock_chain[pid] = hash((stock_chain.get(pid, 0), mag, on_hand + SHIFT, reserved + SHIFT))
        if mag in chosen and on_hand > reserved:
            # Whole pieces per warehouse, as Optima shows free stock; a negative one counts 0.
            free[pid] = free.get(pid, 0) + (on_hand - reserved) // queries.SCALE
    read.digests.update((pid, hash((price_chain.get(pid, 0), stock_chain.get(pid, 0)))) for pid in goods)
    return read
