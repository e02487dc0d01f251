"""A company's sync lease: one run at a time per company, across processes and workstations.

Two parts work together:
- an OS file lock (`flock`) on `locks/company-NAME.lock`, held for the whole run. The kernel drops
  it when the process dies, even on SIGKILL, so "is the holder alive?" has a true answer;
- the lease row in the company database: who holds it (host, pid, automatic or manual, operator,
  since, last heartbeat) and a fencing token. Taking the lease raises the token; every write of a
  run carries its token (checked inside each ERP transaction, and read again just before each
  marketplace write), so a run that was taken over stops at its next write.

States a caller sees: free; running (a live process holds the file lock); interrupted (the row
names a holder but nobody holds the file lock: that run died). Taking over a running or
interrupted lease is always explicit (`take_over=True` / `resume_interrupted=True`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from agent.erp.port import ErpPort, LeaseHolder, RunKind
from agent.errors import At, LeaseHeld, LeaseInterrupted, LeaseLost, Phrase
from agent.file_lock import FileLock
from agent.logs import say
from agent.paths import company_file_name
from agent.state.models import Run
from agent.sync.crash import crash_point
from agent.texts.phrases import word

LeaseState = Literal["free", "running", "interrupted"]
LOCK_GRACE = 0.3
"""Seconds a busy file lock is tried again before it counts as a live run: another process's look
at the lease (a status probe, or a start that finds the last run interrupted and refuses) holds it
for a few milliseconds, and must not read as "running elsewhere"."""


@dataclass(frozen=True, slots=True)
class LeaseStatus:
    """What a caller needs to decide: the state, who holds (or held) it, and the current token."""

    state: LeaseState
    holder: LeaseHolder | None
    token: int

    def describe(self, language: str = "en", zone: str = "UTC") -> str:
        """One line for an operator, in the seed's terms (workstation, automatic or manual, operator).

        In `language`, its times in `zone` with the offset written; the defaults suit a log line.
        """
        return word(language, self.phrase(), zone)

    def phrase(self) -> Phrase:
        """`describe` kept as facts, for a line worded in the reader's language and zone."""
        if self.holder is None:
            return Phrase("lease.free")
        h = self.holder
        who = Phrase("lease.who", {
            "kind": Phrase(f"lease.kind.{'automatic' if h.kind == 'automatic' else 'manual'}"),
            "operator": h.operator,
            "host": h.host,
            "pid": h.pid,
        })
        since = Phrase("lease.since", {"started": At(h.started_at), "beat": At(h.heartbeat_at, clock=True)})
        return Phrase("lease.running" if self.state == "running" else "lease.interrupted", {"who": who, "since": since})


def lock_path(locks_dir: Path, company: str) -> Path:
    """The lock file of a company."""
    return locks_dir / f"company-{company_file_name(company)}.lock"


async def holder_alive(lock_file: Path, grace: float = LOCK_GRACE) -> bool:
    """Whether a live process holds the company's file lock now (a probe, released at once).

    `grace`: how long a busy lock is tried again; 0 for a poller that asks again soon anyway (a
    brief probe by another process then reads as alive until the next poll, never as dead)."""
    probe = FileLock(lock_file)
    alive = not await probe.acquire_within(grace)
    probe.release()
    return alive


async def as_seen_now(runs: Sequence[Run], locks_dir: Path, grace: float = LOCK_GRACE) -> list[Run]:
    """`runs` with each one still recorded `running` whose company nobody holds shown as `interrupted`.

    A run's row is written after its process took the company's file lock and finished before it
    lets go, so a `running` row with a free lock belongs to a process that died (SIGKILL, power
    loss) without saying so. Read-only views use this; the next run of the company writes it.
    """
    alive: dict[str, bool] = {}
    seen: list[Run] = []
    for run in runs:
        if run.result == "running" and run.company not in alive:
            alive[run.company] = await holder_alive(lock_path(locks_dir, run.company), grace)
        dead = run.result == "running" and not alive[run.company]
        seen.append(replace(run, result="interrupted") if dead else run)
    return seen


async def lease_status(erp: ErpPort, lock_file: Path) -> LeaseStatus:
    """The lease's state now, without taking it (a probe of the file lock, released at once)."""
    alive = await holder_alive(lock_file)
    lease = await erp.read_lease()
    if lease.holder is None:
        return LeaseStatus("running" if alive else "free", None, lease.fencing_token)
    return LeaseStatus("running" if alive else "interrupted", lease.holder, lease.fencing_token)


class CompanyLease:
    """The lease of one company for one run: acquire, heartbeat, check before writes, release.

    Use `async with` after `acquire`, or call `release()` in a `finally`.
    """

    def __init__(
        self,
        erp: ErpPort,
        lock_file: Path,
        *,
        kind: RunKind,
        operator: str,
        heartbeat_every: float = 5.0,
        takeover_wait: float = 10.0,
    ) -> None:
        self._erp = erp
        self._lock = FileLock(lock_file)
        self._kind: RunKind = kind
        self._operator = operator
        self._heartbeat_every = heartbeat_every
        self._takeover_wait = takeover_wait
        self._token: int | None = None
        self._lost = False
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.previous: LeaseStatus | None = None
        """What the lease was before this run took it (free, or the holder it took over from)."""

    @property
    def token(self) -> int:
        """The fencing token every write of this run carries."""
        if self._token is None:
            raise LeaseLost("the lease is not held", phrase=Phrase("err.lease_not_held"))
        return self._token

    async def acquire(self, *, take_over: bool = False, resume_interrupted: bool = False) -> LeaseStatus:
        """Take the lease; returns what it was before.

        Raises LeaseHeld (status attached) when a live run holds it and `take_over` is False, and
        LeaseInterrupted when the last run died holding it and neither flag is set. With
        `take_over`, the token is raised first, so the old holder stops at its next write, and
        then the file lock is awaited up to `takeover_wait` seconds.
        """
        got_lock = await self._lock.acquire_within(0.0 if take_over else LOCK_GRACE)
        lease = await self._erp.read_lease()
        if got_lock:
            before = LeaseStatus("interrupted" if lease.holder else "free", lease.holder, lease.fencing_token)
            if before.state == "interrupted" and not (resume_interrupted or take_over):
                self._lock.release()
                raise LeaseInterrupted(
                    f"the last run of this company was interrupted: {before.describe()}", status=before,
                    phrase=Phrase("err.lease_interrupted", {"lease": before.phrase()}),
                )
        else:
            before = LeaseStatus("running", lease.holder, lease.fencing_token)
            if not take_over:
                raise LeaseHeld(
                    f"another run holds this company: {before.describe()}", status=before,
                    phrase=Phrase("err.lease_held", {"lease": before.phrase()}),
                )
        now = datetime.now(UTC)
        holder = LeaseHolder(
            host=socket.gethostname(),
            pid=os.getpid(),
            kind=self._kind,
            operator=self._operator,
            started_at=now,
            heartbeat_at=now,
        )
        crash_point("lease.before_take")
        try:
            self._token = await self._erp.take_lease(holder, expected_token=lease.fencing_token)
        except LeaseLost:
            # Someone took it between our read and our write: they won the race.
            self._lock.release()
            fresh = await lease_status(self._erp, self._lock.path)
            raise LeaseHeld(
                f"another run took this company first: {fresh.describe()}", status=fresh,
                phrase=Phrase("err.lease_first", {"lease": fresh.phrase()}),
            ) from None
        crash_point("lease.after_take")
        if not got_lock:
            await self._await_file_lock()
        self.previous = before
        self._stopping.clear()
        self._task = asyncio.create_task(self._heartbeat(), name="lease-heartbeat")
        say("DEBUG", "log.lease.taken", token=self._token, before=Phrase(f"log.lease_state.{before.state}"))
        return before

    async def _await_file_lock(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._takeover_wait
        while not self._lock.try_acquire():
            if loop.time() >= deadline:
                say("WARNING", "log.lease.not_stopped")
                return
            await asyncio.sleep(0.1)

    async def _heartbeat(self) -> None:
        # Stopped through `_stopping`, never cancelled: a cancel landing inside the ERP write would
        # leave its transaction to the next writer.
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._heartbeat_every)
            if self._stopping.is_set():
                return
            try:
                await self._erp.heartbeat_lease(self.token, datetime.now(UTC))
            except LeaseLost:
                self._lost = True
                say("WARNING", "log.lease.taken_over")
                return
            except Exception as exc:  # a busy database must not kill the run; the next beat retries
                say("DEBUG", "log.lease.heartbeat_failed", error=exc)
            if not self._lock.held:
                self._lock.try_acquire()

    async def check(self) -> None:
        """LeaseLost if this run no longer holds the lease; call just before each marketplace write."""
        if self._lost:
            raise LeaseLost("another run took over this company; this run stopped", phrase=Phrase("err.lease_lost"))
        lease = await self._erp.read_lease()
        if lease.fencing_token != self._token:
            self._lost = True
            raise LeaseLost("another run took over this company; this run stopped", phrase=Phrase("err.lease_lost"))

    async def release(self) -> None:
        """Give the lease back (a no-op for the row if another run took it), then the file lock."""
        if self._task is not None:
            self._stopping.set()
            await self._task
            self._task = None
        try:
            if self._token is not None and not self._lost:
                await self._erp.release_lease(self._token)
        finally:
            self._token = None
            self._lock.release()

    async def __aenter__(self) -> CompanyLease:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.release()
