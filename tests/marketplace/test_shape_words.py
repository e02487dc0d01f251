"""Why part of a marketplace answer cannot be read is kept as facts: a Polish line quotes it in Polish,
an English one exactly as before (the `.jsonl` log and the run history rely on those words)."""

from __future__ import annotations

import copy
import functools
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from loguru import logger

from agent.errors import MalformedAnswer, Phrase
from agent.logs import setup_logging
from agent.marketplace import parsing, sales_parsing
from agent.marketplace.models import SkippedItem
from agent.marketplace.readers import Shape, problem
from agent.texts.phrases import error_text, message_for, word
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace
from tests.marketplace.test_live_answers import LIVE
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (
    *COMMON_ENGLISH, "missing", "not", "string", "number", "integer", "boolean", "unknown", "is", "has", "an",
    "answer", "object", "list", "without", "malformed", "unexpected", "time", "value", "order", "buyer",
    "shipping", "method", "page",
)


def english_in(polish: str) -> list[str]:
    """The English words of `polish`, leaving out what the answer itself named: a field (`price`) and a
    value as it came ('7%')."""
    ours = re.sub(r"`[^`]*`|'[^']*'", "", polish).lower()
    return [w for w in ENGLISH if re.search(rf"(?<!\w){re.escape(w.strip())}(?!\w)", ours)]


def live(key: str) -> Any:
    """A fresh copy of a live answer, read as the client reads it (numbers with a fraction as Decimal)."""
    return json.loads(json.dumps(LIVE[key]), parse_float=Decimal)


def shape_of(build: Any, data: Any) -> Shape:
    with pytest.raises(Shape) as caught:
        build(data)
    return caught.value


@pytest.mark.parametrize(
    ("spoil", "english", "polish"),
    [
        (lambda o: o.update(price="free"), "`price` is missing or not a number",
         "brakuje pola `price` lub nie jest ono liczbą"),
        (lambda o: o.pop("title"), "`title` is missing or not a string",
         "brakuje pola `title` lub nie jest ono tekstem"),
        (lambda o: o.update(vatRate="7%"), "`vatRate` has an unknown value '7%'",
         "pole `vatRate` ma nieznaną wartość '7%'"),
        (lambda o: o.update(creationDate="wczoraj"), "`creationDate` is not an ISO 8601 time",
         "pole `creationDate` nie jest czasem w formacie ISO 8601"),
        (lambda o: o.update(stockQuantity="5"), "`stockQuantity` is missing or not an integer",
         "brakuje pola `stockQuantity` lub nie jest ono liczbą całkowitą"),
        (lambda o: o.update(externalId=7), "`externalId` is not a string", "pole `externalId` nie jest tekstem"),
        (lambda o: o.update(gallery="a.png"), "gallery is not a list", "pole `gallery` nie jest listą JSON"),
        (lambda o: o.pop("status"), "`status` is missing or not a string",
         "brakuje pola `status` lub nie jest ono tekstem"),
    ],
)
def test_an_offers_fault_reads_polish_and_its_english_is_unchanged(spoil: Any, english: str, polish: str) -> None:
    offer = live("offer")
    spoil(offer)
    fault = shape_of(parsing.offer, offer)
    assert str(fault) == english
    assert word("en", fault.said) == english
    assert word("pl", fault.said) == polish
    assert not english_in(polish), polish


def test_other_faults_read_polish_and_their_english_is_unchanged() -> None:
    faults = [
        (shape_of(parsing.offer, ["not", "an", "object"]), "offer is not an object", "oferta nie jest obiektem JSON"),
        (shape_of(parsing.policy, {"name": "Zwrot"}), "`id` is missing or not an id",
         "brakuje pola `id` lub nie jest ono identyfikatorem"),
        (shape_of(parsing.category, {**LIVE["categories"]["categories"][0], "hasSubcategories": "no"}),
         "`hasSubcategories` is missing or not a boolean",
         "brakuje pola `hasSubcategories` lub nie jest ono wartością logiczną (true/false)"),
        (shape_of(sales_parsing.order, {**live("order"), "items": []}), "an order without items",
         "zamówienie bez pozycji"),
        (shape_of(sales_parsing.order, {**live("order"), "buyer": None}), "buyer is not an object",
         "kupujący nie jest obiektem JSON"),
        (shape_of(parsing.shipping_methods, {"methods": []}), "answer is not a list",
         "odpowiedź nie jest listą JSON"),
    ]
    for fault, english, polish in faults:
        assert (str(fault), word("pl", fault.said)) == (english, polish)
        assert not english_in(polish), polish


def test_an_element_of_a_list_that_fails_the_whole_answer_is_named_in_polish() -> None:
    odd = {**LIVE["shipping methods"][0], "shipping": "drone"}
    fault = shape_of(parsing.shipping_methods, [LIVE["shipping methods"][0], odd])
    assert str(fault) == "shipping method 2: `shipping` has an unknown value 'drone'"
    assert word("pl", fault.said) == "metoda dostawy nr 2: pole `shipping` ma nieznaną wartość 'drone'"


def test_an_element_left_aside_keeps_its_reason_as_facts() -> None:
    answer = copy.deepcopy(LIVE["offers"])
    answer["offers"].append({**answer["offers"][0], "id": 2, "vatRate": "7%"})
    skipped: list[SkippedItem] = []
    parsing.parse(json.dumps(answer), "offers page 1", functools.partial(parsing.offer_page, skipped=skipped))
    [aside] = skipped
    assert aside.reason == "`vatRate` has an unknown value '7%'"
    assert aside.said is not None and word("pl", aside.said) == "pole `vatRate` ma nieznaną wartość '7%'"


def test_a_malformed_answer_reads_polish_around_the_call_and_is_unchanged_in_english() -> None:
    offer = copy.deepcopy(LIVE["offer"])
    offer["price"] = "free"
    with pytest.raises(MalformedAnswer) as caught:
        parsing.parse(json.dumps(offer), "offer 5", parsing.offer)
    assert caught.value.message == "offer 5: unexpected answer (`price` is missing or not a number)"
    assert error_text("en", caught.value) == str(caught.value)
    polish = message_for("pl", caught.value)
    assert polish == "offer 5: nieoczekiwana odpowiedź wszystko.pl (brakuje pola `price` lub nie jest ono liczbą)"
    # The call is named as its caller named it; what is said of it is Polish.
    assert not english_in(polish.split(": ", 1)[1]), polish


def test_an_answer_that_is_not_json_reads_polish() -> None:
    with pytest.raises(MalformedAnswer) as caught:
        parsing.load_json("{", "orders page 1")
    assert caught.value.message == "orders page 1: the answer is not JSON (JSONDecodeError)"
    assert message_for("pl", caught.value) == "orders page 1: odpowiedź nie jest w formacie JSON (JSONDecodeError)"


def test_an_unreadable_order_of_a_page_reads_polish() -> None:
    page = {"sales": [{**live("order"), "id": 502, "buyer": None}], "totalElements": 1}
    _, [bad], _ = sales_parsing.sales_page_per_order(page)
    assert bad.reason == "malformed order (buyer is not an object)"
    assert bad.said is not None
    polish = word("pl", bad.said)
    assert polish == "nieczytelne zamówienie (kupujący nie jest obiektem JSON)"
    assert word("en", bad.said) == bad.reason


def test_a_read_error_other_than_a_shape_keeps_its_english() -> None:
    assert problem(KeyError("id")) == "KeyError: 'id'"
    assert problem(Shape("shape.missing_id", field="id")) == "`id` is missing or not an id"
    said = Phrase("shape.read_error", {"kind": "KeyError", "detail": "'id'"})
    assert word("pl", said) == "błąd odczytu KeyError: 'id'"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    yield stream
    logger.remove()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("pl", "odłożono nieczytelny element (metoda płatności 8): pole `type` ma nieznaną wartość 'cryptoWallet'"),
        ("en", "payment method 8 left aside, unreadable (`type` has an unknown value 'cryptoWallet')"),
    ],
)
async def test_the_line_of_an_element_left_aside_reads_in_the_language(
    make_client: ClientFactory, fake: FakeMarketplace, console: io.StringIO, language: str, said: str
) -> None:
    setup_logging(None, console_stream=console, language=language)
    odd = {**LIVE["payment methods"][0], "id": 8, "type": "cryptoWallet"}
    fake.canned["GET /payment/paymentMethods"] = [LIVE["payment methods"][0], odd]
    await make_client().payment_methods()
    assert said in console.getvalue(), console.getvalue()


async def test_an_orders_page_that_cannot_be_read_is_worded_in_polish_whole(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    fake.canned["GET /me/sales"] = {"sales": "none today", "totalElements": 1}
    with pytest.raises(MalformedAnswer) as caught:
        await make_client().sales("new")
    assert caught.value.message == "orders page 1: unexpected answer (sales is not a list)"
    assert error_text("en", caught.value) == str(caught.value)
    polish = message_for("pl", caught.value)
    assert polish == "strona 1 zamówień: nieoczekiwana odpowiedź wszystko.pl (pole `sales` nie jest listą JSON)"
    assert not english_in(polish), polish
