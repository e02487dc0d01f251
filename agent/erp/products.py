"""Queries that read products, their images, and their stock and prices for the offers jobs.

Each function runs inside a read transaction the caller opened, so the change counter and the
rows it reads come from one snapshot: the high-water mark returned can never skip a change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import cast

import aiosqlite

from agent.domain import LeadTime, Product, ProductImage, StockPrice, StockUnit, TermsOverride, VatRate
from agent.erp.port import ContentChanges, StockPriceChanges
from agent.errors import ConfigError, InvalidItem, Phrase

PRODUCT_COLUMNS = (
    "id, code, ean, name, description, unit, vat_rate, active, shared_for_sale, category_id, "
    "parameters, lead_time, shipping_tariff, return_policy, complaint_policy, guarantee, content_version"
)


async def change_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT value FROM change_counter WHERE id = 1") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def content_changes(conn: aiosqlite.Connection, since: int, limit: int | None) -> ContentChanges:
    counter = await change_version(conn)
    sql = (
        f"SELECT {PRODUCT_COLUMNS} FROM products"
        " WHERE content_version > ? AND is_service = 0 ORDER BY content_version"
    )
    params: tuple[int, ...] = (since,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (since, limit)
    async with conn.execute(sql, params) as cursor:
        rows = list(await cursor.fetchall())
    products = await _with_images(conn, rows)
    if limit is not None and len(rows) >= limit:
        return ContentChanges(products, high_water=products[-1].content_version, complete=False)
    return ContentChanges(products, high_water=counter)


async def products_by_ids(conn: aiosqlite.Connection, ids: Sequence[int]) -> tuple[Product, ...]:
    if not ids:
        return ()
    sql = f"SELECT {PRODUCT_COLUMNS} FROM products WHERE id IN (SELECT value FROM json_each(?))"
    async with conn.execute(sql, (json.dumps(list(ids)),)) as cursor:
        rows = list(await cursor.fetchall())
    found = {p.id: p for p in await _with_images(conn, rows)}
    return tuple(found[i] for i in ids if i in found)


async def image_content(conn: aiosqlite.Connection, sha256: str) -> bytes:
    async with conn.execute("SELECT content FROM images WHERE sha256 = ?", (sha256,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise InvalidItem(
            f"no image with sha256 {sha256} in the company database",
            field="images",
            phrase=Phrase("err.item.no_image", {"sha256": sha256}),
        )
    return bytes(row[0])


async def shared_product_ids(conn: aiosqlite.Connection) -> tuple[int, ...]:
    sql = "SELECT id FROM products WHERE active = 1 AND shared_for_sale = 1 AND is_service = 0 ORDER BY id"
    async with conn.execute(sql) as cursor:
        return tuple(int(r[0]) for r in await cursor.fetchall())


async def stock_price_changes(
    conn: aiosqlite.Connection,
    since: int,
    *,
    price_type: str,
    warehouses: Sequence[str],
    stock_buffer: int,
    limit: int | None,
) -> StockPriceChanges:
    counter = await change_version(conn)
    price_type_id = await _price_type_id(conn, price_type)
    warehouse_ids = await warehouse_ids_for(conn, warehouses)
    if warehouse_ids is None:
        raise _warehouses_missing(warehouses)
    # Per warehouse at least 0, summed; the buffer comes off the sum (in Python, see below).
    sql = """
        SELECT p.id, p.stock_price_version, pr.gross,
               (SELECT COALESCE(SUM(MAX(s.on_hand - s.reserved, 0)), 0) FROM stock s
                WHERE s.product_id = p.id AND s.warehouse_id IN (SELECT value FROM json_each(?)))
        FROM products p
        LEFT JOIN prices pr ON pr.product_id = p.id AND pr.price_type_id = ?
        WHERE p.stock_price_version > ? AND p.is_service = 0
        ORDER BY p.stock_price_version"""
    params: tuple[object, ...] = (json.dumps(warehouse_ids), price_type_id, since)
    if limit is not None:
        sql += " LIMIT ?"
        params = (*params, limit)
    async with conn.execute(sql, params) as cursor:
        rows = list(await cursor.fetchall())
    items = _stock_prices(rows, stock_buffer)
    if limit is not None and len(items) >= limit:
        return StockPriceChanges(items, high_water=items[-1].version, complete=False)
    return StockPriceChanges(items, high_water=counter)


async def stock_prices_by_ids(
    conn: aiosqlite.Connection,
    ids: Sequence[int],
    *,
    price_type: str,
    warehouses: Sequence[str],
    stock_buffer: int,
) -> tuple[StockPrice, ...]:
    """Stock and price of these products now (same rule as `stock_price_changes`), in the order given."""
    price_type_id = await _price_type_id(conn, price_type)
    warehouse_ids = await warehouse_ids_for(conn, warehouses)
    if warehouse_ids is None:
        raise _warehouses_missing(warehouses)
    if not ids:
        return ()
    sql = """
        SELECT p.id, p.stock_price_version, pr.gross,
               (SELECT COALESCE(SUM(MAX(s.on_hand - s.reserved, 0)), 0) FROM stock s
                WHERE s.product_id = p.id AND s.warehouse_id IN (SELECT value FROM json_each(?)))
        FROM products p
        LEFT JOIN prices pr ON pr.product_id = p.id AND pr.price_type_id = ?
        WHERE p.id IN (SELECT value FROM json_each(?)) AND p.is_service = 0"""
    params = (json.dumps(warehouse_ids), price_type_id, json.dumps(list(ids)))
    async with conn.execute(sql, params) as cursor:
        found = {item.product_id: item for item in _stock_prices(list(await cursor.fetchall()), stock_buffer)}
    return tuple(found[i] for i in ids if i in found)


def _stock_prices(rows: Sequence[Sequence[object]], stock_buffer: int) -> tuple[StockPrice, ...]:
    # Per warehouse at least 0 (in SQL), summed; the buffer comes off the sum, never below 0.
    return tuple(
        StockPrice(
            product_id=int(cast(int, r[0])),
            gross_price=Decimal(cast(str, r[2])) if r[2] is not None else None,
            available=max(int(cast(int, r[3])) - stock_buffer, 0),
            version=int(cast(int, r[1])),
        )
        for r in rows
    )


async def _price_type_id(conn: aiosqlite.Connection, name: str) -> int:
    async with conn.execute("SELECT id, name FROM price_types ORDER BY id") as cursor:
        known = {str(r[1]): int(r[0]) for r in await cursor.fetchall()}
    if name in known:
        return known[name]
    listed = ", ".join(known) or "none"
    raise ConfigError(
        f'price type "{name}" does not exist in the company database (there: {listed})',
        phrase=Phrase("err.price_type_missing", {"name": name, "known": ", ".join(known) or Phrase("err.none")}),
    )


def _warehouses_missing(warehouses: Sequence[str]) -> ConfigError:
    listed = ", ".join(warehouses)
    return ConfigError(
        f"warehouses {listed}: not all exist in the company database",
        phrase=Phrase("err.warehouses_missing", {"warehouses": listed}),
    )


async def warehouse_ids_for(conn: aiosqlite.Connection, codes: Sequence[str]) -> list[int] | None:
    """Ids of the warehouses with these codes, in that order (empty: all, by code); None if one is unknown."""
    async with conn.execute("SELECT id, code FROM warehouses ORDER BY code") as cursor:
        known = {str(r[1]): int(r[0]) for r in await cursor.fetchall()}
    if not codes:
        return list(known.values())
    if any(c not in known for c in codes):
        return None
    return [known[c] for c in codes]


async def _with_images(conn: aiosqlite.Connection, rows: Sequence[aiosqlite.Row]) -> tuple[Product, ...]:
    if not rows:
        return ()
    ids = [int(r[0]) for r in rows]
    images: dict[int, list[ProductImage]] = {}
    # Metadata only: length() of a blob does not read it, so a page of products costs no image data
    # (the bytes come from `image_content`, for the few images a run uploads).
    sql = """
        SELECT pi.product_id, pi.position, i.mime_type, i.sha256, length(i.content)
        FROM product_images pi JOIN images i ON i.id = pi.image_id
        WHERE pi.product_id IN (SELECT value FROM json_each(?))
        ORDER BY pi.product_id, pi.position"""
    async with conn.execute(sql, (json.dumps(ids),)) as cursor:
        for pid, position, mime, sha, size in await cursor.fetchall():
            images.setdefault(int(pid), []).append(ProductImage(int(position), str(mime), str(sha), int(size)))
    return tuple(_product(r, tuple(images.get(int(r[0]), ()))) for r in rows)


def _product(r: Sequence[object], images: tuple[ProductImage, ...]) -> Product:
    params = json.loads(cast(str, r[10]))
    return Product(
        id=cast(int, r[0]),
        code=cast(str, r[1]),
        ean=cast("str | None", r[2]),
        name=cast(str, r[3]),
        description=cast(str, r[4]),
        unit=cast(StockUnit, r[5]),
        vat_rate=cast(VatRate, r[6]),
        active=bool(r[7]),
        shared_for_sale=bool(r[8]),
        category_id=cast("int | None", r[9]),
        parameters=tuple((int(pid), str(value)) for pid, value in params),
        lead_time=cast("LeadTime | None", r[11]),
        terms=TermsOverride(
            shipping_tariff=cast("str | None", r[12]),
            return_policy=cast("str | None", r[13]),
            complaint_policy=cast("str | None", r[14]),
            guarantee=cast("str | None", r[15]),
        ),
        content_version=cast(int, r[16]),
        images=images,
    )
