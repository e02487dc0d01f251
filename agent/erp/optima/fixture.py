"""A SQLite stand-in for an Optima company database: the CDN tables with Optima's names and types.

No SQL Server runs in the tests or the bench, so they point the adapter at a SQLite file attached
as schema "CDN", made from the same table definitions the adapter queries (`tables`). Also useful
to try the adapter by hand. Real Optima databases are made by Optima, never by this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Index, NullPool, create_engine, event

from agent.erp.optima.tables import metadata, system_cdn, twr_atrybuty, twr_ceny, twr_ean, twr_ilosci

# Stand-ins for the indexes Optima keeps on these tables. Public evidence of real ones: EF Core
# scaffolds of four Optima company databases of one firm, Optima version not shown
# (github.com/Carisky/ComarchBlocker, commit 8ffd0d7, TSL.Data/Models/CDN_TSL*/*Context.cs), list,
# as below, a unique TwITowar (TwI_TwrId, TwI_MagId, TwI_Data DESC) on TwrIlosci, a unique
# TwCTowar (TwC_TwrID, TwC_TwCNumer) on TwrCeny, TwATowar (TwA_TwrId) on TwrAtrybuty and TwETowar
# (TwE_TwrId, TwE_EAN) on TwrEan; and 21-23 indexes on CDN.Towary, none on Twr_TS_Mod. So this
# fixture has none there either: the content delta reads all of CDN.Towary, as in those databases
# (bench/bench_optima.py times it with and without one).
INDEXES = (
    Index("fx_twi_twr_mag_data", twr_ilosci.c.TwI_TwrId, twr_ilosci.c.TwI_MagId, twr_ilosci.c.TwI_Data),
    Index("fx_twc_twr_numer", twr_ceny.c.TwC_TwrID, twr_ceny.c.TwC_TwCNumer),
    Index("fx_twa_twr", twr_atrybuty.c.TwA_TwrId),
    Index("fx_twe_twr", twr_ean.c.TwE_TwrId),
)

FIXTURE_VERSION = "2025.0.1"


def sqlite_engine(path: Path) -> Engine:
    """An engine whose every connection sees the SQLite file at `path` as schema CDN."""
    engine = create_engine("sqlite://", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def attach(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute("ATTACH DATABASE ? AS CDN", (str(path),))

    return engine


def create_fixture(path: Path, *, version: str = FIXTURE_VERSION) -> Engine:
    """Create the CDN tables in a new SQLite file at `path`; the engine to reach it."""
    engine = sqlite_engine(path)
    metadata.create_all(engine)  # with INDEXES: declaring them attached them to their tables
    with engine.begin() as conn:
        conn.execute(system_cdn.insert().values(SYS_ID=3, SYS_Wartosc=version))
    return engine
