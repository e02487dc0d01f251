"""Answers of the marketplace -> typed values. Pure: no I/O.

Every JSON body is read with `parse_float=Decimal`, so money never passes through a float. A body
that does not have the shape the contract promises raises `MalformedAnswer` keeping the raw text;
nothing half-parsed escapes. A listed answer is read element by element (`readers.each`): given a
`skipped` list, an element that cannot be read is left aside there and the others are kept. Fields
the contract does not name are ignored, so a richer live answer never fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar, cast

from agent.domain import (
    OFFER_STATUSES,
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
from agent.errors import MalformedAnswer, Phrase
from agent.marketplace.models import (
    BULK_FAILURE_CODES,
    BulkFailure,
    BulkFailureCode,
    DeviceRegistration,
    IntegrationSession,
    MarketOffer,
    SeenOfferStatus,
    SkippedItem,
    StoredFile,
    TokenPair,
)
from agent.marketplace.readers import (
    PAYLOAD_KEEP,
    READ_ERRORS,
    Shape,
    as_list,
    as_object,
    each,
    opt_enum,
    opt_int,
    opt_money,
    opt_str,
    problem,
    reason_of,
    req_bool,
    req_enum,
    req_id,
    req_int,
    req_money,
    req_str,
    req_time,
)

T = TypeVar("T")

# One decoder for every answer: json.loads with an argument builds a new one per call.
_DECODER = json.JSONDecoder(parse_float=Decimal)


def load_json(text: str | bytes, what: str, *, call: Phrase | None = None) -> Any:
    """The JSON value of `text`, numbers with a fraction as Decimal; MalformedAnswer otherwise.

    `what` names the call in the error's English; `call`, when given, names it as facts for the
    reader's language (else `what` is quoted as it is).

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
        kind = exc.__class__.__name__
        raise MalformedAnswer(
            f"{what}: the answer is not JSON ({kind})", payload=_kept(text),
            phrase=Phrase("err.answer_not_json", {"call": call or what, "kind": kind}),
        ) from None


def parse(text: str | bytes, what: str, build: Callable[[Any], T], *, call: Phrase | None = None) -> T:
    """Parse `text` as JSON and build a value with `build`; MalformedAnswer (raw text kept) otherwise.

    `what` and `call` name the call as `load_json`'s do."""
    data = load_json(text, what, call=call)
    try:
        return build(data)
    except (Shape, *READ_ERRORS) as exc:
        raise MalformedAnswer(
            f"{what}: unexpected answer ({problem(exc)})", payload=_kept(text),
            phrase=Phrase("err.answer_unexpected", {"call": call or what, "reason": reason_of(exc)}),
        ) from None


def _kept(text: str | bytes) -> str:
    if isinstance(text, bytes):
        text = text[: PAYLOAD_KEEP * 4].decode("utf-8", errors="replace")
    return text[:PAYLOAD_KEEP]


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


def integration_session(data: Any) -> IntegrationSession:
    obj = as_object(data, "session")
    return IntegrationSession(
        id=req_id(obj),
        user_name=req_str(obj, "userName"),
        start=req_time(obj, "start"),
        last_access=req_time(obj, "lastAccess"),
        ip_address=opt_str(obj, "ipAddress"),
    )


def integration_sessions(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[IntegrationSession, ...]:
    return each(as_list(data), integration_session, "session", skipped)


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


def category_page(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[tuple[Category, ...], int]:
    """A page of `/categories`: the categories and the number of pages."""
    obj = as_object(data)
    seen: dict[tuple[object, ...], CategoryParameter] = {}
    categories = each(as_list(obj.get("categories"), "categories"), lambda c: category(c, seen), "category", skipped)
    return categories, req_int(obj, "numberOfPages")


def category_parameters(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[CategoryParameter, ...]:
    return each(as_list(as_object(data).get("fields"), "fields"), category_parameter, "parameter", skipped)


def shipping_method(data: Any) -> ShippingMethod:
    obj = as_object(data, "shipping method")
    # Live names the kind of delivery `shipping`; `type` is what this contract's first draft called it.
    key = "shipping" if obj.get("shipping") is not None else "type"
    stype: ShippingType = req_enum(obj, key, ShippingType)
    return ShippingMethod(
        id=req_id(obj),
        name=req_str(obj, "name"),
        type=stype,
        min_days=opt_int(obj, "minShippingDays"),
        max_days=opt_int(obj, "maxShippingDays"),
    )


def shipping_methods(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[ShippingMethod, ...]:
    return each(as_list(data), shipping_method, "shipping method", skipped)


def _tariff_cost(value: Any) -> TariffCost | None:
    if value is None:
        return None
    obj = as_object(value, "tariff cost")
    return TariffCost(shipping_cost=req_money(obj, "shippingCost"), max_items=opt_int(obj, "maxNumberOfItems"))


def _tariff_method(data: Any) -> TariffMethod:
    obj = as_object(data, "method")
    return TariffMethod(
        shipping_method_id=req_id(obj, "shippingMethodId"),
        advance_payment=_tariff_cost(obj.get("advancePayment")),
        cash_on_delivery=_tariff_cost(obj.get("cashOnDelivery")),
    )


def shipping_tariff(data: Any) -> ShippingTariff:
    obj = as_object(data, "tariff")
    methods = tuple(_tariff_method(m) for m in as_list(obj.get("methods"), "methods"))
    return ShippingTariff(id=req_id(obj), name=req_str(obj, "name"), methods=methods)


def shipping_tariffs(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[ShippingTariff, ...]:
    return each(as_list(data), shipping_tariff, "shipping tariff", skipped)


def policy(data: Any) -> Policy:
    """A return or complaint policy or a guarantee. Live, a guarantee may come without a top-level id:
    then its id is the one in `guaranteeDataDetails`."""
    obj = as_object(data, "policy")
    details = obj.get("guaranteeDataDetails")
    source = obj if obj.get("id") is not None or not isinstance(details, dict) else details
    description = opt_str(obj, "description") or opt_str(obj, "additionalInformation") or ""
    return Policy(id=req_id(source), name=req_str(obj, "name"), description=description)


def policies(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[Policy, ...]:
    return each(as_list(data), policy, "policy", skipped)


def payment_method(data: Any) -> PaymentMethod:
    obj = as_object(data, "payment method")
    ptype: PaymentType = req_enum(obj, "type", PaymentType)
    return PaymentMethod(id=req_id(obj), name=req_str(obj, "name"), type=ptype)


def payment_methods(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[PaymentMethod, ...]:
    return each(as_list(data), payment_method, "payment method", skipped)


# --- offers --------------------------------------------------------------------------------------


def offer(data: Any) -> MarketOffer:
    """An offer in the full model. A status this client does not know is carried as "unknown" (the
    offer is still the seller's, and forgetting it could make a second one); other unknown values fail."""
    obj = as_object(data, "offer")
    raw_status = obj.get("status")
    if not isinstance(raw_status, str):
        raise Shape("shape.missing_str", field="status")
    status: SeenOfferStatus = req_enum(obj, "status", OfferStatus) if raw_status in OFFER_STATUSES else "unknown"
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
        snapshot_id=opt_str(obj, "snapshotId"),
        raw_status=raw_status,
    )


def offer_page(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[tuple[MarketOffer, ...], int]:
    """A page of `/me/offers` (the full model): the offers and the total count."""
    obj = as_object(data)
    return each(as_list(obj.get("offers"), "offers"), offer, "offer", skipped), req_int(obj, "totalElements")


def bulk_failure(data: Any) -> BulkFailure:
    obj = as_object(data, "failure")
    raw = obj.get("code")
    # A failure code this client does not know is still a failure of that offer: kept, as unspecified.
    code: BulkFailureCode = req_enum(obj, "code", BulkFailureCode) if raw in BULK_FAILURE_CODES else "unspecified"
    message = opt_str(obj, "message") or ("" if raw in BULK_FAILURE_CODES else f"code {raw!r}")
    return BulkFailure(offer_id=req_int(obj, "id"), code=code, message=message)


def bulk_failures(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[BulkFailure, ...]:
    return each(as_list(data), bulk_failure, "failure", skipped)


def stored_file(data: Any) -> StoredFile:
    obj = as_object(data, "file")
    return StoredFile(name=req_str(obj, "name"), url=req_str(obj, "url"))


def stored_files(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[StoredFile, ...]:
    """Stored files: a list, or (as POST /me/files may answer live) one object."""
    items = [data] if isinstance(data, dict) else as_list(data)
    return each(items, stored_file, "file", skipped)
