"""Optima's tables (schema CDN) as the adapter reads them, in SQLAlchemy Core.

Only the columns the adapter uses are declared, with Optima's real names and SQL types, so the
same statements compile for SQL Server (mssql) and run against the SQLite test fixture, which
attaches a database as schema "CDN". Nothing here creates or alters tables in a real Optima.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, LargeBinary, MetaData, Numeric, SmallInteger, String, Table

metadata = MetaData(schema="CDN")

towary = Table(
    "Towary",
    metadata,
    Column("Twr_TwrId", Integer, primary_key=True),
    Column("Twr_Typ", SmallInteger, nullable=False),  # 1 goods, 0 service
    Column("Twr_Produkt", SmallInteger, nullable=False),
    Column("Twr_Kod", String(50), nullable=False),
    Column("Twr_Nazwa", String(255), nullable=False),
    Column("Twr_EAN", String(40)),
    Column("Twr_Opis", String),
    Column("Twr_JM", String(20)),
    Column("Twr_Stawka", Numeric(5, 2)),
    Column("Twr_Flaga", SmallInteger),  # VAT flag: 2 taxed at Twr_Stawka, 1 exempt ("zw")
    Column("Twr_NieAktywny", SmallInteger, nullable=False),
    Column("Twr_TS_Mod", DateTime),
)

twr_ean = Table(
    "TwrEan",
    metadata,
    Column("TwE_TwEId", Integer, primary_key=True),
    Column("TwE_TwrId", Integer, nullable=False),
    Column("TwE_EAN", String(40), nullable=False),
)

def_ceny = Table(
    "DefCeny",
    metadata,
    Column("DfC_DfCId", Integer, primary_key=True),
    Column("DfC_Nazwa", String(40), nullable=False),
    Column("DfC_Typ", SmallInteger, nullable=False),  # 1 net, else gross
)

twr_ceny = Table(
    "TwrCeny",
    metadata,
    Column("TwC_TwCId", Integer, primary_key=True),
    Column("TwC_TwrID", Integer, nullable=False),
    Column("TwC_TwCNumer", Integer, nullable=False),  # = DefCeny.DfC_DfCId
    Column("TwC_Wartosc", Numeric(15, 2), nullable=False),
)

magazyny = Table(
    "Magazyny",
    metadata,
    Column("Mag_MagId", Integer, primary_key=True),
    Column("Mag_Symbol", String(20), nullable=False),
)

twr_ilosci = Table(
    "TwrIlosci",
    metadata,
    Column("TwI_TwIId", Integer, primary_key=True),
    Column("TwI_TwrId", Integer, nullable=False),
    Column("TwI_MagId", Integer),
    Column("TwI_Data", DateTime, nullable=False),
    Column("TwI_Ilosc", Numeric(15, 4), nullable=False),
    Column("TwI_Rezerwacje", Numeric(15, 4), nullable=False),
)

def_atrybuty = Table(
    "DefAtrybuty",
    metadata,
    Column("DeA_DeAId", Integer, primary_key=True),
    Column("DeA_Kod", String(40), nullable=False),
)

twr_atrybuty = Table(
    "TwrAtrybuty",
    metadata,
    Column("TwA_TwAId", Integer, primary_key=True),
    Column("TwA_TwrId", Integer, nullable=False),
    Column("TwA_DeAId", Integer, nullable=False),
    Column("TwA_WartoscTxt", String(1024)),
    Column("TwA_DABID", Integer),
)

dane_binarne = Table(
    "DaneBinarne",
    metadata,
    Column("DAB_DABId", Integer, primary_key=True),
    Column("DAB_Wartosc", LargeBinary),
    Column("DAB_Rozszerzenie", String(10)),
)

kontrahenci = Table(
    "Kontrahenci",
    metadata,
    Column("Knt_KntId", Integer, primary_key=True),
    Column("Knt_Kod", String(20), nullable=False),
    Column("Knt_Nazwa1", String(50)),
    Column("Knt_Nip", String(13)),
    Column("Knt_Email", String(255)),
    Column("Knt_Ulica", String(40)),
    Column("Knt_Miasto", String(40)),
    Column("Knt_KodPocztowy", String(10)),
)

tra_nag = Table(
    "TraNag",
    metadata,
    Column("TrN_TrNID", Integer, primary_key=True),
    Column("TrN_TypDokumentu", Integer, nullable=False),  # 308: RO (zamówienie od klienta)
    Column("TrN_NumerPelny", String(30)),
    Column("TrN_NumerObcy", String(30)),
    Column("TrN_Opis", String(1024)),
    Column("TrN_DataDok", DateTime),
    Column("TrN_Anulowany", SmallInteger),
    Column("TrN_RazemBrutto", Numeric(15, 2)),
)

system_cdn = Table(
    "SystemCDN",
    metadata,
    Column("SYS_ID", Integer, primary_key=True),
    Column("SYS_Wartosc", String(255)),
)

DOCUMENT_TYPE_RO = 308
