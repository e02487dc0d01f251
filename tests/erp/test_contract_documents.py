"""The ERP port's contract, part 2: RO documents from marketplace orders, contractors, reservations."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from agent.domain import Address, ContractorData, DocumentDraft, DocumentLine
from agent.errors import InvalidItem
from tests.erp.conftest import EMBEDDED_ONLY, Harness, Shop

# An RO the port writes and reads back at once, with reservations: the embedded ERP's promise. The
# Optima adapter hands orders to Optima's XML import instead (tests/erp_optima).
pytestmark = EMBEDDED_ONLY


def _draft(shop: Shop, order_id: str = "7001", **changes: object) -> DocumentDraft:
    draft = DocumentDraft(
        marketplace="wszystko.pl",
        order_id=order_id,
        series="RO",
        issued=datetime(2026, 5, 4, 12, 30, tzinfo=UTC),
        contractor=ContractorData(
            name="Anna Nowak",
            email="anna.nowak@example.pl",
            address=Address(street="ul. Polna", building_number="3", post_code="00-950", city="Warszawa"),
        ),
        payment_form="przelew",
        lines=(DocumentLine(shop.sekator, 2, Decimal("99.99")), DocumentLine(shop.konewka, 1, Decimal("29.99"))),
        shipping_cost=Decimal("15.99"),
    )
    return dataclasses.replace(draft, **changes)  # type: ignore[arg-type]


async def _create(h: Harness, draft: DocumentDraft, *, match: bool = True, create: bool = True) -> tuple[int, bool]:
    return await h.erp.create_document(draft, match_contractors=match, create_contractors=create, fence=None)


async def test_an_order_becomes_one_ro_with_lines_totals_and_shipping(harness: Harness) -> None:
    shop = await harness.build_shop()
    document_id, created = await _create(harness, _draft(shop))
    assert created
    doc = harness.document(document_id)
    assert doc["full_number"] == "RO/1/2026" and doc["status"] == "reserved"
    assert (doc["marketplace"], doc["order_id"], doc["payment_form"]) == ("wszystko.pl", "7001", "przelew")
    lines = doc["lines"]
    assert isinstance(lines, list)
    assert [(ln["product_id"], ln["quantity"], ln["gross"], ln["vat_rate"]) for ln in lines] == [
        (shop.sekator, 2, "199.98", "23%"),
        (shop.konewka, 1, "29.99", "8%"),
        (shop.wysylka, 1, "15.99", "23%"),
    ]
    assert [ln["net"] for ln in lines] == ["162.59", "27.77", "13.00"]
    assert doc["gross_total"] == "245.96" and doc["net_total"] == "203.36"
    assert await harness.erp.document_for_order("wszystko.pl", "7001") == document_id


async def test_the_same_order_twice_gives_one_document(harness: Harness) -> None:
    shop = await harness.build_shop()
    first = await _create(harness, _draft(shop))
    second = await _create(harness, _draft(shop, lines=(DocumentLine(shop.sekator, 5, Decimal("1.00")),)))
    assert second == (first[0], False)
    assert harness.count("documents") == 1
    assert harness.reserved(shop.sekator, "MAGAZYN") == 2 + 2  # reserved once, not twice


async def test_the_same_order_at_once_from_two_tasks_gives_one_document(harness: Harness) -> None:
    shop = await harness.build_shop()
    results = await asyncio.gather(*(_create(harness, _draft(shop)) for _ in range(5)))
    assert sorted(created for _, created in results) == [False, False, False, False, True]
    assert len({document_id for document_id, _ in results}) == 1
    assert harness.count("documents") == 1


async def test_the_same_order_id_from_another_marketplace_is_another_document(harness: Harness) -> None:
    shop = await harness.build_shop()
    first, _ = await _create(harness, _draft(shop))
    other, created = await _create(harness, _draft(shop, marketplace="inny"))
    assert created and other != first


async def test_the_ro_reserves_stock_and_moves_only_the_stock_price_version(harness: Harness) -> None:
    shop = await harness.build_shop()
    mark = await harness.erp.change_version()
    await _create(harness, _draft(shop, shipping_cost=None))
    assert harness.reserved(shop.sekator, "MAGAZYN") == 4
    assert harness.reserved(shop.konewka, "MAGAZYN") == 1
    changes = await harness.erp.stock_price_changes(mark, price_type="detaliczna")
    assert {i.product_id: i.available for i in changes.items} == {shop.sekator: 13 - 2, shop.konewka: 2}
    assert (await harness.erp.content_changes(mark)).products == ()


async def test_a_reservation_goes_to_the_first_warehouse_with_enough(harness: Harness) -> None:
    shop = await harness.build_shop()
    lines = (DocumentLine(shop.sekator, 9, Decimal("99.99")),)  # MAGAZYN has 8 free, SKLEP 5
    await _create(harness, _draft(shop, lines=lines))
    assert (harness.reserved(shop.sekator, "MAGAZYN"), harness.reserved(shop.sekator, "SKLEP")) == (2 + 9, 0)
    await harness.erp.create_document(
        _draft(shop, "7002", lines=(DocumentLine(shop.sekator, 3, Decimal("99.99")),)),
        match_contractors=True,
        create_contractors=True,
        warehouses=["MAGAZYN", "SKLEP"],
        fence=None,
    )
    assert harness.reserved(shop.sekator, "SKLEP") == 3


async def test_cancelling_releases_the_reservation_once(harness: Harness) -> None:
    shop = await harness.build_shop()
    await _create(harness, _draft(shop))
    mark = await harness.erp.change_version()
    assert await harness.erp.cancel_document("wszystko.pl", "7001", fence=None) == "cancelled"
    assert harness.reserved(shop.sekator, "MAGAZYN") == 2
    assert harness.reserved(shop.konewka, "MAGAZYN") == 0
    changed = await harness.erp.stock_price_changes(mark, price_type="detaliczna")
    assert {i.product_id for i in changed.items} == {shop.sekator, shop.konewka}
    assert await harness.erp.cancel_document("wszystko.pl", "7001", fence=None) == "already_cancelled"
    assert harness.reserved(shop.sekator, "MAGAZYN") == 2
    assert await harness.erp.cancel_document("wszystko.pl", "404", fence=None) == "not_found"
    doc_id = await harness.erp.document_for_order("wszystko.pl", "7001")
    assert doc_id is not None and harness.document(doc_id)["status"] == "cancelled"


async def test_numbers_run_per_series_and_year(harness: Harness) -> None:
    shop = await harness.build_shop()
    numbers = []
    for order_id, series, year in (("1", "RO", 2026), ("2", "RO", 2026), ("3", "ROW", 2026), ("4", "RO", 2027)):
        draft = _draft(shop, order_id, series=series, issued=datetime(year, 1, 2, tzinfo=UTC))
        document_id, _ = await _create(harness, draft)
        numbers.append(harness.document(document_id)["full_number"])
    assert numbers == ["RO/1/2026", "RO/2/2026", "ROW/1/2026", "RO/1/2027"]


async def test_contractor_is_matched_by_nip_first(harness: Harness) -> None:
    shop = await harness.build_shop()
    buyer = ContractorData(name="Ktoś", email=shop.jan_email, nip=f"PL {shop.firma_nip[:3]}-{shop.firma_nip[3:]}")
    document_id, _ = await _create(harness, _draft(shop, contractor=buyer))
    assert harness.document(document_id)["contractor_code"] == "FIRMA"


async def test_contractor_is_matched_by_email_ignoring_case(harness: Harness) -> None:
    shop = await harness.build_shop()
    buyer = ContractorData(name="Jan K.", email=shop.jan_email.upper())
    document_id, _ = await _create(harness, _draft(shop, contractor=buyer))
    assert harness.document(document_id)["contractor_code"] == "JAN"


async def test_an_unknown_buyer_becomes_a_new_contractor(harness: Harness) -> None:
    shop = await harness.build_shop()
    before = harness.count("contractors")
    document_id, _ = await _create(harness, _draft(shop))
    doc = harness.document(document_id)
    assert doc["contractor_name"] == "Anna Nowak" and harness.count("contractors") == before + 1
    second, _ = await _create(harness, _draft(shop, "7002"))
    assert harness.document(second)["contractor_id"] == doc["contractor_id"]  # matched by e-mail now


async def test_without_matching_a_known_buyer_is_created_again(harness: Harness) -> None:
    shop = await harness.build_shop()
    buyer = ContractorData(name="Ogrodex", nip=shop.firma_nip)
    document_id, _ = await _create(harness, _draft(shop, contractor=buyer), match=False)
    doc = harness.document(document_id)
    assert doc["contractor_code"] != "FIRMA" and doc["contractor_nip"] == shop.firma_nip


async def test_without_creating_an_unknown_buyer_gets_the_unknown_contractor(harness: Harness) -> None:
    shop = await harness.build_shop()
    before = harness.count("contractors")
    document_id, _ = await _create(harness, _draft(shop), create=False)
    assert harness.document(document_id)["contractor_code"] == "!NIEOKREŚLONY!"
    assert harness.count("contractors") == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": (DocumentLine(999, 1, Decimal("1.00")),)}, "lines[0].product_id"),
        ({"lines": (DocumentLine(1, 0, Decimal("1.00")),)}, "lines[0].quantity"),
        ({"shipping_product": "BRAK"}, "shipping_product"),
    ],
)
async def test_a_bad_order_is_refused_and_nothing_is_written(
    harness: Harness, change: dict[str, object], field: str
) -> None:
    shop = await harness.build_shop()
    before = (harness.count("documents"), harness.count("contractors"), harness.reserved(shop.sekator, "MAGAZYN"))
    with pytest.raises(InvalidItem) as caught:
        await _create(harness, dataclasses.replace(_draft(shop), **change))  # type: ignore[arg-type]
    assert caught.value.field == field
    after = (harness.count("documents"), harness.count("contractors"), harness.reserved(shop.sekator, "MAGAZYN"))
    assert after == before


async def test_an_unknown_warehouse_is_refused(harness: Harness) -> None:
    shop = await harness.build_shop()
    with pytest.raises(InvalidItem) as caught:
        await harness.erp.create_document(
            _draft(shop), match_contractors=True, create_contractors=True, warehouses=["HURT"], fence=None
        )
    assert caught.value.field == "warehouses"
    assert harness.count("documents") == 0


async def test_order_documents_lists_a_marketplaces_ros_since_a_time(harness: Harness) -> None:
    shop = await harness.build_shop()
    warsaw = timezone(timedelta(hours=2))
    issued = {
        "1": datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
        "2": datetime(2026, 5, 3, 11, 0, tzinfo=warsaw),  # 09:00 UTC
        "3": datetime(2026, 5, 3, 9, 30, tzinfo=UTC),
    }
    for order_id, moment in issued.items():
        await _create(harness, _draft(shop, order_id, issued=moment, shipping_cost=None))
    await _create(harness, _draft(shop, "9", marketplace="inny", issued=issued["3"]))
    await harness.erp.cancel_document("wszystko.pl", "3", fence=None)
    found = await harness.erp.order_documents("wszystko.pl", datetime(2026, 5, 3, 10, 0, tzinfo=warsaw))
    assert [(d.order_id, d.status, d.full_number) for d in found] == [
        ("2", "reserved", "RO/2/2026"),
        ("3", "cancelled", "RO/3/2026"),
    ]
    assert found[0].issued == issued["2"] and found[0].gross_total == Decimal("229.97")
    assert len(await harness.erp.order_documents("wszystko.pl", datetime(2026, 1, 1, tzinfo=UTC))) == 3
