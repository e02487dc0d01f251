"""Customer reservations (RO): created once per marketplace order, with contractor match-or-create.

Each function runs inside the writer transaction the caller opened (fence already checked), so
the duplicate check, the numbering, the reservations and the insert are one atomic step. Amounts
are computed from gross ("od brutto"), as a retail RO is: net = gross / (1 + rate), to the grosz.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

import aiosqlite

from agent.domain import ContractorData, DocumentDraft, DocumentStatus
from agent.erp.port import CancelOutcome, OrderDocument
from agent.erp.products import warehouse_ids_for
from agent.erp.schema import UNKNOWN_CONTRACTOR_CODE
from agent.errors import InvalidItem, Phrase

GROSZ = Decimal("0.01")
VAT_FRACTION = {
    "23%": Decimal("0.23"),
    "8%": Decimal("0.08"),
    "5%": Decimal("0.05"),
    "0%": Decimal(0),
    "zw.": Decimal(0),
}


def net_from_gross(gross: Decimal, vat_rate: str) -> Decimal:
    return (gross / (1 + VAT_FRACTION[vat_rate])).quantize(GROSZ, rounding=ROUND_HALF_UP)


def stored_time(moment: datetime) -> str:
    """ISO text that sorts in time order: aware times are stored in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def normalise_nip(nip: str | None) -> str | None:
    """Digits only ("PL 123-456-78-90" -> "1234567890"); None when nothing is left."""
    if nip is None:
        return None
    digits = "".join(ch for ch in nip if ch.isdigit())
    return digits or None


async def find_document(conn: aiosqlite.Connection, marketplace: str, order_id: str) -> tuple[int, str] | None:
    sql = "SELECT id, status FROM documents WHERE marketplace = ? AND order_id = ?"
    async with conn.execute(sql, (marketplace, order_id)) as cursor:
        row = await cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


async def create_document(
    conn: aiosqlite.Connection,
    draft: DocumentDraft,
    *,
    match_contractors: bool,
    create_contractors: bool,
    warehouses: tuple[str, ...],
) -> tuple[int, bool]:
    existing = await find_document(conn, draft.marketplace, draft.order_id)
    if existing is not None:
        return existing[0], False
    products = await _products(conn, draft)
    warehouse_ids = await warehouse_ids_for(conn, warehouses)
    if warehouse_ids is None:
        raise InvalidItem(
            f"warehouses {', '.join(warehouses)}: not all exist",
            field="warehouses",
            phrase=Phrase("err.item.warehouses_missing", {"warehouses": ", ".join(warehouses)}),
        )
    # (product id, quantity, unit gross, reserve?) for every line, the shipping service last.
    lines: list[tuple[int, int, Decimal, bool]] = []
    for i, line in enumerate(draft.lines):
        if line.quantity < 1:
            raise InvalidItem(
                f"line {i + 1}: quantity {line.quantity} is below 1",
                field=f"lines[{i}].quantity",
                phrase=Phrase("err.item.line_quantity", {"line": i + 1, "quantity": line.quantity}),
            )
        lines.append((line.product_id, line.quantity, line.unit_gross_price, not products[line.product_id][1]))
    if draft.shipping_cost:
        shipping_id = await _product_id_by_code(conn, draft.shipping_product)
        products[shipping_id] = await _product_row(conn, shipping_id)
        lines.append((shipping_id, 1, draft.shipping_cost, False))

    contractor_id = await _contractor(conn, draft.contractor, match=match_contractors, create=create_contractors)
    year = draft.issued.year
    async with conn.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM documents WHERE kind = 'RO' AND series = ? AND year = ?",
        (draft.series, year),
    ) as cursor:
        row = await cursor.fetchone()
    number = int(row[0]) if row else 1
    rows: list[tuple[object, ...]] = []
    net_total = gross_total = Decimal(0)
    for position, (product_id, quantity, unit_gross, reserve) in enumerate(lines):
        vat_rate = products[product_id][0]
        gross = (unit_gross * quantity).quantize(GROSZ, rounding=ROUND_HALF_UP)
        net = net_from_gross(gross, vat_rate)
        net_total += net
        gross_total += gross
        warehouse_id = await _reserve(conn, product_id, quantity, warehouse_ids) if reserve else None
        rows.append((position, product_id, warehouse_id, quantity, str(unit_gross), vat_rate, str(net), str(gross)))
    cursor = await conn.execute(
        """INSERT INTO documents (kind, series, year, number, full_number, issued, contractor_id,
               payment_form, status, marketplace, order_id, net_total, gross_total, note)
           VALUES ('RO', ?, ?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?, ?, ?)""",
        (
            draft.series,
            year,
            number,
            f"{draft.series}/{number}/{year}",
            stored_time(draft.issued),
            contractor_id,
            draft.payment_form,
            draft.marketplace,
            draft.order_id,
            str(net_total),
            str(gross_total),
            draft.note,
        ),
    )
    document_id = int(cursor.lastrowid or 0)
    await conn.executemany(
        """INSERT INTO document_lines (document_id, position, product_id, warehouse_id, quantity,
               unit_gross, vat_rate, net, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(document_id, *r) for r in rows],
    )
    return document_id, True


async def order_documents(conn: aiosqlite.Connection, marketplace: str, since: datetime) -> tuple[OrderDocument, ...]:
    async with conn.execute(
        """SELECT id, full_number, order_id, status, issued, gross_total FROM documents
           WHERE marketplace = ? AND issued >= ? ORDER BY issued, id""",
        (marketplace, stored_time(since)),
    ) as cursor:
        rows = await cursor.fetchall()
    return tuple(
        OrderDocument(
            id=int(r[0]),
            full_number=str(r[1]),
            order_id=str(r[2]),
            status=cast(DocumentStatus, r[3]),
            issued=datetime.fromisoformat(str(r[4])),
            gross_total=Decimal(str(r[5])),
        )
        for r in rows
    )


async def cancel_document(conn: aiosqlite.Connection, marketplace: str, order_id: str) -> CancelOutcome:
    found = await find_document(conn, marketplace, order_id)
    if found is None:
        return "not_found"
    document_id, status = found
    if status == "cancelled":
        return "already_cancelled"
    async with conn.execute(
        """SELECT product_id, warehouse_id, quantity FROM document_lines
           WHERE document_id = ? AND warehouse_id IS NOT NULL""",
        (document_id,),
    ) as cursor:
        reserved = list(await cursor.fetchall())
    await conn.executemany(
        "UPDATE stock SET reserved = MAX(reserved - ?, 0) WHERE product_id = ? AND warehouse_id = ?",
        [(int(q), int(p), int(w)) for p, w, q in reserved],
    )
    await conn.execute(
        "UPDATE documents SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
        (datetime.now(UTC).isoformat(), document_id),
    )
    return "cancelled"


async def _products(conn: aiosqlite.Connection, draft: DocumentDraft) -> dict[int, tuple[str, bool]]:
    """vat rate and is-service of every product the lines name; InvalidItem for an unknown one."""
    ids = [line.product_id for line in draft.lines]
    async with conn.execute(
        "SELECT id, vat_rate, is_service FROM products WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ) as cursor:
        found = {int(r[0]): (str(r[1]), bool(r[2])) for r in await cursor.fetchall()}
    for i, product_id in enumerate(ids):
        if product_id not in found:
            raise InvalidItem(
                f"line {i + 1}: no product with id {product_id}",
                field=f"lines[{i}].product_id",
                phrase=Phrase("err.item.line_no_product", {"line": i + 1, "product": product_id}),
            )
    return found


async def _product_id_by_code(conn: aiosqlite.Connection, code: str) -> int:
    async with conn.execute("SELECT id FROM products WHERE code = ?", (code,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise InvalidItem(
            f'no shipping service product with code "{code}"',
            field="shipping_product",
            phrase=Phrase("err.item.no_shipping_product", {"code": code}),
        )
    return int(row[0])


async def _product_row(conn: aiosqlite.Connection, product_id: int) -> tuple[str, bool]:
    async with conn.execute("SELECT vat_rate, is_service FROM products WHERE id = ?", (product_id,)) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return str(row[0]), bool(row[1])


async def _reserve(conn: aiosqlite.Connection, product_id: int, quantity: int, warehouse_ids: list[int]) -> int | None:
    """Reserve in the first warehouse with enough available, else the first; None if there is none."""
    if not warehouse_ids:
        return None
    async with conn.execute(
        "SELECT warehouse_id, on_hand - reserved FROM stock WHERE product_id = ?", (product_id,)
    ) as cursor:
        available = {int(r[0]): int(r[1]) for r in await cursor.fetchall()}
    chosen = next((w for w in warehouse_ids if available.get(w, 0) >= quantity), warehouse_ids[0])
    await conn.execute(
        """INSERT INTO stock (product_id, warehouse_id, on_hand, reserved) VALUES (?, ?, 0, ?)
           ON CONFLICT (product_id, warehouse_id) DO UPDATE SET reserved = reserved + excluded.reserved""",
        (product_id, chosen, quantity),
    )
    return chosen


async def _contractor(conn: aiosqlite.Connection, data: ContractorData, *, match: bool, create: bool) -> int:
    nip = normalise_nip(data.nip)
    if match:
        if nip is not None:
            async with conn.execute("SELECT id FROM contractors WHERE nip = ? ORDER BY id LIMIT 1", (nip,)) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                return int(row[0])
        if data.email:
            async with conn.execute(
                "SELECT id FROM contractors WHERE email = ? COLLATE NOCASE ORDER BY id LIMIT 1", (data.email,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                return int(row[0])
    if not create:
        async with conn.execute("SELECT id FROM contractors WHERE code = ?", (UNKNOWN_CONTRACTOR_CODE,)) as cursor:
            row = await cursor.fetchone()
        assert row is not None, "the built-in contractor is created by the schema"
        return int(row[0])
    code = await _free_contractor_code(conn)
    address = data.address
    cursor = await conn.execute(
        """INSERT INTO contractors (code, name, nip, email, phone, street, building_number, flat_number,
               post_code, city) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            code,
            data.name or data.email or code,
            nip,
            data.email,
            data.phone,
            address.street,
            address.building_number,
            address.flat_number,
            address.post_code,
            address.city,
        ),
    )
    return int(cursor.lastrowid or 0)


async def _free_contractor_code(conn: aiosqlite.Connection) -> str:
    async with conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM contractors") as cursor:
        row = await cursor.fetchone()
    n = int(row[0]) if row else 1
    while True:
        code = f"K{n:06d}"
        async with conn.execute("SELECT 1 FROM contractors WHERE code = ?", (code,)) as cursor:
            if await cursor.fetchone() is None:
                return code
        n += 1
