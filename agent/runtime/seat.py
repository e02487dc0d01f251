"""The scheduler seat: whether this process fires the installation's schedules.

One process per installation holds the scheduler lease in the state database. A service takes it
(also from a TUI, which then only watches); a TUI takes it only when nobody holds it. The holder
heartbeats every few seconds; a watcher tries again every heartbeat, so when the service stops a
TUI takes over within one beat. Every change of seat is said on the bus (`ServiceStatus`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from agent.config import Config
from agent.domain import Clock
from agent.errors import Count, Phrase
from agent.logs import say
from agent.runtime.bus import EventBus
from agent.runtime.events import SchedulerRole, ServiceState
from agent.runtime.fires import FireHandler
from agent.runtime.scheduler import Scheduler, Sleep
from agent.runtime.service_status import describe_holder, holder_phrase, service_status
from agent.state.models import SchedulerHolder
from agent.state.store import StateDB


class SchedulerSeat:
    """Takes, keeps, loses and gives back the scheduler lease, and runs the `Scheduler` while held."""

    def __init__(
        self,
        *,
        config: Callable[[], Config],
        state: StateDB,
        bus: EventBus,
        fires: FireHandler,
        role: SchedulerRole,
        host: str,
        pid: int,
        clock: Clock,
        sleep: Sleep,
        heartbeat_interval: float,
    ) -> None:
        self._config = config
        self._state = state
        self._bus = bus
        self._fires = fires
        self._role: SchedulerRole = role
        self._host = host
        self._pid = pid
        self._clock = clock
        self._sleep = sleep
        self.heartbeat_interval = heartbeat_interval
        self._stale_after = max(3 * heartbeat_interval, 15.0)
        self._holds = False
        self._holder: SchedulerHolder | None = None
        self.scheduler: Scheduler | None = None
        """The running scheduler while this process holds the seat (None otherwise)."""
        self._task: asyncio.Task[None] | None = None

    @property
    def holds(self) -> bool:
        """True while this process fires the schedules."""
        return self._holds

    @property
    def holder(self) -> SchedulerHolder | None:
        """Who holds the seat, as last read (this process or another)."""
        return self._holder

    def where(self) -> str:
        """Where the seat is held, for a log line or a refusal (its time in the configured zone)."""
        return describe_holder(self._holder, self._config().agent.timezone)

    def where_phrase(self) -> Phrase:
        """`where` kept as facts, for a log line worded in the operator's language."""
        return holder_phrase(self._holder, self._config().agent.timezone)

    async def take(self, *, allowed: bool) -> bool:
        """Try to take the seat at start (`allowed=False`: never, only read who holds it)."""
        self._holds = await self._acquire() if allowed else False
        self._holder = await self._state.scheduler_holder()
        return self._holds

    async def start_scheduling(self) -> None:
        """Start firing the configured schedules from where the last holder left them."""
        config = self._config()
        states = await self._state.all_schedule_states()
        cursors = {name: s.last_fire for name, s in states.items() if s.last_fire is not None}
        self.scheduler = Scheduler(
            config.companies,
            config.agent.timezone,
            on_fire=self._fires.fire,
            on_plan=self._fires.planned,
            clock=self._clock,
            sleep=self._sleep,
            cursors=cursors,
        )
        self._task = asyncio.create_task(self.scheduler.run(), name="scheduler")
        say(
            "INFO", "log.seat.scheduling", companies=Count(len(config.companies), "n.company"),
            role=Phrase(f"log.role.{self._role}"), host=self._host, pid=self._pid,
        )

    async def stop_scheduling(self) -> None:
        """Stop firing (the seat itself is kept until `release`)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        self.scheduler = None

    async def release(self) -> None:
        """Give the seat back (stopping), so a watching process takes it at its next beat."""
        if self._holds:
            await self._state.release_scheduler(self._host, self._pid)
            self._holds = False

    async def heartbeat_loop(self, may_take: Callable[[], bool]) -> None:
        """Beat forever: keep the seat, notice it was taken, or take it when free and `may_take()`."""
        while True:
            await asyncio.sleep(self.heartbeat_interval)
            try:
                await self._beat(may_take)
            except Exception as exc:  # a busy database must not end the service; the next beat retries
                say("WARNING", "log.seat.heartbeat_failed", error=exc)

    async def _beat(self, may_take: Callable[[], bool]) -> None:
        if self._holds:
            if await self._state.heartbeat_scheduler(self._host, self._pid):
                return
            self._holds = False
            await self.stop_scheduling()
            self._holder = await self._state.scheduler_holder()
            say("INFO", "log.seat.taken", where=self.where_phrase())
            self.publish("running")
            return
        if not may_take():
            return
        if await self._acquire():
            self._holds = True
            self._holder = await self._state.scheduler_holder()
            say("INFO", "log.seat.free")
            self.publish("running")
            await self.start_scheduling()
            return
        holder = await self._state.scheduler_holder()
        if holder != self._holder and (holder is None or self._holder is None or holder.pid != self._holder.pid):
            self._holder = holder
            self.publish("running")

    async def _acquire(self) -> bool:
        return await self._state.acquire_scheduler(self._role, self._host, self._pid, self._stale_after)

    def publish(self, state: ServiceState) -> None:
        """Say on the bus where the seat is and what this process is doing."""
        status = service_status(
            state,
            holds=self._holds,
            holder=self._holder,
            role=self._role,
            host=self._host,
            pid=self._pid,
            now=self._clock(),
        )
        self._bus.publish(status)
