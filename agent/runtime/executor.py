"""The real way a queued run runs: open the company's ERP, take its marketplace client (both made by
the runtime's `Adapters`), `execute_run`.

Each company's marketplace client is kept for the runtime's life (one long-lived connection pool
per account, as the client is meant to be used) and made again only when the marketplace settings
change. All clients share one TLS context: building one costs ~30 ms of CPU on the event loop,
which a hundred companies would otherwise pay every minute (unless the environment names a proxy:
then each client keeps its own transport, the one that honours it). The ERP is opened per run (two
SQLite connections and their threads per company would add up).

A run cancelled before it reached a checkpoint (the shutdown grace ran out) is recorded as
interrupted at once, so no row stays `running`; the lease is released by `execute_run` itself.
After every run the account's state is mirrored (a run may have found it broken).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from agent.config import Config
from agent.errors import Phrase
from agent.runtime.adapters import Adapters
from agent.runtime.connections import ConnectionMirror
from agent.runtime.observer import EventObserver
from agent.state.models import Run
from agent.state.store import StateDB
from agent.sync.run import RunRequest

if TYPE_CHECKING:
    import httpx2

    from agent.marketplace.client import WszystkoClient

_ClientKey = tuple[str, int]


def shared_transport(tls: ssl.SSLContext) -> httpx2.AsyncBaseTransport | None:
    """A transport on the shared TLS context, or None when the environment names a proxy: a client
    given a transport ignores HTTPS_PROXY and NO_PROXY, and without one it honours them (README)."""
    import urllib.request

    import httpx2

    if urllib.request.getproxies():
        return None
    return httpx2.AsyncHTTPTransport(verify=tls)


class CompanyExecutor:
    """Runs requests against the configured companies (satisfies `agent.runtime.queue.Executor`)."""

    def __init__(
        self,
        config: Callable[[], Config],
        state: StateDB,
        locks_dir: Path,
        connections: ConnectionMirror,
        adapters: Adapters,
        *,
        heartbeat_every: float = 5.0,
    ) -> None:
        self._config = config
        self._adapters = adapters
        self._state = state
        self._locks_dir = locks_dir
        self._connections = connections
        self._heartbeat_every = heartbeat_every
        self._clients: dict[str, tuple[_ClientKey, WszystkoClient]] = {}
        self._retired: list[WszystkoClient] = []
        self._tls: ssl.SSLContext | None = None

    def _client(self, name: str) -> WszystkoClient:
        config = self._config()
        key = (config.marketplace.base_url, config.marketplace.requests_per_minute)
        cached = self._clients.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        if cached is not None:
            self._retired.append(cached[1])
        if self._tls is None:
            self._tls = ssl.create_default_context()
        client = self._adapters.open_client(config, name, transport=shared_transport(self._tls))
        self._clients[name] = (key, client)
        return client

    async def aclose(self) -> None:
        """Close every kept client (when the runtime stops)."""
        clients = [client for _, client in self._clients.values()] + self._retired
        self._clients.clear()
        self._retired.clear()
        await asyncio.gather(*(client.aclose() for client in clients), return_exceptions=True)

    async def __call__(self, request: RunRequest, observer: EventObserver, stopping: asyncio.Event) -> Run:
        from agent.sync.run import execute_run

        name = request.company.name
        # The share is read when the run starts, so a reloaded config file applies to the next run.
        request = replace(request, max_end_percent=self._config().agent.max_end_percent)
        market = self._client(name)
        erp = await self._adapters.open_erp(request.company, check=False, timezone=self._config().agent.timezone)
        try:
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
        await self._state.mark_interrupted([run_id], reason=Phrase("outcome.agent_stopped"))
        final = await self._state.get_run(run_id)
        if final is not None:
            observer.run_finished(final)
