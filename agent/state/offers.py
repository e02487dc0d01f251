"""Offer links with what was last sent per offer, and the order quarantine.

An offer link ties a company's product to its marketplace offer and remembers what was last sent
(content hash, image hashes -> stored URLs, price, quantity) so a run after no change sends nothing.
The quarantine keeps orders that could not be imported, with their raw payload and why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

from agent.domain import Clock
from agent.errors import Bug
from agent.state.codec import (
    json_from_text,
    json_to_text,
    money_from_text,
    money_to_text,
    time_from_text,
    time_to_text,
)
from agent.state.db import Database
from agent.state.models import OfferLink, QuarantinedOrder, SentValues

_CHUNK = 500
"""Ids per `IN (...)` list, well under SQLite's bound-variable limit."""
_LINK_COLUMNS = "product_id, external_id, offer_id, content_hash, images, price, quantity, status, updated"
_T = TypeVar("_T")
_EMPTY_IMAGES: Mapping[str, str] = MappingProxyType({})


class OffersStore:
    """Offer links and quarantined orders. Mixed into `StateDB`."""

    _db: Database
    _clock: Clock

    # --- offer links --------------------------------------------------------------------------

    async def get_links(self, company: str, product_ids: Iterable[int]) -> dict[int, OfferLink]:
        """The links of those products that have one, by product id."""
        found: dict[int, OfferLink] = {}
        for chunk in _chunks(list(product_ids)):
            rows = await self._db.fetchall(
                f"SELECT {_LINK_COLUMNS} FROM offer_links WHERE company = ? AND product_id IN ({_marks(chunk)})",
                (company, *chunk),
            )
            found.update((row["product_id"], _link_from_row(row)) for row in rows)
        return found

    async def all_links(self, company: str) -> dict[int, OfferLink]:
        rows = await self._db.fetchall(f"SELECT {_LINK_COLUMNS} FROM offer_links WHERE company = ?", (company,))
        return {row["product_id"]: _link_from_row(row) for row in rows}

    async def sent_values(self, company: str) -> dict[int, SentValues]:
        """What was last sent for every linked product, without image maps (the fast read for delta syncs)."""
        rows = await self._db.fetchall(
            "SELECT product_id, external_id, offer_id, content_hash, price, quantity, status FROM offer_links "
            "WHERE company = ?",
            (company,),
        )
        return {
            row[0]: SentValues(row[0], row[1], row[2], row[3], money_from_text(row[4]), row[5], row[6]) for row in rows
        }

    async def link_by_offer_id(self, company: str, offer_id: int) -> OfferLink | None:
        """The product an order item's `offerId` belongs to, as the agent recorded it."""
        row = await self._db.fetchone(
            f"SELECT {_LINK_COLUMNS} FROM offer_links WHERE company = ? AND offer_id = ? ORDER BY updated DESC",
            (company, offer_id),
        )
        return None if row is None else _link_from_row(row)

    async def links_by_offer_ids(self, company: str, offer_ids: Iterable[int]) -> dict[int, OfferLink]:
        """`link_by_offer_id` for many offers at once, by offer id."""
        found: dict[int, OfferLink] = {}
        for chunk in _chunks(list(offer_ids)):
            rows = await self._db.fetchall(
                f"SELECT {_LINK_COLUMNS} FROM offer_links WHERE company = ? AND offer_id IN ({_marks(chunk)}) "
                "ORDER BY updated",
                (company, *chunk),
            )
            found.update((row["offer_id"], _link_from_row(row)) for row in rows)
        return found

    async def upsert_links(self, company: str, links: Iterable[OfferLink]) -> int:
        """Insert or replace every field of these links (one transaction); returns how many."""
        now = time_to_text(self._clock())
        rows = [
            (
                company,
                link.product_id,
                link.external_id,
                link.offer_id,
                link.content_hash,
                json_to_text(dict(link.images)),
                money_to_text(link.price),
                link.quantity,
                link.status,
                now,
            )
            for link in links
        ]
        if rows:
            async with self._db.write() as conn:
                await conn.executemany(
                    f"INSERT INTO offer_links (company, {_LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (company, product_id) DO UPDATE SET external_id = excluded.external_id, "
                    "offer_id = excluded.offer_id, content_hash = excluded.content_hash, images = excluded.images, "
                    "price = excluded.price, quantity = excluded.quantity, status = excluded.status, "
                    "updated = excluded.updated",
                    rows,
                )
        return len(rows)

    async def set_sent_prices(self, company: str, prices: Mapping[int, Decimal]) -> int:
        """Record the gross price last sent per product id (links must exist); returns rows changed."""
        now = time_to_text(self._clock())
        return await self._execute_many(
            "UPDATE offer_links SET price = ?, updated = ? WHERE company = ? AND product_id = ?",
            [(money_to_text(price), now, company, product_id) for product_id, price in prices.items()],
        )

    async def set_sent_quantities(self, company: str, quantities: Mapping[int, int]) -> int:
        """Record the quantity last sent per product id (links must exist); returns rows changed."""
        now = time_to_text(self._clock())
        return await self._execute_many(
            "UPDATE offer_links SET quantity = ?, updated = ? WHERE company = ? AND product_id = ?",
            [(quantity, now, company, product_id) for product_id, quantity in quantities.items()],
        )

    async def forget_sent_quantities(self, company: str, product_ids: Iterable[int]) -> int:
        """Forget the quantity last sent for these products (the marketplace moved their stock
        itself: an order or a cancellation), so the next stock job sends theirs again."""
        now = time_to_text(self._clock())
        return await self._execute_many(
            "UPDATE offer_links SET quantity = NULL, updated = ? WHERE company = ? AND product_id = ?",
            [(now, company, product_id) for product_id in set(product_ids)],
        )

    async def mark_ended(self, company: str, product_ids: Iterable[int]) -> int:
        """Mark these products' offers ended on the marketplace; returns rows changed."""
        now = time_to_text(self._clock())
        return await self._execute_many(
            "UPDATE offer_links SET status = 'ended', updated = ? WHERE company = ? AND product_id = ?",
            [(now, company, product_id) for product_id in product_ids],
        )

    async def remove_links(self, company: str, product_ids: Iterable[int]) -> int:
        """Forget these products' links (the offer no longer exists on the marketplace)."""
        return await self._execute_many(
            "DELETE FROM offer_links WHERE company = ? AND product_id = ?",
            [(company, product_id) for product_id in product_ids],
        )

    async def set_aside_links(self, company: str, account: str) -> int:
        """Set the company's offer links aside as the old `account`'s; returns how many were active.

        After this the company has no links and no marks for its offer, stock and price jobs, so its
        next run reads every product and creates its offers on the account linked now. The links
        set aside are kept (with the account they belong to) and never touched again by a run.
        """
        now = time_to_text(self._clock())
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "SELECT count(*) FROM offer_links WHERE company = ? AND status = 'active' AND offer_id IS NOT NULL",
                (company,),
            )
            row = await cursor.fetchone()
            active = int(row[0]) if row is not None else 0
            await conn.execute(
                "INSERT OR REPLACE INTO offer_links_set_aside "
                "(company, account, product_id, external_id, offer_id, status, set_aside) "
                "SELECT company, ?, product_id, external_id, offer_id, status, ? FROM offer_links WHERE company = ?",
                (account, now, company),
            )
            await conn.execute("DELETE FROM offer_links WHERE company = ?", (company,))
            for table in ("high_water", "checkpoints"):
                await conn.execute(
                    f"DELETE FROM {table} WHERE company = ? AND job IN ('offers', 'stock', 'prices')", (company,)
                )
        return active

    async def links_set_aside(self, company: str) -> dict[str, int]:
        """Per old account, how many of its offers were active when its links were set aside."""
        rows = await self._db.fetchall(
            "SELECT account, count(*) AS n FROM offer_links_set_aside WHERE company = ? AND status = 'active' "
            "AND offer_id IS NOT NULL GROUP BY account",
            (company,),
        )
        return {row["account"]: int(row["n"]) for row in rows}

    async def _execute_many(self, sql: str, rows: Sequence[tuple[object, ...]]) -> int:
        if not rows:
            return 0
        async with self._db.write() as conn:
            before = conn.total_changes
            await conn.executemany(sql, rows)
            return conn.total_changes - before

    # --- order quarantine ---------------------------------------------------------------------

    async def quarantine_order(self, company: str, order_id: int, reason: str, payload: str) -> QuarantinedOrder:
        """Keep an order aside (first time) or count one more failed attempt (reason and payload refreshed)."""
        now = time_to_text(self._clock())
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO order_quarantine (company, order_id, reason, payload, first_seen, last_seen, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (company, order_id) DO UPDATE SET "
                "reason = excluded.reason, payload = excluded.payload, last_seen = excluded.last_seen, "
                "attempts = attempts + 1",
                (company, order_id, reason, payload, now, now),
            )
            async with conn.execute(
                _QUARANTINE_SQL + " WHERE company = ? AND order_id = ?", (company, order_id)
            ) as cur:
                row = await cur.fetchone()
        if row is None:
            raise Bug(f"quarantined order {order_id} of {company} vanished inside its own transaction")
        return _quarantined_from_row(row)

    async def quarantined_orders(self, company: str | None = None) -> list[QuarantinedOrder]:
        """Orders kept aside, oldest first."""
        if company is None:
            rows = await self._db.fetchall(_QUARANTINE_SQL + " ORDER BY first_seen, company, order_id")
        else:
            rows = await self._db.fetchall(
                _QUARANTINE_SQL + " WHERE company = ? ORDER BY first_seen, order_id", (company,)
            )
        return [_quarantined_from_row(row) for row in rows]

    async def release_orders(self, company: str, order_ids: Iterable[int]) -> int:
        """Take orders out of quarantine (they imported fine, or were cancelled); returns how many."""
        return await self._execute_many(
            "DELETE FROM order_quarantine WHERE company = ? AND order_id = ?",
            [(company, order_id) for order_id in order_ids],
        )


_QUARANTINE_SQL = "SELECT company, order_id, reason, payload, first_seen, last_seen, attempts FROM order_quarantine"


def _link_from_row(row: sqlite3.Row) -> OfferLink:
    return OfferLink(
        product_id=row["product_id"],
        external_id=row["external_id"],
        offer_id=row["offer_id"],
        content_hash=row["content_hash"],
        images=_EMPTY_IMAGES if row["images"] == "{}" else MappingProxyType(json_from_text(row["images"])),
        price=money_from_text(row["price"]),
        quantity=row["quantity"],
        status=row["status"],
        updated=time_from_text(row["updated"]),
    )


def _quarantined_from_row(row: sqlite3.Row) -> QuarantinedOrder:
    return QuarantinedOrder(
        company=row["company"],
        order_id=row["order_id"],
        reason=row["reason"],
        payload=row["payload"],
        first_seen=time_from_text(row["first_seen"]),
        last_seen=time_from_text(row["last_seen"]),
        attempts=row["attempts"],
    )


def _chunks(items: Sequence[_T]) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(chunk: Sequence[object]) -> str:
    return ", ".join("?" * len(chunk))
