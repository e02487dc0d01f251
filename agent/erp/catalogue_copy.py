"""The copy of the marketplace catalogue and terms kept in the company database.

Every item is stored with its value as canonical JSON (`payload`), which is also how a replacement
tells "changed" from "unchanged": the same value always gives the same text.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import aiosqlite

from agent.domain import (
    Category,
    CategoryParameter,
    ParameterType,
    ParameterValue,
    PaymentMethod,
    PaymentType,
    Policy,
    ShippingMethod,
    ShippingTariff,
    ShippingType,
    TariffCost,
    TariffMethod,
    Terms,
)
from agent.erp.port import CatalogueDiff, CatalogueKind, KindDiff
from agent.errors import InvalidItem, Phrase

TERMS_KINDS: tuple[CatalogueKind, ...] = (
    "shipping_methods",
    "shipping_tariffs",
    "return_policies",
    "complaint_policies",
    "guarantees",
    "payment_methods",
)


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical(value: object) -> str:
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _category_payload(category: Category) -> str:
    # Without its parameters (they have rows of their own): not turned into plain values at all.
    data = {f.name: _plain(getattr(category, f.name)) for f in fields(category) if f.name != "fields"}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _unique(kind: CatalogueKind, keys: Sequence[object], category: int | None = None) -> None:
    """InvalidItem when two entries of one kind (the parameters of one `category`) share an id."""
    seen: set[object] = set()
    for key in keys:
        if key in seen:
            if category is None:
                named, said = str(kind), Phrase(f"err.catalogue_kind.{kind}")
            else:
                named, said = f"parameters of category {category}", Phrase(
                    "err.catalogue_parameters_of", {"category": category}
                )
            raise InvalidItem(
                f"catalogue: two {named} share the id {key}", field=named,
                phrase=Phrase("err.catalogue_twice", {"kind": said, "id": key}),
            )
        seen.add(key)


def _new_items(categories: Sequence[Category], terms: Terms) -> dict[CatalogueKind, dict[str, tuple[int, str, str]]]:
    """kind -> key -> (position, name, payload)."""
    items: dict[CatalogueKind, dict[str, tuple[int, str, str]]] = {}
    _unique("categories", [c.id for c in categories])
    items["categories"] = {str(c.id): (i, c.name, _category_payload(c)) for i, c in enumerate(categories)}
    params: dict[str, tuple[int, str, str]] = {}
    # The live tree repeats a few thousand distinct parameters over ~100,000 (category, parameter)
    # pairs: each distinct one is serialised once.
    texts: dict[CategoryParameter, str] = {}
    for c in categories:
        _unique("parameters", [p.id for p in c.fields], c.id)
        for i, p in enumerate(c.fields):
            text = texts.get(p)
            if text is None:
                text = texts[p] = canonical(p)
            params[f"{c.id}/{p.id}"] = (i, p.label, text)
    items["parameters"] = params
    groups: dict[CatalogueKind, Sequence[ShippingMethod | ShippingTariff | Policy | PaymentMethod]] = {
        "shipping_methods": terms.shipping_methods,
        "shipping_tariffs": terms.shipping_tariffs,
        "return_policies": terms.return_policies,
        "complaint_policies": terms.complaint_policies,
        "guarantees": terms.guarantees,
        "payment_methods": terms.payment_methods,
    }
    for kind, values in groups.items():
        _unique(kind, [str(v.id) for v in values])
        items[kind] = {str(v.id): (i, v.name, canonical(v)) for i, v in enumerate(values)}
    return items


async def _old_payloads(conn: aiosqlite.Connection) -> tuple[dict[CatalogueKind, dict[str, str]], dict[str, int]]:
    """The stored payloads by kind and key, and each stored parameter's position."""
    old: dict[CatalogueKind, dict[str, str]] = {kind: {} for kind in ("categories", "parameters", *TERMS_KINDS)}
    async with conn.execute("SELECT id, payload FROM mp_categories") as cursor:
        old["categories"] = {str(r[0]): str(r[1]) for r in await cursor.fetchall()}
    positions: dict[str, int] = {}
    rows = "SELECT category_id, parameter_id, position, payload FROM mp_category_parameters"
    async with conn.execute(rows) as cursor:
        for category_id, parameter_id, position, payload in await cursor.fetchall():
            key = f"{category_id}/{parameter_id}"
            old["parameters"][key] = str(payload)
            positions[key] = int(position)
    async with conn.execute("SELECT kind, id, payload FROM mp_terms") as cursor:
        for kind, key, payload in await cursor.fetchall():
            old[cast(CatalogueKind, kind)][str(key)] = str(payload)
    return old, positions


def _diff(old: Mapping[str, str], new: Mapping[str, tuple[int, str, str]]) -> KindDiff:
    return KindDiff(
        added=sum(1 for k in new if k not in old),
        changed=sum(1 for k, v in new.items() if k in old and old[k] != v[2]),
        removed=sum(1 for k in old if k not in new),
    )


async def replace_catalogue(conn: aiosqlite.Connection, categories: Sequence[Category], terms: Terms) -> CatalogueDiff:
    """Make the stored copy equal to `categories` and `terms`, writing only the rows that differ.

    The live tree has about 16,000 categories and 100,000 parameter rows, and from one run to the next
    almost none of them change: rewriting them all would cost seconds of SQLite work per run.
    """
    # Serialising the tree is CPU work: in a thread, so the event loop (and the terminal UI sharing
    # it) goes on meanwhile.
    new = await asyncio.to_thread(_new_items, categories, terms)
    old, positions = await _old_payloads(conn)
    diff = CatalogueDiff({kind: _diff(old[kind], new[kind]) for kind in new})
    gone_categories = [(int(k),) for k in old["categories"] if k not in new["categories"]]
    gone_parameters = [tuple(int(x) for x in k.split("/")) for k in old["parameters"] if k not in new["parameters"]]
    await conn.executemany("DELETE FROM mp_category_parameters WHERE category_id = ? AND parameter_id = ?",
                           gone_parameters)
    await conn.executemany("DELETE FROM mp_category_parameters WHERE category_id = ?", gone_categories)
    await conn.executemany("DELETE FROM mp_categories WHERE id = ?", gone_categories)
    await conn.executemany(
        """INSERT INTO mp_categories (id, parent_id, name, has_subcategories, payload) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name,
               has_subcategories = excluded.has_subcategories, payload = excluded.payload""",
        [(c.id, c.parent_id, c.name, int(c.has_subcategories), new["categories"][str(c.id)][2]) for c in categories
         if old["categories"].get(str(c.id)) != new["categories"][str(c.id)][2]],
    )
    await conn.executemany(
        """INSERT INTO mp_category_parameters (category_id, parameter_id, position, required, payload)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (category_id, parameter_id) DO UPDATE SET position = excluded.position,
               required = excluded.required, payload = excluded.payload""",
        [(c.id, p.id, i, int(p.required), new["parameters"][key][2])
         for c in categories for i, p in enumerate(c.fields)
         if old["parameters"].get(key := f"{c.id}/{p.id}") != new["parameters"][key][2] or positions[key] != i],
    )
    await conn.execute("DELETE FROM mp_terms")
    await conn.executemany(
        "INSERT INTO mp_terms (kind, id, position, name, payload) VALUES (?, ?, ?, ?, ?)",
        [(kind, key, pos, name, payload) for kind in TERMS_KINDS for key, (pos, name, payload) in new[kind].items()],
    )
    await conn.execute("UPDATE mp_catalogue_meta SET replaced_at = ? WHERE id = 1", (datetime.now(UTC).isoformat(),))
    return diff


async def read_catalogue(conn: aiosqlite.Connection) -> tuple[tuple[Category, ...], Terms]:
    """The whole copy: every category with its parameters, and the terms."""
    return await read_categories(conn, None), await read_terms(conn)


async def has_categories(conn: aiosqlite.Connection) -> bool:
    """Whether any category is stored (the catalogue was downloaded at least once)."""
    async with conn.execute("SELECT EXISTS (SELECT 1 FROM mp_categories)") as cursor:
        row = await cursor.fetchone()
    return bool(row and row[0])


async def read_categories(conn: aiosqlite.Connection, ids: Collection[int] | None) -> tuple[Category, ...]:
    """The stored categories with these ids (every one for None), each with its parameters, by id.

    Ids the copy does not hold are left out. A run reads only the categories its products use: the
    live tree has about 16,000, and decoding all of them costs a third of a second of the loop's time
    and megabytes per company."""
    if ids is None:
        return tuple(await _categories(conn, "", ()))
    wanted = sorted(set(ids))
    found: list[Category] = []
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        chunk = wanted[start : start + _IDS_PER_QUERY]
        found += await _categories(conn, f"IN ({', '.join('?' * len(chunk))})", chunk)
    return tuple(found)


_IDS_PER_QUERY = 500
"""Ids bound in one `IN (...)`: far below SQLite's limit on variables."""


async def _categories(conn: aiosqlite.Connection, among: str, ids: Sequence[int]) -> list[Category]:
    """The categories whose id is `among` (an `IN (...)` of `ids`; every one when empty)."""
    params: dict[int, list[CategoryParameter]] = {}
    where = f" WHERE category_id {among}" if among else ""
    async with conn.execute(
        f"SELECT category_id, payload FROM mp_category_parameters{where} ORDER BY category_id, position", ids
    ) as cursor:
        # Most rows repeat one of a few thousand payloads: each distinct one is read once, and shared.
        seen: dict[str, CategoryParameter] = {}
        for category_id, payload in await cursor.fetchall():
            parameter = seen.get(payload)
            if parameter is None:
                parameter = seen[payload] = _parameter(json.loads(payload))
            params.setdefault(int(category_id), []).append(parameter)
    categories: list[Category] = []
    where = f" WHERE id {among}" if among else ""
    async with conn.execute(f"SELECT payload FROM mp_categories{where} ORDER BY id", ids) as cursor:
        for (payload,) in await cursor.fetchall():
            d = json.loads(payload)
            categories.append(
                Category(
                    id=int(d["id"]),
                    name=str(d["name"]),
                    parent_id=int(d["parent_id"]),
                    has_subcategories=bool(d["has_subcategories"]),
                    fields=tuple(params.get(int(d["id"]), ())),
                    adult_only=bool(d["adult_only"]),
                )
            )
    return categories


async def read_terms(conn: aiosqlite.Connection) -> Terms:
    """The stored delivery, return, complaint, guarantee and payment terms."""
    terms: dict[str, list[dict[str, Any]]] = {kind: [] for kind in TERMS_KINDS}
    async with conn.execute("SELECT kind, payload FROM mp_terms ORDER BY kind, position") as cursor:
        for kind, payload in await cursor.fetchall():
            terms[str(kind)].append(json.loads(payload))
    return Terms(
        shipping_methods=tuple(_shipping_method(d) for d in terms["shipping_methods"]),
        shipping_tariffs=tuple(_tariff(d) for d in terms["shipping_tariffs"]),
        return_policies=tuple(_policy(d) for d in terms["return_policies"]),
        complaint_policies=tuple(_policy(d) for d in terms["complaint_policies"]),
        guarantees=tuple(_policy(d) for d in terms["guarantees"]),
        payment_methods=tuple(
            PaymentMethod(id=str(d["id"]), name=str(d["name"]), type=cast(PaymentType, d["type"]))
            for d in terms["payment_methods"]
        ),
    )


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _parameter(d: dict[str, Any]) -> CategoryParameter:
    return CategoryParameter(
        id=int(d["id"]),
        label=str(d["label"]),
        type=cast(ParameterType, d["type"]),
        required=bool(d["required"]),
        unit=d["unit"],
        min=_decimal(d["min"]),
        max=_decimal(d["max"]),
        is_multi_choice=bool(d["is_multi_choice"]),
        values=tuple(ParameterValue(id=int(v["id"]), label=str(v["label"])) for v in d["values"]),
        dictionary_id=None if d.get("dictionary_id") is None else int(d["dictionary_id"]),
        precision=None if d.get("precision") is None else int(d["precision"]),
    )


def _shipping_method(d: dict[str, Any]) -> ShippingMethod:
    return ShippingMethod(
        id=str(d["id"]),
        name=str(d["name"]),
        type=cast(ShippingType, d["type"]),
        min_days=d["min_days"],
        max_days=d["max_days"],
    )


def _cost(d: dict[str, Any] | None) -> TariffCost | None:
    if d is None:
        return None
    return TariffCost(shipping_cost=Decimal(str(d["shipping_cost"])), max_items=d["max_items"])


def _tariff(d: dict[str, Any]) -> ShippingTariff:
    return ShippingTariff(
        id=str(d["id"]),
        name=str(d["name"]),
        methods=tuple(
            TariffMethod(
                shipping_method_id=str(m["shipping_method_id"]),
                advance_payment=_cost(m["advance_payment"]),
                cash_on_delivery=_cost(m["cash_on_delivery"]),
            )
            for m in d["methods"]
        ),
    )


def _policy(d: dict[str, Any]) -> Policy:
    return Policy(id=str(d["id"]), name=str(d["name"]), description=str(d["description"]))
