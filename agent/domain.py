"""Values shared by every layer: the words of the product as frozen dataclasses.

Nothing here does I/O. Money is always `Decimal` (gross PLN unless a name says net), never float.
The marketplace's camelCase fields are translated at the adapter boundary; here names are ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal, get_args

VatRate = Literal["23%", "8%", "5%", "0%", "zw."]
VAT_RATES: tuple[VatRate, ...] = get_args(VatRate)

LeadTime = Literal[
    "Natychmiast",
    "Godziny",
    "Dzień",
    "2 dni",
    "3 dni",
    "4 dni",
    "5 dni",
    "6 dni",
    "7 dni",
    "8 - 15 dni",
    "16 - 21 dni",
    "Powyżej 21 dni",
]
LEAD_TIMES: tuple[LeadTime, ...] = get_args(LeadTime)

StockUnit = Literal["sztuk", "kompletow", "par", "opakowan", "paczek"]
OfferStatus = Literal["active", "ended", "blocked", "draft", "underVerification", "archived"]
OFFER_STATUSES: tuple[OfferStatus, ...] = get_args(OfferStatus)
OrderStatus = Literal["new", "inProcess", "shipped", "completed", "cancelled"]
ORDER_STATUSES: tuple[OrderStatus, ...] = get_args(OrderStatus)
PaymentStatus = Literal["started", "paid", "unpaid", "cashOnDelivery"]
PaymentType = Literal["fastTransfer", "traditionalTransfer", "card", "blik", "prePayment", "installment"]
"""The type of a payment method, as the live service names it."""
PaymentKind = PaymentType | Literal["cashOnDelivery"]
"""How the buyer of an order pays: a payment method's type, or cash on delivery (told by the order's
payment status, not by a payment method); the keys of `[company.payment_forms]`."""
PAYMENT_KINDS: tuple[PaymentKind, ...] = (
    "fastTransfer", "traditionalTransfer", "card", "blik", "prePayment", "installment", "cashOnDelivery"
)
ParameterType = Literal["dictionary", "float", "integer", "string", "color"]
ShippingType = Literal["courier", "pickupPoint", "postal", "digital"]

Clock = Callable[[], datetime]
"""Where a part reads "now" from (aware, UTC); tests inject a fake one."""
DEFAULT_TIMEZONE = "Europe/Warsaw"
"""The zone of schedules and of every time shown to a person unless `[agent] timezone` says otherwise."""


def utc_now() -> datetime:
    """The production clock."""
    return datetime.now(UTC)


JobName = Literal["catalogue", "orders", "offers", "stock", "prices"]
JOB_ORDER: tuple[JobName, ...] = get_args(JobName)
"""Every job, in the order a run does them."""
DEFAULT_JOBS: tuple[JobName, ...] = ("orders", "offers", "stock", "prices")


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    """`[company.schedule]`: a window (from, to, every) or a raw cron expression."""

    enabled: bool = False
    from_hour: int = 6
    to_hour: int = 22
    """Exclusive; a window may cross midnight (22 to 6); 0 to 24 is all day."""
    every_minutes: int = 30
    jobs: tuple[JobName, ...] = DEFAULT_JOBS
    operator: str = "ADMIN"
    cron: str | None = None


# --- catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One allowed value of a dictionary parameter; the id is an integer, as live."""

    id: int
    label: str


@dataclass(frozen=True, slots=True)
class CategoryParameter:
    """A parameter an offer in a category may (or, if `required`, must) carry."""

    id: int
    label: str
    type: ParameterType
    required: bool
    unit: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    is_multi_choice: bool = False
    values: tuple[ParameterValue, ...] = ()
    dictionary_id: int | None = None
    """The live dictionary the values come from (several parameters may share one); None for non-dictionaries."""
    precision: int | None = None
    """Decimal places the live service declares (0 for dictionaries and integers)."""


@dataclass(frozen=True, slots=True)
class Category:
    """A marketplace category; offers may only be placed in a leaf (`has_subcategories` false)."""

    id: int
    name: str
    parent_id: int
    has_subcategories: bool
    fields: tuple[CategoryParameter, ...] = ()
    adult_only: bool = False


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    id: str
    name: str
    type: ShippingType
    min_days: int | None = None
    max_days: int | None = None


@dataclass(frozen=True, slots=True)
class TariffCost:
    """Shipping cost of one method in a tariff for one way of paying."""

    shipping_cost: Decimal
    max_items: int | None = None


@dataclass(frozen=True, slots=True)
class TariffMethod:
    shipping_method_id: str
    advance_payment: TariffCost | None = None
    cash_on_delivery: TariffCost | None = None


@dataclass(frozen=True, slots=True)
class ShippingTariff:
    id: str
    name: str
    methods: tuple[TariffMethod, ...]


PolicyKind = Literal["return", "complaint", "guarantee"]


@dataclass(frozen=True, slots=True)
class Policy:
    """A return policy, complaint policy or guarantee."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    id: str
    name: str
    type: PaymentType


@dataclass(frozen=True, slots=True)
class Terms:
    """The offer and delivery terms ("warunki ofert i dostaw") of one account."""

    shipping_methods: tuple[ShippingMethod, ...]
    shipping_tariffs: tuple[ShippingTariff, ...]
    return_policies: tuple[Policy, ...]
    complaint_policies: tuple[Policy, ...]
    guarantees: tuple[Policy, ...]
    payment_methods: tuple[PaymentMethod, ...]


# --- ERP products ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductImage:
    """An image of a product, without its bytes: their sha256 (hex) decides re-uploads.

    The bytes are read from the ERP (`ErpPort.image_content`) only for an image that is uploaded,
    so reading a catalogue costs no image data.
    """

    position: int
    mime_type: str
    sha256: str
    size: int
    """Bytes."""


@dataclass(frozen=True, slots=True)
class TermsOverride:
    """Per-product offer terms; None means "use the company's offer_defaults"."""

    shipping_tariff: str | None = None
    return_policy: str | None = None
    complaint_policy: str | None = None
    guarantee: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    """A product ("towar") as the offers job reads it. `id` never changes; `code` may be renamed."""

    id: int
    code: str
    ean: str | None
    name: str
    description: str
    unit: StockUnit
    vat_rate: VatRate
    active: bool
    shared_for_sale: bool
    category_id: int | None
    parameters: tuple[tuple[int, str], ...]
    lead_time: LeadTime | None
    terms: TermsOverride
    content_version: int
    images: tuple[ProductImage, ...] = ()


@dataclass(frozen=True, slots=True)
class StockPrice:
    """What the stock and prices jobs send for one product."""

    product_id: int
    gross_price: Decimal | None
    available: int
    version: int


# --- orders ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    building_number: str = ""
    flat_number: str | None = None
    post_code: str = ""
    city: str = ""


@dataclass(frozen=True, slots=True)
class Buyer:
    email: str
    first_name: str = ""
    last_name: str = ""
    company_name: str | None = None
    nip: str | None = None
    phone: str | None = None
    address: Address = Address()


@dataclass(frozen=True, slots=True)
class OrderItem:
    offer_id: int
    title: str
    quantity: int
    unit_price: Decimal
    vat_rate: VatRate | None = None
    ean: str | None = None
    external_id: str | None = None
    producer_code: str | None = None
    snapshot_id: str | None = None


@dataclass(frozen=True, slots=True)
class Shipping:
    method_id: str | None
    cost: Decimal
    payment_method_id: str | None
    packages: int | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """A marketplace order ("zamówienie"; wszystko.pl calls it a sale)."""

    id: int
    created: datetime
    status: OrderStatus
    payment_status: PaymentStatus
    total: Decimal
    buyer: Buyer
    items: tuple[OrderItem, ...]
    shipping: Shipping | None = None
    message: str | None = None
    vat_invoice: bool = False
    tracking_numbers: tuple[str, ...] = ()
    over_18: bool = False


# --- ERP documents ---------------------------------------------------------------------------

DocumentStatus = Literal["reserved", "cancelled"]


@dataclass(frozen=True, slots=True)
class ContractorData:
    """A contractor ("kontrahent") as an order describes it; matched by NIP, then e-mail."""

    name: str
    email: str | None = None
    nip: str | None = None
    phone: str | None = None
    address: Address = Address()


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One line of a customer reservation (RO): a product, how many, at what gross unit price."""

    product_id: int
    quantity: int
    unit_gross_price: Decimal


@dataclass(frozen=True, slots=True)
class DocumentDraft:
    """An RO to create from a marketplace order; (marketplace, order_id) identifies it for good.

    `shipping_cost`, when set and non-zero, becomes a last line of the service product whose code
    the company configures (`shipping_product`).
    """

    marketplace: str
    order_id: str
    series: str
    issued: datetime
    contractor: ContractorData
    payment_form: str
    lines: tuple[DocumentLine, ...]
    shipping_cost: Decimal | None = None
    shipping_product: str = "USŁUGA-WYSYŁKA"
    note: str | None = None
