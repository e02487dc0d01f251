"""The company database's schema, as numbered migrations applied by `PRAGMA user_version`.

Version 1 is the ERP itself, modelled on Comarch ERP Optima: products ("towary") with images,
price types and prices ("cenniki"), warehouses and stock ("zasoby") with reservations, contractors
("kontrahenci"), and customer reservation documents (RO) with lines. Version 2 adds what the agent
keeps next to it: a copy of the marketplace catalogue and terms, and the company's sync lease.

Change tracking: one monotonic counter (`change_counter`, a single row) is raised by triggers, and
the product row takes the new value as its `content_version` (what an offer shows: product fields,
images, parameters) or its `stock_price_version` (any price, stock on hand or reserved). Both are
indexed, so "what changed since V" is one indexed range scan each. Renaming a code, editing a
contractor or a document header moves neither. The triggers are kept apart (`TRIGGERS`) because
the bulk seed drops them for its one big transaction and recreates them before it commits.

Money is TEXT holding a decimal (never REAL: the CHECKs refuse it).
"""

from __future__ import annotations

from typing import Final

SCHEMA_VERSION: Final = 2

# The built-in contractor an RO gets when contractors may be neither matched nor created (Optima's).
UNKNOWN_CONTRACTOR_CODE: Final = "!NIEOKREŚLONY!"

# Columns of `products` whose change alters what an offer shows. `code` is not one of them: offers
# are keyed on the immutable id, and users rename codes.
CONTENT_COLUMNS: Final = (
    "ean",
    "name",
    "description",
    "unit",
    "vat_rate",
    "active",
    "shared_for_sale",
    "category_id",
    "parameters",
    "lead_time",
    "shipping_tariff",
    "return_policy",
    "complaint_policy",
    "guarantee",
)

_BUMP = "UPDATE change_counter SET value = value + 1 WHERE id = 1;"
_NOW = "(SELECT value FROM change_counter WHERE id = 1)"


def _content_trigger_when() -> str:
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in CONTENT_COLUMNS)


# name -> CREATE TRIGGER statement (without the trailing semicolon of the whole statement list).
TRIGGERS: Final[dict[str, str]] = {
    "products_inserted": f"""
CREATE TRIGGER products_inserted AFTER INSERT ON products BEGIN
    {_BUMP}
    UPDATE products SET content_version = {_NOW}, stock_price_version = {_NOW} WHERE id = NEW.id;
END""",
    "products_content_changed": f"""
CREATE TRIGGER products_content_changed AFTER UPDATE OF {", ".join(CONTENT_COLUMNS)} ON products
WHEN {_content_trigger_when()}
BEGIN
    {_BUMP}
    UPDATE products SET content_version = {_NOW} WHERE id = NEW.id;
END""",
    "product_images_inserted": f"""
CREATE TRIGGER product_images_inserted AFTER INSERT ON product_images BEGIN
    {_BUMP}
    UPDATE products SET content_version = {_NOW} WHERE id = NEW.product_id;
END""",
    "product_images_updated": f"""
CREATE TRIGGER product_images_updated AFTER UPDATE ON product_images BEGIN
    {_BUMP}
    UPDATE products SET content_version = {_NOW} WHERE id IN (OLD.product_id, NEW.product_id);
END""",
    "product_images_deleted": f"""
CREATE TRIGGER product_images_deleted AFTER DELETE ON product_images BEGIN
    {_BUMP}
    UPDATE products SET content_version = {_NOW} WHERE id = OLD.product_id;
END""",
    "prices_inserted": f"""
CREATE TRIGGER prices_inserted AFTER INSERT ON prices BEGIN
    {_BUMP}
    UPDATE products SET stock_price_version = {_NOW} WHERE id = NEW.product_id;
END""",
    "prices_updated": f"""
CREATE TRIGGER prices_updated AFTER UPDATE ON prices
WHEN OLD.gross IS NOT NEW.gross OR OLD.net IS NOT NEW.net OR OLD.product_id IS NOT NEW.product_id
BEGIN
    {_BUMP}
    UPDATE products SET stock_price_version = {_NOW} WHERE id IN (OLD.product_id, NEW.product_id);
END""",
    "prices_deleted": f"""
CREATE TRIGGER prices_deleted AFTER DELETE ON prices BEGIN
    {_BUMP}
    UPDATE products SET stock_price_version = {_NOW} WHERE id = OLD.product_id;
END""",
    "stock_inserted": f"""
CREATE TRIGGER stock_inserted AFTER INSERT ON stock BEGIN
    {_BUMP}
    UPDATE products SET stock_price_version = {_NOW} WHERE id = NEW.product_id;
END""",
    "stock_updated": f"""
CREATE TRIGGER stock_updated AFTER UPDATE ON stock
WHEN OLD.on_hand IS NOT NEW.on_hand OR OLD.reserved IS NOT NEW.reserved
    OR OLD.product_id IS NOT NEW.product_id OR OLD.warehouse_id IS NOT NEW.warehouse_id
BEGIN
    {_BUMP}
    UPDATE products SET stock_price_version = {_NOW} WHERE id IN (OLD.product_id, NEW.product_id);
END""",
    "stock_deleted": f"""
CREATE TRIGGER stock_deleted AFTER DELETE ON stock BEGIN
    {_BUMP}
    UPDATE products SET stock_price_version = {_NOW} WHERE id = OLD.product_id;
END""",
}

_V1_TABLES = f"""
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

-- AUTOINCREMENT: an id is never reused, because the marketplace keys offers on it.
CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    ean TEXT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT 'sztuk'
        CHECK (unit IN ('sztuk', 'kompletow', 'par', 'opakowan', 'paczek')),
    vat_rate TEXT NOT NULL CHECK (vat_rate IN ('23%', '8%', '5%', '0%', 'zw.')),
    is_service INTEGER NOT NULL DEFAULT 0 CHECK (is_service IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    shared_for_sale INTEGER NOT NULL DEFAULT 0 CHECK (shared_for_sale IN (0, 1)),
    category_id INTEGER,
    parameters TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(parameters)),
    lead_time TEXT,
    shipping_tariff TEXT,
    return_policy TEXT,
    complaint_policy TEXT,
    guarantee TEXT,
    content_version INTEGER NOT NULL DEFAULT 0,
    stock_price_version INTEGER NOT NULL DEFAULT 0
);
-- The marketplace knows a product by its id (externalId): it must never change.
CREATE TRIGGER products_id_immutable BEFORE UPDATE OF id ON products WHEN OLD.id IS NOT NEW.id BEGIN
    SELECT RAISE(ABORT, 'a product id never changes (the marketplace keys offers on it)');
END;
CREATE INDEX products_content_version ON products (content_version);
CREATE INDEX products_stock_price_version ON products (stock_price_version);
CREATE INDEX products_ean ON products (ean);

-- Image bytes are stored once per distinct content; products point at them by position.
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    mime_type TEXT NOT NULL CHECK (mime_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width INTEGER NOT NULL CHECK (width >= 124),
    height INTEGER NOT NULL CHECK (height >= 124),
    content BLOB NOT NULL
);
CREATE TABLE product_images (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    image_id INTEGER NOT NULL REFERENCES images (id),
    PRIMARY KEY (product_id, position)
) WITHOUT ROWID;

CREATE TABLE price_types (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE prices (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    price_type_id INTEGER NOT NULL REFERENCES price_types (id),
    net TEXT NOT NULL CHECK (typeof(net) = 'text'),
    gross TEXT NOT NULL CHECK (typeof(gross) = 'text'),
    PRIMARY KEY (product_id, price_type_id)
) WITHOUT ROWID;

CREATE TABLE warehouses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE stock (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    warehouse_id INTEGER NOT NULL REFERENCES warehouses (id),
    on_hand INTEGER NOT NULL DEFAULT 0,
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (product_id, warehouse_id)
) WITHOUT ROWID;

CREATE TABLE contractors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    nip TEXT,
    email TEXT,
    phone TEXT,
    street TEXT NOT NULL DEFAULT '',
    building_number TEXT NOT NULL DEFAULT '',
    flat_number TEXT,
    post_code TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT 'PL'
);
CREATE INDEX contractors_nip ON contractors (nip);
CREATE INDEX contractors_email ON contractors (email COLLATE NOCASE);
INSERT INTO contractors (code, name) VALUES ('{UNKNOWN_CONTRACTOR_CODE}', 'Kontrahent nieokreślony');

-- An RO ("rezerwacja odbiorcy"). (marketplace, order_id) is UNIQUE: an order cannot be imported twice.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'RO' CHECK (kind IN ('RO')),
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    full_number TEXT NOT NULL UNIQUE,
    issued TEXT NOT NULL,
    contractor_id INTEGER NOT NULL REFERENCES contractors (id),
    payment_form TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('reserved', 'cancelled')),
    marketplace TEXT,
    order_id TEXT,
    net_total TEXT NOT NULL CHECK (typeof(net_total) = 'text'),
    gross_total TEXT NOT NULL CHECK (typeof(gross_total) = 'text'),
    note TEXT,
    cancelled_at TEXT,
    UNIQUE (marketplace, order_id),
    UNIQUE (kind, series, year, number)
);
CREATE TABLE document_lines (
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    warehouse_id INTEGER REFERENCES warehouses (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_gross TEXT NOT NULL CHECK (typeof(unit_gross) = 'text'),
    vat_rate TEXT NOT NULL,
    net TEXT NOT NULL CHECK (typeof(net) = 'text'),
    gross TEXT NOT NULL CHECK (typeof(gross) = 'text'),
    PRIMARY KEY (document_id, position)
) WITHOUT ROWID;
CREATE INDEX document_lines_product ON document_lines (product_id);
"""

_V2_TABLES = """
-- The orders job lists a marketplace's ROs by date (cancellations, reconciliation).
CREATE INDEX documents_marketplace_issued ON documents (marketplace, issued);

-- The marketplace catalogue and terms as last downloaded; payload is the value as canonical JSON.
CREATE TABLE mp_categories (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    has_subcategories INTEGER NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload))
);
CREATE INDEX mp_categories_parent ON mp_categories (parent_id);
CREATE TABLE mp_category_parameters (
    category_id INTEGER NOT NULL REFERENCES mp_categories (id) ON DELETE CASCADE,
    parameter_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    required INTEGER NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    PRIMARY KEY (category_id, parameter_id)
) WITHOUT ROWID;
CREATE TABLE mp_terms (
    kind TEXT NOT NULL CHECK (kind IN ('shipping_methods', 'shipping_tariffs', 'return_policies',
        'complaint_policies', 'guarantees', 'payment_methods')),
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload)),
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE mp_catalogue_meta (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    replaced_at TEXT
);
INSERT INTO mp_catalogue_meta (id, replaced_at) VALUES (1, NULL);

-- The company's sync lease: one row, seen from every workstation. The fencing token only grows.
CREATE TABLE sync_lease (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fencing_token INTEGER NOT NULL DEFAULT 0,
    holder_host TEXT,
    holder_pid INTEGER,
    kind TEXT,
    operator TEXT,
    started_at TEXT,
    heartbeat_at TEXT
);
INSERT INTO sync_lease (id) VALUES (1);
"""


def _v1() -> str:
    triggers = ";\n".join(TRIGGERS.values())
    return f"{_V1_TABLES}\n{triggers};\n"


# (version reached, script). Each script runs in one BEGIN IMMEDIATE transaction with the
# user_version bump, so a crash leaves the file at the previous version, never in between.
MIGRATIONS: Final[tuple[tuple[int, str], ...]] = (
    (1, _v1()),
    (2, _V2_TABLES),
)

assert MIGRATIONS[-1][0] == SCHEMA_VERSION
