"""Marketplace answers to attack the parsers with: real ones taken from the simulator, and
mutations of them (a key dropped, a value of the wrong type, a body cut short, ...)."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from agent.marketplace import bodies, parsing, sales_parsing
from agent.marketplace.client import FULL_OFFERS
from tests.sync.conftest import SyncWorld
from tests.sync.world import publish

# The builder each answer goes through, as the client uses them.
BUILDERS: dict[str, Callable[[Any], Any]] = {
    "categories": parsing.category_page,
    "category parameters": parsing.category_parameters,
    "shipping methods": parsing.shipping_methods,
    "shipping tariffs": parsing.shipping_tariffs,
    "policies": parsing.policies,
    "payment methods": parsing.payment_methods,
    "offer": parsing.offer,
    "offers": parsing.offer_page,
    "bulk failures": parsing.bulk_failures,
    "stored files": parsing.stored_files,
    "sessions": parsing.integration_sessions,
    "token": parsing.token_pair,
    "device": parsing.device_registration,
    "sales": sales_parsing.sales_page,
    "sales per order": sales_parsing.sales_page_per_order,
    "order": sales_parsing.order,
    "statuses": sales_parsing.sale_statuses,
}

# Answers no seller call returns in a sync world, written from the contract.
HAND_MADE: dict[str, str] = {
    "token": '{"accessToken": "a", "refreshToken": "r", "expiresIn": 3600, "refreshExpiresIn": 2592000,'
    ' "tokenType": "Bearer", "integrationId": "i-1"}',
    "device": '{"deviceCode": "d", "verificationUriComplete": "http://127.0.0.1/login?code=1",'
    ' "verificationUriPrettyComplete": "http://127.0.0.1/l/1", "expiresIn": 600, "interval": 5}',
    "bulk failures": '[{"id": 1, "code": "resourceNotFound", "message": "no such offer"}]',
    "stored files": '[{"url": "http://127.0.0.1/files/1.jpg", "name": "1.jpg"}]',
}


async def real_answers(world: SyncWorld) -> dict[str, str]:
    """One raw body per builder, as the simulator sends it."""
    await publish(world, list((await world.erp.shared_product_ids())[:4]))
    placed = (await world.control("POST", "/orders", params={"count": 6}))["ids"]
    engine = world.market.engine

    async def get(path: str, headers: dict[str, str] | None = None, **params: Any) -> str:
        response = await engine.call("GET", path, what=path, idempotent=True, params=params or None, headers=headers)
        return response.text

    offers = json.loads(await get("/me/offers", headers=FULL_OFFERS))  # as the client asks for them
    sales = await get("/me/sales", page=1, pageSize=50)
    categories = json.loads(await get("/categories", page=1, pageSize=30, includeParameters="true"))
    with_fields = next(c for c in categories["categories"] if c.get("fields"))
    statuses = await engine.call(
        "POST", "/me/sales/retrieve-statuses", what="statuses", idempotent=True, content=bodies.encode(placed)
    )
    return {
        **HAND_MADE,
        "categories": json.dumps(categories),
        "category parameters": json.dumps({"fields": with_fields["fields"]}),
        "shipping methods": await get("/shipping/methods"),
        "shipping tariffs": await get("/me/shipping/tariffs"),
        "policies": await get("/me/returnPolicies"),
        "payment methods": await get("/payment/paymentMethods"),
        "offers": json.dumps(offers),
        "offer": await get(f"/me/offers/{offers['offers'][0]['id']}"),
        "sessions": await get("/me/integrations"),
        "sales": sales,
        "sales per order": sales,
        "order": await get(f"/me/sales/{placed[0]}"),
        "statuses": statuses.text,
    }  # fmt: skip


_ODD_VALUES: tuple[Any, ...] = (
    None, "", "x", "0", "NaN", -1, 0, 2**70, -(2**70), 10**400, Decimal("1E+999999"), Decimal("-0.001"),
    True, False, [], {}, [None], {"": None}, "2026-02-30T25:61:00Z", "Z", "\udcff", "ą" * 5000,
)  # fmt: skip


def _nodes(value: Any, out: list[tuple[Any, Any]]) -> None:
    """Every (container, key) pair of a JSON tree."""
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((value, key))
            _nodes(item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((value, index))
            _nodes(item, out)


def _dump(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def mutate(text: str, rng: random.Random) -> str:
    """One to three damages to a body: in its JSON tree, or in its text."""
    try:
        tree = json.loads(text, parse_float=Decimal)
    except (ValueError, ArithmeticError, RecursionError):
        tree = None
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        nodes: list[tuple[Any, Any]] = []
        if tree is not None:
            _nodes(tree, nodes)
        if tree is not None and nodes and kind < 0.75:
            container, key = rng.choice(nodes)
            action = rng.random()
            if action < 0.3 and isinstance(container, dict):
                del container[key]
            elif action < 0.4 and isinstance(container, list):
                container.append(copy.deepcopy(container[key]))
            else:
                container[key] = rng.choice(_ODD_VALUES)
            text = _dump(tree)
        elif kind < 0.85:
            text = text[: rng.randrange(len(text) + 1)]
        elif kind < 0.95 and text:
            at = rng.randrange(len(text))
            text = text[:at] + rng.choice(("{", "]", '"', "\\", ",", "\x00", "1e99999", "-", "ż")) + text[at + 1 :]
        else:
            text = rng.choice(("", "null", "[]", "{}", '"text"', "1", "[" * 100_000, '{"a":' * 50_000))
        try:
            tree = json.loads(text, parse_float=Decimal)
        except (ValueError, ArithmeticError, RecursionError):
            tree = None
    return text
