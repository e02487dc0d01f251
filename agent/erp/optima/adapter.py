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
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from agent.domain import DEFAULT_TIMEZONE, Category, DocumentDraft, Product, StockPrice, Terms
from agent.erp.optima import content, documents, queries, stock, xml_export
from agent.erp.optima import fence as fence_lock
from agent.erp.optima import stats as counts
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
from agent.erp.sqlite import ErpStats, SqliteErp
from agent.errors import ConfigError, InvalidItem, Phrase, RetryLater, StorageError
from agent.logs import say

T = TypeVar("T")
# Optima versions (SystemCDN, SYS_ID = 3) whose CDN tables this adapter was written against.
KNOWN_VERSION_PREFIXES = ("2022.", "2023.", "2024.", "2025.", "2026.")


class OptimaErp:
    """One company's Optima database. Create with `await OptimaErp.open(...)`."""

    def __init__(  # noqa: PLR0917 - built by `open` only
        self,
        engine: Engine,
        state: VersionState,
        copy: SqliteErp,
        mapping: AttributeMapping,
        timezone: str,
        import_folder: Path | None = None,
    ) -> None:
        self._import_folder = import_folder
        self._engine = engine
        self._state = state
        self._copy = copy
        self._mapping = mapping
        self._zone = ZoneInfo(timezone)
        # The rest of the last stock-and-price pass read page by page (see `stock.Pending`).
        self._pending: stock.Pending | None = None
        self.version: str | None = None

    @classmethod
    async def open(
        cls,
        engine: Engine,
        *,
        state_dir: Path,
        mapping: AttributeMapping,
        timezone: str = DEFAULT_TIMEZONE,
        import_folder: Path | None = None,
    ) -> OptimaErp:
        """Connect, check Optima's version (an unknown one is a warning), open the agent's sidecar files."""
        state = await asyncio.to_thread(VersionState, state_dir / "optima-state.sqlite")
        copy = await SqliteErp.open(state_dir / "optima-copy.sqlite")
        erp = cls(engine, state, copy, mapping, timezone, import_folder)
        try:
            erp.version = await erp._run(queries.version)
        except BaseException:
            await erp.close()
            raise
        if erp.version is None or not erp.version.startswith(KNOWN_VERSION_PREFIXES):
            say(
                "WARNING", "log.optima.version", version=erp.version or "-",
                known=", ".join(p.rstrip(".") for p in KNOWN_VERSION_PREFIXES),
            )
        return erp

    async def _run(self, work: Callable[[Connection], T]) -> T:
        def call() -> T:
            try:
                with self._engine.connect() as conn:
                    return work(conn)
            except OperationalError as exc:
                # The message of the driver may carry the server name, never the password or a URL query.
                kind = exc.orig.__class__.__name__
                raise RetryLater(
                    f"Optima's database cannot be reached: {kind}",
                    phrase=Phrase("err.optima_unreachable", {"kind": kind}),
                ) from None
            except DBAPIError as exc:
                kind = exc.orig.__class__.__name__
                raise StorageError(
                    f"Optima's database refused a query: {kind}", phrase=Phrase("err.optima_refused", {"kind": kind})
                ) from None

        return await asyncio.to_thread(call)

    @property
    def copy_path(self) -> Path:
        """The agent's copy file of this company: its lease and its copy of the marketplace catalogue."""
        return self._copy.path

    def _now(self) -> datetime:
        """The wall-clock time in the configured time zone, naive, as Optima's columns hold times."""
        return datetime.now(self._zone).replace(tzinfo=None)

    def _today(self) -> date:
        return self._now().date()

    async def close(self) -> None:
        await self._copy.close()
        await asyncio.to_thread(self._state.close)
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
            content.scan_content(conn, self._state, self._mapping, self._now())
            return stock.scan(conn, self._state, today)

        return await self._run(scan)

    async def content_changes(self, since: int, *, limit: int | None = None) -> ContentChanges:
        def read(conn: Connection) -> ContentChanges:
            _, scanned = content.scan_content(conn, self._state, self._mapping, self._now())
            return content.content_changes(conn, self._state, self._mapping, since, limit, scanned=scanned)

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
        rule = stock.Rule(price_type, tuple(warehouses), stock_buffer)
        pending = self._pending
        if pending is not None and pending.continues(since, rule):
            changes, self._pending = stock.next_page(pending, limit)
            return changes
        today = self._today()

        def read(conn: Connection) -> tuple[StockPriceChanges, stock.Pending | None]:
            # Content first: then the stock pass below leaves the counter covering every change.
            content.scan_content(conn, self._state, self._mapping, self._now())
            return stock.stock_price_changes(conn, self._state, since, rule=rule, limit=limit, today=today)

        changes, self._pending = await self._run(read)
        return changes

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
            _, scanned = content.scan_content(conn, self._state, self._mapping, self._now())
            return content.products_by_ids(conn, self._state, self._mapping, ids, scanned)

        return await self._run(read)

    async def image_content(self, sha256: str) -> bytes:
        def read(conn: Connection) -> bytes:
            with self._state.write() as state:
                dab_id = self._state.image_dab(state, sha256)
            row = None if dab_id is None else conn.execute(queries.binary([dab_id])).first()
            if row is None or row[1] is None:
                raise InvalidItem(
                    f"no image with sha256 {sha256} in Optima",
                    field="images",
                    phrase=Phrase("err.item.no_image_optima", {"sha256": sha256}),
                )
            return bytes(row[1])

        return await self._run(read)

    async def stats(self) -> ErpStats:
        """Counts for `marketsync erp stats`, and the change counter as the agent's state holds it."""
        return await self._run(lambda c: counts.count(c, self._state, self._mapping))

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
        """Write the order's XML file for Optima's import, once; (id, created) as the port says.

        The id is the RO's TrN_TrNID once Optima imported it, else the negative id of the order's
        row awaiting import. No stock is reserved here: Optima reserves it when it imports the RO.
        """
        folder = self._import_folder
        if folder is None:
            raise ConfigError(
                "orders cannot go to Optima: [company.optima] import_folder is not set",
                hint="set import_folder to the folder Optima imports XML documents from",
                phrase=Phrase("err.optima_no_import_folder"),
                hint_phrase=Phrase("errhint.optima_import_folder"),
            )
        marker = xml_export.marker(draft.marketplace, draft.order_id)

        def write(conn: Connection) -> tuple[int, bool]:
            with fence_lock.held(self.copy_path, fence):
                return write_fenced(conn)

        def write_fenced(conn: Connection) -> tuple[int, bool]:
            ro = documents.imported(conn, [marker]).get(marker)
            if ro is not None:
                return ro.id, False
            with self._state.write() as state:
                known = documents.awaiting_row(state, draft.marketplace, draft.order_id)
                if known is not None:
                    return -known[0], False
                goods, shipping = documents.line_goods(conn, draft)
                code = documents.contractor_code(conn, draft, match=match_contractors, create=create_contractors)
                content = xml_export.build(
                    draft, goods, shipping, contractor_code=code, warehouse=warehouses[0] if warehouses else None
                )
                total = sum((line.unit_gross_price * line.quantity for line in draft.lines), Decimal(0))
                total += draft.shipping_cost or Decimal(0)
                name = xml_export.file_name(draft.marketplace, draft.order_id)
                # The row commits after the file is in place: a crash in between leaves a file the
                # next attempt rewrites under the same name, never a second order.
                path = xml_export.write_atomically(folder, name, content)
                return -documents.record(state, draft, path, total), True

        return await self._run(write)

    async def awaiting_import(self, marketplace: str) -> tuple[str, ...]:
        def read(conn: Connection) -> tuple[str, ...]:
            with self._state.write() as state:
                rows = state.execute(
                    "SELECT order_id, marker FROM awaiting WHERE marketplace = ? AND cancelled = 0", (marketplace,)
                ).fetchall()
            found = documents.imported(conn, [str(r[1]) for r in rows])
            return tuple(str(r[0]) for r in rows if str(r[1]) not in found)

        return await self._run(read)

    async def cancel_document(self, marketplace: str, order_id: str, *, fence: int | None) -> CancelOutcome:
        """An order still awaiting import: its file is removed. An imported RO is cancelled in Optima by hand."""
        marker = xml_export.marker(marketplace, order_id)

        def cancel(conn: Connection) -> CancelOutcome:
            with fence_lock.held(self.copy_path, fence):
                return cancel_fenced(conn)

        def cancel_fenced(conn: Connection) -> CancelOutcome:
            ro = documents.imported(conn, [marker]).get(marker)
            if ro is not None:
                if ro.cancelled:
                    return "already_cancelled"
                return "cancel_by_hand"
            with self._state.write() as state:
                known = documents.awaiting_row(state, marketplace, order_id)
                if known is None:
                    return "not_found"
                if known[3]:
                    return "already_cancelled"
                path = Path(known[2])
                if path.exists():
                    path.unlink()
                else:
                    say("WARNING", "log.optima.cancelled_taken", order=order_id, file=path.name)
                state.execute("UPDATE awaiting SET cancelled = 1 WHERE id = ?", (known[0],))
                return "cancelled"

        return await self._run(cancel)

    async def document_for_order(self, marketplace: str, order_id: str) -> int | None:
        marker = xml_export.marker(marketplace, order_id)

        def read(conn: Connection) -> int | None:
            ro = documents.imported(conn, [marker]).get(marker)
            if ro is not None:
                return ro.id
            with self._state.write() as state:
                known = documents.awaiting_row(state, marketplace, order_id)
            return None if known is None else -known[0]

        return await self._run(read)

    async def order_documents(self, marketplace: str, since: datetime) -> tuple[OrderDocument, ...]:
        def read(conn: Connection) -> tuple[OrderDocument, ...]:
            with self._state.write() as state:
                return documents.order_documents(conn, state, marketplace, since)

        return await self._run(read)

    # --- the agent's own copy: catalogue and lease --------------------------------------------

    async def replace_catalogue(
        self, categories: Sequence[Category], terms: Terms, *, fence: int | None
    ) -> CatalogueDiff:
        return await self._copy.replace_catalogue(categories, terms, fence=fence)

    async def catalogue(self) -> tuple[tuple[Category, ...], Terms]:
        return await self._copy.catalogue()

    async def has_catalogue(self) -> bool:
        return await self._copy.has_catalogue()

    async def categories(self, ids: Collection[int]) -> tuple[Category, ...]:
        return await self._copy.categories(ids)

    async def terms(self) -> Terms:
        return await self._copy.terms()

    async def read_lease(self) -> Lease:
        return await self._copy.read_lease()

    async def take_lease(self, holder: LeaseHolder, *, expected_token: int) -> int:
        return await self._copy.take_lease(holder, expected_token=expected_token)

    async def heartbeat_lease(self, token: int, at: datetime) -> None:
        await self._copy.heartbeat_lease(token, at)

    async def release_lease(self, token: int) -> bool:
        return await self._copy.release_lease(token)
