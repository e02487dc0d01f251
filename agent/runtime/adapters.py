"""The one place the runtime's adapters are chosen: a company's ERP and its marketplace client.

A front end hands the runtime an `Adapters` when it starts one (the commands pass
`configured_adapters()`, the adapters the configuration names); every runtime module opens an ERP
or a client through it and never imports an adapter's constructor itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from agent.config import CompanyConfig, Config
from agent.domain import DEFAULT_TIMEZONE
from agent.erp.port import ErpPort

if TYPE_CHECKING:
    import httpx2

    from agent.marketplace.client import WszystkoClient


class ErpOpener(Protocol):
    """Opens a company's ERP (`check`: the integrity check on opening); the caller closes it."""

    async def __call__(self, company: CompanyConfig, *, check: bool = ..., timezone: str = ...) -> ErpPort: ...


class ClientOpener(Protocol):
    """Makes a company's marketplace client (`transport`: None for the default); the caller closes it."""

    def __call__(
        self, config: Config, company: str, *, transport: httpx2.AsyncBaseTransport | None = ...
    ) -> WszystkoClient: ...


@dataclass(frozen=True, slots=True)
class Adapters:
    """The factories the runtime makes its adapters with."""

    open_erp: ErpOpener
    open_client: ClientOpener
    require_erp: Callable[[CompanyConfig], None]
    """Raises MissingDatabase when the company's ERP cannot be there at all (before any lease is read)."""

    @asynccontextmanager
    async def erp(
        self, company: CompanyConfig, *, check: bool = False, timezone: str = DEFAULT_TIMEZONE
    ) -> AsyncIterator[ErpPort]:
        """The company's ERP, open for the block and closed after it."""
        erp = await self.open_erp(company, check=check, timezone=timezone)
        try:
            yield erp
        finally:
            await erp.close()

    async def check_erp(self, company: CompanyConfig, *, timezone: str = DEFAULT_TIMEZONE) -> None:
        """Open the company's ERP once with its integrity check and close it: MissingDatabase,
        StorageError (naming the file) or the ERP's own error now, before anything is asked or taken."""
        self.require_erp(company)
        async with self.erp(company, check=True, timezone=timezone):
            pass


def configured_adapters() -> Adapters:
    """The adapters the configuration names: `[company] erp` (`agent.erp.choose`) and the wszystko.pl client."""
    from agent.erp.choose import open_erp, require_erp
    from agent.marketplace.accounts import open_client

    return Adapters(open_erp=open_erp, open_client=open_client, require_erp=require_erp)
