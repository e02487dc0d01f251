"""`SqliteErp`: the embedded ERP, one SQLite file per company, implementing `ErpPort`.

The queries live in `products`, `documents`, `catalogue_copy` and `lease`; this class opens the
right transaction for each call (a read snapshot, or a fenced `BEGIN IMMEDIATE` write) and hands
the connection to them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Self

from agent.domain import Category, DocumentDraft, Product, StockPrice, Terms
from agent.erp import catalogue_copy, documents, lease, products
from agent.erp.database import CompanyDatabase
from agent.erp.images import check_image
from agent.erp.port import (
    CancelOutcome,
    CatalogueDiff,
    ContentChanges,
    Lease,
    LeaseHolder,
    OrderDocument,
    StockPriceChanges,
)
from agent.errors import InvalidItem, Phrase


@dataclass(frozen=True, slots=True)
class ErpStats:
    """Counts shown by `marketsync erp stats`."""

    products: int
    shared: int
    active: int
    images: int
    documents: int
    open_documents: int
    contractors: int
    change_version: int
    max_content_version: int
    max_stock_price_version: int


class SqliteErp:
    """The company database as the ERP port. Create with `await SqliteErp.open(path)`."""

    def __init__(self, db: CompanyDatabase) -> None:
        self._db = db

    @classmethod
    async def open(cls, path: Path, *, check: bool = True) -> Self:
        """Open (creating and migrating as needed); StorageError if damaged or from a newer version."""
        return cls(await CompanyDatabase.open(path, check=check))

    @property
    def path(self) -> Path:
        return self._db.path

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> SqliteErp:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- reads -----------------------------------------------------------------------------

    async def change_version(self) -> int:
        async with self._db.read() as conn:
            return await products.change_version(conn)

    async def content_changes(self, since: int, *, limit: int | None = None) -> ContentChanges:
        async with self._db.read() as conn:
            return await products.content_changes(conn, since, limit)

    async def stock_price_changes(
        self,
        since: int,
        *,
        price_type: str,
        warehouses: Sequence[str] = (),
        stock_buffer: int = 0,
        limit: int | None = None,
    ) -> StockPriceChanges:
        async with self._db.read() as conn:
            return await products.stock_price_changes(
                conn, since, price_type=price_type, warehouses=warehouses, stock_buffer=stock_buffer, limit=limit
            )

    async def stock_prices(
        self, ids: Sequence[int], *, price_type: str, warehouses: Sequence[str] = (), stock_buffer: int = 0
    ) -> tuple[StockPrice, ...]:
        async with self._db.read() as conn:
            return await products.stock_prices_by_ids(
                conn, ids, price_type=price_type, warehouses=warehouses, stock_buffer=stock_buffer
            )

    async def products(self, ids: Sequence[int]) -> tuple[Product, ...]:
        async with self._db.read() as conn:
            return await products.products_by_ids(conn, ids)

    async def image_content(self, sha256: str) -> bytes:
        async with self._db.read() as conn:
            return await products.image_content(conn, sha256)

    async def shared_product_ids(self) -> tuple[int, ...]:
        async with self._db.read() as conn:
            return await products.shared_product_ids(conn)

    async def awaiting_import(self, marketplace: str) -> tuple[str, ...]:
        """Always (): the embedded ERP writes each RO in `create_document` itself."""
        return ()

    async def document_for_order(self, marketplace: str, order_id: str) -> int | None:
        async with self._db.read() as conn:
            found = await documents.find_document(conn, marketplace, order_id)
        return found[0] if found else None

    async def order_documents(self, marketplace: str, since: datetime) -> tuple[OrderDocument, ...]:
        async with self._db.read() as conn:
            return await documents.order_documents(conn, marketplace, since)

    async def catalogue(self) -> tuple[tuple[Category, ...], Terms]:
        async with self._db.read() as conn:
            return await catalogue_copy.read_catalogue(conn)

    async def has_catalogue(self) -> bool:
        async with self._db.read() as conn:
            return await catalogue_copy.has_categories(conn)

    async def categories(self, ids: Collection[int]) -> tuple[Category, ...]:
        async with self._db.read() as conn:
            return await catalogue_copy.read_categories(conn, ids)

    async def terms(self) -> Terms:
        async with self._db.read() as conn:
            return await catalogue_copy.read_terms(conn)

    async def read_lease(self) -> Lease:
        async with self._db.read() as conn:
            return await lease.read_lease(conn)

    async def stats(self) -> ErpStats:
        async with self._db.read() as conn:
            counts: list[int] = []
            for sql in (
                "SELECT COUNT(*) FROM products WHERE is_service = 0",
                "SELECT COUNT(*) FROM products WHERE is_service = 0 AND shared_for_sale = 1",
                "SELECT COUNT(*) FROM products WHERE is_service = 0 AND active = 1",
                "SELECT COUNT(*) FROM product_images",
                "SELECT COUNT(*) FROM documents",
                "SELECT COUNT(*) FROM documents WHERE status = 'reserved'",
                "SELECT COUNT(*) FROM contractors",
                "SELECT value FROM change_counter WHERE id = 1",
                "SELECT COALESCE(MAX(content_version), 0) FROM products",
                "SELECT COALESCE(MAX(stock_price_version), 0) FROM products",
            ):
                async with conn.execute(sql) as cursor:
                    row = await cursor.fetchone()
                counts.append(int(row[0]) if row else 0)
        return ErpStats(*counts)

    # --- writes ----------------------------------------------------------------------------

    async def create_document(
        self,
        draft: DocumentDraft,
        *,
        match_contractors: bool,
        create_contractors: bool,
        warehouses: Sequence[str] = (),
        fence: int | None,
    ) -> tuple[int, bool]:
        async with self._db.write(fence) as conn:
            return await documents.create_document(
                conn,
                draft,
                match_contractors=match_contractors,
                create_contractors=create_contractors,
                warehouses=tuple(warehouses),
            )

    async def cancel_document(self, marketplace: str, order_id: str, *, fence: int | None) -> CancelOutcome:
        async with self._db.write(fence) as conn:
            return await documents.cancel_document(conn, marketplace, order_id)

    async def replace_catalogue(
        self, categories: Sequence[Category], terms: Terms, *, fence: int | None
    ) -> CatalogueDiff:
        async with self._db.write(fence) as conn:
            return await catalogue_copy.replace_catalogue(conn, categories, terms)

    async def take_lease(self, holder: LeaseHolder, *, expected_token: int) -> int:
        async with self._db.write(None) as conn:
            return await lease.take_lease(self.path, conn, holder, expected_token)

    async def heartbeat_lease(self, token: int, at: datetime) -> None:
        async with self._db.write(None) as conn:
            await lease.heartbeat_lease(self.path, conn, token, at)

    async def release_lease(self, token: int) -> bool:
        async with self._db.write(None) as conn:
            return await lease.release_lease(conn, token)

    async def set_images(self, product_id: int, contents: Sequence[bytes], *, fence: int | None = None) -> None:
        """Replace a product's images (ERP-side editing, not part of the port).

        InvalidItem if an image is not JPEG/PNG/WebP of at least 124 x 124 px, or the product
        does not exist; nothing is stored then.
        """
        checked = [check_image(content) for content in contents]
        async with self._db.write(fence) as conn:
            async with conn.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)) as cursor:
                if await cursor.fetchone() is None:
                    raise InvalidItem(
                        f"no product with id {product_id}",
                        field="product_id",
                        phrase=Phrase("err.item.no_product", {"product": product_id}),
                    )
            await conn.execute("DELETE FROM product_images WHERE product_id = ?", (product_id,))
            for position, image in enumerate(checked):
                await conn.execute(
                    """INSERT INTO images (sha256, mime_type, width, height, content) VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (sha256) DO NOTHING""",
                    (image.sha256, image.mime_type, image.width, image.height, image.content),
                )
                await conn.execute(
                    """INSERT INTO product_images (product_id, position, image_id)
                       SELECT ?, ?, id FROM images WHERE sha256 = ?""",
                    (product_id, position, image.sha256),
                )
