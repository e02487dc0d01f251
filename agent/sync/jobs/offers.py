"""The offers job ("Wyślij ofertę"): active products shared for sale become offers, and only what changed is sent.

Delta: products whose content changed since the job's high-water mark, compared with the content
hash last sent per offer, so a run after no change sends nothing. The mark moves on after every
run that got through the whole catalogue, even when some products failed: their ids go into the
job's checkpoint and are read again first thing next run (until they go through), so one broken
product does not make every later run read the whole catalogue again.

"Force full" resends every offer; "send all binary data" resends every offer and re-uploads each
of its images (once per run per distinct image); otherwise an image is uploaded only when its
sha256 is not in the link's image map (or was uploaded earlier this run).

Never two offers for one product: the link is stored in flight (no offer id) before the create;
the client looks the offer up by externalId after a lost answer; and a link still in flight at the
next run (a crash between the create and storing its id) is resolved by externalId first.

Offers are independent, so up to `CONCURRENCY` requests are in flight (offers_pool.py, carried
out by offers_send.py); state writes are batched per page of products.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from agent.domain import Category, Product, TermsOverride
from agent.erp.port import ErpPort
from agent.errors import ConfigError, Count, Phrase, TooManyEnds
from agent.logs import say, say_facts
from agent.state.models import OfferLink
from agent.sync.context import RunContext
from agent.sync.jobs.catalogue import catalogue_job
from agent.sync.jobs.offers_plan import (
    RETRY,
    OfferPlan,
    PlanInputs,
    ends_need_consent,
    leftover_ids,
    plan_page,
    planned_ends,
    retry_ids,
)
from agent.sync.jobs.offers_pool import settled
from agent.sync.jobs.offers_send import Sender
from agent.texts.phrases import word

PAGE = 500


@dataclass(frozen=True, slots=True)
class _Planner:
    """Plans pages of products, reading from the ERP's copy only the categories they use, each once a run.

    The live tree has about 16,000 categories: decoding all of them costs a third of a second of the
    event loop and megabytes per company, on every run; a run that sends a few changed products
    reads a few."""

    erp: ErpPort
    inputs: PlanInputs
    categories: dict[int, Category]
    """The dict `inputs` plans with: filled here as pages come."""
    asked: set[int] = field(default_factory=set)
    """Category ids asked of the copy this run, found or not (one that is not stays a rule problem)."""

    async def plan(self, products: Sequence[Product], links: Mapping[int, OfferLink]) -> OfferPlan:
        wanted = {p.category_id for p in products if p.active and p.shared_for_sale and p.category_id is not None}
        wanted -= self.asked
        if wanted:
            self.asked.update(wanted)
            self.categories.update((c.id, c) for c in await self.erp.categories(wanted))
        return plan_page(products, links, self.inputs)


async def offers_job(ctx: RunContext) -> None:
    """Create, replace and end offers so the marketplace shows what the ERP shares for sale."""
    name = ctx.company_name
    has_catalogue = await ctx.erp.has_catalogue()
    if not has_catalogue and "catalogue" not in ctx.options.jobs:
        # A company whose ERP never got the catalogue (its first run, often an automatic one) gets
        # it first, once, in this run; the next runs find it there.
        say("INFO", "log.offers.catalogue_first", company=name)
        await catalogue_job(ctx)
        ctx.notes.append(Phrase("outcome.catalogue_first"))
        has_catalogue = await ctx.erp.has_catalogue()
    if not has_catalogue:
        said, hint = Phrase("outcome.no_catalogue"), Phrase("outcome.hint.fetch_catalogue", {"company": name})
        raise ctx.explain(ConfigError(word("en", said), hint=word("en", hint)), said, hint)
    defaults = ctx.company.offer_defaults
    categories: dict[int, Category] = {}
    inputs = PlanInputs(
        categories=categories,
        terms=await ctx.erp.terms(),
        defaults=TermsOverride(
            shipping_tariff=defaults.shipping_tariff,
            return_policy=defaults.return_policy,
            complaint_policy=defaults.complaint_policy,
            guarantee=defaults.guarantee,
        ),
        default_lead_time=defaults.lead_time,
        resend_all=ctx.options.force_full or ctx.options.send_all_binary,
    )
    full = inputs.resend_all
    since = 0 if full else (await ctx.state.get_high_water(name, "offers") or 0)
    retry = [] if full else retry_ids(await ctx.state.get_checkpoint(name, "offers"))
    sender = Sender(ctx, inputs)
    planner = _Planner(ctx.erp, inputs, categories)
    shared = set(await ctx.erp.shared_product_ids())
    sent = await ctx.state.sent_values(name)
    await _guard_ends(ctx, *planned_ends(sent, shared))
    seen: set[int] = set()
    # Last run's failures first (they are below the mark): whatever of them changed since is read
    # again with the changes, and sent once only.
    seen.update(await _by_ids(ctx, sender, planner, retry))
    cursor, total = since, len(shared)
    # Progress counts the products shared for sale whose page has been sent: an unshared product
    # read among the changes is not an offer done, and a page still sending is not done yet.
    done = len(seen & shared)
    # One page is sent while the next is read and priced, so the marketplace is not left idle
    # between pages; a page is sent only once the one before it is done.
    sending: asyncio.Task[None] | None = None
    try:
        while True:
            changes = await ctx.erp.content_changes(cursor, limit=PAGE)
            if changes.complete and not seen:
                total = sum(1 for p in changes.products if p.id in shared)
            fresh = [p for p in changes.products if p.id not in seen]
            seen.update(p.id for p in fresh)
            links = await ctx.state.get_links(name, [p.id for p in fresh])
            page = await sender.prepare(await planner.plan(fresh, links))
            if sending is not None:
                await sending
                await ctx.progress("offers", done, max(total, done))
            sending = asyncio.create_task(sender.send(page))
            done = len(seen & shared)
            cursor = changes.high_water
            if changes.complete:
                break
        await sending
        await ctx.progress("offers", done, max(total, done))
    except BaseException as exc:
        if sending is not None:
            # What the page under way sent must still be recorded; a cancelled job cancels it too.
            if isinstance(exc, asyncio.CancelledError):
                sending.cancel()
            await settled(sending)
        raise
    await _leftovers(ctx, sender, planner, leftover_ids(sent, seen, shared))
    say_facts("INFO", "log.offers.summary", sender.counts(), company=name)
    # The failed ids are stored before the mark moves past them: a crash in between only means
    # reading from the old mark once more.
    if sender.failed_ids:
        failed = sorted(sender.failed_ids)
        await ctx.state.set_checkpoint(name, "offers", {RETRY: failed}, ctx.run.id)
        say("INFO", "log.offers.retry_next", company=name, products=Count(len(failed), "n.product"))
    elif retry or full:
        await ctx.state.clear_checkpoint(name, "offers")
    await ctx.state.set_high_water(name, "offers", cursor, ctx.run.id)


async def _guard_ends(ctx: RunContext, ending: int, active: int) -> None:
    """Stop before anything is sent when the run would end more offers than allowed and nobody agreed.

    A misspelt database path or an ERP that lost its products looks to the job like every product
    was unshared: without this, one run ends every live offer.
    """
    limit = ctx.max_end_percent
    if not ends_need_consent(ending, active, limit):
        return
    facts: dict[str, object] = {"ending": ending, "active": active, "share": ending * 100 // active, "limit": limit}
    agreed = ctx.confirm_ends is not None and await ctx.confirm_ends(ending, active, limit)
    if not agreed:
        say_facts("WARNING", "log.offers.ends_refused", facts, company=ctx.company_name)
        refusal = Phrase("outcome.ends_refused", facts)
        raise ctx.explain(TooManyEnds(word("en", refusal), phrase=refusal), refusal)
    note = Phrase("outcome.ends_agreed", {"operator": ctx.run.operator, **facts})
    say_facts("WARNING", "log.offers.ends_agreed", {**facts, "operator": ctx.run.operator}, company=ctx.company_name)
    ctx.notes.append(note)


async def _by_ids(ctx: RunContext, sender: Sender, planner: _Planner, ids: Sequence[int]) -> set[int]:
    """These products, read by id a page at a time; the ids found (gone ones are `_leftovers`'s)."""
    found: set[int] = set()
    for start in range(0, len(ids), PAGE):
        products = await ctx.erp.products(ids[start : start + PAGE])
        found.update(p.id for p in products)
        links = await ctx.state.get_links(ctx.company_name, [p.id for p in products])
        await sender.carry_out(await planner.plan(products, links))
    return found


async def _leftovers(ctx: RunContext, sender: Sender, planner: _Planner, ids: Sequence[int]) -> None:
    """Links the changes did not cover: products unshared or deleted, creates left in flight."""
    for start in range(0, len(ids), PAGE):
        chunk = ids[start : start + PAGE]
        products = await ctx.erp.products(chunk)
        links = await ctx.state.get_links(ctx.company_name, chunk)
        plan = await planner.plan(products, links)
        existing = {p.id for p in products}
        gone = tuple(link for pid, link in links.items() if pid not in existing and link.status == "active")
        await sender.carry_out(replace(plan, end=plan.end + gone))
