"""The contract suite's harness for the Optima adapter: the known shop in a SQLite `CDN` fixture.

What a user does in Optima's own screens (editing a price, a name, adding an image) is done here
directly in the CDN tables, the way Optima stores it: a saved product gets a new Twr_TS_Mod, a
stock change is a new TwrIlosci row, an image is a DaneBinarne row behind a binary attribute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from sqlalchemy import Engine, delete, func, insert, select, update

from agent.erp.optima.adapter import OptimaErp
from agent.erp.optima.content import CATEGORY_ATTRIBUTE, AttributeMapping
from agent.erp.optima.fixture import create_fixture
from agent.erp.optima.tables import (
    dane_binarne,
    def_atrybuty,
    def_ceny,
    kontrahenci,
    magazyny,
    towary,
    tra_nag,
    twr_atrybuty,
    twr_ceny,
    twr_ean,
    twr_ilosci,
)
from agent.erp.port import ErpPort

if TYPE_CHECKING:
    from tests.erp.conftest import Shop

MAPPING = AttributeMapping(parameters={"2": "KOD_EAN", "1": "STAN"}, image_attributes=("ZDJECIE",))
ATTRIBUTES = {CATEGORY_ATTRIBUTE: 1, "KOD_EAN": 2, "STAN": 3, "CZAS_WYSYLKI": 4, "CENNIK_WYSYLKI": 5, "ZDJECIE": 6}
COLUMNS = {"name": "Twr_Nazwa", "description": "Twr_Opis", "code": "Twr_Kod", "ean": "Twr_EAN"}
TABLES = {"documents": tra_nag, "contractors": kontrahenci, "products": towary}


class OptimaHarness:
    def __init__(self, engine: Engine, erp: OptimaErp) -> None:
        self.engine = engine
        self.erp: ErpPort = erp
        self.optima = erp
        # Optima stamps Twr_TS_Mod with the time of the save; a test clock keeps them apart.
        self._clock = datetime(2026, 3, 1, 9, 0)

    @classmethod
    async def open(cls, directory: Path) -> OptimaHarness:
        engine = create_fixture(directory / "cdn.sqlite")
        erp = await OptimaErp.open(
            engine, state_dir=directory / "agent-state", mapping=MAPPING, import_folder=directory / "import"
        )
        return cls(engine, erp)

    def optima_imports(self, path: Path, *, number: str = "RO/1/2026", cancelled: bool = False) -> int:
        """What the operator's "Import dokumentów z pliku XML" does with one file: an RO in TraNag."""
        root = ET.fromstring(path.read_bytes())
        ns = {"o": "http://www.cdn.com.pl/optima/dokument"}
        marker = root.findtext("o:DOKUMENT/o:NAGLOWEK/o:NUMER_OBCY", namespaces=ns)
        total = sum(Decimal(v.text or "0") for v in root.iterfind(".//o:POZYCJA/o:WARTOSC_BRUTTO", ns))
        with self.engine.begin() as c:
            key = c.execute(
                insert(tra_nag).values(
                    TrN_TypDokumentu=308,
                    TrN_NumerPelny=number,
                    TrN_NumerObcy=marker,
                    TrN_DataDok=datetime.now(),
                    TrN_Anulowany=1 if cancelled else 0,
                    TrN_RazemBrutto=total,
                )
            ).inserted_primary_key
        path.unlink()
        assert key is not None
        return int(key[0])

    def _tick(self) -> datetime:
        self._clock += timedelta(seconds=1)
        return self._clock

    async def build_shop(self) -> Shop:
        from tests.erp.conftest import Shop

        stamp = self._tick()
        yesterday = datetime.now() - timedelta(days=1)
        with self.engine.begin() as c:
            c.execute(
                insert(def_ceny),
                [
                    {"DfC_DfCId": 1, "DfC_Nazwa": "detaliczna", "DfC_Typ": 2},
                    {"DfC_DfCId": 2, "DfC_Nazwa": "internetowa", "DfC_Typ": 2},
                    {"DfC_DfCId": 3, "DfC_Nazwa": "hurtowa netto", "DfC_Typ": 1},
                ],
            )
            c.execute(
                insert(magazyny), [{"Mag_MagId": 1, "Mag_Symbol": "MAGAZYN"}, {"Mag_MagId": 2, "Mag_Symbol": "SKLEP"}]
            )
            c.execute(insert(def_atrybuty), [{"DeA_DeAId": i, "DeA_Kod": k} for k, i in ATTRIBUTES.items()])
            goods = {"Twr_Typ": 1, "Twr_Produkt": 0, "Twr_JM": "szt.", "Twr_Flaga": 2, "Twr_TS_Mod": stamp}
            c.execute(
                insert(towary),
                [
                    {
                        **goods,
                        "Twr_TwrId": 1,
                        "Twr_Kod": "SEK-1",
                        "Twr_Nazwa": "Sekator Fiskars",
                        "Twr_EAN": "5901234123457",
                        "Twr_Opis": "Ostry sekator.",
                        "Twr_Stawka": Decimal(23),
                        "Twr_NieAktywny": 0,
                    },
                    {
                        **goods,
                        "Twr_TwrId": 2,
                        "Twr_Kod": "KON-1",
                        "Twr_Nazwa": "Konewka 10 l",
                        "Twr_EAN": None,
                        "Twr_Opis": "Plastikowa konewka.",
                        "Twr_Stawka": Decimal(8),
                        "Twr_NieAktywny": 0,
                    },
                    {
                        **goods,
                        "Twr_TwrId": 3,
                        "Twr_Kod": "OLD-1",
                        "Twr_Nazwa": "Stara grabie",
                        "Twr_EAN": None,
                        "Twr_Opis": "",
                        "Twr_Stawka": Decimal(23),
                        "Twr_NieAktywny": 1,
                    },
                    {
                        **goods,
                        "Twr_TwrId": 4,
                        "Twr_Typ": 0,
                        "Twr_Kod": "USŁUGA-WYSYŁKA",
                        "Twr_Nazwa": "Wysyłka",
                        "Twr_EAN": None,
                        "Twr_Opis": None,
                        "Twr_Stawka": Decimal(23),
                        "Twr_NieAktywny": 0,
                    },
                ],
            )
            c.execute(
                insert(twr_atrybuty),
                [
                    {"TwA_TwrId": 1, "TwA_DeAId": 1, "TwA_WartoscTxt": "100"},
                    {"TwA_TwrId": 1, "TwA_DeAId": 2, "TwA_WartoscTxt": "5901234123457"},
                    {"TwA_TwrId": 1, "TwA_DeAId": 3, "TwA_WartoscTxt": "9000001"},
                    {"TwA_TwrId": 1, "TwA_DeAId": 4, "TwA_WartoscTxt": "2 dni"},
                    {"TwA_TwrId": 1, "TwA_DeAId": 5, "TwA_WartoscTxt": "cennik-a"},
                    {"TwA_TwrId": 2, "TwA_DeAId": 1, "TwA_WartoscTxt": "101"},
                ],
            )
            c.execute(
                insert(twr_ceny),
                [
                    {"TwC_TwrID": 1, "TwC_TwCNumer": 1, "TwC_Wartosc": Decimal("99.99")},
                    {"TwC_TwrID": 1, "TwC_TwCNumer": 2, "TwC_Wartosc": Decimal("89.99")},
                    {"TwC_TwrID": 1, "TwC_TwCNumer": 3, "TwC_Wartosc": Decimal("81.30")},
                    {"TwC_TwrID": 2, "TwC_TwCNumer": 1, "TwC_Wartosc": Decimal("29.99")},
                    {"TwC_TwrID": 3, "TwC_TwCNumer": 1, "TwC_Wartosc": Decimal("9.99")},
                    {"TwC_TwrID": 4, "TwC_TwCNumer": 1, "TwC_Wartosc": Decimal("15.99")},
                ],
            )
            c.execute(
                insert(twr_ilosci),
                [
                    # An older row and Optima's company-wide total (no warehouse): both must be ignored.
                    {
                        "TwI_TwrId": 1,
                        "TwI_MagId": 1,
                        "TwI_Data": yesterday - timedelta(days=30),
                        "TwI_Ilosc": 50,
                        "TwI_Rezerwacje": 0,
                    },
                    {"TwI_TwrId": 1, "TwI_MagId": None, "TwI_Data": yesterday, "TwI_Ilosc": 15, "TwI_Rezerwacje": 2},
                    {"TwI_TwrId": 1, "TwI_MagId": 1, "TwI_Data": yesterday, "TwI_Ilosc": 10, "TwI_Rezerwacje": 2},
                    {"TwI_TwrId": 1, "TwI_MagId": 2, "TwI_Data": yesterday, "TwI_Ilosc": 5, "TwI_Rezerwacje": 0},
                    {"TwI_TwrId": 2, "TwI_MagId": 1, "TwI_Data": yesterday, "TwI_Ilosc": 3, "TwI_Rezerwacje": 0},
                    # A delivery planned for next week is not stock today.
                    {
                        "TwI_TwrId": 2,
                        "TwI_MagId": 1,
                        "TwI_Data": yesterday + timedelta(days=8),
                        "TwI_Ilosc": 300,
                        "TwI_Rezerwacje": 0,
                    },
                ],
            )
            c.execute(
                insert(kontrahenci),
                [
                    {
                        "Knt_KntId": 1,
                        "Knt_Kod": "!NIEOKREŚLONY!",
                        "Knt_Nazwa1": "Nieokreślony",
                        "Knt_Nip": None,
                        "Knt_Email": None,
                    },
                    {
                        "Knt_KntId": 2,
                        "Knt_Kod": "FIRMA",
                        "Knt_Nazwa1": "Ogrodex Sp. z o.o.",
                        "Knt_Nip": "1234563218",
                        "Knt_Email": "biuro@ogrodex.pl",
                    },
                    {
                        "Knt_KntId": 3,
                        "Knt_Kod": "JAN",
                        "Knt_Nazwa1": "Jan Kowalski",
                        "Knt_Nip": None,
                        "Knt_Email": "Jan.Kowalski@wp.pl",
                    },
                ],
            )
        return Shop(sekator=1, konewka=2, stary=3, wysylka=4, firma_nip="1234563218", jan_email="jan.kowalski@wp.pl")

    def set_price(self, product_id: int, price_type: str, gross: Decimal) -> None:
        number = select(def_ceny.c.DfC_DfCId).where(def_ceny.c.DfC_Nazwa == price_type).scalar_subquery()
        with self.engine.begin() as c:
            c.execute(
                update(twr_ceny)
                .where(twr_ceny.c.TwC_TwrID == product_id, twr_ceny.c.TwC_TwCNumer == number)
                .values(TwC_Wartosc=gross)
            )

    def _latest(self, product_id: int, warehouse: str) -> tuple[int, Decimal, datetime] | None:
        with self.engine.connect() as c:
            row = c.execute(
                select(twr_ilosci.c.TwI_MagId, twr_ilosci.c.TwI_Rezerwacje, twr_ilosci.c.TwI_Data)
                .join(magazyny, magazyny.c.Mag_MagId == twr_ilosci.c.TwI_MagId)
                .where(twr_ilosci.c.TwI_TwrId == product_id, magazyny.c.Mag_Symbol == warehouse)
                .where(twr_ilosci.c.TwI_Data <= datetime.now())
                .order_by(twr_ilosci.c.TwI_Data.desc())
                .limit(1)
            ).first()
        return None if row is None else (int(row[0]), Decimal(row[1]), row[2])

    def set_stock(self, product_id: int, warehouse: str, on_hand: int) -> None:
        latest = self._latest(product_id, warehouse)
        assert latest is not None
        mag_id, reserved, _ = latest
        # Optima records a stock movement as a new row dated with the movement's day.
        with self.engine.begin() as c:
            c.execute(
                insert(twr_ilosci).values(
                    TwI_TwrId=product_id,
                    TwI_MagId=mag_id,
                    TwI_Data=datetime.now(),
                    TwI_Ilosc=on_hand,
                    TwI_Rezerwacje=reserved,
                )
            )

    def reserved(self, product_id: int, warehouse: str) -> int:
        latest = self._latest(product_id, warehouse)
        return 0 if latest is None else int(latest[1])

    def _save(self, product_id: int, **values: object) -> None:
        with self.engine.begin() as c:
            c.execute(update(towary).where(towary.c.Twr_TwrId == product_id).values(Twr_TS_Mod=self._tick(), **values))

    def _set_attribute(self, product_id: int, code: str, text: str | None, dab_id: int | None = None) -> None:
        dea_id = ATTRIBUTES[code]
        with self.engine.begin() as c:
            c.execute(
                delete(twr_atrybuty).where(twr_atrybuty.c.TwA_TwrId == product_id, twr_atrybuty.c.TwA_DeAId == dea_id)
            )
            if text is not None or dab_id is not None:
                c.execute(
                    insert(twr_atrybuty).values(
                        TwA_TwrId=product_id, TwA_DeAId=dea_id, TwA_WartoscTxt=text, TwA_DABID=dab_id
                    )
                )

    def add_barcode(self, product_id: int, ean: str) -> None:
        """A barcode added to the product card's list of EAN codes (CDN.TwrEan), then the card saved."""
        with self.engine.begin() as c:
            c.execute(insert(twr_ean).values(TwE_TwrId=product_id, TwE_EAN=ean))
        self._save(product_id)

    def update_product(self, product_id: int, column: str, value: object) -> None:
        """The embedded ERP's column names, done as Optima's product form saves them."""
        if column in COLUMNS:
            self._save(product_id, **{COLUMNS[column]: value})
        elif column == "vat_rate":
            rate = str(value)
            self._save(product_id, Twr_Flaga=1 if rate == "zw." else 2, Twr_Stawka=Decimal(rate.rstrip("%.zw") or 0))
        elif column == "active":
            self._save(product_id, Twr_NieAktywny=0 if value else 1)
        elif column in ("category_id", "shared_for_sale"):
            self._set_attribute(
                product_id, CATEGORY_ATTRIBUTE, str(value) if column == "category_id" and value else None
            )
            self._save(product_id)
        elif column == "parameters":
            assert value == "[]"
            for code in MAPPING.parameters.values():
                self._set_attribute(product_id, code, None)
            self._save(product_id)
        else:  # pragma: no cover - a new contract test names a column this harness must learn
            raise AssertionError(column)

    def edit_contractor(self, nip: str, name: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                update(kontrahenci).where(kontrahenci.c.Knt_Nip == nip).values(Knt_Nazwa1=name, Knt_Miasto="Radom")
            )

    def edit_document_note(self, document_id: int, note: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(tra_nag).where(tra_nag.c.TrN_TrNID == document_id).values(TrN_Opis=note))

    async def add_image(self, product_id: int, content: bytes) -> None:
        """A new picture in the product's image attribute; the old binary row stays, as the contract needs."""
        with self.engine.begin() as c:
            dab_id = c.execute(
                insert(dane_binarne).values(DAB_Wartosc=content, DAB_Rozszerzenie="png")
            ).inserted_primary_key
        assert dab_id is not None
        self._set_attribute(product_id, "ZDJECIE", None, int(dab_id[0]))
        self._save(product_id)

    def count(self, table: str) -> int:
        with self.engine.connect() as c:
            return int(c.execute(select(func.count()).select_from(TABLES[table])).scalar_one())

    def document(self, document_id: int) -> dict[str, object]:
        raise AssertionError("Optima's documents are made by Optima's XML import: see tests/erp_optima")
