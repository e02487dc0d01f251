"""A runtime watches runs of other processes (a `marketsync sync`, or the service while a TUI only
watches) through the state database and publishes them as events and in its snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from agent.config import Config
from agent.file_lock import FileLock
from agent.paths import Paths
from agent.runtime import events as ev
from agent.runtime.service import Runtime
from agent.state.models import RunOptions
from agent.state.store import StateDB
from agent.sync.lease import lock_path
from tests.runtime.conftest import FakeExecutor, eventually

E = TypeVar("E")


def _watching(config: Config) -> tuple[Runtime, Callable[[type[E]], list[E]]]:
    """A TUI-role runtime and `of(kind)`: the events of that kind it published so far."""
    runtime = Runtime(config, role="tui", executor=FakeExecutor(), poll_interval=0.02)
    events = runtime.bus.subscribe()
    seen: list[ev.Event] = []

    def of(kind: type[E]) -> list[E]:
        seen.extend(events.drain())
        return [e for e in seen if isinstance(e, kind)]

    return runtime, of


def _beta_lock(config: Config) -> FileLock:
    """Beta's run lock, held as the other process's run holds it."""
    lock = FileLock(lock_path(Paths.from_config(config).locks_dir, "Beta"))
    assert lock.try_acquire()
    return lock


async def test_another_process_run_is_published_as_events(config: Config) -> None:
    runtime, of = _watching(config)
    # The other process holds the company's file lock for the whole run, as a real run does.
    lock = _beta_lock(config)
    await runtime.start()
    try:
        async with StateDB(runtime.state.path) as other:
            run = await other.start_run(
                "Beta", trigger="manual", operator="EWA", options=RunOptions(("orders",)), host="kasa-2", pid=4242
            )
            await eventually(lambda: len(of(ev.RunStarted)) == 1)
            started = of(ev.RunStarted)[0]
            assert (started.company, started.run_id, started.operator) == ("Beta", run.id, "EWA")
            assert of(ev.LeaseChanged)[0].holder == "kasa-2 pid 4242"

            await other.set_progress(run.id, "orders", 3, 10)
            await eventually(lambda: len(of(ev.JobProgress)) == 1)
            assert (of(ev.JobProgress)[0].done, of(ev.JobProgress)[0].total) == (3, 10)
            row = next(r for r in (await runtime.snapshot()).companies if r.name == "Beta")
            assert row.current is not None
            assert (row.current.run_id, row.current.job, row.current.done) == (run.id, "orders", 3)

            await other.finish_run(run.id, "partial")
            lock.release()
            await eventually(lambda: len(of(ev.RunFinished)) == 1)
            assert of(ev.RunFinished)[0].result == "partial"
            assert of(ev.LeaseChanged)[-1].holder is None
            row = next(r for r in (await runtime.snapshot()).companies if r.name == "Beta")
            assert row.current is None
            assert row.last_run is not None
            assert (row.last_run.run_id, row.last_run.result) == (run.id, "partial")
    finally:
        lock.release()
        await runtime.stop()


async def test_a_run_whose_process_died_ends_as_interrupted(config: Config) -> None:
    """A SIGKILLed run leaves its row `running` but drops its file lock: the dashboard shows it
    interrupted, not running for ever (and `status` / `runs` say the same)."""
    runtime, of = _watching(config)
    lock = _beta_lock(config)
    await runtime.start()
    try:
        async with StateDB(runtime.state.path) as other:
            run = await other.start_run(
                "Beta", trigger="manual", operator="EWA", options=RunOptions(("orders",)), host="kasa-2", pid=4242
            )
            await eventually(lambda: len(of(ev.RunStarted)) == 1)
            assert of(ev.RunFinished) == []
            lock.release()  # the process is killed: the kernel drops its lock, its row stays `running`
            await eventually(lambda: len(of(ev.RunFinished)) == 1)
            assert of(ev.RunFinished)[0].result == "interrupted"
            assert (await other.get_run(run.id)) is not None
            row = next(r for r in (await runtime.snapshot()).companies if r.name == "Beta")
            assert row.current is None
            assert row.last_run is not None
            assert (row.last_run.run_id, row.last_run.result) == (run.id, "interrupted")
    finally:
        lock.release()
        await runtime.stop()

