"""The Polish category catalogue shipped with the agent: the tree, its parameters, and product words per leaf.

`erp seed` maps sample products onto the leaves (names from `product_vocabulary`), and the simulator
serves the same tree (`category_to_api`) as the marketplace's `/categories` would. The data lives in
`categories.json.gz` next to this module, generated from `source.yaml` by `python -m agent.catalogue.build`;
it is read through importlib.resources, so it works from an installed wheel. Pure: no I/O beyond that read,
which happens once (cached).

Every leaf carries EAN, "Kod producenta" (producer code) and the required "Stan" (condition) parameter,
with the fixed ids below.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

from agent.domain import (
    VAT_RATES,
    Category,
    CategoryParameter,
    ParameterType,
    ParameterValue,
    StockUnit,
    VatRate,
)
from agent.errors import Bug

__all__ = [
    "BRAND_PARAMETER_ID",
    "CONDITION_NEW_VALUE_ID",
    "CONDITION_PARAMETER_ID",
    "EAN_PARAMETER_ID",
    "PRODUCER_CODE_PARAMETER_ID",
    "ProductVocabulary",
    "category_by_id",
    "category_from_api",
    "category_to_api",
    "leaf_categories",
    "load_categories",
    "parameter_from_api",
    "parameter_to_api",
    "product_vocabulary",
]

EAN_PARAMETER_ID = 1
PRODUCER_CODE_PARAMETER_ID = 2
CONDITION_PARAMETER_ID = 3
CONDITION_NEW_VALUE_ID = "3001"
BRAND_PARAMETER_ID = 4
""""Marka": a dictionary whose values are the leaf's vocabulary brands plus "Inna"; only in some branches."""

_DATA_FILE = "categories.json.gz"
_UNITS: tuple[StockUnit, ...] = ("sztuk", "kompletow", "par", "opakowan", "paczek")
_TYPES: tuple[ParameterType, ...] = ("dictionary", "float", "integer", "string", "color")


@dataclass(frozen=True, slots=True)
class ProductVocabulary:
    """Words and numbers to make a believable product for one leaf category.

    A name is `noun + brand + variant` (e.g. "Sekator kowadełkowy Fiskars 20 mm"); `brands` are also the
    values of the leaf's "Marka" parameter when it has one. Prices are gross PLN.
    """

    nouns: tuple[str, ...]
    brands: tuple[str, ...]
    variants: tuple[str, ...]
    unit: StockUnit
    price_min: Decimal
    price_max: Decimal
    vat_rate: VatRate


@cache
def _document() -> Mapping[str, Any]:
    raw = resources.files(__package__).joinpath(_DATA_FILE).read_bytes()
    return cast(Mapping[str, Any], json.loads(gzip.decompress(raw).decode("utf-8")))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def parameter_from_api(data: Mapping[str, Any]) -> CategoryParameter:
    """Read one parameter in the spec's CategoryParameter shape (camelCase); raises KeyError/ValueError if malformed."""
    kind = str(data["type"])
    if kind not in _TYPES:
        raise ValueError(f"unknown parameter type {kind!r}")
    return CategoryParameter(
        id=int(data["id"]),
        label=str(data["label"]),
        type=kind,
        required=bool(data["required"]),
        unit=None if data.get("unit") is None else str(data["unit"]),
        min=_decimal(data.get("min")),
        max=_decimal(data.get("max")),
        is_multi_choice=bool(data.get("isMultiChoice", False)),
        values=tuple(ParameterValue(id=str(v["id"]), label=str(v["label"])) for v in data.get("values") or ()),
    )


def category_from_api(data: Mapping[str, Any]) -> Category:
    """Read one category in the spec's Category shape (camelCase, `fields` optional)."""
    return Category(
        id=int(data["id"]),
        name=str(data["name"]),
        parent_id=int(data["parentId"]),
        has_subcategories=bool(data["hasSubcategories"]),
        fields=tuple(parameter_from_api(p) for p in data.get("fields") or ()),
        adult_only=bool(data.get("adultOnly", False)),
    )


def _json_number(value: Decimal) -> int | float:
    # JSON has only numbers; these are parameter limits, not money, so a float is what the API serves.
    return int(value) if value == value.to_integral_value() else float(value)


def parameter_to_api(parameter: CategoryParameter) -> dict[str, object]:
    """One parameter as the spec's CategoryParameter (camelCase); the inverse of `parameter_from_api`."""
    out: dict[str, object] = {
        "id": parameter.id,
        "label": parameter.label,
        "type": parameter.type,
        "required": parameter.required,
        "unit": parameter.unit,
        "min": None if parameter.min is None else _json_number(parameter.min),
        "max": None if parameter.max is None else _json_number(parameter.max),
        "isMultiChoice": parameter.is_multi_choice,
    }
    if parameter.values:
        out["values"] = [{"id": v.id, "label": v.label} for v in parameter.values]
    return out


def category_to_api(category: Category) -> dict[str, object]:
    """One category as the marketplace serves it with includeParameters=true (camelCase, with `fields`)."""
    return {
        "id": category.id,
        "name": category.name,
        "parentId": category.parent_id,
        "hasSubcategories": category.has_subcategories,
        "adultOnly": category.adult_only,
        "fields": [parameter_to_api(p) for p in category.fields],
    }


@cache
def load_categories() -> tuple[Category, ...]:
    """Every category, flat, parents before their children; leaves carry their parameters in `fields`."""
    return tuple(category_from_api(c) for c in _document()["categories"])


@cache
def leaf_categories() -> tuple[Category, ...]:
    """The categories an offer may be placed in (no subcategories), in tree order."""
    return tuple(c for c in load_categories() if not c.has_subcategories)


@cache
def category_by_id() -> Mapping[int, Category]:
    """Every category by id (read-only)."""
    return MappingProxyType({c.id: c for c in load_categories()})


@cache
def _vocabularies() -> Mapping[int, ProductVocabulary]:
    out: dict[int, ProductVocabulary] = {}
    for key, v in _document()["vocabulary"].items():
        unit, vat = str(v["unit"]), str(v["vatRate"])
        if unit not in _UNITS or vat not in VAT_RATES:
            raise Bug(f"catalogue data: leaf {key} has unit {unit!r} / VAT {vat!r}")
        out[int(key)] = ProductVocabulary(
            nouns=tuple(v["nouns"]),
            brands=tuple(v["brands"]),
            variants=tuple(v["variants"]),
            unit=unit,
            price_min=Decimal(v["priceMin"]),
            price_max=Decimal(v["priceMax"]),
            vat_rate=vat,
        )
    return MappingProxyType(out)


def product_vocabulary(category_id: int) -> ProductVocabulary:
    """The product words of a leaf category; raises KeyError for an unknown id or a category with subcategories."""
    try:
        return _vocabularies()[category_id]
    except KeyError:
        raise KeyError(f"no leaf category with id {category_id}") from None
