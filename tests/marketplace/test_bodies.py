"""Request bodies: money goes out as the exact number it is, never through a float."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from agent.errors import Bug
from agent.marketplace import bodies


def test_decimal_is_written_with_every_digit_it_has() -> None:
    value = {"price": Decimal("12345678901234567.10"), "rate": Decimal("0.1"), "whole": Decimal("1E+3")}
    text = bodies.encode(value)
    assert text == b'{"price":12345678901234567.10,"rate":0.1,"whole":1000}'
    assert json.loads(text, parse_float=Decimal)["price"] == Decimal("12345678901234567.10")


def test_nested_shapes_text_and_keys() -> None:
    value = {"id": [3, 1], "pair": ("a", "b"), 7: {"ok": True, "none": None}, "name": 'Żółw "x"'}
    text = bodies.encode(value)
    assert json.loads(text) == {"id": [3, 1], "pair": ["a", "b"], "7": {"ok": True, "none": None}, "name": 'Żółw "x"'}
    assert "Żółw".encode() in text  # UTF-8 as is, not \\u escapes
    assert bodies.dumps(value) == text.decode()


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), {"x": [Decimal("-Infinity")]}, object()])
def test_what_cannot_be_sent_is_a_bug(bad: object) -> None:
    with pytest.raises(Bug):
        bodies.encode(bad)


def test_a_bulk_change_without_ids_is_refused_before_it_is_sent() -> None:
    # Live, an empty id list reprices EVERY offer of the account.
    change = {"price": {"value": Decimal("1.00"), "change": "exactValue"}}
    with pytest.raises(Bug, match="every offer"):
        bodies.bulk_change_body([], change)
    with pytest.raises(Bug):
        bodies.bulk_change_body([True], change)
    assert bodies.bulk_change_body((4, 5), change) == {"id": [4, 5], **change}
