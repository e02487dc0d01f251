"""Every parser on answers shaped as the live service sends them (as public clients that ran against it
read them: lukegor/wszystko.pl_api-wrapper, AdamBayraktar/Wszystko.pl-one-way-integration-with-Allegro),
with the fields this client does not use left in; and each listed answer with one odd element, which
is left aside with its reason while the others are kept."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from agent.errors import MalformedAnswer
from agent.marketplace import parsing, sales_parsing
from agent.marketplace.models import SkippedItem
from agent.marketplace.readers import Shape

TIME = "2026-11-27T10:00:00.000+01:00"

LIVE: dict[str, Any] = {
    "token": {"accessToken": "a", "refreshToken": "r", "expiresIn": 43200, "refreshExpiresIn": 7776000,
              "tokenType": "Bearer", "scope": "offline"},
    "device": {"deviceCode": "d", "userCode": "ABCD", "verificationUri": "https://wszystko.pl/l",
               "verificationUriComplete": "https://wszystko.pl/l?c=1",
               "verificationUriPrettyComplete": "https://wszystko.pl/l/1"},
    "sessions": [{"id": "5f1", "userName": "sklep", "ipAddress": "1.2.3.4", "start": TIME, "lastAccess": TIME,
                  "deviceName": "marketsync"}],
    "categories": {"categories": [{"id": 12, "name": "Konewki", "hasSubcategories": False, "adultOnly": False,
                                   "title": "Konewki", "unitPrice": {"enabled": False},
                                   "fields": [{"id": 1, "label": "Stan", "type": "dictionary", "required": True,
                                               "dictionaryId": 1, "precision": 0, "min": 0, "max": 0,
                                               "main": True, "filterOrder": 1,
                                               "values": [{"id": 1, "label": "Nowy"}]}]}],
                   "numberOfPages": 1},
    "parameters": {"fields": [{"id": 277, "label": "Marka", "type": "string", "required": False,
                               "minLength": 0, "maxLength": 50, "isRange": False}]},
    "shipping methods": [{"id": "b2c1", "name": "InPost Paczkomaty", "shipping": "pickupPoint",
                          "logoUri": "https://wszystko.pl/inpost.png", "minShippingDays": 1, "maxShippingDays": 2,
                          "earliestEstimatedShippingDate": "2026-11-28", "availableShippingMethodOptions": {}}],
    "tariffs": [{"id": "t-1", "name": "Standard", "isDefault": True,
                 "methods": [{"shippingMethodId": "b2c1",
                              "advancePayment": {"shippingCost": 12.99, "maxNumberOfItems": 5},
                              "cashOnDelivery": None, "shippingMethodOption": {}}]}],
    "policies": [{"id": "z-14", "name": "Zwrot 14 dni", "returnDays": 14, "shippingCostPayer": "buyer",
                  "address": {"city": "Kraków"}}],
    "guarantees": [{"name": "Gwarancja sprzedawcy", "additionalInformation": "Naprawa u sprzedawcy.",
                    "guaranteeDataDetails": {"id": "g-12", "providerType": "seller", "isLifetime": False,
                                             "validityMonths": 12}}],
    "payment methods": [{"id": 7, "name": "BLIK", "logoUrl": "https://wszystko.pl/blik.png", "type": "blik",
                         "minimumTransactionAmount": 1.0, "maximumTransactionAmount": 50000.0,
                         "unsupportedShippingMethodTypes": ["digital"]}],
    "offer": {"id": 99, "status": "underVerification", "title": "Konewka 10 l", "price": 24.99, "categoryId": 12,
              "vatRate": "23%", "stockQuantity": 3, "stockQuantityUnit": "sztuk", "creationDate": TIME,
              "modificationDate": TIME, "externalId": "K-1", "snapshotId": "s-9", "visitsInLastMonth": 4,
              "unitPrice": {"enabled": False}, "userQuantityLimit": None},
    "bulk failures": [{"id": 99, "code": "validationFailed", "message": "cena", "detailedCode": "priceTooLow"}],
    "files": {"name": "https://shop.example/a.png", "url": "https://wszystko.pl/files/a.png"},
    "order": {"id": 501, "creationDate": TIME, "totalCost": 36.98, "status": "new", "message": None,
              "buyer": {"email": "jan@example.pl", "firstName": "Jan", "lastName": "Kowalski",
                        "address": {"street": "Polna", "buildingNumber": "1", "postCode": "00-001",
                                    "city": "Warszawa", "countryCode": "PL"}},
              "vatInvoice": False, "trackingNumbers": ["INP123"], "isOver18": False, "paymentStatus": "paid",
              "shipping": {"shippingMethodId": "b2c1", "number": 11.99, "numberOfPackages": 1},
              "items": [{"offerId": 99, "snapshotId": "s-9", "title": "Konewka 10 l", "quantity": 1,
                         "price": 24.99, "cost": 24.99, "uri": "https://wszystko.pl/oferta/99", "vatRate": "23%",
                         "ean": "5901234123457", "producerCode": "KON-10"}],
              "totalElements": 1},
    "statuses": [{"id": 501, "status": "inProcess", "paymentStatus": "paid", "updatedAt": TIME}],
    "waybills": [{"trackingNumber": "INP123", "shippingMethodId": "b2c1", "linkToTrackPackage": "https://x/1"}],
}
LIVE["offers"] = {"offers": [LIVE["offer"]], "totalElements": 1}
LIVE["sales"] = {"sales": [LIVE["order"]], "totalElements": 1}

# Each parser (as the client calls it) and what it must read from the live answer above.
Check = Callable[[Any], object]


def _token(v: Any) -> None:
    assert (v.access_expires_at - datetime.now(UTC)).total_seconds() == pytest.approx(43200, abs=5)


def _order(v: Any) -> None:
    assert v.shipping.method_id == "b2c1" and v.shipping.packages == 1
    assert v.shipping.cost == Decimal("11.99")  # what the total leaves after the items
    assert v.tracking_numbers == ("INP123",) and v.items[0].producer_code == "KON-10"
    assert v.items[0].snapshot_id == "s-9"


CASES: dict[str, tuple[str, Callable[[Any], Any], Check]] = {
    "token": ("token", parsing.token_pair, _token),
    "device": ("device", parsing.device_registration, lambda v: v.interval == 5),
    "sessions": ("sessions", parsing.integration_sessions, lambda v: [s.id for s in v] == ["5f1"]),
    "categories": ("categories", parsing.category_page, lambda v: v[0][0].fields[0].min is None),
    "parameters": ("parameters", parsing.category_parameters, lambda v: v[0].id == 277),
    "shipping methods": ("shipping methods", parsing.shipping_methods,
                         lambda v: (v[0].id, v[0].type) == ("b2c1", "pickupPoint")),
    "tariffs": ("tariffs", parsing.shipping_tariffs, lambda v: v[0].methods[0].shipping_method_id == "b2c1"),
    "policies": ("policies", parsing.policies, lambda v: v[0].id == "z-14"),
    "guarantees": ("guarantees", parsing.policies, lambda v: (v[0].id, v[0].description) == (
        "g-12", "Naprawa u sprzedawcy.")),
    "payment methods": ("payment methods", parsing.payment_methods, lambda v: (v[0].id, v[0].type) == ("7", "blik")),
    "offer": ("offer", parsing.offer, lambda v: (v.status, v.snapshot_id) == ("underVerification", "s-9")),
    "offers": ("offers", parsing.offer_page, lambda v: v[1] == 1 and v[0][0].external_id == "K-1"),
    "bulk failures": ("bulk failures", parsing.bulk_failures, lambda v: v[0].code == "validationFailed"),
    "files": ("files", parsing.stored_files, lambda v: v[0].name == "https://shop.example/a.png"),
    "order": ("order", sales_parsing.order, _order),
    "sales": ("sales", sales_parsing.sales_page, lambda v: _order(v[0][0])),
    "sales per order": ("sales", sales_parsing.sales_page_per_order, lambda v: v[1] == () and v[2] == 1),
    "statuses": ("statuses", sales_parsing.sale_statuses, lambda v: v[0].status == "inProcess"),
    "waybills": ("waybills", sales_parsing.waybills, lambda v: v[0].link == "https://x/1"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_parser_reads_a_live_shaped_answer(name: str) -> None:
    key, build, check = CASES[name]
    value = parsing.parse(json.dumps(LIVE[key]), name, build)
    result = check(value)
    assert result is None or result is True


def test_every_parser_has_a_live_case() -> None:
    """A parser added later without a live-shaped answer here fails this test."""
    public = {n for n in dir(parsing) + dir(sales_parsing) if not n.startswith("_")}
    builders = {getattr(parsing, n, None) or getattr(sales_parsing, n) for n in public}
    tested = {build for _, build, _ in CASES.values()}
    helpers = {parsing.parse, parsing.load_json, parsing.oauth_error, parsing.category, parsing.category_parameter,
               parsing.shipping_method, parsing.shipping_tariff, parsing.policy, parsing.payment_method,
               parsing.integration_session, parsing.bulk_failure, parsing.stored_file, sales_parsing.sale_status,
               sales_parsing.waybill}
    parsers = {b for b in builders if callable(b) and getattr(b, "__module__", "") in (
        "agent.marketplace.parsing", "agent.marketplace.sales_parsing")}
    assert parsers - tested - helpers == set()


# Listed answers: (the live list, where its elements are, the parser) - one element is spoiled below.
LISTS: dict[str, tuple[Callable[[Any], list[Any]], Callable[..., Any], Callable[[Any], tuple[Any, ...]]]] = {
    "shipping methods": (lambda a: a, parsing.shipping_methods, lambda v: v),
    "payment methods": (lambda a: a, parsing.payment_methods, lambda v: v),
    "tariffs": (lambda a: a, parsing.shipping_tariffs, lambda v: v),
    "policies": (lambda a: a, parsing.policies, lambda v: v),
    "sessions": (lambda a: a, parsing.integration_sessions, lambda v: v),
    "offers": (lambda a: a["offers"], parsing.offer_page, lambda v: v[0]),
    "statuses": (lambda a: a, sales_parsing.sale_statuses, lambda v: v),
    "categories": (lambda a: a["categories"], parsing.category_page, lambda v: v[0]),
    "waybills": (lambda a: a, sales_parsing.waybills, lambda v: v),
}

ENUM_KEYS = {"shipping methods": "shipping", "payment methods": "type", "offers": "vatRate", "statuses": "status",
             "categories": "hasSubcategories"}


@pytest.mark.parametrize("name", sorted(LISTS))
@pytest.mark.parametrize("damage", ["unknown enum value", "required field missing"])
def test_one_odd_element_is_left_aside_and_the_rest_kept(name: str, damage: str) -> None:
    elements, build, items = LISTS[name]
    answer = json.loads(json.dumps(LIVE[name]))
    good = elements(answer)[0]
    odd = {**json.loads(json.dumps(good)), "extraFieldFromTheFuture": {"x": 1}}
    if damage == "unknown enum value" and name in ENUM_KEYS:
        odd[ENUM_KEYS[name]] = "somethingNew"
    else:
        odd.pop(next(k for k in ("trackingNumber", "name", "title", "userName", "status") if k in odd))
    odd["id"] = odd.get("id") if isinstance(odd.get("id"), int) else "odd-1"
    elements(answer)[:] = [good, odd, good]
    skipped: list[SkippedItem] = []
    value = parsing.parse(json.dumps(answer), name, functools.partial(build, skipped=skipped))
    assert len(items(value)) == 2
    assert len(skipped) == 1 and skipped[0].reason and skipped[0].payload.startswith("{")
    # Without a list to put it in, the odd element fails the answer - with the module's own error.
    with pytest.raises(MalformedAnswer, match=r"\d"):
        parsing.parse(json.dumps(answer), name, build)


def _live(key: str) -> Any:
    """A fresh copy of a live answer, read as the client reads it (numbers with a fraction as Decimal)."""
    return json.loads(json.dumps(LIVE[key]), parse_float=Decimal)


def test_an_unknown_offer_status_is_carried_not_dropped() -> None:
    offer = parsing.offer({**_live("offer"), "status": "pendingModeration"})
    assert (offer.status, offer.raw_status) == ("unknown", "pendingModeration")


def test_an_unknown_bulk_failure_code_is_still_a_failure() -> None:
    failures = parsing.bulk_failures([{"id": 5, "code": "quotaExceeded"}])
    assert [(f.offer_id, f.code) for f in failures] == [(5, "unspecified")] and "quotaExceeded" in failures[0].message


def test_a_policy_without_any_id_raises_the_modules_shape_error() -> None:
    with pytest.raises(Shape, match="id"):
        parsing.policy({"name": "Zwrot"})
    with pytest.raises(Shape):
        parsing.payment_method({"name": "BLIK", "type": "blik"})


def test_an_order_element_missing_a_field_is_quarantined_alone() -> None:
    page = _live("sales")
    broken = {**page["sales"][0], "id": 502}
    del broken["buyer"]
    page["sales"].append(broken)
    good, bad, _ = sales_parsing.sales_page_per_order(page)
    assert [o.id for o in good] == [501] and [b.order_id for b in bad] == [502] and "buyer" in bad[0].reason
