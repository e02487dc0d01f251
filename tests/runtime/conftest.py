"""Fixtures of the runtime tests: an installation on disk (config file, home, connected accounts)
and a fake executor whose runs are recorded in the real state database but wait for the test."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.config import Config, load_config
from agent.file_lock import FileLock
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.runtime.observer import EventObserver
from agent.state.models import Run
from agent.state.store import StateDB
from agent.sync.lease import lock_path
from agent.sync.run import RunRequest

T0 = datetime(2026, 6, 10, 10, 0, 5, tzinfo=UTC)
NAMES = ("Alfa", "Beta", "Gamma")


def installation_text(
    *, every: dict[str, int] | None = None, max_parallel: int = 8, broken: bool = False, operator: str = "ADMIN"
) -> str:
    every = every or {}
    parts = [
        f"""
[agent]
home = "home"
log_dir = "logs"
token_store = "file"
max_parallel_runs = {max_parallel}

[marketplace]
base_url = "http://127.0.0.1:9/api"
"""
    ]
    for name in NAMES:
        minutes = every.get(name, 1)
        parts.append(
            f"""
[[company]]
name = "{name}"
database = "{name.lower()}.sqlite"

[company.schedule]
enabled = {"true" if minutes else "false"}
from_hour = 0
to_hour = 24
every_minutes = {minutes or 30}
jobs = ["orders"]
operator = "{operator}"
"""
        )
    if broken:
        parts.append("\n[[company]]\nname = 42\n")
    return "".join(parts)


def write_config(path: Path, text: str) -> None:
    """Replace the config file (a plain function: tests call it between awaits)."""
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(installation_text(), encoding="utf-8")
    config = load_config(path)
    Paths.from_config(config).ensure()
    for company in config.companies:
        # The agent opens only company databases that exist (`erp seed` creates them).
        sqlite3.connect(company.database).close()
    registry = ConnectionRegistry(connections_dir(config.agent.home))
    for name in NAMES:
        registry.set_connected(name, f"{name.lower()}@example.pl")
    return path


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


class FakeClock:
    """Wall-clock time the test moves forward."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def tiny_sleep(seconds: float) -> None:
    """The scheduler's sleep in tests: the fake clock only moves when the test moves it."""
    del seconds
    await asyncio.sleep(0.005)


@dataclass
class FakeExecutor:
    """Records runs in the state database like the real one; each run waits until the test opens its gate."""

    state: StateDB | None = None
    calls: list[RunRequest] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    open_all: bool = False
    active: int = 0
    most_active: int = 0

    def gate(self, company: str) -> asyncio.Event:
        return self.gates.setdefault(company, asyncio.Event())

    def release(self, company: str) -> None:
        self.gate(company).set()

    async def __call__(self, request: RunRequest, observer: EventObserver, stopping: asyncio.Event) -> Run:
        assert self.state is not None, "set executor.state = runtime.state after start"
        name = request.company.name
        self.calls.append(request)
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        # Like a real run, hold the company's file lock while the row says `running`: a `running`
        # row whose lock is free reads as a dead process (the state database sits in the home).
        lock = FileLock(lock_path(self.state.path.parent / "locks", name))
        assert await lock.acquire_within(10.0)
        try:
            run = await self.state.start_run(
                name, trigger=request.trigger, operator=request.operator, options=request.options
            )
            observer.run_started(run)
            observer.job_progress(run, "orders", 0, 1)
            gate = self.gate(name)
            if not self.open_all:
                stop = asyncio.ensure_future(stopping.wait())
                opened = asyncio.ensure_future(gate.wait())
                await asyncio.wait({stop, opened}, return_when=asyncio.FIRST_COMPLETED)
                stop.cancel()
                opened.cancel()
            gate.clear()
            finished = await self.state.finish_run(run.id, "interrupted" if stopping.is_set() else "success")
            observer.run_finished(finished)
            return finished
        finally:
            lock.release()
            self.active -= 1


async def eventually(condition: Callable[[], bool], *, within: float = 10.0) -> None:
    """Wait until `condition()` holds (polling the event loop); fails the test after `within` seconds."""
    for _ in range(int(within / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")
