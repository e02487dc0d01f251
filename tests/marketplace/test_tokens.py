"""Tokens: refresh ahead and once on 401, one refresh for 50 callers, invalid_grant -> Błąd połączenia."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.errors import RelinkAccount
from agent.marketplace import parsing
from agent.marketplace.accounts import AccountPlaces
from agent.marketplace.token_store import FileTokenStore
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace, Fault


def _expire_locally(places: AccountPlaces, company: str) -> None:
    pair = places.store.load(company)
    assert pair is not None
    past = datetime.now(UTC) - timedelta(seconds=5)
    places.store.save(company, dataclasses.replace(pair, access_expires_at=past))


async def test_fifty_callers_across_an_expiry_make_one_refresh(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    client = make_client()
    _expire_locally(places, "Ogrodnik")
    fake.expire_access()
    results = await asyncio.gather(*(client.check_connection() for _ in range(50)))
    assert len(results) == 50
    assert fake.refreshes == 1
    assert fake.invalid_grants == 0
    assert client.keeper.refresh_count == 1


async def test_fifty_callers_meeting_a_401_make_one_refresh(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    client = make_client()
    await client.check_connection()
    fake.expire_access()  # the server drops the tokens early; the client still believes them valid
    results = await asyncio.gather(*(client.check_connection() for _ in range(50)))
    assert len(results) == 50
    assert fake.refreshes == 1
    assert fake.count("GET", "/me/integrations") == 1 + 50 + 50  # each one 401, then each one 200


async def test_the_rotated_pair_is_stored_before_use(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    client = make_client()
    before = places.store.load("Ogrodnik")
    fake.expire_access()
    await client.check_connection()
    after = places.store.load("Ogrodnik")
    assert before is not None and after is not None
    assert after.refresh_token != before.refresh_token
    assert client.keeper.pair == after


async def test_invalid_grant_is_a_connection_error_and_stops_the_company(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    ogrodnik = make_client("Ogrodnik")
    budowlany = make_client("Budowlany")
    await ogrodnik.check_connection()
    # The seller ended Ogrodnik's connection on the marketplace page.
    pair = places.store.load("Ogrodnik")
    assert pair is not None and pair.integration_id is not None
    fake.revoked.add(pair.integration_id)
    with pytest.raises(RelinkAccount):
        await ogrodnik.check_connection()
    info = places.connections.get("Ogrodnik")
    assert info.state == "error"
    assert info.label == "Błąd połączenia"
    sent = len(fake.requests)
    with pytest.raises(RelinkAccount):
        await ogrodnik.categories()
    assert len(fake.requests) == sent  # nothing more is attempted for that company
    # The other company is unaffected.
    session = await budowlany.check_connection()
    assert session.user_name == fake.account
    assert places.connections.get("Budowlany").state == "connected"


async def test_linking_again_lifts_the_connection_error(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    client = make_client()
    pair = places.store.load("Ogrodnik")
    assert pair is not None and pair.integration_id is not None
    fake.revoked.add(pair.integration_id)
    fake.expire_access()
    with pytest.raises(RelinkAccount):
        await client.check_connection()
    places.store.save("Ogrodnik", parsing.token_pair(fake.issue()))
    places.connections.set_connected("Ogrodnik")
    session = await client.check_connection()
    assert session.user_name == fake.account


async def test_not_linked_sends_nothing(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client(link=False)
    with pytest.raises(RelinkAccount):
        await client.offers()
    assert fake.requests == []


async def test_another_process_refresh_is_adopted_not_repeated(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    first = make_client()
    second = make_client(link=False)  # shares the same store, as a second process would
    await first.check_connection()
    await second.check_connection()
    fake.expire_access()
    _expire_locally(places, "Ogrodnik")
    await first.check_connection()
    assert fake.refreshes == 1
    await second.check_connection()
    assert fake.refreshes == 1
    assert fake.invalid_grants == 0


def test_token_file_is_private_and_written_whole(tmp_path: Path, fake: FakeMarketplace) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    pair = parsing.token_pair(fake.issue())
    store.save("Firma Ąę", pair)
    path = store.path("Firma Ąę")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.load("firma ąę") == pair
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    store.delete("Firma Ąę")
    assert store.load("Firma Ąę") is None
    assert not os.listdir(path.parent)


async def test_a_passing_fault_on_the_refresh_a_401_forces_is_retried_within_the_call(
    make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    client = make_client()
    await client.check_connection()
    fake.expire_access()  # the next call meets a 401; the refresh it forces meets a 503 first
    fake.fail("POST /integration/token", Fault("status", status=503))
    await client.check_connection()
    assert fake.count("POST", "/integration/token") == 2
    assert fake.refreshes == 1


async def test_a_429_of_the_token_endpoint_holds_the_next_request_until_retry_after(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    client = make_client()
    _expire_locally(places, "Ogrodnik")
    fake.fail("POST /integration/token", Fault("status", status=429, retry_after="1"))
    await client.check_connection()
    times = [(m, p, t) for m, p, t in fake.requests if p in {"/integration/token", "/me/integrations"}]
    limited_at = times[0][2]
    assert times[0][:2] == ("POST", "/integration/token")
    assert all(t - limited_at >= 1.0 for _, _, t in times[1:]), times
    assert fake.refreshes == 1


async def test_a_caller_waiting_to_refresh_while_the_account_broke_is_told_to_link_again(
    make_client: ClientFactory, fake: FakeMarketplace, places: AccountPlaces
) -> None:
    """Three calls of one run meet an expiring token: the first refreshes (the marketplace is slow,
    then fails), the second waits its turn; meanwhile the company was set to "Błąd połączenia" by
    another process and a third call saw it. The second one is then told to link again, not failed
    with an internal error (it found no pair: the third call had dropped it)."""
    client = make_client()
    keeper = client.keeper
    _expire_locally(places, "Ogrodnik")
    arrived, answered = asyncio.Event(), asyncio.Event()
    fake.fail("POST /integration/token", Fault("hold", status=503, until=answered, reached=arrived))
    refreshing = asyncio.ensure_future(keeper.access_token())
    await arrived.wait()
    waiting = asyncio.ensure_future(keeper.access_token())
    for _ in range(5):
        await asyncio.sleep(0)  # the second call is now waiting for the first one's refresh
    places.connections.set_error("Ogrodnik", "the marketplace refused the refresh token (invalid_grant)")
    with pytest.raises(RelinkAccount):
        await keeper.access_token()
    answered.set()
    results = await asyncio.gather(refreshing, waiting, return_exceptions=True)
    assert not isinstance(results[0], AssertionError) and isinstance(results[1], RelinkAccount), results
