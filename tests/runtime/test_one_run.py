"""What a one-run front end (`marketsync sync`) needs of the runtime: the adapters it hands in are the
ones used, the ERP is checked before the account, its own observer hears its run, a run that never
started is kept with why, and the lease is worded as the lease itself words it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from agent.config import CompanyConfig, Config
from agent.domain import JobName
from agent.erp.choose import open_erp, require_erp
from agent.erp.existing import MissingDatabase
from agent.erp.port import ErpPort, LeaseHolder
from agent.errors import LeaseHeld, RelinkAccount, StorageError
from agent.marketplace.accounts import open_client
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.runtime.adapters import Adapters
from agent.runtime.api import LeaseView
from agent.runtime.observer import EventObserver
from agent.runtime.service import Runtime
from agent.state.models import ItemOutcome, Run, RunOptions
from agent.sync.lease import LeaseStatus
from agent.sync.run import RunRequest
from tests.runtime.conftest import FakeExecutor

ORDERS = RunOptions(("orders",))


@dataclass
class CountingAdapters:
    """The configured adapters, counting which company's ERP was opened how."""

    opened: list[tuple[str, bool]] = field(default_factory=list)

    async def open_erp(self, company: CompanyConfig, *, check: bool = False, timezone: str = "UTC") -> ErpPort:
        self.opened.append((company.name, check))
        return await open_erp(company, check=check, timezone=timezone)

    def adapters(self) -> Adapters:
        return Adapters(open_erp=self.open_erp, open_client=open_client, require_erp=require_erp)


async def test_the_runtime_opens_erps_only_through_the_adapters_it_is_handed(config: Config) -> None:
    counting = CountingAdapters()
    executor = FakeExecutor(open_all=True)
    runtime = Runtime(config, schedules=False, executor=executor, adapters=counting.adapters())
    await runtime.check_erp("Alfa")
    assert counting.opened == [("Alfa", True)]  # the integrity check, before anything else
    await runtime.start()
    try:
        executor.state = runtime.state
        assert (await runtime.lease("Beta")).state == "free"
        await runtime.request_run("Gamma", ORDERS)
        await runtime.queue.wait_idle()
    finally:
        await runtime.stop()
    assert counting.opened == [("Alfa", True), ("Beta", False), ("Gamma", False)]


async def test_a_missing_erp_is_said_before_a_broken_account(config: Config) -> None:
    """Nothing else matters while the company's database is not there: the operator fixes the path first."""
    alfa = config.company("Alfa")
    alfa.database.unlink()
    ConnectionRegistry(connections_dir(config.agent.home)).set_error("Alfa", "the token was revoked")
    runtime = Runtime(config, schedules=False, executor=FakeExecutor(open_all=True))
    with pytest.raises(MissingDatabase):
        await runtime.check_erp("Alfa")
    await runtime.start()
    try:
        with pytest.raises(MissingDatabase):
            await runtime.request_run("Alfa", ORDERS)
        with pytest.raises(RelinkAccount):  # the account is still said when the database is there
            ConnectionRegistry(connections_dir(config.agent.home)).set_error("Beta", "the token was revoked")
            await runtime.request_run("Beta", ORDERS)
    finally:
        await runtime.stop()
    assert not alfa.database.exists()  # and nothing created it


@dataclass
class Heard:
    """A front end's own observer: what it heard, in order."""

    said: list[str] = field(default_factory=list)

    def run_started(self, run: Run) -> None:
        self.said.append(f"started {run.id}")

    def job_progress(self, run: Run, job: JobName, done: int, total: int) -> None:
        self.said.append(f"{job} {done}/{total}")

    def item_failed(self, run: Run, outcome: ItemOutcome) -> None:
        self.said.append(f"failed {outcome.item}")

    def run_finished(self, run: Run) -> None:
        self.said.append(f"finished {run.id} {run.result}")


async def test_the_observer_handed_with_a_manual_run_hears_that_run(config: Config) -> None:
    executor = FakeExecutor(open_all=True)
    runtime = Runtime(config, schedules=False, executor=executor)
    heard = Heard()
    await runtime.start()
    try:
        executor.state = runtime.state
        await runtime.request_run("Alfa", ORDERS, observer=heard)
        await runtime.request_run("Beta", ORDERS)  # another run: not this observer's
        await runtime.queue.wait_idle()
    finally:
        await runtime.stop()
    first, second = runtime.queue.finished
    assert heard.said == [f"started {first.id}", "orders 0/1", f"finished {first.id} success"]
    assert second.company == "Beta"


@dataclass
class Refusing:
    """An executor whose runs never start, with the error given."""

    error: Exception

    async def __call__(self, request: RunRequest, observer: EventObserver, stopping: asyncio.Event) -> Run:
        raise self.error


@pytest.mark.parametrize(
    "error", [LeaseHeld("taken meanwhile"), StorageError("company database unreadable")], ids=["lease", "storage"]
)
async def test_a_run_that_never_started_is_kept_with_the_error(config: Config, error: Exception) -> None:
    runtime = Runtime(config, schedules=False, executor=Refusing(error))
    await runtime.start()
    try:
        await runtime.request_run("Alfa", ORDERS)
        await runtime.queue.wait_idle()
    finally:
        await runtime.stop()
    assert runtime.queue.finished == []
    ((kept),) = runtime.queue.not_started
    assert kept.request.company.name == "Alfa" and kept.error is error


HOLDER = LeaseHolder(
    host="kasa1",
    pid=42,
    kind="automatic",
    operator="EWA",
    started_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
    heartbeat_at=datetime(2026, 12, 5, 10, 5, 30, tzinfo=UTC),
)


@pytest.mark.parametrize("state", ["running", "interrupted"])
@pytest.mark.parametrize(("language", "zone"), [("pl", "Europe/Warsaw"), ("en", "America/New_York")])
def test_a_lease_view_says_what_the_lease_says(state: str, language: str, zone: str) -> None:
    status = LeaseStatus(state, HOLDER, 7)  # type: ignore[arg-type]  # the states are checked by the literal
    view = LeaseView(
        state,  # type: ignore[arg-type]
        host=HOLDER.host,
        pid=HOLDER.pid,
        kind=HOLDER.kind,
        operator=HOLDER.operator,
        since=HOLDER.started_at,
        heartbeat=HOLDER.heartbeat_at,
    )
    said = view.describe(language, zone)
    assert said == status.describe(language, zone)
    assert "EWA" in said and "kasa1" in said


def test_a_free_lease_view_says_free() -> None:
    assert LeaseView("free").describe("pl", "Europe/Warsaw") == "wolna"
    assert LeaseView("free").describe("en", "UTC") == "free"


async def test_the_queue_keeps_only_the_last_runs(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service that runs for months must not keep every run it ever saw."""
    from agent.runtime import queue

    monkeypatch.setattr(queue, "KEPT", 2)
    executor = FakeExecutor(open_all=True)
    runtime = Runtime(config, schedules=False, executor=executor)
    await runtime.start()
    try:
        executor.state = runtime.state
        for name in ("Alfa", "Beta", "Gamma"):
            await runtime.request_run(name, ORDERS)
            await runtime.queue.wait_idle()
    finally:
        await runtime.stop()
    assert [run.company for run in runtime.queue.finished] == ["Beta", "Gamma"]
