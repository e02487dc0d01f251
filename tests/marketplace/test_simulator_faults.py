"""The client against the simulator's own faults (`/_sim/faults`): resets, cut and dripping answers,
5xx bursts, malformed bodies, answers lost after the write, and revocation, all over real loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from agent.errors import MalformedAnswer, MarketplaceUnavailable, RelinkAccount
from agent.marketplace.accounts import AccountPlaces
from agent.marketplace.calls import CallSettings
from agent.marketplace.models import OfferDraft
from agent.marketplace.retry import RetryPolicy
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.marketplace.simhelp import client_for, control, link

RETRYING = CallSettings(
    attempt_timeout=2.0, call_deadline=8.0, retry=RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05)
)


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1, seed=2, requests_per_minute=0)) as running:
        yield running


async def _fault(sim: RunningSimulator, **spec: Any) -> dict[str, Any]:
    answer: dict[str, Any] = await control(sim, "POST", "/faults", json={"probability": 1.0, **spec})
    return answer


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "reset", "count": 2},
        {"kind": "cut", "count": 2},
        {"kind": "status", "status": 503, "count": 3},
        {"kind": "status", "status": 502, "count": 1},
    ],
    ids=["reset", "cut", "5xx-burst", "502"],
)
async def test_a_read_survives_passing_transport_faults(
    sim: RunningSimulator, places: AccountPlaces, fault: dict[str, Any]
) -> None:
    await link(sim, places, "Ogrodnik")
    await _fault(sim, route="GET /me/shipping/tariffs", **fault)
    async with client_for(sim, places, "Ogrodnik", settings=RETRYING) as client:
        tariffs = await client.shipping_tariffs()
    assert tariffs and all(t.methods for t in tariffs)
    left = await control(sim, "GET", "/faults")
    assert left == []  # every planned fault fired: the client really met each of them


async def test_a_malformed_body_is_a_typed_error_with_the_payload_kept(
    sim: RunningSimulator, places: AccountPlaces
) -> None:
    await link(sim, places, "Ogrodnik")
    await _fault(sim, route="GET /me/guarantees", kind="malformed")
    async with client_for(sim, places, "Ogrodnik", settings=RETRYING) as client:
        with pytest.raises(MalformedAnswer) as info:
            await client.guarantees()
        assert await client.return_policies()  # other routes are unaffected
    assert info.value.payload


async def test_an_answer_lost_after_the_create_makes_no_duplicate(sim: RunningSimulator, places: AccountPlaces) -> None:
    _, account = await link(sim, places, "Ogrodnik")
    async with client_for(sim, places, "Ogrodnik", settings=RETRYING) as client:
        leaf = next(c for c in await client.categories(with_parameters=False) if not c.has_subcategories)
        await _fault(sim, route="POST /me/offers", kind="lost", count=1)
        draft = OfferDraft(
            external_id="towar-99",
            title="Konewka ogrodowa 10 l",
            price=Decimal("24.99"),
            category_id=leaf.id,
            vat_rate="23%",
            stock_quantity=3,
            is_draft=True,
        )
        offer = await client.create_offer(draft)
    offers = await control(sim, "GET", "/offers", params={"account": account})
    assert [o["externalId"] for o in offers] == ["towar-99"] and offers[0]["id"] == offer.id
    state = await control(sim, "GET", "/state", params={"account": account})
    assert state["effects"]["POST /me/offers"] == 1  # the write took effect once


async def test_a_dripping_answer_ends_within_the_call_deadline(sim: RunningSimulator, places: AccountPlaces) -> None:
    await link(sim, places, "Ogrodnik")
    await _fault(sim, route="GET /me/integrations", kind="drip", seconds=30.0)
    settings = CallSettings(attempt_timeout=0.5, call_deadline=1.5, retry=RetryPolicy(5, 0.01, 0.02))
    async with client_for(sim, places, "Ogrodnik", settings=settings) as client:
        started = time.monotonic()
        with pytest.raises(MarketplaceUnavailable):
            await client.check_connection()
        elapsed = time.monotonic() - started
    # A correctness bound, not a speed claim: without per-call deadlines this would take 30 s
    # (the bound is loose so that a loaded machine's stalls cannot fail it).
    assert elapsed < 15


async def test_revocation_makes_a_connection_error(sim: RunningSimulator, places: AccountPlaces) -> None:
    await link(sim, places, "Ogrodnik")
    await _fault(sim, route="GET /me/offers", kind="revoke", count=1)
    async with client_for(sim, places, "Ogrodnik", settings=RETRYING) as client:
        with pytest.raises(RelinkAccount):
            await client.offers()
        with pytest.raises(RelinkAccount):
            await client.shipping_methods()  # nothing more is attempted until linked again
    assert places.connections.get("Ogrodnik").state == "error"
