"""The wszystko.pl client: the `Marketplace` port over httpx2, for one company's account.

Each call goes through `CallEngine` (limits, retries, tokens, deadlines); each answer is parsed by
`parsing` into typed values. Creating an offer is the one call that is never repeated blindly: after
a lost answer the offer is looked up by its externalId first. Build one with `accounts.open_client`.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, TypeVar

from loguru import logger

from agent.domain import (
    Category,
    CategoryParameter,
    OfferStatus,
    Order,
    OrderStatus,
    PaymentMethod,
    Policy,
    ShippingMethod,
    ShippingTariff,
    Terms,
)
from agent.errors import InvalidItem, MalformedAnswer
from agent.marketplace import bodies, parsing, sales_parsing
from agent.marketplace.calls import AnswerLost, CallEngine
from agent.marketplace.models import (
    BulkFailure,
    IntegrationSession,
    MarketOffer,
    OfferDraft,
    RejectedOrder,
    SaleStatus,
    StoredFile,
)

T = TypeVar("T")

PAGE_SIZE = 100
BULK_LIMIT = 1000
STATUS_BATCH = 100
CREATE_ATTEMPTS = 3
MAX_PAGES = 10_000
CATEGORY_PAGE_SIZE = 1000
"""The live tree has about 16,000 categories: 16 pages rather than 160 (public clients ask for up to 10,000)."""


class WszystkoClient:
    """One account's client; implements `agent.marketplace.port.Marketplace`."""

    def __init__(self, engine: CallEngine) -> None:
        self.engine = engine
        self.company = engine.company
        self.keeper = engine.keeper

    async def __aenter__(self) -> WszystkoClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.engine.http.aclose()

    def set_run_deadline(self, seconds_from_now: float | None) -> None:
        """No call of this run starts or continues past this many seconds from now (None: no limit)."""
        self.engine.run_deadline = (
            None if seconds_from_now is None else asyncio.get_running_loop().time() + seconds_from_now
        )

    async def _get(self, path: str, what: str, build: Callable[[Any], T], **params: Any) -> T:
        response = await self.engine.call("GET", path, what=what, idempotent=True, params=params or None)
        return parsing.parse(response.text, what, build)

    async def _get_or_none(self, path: str, what: str, build: Callable[[Any], T]) -> T | None:
        response = await self.engine.call("GET", path, what=what, idempotent=True, accept=(200, 404))
        if response.status_code == 404:
            return None
        return parsing.parse(response.text, what, build)

    # --- connection -------------------------------------------------------------------------------

    async def integrations(self) -> tuple[IntegrationSession, ...]:
        return await self._get("/me/integrations", "connection check", parsing.integration_sessions)

    async def check_connection(self) -> IntegrationSession:
        sessions = await self.integrations()
        pair = self.keeper.pair
        own = next((s for s in sessions if pair is not None and s.id == pair.integration_id), None)
        if own is None and sessions:
            own = sessions[0]
        if own is None:
            raise MalformedAnswer("connection check: the marketplace lists no connection", payload="[]")
        self.keeper.connections.set_connected(self.company, own.user_name)
        return own

    async def end_connection(self) -> None:
        await self.keeper.access_token()
        pair = self.keeper.pair
        integration = pair.integration_id if pair else None
        if integration is None:
            own = await self.check_connection()
            integration = own.id
        await self.engine.call(
            "DELETE", f"/me/integrations/{integration}", what="disconnect", idempotent=True, accept=(200, 204, 404)
        )

    # --- catalogue and terms ----------------------------------------------------------------------

    async def categories(self, *, with_parameters: bool = True) -> tuple[Category, ...]:
        found: dict[int, Category] = {}
        page, pages = 1, 1
        while page <= pages:
            items, pages = await self._get(
                "/categories",
                f"categories page {page}",
                parsing.category_page,
                page=page,
                pageSize=CATEGORY_PAGE_SIZE,
                includeParameters="true" if with_parameters else "false",
            )
            if pages > MAX_PAGES:
                raise MalformedAnswer(f"categories: {pages} pages is not believable", payload=str(pages))
            for item in items:
                found[item.id] = item
            page += 1
        return tuple(found.values())

    async def category_parameters(self, category_id: int) -> tuple[CategoryParameter, ...]:
        what = f"parameters of category {category_id}"
        return await self._get(f"/categories/{category_id}/parameters", what, parsing.category_parameters)

    async def shipping_methods(self) -> tuple[ShippingMethod, ...]:
        return await self._get("/shipping/methods", "shipping methods", parsing.shipping_methods)

    async def shipping_tariffs(self) -> tuple[ShippingTariff, ...]:
        return await self._get("/me/shipping/tariffs", "shipping tariffs", parsing.shipping_tariffs)

    async def return_policies(self) -> tuple[Policy, ...]:
        return await self._get("/me/returnPolicies", "return policies", parsing.policies)

    async def complaint_policies(self) -> tuple[Policy, ...]:
        return await self._get("/me/complaintPolicies", "complaint policies", parsing.policies)

    async def guarantees(self) -> tuple[Policy, ...]:
        return await self._get("/me/guarantees", "guarantees", parsing.policies)

    async def payment_methods(self) -> tuple[PaymentMethod, ...]:
        return await self._get("/payment/paymentMethods", "payment methods", parsing.payment_methods)

    async def terms(self) -> Terms:
        methods = await self.shipping_methods()
        tariffs = await self.shipping_tariffs()
        returns = await self.return_policies()
        complaints = await self.complaint_policies()
        guarantees = await self.guarantees()
        payments = await self.payment_methods()
        return Terms(methods, tariffs, returns, complaints, guarantees, payments)

    # --- offers -----------------------------------------------------------------------------------

    async def create_offer(self, draft: OfferDraft) -> MarketOffer:
        what = f"create offer {draft.external_id}"
        content = bodies.encode(bodies.offer_body(draft))
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                response = await self.engine.call(
                    "POST", "/me/offers", what=what, idempotent=False, content=content, accept=(200, 201, 409)
                )
            except AnswerLost as lost:
                # It may have been created: look before creating again, so there is never a second one.
                found = await self.find_offer(draft.external_id)
                if found is not None:
                    logger.bind(company=self.company).info(f"{what}: answer lost, offer {found.id} was created")
                    return found
                if attempt == CREATE_ATTEMPTS:
                    raise lost
                logger.bind(company=self.company).info(f"{what}: answer lost and no such offer; creating again")
                continue
            if response.status_code == 409:
                found = await self.find_offer(draft.external_id)
                if found is None:
                    raise InvalidItem(f"{what}: the marketplace says it exists but cannot find it", field="externalId")
                return found
            return parsing.parse(response.content, what, parsing.offer)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def replace_offer(self, offer_id: int, draft: OfferDraft) -> MarketOffer:
        what = f"replace offer {offer_id}"
        response = await self.engine.call(
            "PUT", f"/me/offers/{offer_id}", what=what, idempotent=True, content=bodies.encode(bodies.offer_body(draft))
        )
        return parsing.parse(response.content, what, parsing.offer)

    async def get_offer(self, offer_id: int) -> MarketOffer | None:
        return await self._get_or_none(f"/me/offers/{offer_id}", f"offer {offer_id}", parsing.offer)

    async def find_offer(self, external_id: str) -> MarketOffer | None:
        offers, _ = await self._get(
            "/me/offers", f"offer look-up {external_id}", parsing.offer_page, externalId=external_id, pageSize=PAGE_SIZE
        )
        return next((o for o in offers if o.external_id == external_id), None)

    async def offers(self, status: OfferStatus | None = None) -> tuple[MarketOffer, ...]:
        found: dict[int, MarketOffer] = {}
        page, pages = 1, 1
        extra = {"status": status} if status else {}
        while page <= pages:
            items, total = await self._get(
                "/me/offers", f"offers page {page}", parsing.offer_page, page=page, pageSize=PAGE_SIZE, **extra
            )
            pages = min(MAX_PAGES, math.ceil(total / PAGE_SIZE))
            if not items:
                break
            for item in items:
                found[item.id] = item
            page += 1
        return tuple(found.values())

    async def end_offer(self, offer_id: int) -> MarketOffer:
        current = await self.get_offer(offer_id)
        if current is None:
            raise InvalidItem(f"end offer {offer_id}: no such offer on the marketplace", field="id")
        if current.status == "ended":
            return current
        what = f"end offer {offer_id}"
        content = bodies.encode(bodies.ending_body(current))
        response = await self.engine.call("PUT", f"/me/offers/{offer_id}", what=what, idempotent=True, content=content)
        return parsing.parse(response.text, what, parsing.offer)

    async def _bulk(self, ids: Sequence[int], change: dict[str, Any], what: str) -> tuple[BulkFailure, ...]:
        failures: list[BulkFailure] = []
        # No ids, no call: an empty id list would change every offer of the account (see bulk_change_body).
        for chunk in bodies.chunks(ids, BULK_LIMIT):
            # exactValue makes the change idempotent: repeating it after a lost answer changes nothing.
            body = bodies.encode(bodies.bulk_change_body(chunk, change))
            response = await self.engine.call("POST", "/me/update-offers", what=what, idempotent=True, content=body)
            failures.extend(parsing.parse(response.content, what, parsing.bulk_failures))
        return tuple(failures)

    async def change_prices(self, offer_ids: Sequence[int], gross_price: Decimal) -> tuple[BulkFailure, ...]:
        change = {"price": {"value": gross_price, "change": "exactValue"}}
        return await self._bulk(offer_ids, change, f"price change to {gross_price}")

    async def change_quantities(self, offer_ids: Sequence[int], quantity: int) -> tuple[BulkFailure, ...]:
        change = {"quantity": {"value": quantity, "change": "exactValue"}}
        return await self._bulk(offer_ids, change, f"quantity change to {quantity}")

    async def upload_image(self, content: bytes, mime_type: str, name: str = "image") -> StoredFile:
        what = f"image upload {name}"
        # Repeating an upload at worst stores an unused copy, which harms nothing: treat it as idempotent.
        response = await self.engine.call(
            "POST", "/me/files", what=what, idempotent=True, files={"file": (name, content, mime_type)}
        )
        stored = parsing.parse(response.text, what, parsing.stored_files)
        if not stored:
            raise MalformedAnswer(f"{what}: no stored file in the answer", payload=response.text[:4000])
        return stored[0]

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
                page=page,
                pageSize=PAGE_SIZE,
                **extra,
            )
            if bad and rejected is None:
                raise MalformedAnswer(f"orders page {page}: {bad[0].reason}", payload=bad[0].payload)
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
        return await self._get_or_none(f"/me/sales/{order_id}", f"order {order_id}", sales_parsing.order)

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
            out.extend(parsing.parse(response.text, what, sales_parsing.sale_statuses))
        return tuple(out)


def _is_port(client: WszystkoClient) -> None:
    """Type-level proof that the client implements the port (checked by mypy, never called)."""
    from agent.marketplace.port import Marketplace

    _: Marketplace = client
