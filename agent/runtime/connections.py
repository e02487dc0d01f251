"""Each company's account state, mirrored from the client's registry into the state database and events.

The marketplace client writes "Połączono" / "Błąd połączenia" to its `ConnectionRegistry` (one
small file per company under the home) the moment it learns it; that file is the truth. The runtime
reads it (cheap: no network) after every run and on a timer, and when a company's state changed it
records it in the state database's connection table and publishes `ConnectionChanged`.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.domain import Clock
from agent.errors import Phrase
from agent.logs import say
from agent.marketplace.connection import ConnectionInfo, ConnectionRegistry
from agent.runtime.bus import EventBus
from agent.runtime.events import ConnectionChanged, ConnectionStatus
from agent.state.store import StateDB
from agent.texts import text
from agent.texts.phrases import detail_phrase


def status_of(info: ConnectionInfo) -> tuple[ConnectionStatus, str]:
    """The runtime's word for a registry state, and the detail an operator reads."""
    if info.state == "connected":
        return "connected", info.account or ""
    if info.state == "error":
        return "connection_error", info.reason or text("en", "conn.detail.relink")
    return "unknown", text("en", "conn.detail.not_linked")


class ConnectionMirror:
    """Keeps the state database and the event stream in step with the registry."""

    def __init__(self, registry: ConnectionRegistry, state: StateDB, bus: EventBus, clock: Clock) -> None:
        self._registry = registry
        self._state = state
        self._bus = bus
        self._clock = clock
        self._known: dict[str, tuple[ConnectionStatus, str]] = {}

    def info(self, company: str) -> ConnectionInfo:
        return self._registry.get(company)

    def status(self, company: str) -> tuple[ConnectionStatus, str]:
        """As last mirrored (read from the registry if never)."""
        known = self._known.get(company)
        return known if known is not None else status_of(self._registry.get(company))

    def usable(self, company: str) -> bool:
        """Whether a run can use the account now (read fresh from the registry)."""
        return self._registry.get(company).state == "connected"

    async def refresh(self, companies: Iterable[str]) -> None:
        """Read every company's state; record and announce the ones that changed."""
        for company in companies:
            status, detail = status_of(self._registry.get(company))
            if self._known.get(company) == (status, detail):
                continue
            first = company not in self._known
            self._known[company] = (status, detail)
            await self._state.set_connection(company, status, detail)
            self._bus.publish(ConnectionChanged(company, status, self._clock(), detail))
            if not first or status != "connected":
                say(
                    "INFO", "log.connections.status", company=company,
                    status=Phrase(f"event.connection.{status}"),
                    detail=Phrase("log.detail", {"detail": detail_phrase(detail)}) if detail else "",
                )
