"""The client on live-shaped answers: an odd element is left aside (logged, the rest returned), the full
offer model is asked for, an unreadable offer is never "not found", booleans go out lowercase."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from loguru import logger

from agent.errors import MalformedAnswer
from agent.marketplace.queries import query_params
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace
from tests.marketplace.test_live_answers import LIVE


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    seen: list[str] = []
    handler = logger.add(lambda m: seen.append(str(m)), level="WARNING", format="{message}")
    yield seen
    logger.remove(handler)


async def test_a_payment_method_of_an_unknown_type_is_left_aside_with_its_reason(
    make_client: ClientFactory, fake: FakeMarketplace, warnings: list[str]
) -> None:
    odd = {**LIVE["payment methods"][0], "id": 8, "type": "cryptoWallet"}
    fake.canned["GET /payment/paymentMethods"] = [LIVE["payment methods"][0], odd]
    methods = await make_client().payment_methods()
    assert [(m.id, m.type) for m in methods] == [("7", "blik")]
    assert any("payment method 8" in w and "cryptoWallet" in w for w in warnings)


async def test_terms_read_live_guarantees_and_shipping_methods(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    fake.canned.update({
        "GET /shipping/methods": LIVE["shipping methods"], "GET /me/shipping/tariffs": LIVE["tariffs"],
        "GET /me/returnPolicies": LIVE["policies"], "GET /me/complaintPolicies": LIVE["policies"],
        "GET /me/guarantees": LIVE["guarantees"], "GET /payment/paymentMethods": LIVE["payment methods"],
    })
    terms = await make_client().terms()
    assert [g.id for g in terms.guarantees] == ["g-12"] and terms.shipping_methods[0].id == "b2c1"


async def test_offers_are_asked_for_in_the_full_model(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    fake.canned["GET /me/offers"] = LIVE["offers"]
    found = await make_client().find_offer("K-1")
    assert found is not None and found.status == "underVerification"
    accept = [h.get("accept", "") for key, h in fake.headers_seen if key == "GET /me/offers"]
    assert accept and all("application/vnd.pl.wszystko.v1.full+json" in a for a in accept)


async def test_an_unreadable_offer_is_never_reported_missing(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    # "Not found" would make the offers job create a second offer with the same externalId.
    unreadable = copy.deepcopy(LIVE["offers"])
    unreadable["offers"][0]["vatRate"] = "7%"
    fake.canned["GET /me/offers"] = unreadable
    with pytest.raises(MalformedAnswer, match="cannot be read"):
        await make_client().find_offer("K-1")
    assert await make_client().find_offer("K-2") is None  # another offer's oddity does not matter


async def test_one_stored_file_object_is_read_as_the_upload(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    fake.canned["POST /me/files"] = LIVE["files"]
    stored = await make_client().upload_image(b"\x89PNG", "image/png")
    assert stored.url == "https://wszystko.pl/files/a.png"


def test_booleans_in_a_query_go_out_lowercase() -> None:
    assert query_params({"includeParameters": True, "x": False, "page": 2}) == {
        "includeParameters": "true", "x": "false", "page": 2}
    assert query_params({}) is None


async def test_the_category_query_sends_lowercase_booleans(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    await make_client().categories(with_parameters=False)
    queries = [q for key, q in fake.queries_seen if key == "GET /categories"]
    assert queries and all("includeParameters=false" in q for q in queries)
