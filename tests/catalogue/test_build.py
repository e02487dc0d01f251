"""The generator: deterministic, in step with the shipped file, stable ids, and loud about a bad source."""

from __future__ import annotations

import copy
import gzip
import json
from typing import Any

import pytest
import yaml

from agent.catalogue import category_by_id, leaf_categories, product_vocabulary
from agent.catalogue.build import OUTPUT, SOURCE, SourceError, build, render


@pytest.fixture(scope="module")
def source() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return loaded


def _small(source: dict[str, Any], tree: list[Any]) -> dict[str, Any]:
    return {"parameters": source["parameters"], "tree": tree}


def test_the_shipped_file_is_what_the_source_generates(source: dict[str, Any]) -> None:
    assert OUTPUT.read_bytes() == render(build(source)), "run: python -m agent.catalogue.build"


def test_generation_is_deterministic(source: dict[str, Any]) -> None:
    assert render(build(copy.deepcopy(source))) == render(build(copy.deepcopy(source)))


def test_adding_a_category_keeps_every_other_id(source: dict[str, Any]) -> None:
    before = {c["id"]: c["name"] for c in build(source)["categories"]}
    grown = copy.deepcopy(source)
    grown["tree"][0]["children"][0]["children"][0]["children"].insert(0, "Wertykulatory | Wertykulator")
    after = {c["id"]: c["name"] for c in build(grown)["categories"]}
    assert len(after) == len(before) + 1
    assert all(after[i] == name for i, name in before.items())


def test_a_deeper_required_brand_overrides_an_optional_one(source: dict[str, Any]) -> None:
    tree = [{
        "name": "Góra",
        "params": ["marka", "moc"],
        "brands": ["Alfa", "Beta"],
        "variants": ["mały"],
        "price": "10-20",
        "children": [{"name": "Środek", "params": ["marka!"], "children": ["Liść | Rzecz"]}],
    }]
    document = build(_small(source, tree))
    leaf = document["categories"][-1]
    brand = [f for f in leaf["fields"] if f["label"] == "Marka"]
    assert len(brand) == 1 and brand[0]["required"] is True
    assert [v["label"] for v in brand[0]["values"]] == ["Alfa", "Beta", "Inna"]
    assert any(f["label"] == "Moc" and f["unit"] == "W" for f in leaf["fields"])
    assert document["vocabulary"][str(leaf["id"])]["nouns"] == ["Rzecz"]


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([{"name": "A", "children": ["B"]}], "level 2"),
        ([{"name": "A", "children": [{"name": "B", "children": ["C"]}]}], "no brands, variants, price"),
        (
            [{"name": "A", "brands": ["X"], "variants": ["v"], "price": "1-2", "params": ["nie_ma"],
              "children": [{"name": "B", "children": ["C"]}]}],
            "unknown parameter",
        ),
        (
            [{"name": "A", "brands": ["X"], "variants": ["v"], "price": "5-2",
              "children": [{"name": "B", "children": ["C"]}]}],
            "bad unit, vat or price",
        ),
        (
            [{"name": "A", "brands": ["X"], "variants": ["v"], "price": "1-2", "vat": "7%",
              "children": [{"name": "B", "children": ["C"]}]}],
            "bad unit, vat or price",
        ),
    ],
)
def test_a_bad_source_is_refused_by_path(source: dict[str, Any], tree: list[Any], message: str) -> None:
    with pytest.raises(SourceError, match=message):
        build(_small(source, tree))


def test_a_reused_parameter_id_is_refused(source: dict[str, Any]) -> None:
    parameters = dict(source["parameters"])
    parameters["duplikat"] = {**parameters["kolor"], "label": "Inny kolor"}
    with pytest.raises(SourceError, match="already used"):
        build({"parameters": parameters, "tree": []})


def test_the_loader_reads_the_shipped_file() -> None:
    document = json.loads(gzip.decompress(OUTPUT.read_bytes()))
    assert len(category_by_id()) == len(document["categories"])
    assert {c.id for c in leaf_categories()} == {int(k) for k in document["vocabulary"]}
    some = leaf_categories()[0]
    assert list(product_vocabulary(some.id).nouns) == document["vocabulary"][str(some.id)]["nouns"]
