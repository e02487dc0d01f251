"""The stock job ("Wyślij tylko zasoby") and the prices job ("Wyślij tylko ceny").

Each reads only the products whose stock or prices changed since its own high-water mark (set
only after a run of the job without failures), keeps those with a linked, active offer whose value
differs from what was last sent, and sends absolute values (`exactValue`, so a repeat is
harmless): one `update-offers` call per distinct value, up to 1000 offers each.

Available stock is on hand minus reserved over the configured warehouses, minus the company's
`stock_buffer`, never below 0 (the ERP computes it); the price is the gross price of the
configured price type. A product with no price there is skipped with a hint.

`plan_stock` / `plan_prices` find the delta without writing anything (the benchmark times them);
the jobs send what they found.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Literal, TypeVar

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

    @property
    def offers(self) -> int:
        return sum(len(ids) for _, ids in self.groups)


async def _plan(
    erp: ErpPort,
    state: StateDB,
    company: CompanyConfig,
    since: int,
    *,
    value_of: Callable[[StockPrice], V | None],
    sent_of: Callable[[OfferLink], V | None],
) -> BulkPlan[V]:
    pairs: list[tuple[int, V]] = []
    product_of: dict[int, int] = {}
    no_value: list[int] = []
    cursor, read = since, 0
    while True:
        changes = await erp.stock_price_changes(
            cursor,
            price_type=company.price_type,
            warehouses=company.warehouses,
            stock_buffer=company.stock_buffer,
            limit=READ_PAGE,
        )
        read += len(changes.items)
        # Links of the changed products only: the cost follows the delta, not the catalogue.
        links = await state.get_links(company.name, [item.product_id for item in changes.items])
        for item in changes.items:
            link = links.get(item.product_id)
            if link is None or link.offer_id is None or link.status != "active":
                continue
            value = value_of(item)
            if value is None:
                no_value.append(item.product_id)
            elif value != sent_of(link):
                pairs.append((link.offer_id, value))
                product_of[link.offer_id] = item.product_id
        cursor = changes.high_water
        if changes.complete:
            break
    return BulkPlan(tuple(group_by_value(pairs)), product_of, tuple(no_value), cursor, read)


async def plan_stock(erp: ErpPort, state: StateDB, company: CompanyConfig, since: int) -> BulkPlan[int]:
    """Quantities to send: changed since `since` and different from what was last sent."""
    return await _plan(erp, state, company, since, value_of=lambda i: i.available, sent_of=lambda link: link.quantity)


async def plan_prices(erp: ErpPort, state: StateDB, company: CompanyConfig, since: int) -> BulkPlan[Decimal]:
    """Gross prices to send: changed since `since` and different from what was last sent."""
    return await _plan(erp, state, company, since, value_of=lambda i: i.gross_price, sent_of=lambda link: link.price)


async def stock_job(ctx: RunContext) -> None:
    """Send the available quantity of every linked offer whose stock changed."""
    since = await ctx.state.get_high_water(ctx.company_name, "stock") or 0
    plan = await plan_stock(ctx.erp, ctx.state, ctx.company, since)
    await _send(ctx, "stock", plan, ctx.market.change_quantities, ctx.state.set_sent_quantities)


async def prices_job(ctx: RunContext) -> None:
    """Send the gross price of every linked offer whose price changed."""
    since = await ctx.state.get_high_water(ctx.company_name, "prices") or 0
    plan = await plan_prices(ctx.erp, ctx.state, ctx.company, since)
    price_type = ctx.company.price_type
    for product_id in plan.no_value:
        await ctx.skipped(
            "prices",
            f"product:{product_id}",
            f'no gross price in the price type "{price_type}"; the offer keeps its price',
            hint=f'set the product\'s price in the price type "{price_type}" in the ERP',
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
                ItemOutcome(job, f"product:{plan.product_of[o]}", "ok", message=f"offer {o}: {value}")
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
        "resourceNotFound": "the offer no longer exists on the marketplace: run a full offer sync",
        "resourceUpdateFailed": "the offer is ended or blocked on the marketplace: check it, or run a full offer sync",
        "authenticationFailed": "the offer belongs to another account: check the company's link",
    }.get(failure.code, "it is retried by the next run")
    return ItemOutcome(
        job,
        f"offer:{failure.offer_id}",
        "failed",
        error_class=f"BulkFailure:{failure.code}",
        message=f"offer {failure.offer_id}: {value} not applied: {failure.message or failure.code}",
        hint=hint,
    )
