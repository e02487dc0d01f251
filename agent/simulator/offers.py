"""Offers, uploaded files and bulk price/quantity changes, on a Platform.

Choices where the contract is silent:
- An offer whose stock reaches 0 (by a sale or a bulk change) stays `active` and simply cannot be
  bought; it is listed and counted as active. Only the seller ends an offer (PUT with status ended).
- PUT replaces the whole content. `status: ended` ends the offer (no other rule is checked then);
  `status: active` on an ended offer lists it again after full validation; `isDraft: true` keeps or makes
  it a draft. A blocked offer cannot be changed (422).
- update-offers: ids of other accounts or unknown ids fail with resourceNotFound; a resulting price
  <= 0 or stock < 0 fails with validationFailed; an ended or blocked offer fails with resourceUpdateFailed.
  Prices are rounded half-up to the grosz. The effect counts once per call that changed any offer.
  An EMPTY id list applies the change to every offer of the account, as the live service does.
- An effect is counted only when something an offer shows actually changed.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from agent.simulator.model import Offer, StoredFile
from agent.simulator.settings import iso
from agent.simulator.state import Platform
from agent.simulator.validation import CheckedImage, Problem, validate_offer

_SEPARATE = ("price", "stockQuantity", "status", "isDraft")
_GROSZ = Decimal("0.01")


class Conflict(Exception):
    """Another offer of the account already has this externalId."""

    def __init__(self, offer_id: int) -> None:
        super().__init__(f"offer {offer_id} already has this externalId")
        self.offer_id = offer_id


def _owns(platform: Platform, account_id: int) -> Any:
    files = platform.accounts[account_id].file_paths
    return files.__contains__


def create(platform: Platform, account_id: int, body: Mapping[str, Any]) -> Offer | list[Problem]:
    """POST /me/offers: a new offer (a draft when isDraft); raises Conflict on a taken externalId."""
    found = validate_offer(body, categories=platform.category_index, owns_file=_owns(platform, account_id))
    if found:
        return found
    data = platform.accounts[account_id]
    external_id = body.get("externalId")
    if isinstance(external_id, str) and external_id in data.offers_by_external_id:
        raise Conflict(data.offers_by_external_id[external_id])
    now = platform.clock.now()
    offer = Offer(
        id=platform.next_offer_id(),
        account_id=account_id,
        status="draft" if body.get("isDraft") is True else "active",
        price=Decimal(body["price"]),
        stock=int(body["stockQuantity"]),
        content={k: v for k, v in body.items() if k not in _SEPARATE},
        created=now,
        modified=now,
    )
    platform.offers[offer.id] = offer
    data.offer_ids.append(offer.id)
    if isinstance(external_id, str):
        data.offers_by_external_id[external_id] = offer.id
    platform.effect(account_id, "POST /me/offers")
    return offer


def get(platform: Platform, account_id: int, offer_id: int) -> Offer | None:
    offer = platform.offers.get(offer_id)
    return offer if offer is not None and offer.account_id == account_id else None


def replace(platform: Platform, offer: Offer, body: Mapping[str, Any]) -> Offer | list[Problem]:
    """PUT /me/offers/{id}; raises Conflict when the new externalId belongs to another offer."""
    if offer.status == "blocked":
        return [Problem("offerBlocked", "a blocked offer cannot be changed", "status",
                        "Oferta jest zablokowana i nie można jej zmienić.")]
    wanted = body.get("status")
    if wanted == "ended":
        if offer.status != "ended":
            offer.status, offer.modified = "ended", platform.clock.now()
            platform.effect(offer.account_id, "PUT /me/offers/{id}")
        return offer
    if wanted == "blocked":
        return [Problem("invalidStatus", "a seller cannot block an offer", "status", "Nie można zablokować oferty.")]
    found = validate_offer(body, categories=platform.category_index, owns_file=_owns(platform, offer.account_id))
    if found:
        return found
    data = platform.accounts[offer.account_id]
    external_id = body.get("externalId")
    holder = data.offers_by_external_id.get(external_id) if isinstance(external_id, str) else None
    if holder is not None and holder != offer.id:
        raise Conflict(holder)
    status: Literal["active", "draft"] = "draft" if body.get("isDraft") is True or wanted == "draft" else "active"
    content = {k: v for k, v in body.items() if k not in _SEPARATE}
    price, stock = Decimal(body["price"]), int(body["stockQuantity"])
    if (content, price, stock, status) == (offer.content, offer.price, offer.stock, offer.status):
        return offer
    if offer.external_id is not None and offer.external_id != external_id:
        del data.offers_by_external_id[offer.external_id]
    if isinstance(external_id, str):
        data.offers_by_external_id[external_id] = offer.id
    offer.content, offer.price, offer.stock, offer.status = content, price, stock, status
    offer.modified = platform.clock.now()
    platform.effect(offer.account_id, "PUT /me/offers/{id}")
    return offer


def delete(platform: Platform, offer: Offer) -> None:
    """DELETE /me/offers/{id}: the offer is gone for good (its sales keep their copy of it)."""
    data = platform.accounts[offer.account_id]
    del platform.offers[offer.id]
    data.offer_ids.remove(offer.id)
    if offer.external_id is not None and data.offers_by_external_id.get(offer.external_id) == offer.id:
        del data.offers_by_external_id[offer.external_id]
    platform.effect(offer.account_id, "DELETE /me/offers/{id}")


def listing(platform: Platform, account_id: int, *, status: str | None, external_id: str | None) -> list[Offer]:
    """The account's offers in id order, filtered."""
    data = platform.accounts[account_id]
    if external_id is not None:
        found = data.offers_by_external_id.get(external_id)
        ids = [found] if found is not None else []
    else:
        ids = data.offer_ids
    offers = (platform.offers[i] for i in ids)
    return [o for o in offers if status is None or o.status == status]


def snapshot_id(offer: Offer) -> str:
    """Names one version of an offer's content (live gives each version a snapshot)."""
    return f"{offer.id}-{int(offer.modified * 1000)}"


def to_short_api(offer: Offer, root_url: str) -> dict[str, Any]:
    """The short model live GET /me/offers answers unless the full one is asked for."""
    gallery = offer.content.get("gallery") or []
    return {
        "id": offer.id,
        "title": offer.content.get("title", ""),
        "mainPhotoUrl": gallery[0] if gallery else None,
        "status": offer.status,
        "price": offer.price,
        "quantity": offer.stock,
        "soldInLastMonth": offer.sold,
        "visitsInLastMonth": 0,
        "snapshotId": snapshot_id(offer),
    }


def to_api(offer: Offer, root_url: str) -> dict[str, Any]:
    body = dict(offer.content)
    body.update(
        id=offer.id,
        price=offer.price,
        stockQuantity=offer.stock,
        status=offer.status,
        isDraft=offer.status == "draft",
        sold=offer.sold,
        creationDate=iso(offer.created),
        modificationDate=iso(offer.modified),
        offerLink=f"{root_url}/oferta/{offer.id}",
        snapshotId=snapshot_id(offer),
    )
    return body


def bulk_change(
    platform: Platform,
    account_id: int,
    ids: list[int],
    price: tuple[Decimal, str] | None,
    quantity: tuple[int, str] | None,
    *,
    refuse: frozenset[int] | set[int] = frozenset(),
) -> list[dict[str, Any]]:
    """POST /me/update-offers: apply the change to every id; the failures, per id.

    `refuse` are ids a partial fault fails with resourceUpdateFailed (nothing applied to them)."""
    failures: list[dict[str, Any]] = []
    changed = False
    now = platform.clock.now()
    for offer_id in ids:
        offer = get(platform, account_id, offer_id)
        if offer is None:
            failures.append({"id": offer_id, "code": "resourceNotFound", "message": "no such offer on this account"})
            continue
        if offer_id in refuse:
            failures.append({"id": offer_id, "code": "resourceUpdateFailed",
                             "message": "the platform could not update this offer now; try again"})
            continue
        if offer.status in ("ended", "blocked"):
            failures.append({"id": offer_id, "code": "resourceUpdateFailed", "message": f"the offer is {offer.status}"})
            continue
        new_price, new_stock = offer.price, offer.stock
        if price is not None:
            value, change = price
            if change == "exactValue":
                new_price = value
            elif change == "numericalChange":
                new_price = offer.price + value
            else:
                new_price = offer.price * (1 + value / 100)
            new_price = new_price.quantize(_GROSZ, rounding=ROUND_HALF_UP)
        if quantity is not None:
            amount, change = quantity
            new_stock = amount if change == "exactValue" else offer.stock + amount
        if new_price <= 0 or new_stock < 0:
            failures.append({"id": offer_id, "code": "validationFailed",
                             "message": "price must stay above 0 and quantity at 0 or more"})
            continue
        if (new_price, new_stock) != (offer.price, offer.stock):
            offer.price, offer.stock, offer.modified = new_price, new_stock, now
            changed = True
    if changed:
        platform.effect(account_id, "POST /me/update-offers")
    return failures


def store_file(platform: Platform, account_id: int, image: CheckedImage, content: bytes) -> StoredFile:
    """Keep an accepted image; it is served at its path and may go into this account's galleries."""
    name = f"{secrets.token_hex(10)}.{image.extension}"
    stored = StoredFile(account_id, name, f"/files/{account_id}/{name}", image.content_type, content)
    platform.files[stored.path] = stored
    platform.accounts[account_id].file_paths[stored.path] = stored
    return stored
