"""The shipped category tree: shape, parameters, vocabulary, and conformance to the marketplace spec."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from jsonschema.validators import validator_for  # type: ignore[import-untyped]

from agent.catalogue import (
    BRAND_PARAMETER_ID,
    CONDITION_NEW_VALUE_ID,
    CONDITION_PARAMETER_ID,
    EAN_PARAMETER_ID,
    PRODUCER_CODE_PARAMETER_ID,
    SKU_PARAMETER_ID,
    category_by_id,
    category_from_api,
    category_to_api,
    curated_leaves,
    leaf_categories,
    load_categories,
    product_vocabulary,
)
from agent.domain import VAT_RATES, Category

SPEC = Path(__file__).resolve().parents[2] / "agent" / "marketplace" / "openapi.yaml"


def _depth(category: Category, by_id: dict[int, Category]) -> int:
    depth, seen = 1, {category.id}
    while category.parent_id != 0:
        category = by_id[category.parent_id]
        assert category.id not in seen, f"cycle through {category.id}"
        seen.add(category.id)
        depth += 1
    return depth


LIVE = Path(__file__).resolve().parents[2] / "agent" / "catalogue" / "live" / "leaves.tsv.gz"


def test_the_live_scale_with_unique_ids() -> None:
    categories = load_categories()
    ids = [c.id for c in categories]
    assert len(ids) == len(set(ids))
    assert all(i > 0 for i in ids)
    assert 15_000 <= len(categories) <= 17_000
    assert 13_500 <= len(leaf_categories()) <= 14_000
    assert len(category_by_id()) == len(categories)


def test_the_leaves_are_the_live_leaves_with_their_live_ids_and_names() -> None:
    from agent.catalogue.build import read_leaves

    live = {lid: name for lid, name, _ in read_leaves(LIVE)}
    assert {c.id: c.name for c in leaf_categories()} == live
    # Inner categories take the ids the live numbering leaves free: never a live leaf's id.
    assert not {c.id for c in load_categories() if c.has_subcategories} & set(live)


def test_a_leaf_sits_under_the_parent_its_live_record_names() -> None:
    from agent.catalogue.build import read_leaves

    by_id = category_by_id()
    parents = {lid: parent for lid, _, parent in read_leaves(LIVE)}
    named = sum(1 for c in leaf_categories() if by_id[c.parent_id].name == parents[c.id])
    assert named == len(parents)


def test_every_parent_exists_and_parents_come_first() -> None:
    seen: set[int] = {0}
    for category in load_categories():
        assert category.parent_id in seen, f"{category.name}: parent {category.parent_id} unknown or later"
        seen.add(category.id)


def test_has_subcategories_matches_children() -> None:
    parents = {c.parent_id for c in load_categories()}
    for category in load_categories():
        assert category.has_subcategories == (category.id in parents), category.name


def test_leaves_sit_at_level_three_or_four_and_both_occur() -> None:
    by_id = dict(category_by_id())
    depths = Counter(_depth(c, by_id) for c in leaf_categories())
    assert set(depths) == {3, 4}
    top = [c for c in load_categories() if c.parent_id == 0]
    assert len(top) >= 10


def test_a_top_level_category_has_no_parent_id_on_the_wire() -> None:
    for category in load_categories():
        assert ("parentId" in category_to_api(category)) == (category.parent_id != 0)


def test_names_are_polish_and_unique_among_siblings() -> None:
    names = " ".join(c.name for c in load_categories())
    assert len(set("ąćęłńóśźż") & set(names.lower())) >= 7
    with_diacritics = [c for c in load_categories() if not c.name.isascii()]
    assert len(with_diacritics) > len(load_categories()) // 4
    # The live dump repeats some leaf names under one parent name; an inner category is never twinned.
    siblings = Counter((c.parent_id, c.name) for c in load_categories() if c.has_subcategories)
    assert [key for key, n in siblings.items() if n > 1] == []
    names_top = {c.name for c in load_categories() if c.parent_id == 0}
    assert {"Dom i ogród", "Elektronika", "Motoryzacja", "Supermarket"} <= names_top


def test_the_fixed_parameter_ids_are_the_live_ones() -> None:
    assert (CONDITION_PARAMETER_ID, EAN_PARAMETER_ID, PRODUCER_CODE_PARAMETER_ID) == (1, 2, 3)
    assert (BRAND_PARAMETER_ID, SKU_PARAMETER_ID) == (277, 1184)


def test_every_leaf_has_the_fixed_parameters_and_a_required_condition() -> None:
    for leaf in leaf_categories():
        fields = {p.id: p for p in leaf.fields}
        assert fields[BRAND_PARAMETER_ID].label == "Marka"
        assert fields[BRAND_PARAMETER_ID].dictionary_id == 6166
        assert fields[SKU_PARAMETER_ID].type == "string"
        assert fields[EAN_PARAMETER_ID].label == "EAN"
        assert fields[EAN_PARAMETER_ID].type == "string"
        assert fields[PRODUCER_CODE_PARAMETER_ID].label == "Kod producenta"
        condition = fields[CONDITION_PARAMETER_ID]
        assert condition.label == "Stan"
        assert condition.required
        assert condition.type == "dictionary"
        labels = {v.id: v.label for v in condition.values}
        assert labels[CONDITION_NEW_VALUE_ID] == "Nowy"
        assert set(labels.values()) == {"Nowy", "Używany", "Powystawowy"}
        assert len(fields) == len(leaf.fields), f"{leaf.name}: a parameter id twice"
        labels_seen = Counter(p.label for p in leaf.fields)
        assert labels_seen.most_common(1)[0][1] == 1, f"{leaf.name}: two parameters labelled alike"


def test_parameters_are_well_formed() -> None:
    for leaf in leaf_categories():
        for p in leaf.fields:
            if p.type == "dictionary":
                assert p.values, f"{leaf.name}/{p.label}: a dictionary without values"
                assert len({v.id for v in p.values}) == len(p.values)
                assert all(type(v.id) is int for v in p.values), f"{leaf.name}/{p.label}"
                assert p.dictionary_id is not None and p.precision == 0
            elif p.type != "color":
                assert p.values == ()
            if p.min is not None and p.max is not None:
                assert p.min <= p.max


def test_the_tree_mixes_required_optional_multichoice_and_numeric_parameters() -> None:
    fixed = {CONDITION_PARAMETER_ID, EAN_PARAMETER_ID, PRODUCER_CODE_PARAMETER_ID, BRAND_PARAMETER_ID, SKU_PARAMETER_ID}
    extra = [p for leaf in leaf_categories() for p in leaf.fields if p.id not in fixed]
    assert any(p.required for p in extra)
    assert any(not p.required for p in extra)
    assert any(p.is_multi_choice for p in extra)
    assert any(p.type == "integer" and p.unit and p.min is not None for p in extra)
    assert any(p.type == "float" and p.unit for p in extra)
    assert any(p.type == "color" for p in extra)
    with_extra = sum(1 for leaf in leaf_categories() if any(p.id not in fixed for p in leaf.fields))
    assert len(leaf_categories()) // 2 < with_extra < len(leaf_categories())
    required_brand = [
        leaf for leaf in leaf_categories() for p in leaf.fields if p.id == BRAND_PARAMETER_ID and p.required
    ]
    assert required_brand and len(required_brand) < len(leaf_categories())


def test_every_leaf_has_a_vocabulary_that_fits() -> None:
    rates: Counter[str] = Counter()
    for leaf in leaf_categories():
        v = product_vocabulary(leaf.id)
        assert v.nouns and v.brands and v.variants, leaf.name
        assert 0 < v.price_min <= v.price_max
        assert v.vat_rate in VAT_RATES
        rates[v.vat_rate] += 1
        brand = next((p for p in leaf.fields if p.id == BRAND_PARAMETER_ID), None)
        if brand is not None:
            assert set(v.brands) <= {value.label for value in brand.values}
    assert {"23%", "8%", "5%"} <= set(rates) <= set(VAT_RATES)
    assert rates.most_common(1)[0][0] == "23%"


def test_a_good_share_of_leaves_has_hand_written_product_words() -> None:
    curated = curated_leaves()
    assert len(curated) >= 500
    assert all(product_vocabulary(c.id).curated for c in curated)
    other = next(c for c in leaf_categories() if c not in curated)
    assert product_vocabulary(other.id).nouns == (other.name.strip(),) and not product_vocabulary(other.id).curated


def test_vocabulary_of_a_parent_or_unknown_id_is_refused() -> None:
    parent = next(c for c in load_categories() if c.has_subcategories)
    with pytest.raises(KeyError):
        product_vocabulary(parent.id)
    with pytest.raises(KeyError):
        product_vocabulary(-1)


def test_books_carry_five_percent_vat() -> None:
    books = [c for c in leaf_categories() if product_vocabulary(c.id).vat_rate == "5%"]
    parents = {category_by_id()[c.parent_id].name for c in books}
    assert "Książki" in parents


def _category_schema() -> Any:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    # OpenAPI 3.0 `nullable` is not JSON Schema: widen the type so draft 4 accepts null where the spec does.
    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: fix(v) for k, v in node.items() if k not in ("nullable", "x-source", "example")}
            if node.get("nullable") and "type" in node:
                out["type"] = [node["type"], "null"]
            if "$ref" in out:
                out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
            return out
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node
    definitions = fix(schemas)
    return {**definitions["Category"], "definitions": definitions}


def test_api_form_validates_against_the_spec_category_schema() -> None:
    schema = _category_schema()
    validator_cls = validator_for(schema, default=Draft4Validator)
    validator = validator_cls(schema)
    for category in load_categories():
        errors = list(validator.iter_errors(category_to_api(category)))
        assert errors == [], f"{category.name}: {errors[0].message}"


def test_the_schema_check_catches_a_bad_category() -> None:
    validator = Draft4Validator(_category_schema())
    bad = category_to_api(leaf_categories()[0])
    bad["fields"][0]["type"] = "text"  # type: ignore[index]
    assert list(validator.iter_errors(bad))


def test_api_form_round_trips() -> None:
    for category in load_categories():
        assert category_from_api(category_to_api(category)) == category


def test_vocabulary_words_are_whole_phrases() -> None:
    # A bare number means a YAML flow list split "0,5 l" at its decimal comma.
    for leaf in leaf_categories():
        v = product_vocabulary(leaf.id)
        for word in (*v.nouns, *v.brands, *v.variants):
            assert word.strip() == word and word, leaf.name
            if word != leaf.name.strip():  # a live leaf may be named "2001" (a model year)
                assert not word.replace(" ", "").isdigit(), f"{leaf.name}: {word!r}"
