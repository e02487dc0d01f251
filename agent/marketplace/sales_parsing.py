"""Answers of `/me/sales` -> orders and their statuses. Pure: no I/O.

Built on the typed readers of `parsing`; wrap with `parsing.parse` so a bad body becomes MalformedAnswer.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from agent.domain import Address, Buyer, Order, OrderItem, OrderStatus, PaymentStatus, Shipping, VatRate
from agent.marketplace.models import RejectedOrder, SaleStatus
from agent.marketplace.parsing import (
    PAYLOAD_KEEP,
    Shape,
    as_list,
    as_object,
    opt_enum,
    opt_int,
    opt_money,
    opt_str,
    req_bool,
    req_enum,
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


def order(data: Any) -> Order:
    obj = as_object(data, "order")
    buyer = as_object(obj.get("buyer"), "buyer")
    items = []
    for raw in as_list(obj.get("items"), "items"):
        item = as_object(raw, "item")
        vat: VatRate | None = opt_enum(item, "vatRate", VatRate)
        items.append(
            OrderItem(
                offer_id=req_int(item, "offerId"),
                title=req_str(item, "title"),
                quantity=req_int(item, "quantity"),
                unit_price=req_money(item, "price"),
                vat_rate=vat,
                ean=opt_str(item, "ean"),
                external_id=opt_str(item, "externalId"),
            )
        )
    if not items:
        raise Shape("an order without items")
    shipping = None
    if obj.get("shipping") is not None:
        ship = as_object(obj["shipping"], "shipping")
        shipping = Shipping(
            method_id=opt_int(ship, "shippingMethodId"),
            cost=opt_money(ship, "cost") or Decimal(0),
            payment_method_id=None if ship.get("paymentMethodId") is None else str(ship["paymentMethodId"]),
        )
    status: OrderStatus = req_enum(obj, "status", OrderStatus)
    payment: PaymentStatus = req_enum(obj, "paymentStatus", PaymentStatus)
    return Order(
        id=req_int(obj, "id"),
        created=req_time(obj, "creationDate"),
        status=status,
        payment_status=payment,
        total=req_money(obj, "totalCost"),
        buyer=Buyer(
            email=req_str(buyer, "email"),
            first_name=opt_str(buyer, "firstName") or "",
            last_name=opt_str(buyer, "lastName") or "",
            company_name=opt_str(buyer, "companyName"),
            nip=opt_str(buyer, "nip"),
            phone=opt_str(buyer, "phoneNumber"),
            address=_address(buyer.get("address")),
        ),
        items=tuple(items),
        shipping=shipping,
        message=opt_str(obj, "message"),
        vat_invoice=req_bool(obj, "vatInvoice", False),
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
        except (Shape, KeyError, TypeError, ValueError, ArithmeticError) as exc:
            detail = str(exc) if isinstance(exc, Shape) else f"{exc.__class__.__name__}: {exc}"
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            order_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None
            payload = json.dumps(raw, default=str, ensure_ascii=False)[:PAYLOAD_KEEP]
            bad.append(RejectedOrder(order_id=order_id, reason=f"malformed order ({detail})", payload=payload))
    return tuple(good), tuple(bad), req_int(obj, "totalElements")


def sale_statuses(data: Any) -> tuple[SaleStatus, ...]:
    out = []
    for item in as_list(data):
        obj = as_object(item, "status")
        status: OrderStatus = req_enum(obj, "status", OrderStatus)
        payment: PaymentStatus = req_enum(obj, "paymentStatus", PaymentStatus)
        out.append(SaleStatus(order_id=req_int(obj, "id"), status=status, payment_status=payment))
    return tuple(out)
