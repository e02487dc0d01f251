"""Products read from Optima, and the content scan that gives changed products new versions.

Synchronous: the adapter calls these in a worker thread with a SQLAlchemy connection to Optima
and the sidecar `VersionState`. Optima's own conventions decided here (README, Comarch ERP Optima):
- a product is offered ("shared for sale") when it is active and carries the attribute
  `KATEGORIA_WSZYSTKO` (its value is the marketplace category id);
- lead time and per-product terms come from the attributes in `TERM_ATTRIBUTES`;
- marketplace parameters come from the attributes named in `[company.optima.parameters]`;
- images are the binary attributes named in `image_attributes`, in that order.

Change detection: `Twr_TS_Mod` (Optima stamps it when a product is saved) narrows the scan to
products saved after the watermark, which stays `WATERMARK_LAG` behind the clock; a hash of
what an offer shows then decides, so a save that changed only the code or nothing at all moves
no version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection

from agent.domain import LEAD_TIMES, VAT_RATES, LeadTime, Product, ProductImage, StockUnit, TermsOverride, VatRate
from agent.erp.optima import queries
from agent.erp.optima.state import VersionState
from agent.erp.port import ContentChanges
from agent.logs import say

CATEGORY_ATTRIBUTE = "KATEGORIA_WSZYSTKO"
# How long a product save may take to commit after Optima stamped it, plus the clock difference
# between Optima's workstations and the agent's machine.
WATERMARK_LAG = timedelta(minutes=10)
LEAD_TIME_ATTRIBUTE = "CZAS_WYSYLKI"
TERM_ATTRIBUTES = {
    "shipping_tariff": "CENNIK_WYSYLKI",
    "return_policy": "ZWROTY",
    "complaint_policy": "REKLAMACJE",
    "guarantee": "GWARANCJA",
}
# SQL Server accepts at most 2100 parameters in one statement.
CHUNK = 1000
UNITS: Mapping[str, StockUnit] = {
    "szt": "sztuk",
    "szt.": "sztuk",
    "sztuk": "sztuk",
    "kpl": "kompletow",
    "kpl.": "kompletow",
    "para": "par",
    "par": "par",
    "opak": "opakowan",
    "opak.": "opakowan",
    "paczka": "paczek",
    "pacz.": "paczek",
}
MIME_BY_EXTENSION = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
Attributes = dict[str, tuple[str | None, int | None]]


@dataclass(frozen=True, slots=True)
class AttributeMapping:
    """What the company's config says about Optima's attributes."""

    parameters: Mapping[str, str]
    image_attributes: tuple[str, ...]


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@dataclass(frozen=True, slots=True)
class Scanned:
    """A product the content scan read: as an offer shows it (no images, version 0) and its image ids."""

    product: Product
    image_ids: tuple[int | None, ...]


def scan_content(
    optima: Connection, state: VersionState, mapping: AttributeMapping, now: datetime
) -> tuple[int, dict[int, Scanned]]:
    """Version the goods whose offer content changed since the last scan.

    `now` is the wall-clock time in the company's time zone, as Optima stamps Twr_TS_Mod.

    The counter after it, and the products the scan read (those saved after the watermark), which
    `content_changes` reuses instead of reading them from Optima a second time.
    """
    with state.write() as conn:
        mark = state.meta(conn, "content_watermark")
        since = datetime.fromisoformat(mark) if mark else None
        candidates = optima.execute(queries.modified_since(since)).all()
        attrs = _attributes(optima.execute(queries.attributes_modified_since(since)))
        scanned: dict[int, Scanned] = {}
        for row in candidates:
            i = int(str(row[0]))
            values = attrs.get(i, {})
            dabs = tuple(values.get(code, (None, None))[1] for code in mapping.image_attributes)
            scanned[i] = Scanned(_product(row, values, mapping, {}, 0), dabs)
        state.bump_content(conn, [(i, _digest(s.product, s.image_ids)) for i, s in scanned.items()])
        stamps: list[datetime] = [r[-1] for r in candidates if r[-1] is not None]
        if stamps:
            # A save stamped T may commit a little after T: the watermark stays LAG behind now, so
            # such a save is still above it next time; older stamps are all committed by now.
            mark_at = min(max(stamps), now - WATERMARK_LAG)
            if since is None or mark_at > since:
                state.set_meta(conn, "content_watermark", mark_at.isoformat())
        return state.counter(conn), scanned


def content_changes(
    optima: Connection,
    state: VersionState,
    mapping: AttributeMapping,
    since: int,
    limit: int | None,
    *,
    scanned: Mapping[int, Scanned],
) -> ContentChanges:
    """Products whose content version is above `since`; the caller scanned everything just before."""
    with state.write() as conn:
        counter = state.counter(conn)
        changed = state.content_since(conn, since, limit)
    versions = dict(changed)
    products = products_by_ids(optima, state, mapping, list(versions), scanned, versions=versions)
    if limit is not None and len(changed) >= limit:
        return ContentChanges(products, high_water=changed[-1][1], complete=False)
    return ContentChanges(products, high_water=counter)


def products_by_ids(
    optima: Connection,
    state: VersionState,
    mapping: AttributeMapping,
    ids: Sequence[int],
    scanned: Mapping[int, Scanned] | None = None,
    *,
    versions: Mapping[int, int] | None = None,
) -> tuple[Product, ...]:
    """The products with these ids, in that order, with their content versions (read from the state
    unless given); a product the scan just read without images is not read again."""
    read = scanned or {}
    known = {i: s.product for i in ids if (s := read.get(i)) is not None and all(d is None for d in s.image_ids)}
    rows, attrs = _read(optima, [i for i in ids if i not in known])
    dab_ids = [
        dab
        for values in attrs.values()
        for code, (_, dab) in values.items()
        if dab is not None and code in mapping.image_attributes
    ]
    images = _image_metadata(optima, state, dab_ids)
    if versions is None:
        with state.write() as conn:
            versions = state.content_versions(conn, [*rows, *known])
    found: list[Product] = []
    for i in ids:
        if i in known:
            found.append(replace(known[i], content_version=versions.get(i, 0)))
        elif i in rows:
            found.append(_product(rows[i], attrs.get(i, {}), mapping, images, versions.get(i, 0)))
    return tuple(found)


def _read(optima: Connection, ids: Sequence[int]) -> tuple[dict[int, Sequence[object]], dict[int, Attributes]]:
    rows: dict[int, Sequence[object]] = {}
    attrs: dict[int, Attributes] = {}
    for part in chunks(list(ids)):
        rows.update({int(str(r[0])): tuple(r) for r in optima.execute(queries.product_rows(part))})
        attrs.update(_attributes(optima.execute(queries.attributes(part))))
    return rows, attrs


def _attributes(result: Iterable[Sequence[object]]) -> dict[int, Attributes]:
    """Rows of `queries.attributes` by product: code -> (text, binary id)."""
    attrs: dict[int, Attributes] = {}
    for r in result:
        attrs.setdefault(int(str(r[0])), {})[str(r[1]).strip()] = (
            None if r[2] is None else str(r[2]),
            None if r[3] is None else int(str(r[3])),
        )
    return attrs


def _image_metadata(optima: Connection, state: VersionState, dab_ids: Sequence[int]) -> dict[int, tuple[str, str, int]]:
    found: dict[int, tuple[str, str, int]] = {}
    if not dab_ids:
        return found
    with state.write() as conn:
        for part in chunks(list(dab_ids)):
            for dab_id, content, extension in optima.execute(queries.binary(part)):
                data = bytes(content or b"")
                mime = MIME_BY_EXTENSION.get(str(extension or "").strip().strip(".").lower())
                if not data or mime is None:
                    continue
                digest = hashlib.sha256(data).hexdigest()
                state.remember_image(conn, digest, int(dab_id), mime, len(data))
                found[int(dab_id)] = (digest, mime, len(data))
    return found


def _text(attrs: Attributes, code: str) -> str | None:
    value = attrs.get(code, (None, None))[0]
    return value.strip() if value and value.strip() else None


def _digest(product: Product, image_ids: Sequence[int | None]) -> str:
    """A hash of what an offer shows (not the code: offers are keyed on the id)."""
    shown = (
        product.ean,
        product.name,
        product.description,
        product.unit,
        product.vat_rate,
        product.active,
        product.shared_for_sale,
        product.category_id,
        product.parameters,
        product.lead_time,
        product.terms,
        list(image_ids),
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _product(
    row: Sequence[object],
    attrs: Attributes,
    mapping: AttributeMapping,
    images: Mapping[int, tuple[str, str, int]],
    version: int,
) -> Product:
    category_text = _text(attrs, CATEGORY_ATTRIBUTE) or ""
    category = int(category_text) if category_text.isdigit() else None
    active = int(str(row[8])) == 0
    parameters = tuple(
        sorted(
            (int(param), value)
            for param, code in mapping.parameters.items()
            if param.isdigit() and (value := _text(attrs, code)) is not None
        )
    )
    pictures: list[ProductImage] = []
    for code in mapping.image_attributes:
        dab = attrs.get(code, (None, None))[1]
        if dab is not None and dab in images:
            digest, mime, size = images[dab]
            pictures.append(ProductImage(position=len(pictures), mime_type=mime, sha256=digest, size=size))
    lead = _text(attrs, LEAD_TIME_ATTRIBUTE)
    product_id = int(str(row[0]))
    ean = str(row[2] or "").strip() or str(row[9] or "").strip()
    return Product(
        id=product_id,
        code=str(row[1]).strip(),
        ean=ean or None,
        name=str(row[3]).strip(),
        description=str(row[4] or ""),
        unit=UNITS.get(str(row[5] or "").strip().lower(), "sztuk"),
        vat_rate=vat_rate(row[7], row[6], product_id),
        active=active,
        shared_for_sale=active and category is not None,
        category_id=category,
        parameters=parameters,
        lead_time=_lead_time(lead),
        terms=TermsOverride(**{field: _text(attrs, code) for field, code in TERM_ATTRIBUTES.items()}),
        content_version=version,
        images=tuple(pictures),
    )


def _lead_time(text: str | None) -> LeadTime | None:
    for known in LEAD_TIMES:
        if known == text:
            return known
    return None


def vat_rate(flag: object, rate: object, product_id: int) -> VatRate:
    """Optima's VAT: flag 1 is exempt ("zw."), otherwise the rate in percent."""
    if int(str(flag if flag is not None else 2)) == 1:
        return "zw."
    text = f"{int(float(str(rate or 0)))}%"
    for known in VAT_RATES:
        if known == text:
            return known
    say("WARNING", "log.optima.vat", product=product_id, rate=text)
    return "23%"
