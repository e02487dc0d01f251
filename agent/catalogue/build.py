"""Generator of the shipped category catalogue: live data + `source.yaml` -> `categories.json.gz`.

Run `python -m agent.catalogue.build` and commit the output; the agent itself only reads the generated
file (see `agent.catalogue`), so PyYAML is needed here only. Same inputs, same bytes (gzip mtime 0).

Inputs, all committed in this package so a wheel or CI never needs anything outside the repository:

- `live/leaves.tsv.gz`: the live wszystko.pl leaves (live id, name, parent's name), a compact copy of
  a public client's dump (see `../shared/marketplace/live/README.md`; refresh with `--import-live DIR`).
- `live/parameters.json.gz`: live parameter definitions of some categories, same source.
- `source.yaml`: hand-written product words (nouns, brands, variants, unit, price, VAT) for the
  branches the ERP seed uses; a live leaf takes them when its name (and parent's name) match.

The tree: the live service numbers categories in pre-order with siblings alphabetical, so the ids
missing from the leaf list are the inner categories. Walking the leaves in id order, the run of
missing ids before a leaf opens that many nested inner nodes (at most two), the last one named by the
leaf's parent; the others get their names when a later leaf names them as its parent (else from their
first children). A run puts its first leaf at level 4, the live tree's usual depth. A leaf whose parent
is neither open nor unnamed gets a new inner node (id from 100,000 up, where the dump has no free id).
So every leaf sits under a category with its live parent's name, and no inner id clashes with a live
leaf id. Top levels are set by `tops` in source.yaml and carry no `parentId` at all, as live.

Parameters: every leaf has the fixed live ids 1 "Stan" (required), 2 EAN, 3 "Kod producenta",
277 "Marka", 1184 SKU; a sampled leaf then has its live parameters, any other leaf up to three drawn
deterministically (crc32 of its id) from the sample's definitions. Value ids are integers.
"""

from __future__ import annotations

import gzip
import itertools
import json
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "source.yaml"
LEAVES = HERE / "live" / "leaves.tsv.gz"
PARAMETERS = HERE / "live" / "parameters.json.gz"
OUTPUT = HERE / "categories.json.gz"

# The fixed parameter ids every live category shares; mirrored in agent.catalogue.
CONDITION_ID = 1
EAN_ID = 2
PRODUCER_CODE_ID = 3
BRAND_ID = 277
SKU_ID = 1184
BRAND_DICTIONARY_ID = 6166  # live, from the sample's "Marka"
BRAND_OTHER_VALUE_ID = 50699  # live "Inna"
# No public dump shows Stan's values; these ids sit above every live value id seen (< 1,000,000).
CONDITION_DICTIONARY_ID = 1
CONDITION_VALUES = ((9_000_001, "Nowy"), (9_000_002, "Używany"), (9_000_003, "Powystawowy"))
# Brand value ids minted here for brands the sample does not list: a range no live value id uses.
_BRAND_ID_BASE = 8_000_000
_BRAND_ID_SPACE = 900_000
_DRAWN_MAX = 3
_FRESH_ID_BASE = 100_000  # inner categories the live numbering leaves no id for; live ids stay below 20,000
_LEAF_DEPTH = 4  # where a subtree's first leaf goes: the live tree's usual depth
_UNITS = ("sztuk", "kompletow", "par", "opakowan", "paczek")
_VATS = ("23%", "8%", "5%", "0%", "zw.")
_INHERITED = ("brands", "variants", "unit", "price", "vat", "adult")
_GENERIC = {
    "brands": ["Marka własna", "Premium", "Eko", "Classic", "Pro"],
    "variants": ["standard", "zestaw", "duży", "mały", "2 szt.", "XL"],
    "price": "9-499",
}


class SourceError(Exception):
    """An input breaks a rule; the message names the category or parameter."""


@dataclass(slots=True)
class _Node:
    id: int
    name: str | None
    parent: _Node | None
    depth: int
    children: list[_Node] = field(default_factory=list)
    leaf_parent: str | None = None  # for a leaf: its live parent's name


def _fixed(pid: int, label: str, kind: str, required: bool, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "label": label, "type": kind, "required": required, "isMultiChoice": False, **extra}


def read_leaves(path: Path = LEAVES) -> list[tuple[int, str, str]]:
    """The live leaves (id, name, parent's name) in id order."""
    rows = []
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        lid, name, parent = line.split("\t")
        rows.append((int(lid), name, parent))
    return sorted(rows)


def reconstruct(leaves: Sequence[tuple[int, str, str]], tops: Sequence[tuple[int, str]]) -> list[_Node]:
    """The tree (top-level nodes) from the live leaves and the hand-set top levels; see the module docstring.

    `tops` are (first leaf id, name): the live dump has no top-level names, so source.yaml sets them
    where the leaf numbering turns to another branch; each takes the first missing id before its leaf.
    """
    starts = dict(tops)
    fresh = itertools.count(_FRESH_ID_BASE)
    roots: list[_Node] = []
    stack: list[_Node] = []  # the open inner nodes, outermost (the top level) first
    previous = 0
    for lid, name, parent in leaves:
        gap = list(range(previous + 1, lid))
        if lid in starts:
            if not gap:
                raise SourceError(f"top level {starts[lid]!r}: no free id before leaf {lid}")
            stack = [_Node(gap.pop(0), starts[lid], None, 1)]
            roots.append(stack[0])
        elif not stack:
            raise SourceError(f"leaf {lid} {name!r}: before the first top level")
        if gap:
            # A long run also hides leaves the dump lacks; only the last ids can be this leaf's ancestors.
            gap = gap[-min(len(gap), _LEAF_DEPTH - 2):]
            del stack[max(1, _LEAF_DEPTH - 1 - len(gap)):]
            for i, gid in enumerate(gap):
                node = _Node(gid, parent if i == len(gap) - 1 else None, stack[-1], len(stack) + 1)
                stack[-1].children.append(node)
                stack.append(node)
        else:
            at = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].name == parent), None)
            if at is None:
                at = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].name is None), None)
                if at is not None:
                    stack[at].name = parent
            if at is not None:
                del stack[at + 1:]
            else:
                # The parent was opened where the dump has no free id (its first leaves are missing):
                # a node of its own, beside the current one, with an id above the live range.
                del stack[max(1, len(stack) - 1):]
                node = _Node(next(fresh), parent, stack[-1], len(stack) + 1)
                stack[-1].children.append(node)
                stack.append(node)
        holder = stack[-1]
        holder.children.append(_Node(lid, name, holder, len(stack) + 1, leaf_parent=parent))
        previous = lid
    return roots


def _merge_siblings(nodes: list[_Node]) -> None:
    """Same-named inner siblings (a branch the walk opened twice) become one: the first keeps the id."""
    first: dict[str, _Node] = {}
    kept: list[_Node] = []
    for node in nodes:
        twin = first.get(str(node.name)) if node.children else None
        if twin is not None:
            for child in node.children:
                child.parent = twin
            twin.children.extend(node.children)
            continue
        if node.children:
            first.setdefault(str(node.name), node)
        kept.append(node)
    nodes[:] = kept
    for node in kept:
        _merge_siblings(node.children)


def _walk(nodes: Sequence[_Node]) -> list[_Node]:
    out: list[_Node] = []
    todo = list(reversed(nodes))
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(reversed(node.children))
    return out


def _name_unnamed(nodes: Sequence[_Node]) -> None:
    for node in reversed(_walk(nodes)):  # children first, so a parent sees its children's names
        if node.name is None:
            words = [c.name for c in node.children if c.name][:2]
            node.name = " i ".join(words) if words else f"Kategoria {node.id}"


def _vocabulary_index(source: Mapping[str, Any]) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, Any]]:
    """Hand-written leaves by (name, parent name) and branches by name, each with inherited words."""
    leaves: dict[tuple[str, str], dict[str, Any]] = {}
    branches: dict[str, Any] = {}

    def walk(node: Any, parent: str, inherited: dict[str, Any]) -> None:
        if isinstance(node, str):
            name, _, nouns = node.partition("|")
            node = {"name": name.strip(), "nouns": [n.strip() for n in nouns.split(";") if n.strip()]}
        values = {**inherited, **{k: node[k] for k in _INHERITED if k in node}}
        name = str(node["name"]).strip()
        children = node.get("children") or []
        if children:
            branches.setdefault(name, values)
            for child in children:
                walk(child, name, values)
        else:
            leaves.setdefault((name, parent), {**values, "nouns": node.get("nouns") or [name]})

    for top in source["tree"]:
        walk(top, "", {})
    return leaves, branches


def _vocabulary(words: Mapping[str, Any], where: str) -> dict[str, Any]:
    unit, vat = words.get("unit", "sztuk"), str(words.get("vat", "23%"))
    low, _, high = str(words["price"]).partition("-")
    if unit not in _UNITS or vat not in _VATS or Decimal(low) <= 0 or Decimal(high) < Decimal(low):
        raise SourceError(f"{where}: bad unit, vat or price")
    return {
        "nouns": [str(n) for n in words["nouns"]],
        "brands": [str(b) for b in words["brands"]],
        "variants": [str(v) for v in words["variants"]],
        "unit": unit,
        "priceMin": str(Decimal(low).quantize(Decimal("0.01"))),
        "priceMax": str(Decimal(high).quantize(Decimal("0.01"))),
        "vatRate": vat,
    }


_KEPT = ("id", "label", "type", "unit", "min", "max", "isMultiChoice", "dictionaryId", "precision", "values")


def _shape(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A live definition in the contract's shape: the live service's filter/UI keys dropped, and its
    0..0 limits (no limit, on every dictionary and on some numbers) dropped too."""
    body = {k: definition[k] for k in _KEPT if k in definition}
    if definition.get("type") not in ("integer", "float") or not definition.get("max"):
        body.pop("min", None)
        body.pop("max", None)
    return body


class _Parameters:
    """The document's parameter table: each distinct definition once, referred to by key."""

    def __init__(self, sample: Sequence[Mapping[str, Any]]) -> None:
        self.table: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] = {}
        self.brand_ids: dict[str, int] = {}
        self.sampled: dict[int, list[tuple[str, bool]]] = {}
        for category in sample:
            refs = []
            for p in category["parameters"]:
                if p["id"] == BRAND_ID:
                    for v in p.get("values") or ():
                        self.brand_ids.setdefault(str(v["label"]), int(v["id"]))
                refs.append((self.key(p), bool(p["required"])))
            self.sampled[int(category["wszystko_id"])] = refs
        drawable = {k for refs in self.sampled.values() for k, _ in refs}
        self.pool = sorted(k for k in drawable if int(self.table[k]["id"]) not in (BRAND_ID, 8))
        self.fixed = [
            (self.key(_fixed(CONDITION_ID, "Stan", "dictionary", True, dictionaryId=CONDITION_DICTIONARY_ID,
                             precision=0, values=[{"id": i, "label": t} for i, t in CONDITION_VALUES])), True),
            (self.key(_fixed(EAN_ID, "EAN", "string", False)), False),
            (self.key(_fixed(PRODUCER_CODE_ID, "Kod producenta", "string", False)), False),
            (self.key(_fixed(SKU_ID, "SKU", "string", False)), False),
        ]

    def key(self, definition: Mapping[str, Any]) -> str:
        body = _shape(definition)
        text = json.dumps(body, sort_keys=True, ensure_ascii=False)
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = f"p{len(self._keys)}"
            if body.get("values") is not None:
                body["values"] = [{"id": int(v["id"]), "label": str(v["label"])} for v in body["values"]]
            self.table[key] = body
        return key

    def brand_id(self, label: str) -> int:
        known = self.brand_ids.get(label)
        if known is not None:
            return known
        taken = set(self.brand_ids.values())
        salt = 0
        while (candidate := _BRAND_ID_BASE + zlib.crc32(f"{label}#{salt}".encode()) % _BRAND_ID_SPACE) in taken:
            salt += 1
        self.brand_ids[label] = candidate
        return candidate

    def brand(self, brands: Sequence[str]) -> str:
        values = [{"id": self.brand_id(b), "label": b} for b in brands if b != "Inna"]
        values.append({"id": BRAND_OTHER_VALUE_ID, "label": "Inna"})
        return self.key(_fixed(BRAND_ID, "Marka", "dictionary", False, dictionaryId=BRAND_DICTIONARY_ID,
                               precision=0, values=values))

    def leaf(self, leaf_id: int, brands: Sequence[str]) -> list[list[Any]]:
        own = self.sampled.get(leaf_id)
        # "Marka" keeps the leaf's own brands as values, and is required where the live leaf requires it.
        brand_required = any(int(self.table[k]["id"]) == BRAND_ID and r for k, r in own or ())
        refs = [*self.fixed, (self.brand(brands), brand_required)]
        if own is None:
            roll = zlib.crc32(f"leaf:{leaf_id}".encode())
            own = []
            for i in range(roll % (_DRAWN_MAX + 1)):
                pick = self.pool[(roll >> (4 + 5 * i)) % len(self.pool)]
                own.append((pick, bool((roll >> (20 + i)) & 1)))
        ids = {int(self.table[k]["id"]) for k, _ in refs}
        labels = {str(self.table[k]["label"]) for k, _ in refs}
        for key, required in own:
            pid, label = int(self.table[key]["id"]), str(self.table[key]["label"])
            if pid not in ids and label not in labels:  # a leaf never shows one id or one label twice
                ids.add(pid)
                labels.add(label)
                refs.append((key, required))
        return [[k, r] for k, r in refs]


def build(source: Mapping[str, Any], leaves: Sequence[tuple[int, str, str]],
          sample: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The document `agent.catalogue` reads; raises SourceError."""
    tops = reconstruct(leaves, [(int(t["from"]), str(t["name"])) for t in source["tops"]])
    _name_unnamed(tops)
    _merge_siblings(tops)
    hand_leaves, branches = _vocabulary_index(source)
    parameters = _Parameters(sample)
    categories: list[dict[str, Any]] = []
    vocabulary: dict[str, dict[str, Any]] = {}
    field_sets: dict[str, int] = {}  # a leaf's parameter list -> its index; most lists recur
    for node in _walk(tops):
        out: dict[str, Any] = {"id": node.id, "name": node.name}
        if node.parent is not None:
            out["parentId"] = node.parent.id
        out["hasSubcategories"] = bool(node.children)
        categories.append(out)
        if node.children:
            continue
        name, parent = str(node.name), str(node.leaf_parent)
        words = hand_leaves.get((name, parent))
        if words is None and parent in branches and branches[parent].get("brands"):
            words = {**_GENERIC, **branches[parent], "nouns": [name]}
        if words is not None:
            vocabulary[str(node.id)] = _vocabulary({**_GENERIC, **words}, f"{parent}/{name}")
            if words.get("adult"):
                out["adultOnly"] = True
        brands = vocabulary[str(node.id)]["brands"] if str(node.id) in vocabulary else _GENERIC["brands"]
        refs = parameters.leaf(node.id, brands)
        text = json.dumps(refs)
        if text not in field_sets:
            field_sets[text] = len(field_sets)
        out["fields"] = field_sets[text]
    return {"version": 2, "parameters": parameters.table, "fieldSets": [json.loads(t) for t in field_sets],
            "categories": categories, "vocabulary": vocabulary,
            "generic": _vocabulary({**_GENERIC, "nouns": ["-"]}, "generic")}


def render(document: Mapping[str, Any]) -> bytes:
    """Serialise deterministically (compact JSON, gzip with mtime 0)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def read_inputs() -> tuple[Any, list[tuple[int, str, str]], Any]:
    """The three committed inputs: source.yaml, the live leaves, the live parameter sample."""
    source = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return source, read_leaves(), json.loads(gzip.decompress(PARAMETERS.read_bytes()))


def import_live(directory: Path) -> None:
    """Copy the public live dumps (../shared/marketplace/live) into the compact committed inputs."""
    rows = sorted(json.loads((directory / "categories-leaves.json").read_text(encoding="utf-8")),
                  key=lambda x: int(x["id"]))
    text = "".join(f"{int(r['id'])}\t{r['name']}\t{r['parent']}\n" for r in rows)
    LEAVES.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    sample = json.loads((directory / "category-parameters-sample.json").read_text(encoding="utf-8"))
    compact = json.dumps(sample, ensure_ascii=False, separators=(",", ":"))
    PARAMETERS.write_bytes(gzip.compress(compact.encode("utf-8"), compresslevel=9, mtime=0))


def main(argv: Sequence[str] = ()) -> int:
    """Regenerate the shipped file; `--check` only says (exit 1) whether it is out of date."""
    if "--import-live" in argv:
        import_live(Path(argv[list(argv).index("--import-live") + 1]))
    try:
        document = build(*read_inputs())
    except SourceError as exc:
        print(f"catalogue: {exc}", file=sys.stderr)
        return 1
    data = render(document)
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_bytes() != data:
            print(f"{OUTPUT.name} is out of date: run python -m agent.catalogue.build", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_bytes(data)
    leaves = sum(1 for c in document["categories"] if not c["hasSubcategories"])
    print(f"{OUTPUT.name}: {len(document['categories'])} categories, {leaves} leaves, {len(data)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
