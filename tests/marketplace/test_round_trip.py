"""Every port method once against the simulator: terms, catalogue, image, offer, bulk changes, orders."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PIL import Image

from agent.errors import InvalidItem
from agent.marketplace.accounts import AccountPlaces
from agent.marketplace.models import OfferDraft, ParameterValueIn
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.marketplace.simhelp import Relay, client_for, control, link


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1, seed=2)) as running:
        yield running


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (10, 120, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_every_port_method_round_trips(sim: RunningSimulator, places: AccountPlaces) -> None:
    _, account = await link(sim, places, "Ogrodnik")
    async with client_for(sim, places, "Ogrodnik") as client:
        terms = await client.terms()
        assert terms.shipping_methods and terms.payment_methods and terms.guarantees is not None
        assert all(isinstance(m.advance_payment.shipping_cost, Decimal)
                   for t in terms.shipping_tariffs for m in t.methods if m.advance_payment)
        categories = await client.categories()
        assert len({c.id for c in categories}) == len(categories) > 100  # more than one page of 100
        leaf = next(c for c in categories if not c.has_subcategories and any(f.required for f in c.fields))
        assert await client.category_parameters(leaf.id) == leaf.fields

        params: list[tuple[int, ParameterValueIn]] = []
        for field in leaf.fields:
            if field.required:
                params.append((field.id, field.values[0].id if field.values else "tak"))
        image = await client.upload_image(_png(), "image/png", "konewka.png")
        draft = OfferDraft(
            external_id="towar-1",
            title="Konewka 10 l",
            price=Decimal("24.99"),
            category_id=leaf.id,
            vat_rate="23%",
            stock_quantity=10,
            gallery=(image.url,),
            parameters=tuple(params),
            description="Solidna konewka",
            shipping_tariff_id=terms.shipping_tariffs[0].id,
            return_policy_id=terms.return_policies[0].id,
            complaint_policy_id=terms.complaint_policies[0].id,
            lead_time="Dzień",
        )
        offer = await client.create_offer(draft)
        assert offer.status == "active" and offer.gallery == (image.url,)
        with pytest.raises(InvalidItem) as refused:
            await client.create_offer(OfferDraft("towar-2", "Zła", Decimal("1.00"), leaf.id, "23%", 1))
        assert refused.value.field  # the field at fault is named

        failures = await client.change_prices([offer.id, 999], Decimal("21.50"))
        assert [(f.offer_id, f.code) for f in failures] == [(999, "resourceNotFound")]
        assert await client.change_quantities([offer.id], 40) == ()
        fetched = await client.get_offer(offer.id)
        assert fetched is not None and fetched.price == Decimal("21.50") and fetched.stock_quantity == 40
        assert [o.id for o in await client.offers("active")] == [offer.id]
        assert await client.find_offer("towar-1") == fetched
        replaced = await client.replace_offer(offer.id, draft)
        assert replaced.title == draft.title

        placed = await control(sim, "POST", "/orders", params={"account": account, "count": 3})
        orders = await client.sales("new")
        assert sorted(o.id for o in orders) == sorted(placed["ids"])
        first = orders[0]
        assert first.items[0].external_id == "towar-1"
        assert isinstance(first.total, Decimal)
        await client.set_sales_status([o.id for o in orders], "inProcess")
        statuses = await client.sale_statuses([o.id for o in orders])
        assert {s.status for s in statuses} == {"inProcess"}
        again = await client.sale(first.id)
        assert again is not None and again.status == "inProcess"
        assert await client.sale(1) is None

        ended = await client.end_offer(offer.id)
        assert ended.status == "ended"


async def test_no_ids_no_bulk_change_on_a_live_like_marketplace(sim: RunningSimulator, places: AccountPlaces) -> None:
    """The simulator applies an empty id list to every offer, as live: the client must never send one."""
    relay = Relay()
    _, account = await link(sim, places, "Ogrodnik")
    async with client_for(sim, places, "Ogrodnik", transport=relay) as client:
        image = await client.upload_image(_png(), "image/png", "a.png")
        leaf = next(c for c in await client.categories() if not c.has_subcategories)
        params = tuple((f.id, f.values[0].id if f.values else "tak") for f in leaf.fields if f.required)
        draft = OfferDraft("towar-1", "Konewka 10 l", Decimal("24.99"), leaf.id, "23%", 3, gallery=(image.url,),
                           parameters=params)
        offer = await client.create_offer(draft)
        assert await client.change_prices([], Decimal("0.01")) == ()
        assert await client.change_quantities([], 0) == ()
        assert relay.statuses("/me/update-offers") == []
        kept = await client.get_offer(offer.id)
        assert kept is not None and (kept.price, kept.stock_quantity) == (Decimal("24.99"), 3)
    assert account


async def test_live_routes_round_trip(sim: RunningSimulator, places: AccountPlaces) -> None:
    """Delete an offer, one tariff and policy of each kind, an order's tracking numbers, live terms."""
    from agent.catalogue import leaf_categories
    from agent.marketplace.models import Waybill

    _, account = await link(sim, places, "Ogrodnik")
    async with client_for(sim, places, "Ogrodnik") as client:
        terms = await client.terms()
        assert {m.type for m in terms.payment_methods} <= {"fastTransfer", "traditionalTransfer", "card", "blik",
                                                            "prePayment", "installment"}
        assert all(isinstance(m.id, str) for m in terms.shipping_methods)
        assert "gwarancja-sprzedawcy-12" in {g.id for g in terms.guarantees}  # served without a top-level id
        tariff = terms.shipping_tariffs[0]
        assert await client.shipping_tariff(tariff.id) == tariff
        assert await client.policy("guarantee", "gwarancja-sprzedawcy-12") in terms.guarantees
        assert await client.policy("return", terms.return_policies[0].id) == terms.return_policies[0]
        assert await client.policy("complaint", "no-such") is None

        leaf = next(c for c in leaf_categories() if c.fields)
        params = tuple((f.id, f.values[0].id if f.values else "tak") for f in leaf.fields if f.required)
        image = await client.upload_image(_png(), "image/png", "a.png")
        draft = OfferDraft("towar-9", "Konewka 10 l", Decimal("24.99"), leaf.id, "23%", 50, gallery=(image.url,),
                           parameters=params, shipping_tariff_id="cennik-standard")
        offer = await client.create_offer(draft)
        assert offer.snapshot_id and (await client.find_offer("towar-9")) is not None

        placed = await control(sim, "POST", "/orders", params={"account": account, "count": 1})
        order_id = placed["ids"][0]
        order = await client.sale(order_id)
        assert order is not None and order.shipping is not None and isinstance(order.shipping.method_id, str)
        assert order.items[0].snapshot_id and order.tracking_numbers == ()
        parcel = Waybill("INP-1", order.shipping.method_id, "https://inpost.pl/sledzenie?n=INP-1")
        await client.set_tracking_numbers(order_id, [parcel])
        assert await client.tracking_numbers(order_id) == (parcel,)
        again = await client.sale(order_id)
        assert again is not None and again.tracking_numbers == ("INP-1",)

        assert await client.delete_offer(offer.id) is True
        assert await client.get_offer(offer.id) is None
        assert await client.delete_offer(offer.id) is False
