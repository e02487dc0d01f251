"""What the offers job does with each product it reads, and the drafts it sends. Pure: no I/O.

For every product read (one page of content changes at a time), against its offer link:

| product                          | link                         | action                               |
|----------------------------------|------------------------------|--------------------------------------|
| not active or not shared         | active                       | end the offer                        |
| breaks a publication rule        | any                          | report it (field, what to fix)       |
| publishable                      | none                         | create (link recorded in flight)     |
| publishable                      | in flight (no offer id yet)  | look up by externalId, then decide   |
| publishable                      | ended, or content hash moved | replace (status active)              |
| publishable                      | same content hash            | nothing, unless a full resend        |

Price and quantity are not in the content hash: the stock and prices jobs carry them. A create or
replace must send some (the API requires them), so it sends the current ones and records them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from agent.core.offers import (
    CategoryRules,
    ParameterValues,
    ResolvedTerms,
    RuleProblem,
    check_product,
    content_hash,
    resolve_terms,
)
from agent.domain import Category, LeadTime, Product, Terms, TermsOverride
from agent.marketplace.models import OfferDraft
from agent.state.models import Checkpoint, ItemOutcome, OfferLink, SentValues
from agent.texts.phrases import joined

SendAction = Literal["create", "replace", "resolve"]
RETRY = "retry"
"""The key of the failed product ids in the offers job's checkpoint."""


@dataclass(frozen=True, slots=True)
class PlanInputs:
    """What stays the same for every product of one run."""

    categories: Mapping[int, Category]
    """The categories the plan knows, by id; the offers job fills it with those its products use."""
    terms: Terms
    defaults: TermsOverride
    default_lead_time: LeadTime | None
    resend_all: bool
    """Force full or send all binary data: every publishable product is sent again."""
    _rules: dict[int, CategoryRules] = field(default_factory=dict, repr=False, compare=False)
    """`rules_for`'s cache: each category's lookups are built once per run, when first needed."""

    def rules_for(self, category_id: int | None) -> CategoryRules | None:
        """The category with its parameter lookups; None if there is no such category in the copy."""
        if category_id is None:
            return None
        rules = self._rules.get(category_id)
        if rules is None:
            category = self.categories.get(category_id)
            if category is None:
                return None
            rules = self._rules[category_id] = CategoryRules.of(category)
        return rules


@dataclass(frozen=True, slots=True)
class OfferTask:
    """One product to send: create, replace, or first find the offer an interrupted create left."""

    product: Product
    action: SendAction
    link: OfferLink | None
    category: Category
    terms: ResolvedTerms
    content_hash: str
    parameters: ParameterValues
    """The product's parameters as API values, converted by the publication check."""


@dataclass(frozen=True, slots=True)
class Invalid:
    """A product that breaks publication rules: not sent, reported with every problem."""

    product: Product
    problems: tuple[RuleProblem, ...]

    def outcome(self) -> ItemOutcome:
        # Two problems may ask for the same thing (two parameters to fetch the catalogue for): said once.
        advice = {problem.hint: problem.advice for problem in self.problems}
        return ItemOutcome.said(
            "offers",
            product_key(self.product.id),
            "failed",
            joined((problem.phrase(self.product) for problem in self.problems), "; "),
            hint=joined(advice.values(), "; "),
            error_class="InvalidItem",
        )


@dataclass(frozen=True, slots=True)
class OfferPlan:
    """What one page of products asks for."""

    send: tuple[OfferTask, ...] = ()
    end: tuple[OfferLink, ...] = ()
    invalid: tuple[Invalid, ...] = ()
    unchanged: int = 0


def product_key(product_id: int) -> str:
    return f"product:{product_id}"


def external_id(product_id: int) -> str:
    """An offer's externalId: the product's immutable ERP id (never its code, which users rename)."""
    return str(product_id)


def plan_page(products: Iterable[Product], links: Mapping[int, OfferLink], inputs: PlanInputs) -> OfferPlan:
    """The actions for these products, given their links (by product id)."""
    send: list[OfferTask] = []
    end: list[OfferLink] = []
    invalid: list[Invalid] = []
    unchanged = 0
    for product in products:
        link = links.get(product.id)
        if not (product.active and product.shared_for_sale):
            if link is not None and link.status == "active":
                end.append(link)
            continue
        rules = inputs.rules_for(product.category_id)
        terms, term_problems = resolve_terms(product.terms, inputs.defaults, inputs.terms)
        checked = check_product(product, rules)
        problems = checked.problems + term_problems
        if problems or rules is None:
            invalid.append(Invalid(product, problems))
            continue
        digest = content_hash(product, terms, inputs.default_lead_time)
        action: SendAction
        if link is None:
            action = "create"
        elif link.offer_id is None:
            action = "resolve"
        elif link.status == "ended" or link.content_hash != digest or inputs.resend_all:
            action = "replace"
        else:
            unchanged += 1
            continue
        send.append(OfferTask(product, action, link, rules.category, terms, digest, checked.parameters))
    return OfferPlan(tuple(send), tuple(end), tuple(invalid), unchanged)


def leftover_ids(sent: Mapping[int, SentValues], seen: set[int], shared: set[int]) -> list[int]:
    """Linked products the page reads did not cover but that need a look.

    An active link whose product is no longer shared (or no longer exists: deleted from the ERP)
    must be ended; a link still in flight (a create whose answer never got stored) must be
    resolved. Normally both are among the changes; this catches what a change counter cannot
    show, such as a deleted row.
    """
    return sorted(
        pid
        for pid, values in sent.items()
        if pid not in seen and values.status == "active" and (values.offer_id is None or pid not in shared)
    )


def offer_draft(
    task: OfferTask, *, price: Decimal, quantity: int, gallery: Sequence[str], default_lead_time: LeadTime | None
) -> OfferDraft:
    """The OfferInput of a task (call only for tasks the plan found publishable)."""
    product = task.product
    reopen = task.link is not None and task.link.status == "ended"
    return OfferDraft(
        external_id=external_id(product.id),
        title=product.name.strip(),
        price=price,
        category_id=task.category.id,
        vat_rate=product.vat_rate,
        stock_quantity=quantity,
        unit=product.unit,
        description=product.description,
        gallery=tuple(gallery),
        parameters=task.parameters,
        shipping_tariff_id=task.terms.shipping_tariff_id,
        return_policy_id=task.terms.return_policy_id,
        complaint_policy_id=task.terms.complaint_policy_id,
        guarantee_id=task.terms.guarantee_id,
        lead_time=product.lead_time or default_lead_time,
        # An ended offer whose product is shared again is listed again.
        status="active" if reopen else None,
    )


def planned_ends(sent: Mapping[int, SentValues], shared: set[int]) -> tuple[int, int]:
    """(offers this run would end, active offers now): active links whose product is no longer
    active and shared for sale (or no longer exists), out of every active link with an offer."""
    active = [pid for pid, values in sent.items() if values.status == "active" and values.offer_id is not None]
    return sum(1 for pid in active if pid not in shared), len(active)


def ends_need_consent(ending: int, active: int, max_percent: int) -> bool:
    """True when ending `ending` of `active` offers is more than `max_percent` % of them."""
    return active > 0 and ending * 100 > max_percent * active


def retry_ids(checkpoint: Checkpoint | None) -> list[int]:
    """The product ids the last run of the job failed (its checkpoint), in order; [] if none or unreadable."""
    value = checkpoint.value if checkpoint is not None else None
    ids = value.get(RETRY) if isinstance(value, dict) else None
    if not isinstance(ids, list):
        return []
    return sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)})
