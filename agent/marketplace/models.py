"""Values the marketplace port speaks in, beyond the shared ones in `agent.domain`.

Secrets (tokens, device codes) are kept out of `repr`, so a value printed by accident leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Literal, get_args

from agent.domain import LeadTime, OfferStatus, OrderStatus, PaymentStatus, StockUnit, VatRate
from agent.errors import Phrase

ParameterValueIn = str | Decimal | int | tuple[int, ...]
SeenOfferStatus = OfferStatus | Literal["unknown"]
"""An offer's status as read: "unknown" when the marketplace sends one this client does not know."""


@dataclass(frozen=True, slots=True)
class TokenPair:
    """An account's tokens, with absolute expiry times (UTC)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime
    token_type: str = "Bearer"
    integration_id: str | None = None

    def access_expires_within(self, seconds: float, now: datetime | None = None) -> bool:
        """True when the access token is expired or will be within `seconds`."""
        now = now or datetime.now(UTC)
        return self.access_expires_at - timedelta(seconds=seconds) <= now


@dataclass(frozen=True, slots=True)
class DeviceRegistration:
    """The answer of `GET /integration/register`: what the user opens, and how we poll."""

    device_code: str = field(repr=False)
    verification_uri: str = field(repr=False)
    """The page with the device code in it (a secret: shown to the user, never logged)."""
    verification_uri_pretty: str = field(repr=False)
    expires_in: int = 600
    interval: int = 5


@dataclass(frozen=True, slots=True)
class IntegrationSession:
    """One connection of an external system to the account (`/me/integrations`)."""

    id: str
    user_name: str
    start: datetime
    last_access: datetime
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class OfferDraft:
    """What we send to create or replace an offer. Price and quantity are gross PLN and pieces."""

    external_id: str
    title: str
    price: Decimal
    category_id: int
    vat_rate: VatRate
    stock_quantity: int
    unit: StockUnit = "sztuk"
    description: str = ""
    gallery: tuple[str, ...] = ()
    parameters: tuple[tuple[int, ParameterValueIn], ...] = ()
    shipping_tariff_id: str | None = None
    return_policy_id: str | None = None
    complaint_policy_id: str | None = None
    guarantee_id: str | None = None
    lead_time: LeadTime | None = None
    is_draft: bool = False
    status: OfferStatus | None = None


@dataclass(frozen=True, slots=True)
class MarketOffer:
    """An offer as the marketplace holds it."""

    id: int
    status: SeenOfferStatus
    title: str
    price: Decimal
    category_id: int
    vat_rate: VatRate
    stock_quantity: int
    created: datetime
    modified: datetime
    external_id: str | None = None
    unit: StockUnit | None = None
    gallery: tuple[str, ...] = ()
    link: str | None = None
    sold: int = 0
    snapshot_id: str | None = None
    raw_status: str = ""
    """The status exactly as the marketplace sent it (tells what an "unknown" one was)."""


BulkFailureCode = Literal[
    "resourceNotFound", "authenticationFailed", "resourceUpdateFailed", "validationFailed", "unspecified"
]
BULK_FAILURE_CODES: tuple[BulkFailureCode, ...] = get_args(BulkFailureCode)


@dataclass(frozen=True, slots=True)
class BulkFailure:
    """One offer a bulk price or quantity change did not change."""

    offer_id: int
    code: BulkFailureCode
    message: str = ""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An image stored by the marketplace; `url` goes into an offer's gallery."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class SaleStatus:
    """The current status of one order (`retrieve-statuses`)."""

    order_id: int
    status: OrderStatus
    payment_status: PaymentStatus


@dataclass(frozen=True, slots=True)
class RejectedOrder:
    """An order of a `/me/sales` page that could not be read: its id when that much was readable,
    why, and its raw JSON (capped), so the orders job can quarantine it and import the rest."""

    order_id: int | None
    reason: str
    payload: str
    said: Phrase | None = None
    """The reason as facts, worded in the reader's language (`reason` is its English)."""


@dataclass(frozen=True, slots=True)
class SkippedItem:
    """One element of a listed answer that could not be read and was left aside (the rest were kept):
    what it is, its id when that much was readable, why, and its raw JSON (capped)."""

    what: str
    item_id: str | None
    reason: str
    payload: str
    external_id: str | None = None
    said: Phrase | None = None
    """The reason as facts, worded in the reader's language (`reason` is its English)."""


@dataclass(frozen=True, slots=True)
class Waybill:
    """One parcel of an order: its tracking number, the shipping method and a link to follow it."""

    tracking_number: str
    shipping_method_id: str | None = None
    link: str | None = None
