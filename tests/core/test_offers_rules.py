"""Pure core: publication rules, parameter values, terms resolution and the content hash."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from agent.catalogue import CONDITION_NEW_VALUE_ID, CONDITION_PARAMETER_ID, category_by_id, leaf_categories
from agent.core.offers import (
    CategoryRules,
    ParameterError,
    ResolvedTerms,
    check_product,
    content_hash,
    offer_parameters,
    parameter_value,
    publication_problems,
    resolve_terms,
)
from agent.domain import (
    Category,
    CategoryParameter,
    ParameterValue,
    Policy,
    Product,
    ProductImage,
    ShippingTariff,
    TariffMethod,
    Terms,
    TermsOverride,
)

LEAF = next(c for c in leaf_categories() if any(f.required and f.id != CONDITION_PARAMETER_ID for f in c.fields))


def _valid_value(param: CategoryParameter) -> str:
    if param.values:  # a dictionary, or a colour with listed values: the value id as the ERP's text
        return str(param.values[0].id)
    if param.type in ("integer", "float"):
        return str(param.min if param.min is not None else 1).split(".")[0]
    return "ABC-123"


def _product(**changes: object) -> Product:
    params = tuple((f.id, _valid_value(f)) for f in LEAF.fields if f.required)
    params = tuple((pid, str(CONDITION_NEW_VALUE_ID) if pid == CONDITION_PARAMETER_ID else v) for pid, v in params)
    base = Product(
        id=7,
        code="SEK-001",
        ean="5901234123457",
        name="Sekator nożycowy Fiskars 20 mm",
        description="Ostry i wygodny.",
        unit="sztuk",
        vat_rate="23%",
        active=True,
        shared_for_sale=True,
        category_id=LEAF.id,
        parameters=params,
        lead_time=None,
        terms=TermsOverride(),
        content_version=1,
        images=(ProductImage(position=0, mime_type="image/png", sha256="a" * 64, size=1),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_complete_product_passes() -> None:
    assert publication_problems(_product(), LEAF) == ()
    params = dict(offer_parameters(_product(), LEAF))
    assert params[CONDITION_PARAMETER_ID] == (CONDITION_NEW_VALUE_ID,)


def test_the_check_converts_the_parameters_it_checks_in_one_pass() -> None:
    rules = CategoryRules.of(LEAF)
    condition = next(f for f in LEAF.fields if f.id == CONDITION_PARAMETER_ID)
    label = next(v.label for v in condition.values if v.id == CONDITION_NEW_VALUE_ID)
    # Typed as the label, in another case: the check hands back the value id the API takes.
    product = _product()
    by_label = replace(
        product,
        parameters=tuple((pid, label.upper() if pid == CONDITION_PARAMETER_ID else v) for pid, v in product.parameters),
    )
    checked = check_product(by_label, rules)
    assert checked.problems == ()
    assert checked.parameters == offer_parameters(product, LEAF)
    assert dict(checked.parameters)[CONDITION_PARAMETER_ID] == (CONDITION_NEW_VALUE_ID,)
    wrong = replace(product, parameters=((CONDITION_PARAMETER_ID, "zepsuty"),))
    problems = check_product(wrong, rules).problems
    assert any(p.field == f"parameter {condition.label}" and "not one of" in p.message for p in problems)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "Abc"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"category_id": None}, "category"),
        ({"category_id": 999_999_999}, "category"),
        ({"images": ()}, "images"),
        ({"parameters": ()}, "parameter"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, object], field: str) -> None:
    problems = publication_problems(_product(**changes), category_by_id().get(_product(**changes).category_id or 0))
    assert problems and problems[0].field.startswith(field)
    assert problems[0].hint


def test_a_parent_category_is_refused() -> None:
    parent = category_by_id()[LEAF.parent_id]
    problems = publication_problems(_product(category_id=parent.id), parent)
    assert [p.field for p in problems] == ["category"] and "subcategories" in problems[0].message


def test_parameter_values_are_checked_by_type() -> None:
    size = CategoryParameter(id=1, label="Moc", type="integer", required=True, min=Decimal(1), max=Decimal(3000))
    assert parameter_value(size, " 1200 ") == 1200
    with pytest.raises(ParameterError, match="outside"):
        parameter_value(size, "5000")
    with pytest.raises(ParameterError, match="whole"):
        parameter_value(size, "12,5")
    colour = CategoryParameter(
        id=2,
        label="Kolor",
        type="dictionary",
        required=False,
        is_multi_choice=True,
        values=(ParameterValue(101, "Czerwony"), ParameterValue(102, "Zielony")),
    )
    assert parameter_value(colour, "101|zielony") == (101, 102)
    with pytest.raises(ParameterError, match="not one of"):
        parameter_value(colour, "niebieski")
    single = replace(colour, is_multi_choice=False)
    with pytest.raises(ParameterError, match="one value"):
        parameter_value(single, "101|102")


TERMS = Terms(
    shipping_methods=(),
    shipping_tariffs=(ShippingTariff(id="t1", name="Cennik standardowy", methods=(TariffMethod("1"),)),),
    return_policies=(Policy(id="r1", name="Zwrot 14 dni"),),
    complaint_policies=(Policy(id="c1", name="Reklamacja standardowa"),),
    guarantees=(Policy(id="g1", name="Gwarancja 24"), Policy(id="g2", name="Gwarancja 12")),
    payment_methods=(),
)


def test_terms_come_from_the_product_else_the_defaults_by_name_or_id() -> None:
    defaults = TermsOverride(shipping_tariff="cennik standardowy", return_policy="r1", guarantee="Gwarancja 24")
    resolved, problems = resolve_terms(TermsOverride(guarantee="g2"), defaults, TERMS)
    assert problems == ()
    assert resolved == ResolvedTerms("t1", "r1", None, "g2")
    _, problems = resolve_terms(TermsOverride(return_policy="Zwrot 30 dni"), defaults, TERMS)
    assert [p.field for p in problems] == ["return_policy"] and "from the product" in problems[0].message


def test_content_hash_ignores_nothing_an_offer_shows() -> None:
    terms = ResolvedTerms("t1", "r1", "c1", None)
    base = content_hash(_product(), terms)
    assert content_hash(_product(), terms) == base
    assert content_hash(_product(content_version=99), terms) == base  # versions are bookkeeping
    changed = [
        _product(name="Sekator kowadełkowy Fiskars"),
        _product(description="Inny opis"),
        _product(vat_rate="8%"),
        _product(images=(ProductImage(position=0, mime_type="image/png", sha256="b" * 64, size=1),)),
        _product(lead_time="2 dni"),
    ]
    assert all(content_hash(p, terms) != base for p in changed)
    assert content_hash(_product(), ResolvedTerms("t1", "r1", "c1", "g1")) != base


def test_category_fixture_is_meaningful() -> None:
    assert isinstance(LEAF, Category) and not LEAF.has_subcategories
