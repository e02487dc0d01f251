"""Orders handed to Optima as XML files, and the ROs Optima made of them (read from CDN.TraNag).

An order's RO is not written by the agent: `create_document` writes the order's XML file into the
import folder and records it as awaiting import in the sidecar; the operator imports the folder in
Optima ("Import dokumentów z pliku XML"), and the RO shows up in TraNag with the order's marker in
TrN_NumerObcy. Until then the document's id is the negative id of the sidecar row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, func, select

from agent.domain import DocumentDraft, DocumentStatus
from agent.erp.optima import xml_export
from agent.erp.optima.tables import DOCUMENT_TYPE_RO, kontrahenci, towary, tra_nag
from agent.erp.optima.xml_export import LineGoods
from agent.erp.port import OrderDocument
from agent.errors import InvalidItem, Phrase

UNKNOWN_CONTRACTOR = "!NIEOKREŚLONY!"


@dataclass(frozen=True, slots=True)
class Imported:
    """An RO Optima holds for an order marker."""

    id: int
    full_number: str
    cancelled: bool
    issued: datetime
    gross_total: Decimal


def imported(optima: Connection, markers: Sequence[str]) -> dict[str, Imported]:
    """The ROs in TraNag carrying these markers, by marker."""
    found: dict[str, Imported] = {}
    for start in range(0, len(markers), 1000):
        rows = optima.execute(
            select(
                tra_nag.c.TrN_NumerObcy,
                tra_nag.c.TrN_TrNID,
                tra_nag.c.TrN_NumerPelny,
                func.coalesce(tra_nag.c.TrN_Anulowany, 0),
                tra_nag.c.TrN_DataDok,
                func.coalesce(tra_nag.c.TrN_RazemBrutto, 0),
            ).where(
                tra_nag.c.TrN_TypDokumentu == DOCUMENT_TYPE_RO,
                tra_nag.c.TrN_NumerObcy.in_(list(markers[start : start + 1000])),
            )
        )
        for m, trn_id, number, cancelled, issued, total in rows:
            found[str(m).strip()] = Imported(int(trn_id), str(number or ""), bool(cancelled), issued, Decimal(total))
    return found


def line_goods(optima: Connection, draft: DocumentDraft) -> tuple[dict[int, LineGoods], LineGoods | None]:
    """Optima's data for each line's product and the shipping service; InvalidItem names what is unknown."""
    ids = sorted({line.product_id for line in draft.lines})
    for line in draft.lines:
        if line.quantity < 1:
            raise InvalidItem(
                f"quantity {line.quantity} of product {line.product_id} is below 1",
                field="quantity",
                phrase=Phrase("err.item.optima_quantity", {"quantity": line.quantity, "product": line.product_id}),
            )
    columns = (
        towary.c.Twr_TwrId,
        towary.c.Twr_Kod,
        towary.c.Twr_Nazwa,
        towary.c.Twr_JM,
        towary.c.Twr_Stawka,
        towary.c.Twr_Flaga,
    )
    goods = {int(r[0]): _goods(r) for r in optima.execute(select(*columns).where(towary.c.Twr_TwrId.in_(ids)))}
    missing = [i for i in ids if i not in goods]
    if missing:
        raise InvalidItem(
            f"product {missing[0]} does not exist in Optima",
            field="product_id",
            phrase=Phrase("err.item.optima_no_product", {"product": missing[0]}),
        )
    shipping = None
    if draft.shipping_cost:
        row = optima.execute(select(*columns).where(towary.c.Twr_Kod == draft.shipping_product)).first()
        if row is None:
            raise InvalidItem(
                f'the shipping product "{draft.shipping_product}" does not exist in Optima',
                field="shipping_product",
                phrase=Phrase("err.item.optima_no_shipping", {"code": draft.shipping_product}),
            )
        shipping = _goods(row)
    return goods, shipping


def _goods(row: Sequence[object]) -> LineGoods:
    return LineGoods(
        code=str(row[1]).strip(),
        name=str(row[2]).strip(),
        unit=str(row[3] or "szt.").strip(),
        vat_rate=Decimal(str(row[4] or 0)),
        vat_flag=int(str(row[5] if row[5] is not None else 2)),
    )


def contractor_code(optima: Connection, draft: DocumentDraft, *, match: bool, create: bool) -> str:
    """The Knt_Kod to put on the document: matched by NIP, then e-mail; a new code; or the unknown one."""
    c = draft.contractor
    if match:
        if c.nip:
            row = optima.execute(select(kontrahenci.c.Knt_Kod).where(kontrahenci.c.Knt_Nip == c.nip)).first()
            if row is not None:
                return str(row[0]).strip()
        if c.email:
            row = optima.execute(
                select(kontrahenci.c.Knt_Kod).where(func.lower(kontrahenci.c.Knt_Email) == c.email.casefold())
            ).first()
            if row is not None:
                return str(row[0]).strip()
    if create:
        # Knt_Kod holds at most 20 characters; the order id keeps it unique.
        return f"WSZ-{draft.order_id}"[:20]
    return UNKNOWN_CONTRACTOR


def awaiting_row(state: sqlite3.Connection, marketplace: str, order_id: str) -> tuple[int, str, str, int] | None:
    """(id, marker, file, cancelled) of the order's sidecar row."""
    row = state.execute(
        "SELECT id, marker, file, cancelled FROM awaiting WHERE marketplace = ? AND order_id = ?",
        (marketplace, order_id),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]), int(row[3]))


def record(state: sqlite3.Connection, draft: DocumentDraft, file: Path, total: Decimal) -> int:
    cursor = state.execute(
        "INSERT INTO awaiting (marketplace, order_id, marker, file, issued, gross_total) VALUES (?, ?, ?, ?, ?, ?)",
        (
            draft.marketplace,
            draft.order_id,
            xml_export.marker(draft.marketplace, draft.order_id),
            str(file),
            draft.issued.isoformat(),
            str(total),
        ),
    )
    return int(cursor.lastrowid or 0)


def order_documents(
    optima: Connection, state: sqlite3.Connection, marketplace: str, since: datetime
) -> tuple[OrderDocument, ...]:
    """Every order handed over since `since`: its RO in Optima, or (not imported yet) the sidecar row."""
    rows = state.execute(
        "SELECT id, order_id, marker, issued, gross_total, cancelled FROM awaiting WHERE marketplace = ?",
        (marketplace,),
    ).fetchall()
    found = imported(optima, [str(r[2]) for r in rows])
    result: list[OrderDocument] = []
    for row_id, order_id, m, issued_text, total, cancelled in rows:
        issued = datetime.fromisoformat(issued_text)
        if issued < since:
            continue
        ro = found.get(m)
        if ro is not None:
            status: DocumentStatus = "cancelled" if ro.cancelled else "reserved"
            result.append(OrderDocument(ro.id, ro.full_number, order_id, status, issued, ro.gross_total))
        else:
            status = "cancelled" if cancelled else "reserved"
            result.append(OrderDocument(-int(row_id), "", order_id, status, issued, Decimal(total)))
    return tuple(sorted(result, key=lambda d: d.issued))
