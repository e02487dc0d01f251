"""What a scheduled fire turns into: an automatic run, or a recorded reason why not.

* the company's previous run (in this process) is still going: not stacked; counted as skipped
  in the schedule bookkeeping and announced (`RunSkipped`, reason `still_running`);
* its account is in "Connection error" (or not linked): not attempted (`connection_error`);
* otherwise an automatic run is queued; fires missed meanwhile (the machine slept) were
  coalesced into this one and are counted as missed.

The plan (last and next fire) is stored in the state database, so `marketsync status` and a
watching TUI show the next run without holding the scheduler.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import Any

from agent.domain import Clock
from agent.errors import Count, Phrase
from agent.logs import say
from agent.runtime.bus import EventBus
from agent.runtime.connections import ConnectionMirror
from agent.runtime.events import NextRunPlanned, RunSkipped
from agent.runtime.queue import RunQueue
from agent.runtime.scheduler import Fire
from agent.state.store import StateDB
from agent.sync.options import scheduled_options
from agent.sync.run import RunRequest
from agent.texts.phrases import detail_phrase

Spawn = Callable[[Coroutine[Any, Any, None], str], None]


class FireHandler:
    """The scheduler's `on_fire` and `on_plan` for a runtime."""

    def __init__(
        self,
        *,
        state: StateDB,
        queue: RunQueue,
        connections: ConnectionMirror,
        bus: EventBus,
        clock: Clock,
        spawn: Spawn,
    ) -> None:
        self._state = state
        self._queue = queue
        self._connections = connections
        self._bus = bus
        self._clock = clock
        self._spawn = spawn
        # Bookkeeping is read-modify-write; the planner's background store and a fire must not interleave.
        self._bookkeeping = asyncio.Lock()

    def planned(self, company: str, at: datetime | None) -> None:
        """A company's next fire is known: announce it and store it (in the background)."""
        self._bus.publish(NextRunPlanned(company, at, self._clock()))
        self._spawn(self._store_next(company, at), f"next-fire-{company}")

    async def _store_next(self, company: str, at: datetime | None) -> None:
        async with self._bookkeeping:
            current = await self._state.schedule_state(company)
            await self._state.set_schedule_state(replace(current, next_fire=at))

    async def fire(self, fire: Fire, *, record: bool = True) -> asyncio.Task[Any] | None:
        """Run the fired company, or say why not; `record=False` for `--once` (no schedule fired).

        Returns the queued run's task, or None when no run was queued.
        """
        company = fire.company
        name = company.name
        now = self._clock()
        if record:
            async with self._bookkeeping:
                current = await self._state.schedule_state(name)
                await self._state.set_schedule_state(replace(current, last_fire=fire.slot, next_fire=fire.next_fire))
        if self._queue.stopping.is_set():
            return None
        if self._queue.busy(name):
            if record:
                async with self._bookkeeping:
                    await self._state.count_schedule_misses(name, skipped=1, missed=fire.missed)
            say("INFO", "log.fires.still_running", company=name)
            still = Phrase("log.fires.still_running_detail")
            self._bus.publish(RunSkipped(name, "still_running", now, "the previous run is still going", said=still))
            return None
        if not self._connections.usable(name):
            await self._connections.refresh((name,))
            _status, detail = self._connections.status(name)
            say("WARNING", "log.fires.connection_error", company=name, detail=detail_phrase(detail))
            said = Phrase("log.detail_error", {"error": detail_phrase(detail)})
            self._bus.publish(RunSkipped(name, "connection_error", now, detail, said=said))
            return None
        if fire.missed and record:
            async with self._bookkeeping:
                await self._state.count_schedule_misses(name, missed=fire.missed)
            say("INFO", "log.fires.coalesced", company=name, fires=Count(fire.missed, "n.fire"))
        request = RunRequest(
            company=company,
            options=scheduled_options(company.schedule.jobs),
            trigger="automatic",
            operator=company.schedule.operator,
            # Nobody is there to confirm: an interrupted run is resumed, as running again does.
            resume_interrupted=True,
        )
        return self._queue.submit_automatic(request, missed=fire.missed)
