"""Answers of `/me/sales` -> orders and their statuses. Pure: no I/O.

Built on the typed readers of `readers`; wrap with `parsing.parse` so a bad body becomes MalformedAnswer.
The order is read as the live service sends it: `shipping` is {shippingMethodId (a string), number,
numberOfPackages}; the shipping cost, when the answer does not give it, is what the total leaves
after the items.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from agent.domain import Address, Buyer, Order, OrderItem, OrderStatus, PaymentStatus, Shipping, VatRate
from agent.errors import Phrase
from agent.marketplace.models import RejectedOrder, SaleStatus, SkippedItem, Waybill
from agent.marketplace.readers import (
    PAYLOAD_KEEP,
    READ_ERRORS,
    Shape,
    as_list,
    as_object,
    each,
    opt_enum,
    opt_int,
    opt_money,
    opt_str,
    problem,
    reason_of,
    req_bool,
    req_enum,
    req_id,
    req_int,
    req_money,
    req_str,
    req_time,
)


def _address(value: Any) -> Address:
    if value is None:
        return Address()
    obj = as_object(value, "address")
    return Address(
        street=opt_str(obj, "street") or "",
        building_number=opt_str(obj, "buildingNumber") or "",
        flat_number=opt_str(obj, "flatNumber"),
        post_code=opt_str(obj, "postCode") or "",
        city=opt_str(obj, "city") or "",
    )


def _item(raw: Any) -> OrderItem:
    item = as_object(raw, "item")
    vat: VatRate | None = opt_enum(item, "vatRate", VatRate)
    return OrderItem(
        offer_id=req_int(item, "offerId"),
        title=req_str(item, "title"),
        quantity=req_int(item, "quantity"),
        unit_price=req_money(item, "price"),
        vat_rate=vat,
        ean=opt_str(item, "ean"),
        external_id=opt_str(item, "externalId"),
        producer_code=opt_str(item, "producerCode"),
        snapshot_id=opt_str(item, "snapshotId"),
    )


def _shipping(value: Any, total: Decimal, items: tuple[OrderItem, ...]) -> Shipping:
    ship = as_object(value, "shipping")
    cost = opt_money(ship, "cost")
    if cost is None:
        # Live sends no shipping cost: it is what the order's total leaves after its items.
        cost = max(Decimal(0), total - sum((i.unit_price * i.quantity for i in items), Decimal(0)))
    method = ship.get("shippingMethodId")
    return Shipping(
        method_id=None if method is None else req_id(ship, "shippingMethodId"),
        cost=cost,
        payment_method_id=None if ship.get("paymentMethodId") is None else req_id(ship, "paymentMethodId"),
        packages=opt_int(ship, "numberOfPackages"),
    )


def _tracking(value: Any) -> tuple[str, ...]:
    return tuple(str(n) for n in as_list(value or [], "trackingNumbers") if isinstance(n, str | int) and n != "")


def order(data: Any) -> Order:
    obj = as_object(data, "order")
    buyer = as_object(obj.get("buyer"), "buyer")
    items = tuple(_item(raw) for raw in as_list(obj.get("items"), "items"))
    if not items:
        raise Shape("shape.no_items")
    total = req_money(obj, "totalCost")
    shipping = None if obj.get("shipping") is None else _shipping(obj["shipping"], total, items)
    status: OrderStatus = req_enum(obj, "status", OrderStatus)
    payment: PaymentStatus = req_enum(obj, "paymentStatus", PaymentStatus)
    return Order(
        id=req_int(obj, "id"),
        created=req_time(obj, "creationDate"),
        status=status,
        payment_status=payment,
        total=total,
        buyer=Buyer(
            email=req_str(buyer, "email"),
            first_name=opt_str(buyer, "firstName") or "",
            last_name=opt_str(buyer, "lastName") or "",
            company_name=opt_str(buyer, "companyName"),
            nip=opt_str(buyer, "nip"),
            phone=opt_str(buyer, "phoneNumber"),
            address=_address(buyer.get("address")),
        ),
        items=items,
        shipping=shipping,
        message=opt_str(obj, "message"),
        vat_invoice=req_bool(obj, "vatInvoice", False),
        tracking_numbers=_tracking(obj.get("trackingNumbers")),
        over_18=req_bool(obj, "isOver18", False),
    )


def sales_page(data: Any) -> tuple[tuple[Order, ...], int]:
    """A page of `/me/sales`: the orders and the total count."""
    obj = as_object(data)
    return tuple(order(o) for o in as_list(obj.get("sales"), "sales")), req_int(obj, "totalElements")


def sales_page_per_order(data: Any) -> tuple[tuple[Order, ...], tuple[RejectedOrder, ...], int]:
    """A page of `/me/sales` read order by order: the good orders, the ones that could not be read
    (with the reason and their raw JSON), and the total count. Only a page whose frame is broken
    (no list of sales, no total) fails as a whole."""
    obj = as_object(data)
    good: list[Order] = []
    bad: list[RejectedOrder] = []
    for raw in as_list(obj.get("sales"), "sales"):
        try:
            good.append(order(raw))
        except (Shape, *READ_ERRORS) as exc:
            detail = problem(exc)
            said = Phrase("err.order_malformed", {"reason": reason_of(exc)})
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            order_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
            payload = json.dumps(raw, default=str, ensure_ascii=False)[:PAYLOAD_KEEP]
            reason = f"malformed order ({detail})"
            bad.append(RejectedOrder(order_id=order_id, reason=reason, payload=payload, said=said))
    return tuple(good), tuple(bad), req_int(obj, "totalElements")


def sale_status(data: Any) -> SaleStatus:
    obj = as_object(data, "status")
    status: OrderStatus = req_enum(obj, "status", OrderStatus)
    payment: PaymentStatus = req_enum(obj, "paymentStatus", PaymentStatus)
    return SaleStatus(order_id=req_int(obj, "id"), status=status, payment_status=payment)


def sale_statuses(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[SaleStatus, ...]:
    return each(as_list(data), sale_status, "order status", skipped)


def waybill(data: Any) -> Waybill:
    obj = as_object(data, "waybill")
    method = obj.get("shippingMethodId")
    return Waybill(
        tracking_number=req_str(obj, "trackingNumber"),
        shipping_method_id=None if method is None else req_id(obj, "shippingMethodId"),
        link=opt_str(obj, "linkToTrackPackage"),
    )


def waybills(data: Any, skipped: list[SkippedItem] | None = None) -> tuple[Waybill, ...]:
    """GET /me/sales/{id}/trackingNumbers: the order's parcels and their tracking numbers."""
    return each(as_list(data), waybill, "tracking number", skipped)
