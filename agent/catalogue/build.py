"""Generator of the shipped category catalogue: `source.yaml` (hand-written) -> `categories.json.gz`.

Run `python -m agent.catalogue.build` after editing `source.yaml` and commit both files; the agent
itself only reads the generated file (see `agent.catalogue`), so PyYAML is needed here only.

The output is deterministic: same source, same bytes (gzip mtime fixed at 0, keys in source order).

Source shape, in short:

- `parameters`: reusable parameter definitions by key, each with a fixed `id` (never reuse an id).
- `tree`: nodes with `name` and `children`; a leaf may be written as one line, `"Name | noun; noun"`.
  Any node may set `params` (keys; a trailing `!` makes the parameter required), `brands`, `variants`,
  `unit`, `price` ("MIN-MAX" gross PLN), `vat`, `adult`; all of them are inherited by the subtree.

Category ids are derived from the category's path (crc32), so adding a category does not renumber the
others; a collision is resolved by probing, in source order. Dictionary value ids are derived the same
way from the parameter id and the label.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source.yaml"
OUTPUT = HERE / "categories.json.gz"

# Fixed parameters every leaf carries, as the live platform has them; ids mirrored in agent.catalogue.
EAN_ID = 1
PRODUCER_CODE_ID = 2
CONDITION_ID = 3
BRAND_ID = 4
CONDITION_VALUES = (("3001", "Nowy"), ("3002", "Używany"), ("3003", "Powystawowy"))

_ID_SPACE = 900_000
_ID_BASE = 100_000
_UNITS = ("sztuk", "kompletow", "par", "opakowan", "paczek")
_VATS = ("23%", "8%", "5%", "0%", "zw.")
_INHERITED = ("brands", "variants", "unit", "price", "vat", "adult")


class SourceError(Exception):
    """The source file breaks a rule; the message names the category path."""


@dataclass(slots=True)
class _Inherited:
    params: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


def _value_id(param_id: int, label: str, taken: dict[str, str]) -> str:
    salt = 0
    while True:
        raw = zlib.crc32(f"{param_id}:{label}:{salt}".encode()) % 100_000
        candidate = f"{param_id}{raw:05d}"
        owner = taken.get(candidate)
        if owner is None or owner == label:
            taken[candidate] = label
            return candidate
        salt += 1


def _number(text: Any) -> int | float:
    value = Decimal(str(text))
    return int(value) if value == value.to_integral_value() else float(value)


class _Builder:
    def __init__(self, source: Mapping[str, Any]) -> None:
        self.definitions: dict[str, dict[str, Any]] = dict(source["parameters"])
        self.value_ids: dict[int, dict[str, str]] = {}
        self.used_ids: set[int] = set()
        self.categories: list[dict[str, Any]] = []
        self.vocabulary: dict[str, dict[str, Any]] = {}
        seen_param_ids: dict[int, str] = {}
        for key, spec in self.definitions.items():
            pid = int(spec["id"])
            if pid in seen_param_ids or pid in (EAN_ID, PRODUCER_CODE_ID, CONDITION_ID, BRAND_ID):
                raise SourceError(f"parameter {key}: id {pid} already used")
            seen_param_ids[pid] = key

    def category_id(self, path: str) -> int:
        salt = 0
        while True:
            key = path if salt == 0 else f"{path}#{salt}"
            candidate = _ID_BASE + zlib.crc32(key.encode()) % _ID_SPACE
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate
            salt += 1

    def values(self, param_id: int, labels: Sequence[str]) -> list[dict[str, str]]:
        taken = self.value_ids.setdefault(param_id, {})
        return [{"id": _value_id(param_id, str(label), taken), "label": str(label)} for label in labels]

    def parameter(self, ref: str, brands: Sequence[str]) -> dict[str, Any]:
        required = ref.endswith("!")
        key = ref.rstrip("!")
        if key == "marka":
            return {
                "id": BRAND_ID,
                "label": "Marka",
                "type": "dictionary",
                "required": required,
                "isMultiChoice": False,
                "values": self.values(BRAND_ID, [*brands, "Inna"]),
            }
        spec = self.definitions.get(key)
        if spec is None:
            raise SourceError(f"unknown parameter {key!r}")
        out: dict[str, Any] = {
            "id": int(spec["id"]),
            "label": spec["label"],
            "type": spec["type"],
            "required": required,
        }
        if "unit" in spec:
            out["unit"] = spec["unit"]
        if "min" in spec:
            out["min"] = _number(spec["min"])
        if "max" in spec:
            out["max"] = _number(spec["max"])
        out["isMultiChoice"] = bool(spec.get("multi", False))
        if spec["type"] in ("dictionary", "color"):
            out["values"] = self.values(int(spec["id"]), spec["values"])
        return out

    def leaf_fields(self, inherited: _Inherited, brands: Sequence[str]) -> list[dict[str, Any]]:
        fields: list[dict[str, Any]] = [
            {"id": EAN_ID, "label": "EAN", "type": "string", "required": False, "isMultiChoice": False},
            {"id": PRODUCER_CODE_ID, "label": "Kod producenta", "type": "string", "required": False,
             "isMultiChoice": False},
            {"id": CONDITION_ID, "label": "Stan", "type": "dictionary", "required": True, "isMultiChoice": False,
             "values": [{"id": vid, "label": label} for vid, label in CONDITION_VALUES]},
        ]
        by_key: dict[str, str] = {}
        for ref in inherited.params:  # a deeper `marka!` overrides an upper `marka`
            by_key[ref.rstrip("!")] = ref
        for ref in by_key.values():
            fields.append(self.parameter(ref, brands))
        return fields

    def walk(self, node: Any, parent_id: int, path: str, depth: int, inherited: _Inherited) -> None:
        if isinstance(node, str):
            name, _, nouns_text = node.partition("|")
            node = {"name": name.strip()}
            if nouns_text.strip():
                node["nouns"] = [n.strip() for n in nouns_text.split(";") if n.strip()]
        name = str(node["name"]).strip()
        full = f"{path}/{name}" if path else name
        values = dict(inherited.values)
        for key in _INHERITED:
            if key in node:
                values[key] = node[key]
        here = replace(inherited, params=(*inherited.params, *node.get("params", ())), values=values)
        children = node.get("children") or []
        cid = self.category_id(full)
        category: dict[str, Any] = {
            "id": cid,
            "name": name,
            "parentId": parent_id,
            "hasSubcategories": bool(children),
        }
        if values.get("adult"):
            category["adultOnly"] = True
        self.categories.append(category)
        if children:
            for child in children:
                self.walk(child, cid, full, depth + 1, here)
            return
        if depth not in (3, 4):
            raise SourceError(f"{full}: a leaf at level {depth}; leaves sit at level 3 or 4")
        missing = [k for k in ("brands", "variants", "price") if not values.get(k)]
        if missing:
            raise SourceError(f"{full}: no {', '.join(missing)} on the leaf or above it")
        unit = values.get("unit", "sztuk")
        vat = str(values.get("vat", "23%"))
        low, _, high = str(values["price"]).partition("-")
        if unit not in _UNITS or vat not in _VATS or Decimal(low) <= 0 or Decimal(high) < Decimal(low):
            raise SourceError(f"{full}: bad unit, vat or price")
        brands = [str(b) for b in values["brands"]]
        category["fields"] = self.leaf_fields(here, brands)
        self.vocabulary[str(cid)] = {
            "nouns": [str(n) for n in node.get("nouns", [name])],
            "brands": brands,
            "variants": [str(v) for v in values["variants"]],
            "unit": unit,
            "priceMin": str(Decimal(low).quantize(Decimal("0.01"))),
            "priceMax": str(Decimal(high).quantize(Decimal("0.01"))),
            "vatRate": vat,
        }


def build(source: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the parsed source into the document `agent.catalogue` reads; raises SourceError."""
    builder = _Builder(source)
    for top in source["tree"]:
        builder.walk(top, 0, "", 1, _Inherited())
    return {"version": 1, "categories": builder.categories, "vocabulary": builder.vocabulary}


def render(document: Mapping[str, Any]) -> bytes:
    """Serialise deterministically (compact JSON, gzip with mtime 0)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: Sequence[str] = ()) -> int:
    """Regenerate the shipped file; with `--check`, only say (exit 1) whether it is out of date."""
    source = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    try:
        document = build(source)
    except SourceError as exc:
        print(f"source.yaml: {exc}", file=sys.stderr)
        return 1
    data = render(document)
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_bytes() != data:
            print(f"{OUTPUT.name} is out of date: run python -m agent.catalogue.build", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_bytes(data)
    leaves = sum(1 for c in document["categories"] if not c["hasSubcategories"])
    print(f"{OUTPUT.name}: {len(document['categories'])} categories, {leaves} leaves")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
