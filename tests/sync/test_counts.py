"""A run's counts add up: items a stopped run never reached are not failures, a job with nothing to
do is not "1 ok", products not shared for sale are not offers done."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx2

from agent.domain import JobName
from agent.state.models import ItemOutcome, JobTotals, Run, RunOptions
from agent.sync.context import NullObserver
from agent.sync.run import RunRequest, execute_run
from agent.texts.outcomes import summary_words
from tests.sync.conftest import COMPANY, SyncWorld


def _stop_after_creates(world: SyncWorld, stopping: asyncio.Event, creates: int) -> None:
    """Ask the run to stop (as quitting the TUI does) once `creates` offers were sent."""

    def watch(request: httpx2.Request) -> bool:
        if world.requests.counts["POST /me/offers"] >= creates:
            stopping.set()
        return False  # no answer is lost: this only watches

    world.requests.lose = watch


async def test_items_a_stopped_run_never_reached_are_not_failures(sync_world: SyncWorld) -> None:
    catalogue = await sync_world.run("catalogue")
    assert catalogue.result == "success"
    stopping = asyncio.Event()
    _stop_after_creates(sync_world, stopping, 5)
    run = await execute_run(
        RunRequest(company=sync_world.config.company(COMPANY), options=RunOptions(jobs=("offers", "stock"))),
        erp=sync_world.erp,
        market=sync_world.market,
        state=sync_world.state,
        locks_dir=sync_world.locks_dir,
        heartbeat_every=0.2,
        stopping=stopping,
    )
    assert run.result == "interrupted"
    # Why it stopped, as the history reads it: Polish in pl, the words it was raised with in en.
    stopped = "the agent is stopping; this run stopped between items"
    assert run.error_summary.startswith(stopped)
    assert summary_words("en", run.error_summary, phrase=run.summary_phrase) == run.error_summary
    polish = summary_words("pl", run.error_summary, phrase=run.summary_phrase)
    assert polish.startswith("agent się zatrzymuje; ten przebieg zatrzymał się między pozycjami"), polish
    outcomes: list[ItemOutcome] = await sync_world.state.outcomes(run.id)
    assert [o for o in outcomes if o.error_class == "RunStopped"] == []
    assert all(totals.failed == 0 for totals in run.totals.values()), run.totals
    assert 5 <= sync_world.requests.counts["POST /me/offers"] < len(await sync_world.erp.shared_product_ids())
    sync_world.requests.lose = None
    # What was not reached is sent by the next run, and every shared product ends up with one offer.
    again = await sync_world.run("offers")
    assert again.result == "success"
    shared = {str(pid) for pid in await sync_world.erp.shared_product_ids()}
    assert {o["externalId"] for o in await sync_world.sim_offers() if o["status"] == "active"} == shared


class ProgressLog(NullObserver):
    """Each offers progress report, with how many creates the marketplace had answered by then."""

    def __init__(self, world: SyncWorld) -> None:
        self.world = world
        self.reports: list[tuple[int, int, int]] = []

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        if job == "offers":
            self.reports.append((done, total, self.world.requests.counts["POST /me/offers"]))


async def test_offers_progress_counts_shared_products_and_is_full_only_once_sent(sync_world: SyncWorld) -> None:
    assert (await sync_world.run("catalogue")).result == "success"
    with sqlite3.connect(sync_world.erp.path) as conn:
        conn.execute("UPDATE products SET shared_for_sale = 0 WHERE id IN (SELECT id FROM products LIMIT 3)")
    shared = len(await sync_world.erp.shared_product_ids())
    log = ProgressLog(sync_world)
    run = await execute_run(
        RunRequest(company=sync_world.config.company(COMPANY), options=RunOptions(jobs=("offers",))),
        erp=sync_world.erp,
        market=sync_world.market,
        state=sync_world.state,
        locks_dir=sync_world.locks_dir,
        observer=log,
        heartbeat_every=0.2,
    )
    assert run.result == "success"
    assert run.totals["offers"].ok == shared  # the unshared products are not offers done
    assert log.reports and log.reports[-1][:2] == (shared, shared)
    for done, total, creates in log.reports:
        assert done <= total == shared
        if done == total:
            assert creates == shared  # 100 % only once every create was answered


async def test_an_orders_job_with_nothing_to_do_counts_nothing(sync_world: SyncWorld) -> None:
    run = await sync_world.run("orders")
    assert run.result == "success"
    assert run.totals.get("orders", JobTotals()) == JobTotals()
    # The reconciliation report is still in the run's history.
    assert [o.item for o in await sync_world.state.outcomes(run.id)] == ["reconciliation"]
