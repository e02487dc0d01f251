"""What an offer may carry, and what it carried last time. Pure: no I/O.

- `check_product` checks a product against the marketplace's publication rules before anything
  is sent, so a bad product is reported with the field to fix in the ERP and the others go through;
  the same pass turns its parameters into API values, with the category's lookups built once per
  run (`CategoryRules`). `publication_problems` is the check alone.
- `parameter_value` turns an ERP parameter value (text) into what the API takes.
- `resolve_terms` picks the offer's terms: the product's own, else the company's defaults,
  given by name or id and looked up in the catalogue copy.
- `content_hash` fingerprints what an offer shows (not price or quantity, which travel through
  the bulk calls), so an unchanged product costs no request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from agent.domain import Category, CategoryParameter, Policy, Product, ShippingTariff, Terms, TermsOverride
from agent.errors import Phrase
from agent.texts.phrases import counted, word

TITLE_MIN, TITLE_MAX = 4, 100
GALLERY_MIN, GALLERY_MAX = 1, 16
MULTI_SEPARATOR = "|"
"""Separates the value ids of a multi-choice dictionary parameter in the ERP's text value."""

ParameterOut = str | int | Decimal | tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One broken publication rule: which field, what is wrong, what to do in the ERP.

    What is wrong and what to do are kept as facts (`said`, `advice`), worded in the reader's
    language when shown; `message`, `hint` and `text` are their English words (the log's).
    """

    field: str
    said: Phrase
    advice: Phrase

    @property
    def message(self) -> str:
        return word("en", self.said)

    @property
    def hint(self) -> str:
        return word("en", self.advice)

    def phrase(self, product: Product) -> Phrase:
        """The problem's line as facts: "CODE (name): field: what is wrong"."""
        if self.field.startswith("parameter "):
            field = Phrase("rule.field.parameter", {"label": self.field.removeprefix("parameter ")})
        else:
            field = Phrase(f"rule.field.{self.field}")
        return Phrase("rule.line", {"code": product.code, "name": product.name[:40], "field": field, "said": self.said})

    def text(self, product: Product) -> str:
        return word("en", self.phrase(product))


@dataclass(frozen=True, slots=True)
class ResolvedTerms:
    """Marketplace ids of the terms an offer gets."""

    shipping_tariff_id: str | None = None
    return_policy_id: str | None = None
    complaint_policy_id: str | None = None
    guarantee_id: str | None = None


class ParameterError(ValueError):
    """An ERP parameter value the category does not accept; `said` is what is wrong, as facts."""

    def __init__(self, said: Phrase) -> None:
        super().__init__(word("en", said))
        self.said = said


@dataclass(frozen=True, slots=True)
class _Choices:
    """A dictionary parameter's values as lookups: the ids, and the id of each casefolded label."""

    ids: frozenset[int]
    by_label: Mapping[str, int]

    @classmethod
    def of(cls, param: CategoryParameter) -> _Choices:
        return cls(frozenset(v.id for v in param.values), {v.label.casefold(): v.id for v in param.values})


@dataclass(frozen=True, slots=True)
class CategoryRules:
    """A category with the lookups its parameter checks need, built once (`of`) and kept for a run.

    A category's dictionary parameters may list hundreds of values; building their lookups per
    product would cost more than the check itself.
    """

    category: Category
    choices: Mapping[int, _Choices]

    @classmethod
    def of(cls, category: Category) -> CategoryRules:
        return cls(category, {p.id: _Choices.of(p) for p in category.fields if _is_dictionary(p)})


def _is_dictionary(param: CategoryParameter) -> bool:
    # A live "color" parameter may list values (ids) like a dictionary, or take free text.
    return param.type == "dictionary" or (param.type == "color" and bool(param.values))


def _choice(text: str, choices: _Choices) -> int:
    """The value id `text` names (the id's digits, or a label); 0 when it names none (ids are positive)."""
    if text.isdigit() and int(text) in choices.ids:
        return int(text)
    return choices.by_label.get(text.casefold(), 0)


ParameterValues = tuple[tuple[int, ParameterOut], ...]
"""Parameter id -> API value, in the category's order."""


def parameter_value(param: CategoryParameter, raw: str, choices: _Choices | None = None) -> ParameterOut:
    """The API value of `raw` for `param`; ParameterError says what is wrong.

    `choices` is the parameter's lookup from `CategoryRules` (built here when not given).
    """
    text = raw.strip()
    if not text:
        raise ParameterError(Phrase("rule.parameter_empty"))
    if _is_dictionary(param):
        if choices is None:
            choices = _Choices.of(param)
        ids = tuple(v.strip() for v in text.split(MULTI_SEPARATOR) if v.strip())
        # An operator may type the label ("Nowy") instead of the id; accept both.
        resolved = tuple(_choice(i, choices) for i in ids)
        if not all(resolved):
            shown = ", ".join(v.label for v in param.values[:8]) + (", ..." if len(param.values) > 8 else "")
            raise ParameterError(Phrase("rule.parameter_not_a_value", {"value": text, "shown": shown}))
        if len(resolved) > 1 and not param.is_multi_choice:
            raise ParameterError(Phrase("rule.parameter_one_value"))
        return resolved
    if param.type in ("integer", "float"):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ParameterError(Phrase("rule.parameter_not_a_number", {"value": text})) from None
        if param.type == "integer" and number != number.to_integral_value():
            raise ParameterError(Phrase("rule.parameter_not_whole", {"value": text}))
        if (param.min is not None and number < param.min) or (param.max is not None and number > param.max):
            span = f"{param.min}..{param.max}"
            raise ParameterError(Phrase("rule.parameter_outside", {"value": text, "span": span}))
        return int(number) if param.type == "integer" else number
    return text


@dataclass(frozen=True, slots=True)
class Checked:
    """What `check_product` found: the broken rules, and the parameters as API values."""

    problems: tuple[RuleProblem, ...]
    parameters: ParameterValues = ()
    """Meaningful only when there are no problems (what the offer then sends)."""


def publication_problems(product: Product, category: Category | None) -> tuple[RuleProblem, ...]:
    """Every publication rule the product breaks (empty when it may be published)."""
    return check_product(product, CategoryRules.of(category) if category is not None else None).problems


def check_product(product: Product, rules: CategoryRules | None) -> Checked:
    """Every publication rule the product breaks, and its parameters as API values (each converted once).

    `rules` is the product's category (None when it has none, or it is not in the catalogue copy).
    """
    problems: list[RuleProblem] = []
    parameters: ParameterValues = ()
    title = product.name.strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        problems.append(
            RuleProblem(
                "name",
                Phrase(
                    "rule.title_length",
                    {"length": counted(len(title), "characters"), "low": TITLE_MIN, "high": TITLE_MAX},
                ),
                Phrase("rule.hint.title"),
            )
        )
    if product.category_id is None:
        problems.append(RuleProblem("category", Phrase("rule.no_category"), Phrase("rule.hint.category")))
    elif rules is None:
        problems.append(
            RuleProblem(
                "category",
                Phrase("rule.unknown_category", {"category": product.category_id}),
                Phrase("rule.hint.unknown_category"),
            )
        )
    elif rules.category.has_subcategories:
        problems.append(
            RuleProblem(
                "category",
                Phrase("rule.not_leaf", {"category": rules.category.name}),
                Phrase("rule.hint.leaf"),
            )
        )
    else:
        parameters = _parameters(product, rules, problems)
    if not GALLERY_MIN <= len(product.images) <= GALLERY_MAX:
        problems.append(
            RuleProblem(
                "images",
                Phrase("rule.image_count", {"count": len(product.images), "low": GALLERY_MIN, "high": GALLERY_MAX}),
                Phrase("rule.hint.image"),
            )
        )
    return Checked(tuple(problems), parameters)


def _parameters(product: Product, rules: CategoryRules, problems: list[RuleProblem]) -> ParameterValues:
    """The product's parameters the category knows, as API values; what is wrong goes to `problems`."""
    category = rules.category
    given = dict(product.parameters)
    out: list[tuple[int, ParameterOut]] = []
    for param in category.fields:
        raw = given.get(param.id)
        if raw is None or not raw.strip():
            if param.required:
                problems.append(
                    RuleProblem(
                        f"parameter {param.label}",
                        Phrase("rule.parameter_missing", {"category": category.name}),
                        Phrase("rule.hint.fill_in", {"label": param.label}),
                    )
                )
            continue
        try:
            out.append((param.id, parameter_value(param, raw, rules.choices.get(param.id))))
        except ParameterError as exc:
            advice = Phrase("rule.hint.correct", {"label": param.label})
            problems.append(RuleProblem(f"parameter {param.label}", exc.said, advice))
    return tuple(out)


def offer_parameters(product: Product, category: Category) -> ParameterValues:
    """The product's parameters that the category knows, as API values (call after the check)."""
    return _parameters(product, CategoryRules.of(category), [])


def _find(wanted: str | None, items: Sequence[Policy] | Sequence[ShippingTariff]) -> str | None:
    if wanted is None:
        return None
    for item in items:
        if item.id == wanted:
            return item.id
    folded = wanted.casefold()
    for item in items:
        if item.name.casefold() == folded:
            return item.id
    return None


def resolve_terms(
    product_terms: TermsOverride, defaults: TermsOverride, terms: Terms
) -> tuple[ResolvedTerms, tuple[RuleProblem, ...]]:
    """The offer's terms ids: the product's own, else the defaults; problems for names not found."""
    problems: list[RuleProblem] = []
    picked: dict[str, str | None] = {}
    kinds: tuple[tuple[str, str | None, str | None, Sequence[Policy] | Sequence[ShippingTariff]], ...] = (
        ("shipping_tariff", product_terms.shipping_tariff, defaults.shipping_tariff, terms.shipping_tariffs),
        ("return_policy", product_terms.return_policy, defaults.return_policy, terms.return_policies),
        ("complaint_policy", product_terms.complaint_policy, defaults.complaint_policy, terms.complaint_policies),
        ("guarantee", product_terms.guarantee, defaults.guarantee, terms.guarantees),
    )
    for kind, own, default, items in kinds:
        wanted = own if own is not None else default
        found = _find(wanted, items)
        if wanted is not None and found is None:
            source = Phrase("rule.source.product" if own is not None else "rule.source.defaults")
            said = Phrase(
                "rule.term_unknown", {"wanted": wanted, "source": source, "kind": Phrase(f"rule.kind.{kind}")}
            )
            problems.append(RuleProblem(kind, said, Phrase("rule.hint.term")))
        picked[kind] = found
    resolved = ResolvedTerms(
        shipping_tariff_id=picked["shipping_tariff"],
        return_policy_id=picked["return_policy"],
        complaint_policy_id=picked["complaint_policy"],
        guarantee_id=picked["guarantee"],
    )
    return resolved, tuple(problems)


def content_hash(product: Product, terms: ResolvedTerms, default_lead_time: str | None = None) -> str:
    """A fingerprint of everything an offer shows except price and quantity."""
    body = {
        "title": product.name.strip(),
        "description": product.description,
        "category": product.category_id,
        "parameters": sorted([pid, value] for pid, value in product.parameters),
        "unit": product.unit,
        "vat": product.vat_rate,
        "lead_time": product.lead_time or default_lead_time,
        "terms": [terms.shipping_tariff_id, terms.return_policy_id, terms.complaint_policy_id, terms.guarantee_id],
        "images": [image.sha256 for image in sorted(product.images, key=lambda i: i.position)],
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
