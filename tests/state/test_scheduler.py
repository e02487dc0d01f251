"""The scheduler lease between processes, schedule bookkeeping and connection state."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from agent.state import ScheduleState, StateDB

from .conftest import FakeClock

STALE_S = 30.0


async def test_a_second_holder_is_refused_while_the_first_heartbeats(db_path: Path, clock: FakeClock) -> None:
    async with StateDB(db_path, clock=clock) as one, StateDB(db_path, clock=clock) as two:
        assert await one.acquire_scheduler("service", "srv", 100, STALE_S)
        for _ in range(5):
            clock.advance(20)
            assert await one.heartbeat_scheduler("srv", 100)
            assert not await two.acquire_scheduler("service", "srv", 200, STALE_S)
        holder = await two.scheduler_holder()
        assert holder is not None
        assert (holder.host, holder.pid, holder.role) == ("srv", 100, "service")
        assert holder.heartbeat == clock.now
        assert not holder.is_stale(clock.now)


async def test_a_stale_holder_is_taken_over_and_learns_it(db_path: Path, clock: FakeClock) -> None:
    async with StateDB(db_path, clock=clock) as one, StateDB(db_path, clock=clock) as two:
        assert await one.acquire_scheduler("service", "srv", 100, STALE_S)
        clock.advance(STALE_S + 1)
        holder = await two.scheduler_holder()
        assert holder is not None and holder.is_stale(clock.now)
        assert await two.acquire_scheduler("service", "srv", 200, STALE_S)
        assert not await one.heartbeat_scheduler("srv", 100)
        assert not await one.release_scheduler("srv", 100)
        taken = await one.scheduler_holder()
        assert taken is not None and taken.pid == 200 and taken.started == clock.now


async def test_a_service_takes_over_from_a_tui_but_not_the_other_way(db_path: Path, clock: FakeClock) -> None:
    async with StateDB(db_path, clock=clock) as tui, StateDB(db_path, clock=clock) as service:
        assert await tui.acquire_scheduler("tui", "desk", 10, STALE_S)
        assert not await tui.acquire_scheduler("tui", "desk", 11, STALE_S)
        assert await service.acquire_scheduler("service", "desk", 20, STALE_S)
        assert not await tui.heartbeat_scheduler("desk", 10)
        assert not await tui.acquire_scheduler("tui", "desk", 10, STALE_S)
        holder = await tui.scheduler_holder()
        assert holder is not None and (holder.role, holder.pid) == ("service", 20)


async def test_the_same_process_may_acquire_again_and_release(state: StateDB, clock: FakeClock) -> None:
    assert await state.acquire_scheduler("tui", "desk", 10, STALE_S)
    started = clock.now
    clock.advance(5)
    assert await state.acquire_scheduler("tui", "desk", 10, STALE_S)
    holder = await state.scheduler_holder()
    assert holder is not None and (holder.started, holder.heartbeat) == (started, clock.now)
    assert not await state.release_scheduler("desk", 11)
    assert await state.release_scheduler("desk", 10)
    assert await state.scheduler_holder() is None
    assert await state.acquire_scheduler("service", "srv", 1, STALE_S)


_RACER = """
import asyncio, sys
from pathlib import Path
from agent.state import StateDB

async def main() -> None:
    async with StateDB(Path(sys.argv[1])) as state:
        sys.stdin.readline()  # start together
        won = await state.acquire_scheduler("service", "srv", int(sys.argv[2]), 60.0)
        print("won" if won else "lost", flush=True)

asyncio.run(main())
"""


async def test_two_processes_racing_for_the_lease_exactly_one_wins(db_path: Path) -> None:
    async with StateDB(db_path):
        pass  # create and migrate first, so the racers only race for the lease
    racers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _RACER,
            str(db_path),
            str(pid),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for pid in (1001, 1002, 1003)
    ]
    outputs = await asyncio.gather(*(racer.communicate(b"go\n") for racer in racers))
    answers = sorted(out.decode().strip() for out, _ in outputs)
    assert [racer.returncode for racer in racers] == [0, 0, 0]
    assert answers == ["lost", "lost", "won"]


async def test_schedule_bookkeeping(state: StateDB) -> None:
    assert await state.schedule_state("a") == ScheduleState("a")
    fired = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    planned = datetime(2026, 10, 25, 1, 15, tzinfo=UTC)
    await state.set_schedule_state(ScheduleState("a", last_fire=fired, next_fire=planned, missed=2))
    counted = await state.count_schedule_misses("a", skipped=1)
    assert counted == ScheduleState("a", last_fire=fired, next_fire=planned, missed=2, skipped=1)
    assert await state.count_schedule_misses("b", missed=3) == ScheduleState("b", missed=3)
    assert await state.all_schedule_states() == {"a": counted, "b": ScheduleState("b", missed=3)}


async def test_connection_state(state: StateDB, clock: FakeClock) -> None:
    unknown = await state.connection("a")
    assert (unknown.state, unknown.changed) == ("unknown", None)
    assert await state.set_connection("a", "connected")
    first = clock.now
    clock.advance(60)
    assert not await state.set_connection("a", "connected")
    assert (await state.connection("a")).changed == first
    assert await state.set_connection("a", "connection_error", "invalid_grant: link again")
    now = await state.connection("a")
    assert (now.state, now.reason, now.changed) == ("connection_error", "invalid_grant: link again", clock.now)
    assert set(await state.all_connections()) == {"a"}


async def test_two_handles_acquiring_at_the_same_moment_one_wins(db_path: Path, clock: FakeClock) -> None:
    async with StateDB(db_path, clock=clock) as one, StateDB(db_path, clock=clock) as two:
        results = await asyncio.gather(
            one.acquire_scheduler("service", "srv", 1, STALE_S), two.acquire_scheduler("service", "srv", 2, STALE_S)
        )
        holder = await one.scheduler_holder()
    assert sorted(results) == [False, True]
    assert holder is not None and holder.pid == (1 if results[0] else 2)
