"""Which ERP adapter a company uses: `[company] erp = "embedded"` (default) or `"optima"`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.config import CompanyConfig

if TYPE_CHECKING:
    from agent.erp.optima.adapter import OptimaErp
    from agent.erp.sqlite import SqliteErp


async def open_erp(company: CompanyConfig, *, check: bool = True) -> SqliteErp | OptimaErp:
    """Open the company's ERP; close it with `close()` or use it as an async context manager.

    `check` is the embedded database's integrity check on opening.
    """
    if company.erp == "optima":
        from agent.erp.optima.connect import open_optima  # loads SQLAlchemy only for Optima companies

        return await open_optima(company)
    from agent.erp.existing import open_existing

    return await open_existing(company.name, company.database, check=check)


def require_erp(company: CompanyConfig) -> None:
    """Raise MissingDatabase when an embedded company's database file is not there.

    An Optima company's database lives on its SQL Server; it is checked when it is opened.
    """
    if company.erp == "embedded":
        from agent.erp.existing import require_database

        require_database(company.name, company.database)
