"""The scheduler: when each company's automatic run is due, on wall-clock time.

One `Scheduler` keeps a cursor per company (the instant up to which its fires were handled) and
ticks: every fire in (cursor, now] is due. Several due at once (the machine slept, the clock
jumped forward, the loop was busy) coalesce into one `Fire` whose `missed` counts the others.
Between ticks it sleeps until the earliest next fire but never longer than `max_wait` (30 s), and
every tick reads the wall clock afresh, so a suspend/resume or a clock jump loses no run: the
monotonic sleep may oversleep a suspend, the wall-clock comparison catches up at once.

What to do with a fire (run it, skip it because the company is still running or its account is
broken) is the caller's: `on_fire` is awaited for each. Clock and sleep are injected, so tests
drive the loop with a fake clock and never sleep.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agent.config import CompanyConfig
from agent.core.schedule import fires_between, next_fire
from agent.domain import Clock, ScheduleConfig
from agent.logs import say

Sleep = Callable[[float], Awaitable[None]]

MAX_WAIT_S = 30.0
"""The loop wakes at least this often to compare wall-clock time."""
_MISSED_LIMIT = 1000
"""Fires counted when catching up; beyond this `missed` says "at least" (a week of minutes asleep)."""
CATCH_UP_LIMIT = timedelta(days=1)
"""On start, fires missed while no process scheduled are caught up (as one run) only this far back."""


@dataclass(frozen=True, slots=True)
class Fire:
    """A company's automatic run is due: the latest slot that came, and how many earlier ones it absorbs."""

    company: CompanyConfig
    slot: datetime
    missed: int
    next_fire: datetime | None
    """The fire after this one (None: the schedule never fires again)."""


@dataclass(slots=True)
class _Plan:
    company: CompanyConfig
    cursor: datetime
    next: datetime | None


class Scheduler:
    """Fires the due schedules of a set of companies; `run()` loops until cancelled."""

    def __init__(
        self,
        companies: Iterable[CompanyConfig],
        timezone: str,
        *,
        on_fire: Callable[[Fire], Awaitable[object]],
        on_plan: Callable[[str, datetime | None], None] | None = None,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        max_wait: float = MAX_WAIT_S,
        cursors: Mapping[str, datetime] | None = None,
    ) -> None:
        """`cursors`: where each company's fires were last handled (from the state database);
        a company without one, or with one older than CATCH_UP_LIMIT, starts from now."""
        self._on_fire = on_fire
        self._on_plan = on_plan or (lambda company, at: None)
        self._clock = clock
        self._sleep = sleep
        self._max_wait = max_wait
        self._tz = ZoneInfo(timezone)
        self._plans: dict[str, _Plan] = {}
        self._wake = asyncio.Event()
        self.ticks = 0
        self.replace(companies, timezone, cursors=cursors)

    # --- what is planned --------------------------------------------------------------------

    def next_fire(self, company: str) -> datetime | None:
        plan = self._plans.get(company)
        return None if plan is None else plan.next

    @property
    def companies(self) -> tuple[str, ...]:
        return tuple(self._plans)

    def replace(
        self, companies: Iterable[CompanyConfig], timezone: str, *, cursors: Mapping[str, datetime] | None = None
    ) -> list[str]:
        """Take a new set of companies (a config reload); returns the names whose schedule changed.

        A company whose schedule and time zone are unchanged keeps its cursor; a new or changed
        one starts from now (a new schedule does not fire for the past).
        """
        now = self._clock()
        tz = ZoneInfo(timezone)
        tz_changed = tz != self._tz
        self._tz = tz
        old = self._plans
        self._plans = {}
        changed: list[str] = []
        for company in companies:
            previous = old.get(company.name)
            if previous is not None and previous.company.schedule == company.schedule and not tz_changed:
                previous.company = company
                self._plans[company.name] = previous
                continue
            cursor = now
            given = (cursors or {}).get(company.name)
            if previous is None and given is not None and now - CATCH_UP_LIMIT <= given <= now:
                cursor = given
            plan = _Plan(company, cursor, _next(company.schedule, cursor, tz))
            self._plans[company.name] = plan
            changed.append(company.name)
            self._on_plan(company.name, plan.next)
        changed.extend(name for name in old if name not in self._plans)
        self._wake.set()
        return changed

    # --- the loop ---------------------------------------------------------------------------

    async def tick(self) -> float:
        """Hand every due fire to `on_fire`, in company order; returns how long to sleep before the next tick."""
        self.ticks += 1
        now = self._clock()
        for plan in list(self._plans.values()):
            if plan.next is None or plan.next > now:
                continue
            fires = fires_between(plan.company.schedule, plan.cursor, now, self._tz, limit=_MISSED_LIMIT)
            if not fires:  # the schedule changed under us; plan again
                plan.next = _next(plan.company.schedule, now, self._tz)
                continue
            plan.cursor = fires[-1]
            plan.next = _next(plan.company.schedule, plan.cursor, self._tz)
            self._on_plan(plan.company.name, plan.next)
            fire = Fire(plan.company, fires[-1], len(fires) - 1, plan.next)
            try:
                await self._on_fire(fire)
            except Exception:  # one company's trouble must not stop every schedule
                say("ERROR", "log.scheduler.fire_failed", company=plan.company.name, exception=True)
        return self.wait_after(self._clock())

    def wait_after(self, now: datetime) -> float:
        """Seconds until the earliest next fire, between 0 and `max_wait`."""
        upcoming = [plan.next for plan in self._plans.values() if plan.next is not None]
        if not upcoming:
            return self._max_wait
        return max(0.0, min(self._max_wait, (min(upcoming) - now).total_seconds()))

    async def run(self) -> None:
        """Tick, sleep, tick... until cancelled; `replace()` wakes it early."""
        while True:
            wait = await self.tick()
            self._wake.clear()
            if wait <= 0:
                await asyncio.sleep(0)  # let others run even when a fire is due again at once
                continue
            sleeper = asyncio.ensure_future(self._sleep(wait))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait((sleeper, waker), return_when=asyncio.FIRST_COMPLETED)
            finally:
                # No await here: a cancel arriving while awaiting these would be swallowed and
                # the loop would never end.
                sleeper.cancel()
                waker.cancel()


def _next(schedule: ScheduleConfig, after: datetime, tz: ZoneInfo) -> datetime | None:
    try:
        return next_fire(schedule, after, tz)
    except ValueError as exc:  # the config loader refuses these; never crash the loop on one
        say("ERROR", "log.scheduler.cannot_compute", error=exc)
        return None
