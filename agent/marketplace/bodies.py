"""Typed values -> request bodies. Pure: no I/O.

The standard `json` module cannot write a Decimal as a number without going through float, so this
module writes JSON itself for the few shapes we send; money keeps every digit it had.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from agent.errors import Bug
from agent.marketplace.models import MarketOffer, OfferDraft


def dumps(value: Any) -> str:
    """JSON text of `value`; Decimal as an exact number."""
    if value is None or isinstance(value, bool | str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise Bug(f"a non-finite amount cannot be sent: {value}")
        return format(value, "f")
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Sequence):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    raise Bug(f"cannot send a {type(value).__name__} as JSON")


def encode(value: Any) -> bytes:
    return dumps(value).encode("utf-8")


def offer_body(draft: OfferDraft) -> dict[str, Any]:
    """The OfferInput of a draft; optional fields left out when unset."""
    body: dict[str, Any] = {
        "externalId": draft.external_id,
        "title": draft.title,
        "price": draft.price,
        "categoryId": draft.category_id,
        "vatRate": draft.vat_rate,
        "stockQuantity": draft.stock_quantity,
        "stockQuantityUnit": draft.unit,
        "gallery": list(draft.gallery),
        "parameters": [
            {"id": pid, "value": list(value) if isinstance(value, tuple) else value} for pid, value in draft.parameters
        ],
        "description": [{"items": [{"type": "text", "value": draft.description}]}] if draft.description else [],
        "isDraft": draft.is_draft,
    }
    optional = {
        "shippingTariffId": draft.shipping_tariff_id,
        "returnPolicyId": draft.return_policy_id,
        "complaintPolicyId": draft.complaint_policy_id,
        "guaranteeId": draft.guarantee_id,
        "leadTime": draft.lead_time,
        "status": draft.status,
    }
    body.update({k: v for k, v in optional.items() if v is not None})
    return body


def ending_body(offer: MarketOffer) -> dict[str, Any]:
    """The smallest OfferInput that ends `offer` while keeping its content."""
    body: dict[str, Any] = {
        "title": offer.title,
        "price": offer.price,
        "categoryId": offer.category_id,
        "vatRate": offer.vat_rate,
        "stockQuantity": offer.stock_quantity,
        "status": "ended",
    }
    if offer.external_id is not None:
        body["externalId"] = offer.external_id
    return body


def chunks(ids: Sequence[int], size: int) -> list[list[int]]:
    """`ids` in order, without duplicates, in lists of at most `size`."""
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + size] for i in range(0, len(unique), size)]
