"""Which ERP adapter a company uses: `[company] erp = "embedded"` (default) or `"optima"`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.config import CompanyConfig
from agent.domain import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from agent.erp.optima.adapter import OptimaErp
    from agent.erp.sqlite import SqliteErp


async def open_erp(
    company: CompanyConfig, *, check: bool = True, timezone: str = DEFAULT_TIMEZONE
) -> SqliteErp | OptimaErp:
    """Open the company's ERP; close it with `close()` or use it as an async context manager.

    `check` is the embedded database's integrity check on opening. `timezone` (`[agent] timezone`)
    is where "today" is for an ERP that keeps local dates and times (Optima's stock dates and
    change stamps); the embedded database keeps none.
    """
    if company.erp == "optima":
        from agent.erp.optima.connect import open_optima  # loads SQLAlchemy only for Optima companies

        return await open_optima(company, timezone=timezone)
    from agent.erp.existing import open_existing

    return await open_existing(company.name, company.database, check=check)


def require_erp(company: CompanyConfig) -> None:
    """Raise MissingDatabase when an embedded company's database file is not there.

    An Optima company's database lives on its SQL Server; it is checked when it is opened.
    """
    if company.erp == "embedded":
        from agent.erp.existing import require_database

        require_database(company.name, company.database)
