"""Orders to Optima: one XML file per order, kept awaiting import until the RO is in CDN.TraNag."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import event
from sqlalchemy.dialects.mssql.base import MSDialect
from sqlalchemy.sql import ClauseElement

from agent.domain import Address, ContractorData, DocumentDraft, DocumentLine
from agent.erp.optima import fence
from agent.erp.port import LeaseHolder
from agent.errors import InvalidItem, LeaseLost
from tests.erp.conftest import Shop
from tests.erp.optima_harness import OptimaHarness

NS = {"o": "http://www.cdn.com.pl/optima/dokument"}


def _draft(shop: Shop, order_id: str = "7001", **contractor: str) -> DocumentDraft:
    return DocumentDraft(
        marketplace="wszystko.pl",
        order_id=order_id,
        series="RO",
        issued=datetime(2026, 5, 4, 12, 30, tzinfo=UTC),
        contractor=ContractorData(
            name="Anna Nowak",
            email=contractor.get("email", "anna.nowak@example.pl"),
            nip=contractor.get("nip"),
            address=Address(street="ul. Polna", building_number="3", post_code="00-950", city="Warszawa"),
        ),
        payment_form="przelew",
        lines=(DocumentLine(shop.sekator, 2, Decimal("99.99")), DocumentLine(shop.konewka, 1, Decimal("29.99"))),
        shipping_cost=Decimal("15.99"),
    )


def _files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "import").glob("*.xml"))


async def test_an_order_becomes_one_xml_file_awaiting_import(harness: OptimaHarness, tmp_path: Path) -> None:
    shop = await harness.build_shop()
    document_id, created = await harness.optima.create_document(
        _draft(shop), match_contractors=True, create_contractors=True, warehouses=["SKLEP"], fence=None
    )
    again = await harness.optima.create_document(
        _draft(shop), match_contractors=True, create_contractors=True, fence=None
    )
    assert created and document_id < 0 and again == (document_id, False)
    (path,) = _files(tmp_path)
    root = ET.fromstring(path.read_bytes())
    head = root.find("o:DOKUMENT/o:NAGLOWEK", NS)
    assert head is not None
    assert (head.findtext("o:TYP_DOKUMENTU", namespaces=NS), head.findtext("o:NUMER_OBCY", namespaces=NS)) == (
        "308",
        "WSZ-7001",
    )
    assert head.findtext("o:MAGAZYN_ZRODLOWY", namespaces=NS) == "SKLEP"
    codes = [e.text for e in root.iterfind(".//o:POZYCJA/o:TOWAR/o:KOD", NS)]
    assert codes == ["SEK-1", "KON-1", "USŁUGA-WYSYŁKA"]
    assert root.findtext(".//o:PLATNOSC/o:KWOTA", namespaces=NS) == "245.96"
    assert await harness.optima.awaiting_import("wszystko.pl") == ("7001",)
    assert harness.count("documents") == 0  # nothing is written into Optima's tables


async def test_once_optima_imported_the_file_the_order_is_its_ro(harness: OptimaHarness, tmp_path: Path) -> None:
    shop = await harness.build_shop()
    await harness.optima.create_document(_draft(shop), match_contractors=True, create_contractors=True, fence=None)
    (path,) = _files(tmp_path)
    ro_id = harness.optima_imports(path, number="RO/12/2026")
    assert await harness.optima.awaiting_import("wszystko.pl") == ()
    assert await harness.optima.document_for_order("wszystko.pl", "7001") == ro_id
    assert await harness.optima.create_document(
        _draft(shop), match_contractors=True, create_contractors=True, fence=None
    ) == (ro_id, False)
    assert _files(tmp_path) == []  # not written again
    (document,) = await harness.optima.order_documents("wszystko.pl", datetime(2026, 1, 1, tzinfo=UTC))
    assert (document.id, document.full_number, document.status, document.gross_total) == (
        ro_id,
        "RO/12/2026",
        "reserved",
        Decimal("245.96"),
    )


async def test_the_buyer_is_matched_by_nip_then_email_else_gets_a_new_code(
    harness: OptimaHarness, tmp_path: Path
) -> None:
    shop = await harness.build_shop()
    for order_id, contractor in (("1", {"nip": shop.firma_nip}), ("2", {"email": "JAN.kowalski@WP.pl"}), ("3", {})):
        await harness.optima.create_document(
            _draft(shop, order_id, **contractor), match_contractors=True, create_contractors=True, fence=None
        )
    codes = [ET.fromstring(p.read_bytes()).findtext(".//o:PLATNIK/o:KOD", namespaces=NS) for p in _files(tmp_path)]
    assert codes == ["FIRMA", "JAN", "WSZ-3"]


async def test_cancelling_an_order_awaiting_import_removes_its_file(harness: OptimaHarness, tmp_path: Path) -> None:
    shop = await harness.build_shop()
    await harness.optima.create_document(_draft(shop), match_contractors=True, create_contractors=True, fence=None)
    assert await harness.optima.cancel_document("wszystko.pl", "7001", fence=None) == "cancelled"
    assert _files(tmp_path) == []
    assert await harness.optima.cancel_document("wszystko.pl", "7001", fence=None) == "already_cancelled"
    assert await harness.optima.awaiting_import("wszystko.pl") == ()


async def test_an_unknown_product_or_a_stale_fence_writes_no_file(harness: OptimaHarness, tmp_path: Path) -> None:
    shop = await harness.build_shop()
    bad = dataclasses.replace(_draft(shop), lines=(DocumentLine(999, 1, Decimal(1)),))
    with pytest.raises(InvalidItem) as caught:
        await harness.optima.create_document(bad, match_contractors=True, create_contractors=True, fence=None)
    assert caught.value.field == "product_id"
    now = datetime.now(UTC)
    old = await harness.optima.take_lease(LeaseHolder("biuro-1", 1, "manual", "ADMIN", now, now), expected_token=0)
    await harness.optima.take_lease(LeaseHolder("biuro-2", 2, "manual", "ADMIN", now, now), expected_token=old)
    with pytest.raises(LeaseLost):
        await harness.optima.create_document(_draft(shop), match_contractors=True, create_contractors=True, fence=old)
    assert _files(tmp_path) == []


async def test_an_imported_ro_is_cancelled_in_optima_by_hand(harness: OptimaHarness, tmp_path: Path) -> None:
    shop = await harness.build_shop()
    for order_id in ("1", "2"):
        await harness.optima.create_document(
            _draft(shop, order_id), match_contractors=True, create_contractors=True, fence=None
        )
    first, second = _files(tmp_path)
    harness.optima_imports(first, number="RO/1/2026")
    harness.optima_imports(second, number="RO/2/2026", cancelled=True)
    assert await harness.optima.cancel_document("wszystko.pl", "1", fence=None) == "cancel_by_hand"
    assert await harness.optima.cancel_document("wszystko.pl", "2", fence=None) == "already_cancelled"
    assert harness.count("documents") == 2  # Optima's tables untouched


async def test_every_statement_the_adapter_runs_compiles_for_sql_server(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    seen: list[ClauseElement] = []

    def capture(_conn: object, clause: ClauseElement, *_args: object) -> None:
        seen.append(clause)

    event.listen(harness.engine, "before_execute", capture)
    try:
        await harness.optima.change_version()
        await harness.optima.content_changes(0)
        await harness.optima.stock_prices([shop.sekator], price_type="detaliczna", warehouses=["MAGAZYN"])
        await harness.optima.shared_product_ids()
        for order_id, contractor in (("1", {"nip": shop.firma_nip}), ("2", {})):
            await harness.optima.create_document(
                _draft(shop, order_id, **contractor), match_contractors=True, create_contractors=True, fence=None
            )
        await harness.optima.order_documents("wszystko.pl", datetime(2026, 1, 1, tzinfo=UTC))
        await harness.optima.cancel_document("wszystko.pl", "1", fence=None)
    finally:
        event.remove(harness.engine, "before_execute", capture)
    assert len(seen) > 20
    for clause in seen:
        sql = str(clause.compile(dialect=MSDialect()))  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
        assert "[CDN]." in sql and "ISNULL" not in sql.upper() and " LIMIT " not in sql.upper(), sql


async def test_while_an_order_file_is_written_under_the_fence_no_take_over_can_land(harness: OptimaHarness) -> None:
    now = datetime.now(UTC)
    token = await harness.optima.take_lease(LeaseHolder("biuro-1", 1, "manual", "ADMIN", now, now), expected_token=0)
    copy = harness.optima.copy_path
    with fence.held(copy, token):
        # Another process taking the lease over needs the same file's write lock: refused now.
        other = sqlite3.connect(copy, isolation_level=None, timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    await harness.optima.take_lease(LeaseHolder("biuro-2", 2, "manual", "ADMIN", now, now), expected_token=token)
    ran = []
    with pytest.raises(LeaseLost), fence.held(copy, token):
        ran.append(True)
    assert ran == []
