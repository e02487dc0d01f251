"""Watching runs of other processes through the state database.

A TUI that does not hold the scheduler (a service does), or any runtime while `marketsync sync`
runs elsewhere, learns of those runs only from the state database. `RunWatcher.poll()` (called
about once a second) compares the running runs and their stored progress with what it saw last
and publishes the same events a run in this process would: RunStarted, JobProgress, RunFinished
and the lease changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from agent.domain import Clock, JobName
from agent.runtime.api import JobView
from agent.runtime.bus import EventBus
from agent.runtime.events import JobProgress, LeaseChanged, RunFinished, RunStarted
from agent.runtime.observer import holder_name, run_totals
from agent.state.models import Run
from agent.state.store import StateDB
from agent.sync.lease import as_seen_now


class RunWatcher:
    """Turns another process's rows into events; ignores runs of this process (its observer reports them)."""

    def __init__(
        self,
        state: StateDB,
        bus: EventBus,
        clock: Clock,
        *,
        current: dict[str, JobView],
        own: tuple[str, int],
        locks_dir: Path,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._state = state
        self._bus = bus
        self._clock = clock
        self._current = current
        self._own = own
        self._locks_dir = locks_dir
        self._monotonic = monotonic
        self._seen: dict[int, Run] = {}
        self._progress: dict[tuple[int, str], tuple[int, int]] = {}
        self._first: dict[tuple[int, str], tuple[float, int]] = {}

    @property
    def watching(self) -> tuple[int, ...]:
        """Ids of the other processes' runs seen running."""
        return tuple(self._seen)

    async def poll(self) -> None:
        """Read the running runs and their progress once; publish what changed."""
        others = [run for run in await self._state.running_runs() if (run.host, run.pid) != self._own]
        # A row still `running` whose company lock is free belongs to a process that died (SIGKILL):
        # it is left out here, so it ends as interrupted instead of showing as running for ever.
        seen_now = await as_seen_now(others, self._locks_dir, grace=0)
        running = {run.id: run for run in seen_now if run.result == "running"}
        now = self._clock()
        for run_id, run in running.items():
            if run_id not in self._seen:
                self._seen[run_id] = run
                self._bus.publish(LeaseChanged(run.company, holder_name(run.host, run.pid), run.id, now))
                self._bus.publish(RunStarted(run.company, run.id, run.trigger, run.options.jobs, run.operator, now))
        if running:
            progress = await self._state.running_progress()
            for run_id, run in running.items():
                for report in progress.get(run_id, []):
                    self._job_progress(run, report.job, report.done, report.total)
        for run_id in [rid for rid in self._seen if rid not in running]:
            self._finished(self._seen.pop(run_id), await self._state.get_run(run_id))

    def _job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        key = (run.id, job)
        if self._progress.get(key) == (done, total):
            return
        self._progress[key] = (done, total)
        tick = self._monotonic()
        first_tick, first_done = self._first.setdefault(key, (tick, done))
        left: float | None = None
        if done > first_done and total > done:
            left = (tick - first_tick) / (done - first_done) * (total - done)
        view = JobView(run.id, job, done, total, left)
        self._current[run.company] = view
        self._bus.publish(JobProgress(run.company, run.id, view.job, done, total, left, self._clock()))

    def _finished(self, seen: Run, run: Run | None) -> None:
        for key in [k for k in self._progress if k[0] == seen.id]:
            self._progress.pop(key, None)
            self._first.pop(key, None)
        current = self._current.get(seen.company)
        if current is not None and current.run_id == seen.id:
            self._current.pop(seen.company, None)
        now = self._clock()
        if run is None:  # pruned meanwhile: say it ended, without counts
            self._bus.publish(RunFinished(seen.company, seen.id, "interrupted", run_totals(seen)[0], now))
        else:
            totals, per_job = run_totals(run)
            result = "interrupted" if run.result == "running" else run.result
            finished = RunFinished(
                run.company, run.id, result, totals, now, per_job, run.error_summary, run.summary_phrase
            )
            self._bus.publish(finished)
        self._bus.publish(LeaseChanged(seen.company, None, None, now))
