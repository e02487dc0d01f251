"""The client's item errors carry their sentence as facts: Polish in pl, today's English in en."""

from __future__ import annotations

import copy

import pytest

from agent.errors import InvalidItem, MalformedAnswer
from agent.texts.phrases import error_text
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace
from tests.marketplace.test_live_answers import LIVE
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (*COMMON_ENGLISH, "offer ", "look-up", "cannot", "image", "upload", "stored", "answer")


async def test_an_unreadable_offer_is_explained_in_polish(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    unreadable = copy.deepcopy(LIVE["offers"])
    unreadable["offers"][0]["vatRate"] = "7%"
    fake.canned["GET /me/offers"] = unreadable
    with pytest.raises(MalformedAnswer) as caught:
        await make_client().find_offer("K-1")
    polish = error_text("pl", caught.value)
    assert polish.startswith("wyszukiwanie oferty K-1: nie da się odczytać oferty"), polish
    # The parse reason is the marketplace's data, quoted; the lead around it is Polish.
    lead = polish.split("\u201e")[0]
    assert not [w for w in ENGLISH if w in lead.lower()], polish
    assert error_text("en", caught.value) == str(caught.value)


async def test_an_upload_without_a_stored_file_is_explained_in_polish(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    fake.canned["POST /me/files"] = []
    with pytest.raises(MalformedAnswer) as caught:
        await make_client().upload_image(b"\x89PNG", "image/png", "konewka.png")
    polish = error_text("pl", caught.value)
    assert "w odpowiedzi nie ma zapisanego pliku" in polish, polish
    assert not [w for w in ENGLISH if w in polish.lower()], polish
    assert error_text("en", caught.value) == str(caught.value)


async def test_ending_an_unknown_offer_is_explained_in_polish(make_client: ClientFactory) -> None:
    with pytest.raises(InvalidItem) as caught:
        await make_client().end_offer(424242)
    polish = error_text("pl", caught.value)
    assert polish.startswith("kończenie oferty 424242: nie ma takiej oferty w wszystko.pl"), polish
    assert not [w for w in ENGLISH if w in polish.lower()], polish
    assert error_text("en", caught.value) == str(caught.value)
