"""Answers of the marketplace -> typed values. Pure: no I/O.

Every JSON body is read with `parse_float=Decimal`, so money never passes through a float. A body
that does not have the shape the contract promises raises `MalformedAnswer` keeping the raw text;
nothing half-parsed escapes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar, cast, get_args

from agent.domain import (
    Address,
    Buyer,
    Category,
    CategoryParameter,
    OfferStatus,
    Order,
    OrderItem,
    OrderStatus,
    ParameterType,
    ParameterValue,
    PaymentMethod,
    PaymentStatus,
    PaymentType,
    Policy,
    Shipping,
    ShippingMethod,
    ShippingTariff,
    ShippingType,
    StockUnit,
    TariffCost,
    TariffMethod,
    VatRate,
)
from agent.errors import MalformedAnswer
from agent.marketplace.models import (
    BulkFailure,
    BulkFailureCode,
    DeviceRegistration,
    IntegrationSession,
    MarketOffer,
    SaleStatus,
    StoredFile,
    TokenPair,
)

T = TypeVar("T")

# The raw text kept in an error is capped: a run report needs a sample, not megabytes.
PAYLOAD_KEEP = 4000


class _Shape(Exception):
    """Internal: the JSON is valid but not the promised shape."""


def load_json(text: str, what: str) -> Any:
    """The JSON value of `text`, numbers with a fraction as Decimal; MalformedAnswer otherwise."""
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise MalformedAnswer(
            f"{what}: the answer is not JSON ({exc.__class__.__name__})", payload=text[:PAYLOAD_KEEP]
        ) from None


def parse(text: str, what: str, build: Callable[[Any], T]) -> T:
    """Parse `text` as JSON and build a value with `build`; MalformedAnswer (raw text kept) otherwise."""
    data = load_json(text, what)
    try:
        return build(data)
    except (_Shape, KeyError, TypeError, ValueError, ArithmeticError) as exc:
        detail = str(exc) if isinstance(exc, _Shape) else f"{exc.__class__.__name__}: {exc}"
        raise MalformedAnswer(f"{what}: unexpected answer ({detail})", payload=text[:PAYLOAD_KEEP]) from None


# --- small typed readers -------------------------------------------------------------------------


def _obj(value: Any, where: str = "answer") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Shape(f"{where} is not an object")
    return value


def _list(value: Any, where: str = "answer") -> list[Any]:
    if not isinstance(value, list):
        raise _Shape(f"{where} is not a list")
    return value


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise _Shape(f"`{key}` is missing or not a string")
    return value


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Shape(f"`{key}` is not a string")
    return value


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Shape(f"`{key}` is missing or not an integer")
    return value


def _opt_int(data: dict[str, Any], key: str) -> int | None:
    return None if data.get(key) is None else _int(data, key)


def _bool(data: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _Shape(f"`{key}` is missing or not a boolean")
    return value


def _money(data: dict[str, Any], key: str) -> Decimal:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _Shape(f"`{key}` is missing or not a number")
    return Decimal(value)


def _opt_money(data: dict[str, Any], key: str) -> Decimal | None:
    return None if data.get(key) is None else _money(data, key)


def _enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    value = data.get(key)
    if value not in get_args(literal):
        raise _Shape(f"`{key}` has an unknown value {value!r}")
    return value


def _opt_enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    return None if data.get(key) is None else _enum(data, key, literal)


def _time(data: dict[str, Any], key: str) -> datetime:
    text = _str(data, key)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Shape(f"`{key}` is not an ISO 8601 time") from None
    # A time without an offset is taken as UTC rather than as local time of this machine.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- integration ---------------------------------------------------------------------------------


def token_pair(data: Any, now: datetime | None = None) -> TokenPair:
    """A camelCase TokenPair answer -> TokenPair with absolute expiry times."""
    obj = _obj(data)
    now = now or datetime.now(UTC)
    return TokenPair(
        access_token=_str(obj, "accessToken"),
        refresh_token=_str(obj, "refreshToken"),
        access_expires_at=now + timedelta(seconds=_int(obj, "expiresIn")),
        refresh_expires_at=now + timedelta(seconds=_int(obj, "refreshExpiresIn")),
        token_type=_opt_str(obj, "tokenType") or "Bearer",
        integration_id=_opt_str(obj, "integrationId"),
    )


def device_registration(data: Any) -> DeviceRegistration:
    obj = _obj(data)
    return DeviceRegistration(
        device_code=_str(obj, "deviceCode"),
        verification_uri=_str(obj, "verificationUriComplete"),
        verification_uri_pretty=_opt_str(obj, "verificationUriPrettyComplete") or _str(obj, "verificationUriComplete"),
        expires_in=_opt_int(obj, "expiresIn") or 600,
        interval=_opt_int(obj, "interval") or 5,
    )


def integration_sessions(data: Any) -> tuple[IntegrationSession, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "session")
        out.append(
            IntegrationSession(
                id=_str(obj, "id"),
                user_name=_str(obj, "userName"),
                start=_time(obj, "start"),
                last_access=_time(obj, "lastAccess"),
                ip_address=_opt_str(obj, "ipAddress"),
            )
        )
    return tuple(out)


def oauth_error(text: str) -> str | None:
    """The `error` of an OAuth error body, or None when the body is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return cast(str, data["error"])
    return None


# --- catalogue and terms -------------------------------------------------------------------------


def category_parameter(data: Any) -> CategoryParameter:
    obj = _obj(data, "parameter")
    values = tuple(
        ParameterValue(id=str(_obj(v, "value").get("id")), label=_str(_obj(v, "value"), "label"))
        for v in _list(obj.get("values") or [], "values")
    )
    ptype: ParameterType = _enum(obj, "type", ParameterType)
    return CategoryParameter(
        id=_int(obj, "id"),
        label=_str(obj, "label"),
        type=ptype,
        required=_bool(obj, "required"),
        unit=_opt_str(obj, "unit"),
        min=_opt_money(obj, "min"),
        max=_opt_money(obj, "max"),
        is_multi_choice=_bool(obj, "isMultiChoice", False),
        values=values,
    )


def category(data: Any) -> Category:
    obj = _obj(data, "category")
    return Category(
        id=_int(obj, "id"),
        name=_str(obj, "name"),
        parent_id=_int(obj, "parentId"),
        has_subcategories=_bool(obj, "hasSubcategories"),
        fields=tuple(category_parameter(p) for p in _list(obj.get("fields") or [], "fields")),
        adult_only=_bool(obj, "adultOnly", False),
    )


def category_page(data: Any) -> tuple[tuple[Category, ...], int]:
    """A page of `/categories`: the categories and the number of pages."""
    obj = _obj(data)
    return tuple(category(c) for c in _list(obj.get("categories"), "categories")), _int(obj, "numberOfPages")


def category_parameters(data: Any) -> tuple[CategoryParameter, ...]:
    return tuple(category_parameter(p) for p in _list(_obj(data).get("fields"), "fields"))


def shipping_methods(data: Any) -> tuple[ShippingMethod, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "shipping method")
        stype: ShippingType = _enum(obj, "type", ShippingType)
        out.append(
            ShippingMethod(
                id=_int(obj, "id"),
                name=_str(obj, "name"),
                type=stype,
                min_days=_opt_int(obj, "minShippingDays"),
                max_days=_opt_int(obj, "maxShippingDays"),
            )
        )
    return tuple(out)


def _tariff_cost(value: Any) -> TariffCost | None:
    if value is None:
        return None
    obj = _obj(value, "tariff cost")
    return TariffCost(shipping_cost=_money(obj, "shippingCost"), max_items=_opt_int(obj, "maxNumberOfItems"))


def shipping_tariffs(data: Any) -> tuple[ShippingTariff, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "tariff")
        methods = tuple(
            TariffMethod(
                shipping_method_id=_int(_obj(m, "method"), "shippingMethodId"),
                advance_payment=_tariff_cost(m.get("advancePayment")),
                cash_on_delivery=_tariff_cost(m.get("cashOnDelivery")),
            )
            for m in _list(obj.get("methods"), "methods")
        )
        out.append(ShippingTariff(id=str(obj["id"]), name=_str(obj, "name"), methods=methods))
    return tuple(out)


def policies(data: Any) -> tuple[Policy, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "policy")
        out.append(Policy(id=str(obj["id"]), name=_str(obj, "name"), description=_opt_str(obj, "description") or ""))
    return tuple(out)


def payment_methods(data: Any) -> tuple[PaymentMethod, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "payment method")
        ptype: PaymentType = _enum(obj, "type", PaymentType)
        out.append(PaymentMethod(id=str(obj["id"]), name=_str(obj, "name"), type=ptype))
    return tuple(out)


# --- offers --------------------------------------------------------------------------------------


def offer(data: Any) -> MarketOffer:
    obj = _obj(data, "offer")
    status: OfferStatus = _enum(obj, "status", OfferStatus)
    vat: VatRate = _enum(obj, "vatRate", VatRate)
    unit: StockUnit | None = _opt_enum(obj, "stockQuantityUnit", StockUnit)
    gallery = tuple(g for g in _list(obj.get("gallery") or [], "gallery") if isinstance(g, str))
    return MarketOffer(
        id=_int(obj, "id"),
        status=status,
        title=_str(obj, "title"),
        price=_money(obj, "price"),
        category_id=_int(obj, "categoryId"),
        vat_rate=vat,
        stock_quantity=_int(obj, "stockQuantity"),
        created=_time(obj, "creationDate"),
        modified=_time(obj, "modificationDate"),
        external_id=_opt_str(obj, "externalId"),
        unit=unit,
        gallery=gallery,
        link=_opt_str(obj, "offerLink"),
        sold=_opt_int(obj, "sold") or 0,
    )


def offer_page(data: Any) -> tuple[tuple[MarketOffer, ...], int]:
    """A page of `/me/offers`: the offers and the total count."""
    obj = _obj(data)
    return tuple(offer(o) for o in _list(obj.get("offers"), "offers")), _int(obj, "totalElements")


def bulk_failures(data: Any) -> tuple[BulkFailure, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "failure")
        code: BulkFailureCode = _enum(obj, "code", BulkFailureCode)
        out.append(BulkFailure(offer_id=_int(obj, "id"), code=code, message=_opt_str(obj, "message") or ""))
    return tuple(out)


def stored_files(data: Any) -> tuple[StoredFile, ...]:
    items = _list(data)
    return tuple(StoredFile(name=_str(_obj(i, "file"), "name"), url=_str(_obj(i, "file"), "url")) for i in items)


# --- sales ---------------------------------------------------------------------------------------


def _address(value: Any) -> Address:
    if value is None:
        return Address()
    obj = _obj(value, "address")
    return Address(
        street=_opt_str(obj, "street") or "",
        building_number=_opt_str(obj, "buildingNumber") or "",
        flat_number=_opt_str(obj, "flatNumber"),
        post_code=_opt_str(obj, "postCode") or "",
        city=_opt_str(obj, "city") or "",
    )


def order(data: Any) -> Order:
    obj = _obj(data, "order")
    buyer = _obj(obj.get("buyer"), "buyer")
    items = []
    for raw in _list(obj.get("items"), "items"):
        item = _obj(raw, "item")
        vat: VatRate | None = _opt_enum(item, "vatRate", VatRate)
        items.append(
            OrderItem(
                offer_id=_int(item, "offerId"),
                title=_str(item, "title"),
                quantity=_int(item, "quantity"),
                unit_price=_money(item, "price"),
                vat_rate=vat,
                ean=_opt_str(item, "ean"),
                external_id=_opt_str(item, "externalId"),
            )
        )
    if not items:
        raise _Shape("an order without items")
    shipping = None
    if obj.get("shipping") is not None:
        ship = _obj(obj["shipping"], "shipping")
        shipping = Shipping(
            method_id=_opt_int(ship, "shippingMethodId"),
            cost=_opt_money(ship, "cost") or Decimal(0),
            payment_method_id=None if ship.get("paymentMethodId") is None else str(ship["paymentMethodId"]),
        )
    status: OrderStatus = _enum(obj, "status", OrderStatus)
    payment: PaymentStatus = _enum(obj, "paymentStatus", PaymentStatus)
    return Order(
        id=_int(obj, "id"),
        created=_time(obj, "creationDate"),
        status=status,
        payment_status=payment,
        total=_money(obj, "totalCost"),
        buyer=Buyer(
            email=_str(buyer, "email"),
            first_name=_opt_str(buyer, "firstName") or "",
            last_name=_opt_str(buyer, "lastName") or "",
            company_name=_opt_str(buyer, "companyName"),
            nip=_opt_str(buyer, "nip"),
            phone=_opt_str(buyer, "phoneNumber"),
            address=_address(buyer.get("address")),
        ),
        items=tuple(items),
        shipping=shipping,
        message=_opt_str(obj, "message"),
        vat_invoice=_bool(obj, "vatInvoice", False),
    )


def sales_page(data: Any) -> tuple[tuple[Order, ...], int]:
    """A page of `/me/sales`: the orders and the total count."""
    obj = _obj(data)
    return tuple(order(o) for o in _list(obj.get("sales"), "sales")), _int(obj, "totalElements")


def sale_statuses(data: Any) -> tuple[SaleStatus, ...]:
    out = []
    for item in _list(data):
        obj = _obj(item, "status")
        status: OrderStatus = _enum(obj, "status", OrderStatus)
        payment: PaymentStatus = _enum(obj, "paymentStatus", PaymentStatus)
        out.append(SaleStatus(order_id=_int(obj, "id"), status=status, payment_status=payment))
    return tuple(out)
