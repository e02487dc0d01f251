"""The Runtime in one process, with a fake executor and a fake wall clock: parallel automatic runs,
no stacking, connection errors, the manual queue, leases, hot reload, the snapshot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from agent.config import Config
from agent.erp.port import LeaseHolder
from agent.erp.sqlite import SqliteErp
from agent.errors import LeaseHeld, LeaseInterrupted, RelinkAccount
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.runtime import events as ev
from agent.runtime.bus import Subscription
from agent.runtime.service import Runtime
from agent.state.models import RunOptions
from agent.sync.lease import CompanyLease, lock_path
from tests.runtime.conftest import (
    T0,
    FakeClock,
    FakeExecutor,
    eventually,
    installation_text,
    tiny_sleep,
    write_config,
)

ORDERS = RunOptions(jobs=("orders",))
E = TypeVar("E")


class Rig:
    def __init__(self, runtime: Runtime, executor: FakeExecutor, clock: FakeClock, events: Subscription) -> None:
        self.runtime = runtime
        self.executor = executor
        self.clock = clock
        self.events = events
        self.seen: list[ev.Event] = []

    def collect(self) -> list[ev.Event]:
        self.seen.extend(self.events.drain())
        return self.seen

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.collect() if isinstance(e, kind)]


async def make_rig(config: Config, **kwargs: object) -> Rig:
    clock = FakeClock()
    executor = FakeExecutor()
    runtime = Runtime(config, role="service", clock=clock, sleep=tiny_sleep, executor=executor, **kwargs)  # type: ignore[arg-type]
    events = runtime.bus.subscribe(queue_size=100_000)
    await runtime.start()
    executor.state = runtime.state
    return Rig(runtime, executor, clock, events)


@pytest.fixture
async def rig(config: Config) -> AsyncIterator[Rig]:
    rig = await make_rig(config)
    try:
        yield rig
    finally:
        rig.executor.open_all = True
        for gate in rig.executor.gates.values():
            gate.set()
        await rig.runtime.stop()


async def test_automatic_runs_of_companies_run_in_parallel_up_to_the_bound(config_path: Path) -> None:
    write_config(config_path, installation_text(max_parallel=2))
    from agent.config import load_config

    rig = await make_rig(load_config(config_path))
    try:
        assert rig.runtime.holds_scheduler
        rig.clock.advance(minutes=1)
        await eventually(lambda: rig.executor.active == 2)
        await asyncio.sleep(0.05)
        assert len(rig.executor.calls) == 2  # the third waits for a slot
        first = rig.executor.calls[0].company.name
        rig.executor.release(first)
        await eventually(lambda: len(rig.executor.calls) == 3)
        for name in ("Alfa", "Beta", "Gamma"):
            rig.executor.release(name)
        await eventually(lambda: len(rig.of(ev.RunFinished)) == 3)
        assert rig.executor.most_active == 2
        assert {e.company for e in rig.of(ev.RunStarted)} == {"Alfa", "Beta", "Gamma"}
        assert all(r.trigger == "automatic" for r in rig.executor.calls)
    finally:
        rig.executor.open_all = True
        await rig.runtime.stop()


async def test_a_fire_while_the_previous_run_goes_is_skipped_not_stacked(rig: Rig) -> None:
    rig.clock.advance(minutes=1)
    await eventually(lambda: rig.executor.active == 3)
    rig.clock.advance(minutes=1)
    await eventually(lambda: len(rig.of(ev.RunSkipped)) == 3)
    assert {(e.company, e.reason) for e in rig.of(ev.RunSkipped)} == {
        (name, "still_running") for name in ("Alfa", "Beta", "Gamma")
    }
    assert len(rig.executor.calls) == 3
    assert (await rig.runtime.state.schedule_state("Alfa")).skipped == 1


async def test_missed_fires_coalesce_into_one_run_and_are_counted(rig: Rig) -> None:
    rig.executor.open_all = True
    rig.clock.advance(minutes=10)  # the machine slept
    await eventually(lambda: len(rig.of(ev.RunFinished)) == 3)
    queued = [e for e in rig.of(ev.RunQueued) if e.company == "Alfa"]
    assert [e.missed for e in queued] == [9]
    state = await rig.runtime.state.schedule_state("Alfa")
    assert state.missed == 9
    assert state.last_fire == T0.replace(second=0) + timedelta(minutes=10)


async def test_a_company_in_connection_error_is_not_attempted(rig: Rig, config: Config) -> None:
    rig.executor.open_all = True
    ConnectionRegistry(connections_dir(config.agent.home)).set_error("Beta", "invalid_grant: link again")
    rig.clock.advance(minutes=1)
    await eventually(lambda: len(rig.of(ev.RunFinished)) == 2 and len(rig.of(ev.RunSkipped)) == 1)
    skipped = rig.of(ev.RunSkipped)[0]
    assert (skipped.company, skipped.reason) == ("Beta", "connection_error")
    assert "invalid_grant" in skipped.detail
    assert "Beta" not in {r.company.name for r in rig.executor.calls}
    changed = [e for e in rig.of(ev.ConnectionChanged) if e.company == "Beta"]
    assert changed[-1].status == "connection_error"
    assert (await rig.runtime.state.connection("Beta")).state == "connection_error"
    with pytest.raises(RelinkAccount):
        await rig.runtime.request_run("Beta", ORDERS)


async def test_manual_runs_go_one_at_a_time_in_the_order_asked(rig: Rig) -> None:
    for name in ("Gamma", "Alfa", "Beta"):
        await rig.runtime.request_run(name, ORDERS, operator="JAN")
    await eventually(lambda: rig.executor.active == 1)
    # Gamma started at once; Alfa is then next (0) and Beta after it (1).
    assert [e.position for e in rig.of(ev.RunQueued)] == [0, 0, 1]
    for count, expected in enumerate(("Gamma", "Alfa", "Beta"), start=1):
        await eventually(lambda n=count: len(rig.executor.calls) == n)  # type: ignore[misc]
        await asyncio.sleep(0.05)
        assert len(rig.executor.calls) == count  # the next waits until this one ends
        assert rig.executor.calls[-1].company.name == expected
        rig.executor.release(expected)
    await eventually(lambda: len(rig.of(ev.RunFinished)) == 3)
    assert [r.company.name for r in rig.executor.calls] == ["Gamma", "Alfa", "Beta"]
    assert rig.executor.most_active == 1
    assert {(r.trigger, r.operator) for r in rig.executor.calls} == {("manual", "JAN")}


async def test_a_queued_manual_run_can_be_cancelled(rig: Rig) -> None:
    for name in ("Alfa", "Beta", "Gamma"):
        await rig.runtime.request_run(name, ORDERS)
    await eventually(lambda: rig.executor.active == 1)
    assert await rig.runtime.cancel_queued("Beta")
    assert not await rig.runtime.cancel_queued("Beta")
    rig.executor.open_all = True
    rig.executor.release("Alfa")
    await eventually(lambda: len(rig.of(ev.RunFinished)) == 2)
    assert [r.company.name for r in rig.executor.calls] == ["Alfa", "Gamma"]


async def test_a_manual_run_on_a_held_lease_asks_first(rig: Rig, config: Config) -> None:
    company = config.company("Alfa")
    locks = Paths.from_config(config).locks_dir
    erp = await SqliteErp.open(company.database)
    try:
        lease = CompanyLease(erp, lock_path(locks, "Alfa"), kind="manual", operator="EWA")
        await lease.acquire()
        with pytest.raises(LeaseHeld) as held:
            await rig.runtime.request_run("Alfa", ORDERS)
        assert not isinstance(held.value, LeaseInterrupted)
        view = await rig.runtime.lease("Alfa")
        assert (view.state, view.operator, view.kind) == ("running", "EWA", "manual")
        # "Run after it": queued now, runs once the live run let go.
        rig.executor.open_all = True
        await rig.runtime.request_run("Alfa", ORDERS, after_current=True)
        await asyncio.sleep(0.3)
        assert rig.executor.calls == []
        await lease.release()
        await eventually(lambda: len(rig.executor.calls) == 1)
        assert rig.executor.calls[0].resume_interrupted
        # A run that died holding the lease: interrupted, confirm to resume.
        now = T0
        token = (await erp.read_lease()).fencing_token
        await erp.take_lease(LeaseHolder("kasa-2", 4242, "automatic", "ADMIN", now, now), expected_token=token)
        with pytest.raises(LeaseInterrupted):
            await rig.runtime.request_run("Alfa", ORDERS)
        assert (await rig.runtime.lease("Alfa")).state == "interrupted"
        await rig.runtime.request_run("Alfa", ORDERS, resume_interrupted=True)
        await eventually(lambda: len(rig.executor.calls) == 2)
    finally:
        await erp.close()


async def test_a_good_config_change_applies_at_once_and_a_bad_one_is_refused(config_path: Path, config: Config) -> None:
    rig = await make_rig(config, reload_interval=0.02)
    try:
        before = rig.runtime.next_run("Beta")
        assert before == T0.replace(second=0) + timedelta(minutes=1)
        write_config(config_path, installation_text(every={"Beta": 15}))
        await eventually(lambda: any(e.company == "Beta" for e in rig.of(ev.ScheduleChanged)))
        changed = next(e for e in rig.of(ev.ScheduleChanged) if e.company == "Beta")
        assert "15 min" in changed.description
        assert [e.company for e in rig.of(ev.ScheduleChanged)] == ["Beta"]
        assert rig.runtime.next_run("Beta") == T0.replace(second=0) + timedelta(minutes=15)
        assert rig.runtime.next_run("Alfa") == before  # unchanged schedules keep their plan

        write_config(config_path, installation_text(every={"Beta": 15}, broken=True))
        await eventually(lambda: rig.runtime.config_error is not None)
        assert rig.runtime.config.company("Beta").schedule.every_minutes == 15
        assert rig.runtime.next_run("Beta") == T0.replace(second=0) + timedelta(minutes=15)
        assert len(rig.of(ev.ScheduleChanged)) == 1

        write_config(config_path, installation_text(every={"Beta": 0}))
        await eventually(lambda: rig.runtime.config_error is None and rig.runtime.next_run("Beta") is None)
    finally:
        await rig.runtime.stop()


async def test_the_snapshot_shows_each_company_row(rig: Rig) -> None:
    rig.executor.open_all = True
    rig.clock.advance(minutes=1)
    await eventually(lambda: len(rig.of(ev.RunFinished)) == 3)
    snapshot = await rig.runtime.snapshot()
    assert [row.name for row in snapshot.companies] == ["Alfa", "Beta", "Gamma"]
    row = snapshot.companies[0]
    assert row.connection == "connected"
    assert row.account == "alfa@example.pl"
    assert row.schedule_enabled
    assert row.schedule_description == "całą dobę co 1 min"
    assert row.next_run == T0.replace(second=0) + timedelta(minutes=2)
    assert row.last_run is not None
    assert row.last_run.result == "success"
    assert row.current is None
    assert snapshot.scheduler is not None
    assert snapshot.scheduler.this_process
    assert snapshot.scheduler.role == "service"


async def test_stopping_lets_runs_end_at_a_checkpoint_and_releases_the_scheduler(rig: Rig) -> None:
    rig.clock.advance(minutes=1)
    await eventually(lambda: rig.executor.active == 3)
    state = rig.runtime.state
    await rig.runtime.stop()
    finished = rig.of(ev.RunFinished)
    assert sorted(e.result for e in finished) == ["interrupted"] * 3
    states = [e.state for e in rig.of(ev.ServiceStatus)]
    assert states[-2:] == ["stopping", "stopped"]
    async with type(state)(state.path) as reopened:
        assert await reopened.scheduler_holder() is None
        assert await reopened.running_runs() == []
