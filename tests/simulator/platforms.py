"""Platforms built in-process (no server) for tests that drive the simulator's functions directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agent.simulator import offers
from agent.simulator.state import Platform
from agent.simulator.validation import CheckedImage, check_image
from tests.simulator.conftest import a_leaf, image_bytes


def add_offer(platform: Platform, stock: int = 1_000_000) -> int:
    """An active offer on account 1, made through the platform's own functions."""
    content = image_bytes()
    checked = check_image(content)
    assert isinstance(checked, CheckedImage)
    stored = offers.store_file(platform, 1, checked, content)
    leaf = a_leaf()
    parameters: list[dict[str, Any]] = []
    for field in leaf.fields:
        if field.required:
            value: object = field.values[0].id if field.values else (
                str(field.min if field.min is not None else 1) if field.type in ("integer", "float") else "tekst")
            parameters.append({"id": field.id, "value": value})
    created = offers.create(platform, 1, {
        "title": "Konewka ogrodowa 10 l", "price": Decimal("39.90"), "categoryId": leaf.id, "vatRate": "23%",
        "stockQuantity": stock, "stockQuantityUnit": "sztuk", "gallery": [f"http://127.0.0.1{stored.path}"],
        "parameters": parameters, "shippingTariffId": "cennik-standard", "leadTime": "Dzień",
    })
    assert not isinstance(created, list), created
    return created.id
