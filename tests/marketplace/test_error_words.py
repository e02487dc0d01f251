"""The marketplace client's errors worded in the operator's language, the marketplace's own words quoted."""

from __future__ import annotations

import pytest

from agent.errors import InvalidItem, MarketplaceUnavailable
from agent.texts.hints import error_text, message_for
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace, Fault
from tests.texts.denylist import POLISH_LETTERS


async def test_a_refusal_quotes_the_marketplace_behind_a_lead_in_the_language(
    fake: FakeMarketplace, make_client: ClientFactory
) -> None:
    fake.fail("GET /shipping/methods", Fault("status", status=422))
    with pytest.raises(InvalidItem) as caught:
        await make_client().shipping_methods()
    error = caught.value
    assert message_for("pl", error) == (
        "GET /shipping/methods: wszystko.pl odrzucił żądanie (422); wszystko.pl odpowiedział: \u201efault\u201d"
    )
    assert message_for("en", error) == (
        "GET /shipping/methods: the marketplace refused it (422); wszystko.pl answered: \u201cfault\u201d"
    )
    # The English message (the machine log's) is as it was.
    assert error.message == "shipping methods: the marketplace refused it (422, fault)"


async def test_no_answer_is_worded_with_its_hint_in_the_language(
    fake: FakeMarketplace, make_client: ClientFactory
) -> None:
    fake.fail("GET /shipping/methods", *[Fault("connect")] * 4)
    with pytest.raises(MarketplaceUnavailable) as caught:
        await make_client().shipping_methods()
    polish = error_text("pl", caught.value)
    assert polish == (
        "GET /shipping/methods: wszystko.pl nie odpowiada (ConnectError) "
        "(nastąpi ponowna próba; jeśli błąd się powtarza, sprawdź sieć i stan serwisu)"
    )
    english = error_text("en", caught.value)
    assert english.startswith("GET /shipping/methods: the marketplace did not answer (ConnectError) (it will be")
    assert not any(c in POLISH_LETTERS for c in english)


def test_a_failed_link_and_its_hint_are_worded_naming_the_company() -> None:
    from agent.marketplace.device_flow import LinkFailed
    from agent.texts.hints import hint_for

    said = "the marketplace refused the link (invalid_request)"
    refused = LinkFailed(said, reason="refused", detail="invalid_request")
    assert message_for("pl", refused) == "wszystko.pl odrzucił połączenie (invalid_request)"
    assert hint_for("pl", refused, "Ogrodnik") == "uruchom ponownie `marketsync connect Ogrodnik`"
    assert hint_for("en", refused, "Ogrodnik") == "run `marketsync connect Ogrodnik` again"
