"""What front ends (the TUI, `marketsync run`'s console) may ask of the runtime, and what it tells them.

Front ends never touch a database, a file or the network: they read a `RuntimeSnapshot` once,
then follow the runtime's events (`runtime.bus.subscribe()`), and send commands through the
methods below. Everything a command can go wrong with comes back as an exception from
`agent.errors` (named by what to do next) or as events.

    runtime = Runtime(config, role="tui")            # agent.runtime.service
    await runtime.start()                            # the TUI holds the scheduler unless a service does
    snapshot = await runtime.snapshot()
    async with runtime.bus.subscribe() as events:
        async for event in events: ...
    await runtime.stop()
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from agent.domain import Clock, JobName, utc_now
from agent.marketplace.accounts import AccountStatus
from agent.marketplace.models import DeviceRegistration
from agent.runtime.bus import EventBus
from agent.runtime.events import ConnectionStatus, RunResult, SchedulerRole, Totals
from agent.state.models import ItemOutcome, Run, RunOptions
from agent.sync.context import EndsConsent
from agent.sync.options import SyncOptions

LeaseState = Literal["free", "running", "interrupted"]


@dataclass(frozen=True, slots=True)
class LeaseView:
    """A company's lease as an operator must see it before a manual run (the seed's prompt, made exact)."""

    state: LeaseState
    host: str | None = None
    pid: int | None = None
    kind: Literal["automatic", "manual"] | None = None
    operator: str | None = None
    since: datetime | None = None
    heartbeat: datetime | None = None
    description: str = ""
    """One line in English for logs; `describe` says it in the operator's language."""

    def describe(self, language: str = "en", zone: str = "UTC") -> str:
        """One line for an operator in `language`, its times in `zone`: the lease's own words
        (`LeaseStatus.describe`, which the log line uses too), made from these fields."""
        from agent.erp.port import LeaseHolder
        from agent.sync.lease import LeaseStatus

        host, pid, kind, operator = self.host, self.pid, self.kind, self.operator
        since, beat = self.since, self.heartbeat
        if host is None or pid is None or kind is None or operator is None or since is None or beat is None:
            return LeaseStatus(self.state, None, 0).describe(language, zone)
        holder = LeaseHolder(host, pid, kind, operator, since, beat)
        return LeaseStatus(self.state, holder, 0).describe(language, zone)


@dataclass(frozen=True, slots=True)
class JobView:
    """The job a run is doing now."""

    run_id: int
    job: JobName
    done: int
    total: int
    eta_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class LastRunView:
    run_id: int
    result: RunResult | Literal["running"]
    finished: datetime | None
    totals: Totals


@dataclass(frozen=True, slots=True)
class CompanyView:
    """One dashboard row."""

    name: str
    connection: ConnectionStatus
    connection_detail: str
    account: str | None
    schedule_enabled: bool
    schedule_description: str
    """As `agent.core.schedule.describe_schedule` in the configured language."""
    next_run: datetime | None
    current: JobView | None
    last_run: LastRunView | None


@dataclass(frozen=True, slots=True)
class ServiceView:
    """Which process holds this installation's scheduler."""

    role: SchedulerRole
    host: str
    pid: int
    since: datetime
    this_process: bool


@dataclass(frozen=True, slots=True)
class RuntimeSnapshot:
    companies: tuple[CompanyView, ...]
    scheduler: ServiceView | None
    """None when no process holds the scheduler (schedules do not fire)."""
    language: Literal["pl", "en"]
    timezone: str


class RuntimeApi(Protocol):
    """The runtime as a front end sees it."""

    @property
    def bus(self) -> EventBus:
        """Subscribe here for every event (agent.runtime.events)."""
        ...

    @property
    def holds_scheduler(self) -> bool:
        """True when this process fires the schedules; False when it only watches a service."""
        ...

    async def snapshot(self) -> RuntimeSnapshot:
        """Everything a dashboard shows, read now. Raises StorageError."""
        ...

    async def lease(self, company: str) -> LeaseView:
        """The company's lease now (free, running with who, or interrupted). Raises ConfigError, StorageError."""
        ...

    async def request_run(
        self,
        company: str,
        options: RunOptions,
        *,
        operator: str | None = None,
        take_over: bool = False,
        resume_interrupted: bool = False,
        after_current: bool = False,
        confirm_ends: EndsConsent | None = None,
    ) -> None:
        """Queue a manual run (manual runs go one at a time, in order); returns once queued.

        `operator` is recorded as who ran it; None: the company's configured operator
        (`[company.schedule] operator`), not whoever is logged in to the OS.

        Raises LeaseHeld (with `.status`) when a live run holds the company and neither
        `take_over` nor `after_current` was given, LeaseInterrupted when the last run died and
        `resume_interrupted` was not given, RelinkAccount when the account is in "Connection
        error", ConfigError for an unknown company. `after_current` waits for the live run to
        end, then runs. The run's progress and end come as events.

        `confirm_ends` is asked, while the run goes and before it sends anything, when the run would
        end more than `[agent] max_end_percent` of the company's active offers: (ending, active,
        percent) -> agreed? Without it such a run stops, failed, and ends nothing.
        """
        ...

    async def cancel_queued(self, company: str) -> bool:
        """Drop a queued (not yet started) manual run of the company; False if there was none."""
        ...

    async def reload_config(self) -> None:
        """Re-read the config file and apply schedules at once. Raises ConfigError (the old config stays)."""
        ...


# Besides its own types, this module re-exports the values front ends read and send, so that a
# front end imports the runtime's API and never an adapter's module (pyproject.toml's import rules).
__all__ = [
    "AccountStatus",
    "Clock",
    "CompanyView",
    "ConnectionStatus",
    "DeviceRegistration",
    "EndsConsent",
    "EventBus",
    "ItemOutcome",
    "JobName",
    "JobView",
    "LastRunView",
    "LeaseState",
    "LeaseView",
    "Run",
    "RunOptions",
    "RunResult",
    "RuntimeApi",
    "RuntimeSnapshot",
    "SchedulerRole",
    "ServiceView",
    "SyncOptions",
    "Totals",
    "utc_now",
]
