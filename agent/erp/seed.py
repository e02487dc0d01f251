"""Sample data: fill an empty company database with a realistic Polish shop, deterministically.

Same `seed`, same rows (tests compare dumps). Products are named from their leaf category's
vocabulary, carry valid EAN-13s, prices in several price types, stock in three warehouses, and
images from a small generated pool; some are not shared for sale, a few are inactive; a shipping
service product and a few hundred contractors (valid NIPs) come along, and some RO documents whose
lines are what the stock shows reserved.

Speed: rows are built in Python lists and written with `executemany` in one transaction on a plain
sqlite3 connection (run it in a thread from async code). The change-tracking triggers are dropped
inside that transaction and recreated before it commits, with every version written explicitly,
so a reader never sees the database without them.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from agent.catalogue import (
    BRAND_PARAMETER_ID,
    CONDITION_NEW_VALUE_ID,
    CONDITION_PARAMETER_ID,
    EAN_PARAMETER_ID,
    PRODUCER_CODE_PARAMETER_ID,
    SKU_PARAMETER_ID,
    ProductVocabulary,
    curated_leaves,
    leaf_categories,
    product_vocabulary,
)
from agent.domain import LEAD_TIMES, Category, CategoryParameter, VatRate
from agent.erp import polish
from agent.erp.database import PRAGMAS, check_header
from agent.erp.documents import net_from_gross
from agent.erp.images import sample_pool
from agent.erp.schema import SCHEMA_VERSION, TRIGGERS
from agent.errors import Phrase, StorageError

PRICE_TYPES = (
    (1, "detaliczna", Decimal("1.00")),
    (2, "internetowa", Decimal("0.95")),
    (3, "hurtowa", Decimal("0.82")),
)
WAREHOUSES = ((1, "MAGAZYN", "Magazyn główny"), (2, "SKLEP", "Sklep stacjonarny"), (3, "HURT", "Magazyn hurtowy"))
SHIPPING_CODE = "USŁUGA-WYSYŁKA"
# The leaves only use 23% and 8%; these shares give every rate its products.
OTHER_VAT: tuple[tuple[float, VatRate], ...] = ((0.03, "5%"), (0.04, "0%"), (0.05, "zw."))
SEED_EPOCH = datetime(2026, 1, 5, 9, 0)
GROSZ = Decimal("0.01")
CURATED_SHARE = 0.8
"""Share of products placed in the leaves with hand-written product words (see agent.catalogue)."""


@dataclass(frozen=True, slots=True)
class SeedReport:
    products: int
    shared: int
    contractors: int
    documents: int
    change_version: int


def seed_company(path: Path, *, products: int, seed: int = 0, contractors: int | None = None) -> SeedReport:
    """Fill the company database at `path` (migrated, with no products yet); blocking, run it in a thread.

    StorageError if the file is not at the current schema version or already has products.
    """
    if products < 0:
        raise ValueError("products must be >= 0")
    check_header(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise StorageError(
                f"{path}: schema version {version}, expected {SCHEMA_VERSION}; open it first",
                phrase=Phrase("err.seed_version", {"path": str(path), "version": version, "expected": SCHEMA_VERSION}),
            )
        existing = conn.execute("SELECT COUNT(*) FROM products").fetchone()[0]
        if existing:
            raise StorageError(
                f"{path}: already has {existing} products",
                hint="seed an empty company database (delete the file, or use --replace)",
                phrase=Phrase("err.seed_not_empty", {"path": str(path), "products": existing}),
                hint_phrase=Phrase("errhint.seed_not_empty"),
            )
        conn.execute("BEGIN IMMEDIATE")
        try:
            report = _fill(conn, products, random.Random(seed), contractors)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        said = Phrase("err.sqlite_said", {"path": str(path), "detail": str(exc)})
        raise StorageError(f"{path}: {exc}", phrase=said) from None
    finally:
        conn.close()
    return report


def _parameter_value(rng: random.Random, p: CategoryParameter, brand: str) -> str:
    if p.type in ("dictionary", "color") and p.values:
        by_label = {v.label: v.id for v in p.values}
        return str(by_label.get(brand) or rng.choice(p.values).id)
    if p.type == "integer":
        low = int(p.min) if p.min is not None else 1
        high = int(p.max) if p.max is not None else max(low, 100)
        return str(rng.randint(low, high))
    if p.type == "float":
        low_f = float(p.min) if p.min is not None else 1.0
        high_f = float(p.max) if p.max is not None else max(low_f, 100.0)
        return str(Decimal(str(rng.uniform(low_f, high_f))).quantize(Decimal("0.1")))
    return f"{brand} {rng.randint(100, 999)}"


def _fill(conn: sqlite3.Connection, count: int, rng: random.Random, contractor_count: int | None) -> SeedReport:
    for name in TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    conn.executemany("INSERT INTO price_types (id, name) VALUES (?, ?)", [(i, n) for i, n, _ in PRICE_TYPES])
    conn.executemany("INSERT INTO warehouses (id, code, name) VALUES (?, ?, ?)", WAREHOUSES)
    pool = sample_pool()
    conn.executemany(
        "INSERT INTO images (id, sha256, mime_type, width, height, content) VALUES (?, ?, ?, ?, ?, ?)",
        [(i + 1, im.sha256, im.mime_type, im.width, im.height, im.content) for i, im in enumerate(pool)],
    )

    n_contractors = contractor_count if contractor_count is not None else min(300, max(20, count // 10))
    contractor_rows = [polish.contractor(rng, n) for n in range(2, n_contractors + 2)]
    conn.executemany(
        """INSERT INTO contractors (code, name, nip, email, phone, street, building_number, flat_number,
               post_code, city) VALUES (:code, :name, :nip, :email, :phone, :street, :building_number,
               :flat_number, :post_code, :city)""",
        contractor_rows,
    )

    leaves = leaf_categories()
    curated = curated_leaves()
    vocabularies: dict[int, ProductVocabulary] = {}
    ean_base = rng.randrange(10**9)
    product_rows: list[tuple[object, ...]] = []
    price_rows: list[tuple[object, ...]] = []
    stock_rows: list[list[int]] = []
    image_rows: list[tuple[int, int, int]] = []
    shared = 0
    for i in range(count):
        pid = i + 1
        # Most products go to leaves with hand-written words (believable names); the rest anywhere in the
        # live tree, named after their leaf.
        among = curated if curated and rng.random() < CURATED_SHARE else leaves
        leaf: Category = among[rng.randrange(len(among))]
        vocab = vocabularies.get(leaf.id) or vocabularies.setdefault(leaf.id, product_vocabulary(leaf.id))
        brand = rng.choice(vocab.brands)
        name = f"{rng.choice(vocab.nouns)} {brand} {rng.choice(vocab.variants)}"
        # 7919 is prime, so body differs for every i below 10**9: EANs are unique.
        ean = polish.ean13(f"590{(ean_base + i * 7919) % 10**9:09d}")
        code = f"{polish.ascii_slug(brand)[:4].upper()}-{pid:06d}"
        roll = rng.random()
        vat: VatRate = vocab.vat_rate
        threshold = 0.0
        for share, rate in OTHER_VAT:
            threshold += share
            if roll < threshold:
                vat = rate
                break
        params: list[tuple[int, str]] = []
        for p in leaf.fields:
            if p.id == EAN_PARAMETER_ID:
                params.append((p.id, ean))
            elif p.id == PRODUCER_CODE_PARAMETER_ID:
                params.append((p.id, f"{polish.ascii_slug(brand)[:3].upper()}{rng.randint(10000, 99999)}"))
            elif p.id == CONDITION_PARAMETER_ID:
                params.append((p.id, str(CONDITION_NEW_VALUE_ID)))
            elif p.id == SKU_PARAMETER_ID:
                params.append((p.id, code))
            elif p.id == BRAND_PARAMETER_ID or p.required:
                params.append((p.id, _parameter_value(rng, p, brand)))
        active = rng.random() >= 0.03
        is_shared = active and rng.random() < 0.92
        shared += is_shared
        lead_time = rng.choice(LEAD_TIMES[:6]) if rng.random() < 0.3 else None
        product_rows.append(
            (
                pid,
                code,
                ean,
                name,
                polish.description(rng, name, brand, leaf.name),
                vocab.unit,
                vat,
                int(active),
                int(is_shared),
                leaf.id,
                json.dumps(params, ensure_ascii=False),
                lead_time,
                pid,
                pid,
            )
        )
        span = int((vocab.price_max - vocab.price_min) * 100)
        base = vocab.price_min + Decimal(rng.randrange(span + 1)) / 100
        retail = Decimal(int(base)) + Decimal("0.99")
        for type_id, _, factor in PRICE_TYPES:
            gross = (retail * factor).quantize(GROSZ, rounding=ROUND_HALF_UP)
            price_rows.append((pid, type_id, str(net_from_gross(gross, vat)), str(gross)))
        for warehouse_id, _, _ in WAREHOUSES:
            if warehouse_id == 1 or rng.random() < 0.5:
                on_hand = rng.randint(1, 120) if rng.random() < 0.9 else 0
                stock_rows.append([pid, warehouse_id, on_hand, 0])
        first = rng.randrange(len(pool))
        for position in range(rng.randint(1, 3)):
            image_rows.append((pid, position, (first + position * 5) % len(pool) + 1))

    shipping_id = count + 1
    product_rows.append(
        (
            shipping_id,
            SHIPPING_CODE,
            None,
            "Usługa transportowa (wysyłka)",
            "",
            "sztuk",
            "23%",
            1,
            0,
            None,
            "[]",
            None,
            shipping_id,
            shipping_id,
        )
    )
    price_rows.append((shipping_id, 1, str(net_from_gross(Decimal("15.99"), "23%")), "15.99"))
    retail_prices = {int(str(r[0])): Decimal(str(r[3])) for r in price_rows if r[1] == 1}
    vat_of = {int(str(r[0])): str(r[6]) for r in product_rows}
    documents = _documents(rng, stock_rows, retail=retail_prices, vat=vat_of, n_contractors=n_contractors, count=count)

    conn.executemany(
        """INSERT INTO products (id, code, ean, name, description, unit, vat_rate, active, shared_for_sale,
               category_id, parameters, lead_time, content_version, stock_price_version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        product_rows,
    )
    conn.execute("UPDATE products SET is_service = 1 WHERE id = ?", (shipping_id,))
    conn.executemany("INSERT INTO prices (product_id, price_type_id, net, gross) VALUES (?, ?, ?, ?)", price_rows)
    conn.executemany(
        "INSERT INTO stock (product_id, warehouse_id, on_hand, reserved) VALUES (?, ?, ?, ?)", stock_rows
    )
    conn.executemany("INSERT INTO product_images (product_id, position, image_id) VALUES (?, ?, ?)", image_rows)
    header_rows, line_rows = documents
    conn.executemany(
        """INSERT INTO documents (id, kind, series, year, number, full_number, issued, contractor_id, payment_form,
               status, net_total, gross_total) VALUES (?, 'RO', 'RO', ?, ?, ?, ?, ?, ?, 'reserved', ?, ?)""",
        header_rows,
    )
    conn.executemany(
        """INSERT INTO document_lines (document_id, position, product_id, warehouse_id, quantity, unit_gross,
               vat_rate, net, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        line_rows,
    )
    conn.execute("UPDATE change_counter SET value = ? WHERE id = 1", (shipping_id,))
    for ddl in TRIGGERS.values():
        conn.execute(ddl)
    return SeedReport(
        products=count,
        shared=shared,
        contractors=n_contractors,
        documents=len(header_rows),
        change_version=shipping_id,
    )


def _documents(
    rng: random.Random,
    stock_rows: list[list[int]],
    *,
    retail: dict[int, Decimal],
    vat: dict[int, str],
    n_contractors: int,
    count: int,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Open ROs (from the shop's other channels) whose lines are exactly what stock shows reserved."""
    with_stock = [row for row in stock_rows if row[2] > 0]
    n_docs = min(len(with_stock) // 3, max(1, count // 50)) if with_stock else 0
    issued_at = sorted(SEED_EPOCH + timedelta(minutes=rng.randrange(60 * 24 * 300)) for _ in range(n_docs))
    headers: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    for issued in issued_at:
        number = len(headers) + 1
        net_total = gross_total = Decimal(0)
        doc_lines: list[tuple[object, ...]] = []
        for _ in range(rng.randint(1, 3)):
            row = rng.choice(with_stock)
            if row[2] - row[3] < 1:
                continue
            quantity = rng.randint(1, min(3, row[2] - row[3]))
            row[3] += quantity
            unit = retail[row[0]]
            gross = unit * quantity
            net = net_from_gross(gross, vat[row[0]])
            net_total += net
            gross_total += gross
            doc_lines.append(
                (number, len(doc_lines), row[0], row[1], quantity, str(unit), vat[row[0]], str(net), str(gross))
            )
        if not doc_lines:
            continue
        lines.extend(doc_lines)
        headers.append(
            (
                number,
                issued.year,
                number,
                f"RO/{number}/{issued.year}",
                issued.isoformat(),
                rng.randint(2, n_contractors + 1),
                rng.choice(("gotówka", "przelew", "karta")),
                str(net_total),
                str(gross_total),
            )
        )
    return headers, lines
