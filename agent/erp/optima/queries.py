"""The adapter's read statements on Optima's CDN tables, written once in SQLAlchemy Core.

Every statement is dialect-neutral (COALESCE, joins on grouped maxima, no ISNULL or TOP) so it
runs on SQL Server and on the SQLite fixture alike; a test compiles each for mssql. Functions take
a synchronous connection: the adapter runs them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select

from agent.erp.optima.tables import (
    dane_binarne,
    def_atrybuty,
    def_ceny,
    magazyny,
    system_cdn,
    towary,
    twr_atrybuty,
    twr_ceny,
    twr_ilosci,
)
from agent.errors import ConfigError

GOODS = towary.c.Twr_Typ == 1
CENT = Decimal("0.01")


def version(conn: Connection) -> str | None:
    """Optima's database version (SystemCDN row 3), as the program shows it."""
    row = conn.execute(select(system_cdn.c.SYS_Wartosc).where(system_cdn.c.SYS_ID == 3)).first()
    return None if row is None else str(row[0])


def product_rows(ids: Sequence[int]) -> Select[Any]:
    return select(
        towary.c.Twr_TwrId,
        towary.c.Twr_Kod,
        towary.c.Twr_EAN,
        towary.c.Twr_Nazwa,
        func.coalesce(towary.c.Twr_Opis, ""),
        towary.c.Twr_JM,
        towary.c.Twr_Stawka,
        towary.c.Twr_Flaga,
        towary.c.Twr_NieAktywny,
    ).where(towary.c.Twr_TwrId.in_(list(ids)), GOODS)


def modified_since(since: datetime | None) -> Select[Any]:
    """Goods modified after the watermark (all goods when None), with their Twr_TS_Mod."""
    query = (
        select(towary.c.Twr_TwrId, towary.c.Twr_TS_Mod).where(GOODS).order_by(towary.c.Twr_TS_Mod, towary.c.Twr_TwrId)
    )
    if since is not None:
        query = query.where(towary.c.Twr_TS_Mod > since)
    return query


def attributes(ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            twr_atrybuty.c.TwA_TwrId, def_atrybuty.c.DeA_Kod, twr_atrybuty.c.TwA_WartoscTxt, twr_atrybuty.c.TwA_DABID
        )
        .join(def_atrybuty, def_atrybuty.c.DeA_DeAId == twr_atrybuty.c.TwA_DeAId)
        .where(twr_atrybuty.c.TwA_TwrId.in_(list(ids)))
        .order_by(twr_atrybuty.c.TwA_TwrId, twr_atrybuty.c.TwA_TwAId)
    )


def binary(ids: Sequence[int]) -> Select[Any]:
    return select(dane_binarne.c.DAB_DABId, dane_binarne.c.DAB_Wartosc, dane_binarne.c.DAB_Rozszerzenie).where(
        dane_binarne.c.DAB_DABId.in_(list(ids))
    )


def price_type(conn: Connection, name: str) -> tuple[int, bool]:
    """(DfC_DfCId, is_net) of the price type called `name`; ConfigError naming the known ones."""
    rows = conn.execute(select(def_ceny.c.DfC_DfCId, def_ceny.c.DfC_Nazwa, def_ceny.c.DfC_Typ)).all()
    for row in rows:
        if str(row[1]).strip().casefold() == name.casefold():
            return int(row[0]), int(row[2]) == 1
    known = ", ".join(sorted(str(r[1]).strip() for r in rows)) or "none"
    raise ConfigError(
        f'price type "{name}" does not exist in Optima (price types: {known})',
        hint="set [company] price_type to one of them",
    )


def warehouse_ids(conn: Connection, codes: Sequence[str]) -> list[int]:
    """Mag_MagId of each warehouse symbol (all warehouses when empty); ConfigError for an unknown one."""
    rows = {str(r[1]).strip(): int(r[0]) for r in conn.execute(select(magazyny.c.Mag_MagId, magazyny.c.Mag_Symbol))}
    if not codes:
        return sorted(rows.values())
    missing = [c for c in codes if c not in rows]
    if missing:
        raise ConfigError(
            f"warehouse {', '.join(missing)} does not exist in Optima (warehouses: {', '.join(sorted(rows))})",
            hint="set [company] warehouses to Optima's warehouse symbols",
        )
    return [rows[c] for c in codes]


def goods(ids: Sequence[int] | None) -> Select[Any]:
    """(id, VAT flag, VAT rate) of goods, by id."""
    query = select(towary.c.Twr_TwrId, towary.c.Twr_Flaga, towary.c.Twr_Stawka).where(GOODS)
    if ids is not None:
        query = query.where(towary.c.Twr_TwrId.in_(list(ids)))
    return query.order_by(towary.c.Twr_TwrId)


def prices(ids: Sequence[int] | None) -> Select[Any]:
    """(product, price type, value) of every price of these products (all when None)."""
    query = select(twr_ceny.c.TwC_TwrID, twr_ceny.c.TwC_TwCNumer, twr_ceny.c.TwC_Wartosc)
    if ids is not None:
        query = query.where(twr_ceny.c.TwC_TwrID.in_(list(ids)))
    return query.order_by(twr_ceny.c.TwC_TwrID, twr_ceny.c.TwC_TwCNumer)


def latest_stock(ids: Sequence[int] | None, today: date) -> Select[Any]:
    """(product, warehouse, on hand, reserved): the latest TwrIlosci row on or before today per pair.

    Rows without a warehouse (MagId null) are Optima's company-wide totals and are skipped.
    """
    end_of_day = datetime.combine(today, time.max)
    latest = (
        select(
            twr_ilosci.c.TwI_TwrId.label("twr"),
            twr_ilosci.c.TwI_MagId.label("mag"),
            func.max(twr_ilosci.c.TwI_Data).label("data"),
        )
        .where(twr_ilosci.c.TwI_MagId.is_not(None), twr_ilosci.c.TwI_Data <= end_of_day)
        .group_by(twr_ilosci.c.TwI_TwrId, twr_ilosci.c.TwI_MagId)
    )
    if ids is not None:
        latest = latest.where(twr_ilosci.c.TwI_TwrId.in_(list(ids)))
    pairs = latest.subquery("latest")
    return (
        select(twr_ilosci.c.TwI_TwrId, twr_ilosci.c.TwI_MagId, twr_ilosci.c.TwI_Ilosc, twr_ilosci.c.TwI_Rezerwacje)
        .join(
            pairs,
            and_(
                pairs.c.twr == twr_ilosci.c.TwI_TwrId,
                pairs.c.mag == twr_ilosci.c.TwI_MagId,
                pairs.c.data == twr_ilosci.c.TwI_Data,
            ),
        )
        .order_by(twr_ilosci.c.TwI_TwrId, twr_ilosci.c.TwI_MagId)
    )


def gross(value: object, flag: object, rate: object, is_net: bool) -> Decimal | None:
    """The gross price from a TwrCeny value: a net price type gets the product's VAT added."""
    if value is None:
        return None
    amount = Decimal(str(value))
    if is_net and int(str(flag or 0)) == 2:
        amount = amount * (1 + Decimal(str(rate or 0)) / 100)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def shared_ids(category_attribute: str) -> Select[Any]:
    """Active goods carrying the marketplace category attribute (see `reader`)."""
    return (
        select(towary.c.Twr_TwrId)
        .join(twr_atrybuty, twr_atrybuty.c.TwA_TwrId == towary.c.Twr_TwrId)
        .join(def_atrybuty, def_atrybuty.c.DeA_DeAId == twr_atrybuty.c.TwA_DeAId)
        .where(GOODS, towary.c.Twr_NieAktywny == 0, def_atrybuty.c.DeA_Kod == category_attribute)
        .where(func.coalesce(twr_atrybuty.c.TwA_WartoscTxt, "") != "")
        .distinct()
    )
