"""Coalescing progress writes: a job may report progress many times a second, the file gets at most
one write per run every `interval_s` seconds, plus the last value of each job (done == total),
plus the first report of a job. Pure: no I/O, the clock is injected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from agent.domain import JobName


@dataclass(frozen=True, slots=True)
class ProgressReport:
    run_id: int
    job: JobName
    done: int
    total: int


class ProgressThrottle:
    """Decides which progress reports are stored; keeps the latest unstored one of each run."""

    def __init__(self, interval_s: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval_s = interval_s
        self._clock = clock
        self._last_write: dict[int, tuple[float, JobName]] = {}
        self._pending: dict[int, ProgressReport] = {}

    def offer(self, report: ProgressReport) -> tuple[ProgressReport, ...]:
        """The reports to store now: none (held back as the run's pending one), or `report`, preceded
        by the held-back report of the run's previous job when the job changed (so no job's last
        value is lost)."""
        now = self._clock()
        last = self._last_write.get(report.run_id)
        job_changed = last is not None and last[1] != report.job
        due = last is None or job_changed or report.done >= report.total or now - last[0] >= self._interval_s
        if not due:
            self._pending[report.run_id] = report
            return ()
        self._last_write[report.run_id] = (now, report.job)
        held = self._pending.pop(report.run_id, None)
        if held is not None and held.job != report.job:
            return (held, report)
        return (report,)

    def take_pending(self, run_id: int) -> ProgressReport | None:
        """The run's latest report that was held back, if any (and forget it)."""
        return self._pending.pop(run_id, None)

    def forget(self, run_id: int) -> None:
        """Drop what is known of a finished run."""
        self._last_write.pop(run_id, None)
        self._pending.pop(run_id, None)
