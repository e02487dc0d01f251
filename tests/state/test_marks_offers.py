"""Checkpoints, high-water marks, offer links and the order quarantine round-trip through the file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agent.errors import Bug
from agent.state import OfferLink, SentValues, StateDB

from .conftest import FakeClock


async def test_checkpoints_per_company_and_job(state: StateDB, clock: FakeClock) -> None:
    assert await state.get_checkpoint("a", "orders") is None
    await state.set_checkpoint("a", "orders", {"done": [1, 2, 3], "page": "abc"}, run_id=7)
    await state.set_checkpoint("b", "orders", {"page": "zzz"}, run_id=8)
    clock.advance(5)
    await state.set_checkpoint("a", "orders", {"done": [1, 2, 3, 4], "page": "abd"}, run_id=9)

    got = await state.get_checkpoint("a", "orders")
    assert got is not None
    assert (got.value, got.run_id, got.updated) == ({"done": [1, 2, 3, 4], "page": "abd"}, 9, clock.now)
    assert await state.get_checkpoint("a", "offers") is None

    await state.clear_checkpoint("a", "orders")
    assert await state.get_checkpoint("a", "orders") is None
    other = await state.get_checkpoint("b", "orders")
    assert other is not None and other.value == {"page": "zzz"}


async def test_high_water_marks(state: StateDB) -> None:
    assert await state.get_high_water("a", "stock") is None
    await state.set_high_water("a", "stock", 1_000, run_id=1)
    await state.set_high_water("a", "stock", 1_250, run_id=2)
    await state.set_high_water("a", "prices", 900, run_id=2)
    assert await state.get_high_water("a", "stock") == 1_250
    assert await state.get_high_water("b", "stock") is None
    await state.clear_high_water("a", "stock")
    assert await state.get_high_water("a", "stock") is None
    assert await state.get_high_water("a", "prices") == 900
    await state.clear_high_water("a")
    assert await state.get_high_water("a", "prices") is None


def _link(product_id: int, **changes: object) -> OfferLink:
    values: dict[str, object] = {
        "product_id": product_id,
        "external_id": str(product_id),
        "offer_id": 9_000 + product_id,
        "content_hash": f"hash{product_id}",
        "images": {"a" * 64: f"https://img.example/{product_id}.jpg"},
        "price": Decimal("19.99"),
        "quantity": 5,
    }
    values.update(changes)
    return OfferLink(**values)  # type: ignore[arg-type]


async def test_offer_links_round_trip(state: StateDB, clock: FakeClock) -> None:
    assert await state.upsert_links("a", [_link(n) for n in range(1, 1_201)]) == 1_200
    await state.upsert_links("b", [_link(1, offer_id=5, price=Decimal("1.10"))])

    got = await state.get_links("a", [1, 2, 1_200, 5_000])
    assert sorted(got) == [1, 2, 1_200]
    first = got[1]
    assert first.offer_id == 9_001
    assert first.price == Decimal("19.99")
    assert isinstance(first.price, Decimal)
    assert dict(first.images) == {"a" * 64: "https://img.example/1.jpg"}
    assert first.updated == clock.now
    assert len(await state.all_links("a")) == 1_200
    assert (await state.all_links("b"))[1].price == Decimal("1.10")

    clock.advance(10)
    await state.upsert_links("a", [_link(1, content_hash="new", images={}, offer_id=None)])
    replaced = (await state.get_links("a", [1]))[1]
    assert (replaced.content_hash, dict(replaced.images), replaced.offer_id) == ("new", {}, None)
    assert replaced.updated == clock.now


async def test_links_found_by_offer_id(state: StateDB) -> None:
    await state.upsert_links("a", [_link(1), _link(2)])
    await state.upsert_links("b", [_link(1, offer_id=9_002)])
    link = await state.link_by_offer_id("a", 9_002)
    assert link is not None and link.product_id == 2
    assert await state.link_by_offer_id("a", 1) is None
    many = await state.links_by_offer_ids("a", [9_001, 9_002, 1])
    assert {offer: link.product_id for offer, link in many.items()} == {9_001: 1, 9_002: 2}


async def test_sent_prices_quantities_and_ending(state: StateDB) -> None:
    await state.upsert_links("a", [_link(1), _link(2), _link(3)])
    assert await state.set_sent_prices("a", {1: Decimal("10.00"), 2: Decimal("0.01"), 99: Decimal("1")}) == 2
    assert await state.set_sent_quantities("a", {3: 0}) == 1
    assert await state.mark_ended("a", [2]) == 1
    links = await state.all_links("a")
    assert (links[1].price, links[1].quantity, links[1].status) == (Decimal("10.00"), 5, "active")
    assert (links[2].price, links[2].status) == (Decimal("0.01"), "ended")
    assert (links[3].price, links[3].quantity) == (Decimal("19.99"), 0)
    sent = await state.sent_values("a")
    assert sent[2] == SentValues(2, "2", 9_002, "hash2", Decimal("0.01"), 5, "ended")
    assert (sent[3].price, sent[3].quantity) == (Decimal("19.99"), 0)
    assert await state.remove_links("a", [3]) == 1
    assert sorted(await state.all_links("a")) == [1, 2]


async def test_a_float_price_is_refused(state: StateDB) -> None:
    with pytest.raises(Bug):
        await state.upsert_links("a", [_link(1, price=19.99)])
    assert await state.all_links("a") == {}


async def test_order_quarantine(state: StateDB, clock: FakeClock) -> None:
    first = await state.quarantine_order("a", 456, "unknown offer 77", '{"id": 456}')
    assert (first.attempts, first.first_seen, first.last_seen) == (1, clock.now, clock.now)
    start = clock.now
    clock.advance(600)
    again = await state.quarantine_order("a", 456, "unknown offer 78", '{"id": 456, "v": 2}')
    await state.quarantine_order("b", 456, "bad NIP", "{}")
    assert (again.attempts, again.reason, again.payload) == (2, "unknown offer 78", '{"id": 456, "v": 2}')
    assert (again.first_seen, again.last_seen) == (start, clock.now)

    assert [(q.company, q.order_id) for q in await state.quarantined_orders()] == [("a", 456), ("b", 456)]
    assert await state.release_orders("a", [456, 999]) == 1
    assert await state.quarantined_orders("a") == []
    assert [q.reason for q in await state.quarantined_orders("b")] == ["bad NIP"]
