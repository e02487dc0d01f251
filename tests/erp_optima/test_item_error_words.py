"""Optima's refusals of an order's RO carry their sentence as facts: Polish in pl, today's English in en."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from agent.domain import DocumentDraft, DocumentLine
from agent.errors import InvalidItem
from agent.texts.phrases import error_text
from tests.erp.conftest import Shop
from tests.erp.optima_harness import OptimaHarness
from tests.erp_optima.test_write_side import _draft
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (*COMMON_ENGLISH, "product", "quantity", "below", "shipping", "exist")


def _unknown_product(shop: Shop) -> DocumentDraft:
    return dataclasses.replace(_draft(shop), lines=(DocumentLine(999, 1, Decimal(1)),))


def _no_quantity(shop: Shop) -> DocumentDraft:
    return dataclasses.replace(_draft(shop), lines=(DocumentLine(shop.sekator, 0, Decimal(1)),))


def _unknown_shipping(shop: Shop) -> DocumentDraft:
    return dataclasses.replace(_draft(shop), shipping_product="BRAK")


@pytest.mark.parametrize(
    ("spoil", "polish"),
    [
        (_unknown_product, "produkt 999 nie istnieje w Optimie"),
        (_no_quantity, "ilość 0 produktu"),
        (_unknown_shipping, "usługa wysyłki \u201eBRAK\u201d nie istnieje w Optimie"),
    ],
)
async def test_a_refused_order_is_worded_in_the_language(
    harness: OptimaHarness, spoil: Callable[[Shop], DocumentDraft], polish: str
) -> None:
    shop = await harness.build_shop()
    with pytest.raises(InvalidItem) as caught:
        await harness.optima.create_document(spoil(shop), match_contractors=True, create_contractors=True, fence=None)
    said = error_text("pl", caught.value)
    assert said.startswith(polish), said
    assert not [w for w in ENGLISH if w in said.lower()], said
    assert error_text("en", caught.value) == str(caught.value)
