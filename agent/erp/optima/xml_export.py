"""An order as an XML file in Optima's document import format, for "Import dokumentów z pliku XML".

The layout follows Optima's document exchange files (ROOT in the namespace
http://www.cdn.com.pl/optima/dokument, one DOKUMENT with NAGLOWEK, POZYCJE and PLATNOSCI), with
TYP_DOKUMENTU 308 / RODZAJ_DOKUMENTU 308000 for an RO ("rezerwacja odbiorcy"). It was written
from public descriptions of the format and checked against no real Optima (README says so).
The order is found again in CDN.TraNag by `marker` in TrN_NumerObcy ("numer obcy"), which the
import copies from NUMER_OBCY.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

from agent.domain import DocumentDraft

NAMESPACE = "http://www.cdn.com.pl/optima/dokument"
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LineGoods:
    """What the file needs of a product: Optima's code, name, unit and VAT (rate, flag)."""

    code: str
    name: str
    unit: str
    vat_rate: Decimal
    vat_flag: int


def marker(marketplace: str, order_id: str) -> str:
    """What identifies the order's RO in Optima (TrN_NumerObcy holds at most 30 characters)."""
    prefix = "WSZ" if marketplace == "wszystko.pl" else marketplace[:6].upper()
    return f"{prefix}-{order_id}"[:30]


def file_name(marketplace: str, order_id: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in marker(marketplace, order_id))
    return f"RO_{safe}.xml"


def _add(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def build(
    draft: DocumentDraft,
    goods: Mapping[int, LineGoods],
    shipping: LineGoods | None,
    *,
    contractor_code: str,
    warehouse: str | None,
) -> bytes:
    """The file's bytes (UTF-8). `goods` has every product of the draft; `shipping` the service."""
    root = ET.Element("ROOT", xmlns=NAMESPACE)
    document = _add(root, "DOKUMENT")
    head = _add(document, "NAGLOWEK")
    _add(head, "GENERATOR", "marketsync")
    _add(head, "TYP_DOKUMENTU", 308)
    _add(head, "RODZAJ_DOKUMENTU", 308000)
    _add(head, "NUMER_OBCY", marker(draft.marketplace, draft.order_id))
    day = draft.issued.date().isoformat()
    for tag in ("DATA_DOKUMENTU", "DATA_WYSTAWIENIA", "DATA_OPERACJI"):
        _add(head, tag, day)
    _add(head, "TYP_NETTO_BRUTTO", 2)  # prices are gross, as the marketplace sells
    note = f"{draft.marketplace} zamówienie {draft.order_id}" + (f": {draft.note}" if draft.note else "")
    _add(head, "OPIS", note[:1024])
    buyer = _add(head, "PLATNIK")
    c = draft.contractor
    _add(buyer, "KOD", contractor_code)
    _add(buyer, "NIP", c.nip or "")
    _add(buyer, "NAZWA", c.name)
    _add(buyer, "EMAIL", c.email or "")
    _add(buyer, "TELEFON", c.phone or "")
    address = _add(buyer, "ADRES")
    street = " ".join(p for p in (c.address.street, c.address.building_number) if p)
    if c.address.flat_number:
        street += f"/{c.address.flat_number}"
    _add(address, "KOD_POCZTOWY", c.address.post_code)
    _add(address, "MIASTO", c.address.city)
    _add(address, "ULICA", street)
    _add(address, "KRAJ", "Polska")
    if warehouse:
        _add(head, "MAGAZYN_ZRODLOWY", warehouse)
    lines = _add(document, "POZYCJE")
    total = Decimal(0)
    rows = [(goods[line.product_id], line.quantity, line.unit_gross_price) for line in draft.lines]
    if shipping is not None and draft.shipping_cost:
        rows.append((shipping, 1, draft.shipping_cost))
    for number, (item, quantity, price) in enumerate(rows, start=1):
        value = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
        total += value
        line = _add(lines, "POZYCJA")
        _add(line, "LP", number)
        product = _add(line, "TOWAR")
        _add(product, "KOD", item.code)
        _add(product, "NAZWA", item.name)
        vat = _add(line, "STAWKA_VAT")
        _add(vat, "STAWKA", f"{item.vat_rate:.2f}")
        _add(vat, "FLAGA", item.vat_flag)
        _add(line, "CENA_BRUTTO", f"{price:.2f}")
        _add(line, "ILOSC", f"{quantity:.4f}")
        _add(line, "JM", item.unit)
        _add(line, "WARTOSC_BRUTTO", f"{value:.2f}")
    payments = _add(document, "PLATNOSCI")
    payment = _add(payments, "PLATNOSC")
    _add(payment, "FORMA", draft.payment_form)
    _add(payment, "TERMIN", day)
    _add(payment, "KWOTA", f"{total:.2f}")
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def write_atomically(folder: Path, name: str, content: bytes) -> Path:
    """Write to a hidden temporary name, then rename: Optima never sees half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    temporary = folder / f".{name}.tmp"
    with temporary.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(target)
    return target
