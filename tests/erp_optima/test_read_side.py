"""The Optima adapter's read side beyond the shared contract: SQL Server dialect, Optima's rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from loguru import logger
from sqlalchemy import insert, update
from sqlalchemy.dialects.mssql.base import MSDialect
from sqlalchemy.sql import ClauseElement

from agent.config import load_config
from agent.erp.choose import open_erp
from agent.erp.optima import queries
from agent.erp.optima.adapter import OptimaErp
from agent.erp.optima.fixture import create_fixture
from agent.erp.optima.tables import system_cdn, towary, twr_ilosci
from agent.errors import RetryLater
from tests.erp.optima_harness import MAPPING, OptimaHarness

STATEMENTS: dict[str, ClauseElement] = {
    "product_rows": queries.product_rows([1, 2]),
    "modified_since": queries.modified_since(datetime(2026, 3, 1)),
    "attributes_modified_since": queries.attributes_modified_since(datetime(2026, 3, 1)),
    "attributes": queries.attributes([1]),
    "binary": queries.binary([1]),
    "goods": queries.goods([1], with_vat=True),
    "prices": queries.prices(None),
    "latest_stock": queries.latest_stock(None, date(2026, 3, 1)),
    "shared_ids": queries.shared_ids("KATEGORIA_WSZYSTKO"),
}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_statement_compiles_for_sql_server_in_the_cdn_schema(name: str) -> None:
    sql = str(STATEMENTS[name].compile(dialect=MSDialect()))  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
    assert "[CDN]." in sql
    assert "ISNULL" not in sql.upper() and " LIMIT " not in sql.upper()


async def test_a_net_price_type_gets_the_products_vat_added(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    (item,) = await harness.erp.stock_prices([shop.sekator], price_type="hurtowa netto")
    assert item.gross_price == Decimal("100.00")  # 81.30 net + 23 %


async def test_a_product_exempt_from_vat_reads_as_zw(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    harness.update_product(shop.konewka, "vat_rate", "zw.")
    (product,) = await harness.erp.products([shop.konewka])
    assert product.vat_rate == "zw."


async def test_a_product_without_the_category_attribute_is_not_for_sale(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    (stary,) = await harness.erp.products([shop.stary])
    harness.update_product(shop.konewka, "shared_for_sale", 0)
    (konewka,) = await harness.erp.products([shop.konewka])
    assert not stary.shared_for_sale and (konewka.shared_for_sale, konewka.category_id) == (False, None)


async def test_the_stock_and_price_scan_survives_a_restart_without_new_versions(
    harness: OptimaHarness, tmp_path: Path
) -> None:
    await harness.build_shop()
    first = await harness.erp.stock_price_changes(0, price_type="detaliczna")
    await harness.optima.close()
    again = await OptimaErp.open(harness.engine, state_dir=tmp_path / "agent-state", mapping=MAPPING)
    try:
        assert (await again.stock_price_changes(first.high_water, price_type="detaliczna")).items == ()
    finally:
        await again.close()
    harness.optima = await OptimaErp.open(harness.engine, state_dir=tmp_path / "agent-state", mapping=MAPPING)


async def test_an_unknown_optima_version_is_a_warning_at_connect(tmp_path: Path) -> None:
    engine = create_fixture(tmp_path / "cdn.sqlite", version="2031.1.0")
    lines: list[str] = []
    sink = logger.add(lines.append, level="WARNING", format="{message}")
    try:
        erp = await OptimaErp.open(engine, state_dir=tmp_path / "state", mapping=MAPPING)
        await erp.close()
    finally:
        logger.remove(sink)
    assert any("2031.1.0" in line and "not one this agent was checked against" in line for line in lines)
    with engine.begin() as conn:
        conn.execute(update(system_cdn).values(SYS_Wartosc="2025.0.1"))
    lines.clear()
    sink = logger.add(lines.append, level="WARNING", format="{message}")
    try:
        await (await OptimaErp.open(engine, state_dir=tmp_path / "state", mapping=MAPPING)).close()
    finally:
        logger.remove(sink)
    assert lines == []


async def test_an_unreachable_server_is_retry_later_and_the_password_is_never_shown(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[agent]\nhome = "{tmp_path / "home"}"\n'
        '[[company]]\nname = "Sklep"\nerp = "optima"\n'
        '[company.optima]\nserver = "127.0.0.1"\nport = 1\ndatabase = "CDN_Sklep"\nuser = "marketsync"\n'
        'password = "tajne-haslo-123"\n'
    )
    company = load_config(path).company("Sklep")
    with pytest.raises(RetryLater) as caught:
        await open_erp(company)
    assert "tajne-haslo-123" not in str(caught.value) and "Optima" in str(caught.value)


async def test_a_save_committed_late_with_an_already_seen_stamp_is_still_found(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    await harness.erp.change_version()
    # Optima stamps saves with the shop's wall-clock time (the configured zone, Warsaw by default).
    stamp = datetime.now(ZoneInfo("Europe/Warsaw")).replace(tzinfo=None, microsecond=0)
    with harness.engine.begin() as conn:
        conn.execute(update(towary).where(towary.c.Twr_TwrId == shop.sekator).values(Twr_Nazwa="A", Twr_TS_Mod=stamp))
    mark = await harness.erp.change_version()
    # Another workstation's save, stamped in the same second, commits only now.
    with harness.engine.begin() as conn:
        conn.execute(update(towary).where(towary.c.Twr_TwrId == shop.konewka).values(Twr_Nazwa="B", Twr_TS_Mod=stamp))
    assert [p.id for p in (await harness.erp.content_changes(mark)).products] == [shop.konewka]


async def test_a_price_set_back_after_another_process_saw_it_changed_is_still_a_change(
    harness: OptimaHarness, tmp_path: Path
) -> None:
    shop = await harness.build_shop()
    first = await harness.erp.stock_price_changes(0, price_type="detaliczna")
    # A second process on the same agent state (the service beside a manual run).
    other = await OptimaErp.open(harness.engine, state_dir=tmp_path / "agent-state", mapping=MAPPING)
    try:
        harness.set_price(shop.sekator, "detaliczna", Decimal("79.99"))
        seen = await other.stock_price_changes(first.high_water, price_type="detaliczna")
        assert [(i.product_id, i.gross_price) for i in seen.items] == [(shop.sekator, Decimal("79.99"))]
    finally:
        await other.close()
    harness.set_price(shop.sekator, "detaliczna", Decimal("99.99"))
    back = await harness.erp.stock_price_changes(seen.high_water, price_type="detaliczna")
    assert [(i.product_id, i.gross_price) for i in back.items] == [(shop.sekator, Decimal("99.99"))]


async def test_pages_of_one_pass_come_from_that_pass_and_a_change_meanwhile_comes_next_time(
    harness: OptimaHarness,
) -> None:
    shop = await harness.build_shop()
    pages = [await harness.erp.stock_price_changes(0, price_type="detaliczna", limit=1)]
    harness.set_price(shop.konewka, "detaliczna", Decimal("19.99"))
    while not pages[-1].complete:
        pages.append(await harness.erp.stock_price_changes(pages[-1].high_water, price_type="detaliczna", limit=1))
    read = [(i.product_id, i.gross_price) for page in pages for i in page.items]
    # One pass over the catalogue, read page by page: the values it read, each product once.
    assert read == [(shop.sekator, Decimal("99.99")), (shop.konewka, Decimal("29.99")), (shop.stary, Decimal("9.99"))]
    after = await harness.erp.stock_price_changes(pages[-1].high_water, price_type="detaliczna")
    assert [(i.product_id, i.gross_price) for i in after.items] == [(shop.konewka, Decimal("19.99"))]


async def test_a_good_without_an_ean_takes_its_first_extra_barcode(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    mark = await harness.erp.change_version()
    harness.add_barcode(shop.konewka, "5906660001112")
    harness.add_barcode(shop.konewka, "5906660002225")
    harness.add_barcode(shop.sekator, "5906660003338")
    changes = await harness.erp.content_changes(mark)
    # The sekator's own EAN stays what its offer shows: saving its card changed nothing there.
    assert [(p.id, p.ean) for p in changes.products] == [(shop.konewka, "5906660001112")]
    (sekator,) = await harness.erp.products([shop.sekator])
    assert sekator.ean == "5901234123457"


async def test_today_for_stock_is_the_day_in_the_configured_time_zone(harness: OptimaHarness, tmp_path: Path) -> None:
    shop = await harness.build_shop()
    # A delivery dated today in Kiritimati (UTC+14), which is always a later day in Pago Pago (UTC-11).
    kiritimati_today = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None)
    with harness.engine.begin() as conn:
        conn.execute(
            insert(twr_ilosci).values(
                TwI_TwrId=shop.konewka,
                TwI_MagId=1,
                TwI_Data=datetime.combine(kiritimati_today.date(), datetime.min.time()),
                TwI_Ilosc=77,
                TwI_Rezerwacje=0,
            )
        )
    available = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        erp = await OptimaErp.open(harness.engine, state_dir=tmp_path / zone, mapping=MAPPING, timezone=zone)
        try:
            (item,) = await erp.stock_prices([shop.konewka], price_type="detaliczna")
        finally:
            await erp.close()
        available[zone] = item.available
    assert available == {"Pacific/Kiritimati": 77, "Pacific/Pago_Pago": 3}


async def test_a_late_save_is_found_in_a_shop_whose_clock_is_behind_this_machine(
    harness: OptimaHarness, tmp_path: Path
) -> None:
    shop = await harness.build_shop()
    zone = ZoneInfo("Pacific/Pago_Pago")  # UTC-11: the shop's clock, configured as the agent's time zone
    erp = await OptimaErp.open(harness.engine, state_dir=tmp_path / "pago", mapping=MAPPING, timezone=zone.key)
    try:
        await erp.change_version()
        now = datetime.now(zone).replace(tzinfo=None, microsecond=0)
        with harness.engine.begin() as conn:
            conn.execute(update(towary).where(towary.c.Twr_TwrId == shop.sekator).values(Twr_Nazwa="A", Twr_TS_Mod=now))
        mark = await erp.change_version()
        # Another workstation's save, stamped a minute earlier, commits only now.
        with harness.engine.begin() as conn:
            conn.execute(
                update(towary)
                .where(towary.c.Twr_TwrId == shop.konewka)
                .values(Twr_Nazwa="B", Twr_TS_Mod=now - timedelta(minutes=1))
            )
        assert [p.id for p in (await erp.content_changes(mark)).products] == [shop.konewka]
    finally:
        await erp.close()
