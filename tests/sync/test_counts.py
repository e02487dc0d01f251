"""A run's counts add up: items a stopped run never reached are not failures, a job with nothing to
do is not "1 ok", products not shared for sale are not offers done."""

from __future__ import annotations

import asyncio

from agent.domain import JobName
from agent.state.models import ItemOutcome, Run, RunOptions
from agent.sync.context import NullObserver
from agent.sync.run import RunRequest, execute_run
from tests.sync.conftest import COMPANY, SyncWorld


class StopOnProgress(NullObserver):
    """Asks the run to stop the first time the offers job reports progress (as quitting the TUI does)."""

    def __init__(self, stopping: asyncio.Event) -> None:
        self.stopping = stopping

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        if job == "offers":
            self.stopping.set()


async def test_items_a_stopped_run_never_reached_are_not_failures(sync_world: SyncWorld) -> None:
    catalogue = await sync_world.run("catalogue")
    assert catalogue.result == "success"
    stopping = asyncio.Event()
    run = await execute_run(
        RunRequest(company=sync_world.config.company(COMPANY), options=RunOptions(jobs=("offers", "stock"))),
        erp=sync_world.erp,
        market=sync_world.market,
        state=sync_world.state,
        locks_dir=sync_world.locks_dir,
        observer=StopOnProgress(stopping),
        heartbeat_every=0.2,
        stopping=stopping,
    )
    assert run.result == "interrupted"
    outcomes: list[ItemOutcome] = await sync_world.state.outcomes(run.id)
    assert [o for o in outcomes if o.error_class == "RunStopped"] == []
    assert all(totals.failed == 0 for totals in run.totals.values()), run.totals
    # What was not reached is sent by the next run, and every shared product ends up with one offer.
    again = await sync_world.run("offers")
    assert again.result == "success"
    shared = {str(pid) for pid in await sync_world.erp.shared_product_ids()}
    assert {o["externalId"] for o in await sync_world.sim_offers() if o["status"] == "active"} == shared
