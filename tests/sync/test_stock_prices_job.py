"""The stock and prices jobs against the simulator: only what changed, absolute values, one bulk
call per distinct value, failures per offer, and the change mark kept until everything went through."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from agent.erp.database import CompanyDatabase
from agent.erp.port import StockPriceChanges
from agent.erp.sqlite import SqliteErp
from agent.erp.touch import touch_company
from agent.state.models import Run, RunOptions
from agent.sync.context import NullObserver, RunContext
from agent.sync.jobs.stock_prices import prices_job, stock_job
from agent.sync.run import RunRequest, execute_run
from tests.sync.conftest import COMPANY, SyncWorld


class CountingErp(SqliteErp):
    """The company database, noting the mark each read of stock and price changes starts from."""

    def __init__(self, db: CompanyDatabase) -> None:
        super().__init__(db)
        self.reads: list[int] = []

    async def stock_price_changes(
        self,
        since: int,
        *,
        price_type: str,
        warehouses: Sequence[str] = (),
        stock_buffer: int = 0,
        limit: int | None = None,
    ) -> StockPriceChanges:
        self.reads.append(since)
        return await super().stock_price_changes(
            since, price_type=price_type, warehouses=warehouses, stock_buffer=stock_buffer, limit=limit
        )


def _erp(world: SyncWorld, sql: str, *params: object) -> None:
    """An edit as the ERP's own screens make it (the change-tracking triggers see it)."""
    with sqlite3.connect(world.erp.path) as conn:
        conn.execute(sql, params)


async def _exported(world: SyncWorld) -> list[int]:
    run = await world.run("catalogue", "offers", "stock", "prices")
    assert run.result == "success", await world.state.outcomes(run.id, only_failed=True)
    return list(await world.erp.shared_product_ids())


async def _market_values(world: SyncWorld) -> dict[int, tuple[Decimal, int]]:
    return {
        int(o["externalId"]): (Decimal(str(o["price"])), int(o["stockQuantity"]))
        for o in await world.sim_offers()
        if o["status"] == "active"
    }


async def _erp_values(world: SyncWorld, ids: list[int], **settings: object) -> dict[int, tuple[Decimal, int]]:
    found = await world.erp.stock_prices(ids, price_type="detaliczna", **settings)  # type: ignore[arg-type]
    return {v.product_id: (v.gross_price or Decimal(0), v.available) for v in found}


async def test_stock_sends_only_changed_quantities_one_call_per_distinct_value(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    changed = {ids[0]: 7, ids[1]: 7, ids[2]: 7, ids[3]: 11, ids[4]: 0}
    for pid, on_hand in changed.items():
        _erp(sync_world, "UPDATE stock SET on_hand = ?, reserved = 0 WHERE product_id = ?", on_hand, pid)
        _erp(sync_world, "DELETE FROM stock WHERE product_id = ? AND warehouse_id <> 1", pid)
    before = sync_world.requests.counts["POST /me/update-offers"]
    run = await sync_world.run("stock")
    assert run.result == "success"
    assert sync_world.requests.counts["POST /me/update-offers"] - before == 3  # 7, 11 and 0
    on_market = await _market_values(sync_world)
    assert {pid: on_market[pid][1] for pid in changed} == changed
    assert on_market == await _erp_values(sync_world, ids)
    links = await sync_world.state.get_links(COMPANY, list(changed))
    assert {pid: link.quantity for pid, link in links.items()} == changed
    ok = {o.item for o in await sync_world.state.outcomes(run.id, job="stock") if o.outcome == "ok"}
    assert ok == {f"product:{pid}" for pid in changed}
    # Nothing changed since: no call at all.
    again = await sync_world.run("stock", "prices")
    assert again.result == "success"
    assert sync_world.requests.counts["POST /me/update-offers"] - before == 3


async def test_stock_counts_the_buffer_and_only_the_configured_warehouses(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    company = replace(sync_world.config.company(COMPANY), warehouses=("MAGAZYN",), stock_buffer=2)
    # The mark is per job: forget it so every product is compared again under the new settings.
    await sync_world.state.clear_high_water(COMPANY, "stock")
    run = await sync_world.run("stock", company=company)
    assert run.result == "success"
    expected = await _erp_values(sync_world, ids, warehouses=["MAGAZYN"], stock_buffer=2)
    on_market = await _market_values(sync_world)
    assert {pid: v[1] for pid, v in on_market.items()} == {pid: v[1] for pid, v in expected.items()}
    assert any(v[1] == 0 for v in expected.values())  # the buffer took some to zero, never below


async def test_prices_follow_a_touch_and_the_price_type(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    report = await asyncio.to_thread(touch_company, sync_world.erp.path, percent=30, what="prices", seed=5)
    assert report.prices
    before = sync_world.requests.counts["POST /me/update-offers"]
    run = await sync_world.run("stock", "prices")
    assert run.result == "success"
    sent = sync_world.requests.counts["POST /me/update-offers"] - before
    ok = [o for o in await sync_world.state.outcomes(run.id) if o.outcome == "ok"]
    assert {o.job for o in ok} == {"prices"}
    distinct = {o.message.split(": ")[1] for o in ok}
    assert sent == len(distinct) and 0 < len(ok) <= report.prices
    assert await _market_values(sync_world) == await _erp_values(sync_world, ids)


async def test_a_product_without_a_price_is_skipped_with_a_hint(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    _erp(sync_world, "DELETE FROM prices WHERE product_id = ? AND price_type_id = 1", ids[0])
    _erp(sync_world, "UPDATE prices SET gross = '1234.00' WHERE product_id = ? AND price_type_id = 1", ids[1])
    run = await sync_world.run("prices")
    assert run.result == "success"
    outcomes = {o.item: o for o in await sync_world.state.outcomes(run.id, job="prices")}
    assert outcomes[f"product:{ids[0]}"].outcome == "skipped"
    assert "detaliczna" in outcomes[f"product:{ids[0]}"].hint
    assert outcomes[f"product:{ids[1]}"].outcome == "ok"
    assert (await _market_values(sync_world))[ids[1]][0] == Decimal("1234.00")


async def test_a_refused_offer_fails_alone_and_keeps_the_mark(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    links = await sync_world.state.get_links(COMPANY, ids[:3])
    ended = links[ids[0]].offer_id
    assert ended is not None
    await sync_world.market.end_offer(ended)  # ended on the marketplace behind the agent's back
    for pid in ids[:3]:
        _erp(sync_world, "UPDATE stock SET on_hand = on_hand + 40 WHERE product_id = ?", pid)
    mark = await sync_world.state.get_high_water(COMPANY, "stock")
    run = await sync_world.run("stock")
    assert run.result == "partial"
    failed = await sync_world.state.outcomes(run.id, only_failed=True)
    assert [(o.item, o.error_class) for o in failed] == [(f"offer:{ended}", "BulkFailure:resourceUpdateFailed")]
    assert "ended" in failed[0].hint
    assert await sync_world.state.get_high_water(COMPANY, "stock") == mark
    on_market = await _market_values(sync_world)
    expected = await _erp_values(sync_world, ids[1:3])
    assert {pid: on_market[pid] for pid in ids[1:3]} == expected


async def test_a_crash_after_a_bulk_call_then_a_rerun_sets_the_same_values(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    for n, pid in enumerate(ids[:6]):
        _erp(sync_world, "UPDATE stock SET on_hand = ? WHERE product_id = ? AND warehouse_id = 1", 200 + n % 2, pid)
    env = {
        **os.environ,
        "MARKETSYNC_CONFIG": str(sync_world.config.path),
        "MARKETSYNC_CRASH_AT": "stock.after_bulk",
    }
    command = [sys.executable, "-m", "agent", "sync", COMPANY, "--stock"]
    crashed = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, timeout=120, check=False)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr.decode()[-2000:]
    del env["MARKETSYNC_CRASH_AT"]
    rerun = await asyncio.to_thread(
        subprocess.run, [*command, "--yes"], env=env, capture_output=True, timeout=120, check=False
    )
    assert rerun.returncode == 0, rerun.stdout.decode()[-2000:] + rerun.stderr.decode()[-2000:]
    assert await _market_values(sync_world) == await _erp_values(sync_world, ids)
    links = await sync_world.state.get_links(COMPANY, ids[:6])
    assert {pid: link.quantity for pid, link in links.items()} == {
        pid: v[1] for pid, v in (await _erp_values(sync_world, ids[:6])).items()
    }


async def test_a_run_with_both_jobs_reads_the_changes_once_and_each_job_keeps_its_own_mark(
    sync_world: SyncWorld,
) -> None:
    ids = await _exported(sync_world)
    links = await sync_world.state.get_links(COMPANY, ids[:1])
    ended = links[ids[0]].offer_id
    assert ended is not None
    await sync_world.market.end_offer(ended)  # its price change will be refused: the prices job fails
    _erp(sync_world, "UPDATE prices SET gross = '77.00' WHERE product_id IN (?, ?) AND price_type_id = 1", *ids[:2])
    _erp(sync_world, "UPDATE stock SET on_hand = on_hand + 30 WHERE product_id = ?", ids[2])
    erp = CountingErp(await CompanyDatabase.open(sync_world.erp.path))
    try:
        world = replace(sync_world, erp=erp)
        stock_mark = await world.state.get_high_water(COMPANY, "stock")
        prices_mark = await world.state.get_high_water(COMPANY, "prices")
        assert stock_mark is not None and stock_mark == prices_mark

        first = await world.run("stock", "prices")

        assert first.result == "partial"
        assert erp.reads == [prices_mark]  # one read for both jobs (a page holds the whole delta)
        assert (await world.state.get_high_water(COMPANY, "stock") or 0) > stock_mark
        assert await world.state.get_high_water(COMPANY, "prices") == prices_mark  # not sent: kept
        on_market = await _market_values(world)
        assert on_market[ids[1]][0] == Decimal("77.00")
        assert on_market[ids[2]] == (await _erp_values(world, [ids[2]]))[ids[2]]

        # The next run reads once, from the lower mark (prices'); the stock job finds nothing new in it.
        erp.reads.clear()
        _erp(sync_world, "UPDATE stock SET on_hand = on_hand + 5 WHERE product_id = ?", ids[3])
        second = await world.run("stock", "prices")
        assert erp.reads == [prices_mark]
        ok = {(o.job, o.item) for o in await world.state.outcomes(second.id) if o.outcome == "ok"}
        # Product ids[1]'s price went through last run and ids[2]'s stock was sent: neither again.
        assert ok == {("stock", f"product:{ids[3]}")}
        assert [o.item for o in await world.state.outcomes(second.id, only_failed=True)] == [f"offer:{ended}"]
    finally:
        await erp.close()


class StopAfterStock(NullObserver):
    """Asks the run to stop once the stock job reported all its offers sent (before the prices job)."""

    def __init__(self, stopping: asyncio.Event) -> None:
        self.stopping = stopping

    def job_progress(self, run: Run, job: str, done: int, total: int) -> None:
        if job == "stock" and done == total > 0:
            self.stopping.set()


async def test_prices_read_by_a_run_that_stopped_are_read_again_by_the_next_run(sync_world: SyncWorld) -> None:
    ids = await _exported(sync_world)
    _erp(sync_world, "UPDATE prices SET gross = '66.00' WHERE product_id = ? AND price_type_id = 1", ids[0])
    _erp(sync_world, "UPDATE stock SET on_hand = on_hand + 30 WHERE product_id = ?", ids[1])
    stopping = asyncio.Event()
    stopped = await execute_run(
        RunRequest(company=sync_world.config.company(COMPANY), options=RunOptions(jobs=("stock", "prices"))),
        erp=sync_world.erp,
        market=sync_world.market,
        state=sync_world.state,
        locks_dir=sync_world.locks_dir,
        observer=StopAfterStock(stopping),
        stopping=stopping,
    )
    assert stopped.result == "interrupted"
    assert (await _market_values(sync_world))[ids[0]][0] != Decimal("66.00")

    later = await sync_world.run("prices")

    assert later.result == "success"
    assert (await _market_values(sync_world))[ids[0]][0] == Decimal("66.00")


async def test_a_prices_mark_cleared_after_the_stock_job_read_makes_the_prices_job_read_again(
    sync_world: SyncWorld,
) -> None:
    ids = await _exported(sync_world)
    _erp(sync_world, "UPDATE stock SET on_hand = on_hand + 30 WHERE product_id = ?", ids[1])
    # The marketplace holds another price for ids[0] than the one last sent; no change in the ERP.
    (link,) = (await sync_world.state.get_links(COMPANY, ids[:1])).values()
    await sync_world.state.upsert_links(COMPANY, [replace(link, price=Decimal("1.00"))])

    async def prices_after_a_clear(ctx: RunContext) -> None:
        # The mark forgotten meanwhile (a repair by hand): the stock job read prices from a later mark.
        await ctx.state.clear_high_water(COMPANY, "prices")
        await prices_job(ctx)

    run = await execute_run(
        RunRequest(company=sync_world.config.company(COMPANY), options=RunOptions(jobs=("stock", "prices"))),
        erp=sync_world.erp,
        market=sync_world.market,
        state=sync_world.state,
        locks_dir=sync_world.locks_dir,
        jobs={"stock": stock_job, "prices": prices_after_a_clear},
    )

    assert run.result == "success"
    ok = {(o.job, o.item) for o in await sync_world.state.outcomes(run.id) if o.outcome == "ok"}
    assert ok == {("stock", f"product:{ids[1]}"), ("prices", f"product:{ids[0]}")}
    assert await _market_values(sync_world) == await _erp_values(sync_world, ids)
