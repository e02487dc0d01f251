"""The marketplace port: what the sync jobs ask of wszystko.pl, one account at a time.

Every method is a coroutine and documents what it raises. Errors come from `agent.errors` and say
what the caller does next:

* `RelinkAccount` - the account is not linked or its tokens were refused ("Błąd połączenia");
  nothing more is attempted for the company until it is linked again.
* `RateLimited` / `MarketplaceUnavailable` (both `RetryLater`) - a passing fault, already retried
  where that was safe; try again in a later run.
* `InvalidItem` - the marketplace refused this item (the field at fault named); skip it.
* `MalformedAnswer` - the answer did not parse; its raw text is kept for the run report.

Money is `Decimal` (gross PLN). Listing methods return every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

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
from agent.marketplace.models import (
    BulkFailure,
    IntegrationSession,
    MarketOffer,
    OfferDraft,
    RejectedOrder,
    SaleStatus,
    StoredFile,
)


class Marketplace(Protocol):
    """One company's seller account on the marketplace."""

    # --- connection -------------------------------------------------------------------------------

    async def check_connection(self) -> IntegrationSession:
        """Prove the link works (a cheap `/me/integrations`); the session of this link.

        Raises RelinkAccount, RetryLater, MalformedAnswer.
        """
        ...

    async def end_connection(self) -> None:
        """End this link on the marketplace (its refresh token stops working). Idempotent.

        Raises RelinkAccount (already unusable), RetryLater.
        """
        ...

    # --- catalogue and terms ----------------------------------------------------------------------

    async def categories(self, *, with_parameters: bool = True) -> tuple[Category, ...]:
        """Every category (all pages), each with its parameters when asked.

        Raises RelinkAccount, RetryLater, MalformedAnswer.
        """
        ...

    async def category_parameters(self, category_id: int) -> tuple[CategoryParameter, ...]:
        """The parameters of one category. Raises RelinkAccount, RetryLater, InvalidItem (no such
        category), MalformedAnswer."""
        ...

    async def shipping_methods(self) -> tuple[ShippingMethod, ...]:
        """Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def shipping_tariffs(self) -> tuple[ShippingTariff, ...]:
        """Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def return_policies(self) -> tuple[Policy, ...]:
        """Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def complaint_policies(self) -> tuple[Policy, ...]:
        """Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def guarantees(self) -> tuple[Policy, ...]:
        """Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def payment_methods(self) -> tuple[PaymentMethod, ...]:
        """Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def terms(self) -> Terms:
        """All six kinds of offer and delivery terms at once. Raises as the single calls do."""
        ...

    # --- offers -----------------------------------------------------------------------------------

    async def create_offer(self, draft: OfferDraft) -> MarketOffer:
        """Create an offer keyed by `draft.external_id`; never creates two.

        When the answer is lost (or the marketplace says the externalId exists) the offer is looked
        up by externalId and returned if found; only if not found is it created again.
        Raises RelinkAccount, RetryLater (including `AnswerLost` when even the look-up failed),
        InvalidItem (a publication rule broken, field named), MalformedAnswer.
        """
        ...

    async def replace_offer(self, offer_id: int, draft: OfferDraft) -> MarketOffer:
        """Replace an offer's content (idempotent PUT). Raises RelinkAccount, RetryLater,
        InvalidItem (rule broken, or no such offer), MalformedAnswer."""
        ...

    async def get_offer(self, offer_id: int) -> MarketOffer | None:
        """One offer; None when the marketplace has no such offer.
        Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def find_offer(self, external_id: str) -> MarketOffer | None:
        """The offer with this externalId, or None. Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def offers(self, status: OfferStatus | None = None) -> tuple[MarketOffer, ...]:
        """Every offer of the account (all pages), optionally of one status.
        Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def end_offer(self, offer_id: int) -> MarketOffer:
        """End an offer (status `ended`). Idempotent. Raises RelinkAccount, RetryLater, InvalidItem
        (no such offer), MalformedAnswer."""
        ...

    async def change_prices(self, offer_ids: Sequence[int], gross_price: Decimal) -> tuple[BulkFailure, ...]:
        """Set the exact gross price of every listed offer (split into calls of at most 1000 ids).

        Returns the offers that were not changed. Raises RelinkAccount, RetryLater, InvalidItem
        (the whole change refused), MalformedAnswer.
        """
        ...

    async def change_quantities(self, offer_ids: Sequence[int], quantity: int) -> tuple[BulkFailure, ...]:
        """Set the exact stock quantity of every listed offer (split into calls of at most 1000 ids).

        Returns the offers that were not changed. Raises as `change_prices`.
        """
        ...

    async def upload_image(self, content: bytes, mime_type: str, name: str = "image") -> StoredFile:
        """Store one image on the marketplace; its url goes into an offer's gallery.
        Raises RelinkAccount, RetryLater, InvalidItem (format or size refused), MalformedAnswer."""
        ...

    # --- sales ------------------------------------------------------------------------------------

    async def sales(
        self,
        status: OrderStatus | None = None,
        *,
        created_from: datetime | None = None,
        rejected: list[RejectedOrder] | None = None,
    ) -> tuple[Order, ...]:
        """Every order (all pages) of a status, optionally created at or after `created_from`.

        An order that cannot be read fails the call with MalformedAnswer, unless `rejected` is
        given: then it is left out and appended there (id if readable, reason, raw JSON).
        Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def sale(self, order_id: int) -> Order | None:
        """One order; None when there is no such order. Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...

    async def set_sales_status(self, order_ids: Sequence[int], status: OrderStatus) -> None:
        """Set the status of the listed orders (in calls of at most 100 ids); setting the status an
        order already has is not an error. Raises RelinkAccount, RetryLater, InvalidItem."""
        ...

    async def sale_statuses(self, order_ids: Sequence[int]) -> tuple[SaleStatus, ...]:
        """The current status of the listed orders (in calls of at most 100 ids).
        Raises RelinkAccount, RetryLater, MalformedAnswer."""
        ...
