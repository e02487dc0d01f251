"""Pure core: order -> RO draft, and grouping bulk changes by value."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.core.batching import group_by_value
from agent.core.orders import OrderMapping, contractor_of, order_to_draft, payment_type_of
from agent.domain import Address, Buyer, Order, OrderItem, PaymentType, Shipping
from agent.errors import InvalidItem

MAPPING = OrderMapping(
    series="RO",
    shipping_product="USŁUGA-WYSYŁKA",
    payment_forms={"fastTransfer": "przelew", "blik": "przelew", "traditionalTransfer": "przelew tradycyjny",
                   "cashOnDelivery": "gotówka"},
    payment_types={"p-blik": "blik", "p-transfer": "traditionalTransfer"},
)


def _order(**changes: object) -> Order:
    base = Order(
        id=501,
        created=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
        status="new",
        payment_status="paid",
        total=Decimal("131.98"),
        buyer=Buyer(
            email=" Jan.Kowalski@Example.PL ",
            first_name="Jan",
            last_name="Kowalski",
            nip="526-000-12-46",
            address=Address(street="Długa", building_number="5", post_code="00-001", city="Warszawa"),
        ),
        items=(
            OrderItem(offer_id=9001, title="Sekator", quantity=2, unit_price=Decimal("49.99")),
            OrderItem(offer_id=9002, title="Grabie", quantity=1, unit_price=Decimal("17.01"), external_id="77"),
        ),
        shipping=Shipping(method_id="1", cost=Decimal("14.99"), payment_method_id="p-blik"),
        message="Proszę o szybką wysyłkę",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_order_becomes_a_draft_with_lines_shipping_and_payment_form() -> None:
    draft = order_to_draft(_order(), {9001: 12}, MAPPING)
    assert draft.order_id == "501" and draft.marketplace == "wszystko.pl" and draft.series == "RO"
    assert [(line.product_id, line.quantity, line.unit_gross_price) for line in draft.lines] == [
        (12, 2, Decimal("49.99")),
        (77, 1, Decimal("17.01")),  # by externalId: the product's immutable ERP id
    ]
    assert draft.shipping_cost == Decimal("14.99") and draft.shipping_product == "USŁUGA-WYSYŁKA"
    assert draft.payment_form == "przelew"
    assert draft.contractor.nip == "5260001246" and draft.contractor.email == "jan.kowalski@example.pl"
    assert draft.contractor.name == "Jan Kowalski"
    assert draft.note == "Proszę o szybką wysyłkę"


def test_cash_on_delivery_maps_to_gotowka() -> None:
    order = _order(payment_status="cashOnDelivery")
    assert payment_type_of(order, MAPPING.payment_types) == "cashOnDelivery"
    assert order_to_draft(order, {9001: 1, 9002: 2}, MAPPING).payment_form == "gotówka"
    by_method = _order(shipping=Shipping(method_id="1", cost=Decimal(0), payment_method_id="p-transfer"))
    draft = order_to_draft(by_method, {9001: 1, 9002: 2}, MAPPING)
    assert draft.payment_form == "przelew tradycyjny" and draft.shipping_cost is None
    # A live order names no payment method; a stale catalogue copy may name a type that is gone.
    unnamed = _order(shipping=Shipping(method_id="1", cost=Decimal(0), payment_method_id=None))
    stale = _order(shipping=Shipping(method_id="1", cost=Decimal(0), payment_method_id="p-old"))
    old_types = {**MAPPING.payment_types, "p-old": cast(PaymentType, "online")}
    assert payment_type_of(unnamed, old_types) == payment_type_of(stale, old_types) == "fastTransfer"


def test_company_buyer_becomes_the_contractor_name() -> None:
    buyer = Buyer(email="biuro@firma.pl", first_name="Anna", last_name="Nowak", company_name="Firma Sp. z o.o.")
    assert contractor_of(buyer).name == "Firma Sp. z o.o."


def test_unmapped_item_is_refused_with_its_field() -> None:
    order = _order(items=(OrderItem(offer_id=4242, title="Obcy towar", quantity=1, unit_price=Decimal(5)),))
    with pytest.raises(InvalidItem) as info:
        order_to_draft(order, {9001: 12}, MAPPING)
    assert info.value.field == "items[0].offerId"


def test_order_without_items_or_email_is_refused() -> None:
    with pytest.raises(InvalidItem, match="no items"):
        order_to_draft(_order(items=()), {}, MAPPING)
    with pytest.raises(InvalidItem, match="e-mail"):
        order_to_draft(_order(buyer=Buyer(email="  ")), {9001: 1, 9002: 2}, MAPPING)


def test_group_by_value_one_call_per_value_and_chunked() -> None:
    pairs = [(i, Decimal("9.99") if i % 2 else Decimal("19.99")) for i in range(2500)]
    groups = group_by_value(pairs, limit=1000)
    assert [(v, len(ids)) for v, ids in groups] == [
        (Decimal("19.99"), 1000),
        (Decimal("19.99"), 250),
        (Decimal("9.99"), 1000),
        (Decimal("9.99"), 250),
    ]


@given(st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 5)), unique_by=lambda p: p[0]))
def test_group_by_value_sends_each_offer_once_with_its_value(pairs: list[tuple[int, int]]) -> None:
    groups = group_by_value(pairs, limit=7)
    sent = [(offer, value) for value, ids in groups for offer in ids]
    assert sorted(sent) == sorted(pairs)
    assert all(1 <= len(ids) <= 7 for _, ids in groups)
    distinct = len({v for _, v in pairs})
    assert len({v for v, _ in groups}) == distinct
