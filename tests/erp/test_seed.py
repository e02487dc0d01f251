"""Sample data: deterministic, realistic, consistent; and `touch` moves the right counters."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from agent.catalogue import (
    BRAND_PARAMETER_ID,
    CONDITION_NEW_VALUE_ID,
    CONDITION_PARAMETER_ID,
    EAN_PARAMETER_ID,
    SKU_PARAMETER_ID,
    category_by_id,
    product_vocabulary,
)
from agent.domain import VAT_RATES
from agent.erp.polish import ean13, ean13_valid, nip_valid
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.erp.touch import touch_company
from agent.errors import StorageError

N = 400


async def _seeded(path: Path, seed: int = 7, products: int = N) -> Path:
    async with await SqliteErp.open(path):
        pass
    seed_company(path, products=products, seed=seed)
    return path


def _dump_hash(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()
    finally:
        conn.close()


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.execute(sql).fetchall())
    finally:
        conn.close()


def test_check_digits() -> None:
    assert ean13("590123412345") == "5901234123457"
    assert ean13_valid("5901234123457") and not ean13_valid("5901234123458")
    assert nip_valid("1234563218") and not nip_valid("1234563219")


async def test_the_same_seed_gives_the_same_database(tmp_path: Path) -> None:
    a = await _seeded(tmp_path / "a.sqlite")
    b = await _seeded(tmp_path / "b.sqlite")
    c = await _seeded(tmp_path / "c.sqlite", seed=8)
    assert _dump_hash(a) == _dump_hash(b)
    assert _dump_hash(a) != _dump_hash(c)


@pytest.fixture
async def shop(tmp_path: Path) -> Path:
    return await _seeded(tmp_path / "sklep.sqlite")


async def test_products_are_realistic(shop: Path) -> None:
    rows = _rows(
        shop,
        "SELECT ean, name, description, vat_rate, category_id, parameters, active, shared_for_sale, code"
        " FROM products WHERE is_service = 0",
    )
    assert len(rows) == N
    categories = category_by_id()
    curated = 0
    for ean, name, description, _vat, category_id, parameters, _active, _shared, code in rows:
        assert isinstance(ean, str) and ean13_valid(ean) and ean.startswith("590")
        leaf = categories[int(str(category_id))]
        assert not leaf.has_subcategories
        assert isinstance(description, str) and str(name) in description
        by_id = {int(k): v for k, v in json.loads(str(parameters))}
        assert by_id[EAN_PARAMETER_ID] == ean and by_id[CONDITION_PARAMETER_ID] == str(CONDITION_NEW_VALUE_ID)
        assert by_id[SKU_PARAMETER_ID] == code and BRAND_PARAMETER_ID in by_id
        assert all(p.id in by_id for p in leaf.fields if p.required)
        assert code
        curated += product_vocabulary(leaf.id).curated
    assert len({r[0] for r in rows}) == N and len({r[8] for r in rows}) == N
    # Most products sit in leaves with hand-written words; the rest anywhere in the live tree.
    assert 0.6 * N < curated < 0.95 * N
    assert {r[3] for r in rows} == set(VAT_RATES)
    shared = sum(int(str(r[7])) for r in rows)
    assert 0.8 * N < shared < 0.97 * N
    assert any(not r[6] for r in rows)


async def test_prices_stock_and_reservations_are_consistent(shop: Path) -> None:
    types = Counter(
        str(r[0]) for r in _rows(shop, "SELECT t.name FROM prices p JOIN price_types t ON t.id = p.price_type_id")
    )
    assert types["detaliczna"] == N + 1 and types["internetowa"] == N and types["hurtowa"] == N
    for net, gross in _rows(shop, "SELECT net, gross FROM prices"):
        assert Decimal(str(net)) <= Decimal(str(gross)) and Decimal(str(gross)) > 0
    warehouses = {
        str(r[0]) for r in _rows(shop, "SELECT w.code FROM stock s JOIN warehouses w ON w.id = s.warehouse_id")
    }
    assert warehouses == {"MAGAZYN", "SKLEP", "HURT"}
    reserved = {
        (int(str(p)), int(str(w))): int(str(r))
        for p, w, r in _rows(shop, "SELECT product_id, warehouse_id, reserved FROM stock WHERE reserved > 0")
    }
    lines = Counter[tuple[int, int]]()
    open_lines = """SELECT l.product_id, l.warehouse_id, l.quantity FROM document_lines l
                    JOIN documents d ON d.id = l.document_id WHERE d.status = 'reserved'"""
    for p, w, q in _rows(shop, open_lines):
        lines[(int(str(p)), int(str(w)))] += int(str(q))
    assert reserved and reserved == dict(lines)
    nips = [str(r[0]) for r in _rows(shop, "SELECT nip FROM contractors WHERE nip IS NOT NULL")]
    assert len(nips) > 10 and all(nip_valid(n) for n in nips)
    (shipping,) = _rows(shop, "SELECT is_service, shared_for_sale FROM products WHERE code = 'USŁUGA-WYSYŁKA'")
    assert shipping == (1, 0)


async def test_images_are_valid_varied_and_attached(shop: Path) -> None:
    async with await SqliteErp.open(shop) as erp:
        products = await erp.products(list(range(1, 51)))
        assert all(1 <= len(p.images) <= 3 for p in products)
        distinct = {i.sha256: i for p in products for i in p.images}
        assert len(distinct) >= 8
        contents = {sha: await erp.image_content(sha) for sha in distinct}
    for sha, content in contents.items():
        assert hashlib.sha256(content).hexdigest() == sha and len(content) == distinct[sha].size
        with Image.open(io.BytesIO(content)) as opened:
            assert min(opened.size) >= 124 and opened.format in ("PNG", "JPEG")


async def test_seeding_a_database_with_products_is_refused(shop: Path) -> None:
    before = _dump_hash(shop)
    with pytest.raises(StorageError, match="already has"):
        seed_company(shop, products=10)
    assert _dump_hash(shop) == before


async def test_touching_prices_moves_only_stock_price_versions(shop: Path) -> None:
    async with await SqliteErp.open(shop) as erp:
        mark = await erp.change_version()
        report = touch_company(shop, percent=5, what="prices", seed=1)
        assert report.products == report.prices == N * 5 // 100
        changed = await erp.stock_price_changes(mark, price_type="detaliczna")
        assert len(changed.items) == report.products
        assert (await erp.content_changes(mark)).products == ()


async def test_touching_content_and_stock_moves_their_own_versions(shop: Path) -> None:
    async with await SqliteErp.open(shop) as erp:
        mark = await erp.change_version()
        content = touch_company(shop, percent=2, what="content", seed=2)
        assert len((await erp.content_changes(mark)).products) == content.products == 8
        mark = await erp.change_version()
        stock = touch_company(shop, percent=3, what="stock", seed=3)
        assert len((await erp.stock_price_changes(mark, price_type="hurtowa")).items) == stock.products
        assert (await erp.content_changes(mark)).products == ()
        mark = await erp.change_version()
        mixed = touch_company(shop, percent=10, what="all", seed=4)
        assert mixed.prices + mixed.stock + mixed.content == mixed.products == 40
        assert len((await erp.content_changes(mark)).products) == mixed.content
