"""The orders job against the simulator and a seeded ERP: each order imported exactly once."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from agent.core.orders import MARKETPLACE
from agent.erp.sqlite import SqliteErp
from agent.errors import LeaseLost
from agent.state.models import OfferLink
from tests.sync.conftest import COMPANY, SyncWorld
from tests.sync.world import publish


@pytest.fixture
def world(sync_world: SyncWorld) -> SyncWorld:
    return sync_world


async def _published(world: SyncWorld, count: int = 6) -> list[int]:
    ids = list((await world.erp.shared_product_ids())[:count])
    return await publish(world, ids)


async def _documents(world: SyncWorld) -> dict[str, str]:
    from datetime import UTC, datetime, timedelta

    docs = await world.erp.order_documents(MARKETPLACE, datetime.now(UTC) - timedelta(days=2))
    return {d.order_id: d.status for d in docs}


async def test_new_orders_become_ros_once_and_in_process_after_commit(world: SyncWorld) -> None:
    await _published(world)
    placed = await world.control("POST", "/orders", params={"count": 100})
    assert placed["placed"] == 100
    run = await world.run("orders")
    assert run.result == "success", run.error_summary
    docs = await _documents(world)
    assert sorted(int(i) for i in docs) == sorted(placed["ids"])
    assert set(docs.values()) == {"reserved"}
    state = await world.control("GET", "/state")
    assert state["orders"]["inProcess"] == 100 and state["orders"]["new"] == 0
    writes = state["effects"].get("PUT /me/sales/updateStatus", 0)

    again = await world.run("orders")
    assert again.result == "success"
    assert await _documents(world) == docs
    state = await world.control("GET", "/state")
    assert state["effects"].get("PUT /me/sales/updateStatus", 0) == writes  # nothing to confirm twice
    outcomes = await world.state.outcomes(again.id)
    assert [o.item for o in outcomes if o.item.startswith("order:")] == []


async def test_an_order_that_cannot_be_mapped_is_quarantined_and_imported_once_fixed(world: SyncWorld) -> None:
    await _published(world, 3)
    stranger_product = (await world.erp.shared_product_ids())[10]
    [stranger_offer] = await publish(world, [stranger_product], link=False, external_id="obcy-towar")
    placed = await world.control("POST", "/orders", params={"count": 40})
    run = await world.run("orders")
    quarantined = {q.order_id for q in await world.state.quarantined_orders(COMPANY)}
    docs = await _documents(world)
    assert quarantined, "with a random mix of four offers, some order carries the unlinked one"
    assert run.result == "partial"
    # Nothing lost: each order is imported or quarantined, never both.
    assert quarantined | {int(i) for i in docs} == set(placed["ids"])
    assert not quarantined & {int(i) for i in docs}
    failed = await world.state.outcomes(run.id, only_failed=True)
    assert all(o.error_class == "Quarantined" and o.payload and "obcy-towar" in o.payload for o in failed)
    assert all("offerId" in o.message or "offer" in o.message for o in failed)
    state = await world.control("GET", "/state")
    assert state["orders"]["new"] == len(quarantined)  # they stay new on the marketplace

    await world.state.upsert_links(
        COMPANY, [OfferLink(product_id=stranger_product, external_id="obcy-towar", offer_id=stranger_offer)]
    )
    fixed = await world.run("orders")
    assert fixed.result == "success"
    assert {int(i) for i in await _documents(world)} == set(placed["ids"])
    assert await world.state.quarantined_orders(COMPANY) == []


async def test_cancellations_before_and_after_import(world: SyncWorld) -> None:
    await _published(world)
    placed = (await world.control("POST", "/orders", params={"count": 5}))["ids"]
    await world.control("POST", f"/orders/{placed[0]}/cancel")
    await world.run("orders")
    docs = await _documents(world)
    assert str(placed[0]) not in docs and len(docs) == 4  # cancelled before import: never imported

    before = await world.erp.stock_price_changes(0, price_type="detaliczna")
    await world.control("POST", f"/orders/{placed[1]}/cancel")
    run = await world.run("orders")
    assert run.result == "success"
    assert (await _documents(world))[str(placed[1])] == "cancelled"
    after = await world.erp.stock_price_changes(before.high_water, price_type="detaliczna")
    assert after.items, "cancelling the RO released its reservation, which moves the stock counter"


async def _sync(world: SyncWorld, *args: str, crash: str | None = None, after: int = 0) -> tuple[int, str]:
    """`marketsync sync` in its own process, with no terminal; its exit code and output."""
    return await _finished(await _start_sync(world, *args, crash=crash, after=after))


async def _finished(proc: asyncio.subprocess.Process, before: str = "") -> tuple[int, str]:
    """The exit code and whole output of `proc` (`before`: what was already read of it)."""
    out, _ = await proc.communicate()
    return proc.returncode if proc.returncode is not None else -1, before + out.decode()


async def _read_until(proc: asyncio.subprocess.Process, text: str, within: float = 120.0) -> str:
    """Read `proc`'s output line by line until a line holds `text`; what was read. Fails after `within` s
    (generous: a loaded machine starts Python slowly) or when the output ends first."""
    assert proc.stdout is not None
    read: list[str] = []
    async with asyncio.timeout(within):
        while not read or text not in read[-1]:
            line = await proc.stdout.readline()
            assert line, f"the output ended without {text!r}: {''.join(read)}"
            read.append(line.decode())
    return "".join(read)


async def _start_sync(
    world: SyncWorld, *args: str, crash: str | None = None, after: int = 0
) -> asyncio.subprocess.Process:
    """`marketsync sync` started in its own process, with no terminal; its output on `stdout`."""
    env = dict(os.environ)
    env.pop("MARKETSYNC_CRASH_AT", None)
    if crash:
        env["MARKETSYNC_CRASH_AT"] = crash
        env["MARKETSYNC_CRASH_AFTER"] = str(after)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "agent",
        "--config",
        str(world.config.path),
        "sync",
        COMPANY,
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


@pytest.mark.parametrize(
    ("point", "after"),
    [("orders.after_commit", 3), ("orders.before_status", 0), ("orders.after_status", 0), ("lease.after_take", 0)],
)
async def test_a_crash_at_each_point_loses_and_doubles_nothing(world: SyncWorld, point: str, after: int) -> None:
    await _published(world)
    placed = (await world.control("POST", "/orders", params={"count": 30}))["ids"]
    code, out = await _sync(world, "--orders", crash=point, after=after)
    assert code == -9, out
    code, out = await _sync(world, "--orders")
    assert code == 3 and "został przerwany" in out  # no terminal, no --yes: refused, says why
    code, out = await _sync(world, "--orders", "--yes")
    assert code == 0, out
    docs = await _documents(world)
    assert sorted(int(i) for i in docs) == sorted(placed)  # 0 lost, and the UNIQUE key makes 0 doubled
    state = await world.control("GET", "/state")
    assert state["orders"]["inProcess"] == 30 and state["orders"]["new"] == 0


async def test_two_processes_racing_for_one_company_run_once(world: SyncWorld) -> None:
    await _published(world)
    await world.control("POST", "/orders", params={"count": 20})
    results = await asyncio.gather(_sync(world, "--orders"), _sync(world, "--orders"))
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 3]), results  # either one after the other, or one refused
    refused = [out for code, out in results if code == 3]
    assert all("Tę firmę zajmuje inny przebieg" in out for out in refused)
    assert len(await _documents(world)) == 20


async def test_sync_waits_for_or_takes_over_a_live_run(world: SyncWorld) -> None:
    from agent.sync.lease import CompanyLease, lock_path

    await _published(world)
    await world.control("POST", "/orders", params={"count": 5})
    holder = CompanyLease(world.erp, lock_path(world.locks_dir, COMPANY), kind="automatic", operator="ADMIN")
    await holder.acquire()
    waiting = await _start_sync(world, "--orders", "--wait")
    try:
        said = await _read_until(waiting, "Czekam na koniec trwającego przebiegu")
    except BaseException:
        waiting.kill()
        await waiting.wait()
        raise
    assert waiting.returncode is None  # it waits while the holder lives
    await holder.release()
    code, out = await _finished(waiting, said)
    assert code == 0, out

    await holder.acquire()
    forcing = asyncio.create_task(_sync(world, "--orders", "--force"))
    async with asyncio.timeout(120):
        while True:  # the forced run raises the fencing token first; the old holder notices at its next check
            await asyncio.sleep(0.2)
            try:
                await holder.check()
            except LeaseLost:
                break
    await holder.release()  # as a fenced-out run does when it stops
    code, out = await forcing
    assert code == 0 and "Tę firmę zajmuje inny przebieg" in out, out
    assert len(await _documents(world)) == 5


class ImportedLater(SqliteErp):
    """An ERP whose ROs arrive through an import the operator runs (as Optima's XML import)."""

    def __init__(self, inner: SqliteErp) -> None:
        super().__init__(inner._db)
        self.waiting: set[str] = set()

    async def awaiting_import(self, marketplace: str) -> tuple[str, ...]:
        return tuple(sorted(self.waiting))


async def test_an_order_awaiting_the_erps_import_stays_new_until_its_ro_is_there(world: SyncWorld) -> None:
    await _published(world)
    placed = await world.control("POST", "/orders", params={"count": 3})
    erp = ImportedLater(world.erp)
    world.erp = erp
    erp.waiting = {str(i) for i in placed["ids"]}
    assert (await world.run("orders")).result == "success"
    state = await world.control("GET", "/state")
    assert state["orders"]["new"] == 3 and state["orders"].get("inProcess", 0) == 0
    erp.waiting = set()  # the operator imported the files
    assert (await world.run("orders")).result == "success"
    state = await world.control("GET", "/state")
    assert state["orders"]["inProcess"] == 3 and state["orders"]["new"] == 0
    assert sorted(int(i) for i in await _documents(world)) == sorted(placed["ids"])  # one RO each
