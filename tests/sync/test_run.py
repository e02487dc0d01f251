"""A run as a whole: the catalogue job and its diff, the reconciliation report, a fenced-out run."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent.catalogue import load_categories
from agent.core.orders import MARKETPLACE
from agent.domain import ContractorData, DocumentDraft, DocumentLine
from agent.errors import LeaseLost
from agent.state.models import RunOptions
from agent.sync.context import RunContext
from agent.sync.lease import CompanyLease, lock_path
from agent.sync.run import RunRequest, execute_run
from tests.sync.conftest import COMPANY, SyncWorld
from tests.sync.world import publish


@pytest.fixture
def world(sync_world: SyncWorld) -> SyncWorld:
    return sync_world


async def test_catalogue_is_copied_and_the_report_says_what_changed(world: SyncWorld) -> None:
    run = await world.run("catalogue")
    assert run.result == "success"
    [outcome] = await world.state.outcomes(run.id)
    shipped = len(load_categories())  # the live scale: about 16,000
    assert outcome.item == "catalogue" and f"categories +{shipped} " in outcome.message
    categories, terms = await world.erp.catalogue()
    assert len(categories) == shipped > 15_000 and terms.shipping_tariffs and terms.payment_methods
    again = await world.run("catalogue")
    [outcome] = await world.state.outcomes(again.id)
    assert outcome.message == "no changes"


async def test_reconciliation_lists_orders_in_process_without_an_ro(world: SyncWorld) -> None:
    ids = list((await world.erp.shared_product_ids())[:4])
    await publish(world, ids)
    placed = (await world.control("POST", "/orders", params={"count": 5}))["ids"]
    # Someone confirms one order in the seller panel before the agent saw it: it will never be "new".
    await world.market.set_sales_status([placed[0]], "inProcess")
    run = await world.run("orders")
    [report] = [o for o in await world.state.outcomes(run.id) if o.item == "reconciliation"]
    assert report.outcome == "failed" and report.error_class == "ReconciliationMismatch"
    assert "missing 1" in report.message and report.payload is not None and str(placed[0]) in report.payload
    assert run.result == "partial"


async def test_a_run_taken_over_mid_job_writes_nothing_more(world: SyncWorld) -> None:
    product = (await world.erp.shared_product_ids())[0]

    async def job(ctx: RunContext) -> None:
        rival = CompanyLease(
            world.erp, lock_path(world.locks_dir, COMPANY), kind="manual", operator="KIEROWNIK", takeover_wait=0.1
        )
        await rival.acquire(take_over=True)
        try:
            draft = DocumentDraft(
                marketplace=MARKETPLACE,
                order_id="fenced-1",
                series="RO",
                issued=datetime.now(UTC),
                contractor=ContractorData(name="Jan Kowalski", email="jan@example.pl"),
                payment_form="przelew",
                lines=(DocumentLine(product_id=product, quantity=1, unit_gross_price=Decimal("10.00")),),
            )
            await ctx.erp.create_document(draft, match_contractors=True, create_contractors=True, fence=ctx.fence)
        finally:
            await rival.release()

    run = await execute_run(
        RunRequest(company=world.config.company(COMPANY), options=RunOptions(jobs=("orders", "offers"))),
        erp=world.erp,
        market=world.market,
        state=world.state,
        locks_dir=world.locks_dir,
        jobs={"orders": job, "offers": job},
        heartbeat_every=0.05,
    )
    assert run.result == "failed"
    assert await world.erp.document_for_order(MARKETPLACE, "fenced-1") is None
    [failure] = await world.state.outcomes(run.id, only_failed=True)
    assert failure.item == "job:orders" and failure.error_class == LeaseLost.__name__  # offers never ran
