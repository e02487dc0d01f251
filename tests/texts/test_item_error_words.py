"""Item errors raised by the core and the ERP are worded in the operator's language.

Each case calls the real code that refuses an item; the Polish line must hold no English word, and
the English line must be exactly what the error says today (the machine log keeps `str(exc)`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from PIL import Image

from agent.core.orders import OrderMapping, order_to_draft
from agent.domain import Address, Buyer, Order, OrderItem
from agent.erp.images import check_image
from agent.errors import InvalidItem
from agent.texts.phrases import error_text
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (*COMMON_ENGLISH, "order", "item", "image", "quantity", "line ", "price", "needed", "negative")

MAPPING = OrderMapping(
    series="RO",
    shipping_product="USŁUGA-WYSYŁKA",
    payment_forms={"fastTransfer": "przelew"},
    payment_types={},
)

ORDER = Order(
    id=501,
    created=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    status="new",
    payment_status="paid",
    total=Decimal("49.99"),
    buyer=Buyer(
        email="jan@example.pl",
        first_name="Jan",
        last_name="Kowalski",
        nip="",
        address=Address(street="Długa", building_number="5", post_code="00-001", city="Warszawa"),
    ),
    items=(OrderItem(offer_id=9001, title="Sekator", quantity=1, unit_price=Decimal("49.99")),),
)
LINKS = {9001: 11}


def _picture(fmt: str, side: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), "white").save(out, format=fmt)
    return out.getvalue()


def _with_item(item: OrderItem) -> Order:
    return replace(ORDER, items=(item,))


CASES: dict[str, Callable[[], object]] = {
    "order without items": lambda: order_to_draft(replace(ORDER, items=()), LINKS, MAPPING),
    "order without e-mail": lambda: order_to_draft(
        replace(ORDER, buyer=replace(ORDER.buyer, email=" ")), LINKS, MAPPING
    ),
    "order line of an unknown offer": lambda: order_to_draft(ORDER, {}, MAPPING),
    "order line of quantity 0": lambda: order_to_draft(_with_item(replace(ORDER.items[0], quantity=0)), LINKS, MAPPING),
    "order line of a negative price": lambda: order_to_draft(
        _with_item(replace(ORDER.items[0], unit_price=Decimal("-1"))), LINKS, MAPPING
    ),
    "image too small": lambda: check_image(_picture("PNG", 40)),
    "image of another format": lambda: check_image(_picture("GIF", 200)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_item_error_is_polish_in_polish_and_unchanged_in_english(case: str) -> None:
    with pytest.raises(InvalidItem) as caught:
        CASES[case]()
    exc = caught.value
    polish = error_text("pl", exc)
    assert not [w for w in ENGLISH if w in polish.lower()], polish
    assert error_text("en", exc) == str(exc)


def test_unknown_offer_keeps_the_title_as_data_and_its_own_hint() -> None:
    with pytest.raises(InvalidItem) as caught:
        order_to_draft(ORDER, {}, MAPPING)
    polish = error_text("pl", caught.value)
    assert "\u201eSekator\u201d" in polish
    assert "połącz ofertę z produktem w ERP" in polish
