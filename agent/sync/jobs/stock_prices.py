"""The stock job ("Wyślij tylko zasoby") and the prices job ("Wyślij tylko ceny").

Each reads only the products whose stock or prices changed since its own high-water mark (set
only after a run of the job without failures), keeps those with a linked, active offer whose value
differs from what was last sent, and sends absolute values (`exactValue`, so a repeat is
harmless): one `update-offers` call per distinct value, up to 1000 offers each.

Available stock is on hand minus reserved over the configured warehouses, minus the company's
`stock_buffer`, never below 0 (the ERP computes it); the price is the gross price of the
configured price type. A product with no price there is skipped with a hint.

`plan_stock` / `plan_prices` find the delta without writing anything (the benchmark times them);
the jobs send what they found. A run with both jobs reads the ERP's changes once
(`plan_stock_and_prices`, in the stock job): the prices job takes its part from the run, and each
job still sets its own mark, only after its own sends all went through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from agent.config import CompanyConfig
from agent.core.batching import group_by_value
from agent.domain import StockPrice
from agent.erp.port import ErpPort
from agent.errors import Phrase, RetryLater, SkipItem
from agent.logs import say
from agent.marketplace.models import BulkFailure
from agent.state.models import ItemOutcome, OfferLink
from agent.state.store import StateDB
from agent.sync.context import RunContext
from agent.sync.crash import crash_point

V = TypeVar("V", bound=Hashable)
BulkJob = Literal["stock", "prices"]
READ_PAGE = 5000
"""Changed products read (and their links looked up) at a time, so memory stays flat."""
PRICES_PLAN = "prices.plan"
"""Where the stock job leaves, in `RunContext.carried`, the prices job's part of its read."""


@dataclass(frozen=True, slots=True)
class BulkPlan(Generic[V]):
    """What a stock or prices run sends: (value, offer ids) groups, and what it cannot send."""

    groups: tuple[tuple[V, tuple[int, ...]], ...]
    product_of: Mapping[int, int]
    """Offer id -> product id, for every offer in `groups`."""
    no_value: tuple[int, ...]
    """Product ids with a linked offer but no value to send (no price in the price type)."""
    high_water: int
    read: int
    """Changed products read from the ERP."""
    since: int = 0
    """The job's mark the plan was read from."""

    @property
    def offers(self) -> int:
        return sum(len(ids) for _, ids in self.groups)


@dataclass(frozen=True, slots=True)
class StockAndPrices:
    """Both jobs' plans from one read of the ERP's changes (`plan_stock_and_prices`)."""

    stock: BulkPlan[int]
    prices: BulkPlan[Decimal]


@dataclass(slots=True)
class _Side(Generic[V]):
    """One job's share of a read: its own mark, its value, and what it found so far."""

    since: int
    value_of: Callable[[StockPrice], V | None]
    sent_of: Callable[[OfferLink], V | None]
    pairs: list[tuple[int, V]] = field(default_factory=list)
    product_of: dict[int, int] = field(default_factory=dict)
    no_value: list[int] = field(default_factory=list)
    read: int = 0

    def take(self, item: StockPrice, link: OfferLink | None) -> None:
        # A read from an older mark (the other job's) also holds changes this job already sent.
        if item.version <= self.since:
            return
        self.read += 1
        if link is None or link.offer_id is None or link.status != "active":
            return
        value = self.value_of(item)
        if value is None:
            self.no_value.append(item.product_id)
        elif value != self.sent_of(link):
            self.pairs.append((link.offer_id, value))
            self.product_of[link.offer_id] = item.product_id

    def plan(self, high_water: int) -> BulkPlan[V]:
        groups = tuple(group_by_value(self.pairs))
        return BulkPlan(groups, self.product_of, tuple(self.no_value), high_water, self.read, self.since)


def _stock_side(since: int) -> _Side[int]:
    return _Side(since, value_of=lambda i: i.available, sent_of=lambda link: link.quantity)


def _prices_side(since: int) -> _Side[Decimal]:
    return _Side(since, value_of=lambda i: i.gross_price, sent_of=lambda link: link.price)


async def _read(erp: ErpPort, state: StateDB, company: CompanyConfig, sides: Sequence[_Side[Any]]) -> int:
    """Read the changes since the lowest of the sides' marks once, page by page, handing each
    changed product to every side; the high-water mark the read ended at."""
    cursor = min(side.since for side in sides)
    while True:
        changes = await erp.stock_price_changes(
            cursor,
            price_type=company.price_type,
            warehouses=company.warehouses,
            stock_buffer=company.stock_buffer,
            limit=READ_PAGE,
        )
        # Links of the changed products only: the cost follows the delta, not the catalogue.
        links = await state.get_links(company.name, [item.product_id for item in changes.items])
        for item in changes.items:
            link = links.get(item.product_id)
            for side in sides:
                side.take(item, link)
        cursor = changes.high_water
        if changes.complete:
            return cursor


async def plan_stock(erp: ErpPort, state: StateDB, company: CompanyConfig, since: int) -> BulkPlan[int]:
    """Quantities to send: changed since `since` and different from what was last sent."""
    side = _stock_side(since)
    return side.plan(await _read(erp, state, company, [side]))


async def plan_prices(erp: ErpPort, state: StateDB, company: CompanyConfig, since: int) -> BulkPlan[Decimal]:
    """Gross prices to send: changed since `since` and different from what was last sent."""
    side = _prices_side(since)
    return side.plan(await _read(erp, state, company, [side]))


async def plan_stock_and_prices(
    erp: ErpPort, state: StateDB, company: CompanyConfig, *, stock_since: int, prices_since: int
) -> StockAndPrices:
    """`plan_stock` and `plan_prices` from one read of the ERP's changes, from the lower mark.

    An ERP with no change column on stock or prices (Optima) compares every product's values to
    find the changes, so one read instead of two halves a run's cost. Each plan holds only the
    changes after its own job's mark, as if read alone, and both end at the same high-water mark.
    """
    stock, prices = _stock_side(stock_since), _prices_side(prices_since)
    high_water = await _read(erp, state, company, [stock, prices])
    return StockAndPrices(stock.plan(high_water), prices.plan(high_water))


async def stock_job(ctx: RunContext) -> None:
    """Send the available quantity of every linked offer whose stock changed.

    When the run's prices job comes next, its changes are read in the same pass and handed to it.
    """
    since = await ctx.state.get_high_water(ctx.company_name, "stock") or 0
    jobs = ctx.options.jobs
    if "prices" in jobs and jobs.index("prices") > jobs.index("stock"):
        prices = await ctx.state.get_high_water(ctx.company_name, "prices") or 0
        both = await plan_stock_and_prices(ctx.erp, ctx.state, ctx.company, stock_since=since, prices_since=prices)
        ctx.carried[PRICES_PLAN] = both.prices
        plan = both.stock
    else:
        plan = await plan_stock(ctx.erp, ctx.state, ctx.company, since)
    await _send(ctx, "stock", plan, ctx.market.change_quantities, ctx.state.set_sent_quantities)


async def prices_job(ctx: RunContext) -> None:
    """Send the gross price of every linked offer whose price changed."""
    since = await ctx.state.get_high_water(ctx.company_name, "prices") or 0
    carried = ctx.carried.pop(PRICES_PLAN, None)
    # Read by the stock job of this run from this same mark: nothing was sent from it since.
    if isinstance(carried, BulkPlan) and carried.since == since:
        plan: BulkPlan[Decimal] = carried
    else:
        plan = await plan_prices(ctx.erp, ctx.state, ctx.company, since)
    price_type = ctx.company.price_type
    for product_id in plan.no_value:
        await ctx.skipped(
            "prices",
            f"product:{product_id}",
            Phrase("outcome.no_price_kept", {"price_type": price_type}),
            hint=Phrase("outcome.hint.set_price", {"price_type": price_type}),
        )
    await _send(ctx, "prices", plan, ctx.market.change_prices, ctx.state.set_sent_prices)


async def _send(
    ctx: RunContext,
    job: BulkJob,
    plan: BulkPlan[V],
    call: Callable[[Sequence[int], V], Awaitable[tuple[BulkFailure, ...]]],
    store: Callable[[str, Mapping[int, V]], Awaitable[int]],
) -> None:
    total, done, failed = plan.offers, 0, 0
    await ctx.progress(job, 0, total)
    for value, offer_ids in plan.groups:
        await ctx.before_market_write(f"{job}.before_bulk")
        try:
            failures = await call(offer_ids, value)
        except (SkipItem, RetryLater) as exc:
            # The whole call failed (refused, unreadable, or the marketplace is away): each of its
            # offers failed; the next group may still go through.
            failed += len(offer_ids)
            await ctx.record_all([ItemOutcome.from_error(job, f"offer:{o}", exc) for o in offer_ids])
        else:
            crash_point(f"{job}.after_bulk")
            refused = {f.offer_id: f for f in failures}
            await store(ctx.company_name, {plan.product_of[o]: value for o in offer_ids if o not in refused})
            outcomes = [
                ItemOutcome.said(
                    job,
                    f"product:{plan.product_of[o]}",
                    "ok",
                    Phrase("outcome.offer_value", {"offer": o, "value": value}),
                )
                for o in offer_ids
                if o not in refused
            ]
            outcomes.extend(_refused(job, failure, value) for failure in refused.values())
            failed += len(refused)
            await ctx.record_all(outcomes)
        done += len(offer_ids)
        await ctx.progress(job, done, total)
    say(
        "INFO", "log.stock_prices.done", company=ctx.company_name, job=Phrase(f"job.{job}"), read=plan.read,
        offers=total, calls=len(plan.groups), failed=failed,
    )
    if failed == 0:
        await ctx.state.set_high_water(ctx.company_name, job, plan.high_water, ctx.run.id)


def _refused(job: BulkJob, failure: BulkFailure, value: object) -> ItemOutcome:
    hint = {
        "resourceNotFound": "outcome.hint.offer_gone",
        "resourceUpdateFailed": "outcome.hint.offer_blocked",
        "authenticationFailed": "outcome.hint.other_account",
    }.get(failure.code, "outcome.hint.next_run")
    # Why the marketplace refused it is the marketplace's own words, kept as they came.
    said = Phrase(
        "outcome.offer_value_refused",
        {"offer": failure.offer_id, "value": value, "said": failure.message or failure.code},
    )
    return ItemOutcome.said(
        job, f"offer:{failure.offer_id}", "failed", said, hint=Phrase(hint), error_class=f"BulkFailure:{failure.code}"
    )
