"""The adapter's read statements on Optima's CDN tables, written once in SQLAlchemy Core.

Every statement is dialect-neutral (COALESCE, joins on grouped maxima, no ISNULL or TOP) so it
runs on SQL Server and on the SQLite fixture alike; a test compiles each for mssql. Functions take
a synchronous connection: the adapter runs them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Select,
    and_,
    cast,
    exists,
    func,
    literal_column,
    select,
)

from agent.erp.optima.tables import (
    dane_binarne,
    def_atrybuty,
    def_ceny,
    magazyny,
    system_cdn,
    towary,
    twr_atrybuty,
    twr_ceny,
    twr_ean,
    twr_ilosci,
)
from agent.errors import ConfigError, Phrase

GOODS = towary.c.Twr_Typ == 1
CENT = Decimal("0.01")
# Prices and quantities are read as whole ten-thousandths (Optima keeps at most 4 decimals).
SCALE = 10_000


def version(conn: Connection) -> str | None:
    """Optima's database version (SystemCDN row 3), as the program shows it."""
    row = conn.execute(select(system_cdn.c.SYS_Wartosc).where(system_cdn.c.SYS_ID == 3)).first()
    return None if row is None else str(row[0])


PRODUCT_COLUMNS = (
    towary.c.Twr_TwrId,
    towary.c.Twr_Kod,
    towary.c.Twr_EAN,
    towary.c.Twr_Nazwa,
    func.coalesce(towary.c.Twr_Opis, ""),
    towary.c.Twr_JM,
    towary.c.Twr_Stawka,
    towary.c.Twr_Flaga,
    towary.c.Twr_NieAktywny,
    # The product's first extra barcode (TwrEan, "Kody EAN" on the card): its EAN when Twr_EAN is empty.
    select(twr_ean.c.TwE_EAN)
    .where(twr_ean.c.TwE_TwrId == towary.c.Twr_TwrId)
    .order_by(twr_ean.c.TwE_TwEId)
    .limit(1)
    .scalar_subquery(),
)


def product_rows(ids: Sequence[int]) -> Select[Any]:
    return select(*PRODUCT_COLUMNS).where(towary.c.Twr_TwrId.in_(list(ids)), GOODS)


def _saved_after(since: datetime | None) -> ColumnElement[bool]:
    return GOODS if since is None else and_(GOODS, towary.c.Twr_TS_Mod > since)


def modified_since(since: datetime | None) -> Select[Any]:
    """The product rows of goods saved after the watermark (all goods when None), each with its
    Twr_TS_Mod last: one range read of Twr_TS_Mod, no list of ids."""
    return (
        select(*PRODUCT_COLUMNS, towary.c.Twr_TS_Mod)
        .where(_saved_after(since))
        .order_by(towary.c.Twr_TS_Mod, towary.c.Twr_TwrId)
    )


def attributes_modified_since(since: datetime | None) -> Select[Any]:
    """`attributes` of the goods `modified_since` returns."""
    return (
        select(
            twr_atrybuty.c.TwA_TwrId, def_atrybuty.c.DeA_Kod, twr_atrybuty.c.TwA_WartoscTxt, twr_atrybuty.c.TwA_DABID
        )
        .join(def_atrybuty, def_atrybuty.c.DeA_DeAId == twr_atrybuty.c.TwA_DeAId)
        .join(towary, towary.c.Twr_TwrId == twr_atrybuty.c.TwA_TwrId)
        .where(_saved_after(since))
        # Ordered by the stamp first, so the read starts from Twr_TS_Mod, not from every attribute.
        .order_by(towary.c.Twr_TS_Mod, twr_atrybuty.c.TwA_TwAId)
    )


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
    names = ", ".join(sorted(str(r[1]).strip() for r in rows))
    raise ConfigError(
        f'price type "{name}" does not exist in Optima (price types: {names or "none"})',
        hint="set [company] price_type to one of them",
        phrase=Phrase("err.optima_price_type_missing", {"name": name, "known": names or Phrase("err.none")}),
        hint_phrase=Phrase("errhint.optima_price_type"),
    )


def warehouse_ids(conn: Connection, codes: Sequence[str]) -> list[int]:
    """Mag_MagId of each warehouse symbol (all warehouses when empty); ConfigError for an unknown one."""
    rows = {str(r[1]).strip(): int(r[0]) for r in conn.execute(select(magazyny.c.Mag_MagId, magazyny.c.Mag_Symbol))}
    if not codes:
        return sorted(rows.values())
    missing = [c for c in codes if c not in rows]
    if missing:
        listed, known = ", ".join(missing), ", ".join(sorted(rows))
        raise ConfigError(
            f"warehouse {listed} does not exist in Optima (warehouses: {known})",
            hint="set [company] warehouses to Optima's warehouse symbols",
            phrase=Phrase("err.optima_warehouse_missing", {"missing": listed, "known": known}),
            hint_phrase=Phrase("errhint.optima_warehouses"),
        )
    return [rows[c] for c in codes]


def goods(ids: Sequence[int] | None, *, with_vat: bool) -> Select[Any]:
    """Goods by id: (id,), or (id, VAT flag, VAT rate) `with_vat` (a net price type needs them)."""
    columns = [towary.c.Twr_TwrId, towary.c.Twr_Flaga, towary.c.Twr_Stawka] if with_vat else [towary.c.Twr_TwrId]
    query = select(*columns).where(GOODS)
    if ids is not None:
        query = query.where(towary.c.Twr_TwrId.in_(list(ids)))
    return query.order_by(towary.c.Twr_TwrId)


def scaled(column: ColumnElement[Any]) -> ColumnElement[int]:
    """A decimal column as a whole number of ten-thousandths, computed by the server.

    Whole numbers come back from every driver as plain ints: exact, cheap to hash and to compare
    (a Decimal per value would cost a pass over the catalogue more than reading it).
    """
    return cast(func.round(column * literal_column(str(SCALE)), literal_column("0")), BigInteger)


def prices(ids: Sequence[int] | None) -> Select[Any]:
    """(product, price type, value in ten-thousandths) of every price of these products (all when None)."""
    query = select(twr_ceny.c.TwC_TwrID, twr_ceny.c.TwC_TwCNumer, scaled(twr_ceny.c.TwC_Wartosc))
    if ids is not None:
        query = query.where(twr_ceny.c.TwC_TwrID.in_(list(ids)))
    return query.order_by(twr_ceny.c.TwC_TwrID, twr_ceny.c.TwC_TwCNumer, twr_ceny.c.TwC_TwCId)


def latest_stock(ids: Sequence[int] | None, today: date) -> Select[Any]:
    """(product, warehouse, on hand, reserved), quantities in ten-thousandths: per product and warehouse,
    the TwrIlosci row with the latest date on or before today (no later row on or before today exists).

    Rows without a warehouse (MagId null) are Optima's company-wide totals and are skipped.
    """
    end = datetime.combine(today + timedelta(days=1), time.min)
    later = twr_ilosci.alias("later")
    newer = exists().where(
        later.c.TwI_TwrId == twr_ilosci.c.TwI_TwrId,
        later.c.TwI_MagId == twr_ilosci.c.TwI_MagId,
        later.c.TwI_Data > twr_ilosci.c.TwI_Data,
        later.c.TwI_Data < end,
    )
    query = select(
        twr_ilosci.c.TwI_TwrId,
        twr_ilosci.c.TwI_MagId,
        scaled(twr_ilosci.c.TwI_Ilosc),
        scaled(twr_ilosci.c.TwI_Rezerwacje),
    ).where(twr_ilosci.c.TwI_MagId.is_not(None), twr_ilosci.c.TwI_Data < end, ~newer)
    if ids is not None:
        query = query.where(twr_ilosci.c.TwI_TwrId.in_(list(ids)))
    # No tie-break after the warehouse: it would make SQL sort what the index returns in order. A
    # good has one row per warehouse and date in Optima as far as we know; two with the same latest
    # date would both be read, as before, in no fixed order (at worst a spare version, nothing lost).
    return query.order_by(twr_ilosci.c.TwI_TwrId, twr_ilosci.c.TwI_MagId)


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
