"""Carrying out the offers job's plans: uploads, creates, replaces and ends, a bounded number at a time.

`Sender.prepare` reports the invalid products of a page and prices the rest; `Sender.send` sends
them (CONCURRENCY in flight, offers_pool.py) and ends what the plan ends. Links are stored in
flight before a create, so a lost answer or a crash never leads to a second offer for a product.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from agent.domain import Product, StockPrice
from agent.errors import (
    InvalidItem,
    LeaseLost,
    MarketsyncError,
    Phrase,
    RelinkAccount,
    RunStopped,
    SkipItem,
    StorageError,
)
from agent.logs import say
from agent.state.models import ItemOutcome, OfferLink
from agent.sync.context import RunContext
from agent.sync.crash import crash_point
from agent.sync.jobs.offers_plan import OfferPlan, OfferTask, PlanInputs, external_id, offer_draft, product_key
from agent.sync.jobs.offers_pool import WriteGate, in_pool
from agent.texts.phrases import word

# After these nothing more of the run can succeed: stop at once (the run records why).
# RunStopped too: an item the stopping run never reached did not fail, it is simply left for the next run.
_FATAL = (LeaseLost, RelinkAccount, StorageError, RunStopped)


@dataclass(frozen=True, slots=True)
class Prepared:
    """One page made ready to send: the offers with their price and quantity, the links to end."""

    ready: tuple[tuple[OfferTask, Decimal, int], ...]
    end: tuple[OfferLink, ...]


@dataclass(slots=True)
class Sender:
    """Carries out plans: uploads, creates, replaces and ends, a bounded number at a time."""

    ctx: RunContext
    inputs: PlanInputs
    created: int = 0
    replaced: int = 0
    ended: int = 0
    unchanged: int = 0
    uploaded: int = 0
    failed: int = 0
    failed_ids: set[int] = field(default_factory=set)
    """Products that failed this run: the next run reads them again (see `offers_job`)."""
    _writes: WriteGate | None = None
    _uploads: dict[str, asyncio.Future[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """What the sender did, counted, for the job's log line."""
        return {
            "created": self.created, "replaced": self.replaced, "ended": self.ended, "unchanged": self.unchanged,
            "uploaded": self.uploaded, "failed": self.failed,
        }

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.replaced} replaced, {self.ended} ended, {self.unchanged} unchanged, "
            f"{self.uploaded} images uploaded, {self.failed} failed"
        )

    async def before_write(self, point: str) -> None:
        if self._writes is None:
            self._writes = WriteGate(self.ctx)
        await self._writes.before(point)

    def _failed(self, product_id: int) -> None:
        self.failed += 1
        self.failed_ids.add(product_id)

    async def carry_out(self, plan: OfferPlan) -> None:
        await self.send(await self.prepare(plan))

    async def prepare(self, plan: OfferPlan) -> Prepared:
        """Report the invalid products and read the current price and stock of those to send."""
        ctx = self.ctx
        self.unchanged += plan.unchanged
        for bad in plan.invalid:
            self._failed(bad.product.id)
            await ctx.record(bad.outcome())
        if not plan.send:
            return Prepared((), plan.end)
        company = ctx.company
        current = await ctx.erp.stock_prices(
            [t.product.id for t in plan.send],
            price_type=company.price_type,
            warehouses=company.warehouses,
            stock_buffer=company.stock_buffer,
        )
        values = {item.product_id: item for item in current}
        ready: list[tuple[OfferTask, Decimal, int]] = []
        for task in plan.send:
            priced = self._price_and_quantity(task, values.get(task.product.id))
            if isinstance(priced, ItemOutcome):
                self._failed(task.product.id)
                await ctx.record(priced)
            else:
                ready.append((task, *priced))
        return Prepared(tuple(ready), plan.end)

    async def send(self, page: Prepared) -> None:
        """Send what `prepare` made ready, then end what the plan ends."""
        if page.ready:
            await self._send(page.ready)
        if page.end:
            await self._end(page.end)

    # --- create and replace ---------------------------------------------------------------------

    async def _send(self, ready: Sequence[tuple[OfferTask, Decimal, int]]) -> None:
        ctx = self.ctx
        in_flight = [
            OfferLink(product_id=t.product.id, external_id=external_id(t.product.id))
            for t, _, _ in ready
            if t.action == "create"
        ]
        # Stored before any create is sent: a crash after the marketplace created the offer leaves a
        # link in flight, and the next run finds the offer by externalId instead of creating another.
        await ctx.state.upsert_links(ctx.company_name, in_flight)
        results = await in_pool(ready, lambda item: self._send_one(*item))
        links: list[OfferLink] = []
        outcomes: list[ItemOutcome] = []
        fatal: BaseException | None = None
        for (task, _, _), result in zip(ready, results, strict=True):
            key = product_key(task.product.id)
            if isinstance(result, tuple):
                link, verb = result
                links.append(link)
                said = Phrase(f"outcome.offer_{verb}", {"offer": link.offer_id})
                outcomes.append(ItemOutcome.said("offers", key, "ok", said))
                if verb == "created":
                    self.created += 1
                else:
                    self.replaced += 1
            elif isinstance(result, MarketsyncError) and not isinstance(result, _FATAL):
                self._failed(task.product.id)
                outcomes.append(_failure(ctx, task.product, result))
            else:
                fatal = fatal or result
        # Whatever else happened, what the marketplace now holds is recorded first.
        await ctx.state.upsert_links(ctx.company_name, links)
        await ctx.record_all(outcomes)
        if fatal is not None:
            raise fatal

    def _price_and_quantity(self, task: OfferTask, item: StockPrice | None) -> tuple[Decimal, int] | ItemOutcome:
        price = item.gross_price if item is not None else None
        if price is None and task.link is not None:
            price = task.link.price
        if price is None:
            price_type = self.ctx.company.price_type
            # Failed, not skipped: a price set later does not move the content mark, so the product
            # must be read again (from the job's checkpoint) until it goes through.
            return ItemOutcome.said(
                "offers",
                product_key(task.product.id),
                "failed",
                Phrase("outcome.no_price", {"code": task.product.code, "price_type": price_type}),
                hint=Phrase("outcome.hint.set_price", {"price_type": price_type}),
                error_class="InvalidItem",
            )
        quantity = item.available if item is not None else (task.link.quantity if task.link else None) or 0
        return price, quantity

    async def _send_one(self, task: OfferTask, price: Decimal, quantity: int) -> tuple[OfferLink, str]:
        ctx = self.ctx
        gallery, images = await self._gallery(task)
        draft = offer_draft(
            task, price=price, quantity=quantity, gallery=gallery, default_lead_time=self.inputs.default_lead_time
        )
        offer_id = task.link.offer_id if task.link is not None else None
        if task.action == "resolve":
            found = await ctx.market.find_offer(draft.external_id)
            if found is not None and found.status == "unknown":
                # Not ours to guess: replacing it could undo what the marketplace did to it, and a
                # new offer beside it would be a second one. It waits for a person or a newer agent.
                said = Phrase("outcome.unknown_state", {"offer": found.id, "status": found.raw_status})
                hint = Phrase("outcome.hint.look_in_panel")
                raise ctx.explain(SkipItem(word("en", said), hint=word("en", hint)), said, hint)
            offer_id = found.id if found is not None else None
            if found is not None and found.status in ("ended", "archived"):
                # Brought back as it would be after an end: the offer keeps its id and its history.
                draft = replace(draft, status="active")
        if offer_id is None:
            await self.before_write("offers.before_create")
            offer = await ctx.market.create_offer(draft)
            crash_point("offers.after_create")
            verb = "created"
        else:
            await self.before_write("offers.before_replace")
            offer = await ctx.market.replace_offer(offer_id, draft)
            crash_point("offers.after_replace")
            verb = "replaced"
        link = OfferLink(
            product_id=task.product.id,
            external_id=draft.external_id,
            offer_id=offer.id,
            content_hash=task.content_hash,
            images=images,
            price=price,
            quantity=quantity,
            status="active",
        )
        return link, verb

    async def _gallery(self, task: OfferTask) -> tuple[list[str], dict[str, str]]:
        """The gallery URLs in image order, and the image map (sha256 -> URL) to remember."""
        known = {} if self.ctx.options.send_all_binary or task.link is None else dict(task.link.images)
        urls: list[str] = []
        images: dict[str, str] = {}
        for image in sorted(task.product.images, key=lambda i: i.position):
            url = known.get(image.sha256)
            if url is None:
                url = await self._upload_once(image.sha256, image.mime_type, task.product)
            urls.append(url)
            images[image.sha256] = url
        return urls, images

    async def _upload_once(self, sha256: str, mime_type: str, product: Product) -> str:
        # Products often share images: each distinct one is uploaded once per run, even by
        # concurrent tasks (the first one uploads, the others wait for its URL). Only the uploader
        # reads the bytes from the ERP, so at most `CONCURRENCY` images are in memory at a time.
        pending = self._uploads.get(sha256)
        if pending is not None and pending.done():
            return pending.result()  # the usual case: uploaded earlier this run
        if pending is None:
            pending = asyncio.get_running_loop().create_future()
            self._uploads[sha256] = pending
            try:
                content = await self.ctx.erp.image_content(sha256)
                await self.before_write("offers.before_upload")
                stored = await self.ctx.market.upload_image(content, mime_type, name=f"{product.id}-{sha256[:12]}")
            except BaseException as exc:
                del self._uploads[sha256]
                pending.set_exception(exc)
                pending.exception()  # retrieved here, so an unawaited failure is not reported as lost
                raise
            self.uploaded += 1
            pending.set_result(stored.url)
        return await asyncio.shield(pending)

    # --- end ---------------------------------------------------------------------------------------

    async def _end(self, links: Sequence[OfferLink]) -> None:
        ctx = self.ctx
        results = await in_pool(links, self._end_one)
        ended: list[OfferLink] = []
        forgotten: list[int] = []
        outcomes: list[ItemOutcome] = []
        fatal: BaseException | None = None
        for link, result in zip(links, results, strict=True):
            key = product_key(link.product_id)
            if isinstance(result, OfferLink):
                ended.append(result)
                said = Phrase("outcome.offer_ended", {"offer": result.offer_id})
                outcomes.append(ItemOutcome.said("offers", key, "ok", said))
                self.ended += 1
            elif result is None:
                forgotten.append(link.product_id)
                outcomes.append(ItemOutcome.said("offers", key, "ok", Phrase("outcome.link_forgotten")))
            elif isinstance(result, MarketsyncError) and not isinstance(result, _FATAL):
                self._failed(link.product_id)
                outcomes.append(ItemOutcome.from_error("offers", key, result))
            else:
                fatal = fatal or result
        await ctx.state.upsert_links(ctx.company_name, ended)
        await ctx.state.remove_links(ctx.company_name, forgotten)
        await ctx.record_all(outcomes)
        if fatal is not None:
            raise fatal

    async def _end_one(self, link: OfferLink) -> OfferLink | None:
        ctx = self.ctx
        offer_id = link.offer_id
        if offer_id is None:
            found = await ctx.market.find_offer(link.external_id)
            if found is None:
                return None
            offer_id = found.id
        await self.before_write("offers.before_end")
        try:
            await ctx.market.end_offer(offer_id)
        except InvalidItem:
            # No such offer any more: it is as ended as it can be.
            say("INFO", "log.offers.gone", company=ctx.company_name, offer=offer_id)
        return replace(link, offer_id=offer_id, status="ended")


def _failure(ctx: RunContext, product: Product, error: MarketsyncError) -> ItemOutcome:
    outcome = ctx.outcome_of("offers", product_key(product.id), error)
    if outcome.phrase is not None:
        said = Phrase("outcome.of_product", {"code": product.code, "said": outcome.phrase})
        return replace(outcome, message=word("en", said), phrase=said)
    return replace(outcome, message=f"{product.code}: {outcome.message}")
