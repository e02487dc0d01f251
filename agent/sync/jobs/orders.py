"""The orders job ("Pobierz zamówienia"): new marketplace orders become ROs, exactly once.

Order of steps, and why:
1. Read every page of `status=new` first: setting statuses while paging would shift the pages and
   skip orders.
2. For each batch of up to 100: ask their current status once (an order cancelled since the list
   was read is skipped), then create each RO in its own ERP transaction under the UNIQUE
   (marketplace, order id) key — an order imported before (a crash after commit, a lost answer)
   is recognised, not doubled — and only after commit set the batch `inProcess`. An order that
   could not be finished stays `new` and is picked up by the next run.
3. An order that cannot be mapped (unknown product, bad data) is quarantined with its raw payload
   and the reason; it stays `new` and does not block the others.
4. Open ROs of the last `order_check_days` days are checked with `retrieve-statuses`: an order
   cancelled after import cancels its RO, which releases its reservation.
5. A reconciliation report compares the marketplace's orders of those days with the ERP's ROs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from agent.core.batching import chunks
from agent.core.orders import MARKETPLACE, OrderMapping, order_to_draft
from agent.domain import Order, PaymentType
from agent.errors import Count, InvalidItem, MalformedAnswer, Phrase
from agent.logs import say
from agent.marketplace.models import RejectedOrder
from agent.state.models import ItemOutcome
from agent.sync.context import RunContext
from agent.sync.crash import crash_point
from agent.texts.phrases import counted, word

STATUS_BATCH = 100


def order_payload(order: Order) -> str:
    """The order as JSON text, kept with a quarantined order so an operator can see what came."""

    def default(value: object) -> str:
        if isinstance(value, Decimal | datetime):
            return str(value)
        raise TypeError(type(value).__name__)

    return json.dumps(asdict(order), default=default, ensure_ascii=False)


async def _payment_types(ctx: RunContext) -> Mapping[str, PaymentType]:
    methods = (await ctx.erp.terms()).payment_methods or await ctx.market.payment_methods()
    return {method.id: method.type for method in methods}


async def orders_job(ctx: RunContext) -> None:
    """Import new orders, notice cancellations, and report what does not match."""
    rejected: list[RejectedOrder] = []
    new_orders = sorted(await ctx.market.sales("new", rejected=rejected), key=lambda o: o.id)
    await _quarantine_unreadable(ctx, rejected)
    total = len(new_orders)
    await ctx.progress("orders", 0, total)
    mapping = OrderMapping(
        series=ctx.company.ro_series,
        shipping_product=ctx.company.shipping_product,
        payment_forms=ctx.company.payment_forms,
        payment_types=await _payment_types(ctx) if new_orders else {},
    )
    item_offer_ids = {item.offer_id for order in new_orders for item in order.items}
    links = await ctx.state.links_by_offer_ids(ctx.company_name, item_offer_ids)
    offer_to_product = {offer_id: link.product_id for offer_id, link in links.items()}
    quarantined_before = {q.order_id for q in await ctx.state.quarantined_orders(ctx.company_name)}
    done = imported = 0
    for batch in chunks(new_orders, STATUS_BATCH):
        statuses = {s.order_id: s.status for s in await ctx.market.sale_statuses([o.id for o in batch])}
        # The marketplace took these orders' quantities off its stock itself, and an RO's reservation
        # need not move the ERP's available stock by as much (a warehouse never counts below 0): what
        # was last sent no longer says what the marketplace shows. Forgotten before the ROs are
        # written, so a crash in between cannot keep a stale value.
        await ctx.state.forget_sent_quantities(
            ctx.company_name,
            [offer_to_product[i.offer_id] for o in batch for i in o.items if i.offer_id in offer_to_product],
        )
        to_confirm: list[int] = []
        for order in batch:
            key = f"order:{order.id}"
            if statuses.get(order.id, "new") != "new":
                status = Phrase(f"order_status.{statuses[order.id]}")
                await ctx.skipped("orders", key, Phrase("outcome.order_not_imported", {"status": status}))
                continue
            try:
                draft = order_to_draft(order, offer_to_product, mapping)
                _, created = await ctx.erp.create_document(
                    draft,
                    match_contractors=ctx.company.match_contractors,
                    create_contractors=ctx.company.create_contractors,
                    warehouses=ctx.company.warehouses,
                    fence=ctx.fence,
                )
            except InvalidItem as exc:
                await ctx.state.quarantine_order(ctx.company_name, order.id, str(exc), order_payload(order))
                await ctx.record(_quarantined(key, exc, order))
                continue
            crash_point("orders.after_commit")
            imported += created
            to_confirm.append(order.id)
            await ctx.ok("orders", key, Phrase("outcome.order_imported" if created else "outcome.order_confirmed"))
        # An RO handed to an import the operator runs (Optima's XML import) is not in the ERP yet:
        # its order stays new and comes back next run, to be confirmed once the RO is there.
        waiting = set(await ctx.erp.awaiting_import(MARKETPLACE)) if to_confirm else set()
        for order_id in [o for o in to_confirm if str(o) in waiting]:
            to_confirm.remove(order_id)
            await ctx.ok("orders", f"order:{order_id}", Phrase("outcome.order_handed"))
        if to_confirm:
            await ctx.before_market_write("orders.before_status")
            await ctx.market.set_sales_status(to_confirm, "inProcess")
            crash_point("orders.after_status")
            released = [o for o in to_confirm if o in quarantined_before]
            if released:
                await ctx.state.release_orders(ctx.company_name, released)
        done += len(batch)
        await ctx.progress("orders", done, total)
    say("INFO", "log.orders.imported", company=ctx.company_name, imported=imported, total=total)
    await _cancellations(ctx)
    await _reconcile_now_and_then(ctx)


async def _quarantine_unreadable(ctx: RunContext, rejected: Sequence[RejectedOrder]) -> None:
    """Orders of the list that could not be read: kept aside with the reason and their raw JSON;
    they stay new on the marketplace and are read again by the next run."""
    hint = Phrase("outcome.hint.unreadable_order")
    for bad in rejected:
        if bad.order_id is not None:
            await ctx.state.quarantine_order(ctx.company_name, bad.order_id, bad.reason, bad.payload)
        key = f"order:{bad.order_id if bad.order_id is not None else '?'}"
        # Why it could not be read is the marketplace client's reason, kept as facts when it has them.
        error = MalformedAnswer(bad.reason, payload=bad.payload, phrase=bad.said)
        unreadable = ItemOutcome.from_error("orders", key, error)
        quarantined = replace(unreadable, error_class="Quarantined", payload=bad.payload)
        await ctx.record(replace(quarantined, hint=word("en", hint), hint_phrase=hint))


def _quarantined(key: str, error: InvalidItem, order: Order) -> ItemOutcome:
    # What is wrong with the order is the error's own words; the hint is the job's unless the error has one.
    outcome = replace(
        ItemOutcome.from_error("orders", key, error), error_class="Quarantined", payload=order_payload(order)
    )
    if error.hint:
        return outcome
    hint = Phrase("outcome.hint.quarantined")
    return replace(outcome, hint=word("en", hint), hint_phrase=hint)


async def _cancellations(ctx: RunContext) -> None:
    """Cancel the ROs of orders cancelled on the marketplace after their import."""
    since = datetime.now(UTC) - timedelta(days=ctx.company.order_check_days)
    documents = await ctx.erp.order_documents(MARKETPLACE, since)
    numeric = [int(d.order_id) for d in documents if d.status == "reserved" and d.order_id.isdigit()]
    if not numeric:
        return
    cancelled = [s.order_id for s in await ctx.market.sale_statuses(numeric) if s.status == "cancelled"]
    for order_id in cancelled:
        # The marketplace put the order's quantities back on its stock itself (see the import).
        order = await ctx.market.sale(order_id)
        if order is not None:
            links = await ctx.state.links_by_offer_ids(ctx.company_name, {i.offer_id for i in order.items})
            await ctx.state.forget_sent_quantities(ctx.company_name, [link.product_id for link in links.values()])
        outcome = await ctx.erp.cancel_document(MARKETPLACE, str(order_id), fence=ctx.fence)
        crash_point("orders.after_cancel")
        if outcome == "cancel_by_hand":
            await ctx.record(
                ItemOutcome.said(
                    "orders",
                    f"order:{order_id}",
                    "failed",
                    Phrase("outcome.cancel_by_hand"),
                    hint=Phrase("outcome.hint.cancel_by_hand"),
                    error_class="CancelInErp",
                )
            )
            continue
        await ctx.ok("orders", f"order:{order_id}", Phrase(f"outcome.order_cancelled_{outcome}"))
    if cancelled:
        say("INFO", "log.orders.cancelled", company=ctx.company_name, ros=Count(len(cancelled), "n.ro"))


RECONCILE_EVERY = timedelta(hours=1)


async def _reconcile_now_and_then(ctx: RunContext) -> None:
    """Run the reconciliation at most once an hour (it reads every order of the checked days)."""
    mark = await ctx.state.get_checkpoint(ctx.company_name, "orders")
    last = mark.value.get("reconciled_at") if mark is not None and isinstance(mark.value, dict) else None
    now = datetime.now(UTC)
    if isinstance(last, str) and now - datetime.fromisoformat(last) < RECONCILE_EVERY:
        return
    report = await reconcile(ctx)
    await ctx.state.set_checkpoint(ctx.company_name, "orders", {"reconciled_at": now.isoformat()}, ctx.run.id)
    payload = json.dumps(asdict(report), ensure_ascii=False)
    if report.missing or report.doubled:
        await ctx.record(
            ItemOutcome.said(
                "orders",
                "reconciliation",
                "failed",
                report.phrase(),
                hint=Phrase("hint.ReconciliationMismatch"),
                error_class="ReconciliationMismatch",
                payload=payload,
            )
        )
    else:
        await ctx.record(ItemOutcome.said("orders", "reconciliation", "ok", report.phrase(), payload=payload))


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The marketplace's orders of the checked days against the ERP's ROs."""

    days: int
    marketplace_orders: int
    documents: int
    missing: tuple[int, ...]
    """Orders in process, shipped or completed on the marketplace with no RO."""
    waiting: tuple[int, ...]
    """New orders not imported yet (quarantined or not reached)."""
    doubled: tuple[str, ...]
    """Order ids with more than one RO (impossible by construction; checked all the same)."""
    cancelled_open: tuple[int, ...]
    """Orders cancelled on the marketplace whose RO is still open."""

    def phrase(self) -> Phrase:
        """The report's line as facts (`outcome.reconciliation`)."""
        return Phrase(
            "outcome.reconciliation",
            {
                "days": counted(self.days, "days"),
                "orders": self.marketplace_orders,
                "documents": self.documents,
                "missing": len(self.missing),
                "doubled": len(self.doubled),
                "waiting": len(self.waiting),
                "cancelled_open": len(self.cancelled_open),
            },
        )


async def reconcile(ctx: RunContext) -> Reconciliation:
    """Compare the last `order_check_days` days of orders with the ERP's documents."""
    days = ctx.company.order_check_days
    since = datetime.now(UTC) - timedelta(days=days)
    # An unreadable order is quarantined by the import; here it must not stop the report.
    orders = await ctx.market.sales(created_from=since, rejected=[])
    documents = await ctx.erp.order_documents(MARKETPLACE, since - timedelta(days=1))
    per_order = Counter(d.order_id for d in documents)
    open_ids = {d.order_id for d in documents if d.status == "reserved"}
    return Reconciliation(
        days=days,
        marketplace_orders=len(orders),
        documents=len(documents),
        missing=tuple(
            sorted(
                o.id for o in orders if o.status in ("inProcess", "shipped", "completed") and str(o.id) not in per_order
            )
        ),
        waiting=tuple(sorted(o.id for o in orders if o.status == "new" and str(o.id) not in per_order)),
        doubled=tuple(sorted(order_id for order_id, count in per_order.items() if count > 1)),
        cancelled_open=tuple(sorted(o.id for o in orders if o.status == "cancelled" and str(o.id) in open_ids)),
    )


__all__: Sequence[str] = ("Reconciliation", "order_payload", "orders_job", "reconcile")
