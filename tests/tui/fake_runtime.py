"""An in-memory runtime for TUI tests: a real `RuntimeApi` with a real `EventBus`, driven by the test.

It keeps the contract's rules (unknown company -> ConfigError, broken account -> RelinkAccount, a
held lease -> LeaseHeld / LeaseInterrupted unless the caller said what to do), records every run
asked for, and lets the test play a run's events (`play_run`) or publish any event.

`fake_manage` gives the app its real manage layer (the one `marketsync tui` gives it) over a
throwaway installation that holds the fake's companies, so the TUI runs the production path.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent.config import load_config
from agent.domain import JobName
from agent.errors import ConfigError, LeaseHeld, LeaseInterrupted, MarketsyncError, RelinkAccount
from agent.paths import Paths
from agent.runtime.api import CompanyView, EndsConsent, LastRunView, LeaseView, RuntimeSnapshot, ServiceView
from agent.runtime.bus import EventBus
from agent.runtime.events import (
    ConnectionChanged,
    Event,
    JobProgress,
    RunFinished,
    RunQueued,
    RunResult,
    RunStarted,
    Totals,
)
from agent.runtime.manage import Manage
from agent.state.models import RunOptions
from agent.state.store import StateDB

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""Every time the fake makes is T0 plus something, so screens are the same on every run."""


@dataclass(frozen=True, slots=True)
class Requested:
    """One `request_run` that went through."""

    company: str
    options: RunOptions
    operator: str
    take_over: bool
    resume_interrupted: bool
    after_current: bool


def company(name: str, *, connection: str = "connected", schedule: bool = True, every: int = 30,
            next_run: datetime | None = T0 + timedelta(minutes=30),
            last: LastRunView | None = None) -> CompanyView:
    description = f"06:00-22:00 co {every} min"
    return CompanyView(
        name=name,
        connection=connection,  # type: ignore[arg-type]
        connection_detail="",
        account=f"{name.lower()}@example.pl",
        schedule_enabled=schedule,
        schedule_description=description if schedule else f"wyłączony ({description})",
        next_run=next_run if schedule else None,
        current=None,
        last_run=last,
    )


def default_companies() -> list[CompanyView]:
    last = LastRunView(7, "success", T0 - timedelta(minutes=25), Totals(ok=312, skipped=0, failed=0))
    return [
        company("Ogrodnik", last=last),
        company("Sklep Rowerowy", schedule=False),
        company("Hurtownia Budmax", every=60, last=LastRunView(3, "partial", T0 - timedelta(hours=1),
                                                                Totals(ok=290, skipped=4, failed=2))),
    ]


class FakeRuntime:
    """Implements `agent.runtime.api.RuntimeApi` in memory."""

    def __init__(self, companies: list[CompanyView] | None = None, *,
                 scheduler: ServiceView | None = None, holds_scheduler: bool = True) -> None:
        self._bus = EventBus()
        self.views = {view.name: view for view in (companies or default_companies())}
        self.scheduler = scheduler if scheduler is not None else ServiceView("tui", "biuro-1", 4100, T0, True)
        self._holds = holds_scheduler
        self.language: str = "pl"
        self.leases: dict[str, LeaseView] = {}
        self.requested: list[Requested] = []
        self.lease_calls = 0
        self.snapshots = 0
        self.fail_next: list[MarketsyncError] = []
        """Raised (first first) by the next request_run calls before any rule is checked."""
        self._run_ids = iter(range(100, 10_000))

    # --- RuntimeApi -------------------------------------------------------------------------

    @property
    def bus(self) -> EventBus:
        return self._bus

    @property
    def holds_scheduler(self) -> bool:
        return self._holds

    async def snapshot(self) -> RuntimeSnapshot:
        self.snapshots += 1
        return RuntimeSnapshot(tuple(self.views.values()), self.scheduler, "pl", "Europe/Warsaw")

    async def lease(self, company: str) -> LeaseView:
        self._known(company)
        self.lease_calls += 1
        return self.leases.get(company, LeaseView("free"))

    async def request_run(self, company: str, options: RunOptions, *, operator: str | None = None,
                          take_over: bool = False, resume_interrupted: bool = False,
                          after_current: bool = False, confirm_ends: EndsConsent | None = None) -> None:
        self._known(company)
        if self.fail_next:
            raise self.fail_next.pop(0)
        if self.views[company].connection == "connection_error":
            raise RelinkAccount(f"{company}: the account's tokens were refused")
        lease = self.leases.get(company, LeaseView("free"))
        if lease.state == "running" and not (take_over or after_current):
            raise LeaseHeld(f"{company}: {lease.description}", status=lease)
        if lease.state == "interrupted" and not resume_interrupted:
            raise LeaseInterrupted(f"{company}: {lease.description}", status=lease)
        # None: the company's configured operator, ADMIN in these fakes.
        self.requested.append(Requested(company, options, operator or "ADMIN", take_over, resume_interrupted,
                                        after_current))
        self._bus.publish(RunQueued(company, next(self._run_ids), "manual", options.jobs, T0))

    async def cancel_queued(self, company: str) -> bool:
        return False

    async def reload_config(self) -> None:
        return None

    # --- driving it from a test ---------------------------------------------------------------

    def publish(self, event: Event) -> None:
        if isinstance(event, ConnectionChanged):
            self.views[event.company] = replace(self.views[event.company], connection=event.status)
        self._bus.publish(event)

    def start_run(self, company: str, jobs: tuple[JobName, ...], *, run_id: int = 100,
                  trigger: str = "manual") -> None:
        self._bus.publish(RunStarted(company, run_id, trigger, jobs, "ADMIN", T0))  # type: ignore[arg-type]

    def progress(self, company: str, job: JobName, done: int, total: int, *, run_id: int = 100,
                 eta: float | None = None) -> None:
        self._bus.publish(JobProgress(company, run_id, job, done, total, eta, T0 + timedelta(seconds=done)))

    def finish_run(self, company: str, result: RunResult, totals: Totals, *, run_id: int = 100,
                   error: str = "") -> None:
        self._bus.publish(RunFinished(company, run_id, result, totals, T0 + timedelta(minutes=2), error=error))

    def _known(self, company: str) -> None:
        if company not in self.views:
            raise ConfigError(f"no company {company!r}")


def _installation(fake: FakeRuntime, folder: Path) -> Path:
    """A config file in `folder` naming the fake's companies; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[agent]", 'home = "home"', 'log_dir = "logs"', 'token_store = "file"', "",
             "[marketplace]", 'base_url = "http://127.0.0.1:9/api"']
    for index, view in enumerate(fake.views.values()):
        lines += ["", "[[company]]", f'name = "{view.name}"', f'database = "db{index}.sqlite"']
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.asynccontextmanager
async def fake_manage(fake: FakeRuntime, folder: Path) -> AsyncIterator[Manage]:
    """The real manage layer over an installation in `folder` whose config names the fake's companies
    (no company database, no token: the screens show empty histories and unlinked accounts)."""
    config = load_config(_installation(fake, folder))
    Paths.from_config(config).ensure()
    async with StateDB.for_config(config) as state:
        yield Manage(lambda: config, state, fake.reload_config)
