"""The real way a queued run runs: open the company's ERP and marketplace client, `execute_run`, close.

A run cancelled before it reached a checkpoint (the shutdown grace ran out) is recorded as
interrupted at once, so no row stays `running`; the lease is released by `execute_run` itself.
After every run the account's state is mirrored (a run may have found it broken).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from agent.config import Config
from agent.runtime.connections import ConnectionMirror
from agent.runtime.observer import EventObserver
from agent.state.models import Run
from agent.state.store import StateDB
from agent.sync.run import RunRequest


class CompanyExecutor:
    """Runs requests against the configured companies (satisfies `agent.runtime.queue.Executor`)."""

    def __init__(
        self,
        config: Callable[[], Config],
        state: StateDB,
        locks_dir: Path,
        connections: ConnectionMirror,
        *,
        heartbeat_every: float = 5.0,
    ) -> None:
        self._config = config
        self._state = state
        self._locks_dir = locks_dir
        self._connections = connections
        self._heartbeat_every = heartbeat_every

    async def __call__(self, request: RunRequest, observer: EventObserver, stopping: asyncio.Event) -> Run:
        from agent.erp.sqlite import SqliteErp
        from agent.marketplace.accounts import open_client
        from agent.sync.run import execute_run

        name = request.company.name
        erp = await SqliteErp.open(request.company.database, check=False)
        try:
            async with open_client(self._config(), name) as market:
                try:
                    return await execute_run(
                        request,
                        erp=erp,
                        market=market,
                        state=self._state,
                        locks_dir=self._locks_dir,
                        observer=observer,
                        heartbeat_every=self._heartbeat_every,
                        stopping=stopping,
                    )
                except asyncio.CancelledError:
                    if observer.run is not None:
                        await self._interrupted(observer)
                    raise
        finally:
            await erp.close()
            await self._connections.refresh((name,))

    async def _interrupted(self, observer: EventObserver) -> None:
        assert observer.run is not None
        run_id = observer.run.id
        await self._state.mark_interrupted([run_id], reason="the agent stopped before this run reached a checkpoint")
        final = await self._state.get_run(run_id)
        if final is not None:
            observer.run_finished(final)
