"""The client against the real simulator over loopback: tokens, revocation, limits, lost answers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from agent.errors import RateLimited, RelinkAccount
from agent.marketplace.accounts import AccountPlaces
from agent.marketplace.calls import CallSettings
from agent.marketplace.device_flow import LinkFailed, register, wait_for_tokens
from agent.marketplace.models import OfferDraft
from agent.marketplace.retry import RetryPolicy
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.marketplace.simhelp import Relay, client_for, control, expire_locally, link


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1, seed=1)) as running:
        yield running


async def test_fifty_calls_across_a_server_expiry_make_one_refresh(
    sim: RunningSimulator, places: AccountPlaces
) -> None:
    _, account = await link(sim, places, "Ogrodnik")
    async with client_for(sim, places, "Ogrodnik") as client:
        await client.check_connection()
        await control(sim, "POST", "/expire-tokens", params={"account": account})
        sessions = await asyncio.gather(*(client.check_connection() for _ in range(50)))
    assert len(sessions) == 50
    assert await control(sim, "GET", "/token-stats", params={"account": account}) == {
        "refreshes": 1,
        "invalidGrants": 0,
    }


async def test_fifty_calls_across_a_local_expiry_make_one_refresh(
    sim: RunningSimulator, places: AccountPlaces
) -> None:
    _, account = await link(sim, places, "Ogrodnik")
    expire_locally(places, "Ogrodnik")
    async with client_for(sim, places, "Ogrodnik") as client:
        await asyncio.gather(*(client.shipping_methods() for _ in range(50)))
    stats = await control(sim, "GET", "/token-stats", params={"account": account})
    assert stats == {"refreshes": 1, "invalidGrants": 0}


TWO_PROCESS_SCRIPT = """
import asyncio, sys, time
from pathlib import Path
from agent.marketplace.accounts import AccountPlaces, build_client
from agent.marketplace.connection import ConnectionRegistry
from agent.marketplace.retry import BreakerBoard
from agent.marketplace.token_store import FileTokenStore

home, base, go = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
places = AccountPlaces(FileTokenStore(home / "tokens"), ConnectionRegistry(home / "connections"), home / "locks")

async def main() -> None:
    client = build_client("Ogrodnik", base_url=base, requests_per_minute=0, places=places, breakers=BreakerBoard())
    while time.time() < go:
        await asyncio.sleep(0.002)
    session = await client.check_connection()
    print(session.user_name, client.keeper.refresh_count)
    await client.aclose()

asyncio.run(main())
"""


def test_two_processes_refreshing_at_once_make_one_refresh(
    sim: RunningSimulator, places: AccountPlaces, tmp_path: Path
) -> None:
    _, account = asyncio.run(link(sim, places, "Ogrodnik"))
    expire_locally(places, "Ogrodnik")
    asyncio.run(control(sim, "POST", "/expire-tokens", params={"account": account}))
    go = str(time.time() + 3.0)  # both processes start their call at the same moment
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_PROCESS_SCRIPT, str(tmp_path), sim.base_url, go],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    refresh_counts = sorted(int(out.split()[-1]) for out, _ in outputs)
    assert refresh_counts == [0, 1]
    stats = asyncio.run(control(sim, "GET", "/token-stats", params={"account": account}))
    assert stats == {"refreshes": 1, "invalidGrants": 0}


async def test_revocation_is_a_connection_error_and_spares_other_companies(
    sim: RunningSimulator, places: AccountPlaces
) -> None:
    await link(sim, places, "Ogrodnik")
    _, other = await link(sim, places, "Budowlany")
    async with client_for(sim, places, "Ogrodnik") as ogrodnik, client_for(sim, places, "Budowlany") as budowlany:
        await ogrodnik.end_connection()  # as the seller ending it on the marketplace's page would
        with pytest.raises(RelinkAccount):
            await ogrodnik.shipping_tariffs()
        assert places.connections.get("Ogrodnik").state == "error"
        # The category routes answer without a token, but the client keeps sending its token on every
        # call: once the link is refused, it asks for a new link there too.
        with pytest.raises(RelinkAccount):
            await ogrodnik.categories(with_parameters=False)
        with pytest.raises(RelinkAccount):
            await ogrodnik.offers()
        methods = await budowlany.shipping_methods()
        assert methods
    assert places.connections.get("Budowlany").state == "connected"
    assert (await control(sim, "GET", "/token-stats", params={"account": other}))["invalidGrants"] == 0


async def test_a_lost_create_answer_makes_no_duplicate(sim: RunningSimulator, places: AccountPlaces) -> None:
    _, account = await link(sim, places, "Ogrodnik")
    relay = Relay()
    async with client_for(sim, places, "Ogrodnik", transport=relay) as client:
        leaf = next(c for c in await client.categories(with_parameters=False) if not c.has_subcategories)
        draft = OfferDraft(
            external_id="towar-17",
            title="Konewka 10 l",
            price=Decimal("24.99"),
            category_id=leaf.id,
            vat_rate="23%",
            stock_quantity=3,
            is_draft=True,
        )
        relay.lose.append("POST /api/me/offers")
        offer = await client.create_offer(draft)
        again = await client.create_offer(draft)
    offers = await control(sim, "GET", "/offers", params={"account": account})
    assert [o["externalId"] for o in offers] == ["towar-17"]
    assert offer.id == again.id == offers[0]["id"]
    assert offer.price == Decimal("24.99")


async def test_device_flow_expiry_slow_down_and_denial_on_the_simulator(sim: RunningSimulator) -> None:
    import httpx2

    async def consent(device_code: str, allow: bool) -> None:
        await control(sim, "POST", "/consent", json={"deviceCode": device_code, "account": None, "allow": allow})

    async with httpx2.AsyncClient(base_url=sim.base_url + "/") as http:
        # Nobody consents: the code expires on the server's clock (moved on instead of slept through).
        registration = await register(http)
        assert registration.interval == 1

        async def long_sleep(seconds: float) -> None:
            await control(sim, "POST", "/advance", params={"seconds": 700})

        with pytest.raises(LinkFailed) as caught:
            await wait_for_tokens(http, registration, sleep=long_sleep)
        assert caught.value.reason == "expired"

        # The second poll comes too early (half the interval): slow_down, then 5 s more between polls.
        registration = await register(http)
        slept: list[float] = []

        async def hasty(seconds: float) -> None:
            slept.append(seconds)
            if len(slept) == 3:
                await consent(registration.device_code, True)
            await control(sim, "POST", "/advance", params={"seconds": seconds / 2 if len(slept) == 2 else seconds})

        pair = await wait_for_tokens(http, registration, sleep=hasty)
        assert pair.access_token
        assert slept == [1, 1, 6]

        registration = await register(http)
        await consent(registration.device_code, False)

        async def step(seconds: float) -> None:
            await control(sim, "POST", "/advance", params={"seconds": seconds})

        with pytest.raises(LinkFailed) as denied:
            await wait_for_tokens(http, registration, sleep=step)
        assert denied.value.reason == "denied"


@pytest.fixture
def slow_sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1, requests_per_minute=3)) as running:
        yield running


async def test_server_429_then_no_request_before_retry_after(slow_sim: RunningSimulator, places: AccountPlaces) -> None:
    await link(slow_sim, places, "Ogrodnik")
    relay = Relay()
    once = CallSettings(attempt_timeout=5.0, call_deadline=2.0, retry=RetryPolicy(1, 0.01, 0.01))
    async with client_for(slow_sim, places, "Ogrodnik", transport=relay, settings=once) as client:
        for _ in range(3):
            await client.shipping_methods()
        with pytest.raises(RateLimited) as caught:
            await client.shipping_methods()
        assert caught.value.retry_after >= 1
        sent = len(relay.log)
        with pytest.raises(RateLimited):
            await client.payment_methods()
        assert len(relay.log) == sent  # held back by Retry-After: nothing sent
    assert relay.statuses("/shipping/methods") == [200, 200, 200, 429]


async def test_client_side_limit_keeps_the_server_from_saying_429(
    slow_sim: RunningSimulator, places: AccountPlaces
) -> None:
    await link(slow_sim, places, "Ogrodnik")
    relay = Relay()
    once = CallSettings(attempt_timeout=5.0, call_deadline=1.0, retry=RetryPolicy(1, 0.01, 0.01))
    async with client_for(slow_sim, places, "Ogrodnik", transport=relay, rpm=3, settings=once) as client:
        for _ in range(3):
            await client.shipping_methods()
        with pytest.raises(RateLimited):
            await client.shipping_methods()
    assert 429 not in [status for _, _, status in relay.log]
    assert len(relay.log) == 3


async def test_a_server_dripping_bytes_over_loopback_cannot_hang_a_call(places: AccountPlaces) -> None:
    from agent.errors import MarketplaceUnavailable
    from tests.marketplace.simhelp import client_at, store_some_tokens

    stop = asyncio.Event()
    requests = 0

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        requests += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n[")
            while not stop.is_set():
                await writer.drain()
                await asyncio.sleep(0.1)
                writer.write(b" ")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    store_some_tokens(places, "Ogrodnik")
    # room for two attempts even when a loaded machine stalls the loop
    settings = CallSettings(attempt_timeout=0.4, call_deadline=3.0, retry=RetryPolicy(5, 0.01, 0.02))
    try:
        async with client_at(f"http://127.0.0.1:{port}/api", places, "Ogrodnik", settings) as client:
            with pytest.raises(MarketplaceUnavailable, match=r"timeout|no time left"):
                await client.shipping_methods()
    finally:
        stop.set()
        server.close()
        await asyncio.sleep(0.2)
    assert requests >= 2  # each attempt was cut off at its own deadline and tried again
