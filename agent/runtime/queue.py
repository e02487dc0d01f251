"""Where runs wait and go: automatic runs in parallel up to a bound, manual runs one at a time.

* Automatic runs (the scheduler's) of different companies run side by side, at most
  `max_parallel` at once (a semaphore); the rest wait their turn in the order they came.
* Manual runs (an operator's) wait in one queue and run strictly one after another, in order.
* Every run takes the company lease inside `execute` (the sync engine's `execute_run`), so an
  automatic run, a manual one and any other process never overlap on a company; a run that finds
  the lease held is reported as skipped (`RunSkipped`, reason `lease_held`) rather than stacked.
* `stopping` is the shutdown flag handed to every run: once set, jobs stop at their next
  checkpoint, queued runs are dropped, and `close()` waits a grace period before cancelling.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from agent.domain import Clock
from agent.errors import Count, LeaseHeld, MarketsyncError, Phrase, RelinkAccount
from agent.logs import say
from agent.runtime.api import JobView
from agent.runtime.bus import EventBus
from agent.runtime.events import RunQueued, RunSkipped
from agent.runtime.observer import EventObserver
from agent.state.models import Run
from agent.sync.context import RunObserver
from agent.sync.run import RunRequest

KEPT = 10_000
"""How many ended runs (and runs that never started) the queue keeps for its callers: a service that
runs for months drops the oldest instead of growing without end."""


def _keep_last(items: list[Any]) -> None:
    if len(items) > KEPT:
        del items[: len(items) - KEPT]


class Executor(Protocol):
    """Runs one request to its end (the runtime's wrapper around `execute_run`).

    Raises LeaseHeld/LeaseInterrupted before anything is recorded, RelinkAccount when the
    account must be linked again, other MarketsyncErrors when the company cannot be opened.
    """

    async def __call__(self, request: RunRequest, observer: EventObserver, stopping: asyncio.Event) -> Run: ...


@dataclass(frozen=True, slots=True)
class ManualRun:
    """A queued manual run; `wait_for_lease` waits for a live run to end first (the "run after it" choice);
    `observer` hears the run's news besides the bus (a console front end's own progress lines)."""

    request: RunRequest
    wait_for_lease: Callable[[], Awaitable[None]] | None = None
    observer: RunObserver | None = None


@dataclass(frozen=True, slots=True)
class NotStarted:
    """A run that never started, and why (LeaseHeld: someone took the company between look and take)."""

    request: RunRequest
    error: MarketsyncError


def _said(error: MarketsyncError) -> Phrase:
    """An error as an event's detail: worded (message and hint) by the front end that shows it."""
    return Phrase("log.detail_error", {"error": error})


class RunQueue:
    """Automatic runs under a semaphore, manual runs in a one-at-a-time queue."""

    def __init__(
        self,
        execute: Executor,
        *,
        max_parallel: int,
        bus: EventBus,
        clock: Clock,
        current: dict[str, JobView],
    ) -> None:
        self._execute = execute
        self._semaphore = asyncio.Semaphore(max(1, max_parallel))
        self._bus = bus
        self._clock = clock
        self._current = current
        self._busy: dict[str, int] = {}
        self._tasks: set[asyncio.Task[Run | None]] = set()
        self._manual: deque[ManualRun] = deque()
        self._manual_ready = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self.stopping = asyncio.Event()
        self.finished: list[Run] = []
        """The runs this queue saw end (the last KEPT), in the order they ended (for `--once`, `sync`, tests)."""
        self.not_started: list[NotStarted] = []
        """The runs this queue could not start (the last KEPT), with the error that stopped each (`sync`, tests)."""

    # --- what is going on -------------------------------------------------------------------

    def busy(self, company: str) -> bool:
        """True while a run of the company waits for a slot or runs in this process."""
        return self._busy.get(company, 0) > 0

    @property
    def active(self) -> int:
        """Runs waiting for a slot or running (automatic and the current manual one)."""
        return len(self._tasks)

    # --- automatic runs ---------------------------------------------------------------------

    def submit_automatic(self, request: RunRequest, *, missed: int = 0) -> asyncio.Task[Run | None]:
        """Start an automatic run as soon as a parallel slot is free; returns its task."""
        name = request.company.name
        self._bus.publish(RunQueued(name, 0, "automatic", request.options.jobs, self._clock(), missed=missed))
        return self._spawn(self._automatic(request), name)

    async def _automatic(self, request: RunRequest) -> Run | None:
        async with self._semaphore:
            if self.stopping.is_set():
                return None
            return await self._run_one(request)

    # --- manual runs ------------------------------------------------------------------------

    def enqueue_manual(self, item: ManualRun) -> int:
        """Queue a manual run behind the others; returns its place (0: runs next)."""
        if self.stopping.is_set():
            raise RuntimeError("the runtime is stopping; no run can be queued")
        self._manual.append(item)
        position = len(self._manual) - 1
        request = item.request
        self._bus.publish(
            RunQueued(request.company.name, 0, "manual", request.options.jobs, self._clock(), position=position)
        )
        self._manual_ready.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._manual_worker(), name="manual-runs")
        return position

    def cancel_queued(self, company: str) -> bool:
        """Drop the first queued (not started) manual run of `company`; False if none waits."""
        for item in self._manual:
            if item.request.company.name == company:
                self._manual.remove(item)
                say("INFO", "log.queue.cancelled", company=company)
                return True
        return False

    async def _manual_worker(self) -> None:
        while not self.stopping.is_set():
            if not self._manual:
                self._manual_ready.clear()
                await self._manual_ready.wait()
                continue
            item = self._manual.popleft()
            name = item.request.company.name
            self._busy[name] = self._busy.get(name, 0) + 1
            try:
                if item.wait_for_lease is not None:
                    await item.wait_for_lease()
                if self.stopping.is_set():
                    break
                task = self._spawn(self._run_one(item.request, item.observer), name, counted=False)
                await asyncio.gather(task, return_exceptions=True)
            finally:
                self._release(name)

    # --- running one ------------------------------------------------------------------------

    def _spawn(self, body: Awaitable[Run | None], company: str, *, counted: bool = True) -> asyncio.Task[Run | None]:
        if counted:
            self._busy[company] = self._busy.get(company, 0) + 1
        task: asyncio.Task[Run | None] = asyncio.ensure_future(body)
        self._tasks.add(task)

        def done(finished: asyncio.Task[Run | None]) -> None:
            self._tasks.discard(finished)
            if counted:
                self._release(company)

        task.add_done_callback(done)
        return task

    def _release(self, company: str) -> None:
        left = self._busy.get(company, 0) - 1
        if left > 0:
            self._busy[company] = left
        else:
            self._busy.pop(company, None)

    async def _run_one(self, request: RunRequest, also: RunObserver | None = None) -> Run | None:
        name = request.company.name
        trigger = Phrase(f"log.trigger.{request.trigger}")
        observer = EventObserver(self._bus, self._clock, current=self._current, taken_over=request.take_over, also=also)
        try:
            run = await self._execute(request, observer, self.stopping)
        except LeaseHeld as exc:
            say("INFO", "log.queue.not_started", company=name, trigger=trigger, error=exc)
            self._bus.publish(RunSkipped(name, "lease_held", self._clock(), str(exc), said=_said(exc)))
            self.not_started.append(NotStarted(request, exc))
            _keep_last(self.not_started)
            return None
        except RelinkAccount as exc:
            say("WARNING", "log.queue.not_started", company=name, trigger=trigger, error=exc)
            self._bus.publish(RunSkipped(name, "connection_error", self._clock(), str(exc), said=_said(exc)))
            self.not_started.append(NotStarted(request, exc))
            _keep_last(self.not_started)
            return None
        except MarketsyncError as exc:
            say("ERROR", "log.queue.could_not_start", company=name, trigger=trigger, error=exc)
            self.not_started.append(NotStarted(request, exc))
            _keep_last(self.not_started)
            return None
        except Exception:  # a bug in one run must not take the queue down
            say("ERROR", "log.queue.bug", company=name, exception=True, trigger=trigger)
            return None
        finally:
            self._current.pop(name, None)
        self.finished.append(run)
        _keep_last(self.finished)
        return run

    # --- ending -----------------------------------------------------------------------------

    async def wait_idle(self) -> None:
        """Until no run waits or runs (manual queue included)."""
        while self._tasks or self._manual or (self._worker is not None and self._busy):
            pending = set(self._tasks)
            if pending:
                await asyncio.wait(pending)
            else:
                await asyncio.sleep(0.05)

    async def close(self, grace: float) -> None:
        """Stop: no new runs, running jobs stop at their next checkpoint; after `grace` seconds cancel what is left."""
        self.stopping.set()
        dropped = len(self._manual)
        self._manual.clear()
        self._manual_ready.set()
        if dropped:
            say("INFO", "log.queue.dropped", runs=Count(dropped, "n.run"))
        pending = set(self._tasks)
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                say("WARNING", "log.queue.late", runs=Count(len(late), "n.run"), grace=grace)
                await asyncio.wait(late, timeout=2.0)
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
