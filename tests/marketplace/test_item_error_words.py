"""The client's item errors carry their sentence as facts: Polish in pl, today's English in en."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from agent.errors import InvalidItem, MalformedAnswer
from agent.marketplace.tokens import pair_from_oauth
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
    # The reason too: only the field's name and its value are the marketplace's words.
    assert "`vatRate`" in polish and "'7%'" in polish, polish
    assert not [w for w in (*ENGLISH, "unknown", "value") if w in polish.lower()], polish
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


async def test_a_connection_check_listing_no_connection_is_explained_in_polish(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    fake.canned["GET /me/integrations"] = []
    with pytest.raises(MalformedAnswer) as caught:
        await make_client().check_connection()
    polish = error_text("pl", caught.value)
    assert polish.startswith("sprawdzenie połączenia: wszystko.pl nie wymienia żadnego połączenia"), polish
    assert error_text("en", caught.value).startswith(str(caught.value))


async def test_an_unbelievable_number_of_category_pages_is_explained_in_polish(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    fake.canned["GET /categories"] = {"categories": [], "numberOfPages": 10**9}
    with pytest.raises(MalformedAnswer) as caught:
        await make_client().categories()
    polish = error_text("pl", caught.value)
    assert polish.startswith("kategorie: liczba stron (1000000000) jest niewiarygodna"), polish
    assert str(caught.value).startswith("categories: 1000000000 pages is not believable")
    assert error_text("en", caught.value).startswith(str(caught.value))


@pytest.mark.parametrize(
    ("token", "polish"),
    [
        ({"refresh_token": "r"}, "odświeżanie tokenu: nieoczekiwana odpowiedź wszystko.pl"),
        ({"access_token": "a", "expires_in": 60}, "odświeżanie tokenu: w odpowiedzi brakuje tokenu odświeżania"),
    ],
)
def test_an_unusable_token_answer_is_explained_in_polish(token: dict[str, object], polish: str) -> None:
    with pytest.raises(MalformedAnswer) as caught:
        pair_from_oauth(token, None, datetime(2026, 12, 6, tzinfo=UTC))
    assert error_text("pl", caught.value).startswith(polish)
    assert error_text("en", caught.value).startswith(str(caught.value))
