"""The simulated platform's records.

These are the mutable rows of an in-memory database (the Platform owns and changes them), not
values passed around, hence plain slotted dataclasses rather than frozen ones. Times are epoch
seconds on the platform's Clock; money is Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

DeviceCodeState = Literal["pending", "approved", "denied", "consumed"]


@dataclass(slots=True)
class Account:
    """A seller account: logs in on the consent page, owns integrations, offers, files and sales."""

    id: int
    email: str
    password: str
    name: str
    created: float


@dataclass(slots=True)
class DeviceCode:
    """One linking attempt; `user_code` is what the consent page shows, `code` the client's secret."""

    code: str
    user_code: str
    created: float
    expires_at: float
    state: DeviceCodeState = "pending"
    account_id: int | None = None
    last_poll: float | None = None


@dataclass(slots=True)
class Integration:
    """A connection of an external system to an account (what /me/integrations lists)."""

    id: str
    account_id: int
    start: float
    last_access: float
    ip_address: str = "127.0.0.1"
    revoked: bool = False


@dataclass(slots=True)
class AccessToken:
    token: str
    account_id: int
    integration_id: str
    expires_at: float


@dataclass(slots=True)
class RefreshToken:
    """A refresh token; once used it remembers the pair it gave, which it repeats within the grace."""

    token: str
    account_id: int
    integration_id: str
    expires_at: float
    used_at: float | None = None
    successor: TokenPair | None = None


@dataclass(frozen=True, slots=True)
class TokenPair:
    """What a successful poll or refresh answers (times absolute; the wire shows seconds left)."""

    access_token: str
    access_expires_at: float
    refresh_token: str
    refresh_expires_at: float
    integration_id: str


@dataclass(slots=True)
class StoredFile:
    """An image a seller uploaded; only these may appear in that seller's offer galleries."""

    account_id: int
    name: str
    path: str
    """The URL path it is served at (`/files/{account}/{name}`); galleries are matched on it."""
    content_type: str
    content: bytes = field(repr=False)


@dataclass(slots=True)
class Offer:
    """An offer: `content` is the OfferInput as the seller last sent it (minus status, isDraft,
    price and stockQuantity, which live in their own fields so bulk changes stay cheap)."""

    id: int
    account_id: int
    status: Literal["active", "ended", "blocked", "draft"]
    price: Decimal
    stock: int
    content: dict[str, Any]
    created: float
    modified: float
    sold: int = 0

    @property
    def external_id(self) -> str | None:
        value = self.content.get("externalId")
        return value if isinstance(value, str) else None


@dataclass(slots=True)
class SaleItem:
    offer_id: int
    title: str
    quantity: int
    price: Decimal
    vat_rate: str | None
    ean: str | None
    external_id: str | None


@dataclass(slots=True)
class Sale:
    """An order ("zamówienie"); the buyer dict is already in the API's camelCase shape."""

    id: int
    account_id: int
    created: float
    status: Literal["new", "inProcess", "shipped", "completed", "cancelled"]
    payment_status: Literal["started", "paid", "unpaid", "cashOnDelivery"]
    buyer: dict[str, Any]
    items: list[SaleItem]
    shipping_method_id: str
    shipping_cost: Decimal
    payment_method_id: str | None
    message: str | None = None
    vat_invoice: bool = False
    waybills: list[dict[str, Any]] = field(default_factory=list)
    """The parcels' tracking numbers as the API shows them (trackingNumber, shippingMethodId, link)."""

    @property
    def total(self) -> Decimal:
        return sum((i.price * i.quantity for i in self.items), Decimal(0)) + self.shipping_cost


@dataclass(slots=True)
class BuyerPlan:
    """A buyer who will cancel their order: `wait` seconds (of buyer time) from now, or, for
    "after", once the seller has it inProcess and the wait is over."""

    sale_id: int
    fate: Literal["before", "after"]
    wait: float
