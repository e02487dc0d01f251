"""Fixtures of the ERP tests: a harness per ERP implementation, and a small known shop in it.

The contract suite talks to the ERP through `ErpPort` only; what a port does not offer (the ERP's
own screens: editing a price, a name, a contractor) goes through the harness, which each
implementation provides. To run the suite against another implementation, add a harness class
and its name to `IMPLEMENTATIONS`.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import pytest
from PIL import Image

from agent.erp.port import ErpPort
from agent.erp.sqlite import SqliteErp
from tests.erp.optima_harness import OptimaHarness


@dataclass(frozen=True, slots=True)
class Shop:
    """Ids of the known shop every contract test starts from."""

    sekator: int  # shared, 23%, stock MAGAZYN 10 (2 reserved) + SKLEP 5
    konewka: int  # shared, 8%, stock MAGAZYN 3, no internetowa price
    stary: int  # inactive, not shared
    wysylka: int  # the shipping service product
    firma_nip: str  # contractor with a NIP
    jan_email: str  # contractor without NIP, with an e-mail


class Harness(Protocol):
    """ERP-side editing for the contract tests (what a user does in the ERP's own screens)."""

    erp: ErpPort

    async def build_shop(self) -> Shop: ...
    def set_price(self, product_id: int, price_type: str, gross: Decimal) -> None: ...
    def set_stock(self, product_id: int, warehouse: str, on_hand: int) -> None: ...
    def reserved(self, product_id: int, warehouse: str) -> int: ...
    def update_product(self, product_id: int, column: str, value: object) -> None: ...
    def edit_contractor(self, nip: str, name: str) -> None: ...
    def edit_document_note(self, document_id: int, note: str) -> None: ...
    async def add_image(self, product_id: int, content: bytes) -> None: ...
    def count(self, table: str) -> int: ...
    def document(self, document_id: int) -> dict[str, object]: ...


def png(side: int = 160, colour: tuple[int, int, int] = (10, 120, 30), fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(buffer, format=fmt)
    return buffer.getvalue()


class SqliteHarness:
    def __init__(self, path: Path, erp: SqliteErp) -> None:
        self.path = path
        self.erp: ErpPort = erp
        self._sqlite = erp

    def _sql(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            return list(conn.execute(sql, params).fetchall())
        finally:
            conn.close()

    async def build_shop(self) -> Shop:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.executescript(
                """
                BEGIN;
                INSERT INTO price_types (id, name) VALUES (1, 'detaliczna'), (2, 'internetowa');
                INSERT INTO warehouses (id, code, name) VALUES (1, 'MAGAZYN', 'Magazyn'), (2, 'SKLEP', 'Sklep');
                INSERT INTO products (code, ean, name, description, unit, vat_rate, active, shared_for_sale,
                                      category_id, parameters, lead_time, shipping_tariff)
                VALUES ('SEK-1', '5901234123457', 'Sekator Fiskars', 'Ostry sekator.', 'sztuk', '23%', 1, 1,
                        100, '[[2, "5901234123457"], [1, "9000001"]]', '2 dni', 'cennik-a'),
                       ('KON-1', NULL, 'Konewka 10 l', 'Plastikowa konewka.', 'sztuk', '8%', 1, 1,
                        101, '[]', NULL, NULL),
                       ('OLD-1', NULL, 'Stara grabie', '', 'sztuk', '23%', 0, 0, NULL, '[]', NULL, NULL);
                INSERT INTO products (code, name, vat_rate, is_service) VALUES ('USŁUGA-WYSYŁKA', 'Wysyłka', '23%', 1);
                INSERT INTO prices (product_id, price_type_id, net, gross) VALUES
                    (1, 1, '81.29', '99.99'), (1, 2, '73.16', '89.99'),
                    (2, 1, '27.77', '29.99'), (3, 1, '8.12', '9.99'), (4, 1, '13.00', '15.99');
                INSERT INTO stock (product_id, warehouse_id, on_hand, reserved) VALUES
                    (1, 1, 10, 2), (1, 2, 5, 0), (2, 1, 3, 0);
                INSERT INTO contractors (code, name, nip, email) VALUES
                    ('FIRMA', 'Ogrodex Sp. z o.o.', '1234563218', 'biuro@ogrodex.pl'),
                    ('JAN', 'Jan Kowalski', NULL, 'Jan.Kowalski@wp.pl');
                COMMIT;
                """
            )
        finally:
            conn.close()
        return Shop(sekator=1, konewka=2, stary=3, wysylka=4, firma_nip="1234563218", jan_email="jan.kowalski@wp.pl")

    def set_price(self, product_id: int, price_type: str, gross: Decimal) -> None:
        self._sql(
            """UPDATE prices SET gross = ? WHERE product_id = ?
               AND price_type_id = (SELECT id FROM price_types WHERE name = ?)""",
            (str(gross), product_id, price_type),
        )

    def set_stock(self, product_id: int, warehouse: str, on_hand: int) -> None:
        self._sql(
            """UPDATE stock SET on_hand = ? WHERE product_id = ?
               AND warehouse_id = (SELECT id FROM warehouses WHERE code = ?)""",
            (on_hand, product_id, warehouse),
        )

    def reserved(self, product_id: int, warehouse: str) -> int:
        rows = self._sql(
            """SELECT reserved FROM stock WHERE product_id = ?
               AND warehouse_id = (SELECT id FROM warehouses WHERE code = ?)""",
            (product_id, warehouse),
        )
        return int(str(rows[0][0])) if rows else 0

    def update_product(self, product_id: int, column: str, value: object) -> None:
        assert column.isidentifier()
        self._sql(f"UPDATE products SET {column} = ? WHERE id = ?", (value, product_id))

    def edit_contractor(self, nip: str, name: str) -> None:
        self._sql("UPDATE contractors SET name = ?, city = 'Radom' WHERE nip = ?", (name, nip))

    def edit_document_note(self, document_id: int, note: str) -> None:
        self._sql("UPDATE documents SET note = ?, payment_form = 'karta' WHERE id = ?", (note, document_id))

    async def add_image(self, product_id: int, content: bytes) -> None:
        await self._sqlite.set_images(product_id, [content])

    def count(self, table: str) -> int:
        assert table.isidentifier()
        return int(str(self._sql(f"SELECT COUNT(*) FROM {table}")[0][0]))

    def document(self, document_id: int) -> dict[str, object]:
        conn = sqlite3.connect(self.path)
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute(
                """SELECT d.*, c.name AS contractor_name, c.code AS contractor_code, c.nip AS contractor_nip
                   FROM documents d JOIN contractors c ON c.id = d.contractor_id WHERE d.id = ?""",
                (document_id,),
            ).fetchone()
            lines = conn.execute(
                "SELECT * FROM document_lines WHERE document_id = ? ORDER BY position", (document_id,)
            ).fetchall()
        finally:
            conn.close()
        return {**dict(row), "lines": [dict(line) for line in lines]}


IMPLEMENTATIONS = ("sqlite", "optima")
# For contract tests that write an RO through the port and then read it back at once: the Optima
# adapter's RO is made by Optima's XML import, which tests/erp_optima covers instead.
EMBEDDED_ONLY = pytest.mark.parametrize("harness", ["sqlite"], indirect=True)


@pytest.fixture(params=IMPLEMENTATIONS)
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    if request.param == "sqlite":
        erp = await SqliteErp.open(tmp_path / "firma.sqlite")
        try:
            yield SqliteHarness(tmp_path / "firma.sqlite", erp)
        finally:
            await erp.close()
    elif request.param == "optima":
        optima = await OptimaHarness.open(tmp_path)
        try:
            yield optima
        finally:
            await optima.optima.close()
    else:  # pragma: no cover - a new implementation adds its branch here
        raise AssertionError(request.param)
