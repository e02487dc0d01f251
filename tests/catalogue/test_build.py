"""The generator: deterministic, in step with the shipped file, the live numbering, and loud about a bad input."""

from __future__ import annotations

import copy
import gzip
import json
from typing import Any

import pytest

from agent.catalogue import category_by_id, leaf_categories, product_vocabulary
from agent.catalogue.build import (
    BRAND_ID,
    CONDITION_ID,
    OUTPUT,
    SourceError,
    build,
    read_inputs,
    reconstruct,
    render,
)

Inputs = tuple[Any, list[tuple[int, str, str]], Any]


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    return read_inputs()


@pytest.fixture(scope="module")
def document(inputs: Inputs) -> dict[str, Any]:
    return build(*inputs)


def test_the_shipped_file_is_what_the_inputs_generate(document: dict[str, Any]) -> None:
    assert OUTPUT.read_bytes() == render(document), "run: python -m agent.catalogue.build"


def test_generation_is_deterministic(inputs: Inputs) -> None:
    assert render(build(*copy.deepcopy(inputs))) == render(build(*copy.deepcopy(inputs)))


def test_the_shipped_file_stays_small() -> None:
    assert len(OUTPUT.read_bytes()) < 400_000


def test_a_sampled_leaf_carries_its_live_parameters(inputs: Inputs, document: dict[str, Any]) -> None:
    _, _, sample = inputs
    live = next(c for c in sample if len(c["parameters"]) >= 2)
    leaf = next(c for c in document["categories"] if c["id"] == live["wszystko_id"])
    refs = document["fieldSets"][leaf["fields"]]
    fields = {document["parameters"][k]["id"]: (document["parameters"][k], r) for k, r in refs}
    for p in live["parameters"]:
        if p["id"] == BRAND_ID:
            continue
        ours, required = fields[p["id"]]
        assert ours["label"] == p["label"] and required == p["required"]
        assert [v["id"] for v in ours.get("values", [])] == [v["id"] for v in p.get("values") or []]
        assert ours.get("dictionaryId") == p.get("dictionaryId")


def test_the_first_live_leaves_make_the_expected_tree(inputs: Inputs) -> None:
    # Ids 1-4 are free before leaf 5 (parent "Akcesoria"); then leaves of "Dachy" follow with no gap, so
    # the free id above "Akcesoria" is "Dachy"; id 12 opens "Komunikacja dachowa" inside "Dachy", whose
    # leaves go on at 15: the live numbering is a pre-order walk.
    _, leaves, _ = inputs
    (top,) = reconstruct([row for row in leaves if row[0] < 20], [(5, "Dom i ogród")])
    assert (top.id, top.name) == (1, "Dom i ogród")
    (dachy,) = top.children
    assert (dachy.id, dachy.name) == (3, "Dachy")
    inner = {c.id: c for c in dachy.children if c.children}
    assert [(i, c.name) for i, c in inner.items()] == [(4, "Akcesoria"), (12, "Komunikacja dachowa")]
    assert [c.id for c in inner[4].children] == [5, 6, 7]
    assert [c.id for c in inner[12].children] == [13, 14]
    assert [c.id for c in dachy.children if not c.children] == [8, 9, 10, 11, 15, 16, 17, 18, 19]


def test_a_top_level_without_a_free_id_is_refused() -> None:
    with pytest.raises(SourceError, match="no free id"):
        reconstruct([(1, "Liść", "Rodzic")], [(1, "Góra")])


def test_a_leaf_before_the_first_top_level_is_refused() -> None:
    with pytest.raises(SourceError, match="before the first top level"):
        reconstruct([(5, "Liść", "Rodzic"), (9, "Inny", "Rodzic")], [(9, "Góra")])


def test_a_bad_price_in_the_product_words_is_refused(inputs: Inputs) -> None:
    source, leaves, sample = copy.deepcopy(inputs)

    def break_prices(node: Any) -> None:
        if isinstance(node, dict):
            node["price"] = "5-2"
            for child in node.get("children") or ():
                break_prices(child)

    break_prices(source["tree"][0])
    with pytest.raises(SourceError, match="bad unit, vat or price"):
        build(source, leaves, sample)


def test_every_leaf_gets_the_condition_first(document: dict[str, Any]) -> None:
    for c in document["categories"]:
        if not c["hasSubcategories"]:
            first_key = document["fieldSets"][c["fields"]][0][0]
            assert document["parameters"][first_key]["id"] == CONDITION_ID


def test_the_loader_reads_the_shipped_file() -> None:
    document = json.loads(gzip.decompress(OUTPUT.read_bytes()))
    assert len(category_by_id()) == len(document["categories"])
    assert {int(k) for k in document["vocabulary"]} <= {c.id for c in leaf_categories()}
    some = int(next(iter(document["vocabulary"])))
    assert list(product_vocabulary(some).nouns) == document["vocabulary"][str(some)]["nouns"]
