"""The ERP port's contract, part 1: reading products, and what moves the two change versions.

Runs against every implementation in `conftest.IMPLEMENTATIONS`. Documents are in
`test_contract_documents.py`; the catalogue copy, the lease and fencing in `test_contract_catalogue.py`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from agent.domain import ContractorData, DocumentDraft, DocumentLine, TermsOverride
from agent.errors import ConfigError, InvalidItem
from tests.erp.conftest import EMBEDDED_ONLY, Harness, png


async def _versions(h: Harness, product_id: int) -> tuple[int, int]:
    """(content_version, stock_price_version) of one product, through the port."""
    (product,) = await h.erp.products([product_id])
    changes = await h.erp.stock_price_changes(0, price_type="detaliczna")
    (item,) = [i for i in changes.items if i.product_id == product_id]
    return product.content_version, item.version


async def test_content_changes_since_zero_returns_every_product_but_services(harness: Harness) -> None:
    shop = await harness.build_shop()
    changes = await harness.erp.content_changes(0)
    assert [p.id for p in changes.products] == [shop.sekator, shop.konewka, shop.stary]
    assert changes.complete
    assert changes.high_water == await harness.erp.change_version()
    again = await harness.erp.content_changes(changes.high_water)
    assert again.products == () and again.high_water == changes.high_water


async def test_product_fields_are_read_as_stored(harness: Harness) -> None:
    shop = await harness.build_shop()
    (p,) = await harness.erp.products([shop.sekator])
    assert (p.code, p.ean, p.name, p.unit, p.vat_rate) == ("SEK-1", "5901234123457", "Sekator Fiskars", "sztuk", "23%")
    assert p.active and p.shared_for_sale and p.category_id == 100
    # Parameter order carries no meaning (Optima lists attributes its own way).
    assert sorted(p.parameters) == [(1, "9000001"), (2, "5901234123457")]
    assert p.lead_time == "2 dni"
    assert p.terms == TermsOverride(shipping_tariff="cennik-a")


async def test_products_by_ids_keeps_the_order_given_and_skips_unknown(harness: Harness) -> None:
    shop = await harness.build_shop()
    found = await harness.erp.products([shop.konewka, 999, shop.sekator])
    assert [p.id for p in found] == [shop.konewka, shop.sekator]
    assert await harness.erp.products([]) == ()


async def test_shared_product_ids_are_active_shared_goods_only(harness: Harness) -> None:
    shop = await harness.build_shop()
    assert await harness.erp.shared_product_ids() == (shop.sekator, shop.konewka)
    harness.update_product(shop.konewka, "shared_for_sale", 0)
    assert await harness.erp.shared_product_ids() == (shop.sekator,)


async def test_a_title_change_moves_the_content_version_only(harness: Harness) -> None:
    shop = await harness.build_shop()
    content, stock_price = await _versions(harness, shop.sekator)
    mark = await harness.erp.change_version()
    harness.update_product(shop.sekator, "name", "Sekator Fiskars PowerGear")
    new_content, new_stock_price = await _versions(harness, shop.sekator)
    assert new_content > content and new_stock_price == stock_price
    changed = await harness.erp.content_changes(mark)
    assert [(p.id, p.name) for p in changed.products] == [(shop.sekator, "Sekator Fiskars PowerGear")]
    assert (await harness.erp.stock_price_changes(mark, price_type="detaliczna")).items == ()


@pytest.mark.parametrize(
    ("column", "value"),
    [("description", "Nowy opis"), ("vat_rate", "8%"), ("active", 0), ("category_id", 555), ("parameters", "[]")],
)
async def test_every_offer_field_moves_the_content_version(harness: Harness, column: str, value: object) -> None:
    shop = await harness.build_shop()
    mark = await harness.erp.change_version()
    harness.update_product(shop.sekator, column, value)
    assert [p.id for p in (await harness.erp.content_changes(mark)).products] == [shop.sekator]


async def test_a_new_image_moves_the_content_version(harness: Harness) -> None:
    shop = await harness.build_shop()
    mark = await harness.erp.change_version()
    content = png()
    await harness.add_image(shop.konewka, content)
    (p,) = (await harness.erp.content_changes(mark)).products
    assert p.id == shop.konewka
    sha = hashlib.sha256(content).hexdigest()
    assert [(i.position, i.mime_type, i.sha256, i.size) for i in p.images] == [(0, "image/png", sha, len(content))]
    assert (await harness.erp.stock_price_changes(mark, price_type="detaliczna")).items == ()


async def test_image_bytes_are_read_by_sha256_also_after_the_product_drops_the_image(harness: Harness) -> None:
    shop = await harness.build_shop()
    first, second = png(colour=(200, 10, 10)), png(colour=(10, 10, 200))
    await harness.add_image(shop.konewka, first)
    ((listed,),) = [p.images for p in await harness.erp.products([shop.konewka])]
    await harness.add_image(shop.konewka, second)
    ((now,),) = [p.images for p in await harness.erp.products([shop.konewka])]
    assert await harness.erp.image_content(listed.sha256) == first
    assert await harness.erp.image_content(now.sha256) == second
    with pytest.raises(InvalidItem) as caught:
        await harness.erp.image_content("0" * 64)
    assert caught.value.field == "images"


async def test_a_price_change_moves_the_stock_price_version_only(harness: Harness) -> None:
    shop = await harness.build_shop()
    content, stock_price = await _versions(harness, shop.sekator)
    mark = await harness.erp.change_version()
    harness.set_price(shop.sekator, "internetowa", Decimal("79.99"))
    new_content, new_stock_price = await _versions(harness, shop.sekator)
    assert new_content == content and new_stock_price > stock_price
    assert (await harness.erp.content_changes(mark)).products == ()
    changes = await harness.erp.stock_price_changes(mark, price_type="internetowa")
    assert [(i.product_id, i.gross_price) for i in changes.items] == [(shop.sekator, Decimal("79.99"))]


async def test_a_stock_change_moves_the_stock_price_version_only(harness: Harness) -> None:
    shop = await harness.build_shop()
    mark = await harness.erp.change_version()
    harness.set_stock(shop.konewka, "MAGAZYN", 7)
    assert (await harness.erp.content_changes(mark)).products == ()
    changes = await harness.erp.stock_price_changes(mark, price_type="detaliczna")
    assert [(i.product_id, i.available) for i in changes.items] == [(shop.konewka, 7)]


async def test_unrelated_edits_in_the_erp_move_neither_version(harness: Harness) -> None:
    shop = await harness.build_shop()
    before = await _versions(harness, shop.sekator), await _versions(harness, shop.konewka)
    mark = await harness.erp.change_version()
    harness.update_product(shop.sekator, "code", "SEK-1-NOWY")  # offers are keyed on the id, not the code
    harness.edit_contractor(shop.firma_nip, "Ogrodex S.A.")
    harness.set_price(shop.sekator, "detaliczna", Decimal("99.99"))  # the same price again
    after = await _versions(harness, shop.sekator), await _versions(harness, shop.konewka)
    assert after == before
    assert (await harness.erp.content_changes(mark)).products == ()
    assert (await harness.erp.stock_price_changes(mark, price_type="detaliczna")).items == ()


@EMBEDDED_ONLY
async def test_unrelated_changes_move_neither_version(harness: Harness) -> None:
    shop = await harness.build_shop()
    draft = DocumentDraft(
        marketplace="wszystko.pl",
        order_id="5001",
        series="RO",
        issued=datetime(2026, 3, 1, tzinfo=UTC),
        contractor=ContractorData(name="Ogrodex", nip=shop.firma_nip),
        payment_form="przelew",
        lines=(DocumentLine(shop.sekator, 1, Decimal("99.99")),),
    )
    document_id, _ = await harness.erp.create_document(
        draft, match_contractors=True, create_contractors=True, fence=None
    )
    before = await _versions(harness, shop.sekator), await _versions(harness, shop.konewka)
    mark = await harness.erp.change_version()
    harness.update_product(shop.sekator, "code", "SEK-1-NOWY")  # offers are keyed on the id, not the code
    harness.edit_contractor(shop.firma_nip, "Ogrodex S.A.")
    harness.edit_document_note(document_id, "zadzwonić przed wysyłką")
    harness.set_price(shop.sekator, "detaliczna", Decimal("99.99"))  # the same price again
    after = await _versions(harness, shop.sekator), await _versions(harness, shop.konewka)
    assert after == before
    assert (await harness.erp.content_changes(mark)).products == ()
    assert (await harness.erp.stock_price_changes(mark, price_type="detaliczna")).items == ()


async def test_content_changes_page_with_a_limit_without_losing_any(harness: Harness) -> None:
    shop = await harness.build_shop()
    first = await harness.erp.content_changes(0, limit=2)
    assert [p.id for p in first.products] == [shop.sekator, shop.konewka] and not first.complete
    harness.update_product(shop.sekator, "name", "Zmieniony w trakcie")
    rest = await harness.erp.content_changes(first.high_water, limit=2)
    assert [p.id for p in rest.products] == [shop.stary, shop.sekator]
    final = await harness.erp.content_changes(rest.high_water, limit=2)
    assert final.products == () and final.complete


async def test_available_is_on_hand_minus_reserved_over_the_chosen_warehouses(harness: Harness) -> None:
    shop = await harness.build_shop()
    changes = await harness.erp.stock_price_changes(0, price_type="detaliczna")
    got = {i.product_id: (i.gross_price, i.available) for i in changes.items}
    assert got == {
        shop.sekator: (Decimal("99.99"), 10 - 2 + 5),
        shop.konewka: (Decimal("29.99"), 3),
        shop.stary: (Decimal("9.99"), 0),
    }
    assert changes.high_water == await harness.erp.change_version()
    only_shop = await harness.erp.stock_price_changes(0, price_type="detaliczna", warehouses=["SKLEP"])
    assert {i.product_id: i.available for i in only_shop.items}[shop.sekator] == 5


async def test_stock_buffer_comes_off_the_sum_and_never_below_zero(harness: Harness) -> None:
    shop = await harness.build_shop()
    harness.set_stock(shop.sekator, "SKLEP", 0)
    harness.set_stock(shop.sekator, "MAGAZYN", 1)  # 1 on hand, 2 reserved: counts as 0, not -1
    changes = await harness.erp.stock_price_changes(0, price_type="detaliczna", stock_buffer=2)
    got = {i.product_id: i.available for i in changes.items}
    assert got[shop.sekator] == 0
    assert got[shop.konewka] == 1


async def test_a_product_without_a_price_of_the_type_has_none(harness: Harness) -> None:
    shop = await harness.build_shop()
    changes = await harness.erp.stock_price_changes(0, price_type="internetowa")
    assert {i.product_id: i.gross_price for i in changes.items}[shop.konewka] is None


async def test_unknown_price_type_or_warehouse_is_a_config_error(harness: Harness) -> None:
    await harness.build_shop()
    with pytest.raises(ConfigError, match="hurtowa"):
        await harness.erp.stock_price_changes(0, price_type="hurtowa")
    with pytest.raises(ConfigError, match="HURT"):
        await harness.erp.stock_price_changes(0, price_type="detaliczna", warehouses=["MAGAZYN", "HURT"])


async def test_stock_price_changes_page_with_a_limit(harness: Harness) -> None:
    await harness.build_shop()
    first = await harness.erp.stock_price_changes(0, price_type="detaliczna", limit=2)
    assert len(first.items) == 2 and not first.complete
    rest = await harness.erp.stock_price_changes(first.high_water, price_type="detaliczna", limit=2)
    assert len(rest.items) == 1 and rest.complete
    assert {i.product_id for i in first.items + rest.items} == {1, 2, 3}
