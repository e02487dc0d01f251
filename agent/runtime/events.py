"""What the runtime tells its watchers (the TUI, `marketsync run`'s console, tests): small frozen events.

Every event names its company ("" for installation-wide ones), carries `at`, the aware UTC instant
it happened, and where a run is concerned its `run_id` (the state database's run id). Events are
facts, never commands; a watcher that missed some (see `Subscription.dropped`) reads the state
database for the current picture.

The literal types below spell the same words as the state database (`agent.state.models`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from agent.domain import JobName
from agent.errors import Phrase

RunTrigger = Literal["automatic", "manual"]
RunResult = Literal["success", "partial", "failed", "interrupted"]
ConnectionStatus = Literal["connected", "connection_error", "unknown"]
ServiceState = Literal["starting", "running", "stopping", "stopped"]
SchedulerRole = Literal["service", "tui"]
SkipReason = Literal["still_running", "connection_error", "lease_held", "disabled"]


@dataclass(frozen=True, slots=True)
class Totals:
    """Item counts of one job, or of a whole run."""

    ok: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class RunQueued:
    """A run was asked for and waits its turn (manual runs queue one at a time)."""

    company: str
    run_id: int
    trigger: RunTrigger
    jobs: tuple[JobName, ...]
    at: datetime
    missed: int = 0
    """Automatic runs: fires missed while the process slept, coalesced into this run."""
    position: int = 0
    """Place in the manual queue (0: next)."""


@dataclass(frozen=True, slots=True)
class RunStarted:
    """A run took the company lease and began its first job."""

    company: str
    run_id: int
    trigger: RunTrigger
    jobs: tuple[JobName, ...]
    operator: str
    at: datetime


@dataclass(frozen=True, slots=True)
class JobProgress:
    """How far a job of a run has got. A newer one for the same (run_id, job) replaces an older one."""

    company: str
    run_id: int
    job: JobName
    done: int
    total: int
    eta_seconds: float | None
    """None until the job can estimate it."""
    at: datetime


@dataclass(frozen=True, slots=True)
class ItemFailed:
    """One item of a job could not go through; the run goes on."""

    company: str
    run_id: int
    job: JobName
    item: str
    """The item's key, such as "product:123" or "order:456"."""
    message: str
    hint: str
    """What to do about it, in the operator's words."""
    at: datetime
    phrase: Phrase | None = None
    """`message` as a text key and its facts (worded in the watcher's language); None for an error's own words."""
    hint_phrase: Phrase | None = None
    """`hint` as a text key and its facts; None for an error's own hint."""


@dataclass(frozen=True, slots=True)
class RunFinished:
    """A run ended and released the lease (never dropped by the bus)."""

    company: str
    run_id: int
    result: RunResult
    totals: Totals
    at: datetime
    per_job: tuple[tuple[JobName, Totals], ...] = ()
    error: str = ""
    """Why a failed or interrupted run stopped (no secrets, no URLs with queries)."""
    error_phrase: Phrase | None = None
    """`error` as a text key and its facts (worded in the watcher's language); None when not kept."""


@dataclass(frozen=True, slots=True)
class RunSkipped:
    """A fire came but no run was started; the reason is recorded with it."""

    company: str
    reason: SkipReason
    at: datetime
    detail: str = ""
    """In English, as the machine log has it."""
    said: Phrase | None = None
    """The detail as facts, for a front end to word in the operator's language (None: `detail` is data)."""


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    """A company's account became connected or broken ("Połączono" / "Błąd połączenia"); never dropped."""

    company: str
    status: ConnectionStatus
    at: datetime
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LeaseChanged:
    """A company's lease was taken, taken over or released; `holder` is None once released. Never dropped."""

    company: str
    holder: str | None
    """The workstation ("host pid N") that holds it."""
    run_id: int | None
    at: datetime
    taken_over: bool = False
    """True when a forced run took the lease from another holder."""


@dataclass(frozen=True, slots=True)
class ScheduleChanged:
    """A company's schedule is new or different (a config reload); `description` as `describe_schedule`."""

    company: str
    enabled: bool
    description: str
    at: datetime


@dataclass(frozen=True, slots=True)
class NextRunPlanned:
    """When a company's next automatic run fires (None: not scheduled). A newer one replaces an older one."""

    company: str
    fire_at: datetime | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    """The process holding the scheduler: what it is, where, since when. Never dropped."""

    state: ServiceState
    role: SchedulerRole
    host: str
    pid: int
    since: datetime
    at: datetime
    company: str = ""


Event = (
    RunQueued
    | RunStarted
    | JobProgress
    | ItemFailed
    | RunFinished
    | RunSkipped
    | ConnectionChanged
    | LeaseChanged
    | ScheduleChanged
    | NextRunPlanned
    | ServiceStatus
)

ESSENTIAL: tuple[type[Event], ...] = (RunFinished, ConnectionChanged, LeaseChanged, ServiceStatus)
"""Events a bus never drops: each changes what a watcher shows until the next one comes."""


def replaces_key(event: Event) -> tuple[object, ...] | None:
    """Events with equal keys supersede each other while queued (the newest wins); None: never replaced."""
    if isinstance(event, JobProgress):
        return ("progress", event.run_id, event.job)
    if isinstance(event, NextRunPlanned):
        return ("next", event.company)
    return None
