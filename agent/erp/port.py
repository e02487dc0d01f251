"""The ERP port: everything the agent asks of a company's ERP, as a Protocol whose docstrings are the contract.

Versions: the ERP keeps one monotonic change counter. Every product carries the counter value of
its last content change (`Product.content_version`: what an offer shows) and of its last stock or
price change (`StockPrice.version`). A caller remembers the high-water mark a read returned and
asks "since" it next time; a change committed after the read has a higher version, so nothing is
missed and nothing is read twice.

Writes: every write method takes `fence`, the fencing token of the caller's lease (None for a
caller outside a sync run, such as a command-line tool). The whole call is one transaction that
first compares `fence` with the stored token and raises `LeaseLost` (writing nothing) if they
differ. Every method may also raise `StorageError` (the database is damaged or unusable; the
message names the file) or `RetryLater` (the database stayed busy).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from agent.domain import Category, DocumentDraft, DocumentStatus, Product, StockPrice, Terms

CatalogueKind = Literal[
    "categories",
    "parameters",
    "shipping_methods",
    "shipping_tariffs",
    "return_policies",
    "complaint_policies",
    "guarantees",
    "payment_methods",
]
CATALOGUE_KINDS: tuple[CatalogueKind, ...] = (
    "categories",
    "parameters",
    "shipping_methods",
    "shipping_tariffs",
    "return_policies",
    "complaint_policies",
    "guarantees",
    "payment_methods",
)

CancelOutcome = Literal["cancelled", "already_cancelled", "not_found", "cancel_by_hand"]
RunKind = Literal["manual", "automatic"]


@dataclass(frozen=True, slots=True)
class ContentChanges:
    """Products whose content changed after a version, oldest change first.

    `high_water` is what to pass as `since` next time. `complete` is False when `limit` cut the
    list short: ask again from `high_water` for the rest.
    """

    products: tuple[Product, ...]
    high_water: int
    complete: bool = True


@dataclass(frozen=True, slots=True)
class StockPriceChanges:
    """Stock and price of products whose price or stock changed after a version."""

    items: tuple[StockPrice, ...]
    high_water: int
    complete: bool = True


@dataclass(frozen=True, slots=True)
class OrderDocument:
    """An RO made from a marketplace order, as the orders job checks and reconciles them."""

    id: int
    full_number: str
    order_id: str
    status: DocumentStatus
    issued: datetime
    gross_total: Decimal


@dataclass(frozen=True, slots=True)
class KindDiff:
    added: int = 0
    changed: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.added + self.changed + self.removed


@dataclass(frozen=True, slots=True)
class CatalogueDiff:
    """What a catalogue replacement changed, per kind (categories, parameters, tariffs, ...)."""

    kinds: dict[CatalogueKind, KindDiff] = field(default_factory=dict)

    def of(self, kind: CatalogueKind) -> KindDiff:
        return self.kinds.get(kind, KindDiff())

    @property
    def unchanged(self) -> bool:
        return all(d.total == 0 for d in self.kinds.values())


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    """Who holds a company's sync lease: which workstation (host + process), what run, since when."""

    host: str
    pid: int
    kind: RunKind
    operator: str
    started_at: datetime
    heartbeat_at: datetime


@dataclass(frozen=True, slots=True)
class Lease:
    """The company's lease as stored: its holder (None when free) and the current fencing token."""

    holder: LeaseHolder | None
    fencing_token: int


class ErpPort(Protocol):
    """One company's ERP, as the sync jobs use it."""

    async def close(self) -> None:
        """Release the connections. Further calls are a Bug."""

    async def change_version(self) -> int:
        """The current value of the change counter (the high-water mark of everything so far)."""

    async def content_changes(self, since: int, *, limit: int | None = None) -> ContentChanges:
        """Products (any: shared or not, active or not, with images) whose content changed after `since`.

        Content is what an offer shows: name, description, EAN, unit, VAT, active, shared flag,
        category, parameters, lead time, terms overrides, images. `since=0` returns every product.
        Service products (shipping) are never returned. Images come as metadata (position, MIME
        type, sha256, size), never their bytes: a caller reads those with `image_content`, only
        for the images it uploads, so reading a page costs the same whatever the images weigh.
        """

    async def stock_price_changes(
        self,
        since: int,
        *,
        price_type: str,
        warehouses: Sequence[str] = (),
        stock_buffer: int = 0,
        limit: int | None = None,
    ) -> StockPriceChanges:
        """Stock and gross price of products whose prices or stock changed after `since`.

        `gross_price` is the product's price in the price type named `price_type` (None if it has
        none). `available` is, over `warehouses` (codes; empty means all), the sum of on hand minus
        reserved (each warehouse counted at least 0), minus `stock_buffer`, and never below 0.
        Service products are never returned. Raises ConfigError if the price type or a warehouse
        does not exist in this ERP.
        """

    async def stock_prices(
        self, ids: Sequence[int], *, price_type: str, warehouses: Sequence[str] = (), stock_buffer: int = 0
    ) -> tuple[StockPrice, ...]:
        """Stock and gross price of these products now, by the rule of `stock_price_changes`.

        In the order given; ids that do not exist, and service products, are left out. Raises
        ConfigError if the price type or a warehouse does not exist in this ERP.
        """

    async def products(self, ids: Sequence[int]) -> tuple[Product, ...]:
        """The products with these ids, in the order given; ids that do not exist are left out.

        Images as in `content_changes`: metadata only.
        """

    async def image_content(self, sha256: str) -> bytes:
        """The bytes of the image with this sha256 (hex), as a product listed it.

        The ERP keeps every image a product ever showed, so an image listed by an earlier read can
        still be read after the product's images were replaced. InvalidItem (field "images") if
        there is no image with this sha256.
        """

    async def shared_product_ids(self) -> tuple[int, ...]:
        """Ids of every active product shared for sale, ascending (what should be on the marketplace)."""

    async def create_document(
        self,
        draft: DocumentDraft,
        *,
        match_contractors: bool,
        create_contractors: bool,
        warehouses: Sequence[str] = (),
        fence: int | None,
    ) -> tuple[int, bool]:
        """Create the RO for a marketplace order, once: returns (document id, created).

        If an RO for (`draft.marketplace`, `draft.order_id`) exists, nothing is written and its id
        comes back with `created=False`. Otherwise, in one transaction: the contractor is found
        (when `match_contractors`: by NIP, then by e-mail, case-insensitive) or created (when
        `create_contractors`), else the built-in "!NIEOKREŚLONY!" contractor is used; the document
        gets the next number of its series in its year ("RO/12/2026"); each product line reserves
        its quantity in the first of `warehouses` (codes; empty means all, by code) with enough
        available stock, else the first of them; a shipping cost becomes a line of the shipping
        service product. Raises InvalidItem (field named) for an unknown product id or shipping
        product code, a quantity below 1, or an unknown warehouse; LeaseLost on a stale fence.
        """

    async def awaiting_import(self, marketplace: str) -> tuple[str, ...]:
        """Order ids whose RO `create_document` handed over but the ERP does not hold yet.

        An ERP that writes the RO itself returns (). One fed through an import the operator runs
        (Optima's XML import) lists the orders not imported yet: the orders job leaves those `new`
        on the marketplace and asks again next run, so an order is "in process" only once its RO is
        really in the ERP.
        """

    async def cancel_document(self, marketplace: str, order_id: str, *, fence: int | None) -> CancelOutcome:
        """Cancel the RO of this order and release what it reserved; calling it again does nothing.

        Returns "cancelled", "already_cancelled", or "not_found" (no RO for that order); an ERP the
        agent may not write to (Optima) returns "cancel_by_hand" for an RO it holds open: the
        operator cancels it there, and the reconciliation lists it until then.
        """

    async def document_for_order(self, marketplace: str, order_id: str) -> int | None:
        """The id of the RO created for this order, if any."""

    async def order_documents(self, marketplace: str, since: datetime) -> tuple[OrderDocument, ...]:
        """Every RO (open or cancelled) of this marketplace issued at or after `since`, oldest first.

        `issued` is the draft's `issued` (the order's creation time); aware times compare in UTC.
        """

    async def replace_catalogue(
        self, categories: Sequence[Category], terms: Terms, *, fence: int | None
    ) -> CatalogueDiff:
        """Replace the copy of the marketplace catalogue and terms, all in one transaction.

        Returns how many categories, category parameters, shipping methods, tariffs, return and
        complaint policies, guarantees and payment methods were added, changed or removed.
        InvalidItem if two categories (or two items of one kind) share an id.
        """

    async def catalogue(self) -> tuple[tuple[Category, ...], Terms]:
        """The stored copy of the marketplace catalogue and terms (empty before the first download).

        The whole tree (about 16,000 categories live): for the catalogue's own checks and tools; a
        run reads `categories` of its products and `terms` instead."""

    async def has_catalogue(self) -> bool:
        """Whether the copy holds the category tree (False before the first download)."""

    async def categories(self, ids: Collection[int]) -> tuple[Category, ...]:
        """The stored categories with these ids, each with its parameters; ids not stored are left out."""

    async def terms(self) -> Terms:
        """The stored delivery, return, complaint, guarantee and payment terms (empty before the first download)."""

    async def read_lease(self) -> Lease:
        """The company's sync lease as stored now."""

    async def take_lease(self, holder: LeaseHolder, *, expected_token: int) -> int:
        """Make `holder` the lease holder if the token is still `expected_token`; returns the new token.

        The token grows by one, so whoever held the lease before can no longer write. LeaseLost
        if the token moved since the caller read it (someone else took it meanwhile).
        """

    async def heartbeat_lease(self, token: int, at: datetime) -> None:
        """Record that the holder of `token` is alive; LeaseLost if `token` is no longer current."""

    async def release_lease(self, token: int) -> bool:
        """Clear the holder if `token` is current (the token stays); False if it was not (no-op)."""
