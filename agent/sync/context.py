"""What a job gets from its run: the company, the two sides, the state database, the lease, and
the means to report per-item outcomes and progress.

Jobs never write anywhere without the run's fence: ERP writes pass `ctx.fence`, and every
marketplace write is preceded by `await ctx.before_market_write()`, which stops the job with
`LeaseLost` once another run took the company over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

from agent.config import CompanyConfig
from agent.domain import JobName
from agent.erp.port import ErpPort
from agent.errors import Phrase, RunStopped
from agent.marketplace.port import Marketplace
from agent.state.models import ItemOutcome, JobTotals, Run, RunOptions, counted
from agent.state.store import StateDB
from agent.sync.crash import crash_point
from agent.sync.lease import CompanyLease

E = TypeVar("E", bound=BaseException)

OUTCOME_BATCH = 500

EndsConsent = Callable[[int, int, int], Awaitable[bool]]
"""Asked before a run ends more offers than allowed: (ending, active, max percent) -> go ahead?"""


class RunObserver(Protocol):
    """Receives a run's news as it happens (the runtime turns them into events). Must not block."""

    def run_started(self, run: Run) -> None: ...

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None: ...

    def item_failed(self, run: Run, outcome: ItemOutcome) -> None: ...

    def run_finished(self, run: Run) -> None: ...


class NullObserver:
    """An observer that ignores everything."""

    def run_started(self, run: Run) -> None:
        pass

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        pass

    def item_failed(self, run: Run, outcome: ItemOutcome) -> None:
        pass

    def run_finished(self, run: Run) -> None:
        pass


@dataclass(slots=True)
class _Tally:
    ok: int = 0
    skipped: int = 0
    failed: int = 0

    def totals(self) -> JobTotals:
        return JobTotals(ok=self.ok, skipped=self.skipped, failed=self.failed)


@dataclass(slots=True)
class RunContext:
    """One run's working set, handed to each job in turn."""

    run: Run
    company: CompanyConfig
    options: RunOptions
    erp: ErpPort
    market: Marketplace
    state: StateDB
    lease: CompanyLease
    observer: RunObserver = field(default_factory=NullObserver)
    stopping: asyncio.Event | None = None
    """Set by the runtime when the process shuts down: the job stops at its next checkpoint."""
    max_end_percent: int = 20
    """The share of the active offers this run may end without asking (`[agent] max_end_percent`)."""
    confirm_ends: EndsConsent | None = None
    """Who to ask before ending more offers than `max_end_percent` allows; None: nobody, refuse."""
    notes: list[Phrase] = field(default_factory=list)
    """What the run's record should say besides its outcomes (such as an agreement to end offers)."""
    carried: dict[str, object] = field(default_factory=dict)
    """What a job read for a later job of this run (the stock job reads the prices job's changes in
    the same pass); it goes with the run, so a later run reads afresh."""
    _explained: list[tuple[BaseException, Phrase, Phrase | None]] = field(default_factory=list)
    _pending: list[ItemOutcome] = field(default_factory=list)
    _tallies: dict[str, _Tally] = field(default_factory=dict)

    @property
    def fence(self) -> int:
        """The fencing token every ERP write of this run carries."""
        return self.lease.token

    @property
    def company_name(self) -> str:
        return self.company.name

    async def before_market_write(self, point: str | None = None) -> None:
        """Check the lease is still ours (LeaseLost otherwise) and that the process is not stopping
        (RunStopped); `point` names a crash point."""
        self.check_stop()
        await self.lease.check()
        if point is not None:
            crash_point(point)

    def check_stop(self) -> None:
        """RunStopped once the process asked runs to stop (a checkpoint: nothing is half written here)."""
        if self.stopping is not None and self.stopping.is_set():
            raise RunStopped(
                "the agent is stopping; this run stopped between items", phrase=Phrase("err.run_stopped")
            )

    def tally(self, job: JobName) -> JobTotals:
        return self._tallies.setdefault(job, _Tally()).totals()

    async def record(self, outcome: ItemOutcome) -> None:
        """Remember one item's outcome; written to the state database in batches."""
        tally = self._tallies.setdefault(outcome.job, _Tally())
        if outcome.outcome == "ok":
            tally.ok += counted(outcome.item, outcome.outcome)
        elif outcome.outcome == "skipped":
            tally.skipped += 1
        else:
            tally.failed += 1
            self.observer.item_failed(self.run, outcome)
        self._pending.append(outcome)
        if len(self._pending) >= OUTCOME_BATCH:
            await self.flush()

    async def record_all(self, outcomes: Sequence[ItemOutcome]) -> None:
        for outcome in outcomes:
            await self.record(outcome)

    async def ok(self, job: JobName, item: str, said: Phrase) -> None:
        await self.record(ItemOutcome.said(job, item, "ok", said))

    async def skipped(self, job: JobName, item: str, said: Phrase, hint: Phrase | None = None) -> None:
        await self.record(ItemOutcome.said(job, item, "skipped", said, hint=hint))

    async def failed(self, job: JobName, item: str, error: Exception) -> None:
        await self.record(ItemOutcome.from_error(job, item, error))

    def explain(self, error: E, said: Phrase, hint: Phrase | None = None) -> E:
        """Keep what an error the job raises says (and its hint) as facts, for the run's record; returns `error`.

        Its message and hint are then English worded from the same facts (`word("en", ...)`).
        """
        self._explained.append((error, said, hint))
        return error

    def explained(self, error: BaseException) -> tuple[Phrase, Phrase | None] | None:
        """What `explain` kept for this very error (what it says, its hint), or None."""
        return next(((said, hint) for kept, said, hint in self._explained if kept is error), None)

    def outcome_of(self, job: JobName, item: str, error: Exception) -> ItemOutcome:
        """The failed outcome of an item that raised `error`, with the facts `explain` kept for it."""
        outcome = ItemOutcome.from_error(job, item, error)
        kept = self.explained(error)
        if kept is None:
            return outcome
        said, hint = kept
        outcome = replace(outcome, phrase=said)
        return outcome if hint is None else replace(outcome, hint_phrase=hint)

    async def flush(self) -> None:
        """Write the outcomes held back so far."""
        if self._pending:
            batch, self._pending = self._pending, []
            await self.state.record_outcomes(self.run.id, batch)

    async def progress(self, job: JobName, done: int, total: int) -> None:
        """Publish how far `job` has got (stored for other processes at most twice a second)."""
        await self.state.report_progress(self.run.id, job, done, total)
        self.observer.job_progress(self.run, job, done, total)
        # Progress is reported between items, so it is also where a stopping process stops the job.
        self.check_stop()
