"""The run history is pruned by the runtime: at start, then every `prune_every` seconds, keeping
`log_retention_days` days and each company's last run."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from agent.config import Config
from agent.paths import Paths
from agent.runtime.service import Runtime
from agent.state.models import Run, RunOptions
from agent.state.store import StateDB
from tests.runtime.conftest import T0, FakeClock, FakeExecutor

ORDERS = RunOptions(jobs=("orders",))


async def finished_run(state: StateDB, company: str) -> Run:
    run = await state.start_run(company, trigger="automatic", operator="ADMIN", options=ORDERS)
    return await state.finish_run(run.id, "success")


async def test_the_runtime_prunes_the_history_at_start_and_then_again(config: Config) -> None:
    assert config.agent.log_retention_days == 30
    clock = FakeClock(T0 - timedelta(days=40))
    async with StateDB(Paths.from_config(config).state_db, clock=clock) as state:
        old = [await finished_run(state, "Alfa"), await finished_run(state, "Alfa"), await finished_run(state, "Beta")]
        clock.now = T0 - timedelta(days=29)
        recent = await finished_run(state, "Alfa")

    clock.now = T0
    runtime = Runtime(config, role="service", clock=clock, executor=FakeExecutor(), schedules=False, prune_every=0.01)
    await runtime.start()
    try:
        # Alfa's two old runs went at start; Beta keeps its only (old) run: the "last run" shown.
        assert [r.id for r in await runtime.state.list_runs()] == [recent.id, old[2].id]

        clock.now = T0 + timedelta(days=2)  # `recent` is now 31 days old, and no longer Alfa's last run
        newer = await finished_run(runtime.state, "Alfa")
        remaining = await until_changed(runtime.state, [recent.id, old[2].id, newer.id])
        assert sorted(remaining) == sorted([old[2].id, newer.id])
    finally:
        await runtime.stop()


async def until_changed(state: StateDB, before: list[int], within: float = 30.0) -> list[int]:
    """The run ids once they are no longer `before` (the daily pruning has run); fails after `within` s."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        ids = [r.id for r in await state.list_runs()]
        if sorted(ids) != sorted(before):
            return ids
        await asyncio.sleep(0.01)
    raise AssertionError("the run history was not pruned again")


