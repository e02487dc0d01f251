"""The ERP port's contract, part 3: the catalogue copy, the sync lease, and fenced writes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agent.domain import (
    Category,
    CategoryParameter,
    ContractorData,
    DocumentDraft,
    DocumentLine,
    ParameterValue,
    PaymentMethod,
    Policy,
    ShippingMethod,
    ShippingTariff,
    TariffCost,
    TariffMethod,
    Terms,
)
from agent.erp.port import KindDiff, LeaseHolder
from agent.errors import InvalidItem, LeaseLost
from tests.erp.conftest import EMBEDDED_ONLY, Harness

STAN = CategoryParameter(1, "Stan", "dictionary", True, values=(ParameterValue(9_000_001, "Nowy"),), dictionary_id=1,
                         precision=0)
EAN = CategoryParameter(2, "EAN", "string", False)
CATEGORIES = (
    Category(10, "Dom i ogród", 0, True),
    Category(11, "Narzędzia ogrodowe", 10, True),
    Category(100, "Sekatory", 11, False, fields=(EAN, STAN)),
    Category(101, "Konewki", 11, False, fields=(EAN, STAN, CategoryParameter(20, "Pojemność", "float", False,
                                                                              unit="l", min=Decimal("0.5")))),
)  # fmt: skip
TERMS = Terms(
    shipping_methods=(
        ShippingMethod("1", "Kurier DPD", "courier", 1, 2),
        ShippingMethod("2", "Paczkomat", "pickupPoint"),
    ),
    shipping_tariffs=(
        ShippingTariff("t1", "Standard", (TariffMethod("1", advance_payment=TariffCost(Decimal("14.99"), 5)),)),
    ),
    return_policies=(Policy("r1", "Zwrot 14 dni"),),
    complaint_policies=(Policy("c1", "Reklamacja"),),
    guarantees=(Policy("g1", "Gwarancja producenta", "24 miesiące"),),
    payment_methods=(
        PaymentMethod("p1", "Przelewy24", "fastTransfer"),
        PaymentMethod("p2", "Przelew tradycyjny", "traditionalTransfer"),
    ),
)
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def _holder(host: str = "biuro-1", pid: int = 4242) -> LeaseHolder:
    return LeaseHolder(host=host, pid=pid, kind="manual", operator="ADMIN", started_at=NOW, heartbeat_at=NOW)


async def test_first_replacement_adds_everything_and_reads_back_equal(harness: Harness) -> None:
    diff = await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=None)
    assert diff.of("categories") == KindDiff(added=4)
    assert diff.of("parameters") == KindDiff(added=5)
    assert diff.of("shipping_methods") == KindDiff(added=2)
    assert diff.of("payment_methods") == KindDiff(added=2)
    assert diff.of("guarantees") == KindDiff(added=1)
    categories, terms = await harness.erp.catalogue()
    assert categories == CATEGORIES
    assert terms == TERMS


async def test_a_run_reads_only_the_categories_it_asks_for_and_the_terms(harness: Harness) -> None:
    assert not await harness.erp.has_catalogue()
    assert await harness.erp.categories([100]) == ()
    assert await harness.erp.terms() == Terms((), (), (), (), (), ())
    await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=None)
    assert await harness.erp.has_catalogue()
    # Each with its parameters in their order, by id; an id the copy does not hold is left out.
    assert await harness.erp.categories([101, 999, 100, 100]) == (CATEGORIES[2], CATEGORIES[3])
    assert await harness.erp.categories([]) == ()
    assert await harness.erp.terms() == TERMS


async def test_categories_by_id_read_any_number_of_ids(harness: Harness) -> None:
    # More ids than one query binds: the read goes in parts and still finds every one.
    many = tuple(Category(1_000 + i, f"Kategoria {i}", 0, False, fields=(EAN,) if i % 2 else ()) for i in range(1_234))
    await harness.erp.replace_catalogue(many, TERMS, fence=None)
    assert await harness.erp.categories([c.id for c in reversed(many)]) == many
    assert await harness.erp.categories(range(1_000, 3_000, 2)) == many[::2]


async def test_the_same_catalogue_again_changes_nothing(harness: Harness) -> None:
    await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=None)
    assert (await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=None)).unchanged


async def test_the_diff_counts_added_changed_and_removed_per_kind(harness: Harness) -> None:
    await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=None)
    categories = (
        *CATEGORIES[:2],
        dataclasses.replace(CATEGORIES[2], name="Sekatory i nożyce", fields=(EAN,)),
        Category(102, "Grabie", 11, False, fields=(STAN,)),
    )
    terms = dataclasses.replace(
        TERMS,
        shipping_methods=(TERMS.shipping_methods[0], ShippingMethod("3", "InPost Kurier", "courier")),
        guarantees=(Policy("g1", "Gwarancja producenta", "36 miesięcy"),),
    )
    diff = await harness.erp.replace_catalogue(categories, terms, fence=None)
    assert diff.of("categories") == KindDiff(added=1, changed=1, removed=1)
    assert diff.of("parameters") == KindDiff(added=1, removed=4)
    assert diff.of("shipping_methods") == KindDiff(added=1, removed=1)
    assert diff.of("guarantees") == KindDiff(changed=1)
    assert diff.of("payment_methods") == KindDiff()
    assert (await harness.erp.catalogue())[0] == categories


async def test_duplicate_ids_are_refused_and_the_old_copy_stays(harness: Harness) -> None:
    await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=None)
    with pytest.raises(InvalidItem):
        await harness.erp.replace_catalogue((*CATEGORIES, CATEGORIES[0]), TERMS, fence=None)
    assert await harness.erp.catalogue() == (CATEGORIES, TERMS)


async def test_the_lease_is_free_at_first(harness: Harness) -> None:
    lease = await harness.erp.read_lease()
    assert lease.holder is None and lease.fencing_token == 0


async def test_taking_the_lease_records_the_holder_and_raises_the_token(harness: Harness) -> None:
    token = await harness.erp.take_lease(_holder(), expected_token=0)
    assert token == 1
    lease = await harness.erp.read_lease()
    assert lease.holder == _holder() and lease.fencing_token == 1
    later = NOW + timedelta(seconds=30)
    await harness.erp.heartbeat_lease(token, later)
    holder = (await harness.erp.read_lease()).holder
    assert holder is not None and holder.heartbeat_at == later


async def test_taking_with_a_stale_token_fails(harness: Harness) -> None:
    await harness.erp.take_lease(_holder(), expected_token=0)
    with pytest.raises(LeaseLost):
        await harness.erp.take_lease(_holder("biuro-2"), expected_token=0)
    holder = (await harness.erp.read_lease()).holder
    assert holder is not None and holder.host == "biuro-1"


async def test_a_takeover_locks_the_old_holder_out(harness: Harness) -> None:
    old = await harness.erp.take_lease(_holder(), expected_token=0)
    new = await harness.erp.take_lease(_holder("biuro-2"), expected_token=old)
    assert new == old + 1
    with pytest.raises(LeaseLost):
        await harness.erp.heartbeat_lease(old, NOW)
    assert await harness.erp.release_lease(old) is False
    assert (await harness.erp.read_lease()).holder == _holder("biuro-2")
    assert await harness.erp.release_lease(new) is True
    lease = await harness.erp.read_lease()
    assert lease.holder is None and lease.fencing_token == new
    with pytest.raises(LeaseLost):
        await harness.erp.heartbeat_lease(new, NOW)  # released: nobody to keep alive


@EMBEDDED_ONLY
async def test_fenced_writes_pass_with_the_current_token(harness: Harness) -> None:
    shop = await harness.build_shop()
    token = await harness.erp.take_lease(_holder(), expected_token=0)
    await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=token)
    draft = DocumentDraft(
        marketplace="wszystko.pl",
        order_id="1",
        series="RO",
        issued=NOW,
        contractor=ContractorData(name="X", email="x@example.pl"),
        payment_form="przelew",
        lines=(DocumentLine(shop.sekator, 1, Decimal("99.99")),),
    )
    assert (await harness.erp.create_document(draft, match_contractors=True, create_contractors=True, fence=token))[1]
    assert await harness.erp.cancel_document("wszystko.pl", "1", fence=token) == "cancelled"


@EMBEDDED_ONLY
async def test_a_stale_fence_writes_nothing(harness: Harness) -> None:
    shop = await harness.build_shop()
    old = await harness.erp.take_lease(_holder(), expected_token=0)
    await harness.erp.replace_catalogue(CATEGORIES, TERMS, fence=old)
    draft = DocumentDraft(
        marketplace="wszystko.pl",
        order_id="1",
        series="RO",
        issued=NOW,
        contractor=ContractorData(name="X", email="x@example.pl"),
        payment_form="przelew",
        lines=(DocumentLine(shop.sekator, 1, Decimal("99.99")),),
    )
    await harness.erp.create_document(draft, match_contractors=True, create_contractors=True, fence=old)
    await harness.erp.take_lease(_holder("biuro-2"), expected_token=old)
    before = (harness.count("documents"), harness.count("contractors"), harness.reserved(shop.sekator, "MAGAZYN"))
    with pytest.raises(LeaseLost):
        await harness.erp.create_document(
            dataclasses.replace(draft, order_id="2"), match_contractors=True, create_contractors=True, fence=old
        )
    with pytest.raises(LeaseLost):
        await harness.erp.cancel_document("wszystko.pl", "1", fence=old)
    with pytest.raises(LeaseLost):
        await harness.erp.replace_catalogue(CATEGORIES[:1], TERMS, fence=old)
    after = (harness.count("documents"), harness.count("contractors"), harness.reserved(shop.sekator, "MAGAZYN"))
    assert after == before
    assert await harness.erp.catalogue() == (CATEGORIES, TERMS)
    doc = await harness.erp.document_for_order("wszystko.pl", "1")
    assert doc is not None and harness.document(doc)["status"] == "reserved"
