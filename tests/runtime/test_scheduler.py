"""The scheduler loop with a fake clock: fires on wall-clock time, coalesces missed fires, never
sleeps more than 30 s, keeps cursors across reloads, fires each DST slot once. No real sleeping."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agent.config import CompanyConfig
from agent.domain import ScheduleConfig
from agent.runtime.scheduler import MAX_WAIT_S, Fire, Scheduler

T0 = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # 12:00 in Warsaw
ALL_DAY_1 = ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=1)


def company(name: str, schedule: ScheduleConfig = ALL_DAY_1) -> CompanyConfig:
    return CompanyConfig(name=name, database=Path(f"/nonexistent/{name}.sqlite"), schedule=schedule)


class FakeTime:
    """A wall clock the test moves; `sleep` records the wait and moves the clock by it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self.until: datetime | None = None
        self.max_sleeps: int | None = None
        self.reached = asyncio.Event()

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)
        if (self.until is not None and self.now >= self.until) or (
            self.max_sleeps is not None and len(self.sleeps) >= self.max_sleeps
        ):
            self.reached.set()
        await asyncio.sleep(0)


async def drive(
    scheduler: Scheduler, time: FakeTime, *, until: datetime | None = None, sleeps: int | None = None
) -> None:
    """Run the loop on fake time until the clock reaches `until` or it slept `sleeps` times."""
    time.until, time.max_sleeps = until, sleeps
    task = asyncio.create_task(scheduler.run())
    await time.reached.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def make(time: FakeTime, *companies: CompanyConfig, **kwargs: object) -> tuple[Scheduler, list[Fire]]:
    fired: list[Fire] = []

    async def on_fire(fire: Fire) -> None:
        fired.append(fire)

    scheduler = Scheduler(
        companies, "Europe/Warsaw", on_fire=on_fire, clock=time.clock, sleep=time.sleep, **kwargs  # type: ignore[arg-type]
    )
    return scheduler, fired


async def test_a_fire_comes_when_the_wall_clock_reaches_it() -> None:
    time = FakeTime(T0 + timedelta(seconds=5))
    scheduler, fired = make(time, company("A"))
    assert scheduler.next_fire("A") == T0 + timedelta(minutes=1)
    time.now = T0 + timedelta(seconds=59)
    await scheduler.tick()
    assert fired == []
    time.now = T0 + timedelta(minutes=1)
    await scheduler.tick()
    assert [(f.company.name, f.slot, f.missed) for f in fired] == [("A", T0 + timedelta(minutes=1), 0)]
    assert scheduler.next_fire("A") == T0 + timedelta(minutes=2)
    await scheduler.tick()  # the same instant again: nothing new
    assert len(fired) == 1


async def test_a_clock_jump_coalesces_missed_fires_into_one() -> None:
    time = FakeTime(T0)
    scheduler, fired = make(time, company("A"))
    time.now = T0 + timedelta(minutes=10, seconds=30)  # suspended for ten minutes
    await scheduler.tick()
    assert len(fired) == 1
    assert fired[0].slot == T0 + timedelta(minutes=10)
    assert fired[0].missed == 9
    assert fired[0].next_fire == T0 + timedelta(minutes=11)


async def test_the_loop_never_sleeps_longer_than_30_seconds() -> None:
    night = ScheduleConfig(enabled=True, from_hour=22, to_hour=6, every_minutes=45)
    time = FakeTime(T0)
    scheduler, _ = make(time, company("A", night))
    assert scheduler.wait_after(time.now) == MAX_WAIT_S
    await drive(scheduler, time, sleeps=20)
    assert max(time.sleeps) <= MAX_WAIT_S


async def test_the_loop_fires_every_slot_of_an_hour_once() -> None:
    quarter = ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=15)
    time = FakeTime(T0)
    scheduler, fired = make(time, company("A", quarter), company("B"))
    await drive(scheduler, time, until=T0 + timedelta(hours=1, seconds=1))
    a = [f.slot for f in fired if f.company.name == "A"]
    b = [f.slot for f in fired if f.company.name == "B"]
    assert a == [T0 + timedelta(minutes=m) for m in (15, 30, 45, 60)]
    assert b == [T0 + timedelta(minutes=m) for m in range(1, 61)]
    assert all(f.missed == 0 for f in fired)


async def test_each_slot_fires_once_through_the_autumn_repeated_hour() -> None:
    # 2026-10-25 in Warsaw: 03:00 CEST becomes 02:00 CET; the hour 02:00-03:00 happens twice.
    hourly = ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=60)
    start = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 CEST
    time = FakeTime(start)
    scheduler, fired = make(time, company("A", hourly))
    await drive(scheduler, time, until=start + timedelta(hours=6))
    slots = [f.slot for f in fired]
    assert len(slots) == len(set(slots))
    local = [s.astimezone(ZoneInfo("Europe/Warsaw")).strftime("%H:%M") for s in slots]
    assert local == ["01:00", "02:00", "03:00", "04:00", "05:00"]


async def test_a_cursor_from_the_state_database_catches_up_as_one_run() -> None:
    time = FakeTime(T0)
    scheduler, fired = make(time, company("A"), company("B"), cursors={
        "A": T0 - timedelta(minutes=10),
        "B": T0 - timedelta(days=3),  # too old: the schedule starts from now
    })
    await scheduler.tick()
    assert [(f.company.name, f.missed) for f in fired] == [("A", 9)]


async def test_a_reload_keeps_unchanged_cursors_and_restarts_changed_schedules() -> None:
    time = FakeTime(T0)
    scheduler, fired = make(time, company("A"), company("B"), company("C"))
    time.now = T0 + timedelta(minutes=3)
    hourly = ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=60)
    changed = scheduler.replace([company("A"), company("B", hourly), company("D")], "Europe/Warsaw")
    assert sorted(changed) == ["B", "C", "D"]
    assert scheduler.companies == ("A", "B", "D")
    await scheduler.tick()
    # A kept its cursor, so the three minutes coalesce; B and D start from now.
    assert [(f.company.name, f.missed) for f in fired] == [("A", 2)]
    assert scheduler.next_fire("B") == T0 + timedelta(hours=1)


async def test_a_disabled_schedule_never_fires() -> None:
    time = FakeTime(T0)
    scheduler, fired = make(time, company("A", replace(ALL_DAY_1, enabled=False)))
    assert scheduler.next_fire("A") is None
    time.now += timedelta(hours=5)
    await scheduler.tick()
    assert fired == []


async def test_one_company_failing_does_not_stop_the_others() -> None:
    time = FakeTime(T0)
    seen: list[str] = []

    async def on_fire(fire: Fire) -> None:
        seen.append(fire.company.name)
        if fire.company.name == "A":
            raise RuntimeError("boom")

    scheduler = Scheduler([company("A"), company("B")], "Europe/Warsaw", on_fire=on_fire, clock=time.clock)
    time.now += timedelta(minutes=1)
    await scheduler.tick()
    assert seen == ["A", "B"]
