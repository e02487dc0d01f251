"""Seller terms the simulator serves, in Polish: delivery methods, tariffs, policies, payment methods.

Every account gets the same terms (the live platform lets a seller define their own; a seeded set is
enough for the agent, which only reads them). Kept in the API's camelCase shape, ready to serve;
shipping costs are Decimal and become JSON numbers in `wire`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

SHIPPING_METHODS: Final[tuple[dict[str, Any], ...]] = (
    {"id": "1", "name": "InPost Paczkomaty 24/7", "shipping": "pickupPoint",
     "minShippingDays": 1, "maxShippingDays": 2},
    {"id": "2", "name": "Kurier InPost", "shipping": "courier", "minShippingDays": 1, "maxShippingDays": 2},
    {"id": "3", "name": "Kurier DPD", "shipping": "courier", "minShippingDays": 1, "maxShippingDays": 2},
    {"id": "4", "name": "Kurier DHL", "shipping": "courier", "minShippingDays": 1, "maxShippingDays": 3},
    {"id": "5", "name": "Poczta Polska - list polecony", "shipping": "postal",
     "minShippingDays": 2, "maxShippingDays": 4},
    {"id": "6", "name": "Poczta Polska - paczka pocztowa", "shipping": "postal",
     "minShippingDays": 2, "maxShippingDays": 5},
    {"id": "7", "name": "Orlen Paczka", "shipping": "pickupPoint", "minShippingDays": 1, "maxShippingDays": 3},
    {"id": "8", "name": "Odbiór osobisty", "shipping": "courier", "minShippingDays": 0, "maxShippingDays": 1},
    {"id": "9", "name": "Wysyłka elektroniczna", "shipping": "digital", "minShippingDays": 0, "maxShippingDays": 0},
)


def _cost(amount: str, max_items: int) -> dict[str, Any]:
    return {"shippingCost": Decimal(amount), "maxNumberOfItems": max_items}


SHIPPING_TARIFFS: Final[tuple[dict[str, Any], ...]] = (
    {
        "id": "cennik-standard",
        "name": "Cennik standardowy",
        "methods": [
            {"shippingMethodId": "1", "advancePayment": _cost("12.99", 5), "cashOnDelivery": _cost("16.99", 5)},
            {"shippingMethodId": "3", "advancePayment": _cost("15.99", 10), "cashOnDelivery": _cost("19.99", 10)},
            {"shippingMethodId": "6", "advancePayment": _cost("14.50", 10), "cashOnDelivery": None},
            {"shippingMethodId": "8", "advancePayment": _cost("0.00", 99), "cashOnDelivery": _cost("0.00", 99)},
        ],
    },
    {
        "id": "cennik-gabaryty",
        "name": "Gabaryty (kurier)",
        "methods": [
            {"shippingMethodId": "3", "advancePayment": _cost("39.00", 2), "cashOnDelivery": _cost("45.00", 2)},
            {"shippingMethodId": "4", "advancePayment": _cost("42.00", 2), "cashOnDelivery": None},
        ],
    },
    {
        "id": "cennik-darmowa",
        "name": "Darmowa dostawa",
        "methods": [
            {"shippingMethodId": "1", "advancePayment": _cost("0.00", 10), "cashOnDelivery": None},
            {"shippingMethodId": "2", "advancePayment": _cost("0.00", 10), "cashOnDelivery": _cost("5.00", 10)},
        ],
    },
)

RETURN_POLICIES: Final[tuple[dict[str, Any], ...]] = (
    {
        "id": "zwrot-14",
        "name": "Zwrot 14 dni",
        "description": "Kupujący może odstąpić od umowy w ciągu 14 dni od otrzymania towaru. "
        "Koszt odesłania ponosi kupujący.",
    },
    {
        "id": "zwrot-30",
        "name": "Zwrot 30 dni, darmowy",
        "description": "30 dni na zwrot; sprzedawca pokrywa koszt odesłania.",
    },
)

COMPLAINT_POLICIES: Final[tuple[dict[str, Any], ...]] = (
    {
        "id": "reklamacja-rekojmia",
        "name": "Reklamacja z tytułu rękojmi",
        "description": "Sprzedawca odpowiada za wady fizyczne i prawne towaru przez 2 lata od wydania.",
    },
    {
        "id": "reklamacja-ekspresowa",
        "name": "Reklamacja ekspresowa",
        "description": "Rozpatrzenie reklamacji w ciągu 7 dni roboczych.",
    },
)

GUARANTEES: Final[tuple[dict[str, Any], ...]] = (
    {
        "id": "gwarancja-producenta-24",
        "name": "Gwarancja producenta 24 miesiące",
        "additionalInformation": "Serwis producenta.",
        "guaranteeDataDetails": {"id": "gwarancja-producenta-24", "providerType": "producer", "isLifetime": False,
                                 "validityMonths": 24},
    },
    {
        # As live may send one: no top-level id, the id only in guaranteeDataDetails.
        "name": "Gwarancja sprzedawcy 12 miesięcy",
        "additionalInformation": "Naprawa u sprzedawcy.",
        "guaranteeDataDetails": {"id": "gwarancja-sprzedawcy-12", "providerType": "seller", "isLifetime": False,
                                 "validityMonths": 12},
    },
)

# Live: integer ids and these types. Cash on delivery is no payment method: the order says it.
PAYMENT_METHODS: Final[tuple[dict[str, Any], ...]] = (
    {"id": 1, "name": "Przelewy24", "type": "fastTransfer"},
    {"id": 2, "name": "BLIK", "type": "blik"},
    {"id": 3, "name": "Karta płatnicza", "type": "card"},
    {"id": 4, "name": "Przelew tradycyjny", "type": "traditionalTransfer"},
)

TARIFFS_BY_ID: Final[dict[str, dict[str, Any]]] = {t["id"]: t for t in SHIPPING_TARIFFS}
RETURN_POLICY_IDS: Final[frozenset[str]] = frozenset(p["id"] for p in RETURN_POLICIES)
COMPLAINT_POLICY_IDS: Final[frozenset[str]] = frozenset(p["id"] for p in COMPLAINT_POLICIES)
GUARANTEES_BY_ID: Final[dict[str, dict[str, Any]]] = {g["guaranteeDataDetails"]["id"]: g for g in GUARANTEES}
GUARANTEE_IDS: Final[frozenset[str]] = frozenset(GUARANTEES_BY_ID)
RETURN_POLICIES_BY_ID: Final[dict[str, dict[str, Any]]] = {p["id"]: p for p in RETURN_POLICIES}
COMPLAINT_POLICIES_BY_ID: Final[dict[str, dict[str, Any]]] = {p["id"]: p for p in COMPLAINT_POLICIES}
DEFAULT_TARIFF_ID: Final = "cennik-standard"
