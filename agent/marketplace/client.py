"""The wszystko.pl client: the `Marketplace` port over httpx2, for one company's account.

Each call goes through `CallEngine` (limits, retries, tokens, deadlines); each answer is parsed by
`parsing` into typed values. Creating an offer is the one call that is never repeated blindly: after
a lost answer the offer is looked up by its externalId first. Build one with `accounts.open_client`.
"""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any

from agent.domain import (
    Category,
    CategoryParameter,
    OfferStatus,
    PaymentMethod,
    Policy,
    PolicyKind,
    ShippingMethod,
    ShippingTariff,
    Terms,
)
from agent.errors import InvalidItem, MalformedAnswer, Phrase
from agent.logs import say
from agent.marketplace import bodies, parsing
from agent.marketplace.calls import AnswerLost, CallEngine
from agent.marketplace.models import (
    BulkFailure,
    IntegrationSession,
    MarketOffer,
    OfferDraft,
    SkippedItem,
    StoredFile,
)
from agent.marketplace.sales_client import MAX_PAGES, PAGE_SIZE, SalesCalls

BULK_LIMIT = 1000
CREATE_ATTEMPTS = 3
CATEGORY_PAGE_SIZE = 1000
"""The live tree has about 16,000 categories: 16 pages rather than 160 (public clients ask for up to 10,000)."""
FULL_OFFERS = {"Accept": "application/vnd.pl.wszystko.v1.full+json"}
"""Without it live GET /me/offers answers a short model (no externalId, categoryId, vatRate ...)."""


class WszystkoClient(SalesCalls):
    """One account's client; implements `agent.marketplace.port.Marketplace`."""

    def __init__(self, engine: CallEngine) -> None:
        super().__init__(engine)
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
            raise MalformedAnswer(
                "connection check: the marketplace lists no connection", payload="[]",
                phrase=Phrase("err.link_no_connection"),
            )
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
            (items, pages), _ = await self._get_list(
                "/categories",
                f"categories page {page}",
                parsing.category_page,
                page=page,
                pageSize=CATEGORY_PAGE_SIZE,
                includeParameters=with_parameters,
            )
            if pages > MAX_PAGES:
                raise MalformedAnswer(
                    f"categories: {pages} pages is not believable", payload=str(pages),
                    phrase=Phrase("err.categories_pages", {"pages": pages}),
                )
            for item in items:
                found[item.id] = item
            page += 1
        return tuple(found.values())

    async def category_parameters(self, category_id: int) -> tuple[CategoryParameter, ...]:
        what = f"parameters of category {category_id}"
        found, _ = await self._get_list(f"/categories/{category_id}/parameters", what, parsing.category_parameters)
        return found

    async def shipping_methods(self) -> tuple[ShippingMethod, ...]:
        found, _ = await self._get_list("/shipping/methods", "shipping methods", parsing.shipping_methods)
        return found

    async def shipping_tariffs(self) -> tuple[ShippingTariff, ...]:
        found, _ = await self._get_list("/me/shipping/tariffs", "shipping tariffs", parsing.shipping_tariffs)
        return found

    async def return_policies(self) -> tuple[Policy, ...]:
        found, _ = await self._get_list("/me/returnPolicies", "return policies", parsing.policies)
        return found

    async def complaint_policies(self) -> tuple[Policy, ...]:
        found, _ = await self._get_list("/me/complaintPolicies", "complaint policies", parsing.policies)
        return found

    async def guarantees(self) -> tuple[Policy, ...]:
        found, _ = await self._get_list("/me/guarantees", "guarantees", parsing.policies)
        return found

    async def payment_methods(self) -> tuple[PaymentMethod, ...]:
        found, _ = await self._get_list("/payment/paymentMethods", "payment methods", parsing.payment_methods)
        return found

    async def shipping_tariff(self, tariff_id: str) -> ShippingTariff | None:
        what = f"shipping tariff {tariff_id}"
        return await self._get_or_none(f"/me/shipping/tariffs/{tariff_id}", what, parsing.shipping_tariff)

    async def policy(self, kind: PolicyKind, policy_id: str) -> Policy | None:
        """One return policy, complaint policy or guarantee by its id (None when there is none)."""
        path = {"return": "/me/returnPolicies", "complaint": "/me/complaintPolicies", "guarantee": "/me/guarantees"}
        return await self._get_or_none(f"{path[kind]}/{policy_id}", f"{kind} policy {policy_id}", parsing.policy)

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
                    product = draft.external_id
                    say("INFO", "log.client.lost_found", company=self.company, product=product, offer=found.id)
                    return found
                if attempt == CREATE_ATTEMPTS:
                    raise lost
                say("INFO", "log.client.lost_again", company=self.company, product=draft.external_id)
                continue
            if response.status_code == 409:
                found = await self.find_offer(draft.external_id)
                if found is None:
                    raise InvalidItem(
                        f"{what}: the marketplace says it exists but cannot find it",
                        field="externalId",
                        phrase=Phrase("err.item.offer_vanished", {"product": draft.external_id}),
                    )
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
        what = f"offer look-up {external_id}"
        (offers, _), skipped = await self._get_list(
            "/me/offers", what, parsing.offer_page, headers=FULL_OFFERS, externalId=external_id, pageSize=PAGE_SIZE
        )
        found = next((o for o in offers if o.external_id == external_id), None)
        unreadable = next((s for s in skipped if s.external_id == external_id), None)
        if found is None and unreadable is not None:
            # It exists but cannot be read: "not found" would make a second offer.
            raise MalformedAnswer(
                f"{what}: the offer cannot be read ({unreadable.reason})",
                payload=unreadable.payload,
                phrase=Phrase(
                    "err.item.offer_unreadable",
                    {"product": external_id, "reason": unreadable.said or unreadable.reason},
                ),
            )
        return found

    async def offers(self, status: OfferStatus | None = None) -> tuple[MarketOffer, ...]:
        found: dict[int, MarketOffer] = {}
        page, pages = 1, 1
        extra = {"status": status} if status else {}
        while page <= pages:
            (items, total), _ = await self._get_list(
                "/me/offers",
                f"offers page {page}",
                parsing.offer_page,
                headers=FULL_OFFERS,
                page=page,
                pageSize=PAGE_SIZE,
                **extra,
            )
            pages = min(MAX_PAGES, math.ceil(total / PAGE_SIZE))
            if not items:
                break
            for item in items:
                found[item.id] = item
            page += 1
        return tuple(found.values())

    async def delete_offer(self, offer_id: int) -> bool:
        """Delete an offer for good; False when there was no such offer (deleting twice is harmless)."""
        response = await self.engine.call(
            "DELETE", f"/me/offers/{offer_id}", what=f"delete offer {offer_id}", idempotent=True, accept=(200, 204, 404)
        )
        return response.status_code != 404

    async def end_offer(self, offer_id: int) -> MarketOffer:
        current = await self.get_offer(offer_id)
        if current is None:
            raise InvalidItem(
                f"end offer {offer_id}: no such offer on the marketplace",
                field="id",
                phrase=Phrase("err.item.end_unknown_offer", {"offer": offer_id}),
            )
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
            skipped: list[SkippedItem] = []
            build = functools.partial(parsing.bulk_failures, skipped=skipped)
            failures.extend(parsing.parse(response.content, what, build))
            self._report(what, skipped)
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
            raise MalformedAnswer(
                f"{what}: no stored file in the answer",
                payload=response.text[:4000],
                phrase=Phrase("err.item.no_stored_file", {"name": name}),
            )
        return stored[0]

def _is_port(client: WszystkoClient) -> None:
    """Type-level proof that the client implements the port (checked by mypy, never called)."""
    from agent.marketplace.port import Marketplace

    _: Marketplace = client
