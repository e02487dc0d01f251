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
    Category,
    CategoryParameter,
    OfferStatus,
    ParameterType,
    ParameterValue,
    PaymentMethod,
    PaymentType,
    Policy,
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
    StoredFile,
    TokenPair,
)

T = TypeVar("T")

# The raw text kept in an error is capped: a run report needs a sample, not megabytes.
PAYLOAD_KEEP = 4000


class Shape(Exception):
    """Internal: the JSON is valid but not the promised shape."""


# One decoder for every answer: json.loads with an argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_float=Decimal)


def load_json(text: str | bytes, what: str) -> Any:
    """The JSON value of `text`, numbers with a fraction as Decimal; MalformedAnswer otherwise.

    Bytes are read as JSON text is sent (UTF-8, or UTF-16/32 told by the first bytes), without
    looking at the answer's declared charset: that look cost more than the parse of a small answer.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode(json.detect_encoding(text), "surrogatepass")  # as json.loads does
        return _DECODER.decode(text)
    # A number past Decimal's exponent range raises InvalidOperation (an ArithmeticError), and
    # nesting deeper than the interpreter's stack raises RecursionError: both are broken answers.
    except (ValueError, ArithmeticError, RecursionError) as exc:
        raise MalformedAnswer(
            f"{what}: the answer is not JSON ({exc.__class__.__name__})", payload=_kept(text)
        ) from None


def parse(text: str | bytes, what: str, build: Callable[[Any], T]) -> T:
    """Parse `text` as JSON and build a value with `build`; MalformedAnswer (raw text kept) otherwise."""
    data = load_json(text, what)
    try:
        return build(data)
    except (Shape, KeyError, TypeError, ValueError, ArithmeticError) as exc:
        detail = str(exc) if isinstance(exc, Shape) else f"{exc.__class__.__name__}: {exc}"
        raise MalformedAnswer(f"{what}: unexpected answer ({detail})", payload=_kept(text)) from None


def _kept(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text[: PAYLOAD_KEEP * 4].decode("utf-8", errors="replace")
    return text[:PAYLOAD_KEEP]


# --- small typed readers -------------------------------------------------------------------------


def as_object(value: Any, where: str = "answer") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Shape(f"{where} is not an object")
    return value


def as_list(value: Any, where: str = "answer") -> list[Any]:
    if not isinstance(value, list):
        raise Shape(f"{where} is not a list")
    return value


def req_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise Shape(f"`{key}` is missing or not a string")
    return value


def opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Shape(f"`{key}` is not a string")
    return value


def req_int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Shape(f"`{key}` is missing or not an integer")
    return value


def opt_int(data: dict[str, Any], key: str) -> int | None:
    return None if data.get(key) is None else req_int(data, key)


def req_bool(data: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise Shape(f"`{key}` is missing or not a boolean")
    return value


def req_money(data: dict[str, Any], key: str) -> Decimal:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Shape(f"`{key}` is missing or not a number")
    return Decimal(value)


def opt_money(data: dict[str, Any], key: str) -> Decimal | None:
    return None if data.get(key) is None else req_money(data, key)


def req_enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    value = data.get(key)
    allowed = _ENUMS.get(literal)
    if allowed is None:
        allowed = _ENUMS[literal] = frozenset(get_args(literal))
    if not isinstance(value, str | int) or value not in allowed:
        raise Shape(f"`{key}` has an unknown value {value!r}")
    return value


# The values of each Literal read so far (typing.get_args on every field of every answer adds up).
_ENUMS: dict[Any, frozenset[Any]] = {}


def opt_enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    return None if data.get(key) is None else req_enum(data, key, literal)


def req_time(data: dict[str, Any], key: str) -> datetime:
    text = req_str(data, key)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Shape(f"`{key}` is not an ISO 8601 time") from None
    # A time without an offset is taken as UTC rather than as local time of this machine.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- integration ---------------------------------------------------------------------------------


def token_pair(data: Any, now: datetime | None = None) -> TokenPair:
    """A camelCase TokenPair answer -> TokenPair with absolute expiry times."""
    obj = as_object(data)
    now = now or datetime.now(UTC)
    return TokenPair(
        access_token=req_str(obj, "accessToken"),
        refresh_token=req_str(obj, "refreshToken"),
        access_expires_at=now + timedelta(seconds=req_int(obj, "expiresIn")),
        refresh_expires_at=now + timedelta(seconds=req_int(obj, "refreshExpiresIn")),
        token_type=opt_str(obj, "tokenType") or "Bearer",
        integration_id=opt_str(obj, "integrationId"),
    )


def device_registration(data: Any) -> DeviceRegistration:
    obj = as_object(data)
    return DeviceRegistration(
        device_code=req_str(obj, "deviceCode"),
        verification_uri=req_str(obj, "verificationUriComplete"),
        verification_uri_pretty=opt_str(obj, "verificationUriPrettyComplete") or req_str(
            obj, "verificationUriComplete"
        ),
        expires_in=opt_int(obj, "expiresIn") or 600,
        interval=opt_int(obj, "interval") or 5,
    )


def integration_sessions(data: Any) -> tuple[IntegrationSession, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "session")
        out.append(
            IntegrationSession(
                id=req_str(obj, "id"),
                user_name=req_str(obj, "userName"),
                start=req_time(obj, "start"),
                last_access=req_time(obj, "lastAccess"),
                ip_address=opt_str(obj, "ipAddress"),
            )
        )
    return tuple(out)


def oauth_error(text: str) -> str | None:
    """The `error` of an OAuth error body, or None when the body is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return cast(str, data["error"])
    return None


# --- catalogue and terms -------------------------------------------------------------------------


def category_parameter(data: Any) -> CategoryParameter:
    obj = as_object(data, "parameter")
    values = tuple(
        ParameterValue(id=req_int(as_object(v, "value"), "id"), label=req_str(as_object(v, "value"), "label"))
        for v in as_list(obj.get("values") or [], "values")
    )
    ptype: ParameterType = req_enum(obj, "type", ParameterType)
    low, high = opt_money(obj, "min"), opt_money(obj, "max")
    if low == 0 and high == 0:
        low = high = None  # live serves 0..0 on every dictionary and on unbounded numbers: no limit
    return CategoryParameter(
        id=req_int(obj, "id"),
        label=req_str(obj, "label"),
        type=ptype,
        required=req_bool(obj, "required"),
        unit=opt_str(obj, "unit"),
        min=low,
        max=high,
        is_multi_choice=req_bool(obj, "isMultiChoice", False),
        values=values,
        dictionary_id=opt_int(obj, "dictionaryId"),
        precision=opt_int(obj, "precision"),
    )


def _parameter_key(data: Any) -> tuple[object, ...] | None:
    """What makes a parameter what it is, as a hashable key; None when the shape is off (then it is
    parsed on its own, and the parse says what is wrong)."""
    if not isinstance(data, dict):
        return None
    values = data.get("values") or []
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        return None
    scalars = tuple(data.get(k) for k in _PARAMETER_KEYS)
    if not all(v is None or isinstance(v, str | int | float) for v in scalars):
        return None
    return (*scalars, tuple((v.get("id"), v.get("label")) for v in values))


_PARAMETER_KEYS = ("id", "label", "type", "required", "unit", "min", "max", "isMultiChoice", "dictionaryId",
                   "precision")


def _fields(data: Any, seen: dict[tuple[object, ...], CategoryParameter]) -> tuple[CategoryParameter, ...]:
    # The live tree repeats a few thousand distinct parameters ~100,000 times (1 Stan, 2 EAN ... on every
    # leaf): each distinct one is parsed once and then shared, which is most of a tree's parse time.
    out: list[CategoryParameter] = []
    for item in as_list(data or [], "fields"):
        key = _parameter_key(item)
        found = seen.get(key) if key is not None else None
        if found is None:
            found = category_parameter(item)
            if key is not None:
                seen[key] = found
        out.append(found)
    return tuple(out)


def category(data: Any, seen: dict[tuple[object, ...], CategoryParameter] | None = None) -> Category:
    obj = as_object(data, "category")
    return Category(
        id=req_int(obj, "id"),
        name=req_str(obj, "name"),
        parent_id=opt_int(obj, "parentId") or 0,  # live: a top-level category has no parentId at all
        has_subcategories=req_bool(obj, "hasSubcategories"),
        fields=_fields(obj.get("fields"), {} if seen is None else seen),
        adult_only=req_bool(obj, "adultOnly", False),
    )


def category_page(data: Any) -> tuple[tuple[Category, ...], int]:
    """A page of `/categories`: the categories and the number of pages."""
    obj = as_object(data)
    seen: dict[tuple[object, ...], CategoryParameter] = {}
    categories = tuple(category(c, seen) for c in as_list(obj.get("categories"), "categories"))
    return categories, req_int(obj, "numberOfPages")


def category_parameters(data: Any) -> tuple[CategoryParameter, ...]:
    return tuple(category_parameter(p) for p in as_list(as_object(data).get("fields"), "fields"))


def shipping_methods(data: Any) -> tuple[ShippingMethod, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "shipping method")
        stype: ShippingType = req_enum(obj, "type", ShippingType)
        out.append(
            ShippingMethod(
                id=req_int(obj, "id"),
                name=req_str(obj, "name"),
                type=stype,
                min_days=opt_int(obj, "minShippingDays"),
                max_days=opt_int(obj, "maxShippingDays"),
            )
        )
    return tuple(out)


def _tariff_cost(value: Any) -> TariffCost | None:
    if value is None:
        return None
    obj = as_object(value, "tariff cost")
    return TariffCost(shipping_cost=req_money(obj, "shippingCost"), max_items=opt_int(obj, "maxNumberOfItems"))


def shipping_tariffs(data: Any) -> tuple[ShippingTariff, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "tariff")
        methods = tuple(
            TariffMethod(
                shipping_method_id=req_int(as_object(m, "method"), "shippingMethodId"),
                advance_payment=_tariff_cost(m.get("advancePayment")),
                cash_on_delivery=_tariff_cost(m.get("cashOnDelivery")),
            )
            for m in as_list(obj.get("methods"), "methods")
        )
        out.append(ShippingTariff(id=str(obj["id"]), name=req_str(obj, "name"), methods=methods))
    return tuple(out)


def policies(data: Any) -> tuple[Policy, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "policy")
        out.append(Policy(id=str(obj["id"]), name=req_str(obj, "name"), description=opt_str(obj, "description") or ""))
    return tuple(out)


def payment_methods(data: Any) -> tuple[PaymentMethod, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "payment method")
        ptype: PaymentType = req_enum(obj, "type", PaymentType)
        out.append(PaymentMethod(id=str(obj["id"]), name=req_str(obj, "name"), type=ptype))
    return tuple(out)


# --- offers --------------------------------------------------------------------------------------


def offer(data: Any) -> MarketOffer:
    obj = as_object(data, "offer")
    status: OfferStatus = req_enum(obj, "status", OfferStatus)
    vat: VatRate = req_enum(obj, "vatRate", VatRate)
    unit: StockUnit | None = opt_enum(obj, "stockQuantityUnit", StockUnit)
    gallery = tuple(g for g in as_list(obj.get("gallery") or [], "gallery") if isinstance(g, str))
    return MarketOffer(
        id=req_int(obj, "id"),
        status=status,
        title=req_str(obj, "title"),
        price=req_money(obj, "price"),
        category_id=req_int(obj, "categoryId"),
        vat_rate=vat,
        stock_quantity=req_int(obj, "stockQuantity"),
        created=req_time(obj, "creationDate"),
        modified=req_time(obj, "modificationDate"),
        external_id=opt_str(obj, "externalId"),
        unit=unit,
        gallery=gallery,
        link=opt_str(obj, "offerLink"),
        sold=opt_int(obj, "sold") or 0,
    )


def offer_page(data: Any) -> tuple[tuple[MarketOffer, ...], int]:
    """A page of `/me/offers`: the offers and the total count."""
    obj = as_object(data)
    return tuple(offer(o) for o in as_list(obj.get("offers"), "offers")), req_int(obj, "totalElements")


def bulk_failures(data: Any) -> tuple[BulkFailure, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "failure")
        code: BulkFailureCode = req_enum(obj, "code", BulkFailureCode)
        out.append(BulkFailure(offer_id=req_int(obj, "id"), code=code, message=opt_str(obj, "message") or ""))
    return tuple(out)


def stored_files(data: Any) -> tuple[StoredFile, ...]:
    files = [as_object(item, "file") for item in as_list(data)]
    return tuple(StoredFile(name=req_str(f, "name"), url=req_str(f, "url")) for f in files)
