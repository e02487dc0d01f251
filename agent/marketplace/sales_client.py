"""The reading half of the wszystko.pl client's calls, and its orders ("sales") calls.

`SalesCalls` holds what every call of the client reads answers with - a GET parsed into typed
values, a listed answer read element by element with the unreadable ones logged and left aside -
and the calls of `/me/sales`. `client.WszystkoClient` builds on it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from agent.domain import Order, OrderStatus
from agent.errors import MalformedAnswer, Phrase
from agent.logs import say
from agent.marketplace import bodies, parsing, sales_parsing
from agent.marketplace.calls import CallEngine
from agent.marketplace.models import RejectedOrder, SaleStatus, SkippedItem, Waybill
from agent.marketplace.queries import query_params
from agent.texts import TABLES

T = TypeVar("T")

PAGE_SIZE = 100
STATUS_BATCH = 100
MAX_PAGES = 10_000

ListBuild = Callable[[Any, list[SkippedItem]], T]


class SalesCalls:
    """Answer reading shared by every call, and the orders calls of one account."""

    def __init__(self, engine: CallEngine) -> None:
        self.engine = engine
        self.company = engine.company

    async def _get(
        self, path: str, what: str, build: Callable[[Any], T], *, call: Phrase | None = None, **params: Any
    ) -> T:
        """`what` names the call in English; `call`, when given, as facts for the reader's language."""
        response = await self.engine.call("GET", path, what=what, idempotent=True, params=query_params(params))
        return parsing.parse(response.text, what, build, call=call)

    async def _get_list(
        self, path: str, what: str, build: ListBuild[T], *, headers: dict[str, str] | None = None, **params: Any
    ) -> tuple[T, list[SkippedItem]]:
        """A listed answer read element by element: what could be read, and what was left aside
        (each logged with its reason, so one odd element never fails the job that asked)."""
        response = await self.engine.call(
            "GET", path, what=what, idempotent=True, params=query_params(params), headers=headers
        )
        skipped: list[SkippedItem] = []
        value = parsing.parse(response.text, what, lambda data: build(data, skipped))
        self._report(what, skipped)
        return value, skipped

    def _report(self, what: str, skipped: list[SkippedItem]) -> None:
        for item in skipped:
            item_id = item.item_id if item.item_id is not None else "?"
            key = "kind." + item.what.replace(" ", "_")
            kind = Phrase(key) if key in TABLES["en"] else item.what
            reason = item.reason if item.said is None else item.said
            say("WARNING", "log.sales.unreadable", company=self.company, kind=kind, item=item_id, reason=reason)

    async def _get_or_none(
        self, path: str, what: str, build: Callable[[Any], T], *, call: Phrase | None = None
    ) -> T | None:
        response = await self.engine.call("GET", path, what=what, idempotent=True, accept=(200, 404))
        if response.status_code == 404:
            return None
        return parsing.parse(response.text, what, build, call=call)

    # --- sales ------------------------------------------------------------------------------------

    async def sales(
        self,
        status: OrderStatus | None = None,
        *,
        created_from: datetime | None = None,
        rejected: list[RejectedOrder] | None = None,
    ) -> tuple[Order, ...]:
        found: dict[int, Order] = {}
        extra: dict[str, Any] = {}
        if status:
            extra["status"] = status
        if created_from is not None:
            extra["creationDateFrom"] = created_from.isoformat()
        page, pages = 1, 1
        while page <= pages:
            items, bad, total = await self._get(
                "/me/sales",
                f"orders page {page}",
                sales_parsing.sales_page_per_order,
                call=Phrase("call.orders_page", {"page": page}),
                page=page,
                pageSize=PAGE_SIZE,
                **extra,
            )
            if bad and rejected is None:
                said = bad[0].reason if bad[0].said is None else bad[0].said
                raise MalformedAnswer(
                    f"orders page {page}: {bad[0].reason}", payload=bad[0].payload,
                    phrase=Phrase("err.orders_page_unreadable", {"page": page, "reason": said}),
                )
            if rejected is not None:
                rejected.extend(bad)
            pages = min(MAX_PAGES, math.ceil(total / PAGE_SIZE))
            if not items:
                break
            for item in items:
                found[item.id] = item
            page += 1
        return tuple(found.values())

    async def sale(self, order_id: int) -> Order | None:
        return await self._get_or_none(
            f"/me/sales/{order_id}", f"order {order_id}", sales_parsing.order,
            call=Phrase("call.order", {"order": order_id}),
        )

    async def set_sales_status(self, order_ids: Sequence[int], status: OrderStatus) -> None:
        for chunk in bodies.chunks(order_ids, STATUS_BATCH):
            await self.engine.call(
                "PUT",
                "/me/sales/updateStatus",
                what=f"set {len(chunk)} order(s) to {status}",
                idempotent=True,
                content=bodies.encode({"id": chunk, "status": status}),
                accept=(200, 204),
            )

    async def sale_statuses(self, order_ids: Sequence[int]) -> tuple[SaleStatus, ...]:
        out: list[SaleStatus] = []
        for chunk in bodies.chunks(order_ids, STATUS_BATCH):
            what = f"statuses of {len(chunk)} order(s)"
            # A POST that only reads: safe to repeat.
            response = await self.engine.call(
                "POST", "/me/sales/retrieve-statuses", what=what, idempotent=True, content=bodies.encode(chunk)
            )
            skipped: list[SkippedItem] = []
            build = functools.partial(sales_parsing.sale_statuses, skipped=skipped)
            out.extend(parsing.parse(response.text, what, build, call=Phrase("call.statuses", {"n": len(chunk)})))
            self._report(what, skipped)
        return tuple(out)

    async def tracking_numbers(self, order_id: int) -> tuple[Waybill, ...]:
        """The parcels of an order and their tracking numbers."""
        found, _ = await self._get_list(
            f"/me/sales/{order_id}/trackingNumbers", f"tracking numbers of order {order_id}", sales_parsing.waybills
        )
        return found

    async def set_tracking_numbers(self, order_id: int, waybills: Sequence[Waybill]) -> None:
        """Replace the tracking numbers of an order (an empty list clears them)."""
        body = [
            {k: v for k, v in (("trackingNumber", w.tracking_number), ("shippingMethodId", w.shipping_method_id),
                               ("linkToTrackPackage", w.link)) if v is not None}
            for w in waybills
        ]
        await self.engine.call(
            "PUT",
            f"/me/sales/{order_id}/trackingNumbers",
            what=f"tracking numbers of order {order_id}",
            idempotent=True,
            content=bodies.encode(body),
            accept=(200, 204),
        )
