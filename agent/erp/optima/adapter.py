"""`OptimaErp`: a Comarch ERP Optima company database (SQL Server, schema CDN) as the ERP port.

Reads go to Optima through a synchronous SQLAlchemy engine, each call in a worker thread so the
event loop stays free. Nothing is ever written to Optima's tables: the change counter and
per-product versions live in the agent's sidecar (`VersionState`), and the marketplace catalogue
copy and the company lease, which the embedded ERP keeps in its own file, live in an embedded-ERP
file of the agent's (`copy`), with the same fencing. Orders reach Optima as XML files that the
operator imports (see `documents`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from loguru import logger
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from agent.domain import Category, DocumentDraft, Product, StockPrice, Terms
from agent.erp.optima import content, queries, stock
from agent.erp.optima.content import AttributeMapping
from agent.erp.optima.state import VersionState
from agent.erp.port import (
    CancelOutcome,
    CatalogueDiff,
    ContentChanges,
    Lease,
    LeaseHolder,
    OrderDocument,
    StockPriceChanges,
)
from agent.erp.sqlite import SqliteErp
from agent.errors import InvalidItem, RetryLater, StorageError

T = TypeVar("T")
# Optima versions (SystemCDN, SYS_ID = 3) whose CDN tables this adapter was written against.
KNOWN_VERSION_PREFIXES = ("2022.", "2023.", "2024.", "2025.", "2026.")


class OptimaErp:
    """One company's Optima database. Create with `await OptimaErp.open(...)`."""

    def __init__(
        self, engine: Engine, state: VersionState, copy: SqliteErp, mapping: AttributeMapping, timezone: str
    ) -> None:
        self._engine = engine
        self._state = state
        self._copy = copy
        self._mapping = mapping
        self._zone = ZoneInfo(timezone)
        self.version: str | None = None

    @classmethod
    async def open(
        cls, engine: Engine, *, state_dir: Path, mapping: AttributeMapping, timezone: str = "Europe/Warsaw"
    ) -> OptimaErp:
        """Connect, check Optima's version (an unknown one is a warning), open the agent's sidecar files."""
        state = await asyncio.to_thread(VersionState, state_dir / "optima-state.sqlite")
        copy = await SqliteErp.open(state_dir / "optima-copy.sqlite")
        erp = cls(engine, state, copy, mapping, timezone)
        try:
            erp.version = await erp._run(queries.version)
        except BaseException:
            await erp.close()
            raise
        if erp.version is None or not erp.version.startswith(KNOWN_VERSION_PREFIXES):
            logger.warning(
                "Optima database version {} is not one this agent was checked against ({}): "
                "reading may fail if Comarch changed the tables; report it with the log",
                erp.version or "(none)",
                ", ".join(p.rstrip(".") for p in KNOWN_VERSION_PREFIXES),
            )
        return erp

    async def _run(self, work: Callable[[Connection], T]) -> T:
        def call() -> T:
            try:
                with self._engine.connect() as conn:
                    return work(conn)
            except OperationalError as exc:
                # The message of the driver may carry the server name, never the password or a URL query.
                raise RetryLater(f"Optima's database cannot be reached: {exc.orig.__class__.__name__}") from None
            except DBAPIError as exc:
                raise StorageError(f"Optima's database refused a query: {exc.orig.__class__.__name__}") from None

        return await asyncio.to_thread(call)

    def _today(self) -> date:
        return datetime.now(self._zone).date()

    async def close(self) -> None:
        await self._copy.close()
        await asyncio.to_thread(self._engine.dispose)

    async def __aenter__(self) -> OptimaErp:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- reads -----------------------------------------------------------------------------

    async def change_version(self) -> int:
        """Scans content, then prices and stock (a full pass): the counter then covers every change."""
        today = self._today()

        def scan(conn: Connection) -> int:
            content.scan_content(conn, self._state, self._mapping)
            return stock.scan(conn, self._state, today)

        return await self._run(scan)

    async def content_changes(self, since: int, *, limit: int | None = None) -> ContentChanges:
        def read(conn: Connection) -> ContentChanges:
            content.scan_content(conn, self._state, self._mapping)
            return content.content_changes(conn, self._state, self._mapping, since, limit)

        return await self._run(read)

    async def stock_price_changes(
        self,
        since: int,
        *,
        price_type: str,
        warehouses: Sequence[str] = (),
        stock_buffer: int = 0,
        limit: int | None = None,
    ) -> StockPriceChanges:
        today = self._today()

        def read(conn: Connection) -> StockPriceChanges:
            # Content first: then the stock pass below leaves the counter covering every change.
            content.scan_content(conn, self._state, self._mapping)
            return stock.stock_price_changes(
                conn,
                self._state,
                since,
                price_type=price_type,
                warehouses=warehouses,
                stock_buffer=stock_buffer,
                limit=limit,
                today=today,
            )

        return await self._run(read)

    async def stock_prices(
        self, ids: Sequence[int], *, price_type: str, warehouses: Sequence[str] = (), stock_buffer: int = 0
    ) -> tuple[StockPrice, ...]:
        today = self._today()
        return await self._run(
            lambda c: stock.stock_prices(
                c,
                self._state,
                ids,
                price_type=price_type,
                warehouses=warehouses,
                stock_buffer=stock_buffer,
                today=today,
            )
        )

    async def products(self, ids: Sequence[int]) -> tuple[Product, ...]:
        def read(conn: Connection) -> tuple[Product, ...]:
            content.scan_content(conn, self._state, self._mapping)
            return content.products_by_ids(conn, self._state, self._mapping, ids)

        return await self._run(read)

    async def image_content(self, sha256: str) -> bytes:
        def read(conn: Connection) -> bytes:
            with self._state.write() as state:
                dab_id = self._state.image_dab(state, sha256)
            row = None if dab_id is None else conn.execute(queries.binary([dab_id])).first()
            if row is None or row[1] is None:
                raise InvalidItem(f"no image with sha256 {sha256} in Optima", field="images")
            return bytes(row[1])

        return await self._run(read)

    async def shared_product_ids(self) -> tuple[int, ...]:
        def read(conn: Connection) -> tuple[int, ...]:
            ids = [int(r[0]) for r in conn.execute(queries.shared_ids(content.CATEGORY_ATTRIBUTE))]
            return tuple(sorted(ids))

        return await self._run(read)

    # --- documents (orders) ------------------------------------------------------------------

    async def create_document(
        self,
        draft: DocumentDraft,
        *,
        match_contractors: bool,
        create_contractors: bool,
        warehouses: Sequence[str] = (),
        fence: int | None,
    ) -> tuple[int, bool]:
        raise StorageError(
            "writing orders to Optima is not built yet",
            hint='keep the orders job off for this company (schedule jobs without "orders")',
        )

    async def cancel_document(self, marketplace: str, order_id: str, *, fence: int | None) -> CancelOutcome:
        return "not_found"

    async def document_for_order(self, marketplace: str, order_id: str) -> int | None:
        return None

    async def order_documents(self, marketplace: str, since: datetime) -> tuple[OrderDocument, ...]:
        return ()

    # --- the agent's own copy: catalogue and lease --------------------------------------------

    async def replace_catalogue(
        self, categories: Sequence[Category], terms: Terms, *, fence: int | None
    ) -> CatalogueDiff:
        return await self._copy.replace_catalogue(categories, terms, fence=fence)

    async def catalogue(self) -> tuple[tuple[Category, ...], Terms]:
        return await self._copy.catalogue()

    async def read_lease(self) -> Lease:
        return await self._copy.read_lease()

    async def take_lease(self, holder: LeaseHolder, *, expected_token: int) -> int:
        return await self._copy.take_lease(holder, expected_token=expected_token)

    async def heartbeat_lease(self, token: int, at: datetime) -> None:
        await self._copy.heartbeat_lease(token, at)

    async def release_lease(self, token: int) -> bool:
        return await self._copy.release_lease(token)
