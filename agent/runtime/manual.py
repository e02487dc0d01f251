"""Preparing an operator's manual run: the checks `request_run` makes before queueing, and the
"run after it" wait.

The checks answer at once (the operator is looking at the confirmation): MissingDatabase when the
company's ERP is not there (first: nothing else matters then), RelinkAccount when the account is
broken, LeaseHeld when a live run holds the company, LeaseInterrupted when the last run died; the
choices made in the confirmation (`take_over`, `resume_interrupted`, `after_current`) turn them off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from agent.config import CompanyConfig
from agent.errors import LeaseHeld, LeaseInterrupted, Phrase, RelinkAccount
from agent.runtime.adapters import Adapters
from agent.runtime.connections import ConnectionMirror
from agent.runtime.queue import ManualRun
from agent.state.models import RunOptions
from agent.sync.context import EndsConsent, RunObserver
from agent.sync.run import RunRequest
from agent.texts.phrases import detail_phrase


async def prepare_manual_run(
    company: CompanyConfig,
    options: RunOptions,
    *,
    adapters: Adapters,
    connections: ConnectionMirror,
    locks_dir: Path,
    stopping: asyncio.Event,
    operator: str,
    take_over: bool,
    resume_interrupted: bool,
    after_current: bool,
    confirm_ends: EndsConsent | None = None,
    observer: RunObserver | None = None,
) -> ManualRun:
    """The queue entry for a manual run, or the exception the operator must answer first.

    `observer` hears the run's news too (besides the bus), as the sync engine tells it."""
    from agent.sync.lease import lease_status, lock_path

    adapters.require_erp(company)
    if not connections.usable(company.name):
        _status, detail = connections.status(company.name)
        raise RelinkAccount(
            f"{company.name}: the account cannot be used ({detail})",
            phrase=Phrase("err.account_unusable", {"company": company.name, "detail": detail_phrase(detail)}),
        )
    wait: Callable[[], Awaitable[None]] | None = None
    if not take_over:
        async with adapters.erp(company) as erp:
            status = await lease_status(erp, lock_path(locks_dir, company.name))
        if status.state == "running" and not after_current:
            raise LeaseHeld(
                f"another run holds this company: {status.describe()}", status=status,
                phrase=Phrase("err.lease_held", {"lease": status.phrase()}),
            )
        if status.state == "interrupted" and not (resume_interrupted or after_current):
            raise LeaseInterrupted(
                f"the last run of this company was interrupted: {status.describe()}", status=status,
                phrase=Phrase("err.lease_interrupted", {"lease": status.phrase()}),
            )
        if after_current:
            wait = lease_waiter(company, adapters, locks_dir, stopping)
    request = RunRequest(
        company=company,
        options=options,
        trigger="manual",
        operator=operator,
        take_over=take_over,
        # After a live run ends, what it left is ours to go on with; a take-over resumes by definition.
        resume_interrupted=resume_interrupted or after_current or take_over,
        confirm_ends=confirm_ends,
    )
    return ManualRun(request, wait, observer)


def lease_waiter(
    company: CompanyConfig, adapters: Adapters, locks_dir: Path, stopping: asyncio.Event
) -> Callable[[], Awaitable[None]]:
    """A wait until no live run holds the company (or the runtime stops)."""

    async def wait() -> None:
        from agent.sync.lease import lease_status, lock_path

        async with adapters.erp(company) as erp:
            lock = lock_path(locks_dir, company.name)
            # The live run may be another process's: nothing signals us, so poll its lock.
            while not stopping.is_set() and (await lease_status(erp, lock)).state == "running":  # noqa: ASYNC110
                await asyncio.sleep(0.5)

    return wait
