"""A run: one company's jobs, in order, under its lease, with every outcome recorded.

    run = await execute_run(request, erp=erp, market=client, state=state, locks_dir=paths.locks_dir)

The lease is taken first (LeaseHeld / LeaseInterrupted come out before anything is recorded, so
the caller can ask the operator). Then the jobs run in the fixed order catalogue, orders, offers,
stock, prices. A failed item is recorded and the job goes on; a job that fails as a whole is
recorded as a failed item "job:NAME" and the next job runs, except when going on makes no sense:
the lease was lost, the account must be linked again, or a database is unusable. The run ends
Success (no failure), Partial (some items failed) or Failed (a job failed).

An interrupted run is resumed by running again: every step is idempotent (an order already
imported is recognised by its RO, an offer already sent by its content hash and offer link, a
bulk change sends absolute values), so what was done is recognised and not redone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from agent.config import CompanyConfig
from agent.domain import JobName
from agent.erp.port import ErpPort
from agent.errors import LeaseLost, MarketsyncError, Phrase, RelinkAccount, RunStopped, StorageError, TooManyEnds
from agent.logs import say, say_facts
from agent.marketplace.port import Marketplace
from agent.state.models import ItemOutcome, Run, RunOptions, RunResult, RunTrigger
from agent.state.store import StateDB
from agent.sync.context import EndsConsent, NullObserver, RunContext, RunObserver
from agent.sync.lease import CompanyLease, lock_path
from agent.texts.phrases import error_phrase, joined

Job = Callable[[RunContext], Awaitable[None]]

# Errors after which no further job of the run can do any good (or should be tried: a run that
# would end too many offers is probably looking at the wrong database).
_FATAL = (LeaseLost, RelinkAccount, StorageError, TooManyEnds)


@dataclass(frozen=True, slots=True)
class RunRequest:
    """Who asks for which run of which company, and what they agreed to take over."""

    company: CompanyConfig
    options: RunOptions
    trigger: RunTrigger = "manual"
    operator: str = "ADMIN"
    take_over: bool = False
    """Take the lease from a live run (it is fenced out and stops at its next write)."""
    resume_interrupted: bool = False
    """Go on although the last run died holding the lease."""
    max_end_percent: int = 20
    """`[agent] max_end_percent`: the share of active offers a run may end without asking."""
    confirm_ends: EndsConsent | None = None
    """Asked before the run ends more offers than `[agent] max_end_percent` allows; None refuses."""


def default_jobs() -> Mapping[JobName, Job]:
    """The jobs a run knows, by name (imported here so the run module stays light)."""
    from agent.sync.jobs import JOBS

    return JOBS


async def execute_run(
    request: RunRequest,
    *,
    erp: ErpPort,
    market: Marketplace,
    state: StateDB,
    locks_dir: Path,
    observer: RunObserver | None = None,
    jobs: Mapping[JobName, Job] | None = None,
    heartbeat_every: float = 5.0,
    stopping: asyncio.Event | None = None,
) -> Run:
    """Run the requested jobs of one company and return the finished run record.

    Raises LeaseHeld or LeaseInterrupted (with `.status`) when the lease is not free and the
    request did not agree to take it; nothing is recorded then. Everything else ends up in the
    run's result and outcomes. Once `stopping` is set the run stops at its next checkpoint and
    ends `interrupted` (the next run resumes it).
    """
    watcher = observer or NullObserver()
    known = jobs if jobs is not None else default_jobs()
    company = request.company
    lease = CompanyLease(
        erp,
        lock_path(locks_dir, company.name),
        kind=request.trigger,
        operator=request.operator,
        heartbeat_every=heartbeat_every,
    )
    before = await lease.acquire(take_over=request.take_over, resume_interrupted=request.resume_interrupted)
    try:
        # Holding the lease, any run of this company still marked running has died.
        stale = [r.id for r in await state.running_runs(company.name)]
        if stale:
            await state.mark_interrupted(stale)
        run = await state.start_run(
            company.name, trigger=request.trigger, operator=request.operator, options=request.options
        )
        started: dict[str, object] = {
            "id": run.id, "trigger": Phrase(f"log.trigger.{request.trigger}"), "operator": request.operator,
            "jobs": job_list(request.options.jobs),
        }
        if before.state != "free":
            say_facts("INFO", "log.run.started_over", {**started, "before": before.phrase()}, company=company.name)
        else:
            say_facts("INFO", "log.run.started", started, company=company.name)
        watcher.run_started(run)
        ctx = RunContext(
            run=run,
            company=company,
            options=request.options,
            erp=erp,
            market=market,
            state=state,
            lease=lease,
            observer=watcher,
            stopping=stopping,
            confirm_ends=request.confirm_ends,
            max_end_percent=request.max_end_percent,
        )
        result, said = await _run_jobs(ctx, known)
        parts = [*said, *ctx.notes]
        await ctx.flush()
        finished = await state.finish_run(run.id, result, summary_phrase=joined(parts, "; ") if parts else None)
        worded = Phrase(f"log.result.{result}")
        if said:
            errors = joined(said, "; ")
            say("INFO", "log.run.finished_errors", company=company.name, id=run.id, result=worded, errors=errors)
        else:
            say("INFO", "log.run.finished", company=company.name, id=run.id, result=worded)
        watcher.run_finished(finished)
        return finished
    finally:
        await lease.release()


def job_list(jobs: Sequence[JobName]) -> Phrase:
    """The jobs' names as one phrase ("orders, offers"), worded in the reader's language."""
    return joined([Phrase(f"job.{job}") for job in jobs], ", ") if jobs else Phrase("log.no_jobs")


async def _run_jobs(ctx: RunContext, known: Mapping[JobName, Job]) -> tuple[RunResult, list[Phrase | str]]:
    """Run the jobs in order; the run's result and what its summary says (facts, or an error's words)."""
    job_failed = False
    errors: list[Phrase | str] = []
    for name in ctx.options.jobs:
        job = known.get(name)
        if job is None:
            continue
        company = ctx.company_name
        job_name = Phrase(f"job.{name}")
        try:
            ctx.check_stop()
            await job(ctx)
        except RunStopped as exc:
            say("WARNING", "log.run.job_stopped", company=company, job=job_name, error=exc)
            errors.append(error_phrase(exc, company) or str(exc))
            return "interrupted", errors
        except _FATAL as exc:
            say("ERROR", "log.run.job_stopped_run", company=company, job=job_name, error=exc)
            await ctx.record(ctx.outcome_of(name, f"job:{name}", exc))
            errors.append(_job_said(ctx, name, exc))
            if isinstance(exc, RelinkAccount):
                await ctx.state.set_connection(ctx.company_name, "connection_error", exc.message)
            return "failed", errors
        except MarketsyncError as exc:
            say("ERROR", "log.run.job_failed", company=company, job=job_name, error=exc)
            await ctx.record(ctx.outcome_of(name, f"job:{name}", exc))
            errors.append(_job_said(ctx, name, exc))
            job_failed = True
        except Exception as exc:  # a bug must not leave the lease held or the run unrecorded
            say("ERROR", "log.run.job_bug", company=company, exception=True, job=job_name)
            await ctx.record(ItemOutcome.from_error(name, f"job:{name}", exc))
            bug = Phrase("outcome.internal_error", {"error": type(exc).__name__, "said": str(exc)})
            errors.append(_in_job(name, bug))
            return "failed", errors
        finally:
            await ctx.flush()
    if job_failed:
        return "failed", errors
    if any(ctx.tally(name).failed for name in ctx.options.jobs):
        return "partial", []
    return "success", []


def _job_said(ctx: RunContext, name: JobName, error: MarketsyncError) -> Phrase:
    """What the summary says of a job that failed: its facts when the job or the error kept them,
    else the error's words."""
    kept = ctx.explained(error)
    if kept is not None:
        return _in_job(name, kept[0])
    return _in_job(name, error_phrase(error, ctx.company_name) or str(error))


def _in_job(name: JobName, said: Phrase | str) -> Phrase:
    return Phrase("outcome.job_said", {"job": Phrase(f"job.{name}"), "said": said})
