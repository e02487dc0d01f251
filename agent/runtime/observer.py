"""A run's news (the sync engine's `RunObserver` calls) turned into the runtime's events.

It also keeps what a dashboard needs between events: the job each company's run is doing now,
with an ETA estimated from the job's pace so far.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

from agent.domain import Clock, JobName
from agent.runtime.api import JobView
from agent.runtime.bus import EventBus
from agent.runtime.events import ItemFailed, JobProgress, LeaseChanged, RunFinished, RunStarted, Totals
from agent.state.models import ItemOutcome, Run
from agent.sync.context import RunObserver


def run_totals(run: Run) -> tuple[Totals, tuple[tuple[JobName, Totals], ...]]:
    """A finished run's counts, whole and per job, as event values."""
    per_job = tuple(
        (job, Totals(t.ok, t.skipped, t.failed)) for job in run.options.jobs if (t := run.totals.get(job)) is not None
    )
    whole = Totals(
        sum(t.ok for t in run.totals.values()),
        sum(t.skipped for t in run.totals.values()),
        sum(t.failed for t in run.totals.values()),
    )
    return whole, per_job


def holder_name(host: str | None = None, pid: int | None = None) -> str:
    """A workstation as LeaseChanged names it: "host pid N"."""
    return f"{host or socket.gethostname()} pid {pid if pid is not None else os.getpid()}"


def eta(started: float, now: float, done: int, total: int) -> float | None:
    """Seconds left at the pace so far; None until something is done (or nothing is left to do)."""
    if done <= 0 or total <= done:
        return None if done <= 0 else 0.0
    return (now - started) / done * (total - done)


class EventObserver:
    """One run's observer: publishes RunStarted, JobProgress, ItemFailed, RunFinished and lease changes.

    `also` hears every call too, after the event is published (a console front end's own lines).
    """

    def __init__(
        self,
        bus: EventBus,
        clock: Clock,
        *,
        current: dict[str, JobView],
        taken_over: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        also: RunObserver | None = None,
    ) -> None:
        self._bus = bus
        self._also = also
        self._clock = clock
        self._current = current
        self._taken_over = taken_over
        self._monotonic = monotonic
        self._job_started: dict[JobName, float] = {}
        self.run: Run | None = None
        """The run once it started (the runtime marks it interrupted if its task is cancelled)."""

    def run_started(self, run: Run) -> None:
        self.run = run
        now = self._clock()
        self._bus.publish(LeaseChanged(run.company, holder_name(run.host, run.pid), run.id, now, self._taken_over))
        self._bus.publish(RunStarted(run.company, run.id, run.trigger, run.options.jobs, run.operator, now))
        if self._also is not None:
            self._also.run_started(run)

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        tick = self._monotonic()
        started = self._job_started.setdefault(job, tick)
        left = eta(started, tick, done, total)
        self._current[run.company] = JobView(run.id, job, done, total, left)
        self._bus.publish(JobProgress(run.company, run.id, job, done, total, left, self._clock()))
        if self._also is not None:
            self._also.job_progress(run, job, done, total)

    def item_failed(self, run: Run, outcome: ItemOutcome) -> None:
        self._bus.publish(
            ItemFailed(
                run.company,
                run.id,
                outcome.job,
                outcome.item,
                outcome.message,
                outcome.hint,
                self._clock(),
                outcome.phrase,
                outcome.hint_phrase,
            )
        )
        if self._also is not None:
            self._also.item_failed(run, outcome)

    def run_finished(self, run: Run) -> None:
        self._current.pop(run.company, None)
        result = "interrupted" if run.result == "running" else run.result
        totals, per_job = run_totals(run)
        now = self._clock()
        self._bus.publish(
            RunFinished(run.company, run.id, result, totals, now, per_job, run.error_summary, run.summary_phrase)
        )
        self._bus.publish(LeaseChanged(run.company, None, None, now))
        if self._also is not None:
            self._also.run_finished(run)
