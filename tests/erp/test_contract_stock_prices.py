"""The ERP port's contract: `stock_prices`, the current stock and price of chosen products.

The offers job needs them for the offers it creates (an offer is created with its price and stock),
without reading every product's changes. Runs against every implementation in `conftest.IMPLEMENTATIONS`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.errors import ConfigError
from tests.erp.conftest import Harness


async def test_stock_prices_follow_the_same_rule_as_the_changes(harness: Harness) -> None:
    shop = await harness.build_shop()
    changes = await harness.erp.stock_price_changes(0, price_type="internetowa", stock_buffer=1)
    by_id = {item.product_id: item for item in changes.items}
    found = await harness.erp.stock_prices(
        [shop.konewka, shop.sekator], price_type="internetowa", stock_buffer=1
    )
    assert [item.product_id for item in found] == [shop.konewka, shop.sekator]
    assert found == (by_id[shop.konewka], by_id[shop.sekator])
    assert found[0].gross_price is None  # konewka has no internetowa price


async def test_stock_prices_count_only_the_chosen_warehouses_and_the_buffer(harness: Harness) -> None:
    shop = await harness.build_shop()
    (all_stock,) = await harness.erp.stock_prices([shop.sekator], price_type="detaliczna")
    (shop_only,) = await harness.erp.stock_prices([shop.sekator], price_type="detaliczna", warehouses=["SKLEP"])
    (buffered,) = await harness.erp.stock_prices([shop.sekator], price_type="detaliczna", stock_buffer=100)
    assert (all_stock.available, shop_only.available, buffered.available) == (13, 5, 0)
    harness.set_price(shop.sekator, "detaliczna", Decimal("88.00"))
    (after,) = await harness.erp.stock_prices([shop.sekator], price_type="detaliczna")
    assert after.gross_price == Decimal("88.00") and after.version > all_stock.version


async def test_stock_prices_skip_unknown_ids_and_services(harness: Harness) -> None:
    shop = await harness.build_shop()
    found = await harness.erp.stock_prices([999, shop.wysylka, shop.sekator], price_type="detaliczna")
    assert [item.product_id for item in found] == [shop.sekator]
    assert await harness.erp.stock_prices([], price_type="detaliczna") == ()


async def test_stock_prices_refuse_an_unknown_price_type_or_warehouse(harness: Harness) -> None:
    shop = await harness.build_shop()
    with pytest.raises(ConfigError, match="price type"):
        await harness.erp.stock_prices([shop.sekator], price_type="nie-ma")
    with pytest.raises(ConfigError, match="warehouses"):
        await harness.erp.stock_prices([shop.sekator], price_type="detaliczna", warehouses=["NIE-MA"])
