"""The client against the in-memory fake: parsing, paging, bulk splitting, offers never doubled."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from agent.errors import InvalidItem, MalformedAnswer
from agent.marketplace.calls import AnswerLost
from agent.marketplace.models import OfferDraft
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace, Fault


def draft(external_id: str = "P-1", price: str = "19.99") -> OfferDraft:
    return OfferDraft(
        external_id=external_id,
        title="Sekator ogrodowy",
        price=Decimal(price),
        category_id=12,
        vat_rate="23%",
        stock_quantity=5,
    )


async def test_categories_come_from_every_page(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    categories = await client.categories()
    assert len(categories) == 2_500
    assert fake.count("GET", "/categories") == 3
    assert {c.id for c in categories} == set(range(1, 2_501))


async def test_money_travels_as_exact_decimal(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    offer = await client.create_offer(draft(price="1234567.89"))
    sent = next(iter(fake.offers.values()))
    assert offer.price == Decimal("1234567.89")
    assert isinstance(offer.price, Decimal)
    assert str(sent["price"]) == "1234567.89"


async def test_lost_answer_after_create_is_found_not_doubled(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    fake.fail("POST /me/offers", Fault("lost"))
    offer = await client.create_offer(draft())
    assert len(fake.offers) == 1
    assert offer.id in fake.offers
    assert fake.count("POST", "/me/offers") == 1
    assert fake.count("GET", "/me/offers") == 1  # the look-up by externalId


@pytest.mark.parametrize("fault", [Fault("reset"), Fault("cut"), Fault("status", status=502)])
async def test_create_not_applied_is_created_once(
    make_client: ClientFactory, fake: FakeMarketplace, fault: Fault
) -> None:
    client = make_client()
    fake.fail("POST /me/offers", fault)
    offer = await client.create_offer(draft())
    assert list(fake.offers) == [offer.id]
    assert fake.count("POST", "/me/offers") == 2


async def test_create_lost_again_and_again_gives_up_without_duplicates(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    client = make_client()
    fake.fail("POST /me/offers", Fault("reset"), Fault("reset"), Fault("reset"))
    with pytest.raises(AnswerLost):
        await client.create_offer(draft())
    assert fake.offers == {}


async def test_create_of_existing_external_id_returns_it(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    first = await client.create_offer(draft())
    second = await client.create_offer(draft())
    assert first.id == second.id
    assert len(fake.offers) == 1


@pytest.mark.parametrize("fault", [Fault("reset"), Fault("cut"), Fault("status", status=503), Fault("connect")])
async def test_idempotent_reads_survive_a_fault(
    make_client: ClientFactory, fake: FakeMarketplace, fault: Fault
) -> None:
    client = make_client()
    fake.fail("GET /categories", fault, fault)
    categories = await client.categories()
    assert len(categories) == fake.categories


async def test_a_5xx_burst_longer_than_the_retries_is_retry_later(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    from agent.errors import MarketplaceUnavailable

    client = make_client()
    fake.fail("GET /me/integrations", *[Fault("status", status=500)] * 4)
    with pytest.raises(MarketplaceUnavailable):
        await client.check_connection()
    assert fake.count("GET", "/me/integrations") == 4
    # The burst is over: the next call works.
    session = await client.check_connection()
    assert session.user_name == fake.account


async def test_malformed_json_is_a_typed_error_with_the_payload(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    client = make_client()
    fake.fail("GET /me/offers", Fault("malformed"))
    with pytest.raises(MalformedAnswer) as caught:
        await client.offers()
    assert caught.value.payload.startswith('{"offers": [')


async def test_wrong_shape_is_malformed_not_a_crash(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    await client.create_offer(draft())
    offer = next(iter(fake.offers.values()))
    offer["price"] = "free"
    with pytest.raises(MalformedAnswer) as caught:
        await client.get_offer(offer["id"])
    assert "price" in str(caught.value)
    assert '"free"' in caught.value.payload


async def test_a_dripping_answer_is_cut_off_and_retried(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    from agent.marketplace.calls import CallSettings
    from agent.marketplace.retry import RetryPolicy

    settings = CallSettings(attempt_timeout=0.3, call_deadline=5.0, retry=RetryPolicy(3, 0.01, 0.02))
    client = make_client(settings=settings)
    fake.fail("GET /me/integrations", Fault("drip"))
    session = await client.check_connection()
    assert session.user_name == fake.account
    assert fake.count("GET", "/me/integrations") == 2


async def test_a_server_that_only_drips_hits_the_call_deadline(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    from agent.errors import MarketplaceUnavailable
    from agent.marketplace.calls import CallSettings
    from agent.marketplace.retry import RetryPolicy

    settings = CallSettings(attempt_timeout=0.2, call_deadline=0.5, retry=RetryPolicy(50, 0.01, 0.02))
    client = make_client(settings=settings)
    fake.fail("GET /me/integrations", *[Fault("drip")] * 50)
    with pytest.raises(MarketplaceUnavailable):
        await client.check_connection()
    assert fake.count("GET", "/me/integrations") < 50


async def test_bulk_changes_are_split_by_1000_and_report_failures(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    client = make_client()
    offer = await client.create_offer(draft())
    ids = [offer.id, *range(5001, 7500)]
    failures = await client.change_prices(ids, Decimal("49.90"))
    assert [len(c["id"]) for c in fake.bulk_calls] == [1000, 1000, 500]
    assert {f.offer_id for f in failures} == set(range(5001, 7500))
    assert {f.code for f in failures} == {"resourceNotFound"}
    assert fake.bulk_calls[0]["price"] == {"value": 49.9, "change": "exactValue"}
    assert all(c["price"]["change"] == "exactValue" for c in fake.bulk_calls)


async def test_bulk_price_is_sent_exactly(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    seen: list[bytes] = []
    original = fake.handle

    async def spy(request):  # type: ignore[no-untyped-def]
        if request.url.path.endswith("/me/update-offers"):
            seen.append(request.content)
        return await original(request)

    fake.handle = spy  # type: ignore[method-assign]
    client = make_client()
    await client.change_quantities([1, 2], 7)
    await client.change_prices([1], Decimal("0.10"))
    assert json.loads(seen[0]) == {"id": [1, 2], "quantity": {"value": 7, "change": "exactValue"}}
    assert b'"value":0.10' in seen[1]


async def test_statuses_are_set_in_batches_of_100(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    await client.set_sales_status(list(range(1, 251)), "inProcess")
    assert [len(c["id"]) for c in fake.status_calls] == [100, 100, 50]
    assert {c["status"] for c in fake.status_calls} == {"inProcess"}


async def test_end_and_get_missing_offer(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    assert await client.get_offer(424242) is None
    with pytest.raises(InvalidItem):
        await client.end_offer(424242)
    created = await client.create_offer(draft())
    ended = await client.end_offer(created.id)
    assert ended.status == "ended"
    assert fake.offers[created.id]["status"] == "ended"
