"""From a marketplace order to the customer reservation (RO) the ERP will hold. Pure: no I/O.

An order item is mapped to its ERP product by the offer link the agent recorded when it created
the offer; failing that, by the item's `externalId`, which is the product's immutable ERP id.
An order that cannot be mapped raises `InvalidItem` naming the field, so the caller quarantines
it and goes on with the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from agent.domain import (
    PAYMENT_KINDS,
    Buyer,
    ContractorData,
    DocumentDraft,
    DocumentLine,
    Order,
    PaymentKind,
    PaymentType,
)
from agent.errors import InvalidItem, Phrase

MARKETPLACE = "wszystko.pl"


@dataclass(frozen=True, slots=True)
class OrderMapping:
    """The company's settings an RO is built with."""

    series: str
    shipping_product: str
    payment_forms: Mapping[str, str]
    """How the buyer pays (a live payment type, or cashOnDelivery) -> ERP payment form."""
    payment_types: Mapping[str, PaymentType]
    """Marketplace payment method id -> its type, from the catalogue copy."""


def payment_type_of(order: Order, payment_types: Mapping[str, PaymentType]) -> PaymentKind:
    """How the buyer pays: cash on delivery if the order says so, else the method's type, else a fast
    (online) transfer - live orders need not name their payment method."""
    if order.payment_status == "cashOnDelivery":
        return "cashOnDelivery"
    method = order.shipping.payment_method_id if order.shipping else None
    kind = payment_types.get(method) if method is not None else None
    # A catalogue copy made before the live payment types were known may still say "online".
    return kind if kind in PAYMENT_KINDS and kind is not None else "fastTransfer"


def contractor_of(buyer: Buyer) -> ContractorData:
    """The contractor an order's buyer becomes: the company if one is named, else the person."""
    person = " ".join(part for part in (buyer.first_name.strip(), buyer.last_name.strip()) if part)
    name = (buyer.company_name or "").strip() or person or buyer.email.strip()
    nip = "".join(ch for ch in buyer.nip or "" if ch.isdigit()) or None
    return ContractorData(
        name=name,
        email=buyer.email.strip().lower() or None,
        nip=nip,
        phone=buyer.phone,
        address=buyer.address,
    )


def product_id_for(item_offer_id: int, external_id: str | None, links: Mapping[int, int]) -> int | None:
    """The ERP product of an order item: by the recorded offer link, else by `externalId`."""
    if item_offer_id in links:
        return links[item_offer_id]
    if external_id is not None and external_id.strip().isdigit():
        return int(external_id.strip())
    return None


def order_to_draft(order: Order, links: Mapping[int, int], mapping: OrderMapping) -> DocumentDraft:
    """The RO draft for `order`; InvalidItem (field named) if an item cannot be mapped or is wrong."""
    if not order.items:
        raise InvalidItem(
            f"order {order.id} has no items",
            field="items",
            phrase=Phrase("err.item.order_no_items", {"order": order.id}),
        )
    if not order.buyer.email.strip():
        raise InvalidItem(
            f"order {order.id} has no buyer e-mail",
            field="buyer.email",
            phrase=Phrase("err.item.order_no_email", {"order": order.id}),
        )
    lines: list[DocumentLine] = []
    for index, item in enumerate(order.items):
        product_id = product_id_for(item.offer_id, item.external_id, links)
        if product_id is None:
            raise InvalidItem(
                f"order {order.id}: item {index + 1} (offer {item.offer_id}, {item.title!r}) is not an offer "
                "this agent created",
                field=f"items[{index}].offerId",
                hint="link the offer to an ERP product, or enter the order by hand",
                phrase=Phrase(
                    "err.item.order_unknown_offer",
                    {"order": order.id, "line": index + 1, "offer": item.offer_id, "title": item.title},
                ),
                hint_phrase=Phrase("errhint.item.order_unknown_offer"),
            )
        if item.quantity < 1:
            raise InvalidItem(
                f"order {order.id}: item {index + 1} has quantity {item.quantity}",
                field="quantity",
                phrase=Phrase(
                    "err.item.order_quantity", {"order": order.id, "line": index + 1, "quantity": item.quantity}
                ),
            )
        if item.unit_price < 0:
            raise InvalidItem(
                f"order {order.id}: item {index + 1} has a negative price",
                field="price",
                phrase=Phrase("err.item.order_negative_price", {"order": order.id, "line": index + 1}),
            )
        lines.append(DocumentLine(product_id=product_id, quantity=item.quantity, unit_gross_price=item.unit_price))
    kind = payment_type_of(order, mapping.payment_types)
    shipping = order.shipping.cost if order.shipping is not None else None
    return DocumentDraft(
        marketplace=MARKETPLACE,
        order_id=str(order.id),
        series=mapping.series,
        issued=order.created,
        contractor=contractor_of(order.buyer),
        payment_form=mapping.payment_forms.get(kind, kind),
        lines=tuple(lines),
        shipping_cost=shipping if shipping is not None and shipping > Decimal(0) else None,
        shipping_product=mapping.shipping_product,
        note=order.message,
    )
