"""Orders ("sales"): buyers placing them, the seller listing and moving them, buyers cancelling.

Status rules (the contract only says that setting the current status again is fine):

    new        -> inProcess, shipped, completed, cancelled
    inProcess  -> shipped, completed, cancelled
    shipped    -> completed
    completed, cancelled: final

Setting the status an order already has is accepted and changes nothing. An `updateStatus` call is
all or nothing: an unknown id or a forbidden move fails the whole call with 422 naming each one.
A cancellation (by the seller or the buyer) gives the bought quantities back to the offers' stock.

Placing an order takes 1-3 active offers of one account that have stock, 1-3 pieces of each (never
more than the stock), decrements the stock and raises `sold`, as the platform does. Shipping comes
from the first item's tariff: one of its methods, at its advance-payment or cash-on-delivery cost by
the payment method chosen; the payment status follows the payment type (online: paid, or started
for a buyer still at the payment page; transfer: unpaid, or paid; cash on delivery: cashOnDelivery).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

from agent.simulator import terms
from agent.simulator.buyers import random_buyer, random_message
from agent.simulator.model import Offer, Sale, SaleItem
from agent.simulator.settings import iso
from agent.simulator.state import Platform

Status = Literal["new", "inProcess", "shipped", "completed", "cancelled"]
ALLOWED: Final[dict[str, frozenset[str]]] = {
    "new": frozenset({"inProcess", "shipped", "completed", "cancelled"}),
    "inProcess": frozenset({"shipped", "completed", "cancelled"}),
    "shipped": frozenset({"completed"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
_PAYMENTS_BY_ID: Final = {p["id"]: p for p in terms.PAYMENT_METHODS}
_PARAMETER_EAN: Final = 1


def _sellable(platform: Platform, account_id: int) -> list[Offer]:
    data = platform.accounts[account_id]
    return [o for o in (platform.offers[i] for i in data.offer_ids) if o.status == "active" and o.stock > 0]


def _ean(offer: Offer) -> str | None:
    for param in offer.content.get("parameters") or ():
        if isinstance(param, dict) and param.get("id") == _PARAMETER_EAN and isinstance(param.get("value"), str):
            return str(param["value"])
    return None


def place_order(platform: Platform, account_id: int | None = None) -> Sale | None:
    """One buyer's order on the account (or a random account with something to sell); None if nothing is."""
    rng = platform.rng
    if account_id is None:
        candidates = [a for a in platform.accounts if _sellable(platform, a)]
        if not candidates:
            return None
        account_id = rng.choice(candidates)
    offers = _sellable(platform, account_id)
    if not offers:
        return None
    chosen = rng.sample(offers, k=min(len(offers), rng.randint(1, 3)))
    items = []
    for offer in chosen:
        quantity = min(offer.stock, rng.randint(1, 3))
        offer.stock -= quantity
        offer.sold += quantity
        items.append(SaleItem(offer.id, str(offer.content.get("title", "")), quantity, offer.price,
                              offer.content.get("vatRate"), _ean(offer), offer.external_id))
    tariff_id = chosen[0].content.get("shippingTariffId") or terms.DEFAULT_TARIFF_ID
    tariff = terms.TARIFFS_BY_ID.get(tariff_id, terms.TARIFFS_BY_ID[terms.DEFAULT_TARIFF_ID])
    method = rng.choice(tariff["methods"])
    # Cash on delivery is no payment method (live has none of that type): the order's status tells it.
    options: list[dict[str, Any] | None] = [*terms.PAYMENT_METHODS, *([None] if method["cashOnDelivery"] else [])]
    payment = rng.choice(options)
    cost = method["cashOnDelivery"] if payment is None else method["advancePayment"]
    buyer = random_buyer(rng)
    payment_status: Literal["started", "paid", "unpaid", "cashOnDelivery"]
    if payment is None:
        payment_status = "cashOnDelivery"
    elif payment["type"] == "traditionalTransfer":
        payment_status = "unpaid" if rng.random() < 0.7 else "paid"
    else:
        payment_status = "paid" if rng.random() < 0.85 else "started"
    sale = Sale(
        id=platform.next_sale_id(),
        account_id=account_id,
        created=platform.clock.now(),
        status="new",
        payment_status=payment_status,
        buyer=buyer,
        items=items,
        shipping_method_id=str(method["shippingMethodId"]),
        shipping_cost=Decimal(cost["shippingCost"]) if cost else Decimal("0.00"),
        payment_method_id=None if payment is None else str(payment["id"]),
        message=random_message(rng),
        vat_invoice=buyer["nip"] is not None,
    )
    platform.sales[sale.id] = sale
    platform.accounts[account_id].sale_ids.append(sale.id)
    return sale


def _restock(platform: Platform, sale: Sale) -> None:
    for item in sale.items:
        offer = platform.offers.get(item.offer_id)
        if offer is not None:
            offer.stock += item.quantity
            offer.sold -= item.quantity


def buyer_cancel(platform: Platform, sale: Sale) -> bool:
    """The buyer cancels (POST /_sim/orders/{id}/cancel); False when the order is already shipped or final."""
    if sale.status == "cancelled":
        return True
    if sale.status not in ("new", "inProcess"):
        return False
    sale.status = "cancelled"
    _restock(platform, sale)
    return True


def get(platform: Platform, account_id: int, sale_id: int) -> Sale | None:
    sale = platform.sales.get(sale_id)
    return sale if sale is not None and sale.account_id == account_id else None


def listing(platform: Platform, account_id: int, *, status: str | None,
            created_from: datetime | None, created_to: datetime | None) -> list[Sale]:
    """The account's orders in id order (so oldest first, newest last), filtered."""
    low = created_from.timestamp() if created_from else None
    high = created_to.timestamp() if created_to else None
    out = []
    for sale_id in platform.accounts[account_id].sale_ids:
        sale = platform.sales[sale_id]
        if status is not None and sale.status != status:
            continue
        if (low is not None and sale.created < low) or (high is not None and sale.created > high):
            continue
        out.append(sale)
    return out


def update_statuses(platform: Platform, account_id: int, ids: list[int], status: Status) -> list[dict[str, Any]]:
    """PUT /me/sales/updateStatus: all or nothing; the error items, empty when it was applied."""
    problems: list[dict[str, Any]] = []
    found: list[Sale] = []
    for index, sale_id in enumerate(ids):
        sale = get(platform, account_id, sale_id)
        if sale is None:
            problems.append({"code": "resourceNotFound", "message": f"no order {sale_id} on this account",
                             "path": f"id[{index}]", "userMessage": f"Nie znaleziono zamówienia {sale_id}."})
        elif sale.status != status and status not in ALLOWED[sale.status]:
            problems.append({"code": "invalidStatusTransition",
                             "message": f"order {sale_id} cannot go from {sale.status} to {status}",
                             "path": f"id[{index}]",
                             "userMessage": f"Nie można zmienić statusu zamówienia {sale_id} na „{status}”."})
        else:
            found.append(sale)
    if problems:
        return problems
    changed = False
    for sale in found:
        if sale.status != status:
            sale.status = status
            changed = True
            if status == "cancelled":
                _restock(platform, sale)
    if changed:
        platform.effect(account_id, "PUT /me/sales/updateStatus")
    return []


def to_api(sale: Sale) -> dict[str, Any]:
    return {
        "id": sale.id,
        "creationDate": iso(sale.created),
        "status": sale.status,
        "paymentStatus": sale.payment_status,
        "totalCost": sale.total,
        "message": sale.message,
        "vatInvoice": sale.vat_invoice,
        "isOver18": False,
        "trackingNumbers": [w["trackingNumber"] for w in sale.waybills],
        "buyer": sale.buyer,
        "shipping": _shipping_to_api(sale),
        "items": [_item_to_api(i, sale.id) for i in sale.items],
    }


def _shipping_to_api(sale: Sale) -> dict[str, Any]:
    # Live: {shippingMethodId (a string), number, numberOfPackages}; cost and paymentMethodId are ours.
    out: dict[str, Any] = {"shippingMethodId": sale.shipping_method_id, "number": sale.shipping_cost,
                           "numberOfPackages": max(1, len(sale.waybills)), "cost": sale.shipping_cost}
    if sale.payment_method_id is not None:
        out["paymentMethodId"] = sale.payment_method_id
    return out


def _item_to_api(item: SaleItem, sale_id: int) -> dict[str, Any]:
    out: dict[str, Any] = {"offerId": item.offer_id, "snapshotId": f"{item.offer_id}-{sale_id}", "title": item.title,
                           "quantity": item.quantity, "price": item.price, "cost": item.price * item.quantity,
                           "ean": item.ean, "producerCode": None, "externalId": item.external_id}
    if item.vat_rate is not None:  # the contract's vatRate is not nullable
        out["vatRate"] = item.vat_rate
    return out


def set_waybills(platform: Platform, sale: Sale, waybills: list[dict[str, Any]]) -> None:
    """PUT /me/sales/{id}/trackingNumbers: the order's parcels become exactly these."""
    if waybills != sale.waybills:
        sale.waybills = waybills
        platform.effect(sale.account_id, "PUT /me/sales/{id}/trackingNumbers")
