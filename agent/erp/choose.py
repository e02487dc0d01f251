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
    from agent.erp.sqlite import SqliteErp

    return await SqliteErp.open(company.database, check=check)
