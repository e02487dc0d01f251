"""Bad input: broken or odd marketplace answers through the client's parsers; a malformed order
among good ones; broken config files and damaged databases.

Every answer either parses or raises MalformedAnswer (which the caller turns into a skipped item
or a failed job with the raw text kept): no other exception may escape a parser.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.core.orders import MARKETPLACE
from agent.errors import MalformedAnswer
from agent.marketplace import parsing
from agent.marketplace.accounts import AccountPlaces, build_client
from agent.texts.outcomes import outcome_message
from tests.reliability.answers import BUILDERS, mutate, real_answers
from tests.sync.conftest import COMPANY, SyncWorld
from tests.sync.world import publish


def _verdict(text: str, name: str) -> str:
    """ "ok", "malformed", or the class of an exception that escaped (a defect)."""
    try:
        parsing.parse(text, name, BUILDERS[name])
    except MalformedAnswer:
        return "malformed"
    except Exception as exc:  # the very thing this test hunts
        return f"escaped {exc.__class__.__name__}: {str(exc)[:120]}"
    return "ok"


def _oauth_error_escapes(text: str) -> str | None:
    """The error bodies of the token endpoint are read by `oauth_error`, which must never raise."""
    try:
        parsing.oauth_error(text)
    except Exception as exc:  # the very thing this test hunts
        return f"oauth_error escaped {exc.__class__.__name__}"
    return None


async def test_mutated_real_answers_parse_or_raise_malformed_answer(sync_world: SyncWorld) -> None:
    await _mutations(sync_world, 10_000, seed=5)


@pytest.mark.long
@pytest.mark.timeout(1800)
async def test_100_000_mutated_real_answers(sync_world: SyncWorld) -> None:
    await _mutations(sync_world, 100_000, seed=100)


async def _mutations(sync_world: SyncWorld, wanted: int, *, seed: int) -> None:
    answers = await real_answers(sync_world)
    sound = {name: _verdict(text, name) for name, text in answers.items()}
    assert set(sound.values()) == {"ok"}, (sound, answers)  # the seeds are sound
    rng = random.Random(seed)
    verdicts: Counter[str] = Counter()
    escaped: list[str] = []
    started = time.monotonic()
    names = sorted(answers)
    for number in range(wanted):
        name = names[number % len(names)]
        text = mutate(answers[name], rng)
        verdict = _verdict(text, name)
        verdicts[verdict.split(":")[0]] += 1
        if verdict.startswith("escaped"):
            escaped.append(f"{name}: {verdict} <- {text[:200]!r}")
        if oauth := _oauth_error_escapes(text):
            escaped.append(f"{oauth} <- {text[:200]!r}")
    print(f"mutated answers: {wanted} in {time.monotonic() - started:.1f} s, {dict(verdicts)}")
    assert escaped == []
    assert verdicts["ok"] > 0 and verdicts["malformed"] > 0  # both kinds were really tried


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.decimals(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30,
)


def _shaped(name: str) -> st.SearchStrategy[Any]:
    """Objects with the keys the builders look for, holding any JSON value: valid-looking answers."""
    keys = [
        "id",
        "name",
        "categories",
        "fields",
        "numberOfPages",
        "totalElements",
        "offers",
        "sales",
        "items",
        "buyer",
        "status",
        "paymentStatus",
        "price",
        "offerId",
        "quantity",
        "title",
        "creationDate",
        "totalCost",
        "email",
        "accessToken",
        "refreshToken",
        "expiresIn",
        "refreshExpiresIn",
        "deviceCode",
        "code",
        "url",
        "verificationUriComplete",
        "label",
        "type",
        "required",
        "shipping",
        "cost",
        "stockQuantity",
        "externalId",
    ]
    obj = st.dictionaries(st.sampled_from(keys), _JSON | st.just([]) | st.just({}), max_size=10)
    return obj | st.lists(obj, max_size=3) | _JSON


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_answers_parse_or_raise_malformed_answer(data: st.DataObject) -> None:
    _generated(data)


@pytest.mark.long
@pytest.mark.timeout(1800)
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_3000_generated_answers_per_parser(data: st.DataObject) -> None:
    _generated(data)


def _generated(data: st.DataObject) -> None:
    for name in BUILDERS:
        value = data.draw(_shaped(name), label=name)
        text = json.dumps(value, default=str)
        verdict = _verdict(text, name)
        assert not verdict.startswith("escaped"), f"{name}: {verdict} <- {text[:300]}"


class _SpoilOneOrder(httpx2.AsyncBaseTransport):
    """The real transport, but in every `/me/sales` page the order `victim` loses its buyer."""

    def __init__(self, victim: int) -> None:
        self.inner = httpx2.AsyncHTTPTransport()
        self.victim = victim
        self.active = True

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if not (self.active and request.method == "GET" and request.url.path.endswith("/me/sales")):
            return response
        page = json.loads(await response.aread())
        await response.aclose()
        for sale in page.get("sales", []):
            if sale.get("id") == self.victim:
                del sale["buyer"]
        return httpx2.Response(response.status_code, json=page)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_a_malformed_order_is_quarantined_and_the_rest_of_its_page_imported(sync_world: SyncWorld) -> None:
    await publish(sync_world, list((await sync_world.erp.shared_product_ids())[:4]))
    placed: list[int] = (await sync_world.control("POST", "/orders", params={"count": 10}))["ids"]
    victim = placed[3]
    spoiler = _SpoilOneOrder(victim)
    config = sync_world.config
    client = build_client(
        COMPANY,
        base_url=config.marketplace.base_url,
        requests_per_minute=0,
        places=AccountPlaces.from_config(config),
        transport=spoiler,
    )
    async with client:
        world = replace(sync_world, market=client)
        run = await world.run("orders")
        assert run.result == "partial"
        documents = await world.erp.order_documents(MARKETPLACE, datetime.now(UTC) - timedelta(days=1))
        assert sorted(int(d.order_id) for d in documents) == sorted(set(placed) - {victim})
        [kept] = await world.state.quarantined_orders(COMPANY)
        assert kept.order_id == victim and "buyer" in kept.reason and str(victim) in kept.payload
        [failed] = await world.state.outcomes(run.id, only_failed=True)
        assert failed.item == f"order:{victim}" and failed.error_class == "Quarantined" and failed.payload
        # Why, as the run's history reads it: Polish in pl, the recorded English in en.
        assert failed.message == "malformed order (buyer is not an object)"
        polish = outcome_message("pl", failed.message, item=failed.item, phrase=failed.phrase)
        assert polish == "nieczytelne zamówienie (kupujący nie jest obiektem JSON)"
        assert outcome_message("en", failed.message, item=failed.item, phrase=failed.phrase) == failed.message
        state = await world.control("GET", "/state")
        assert state["orders"]["new"] == 1  # it stays new: nothing confirmed that was not imported

        spoiler.active = False  # the marketplace mends it: the next run imports it and lets it go
        again = await world.run("orders")
        assert again.result == "success"
        assert await world.erp.document_for_order(MARKETPLACE, str(victim)) is not None
        assert await world.state.quarantined_orders(COMPANY) == []
