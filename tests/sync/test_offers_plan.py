"""The offers job's plan (pure): one publication check per product, category lookups built once per run."""

from __future__ import annotations

from decimal import Decimal

from agent.catalogue import CONDITION_NEW_VALUE_ID, CONDITION_PARAMETER_ID, category_by_id, leaf_categories
from agent.core.offers import offer_parameters
from agent.domain import CategoryParameter, Product, ProductImage, Terms, TermsOverride
from agent.sync.jobs.offers_plan import PlanInputs, offer_draft, plan_page

LEAF = next(c for c in leaf_categories() if any(f.id == CONDITION_PARAMETER_ID for f in c.fields))
TERMS = Terms(
    shipping_methods=(),
    shipping_tariffs=(),
    return_policies=(),
    complaint_policies=(),
    guarantees=(),
    payment_methods=(),
)


def _valid_value(param: CategoryParameter) -> str:
    if param.values:  # a dictionary, or a colour with listed values: the value id as the ERP's text
        return str(param.values[0].id)
    if param.type in ("integer", "float"):
        return str(param.min if param.min is not None else 1).split(".")[0]
    return "ABC-123"


def _product(product_id: int, condition: str) -> Product:
    params = tuple((f.id, _valid_value(f)) for f in LEAF.fields if f.required and f.id != CONDITION_PARAMETER_ID)
    return Product(
        id=product_id,
        code=f"P-{product_id}",
        ean=None,
        name=f"Produkt numer {product_id}",
        description="Opis.",
        unit="sztuk",
        vat_rate="23%",
        active=True,
        shared_for_sale=True,
        category_id=LEAF.id,
        parameters=((CONDITION_PARAMETER_ID, condition), *params),
        lead_time=None,
        terms=TermsOverride(),
        content_version=product_id,
        images=(ProductImage(position=0, mime_type="image/png", sha256="a" * 64, size=100),),
    )


def _inputs() -> PlanInputs:
    return PlanInputs(category_by_id(), TERMS, TermsOverride(), None, resend_all=False)


def test_a_task_carries_the_parameters_its_check_converted() -> None:
    good, bad = _product(1, str(CONDITION_NEW_VALUE_ID)), _product(2, "zepsuty")
    plan = plan_page([good, bad], {}, _inputs())
    (task,) = plan.send
    assert task.parameters == offer_parameters(good, LEAF)
    draft = offer_draft(task, price=Decimal("9.99"), quantity=1, gallery=("https://x/1",), default_lead_time=None)
    assert draft.parameters == task.parameters
    assert [i.product.id for i in plan.invalid] == [2]
    assert any(p.field.startswith("parameter") for p in plan.invalid[0].problems)


def test_each_categorys_lookups_are_built_once_per_run() -> None:
    inputs = _inputs()
    rules = inputs.rules_for(LEAF.id)
    assert rules is not None and rules.category == LEAF
    plan_page([_product(i, str(CONDITION_NEW_VALUE_ID)) for i in range(1, 4)], {}, inputs)
    assert inputs.rules_for(LEAF.id) is rules
    assert inputs.rules_for(None) is None
    assert inputs.rules_for(999_999_999) is None
