"""The stock and prices jobs' reading of Optima: one pass over its prices and stock for both jobs.

Optima has no change column on prices or stock, so every pass reads every good's rows; a run
with both jobs plans them from one pass (`plan_stock_and_prices`), each job from its own mark.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

from agent.config import CompanyConfig
from agent.domain import StockPrice
from agent.state import StateDB
from agent.state.models import OfferLink
from agent.sync.jobs.stock_prices import plan_prices, plan_stock, plan_stock_and_prices
from tests.erp.optima_harness import OptimaHarness

COMPANY = CompanyConfig(name="Optima", database=Path("unused.sqlite"), erp="optima", price_type="detaliczna")


def as_sent(value: StockPrice) -> OfferLink:
    """The link of an offer (id 100 + product id) that shows these values."""
    offer = 100 + value.product_id
    return OfferLink(value.product_id, str(value.product_id), offer, price=value.gross_price, quantity=value.available)


def reads_of_prices(harness: OptimaHarness) -> list[str]:
    """Every statement sent to Optima from now on that reads CDN.TwrCeny (one per pass)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "TwrCeny" in statement:
            seen.append(statement)

    event.listen(harness.engine, "before_cursor_execute", note)
    return seen


async def test_both_jobs_plans_come_from_one_pass_each_from_its_own_mark(
    harness: OptimaHarness, tmp_path: Path
) -> None:
    shop = await harness.build_shop()
    ids = [shop.sekator, shop.konewka]
    async with StateDB(tmp_path / "state.sqlite") as state:
        now = await harness.erp.stock_prices(ids, price_type="detaliczna")
        await state.upsert_links(COMPANY.name, [as_sent(p) for p in now])
        prices_mark = await harness.erp.change_version()
        harness.set_price(shop.konewka, "detaliczna", Decimal("49.99"))
        # The stock job's mark is past the price change (say the prices job failed last run).
        stock_mark = await harness.erp.change_version()
        harness.set_stock(shop.sekator, "SKLEP", 40)
        passes = reads_of_prices(harness)

        both = await plan_stock_and_prices(
            harness.erp, state, COMPANY, stock_since=stock_mark, prices_since=prices_mark
        )

        assert len(passes) == 1
        (sekator,) = await harness.erp.stock_prices([shop.sekator], price_type="detaliczna")
        assert both.stock.groups == ((sekator.available, (100 + shop.sekator,)),)
        assert both.prices.groups == ((Decimal("49.99"), (100 + shop.konewka,)),)
        # Each plan as its job would have read it alone (the stock job does not count the price change).
        assert (both.stock.read, both.prices.read) == (1, 2)
        alone_stock = await plan_stock(harness.erp, state, COMPANY, stock_mark)
        alone_prices = await plan_prices(harness.erp, state, COMPANY, prices_mark)
        assert both.stock == alone_stock and both.prices == alone_prices
        assert both.stock.high_water == both.prices.high_water == await harness.erp.change_version()
