"""Fixtures of the marketplace tests: a fake marketplace, private token places, fast retries."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from agent.marketplace import parsing
from agent.marketplace.accounts import AccountPlaces, build_client
from agent.marketplace.calls import CallSettings
from agent.marketplace.client import WszystkoClient
from agent.marketplace.connection import ConnectionRegistry
from agent.marketplace.retry import BreakerBoard, RetryPolicy
from agent.marketplace.token_store import FileTokenStore
from tests.marketplace.fake import FakeMarketplace

FAST = CallSettings(
    attempt_timeout=1.0, call_deadline=10.0, retry=RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
)
BASE = "http://127.0.0.1:9/api"


@pytest.fixture
def places(tmp_path: Path) -> AccountPlaces:
    return AccountPlaces(
        store=FileTokenStore(tmp_path / "tokens"),
        connections=ConnectionRegistry(tmp_path / "connections"),
        locks_dir=tmp_path / "locks",
    )


@pytest.fixture
def fake() -> FakeMarketplace:
    return FakeMarketplace()


ClientFactory = Callable[..., WszystkoClient]


@pytest.fixture
async def make_client(fake: FakeMarketplace, places: AccountPlaces) -> AsyncIterator[ClientFactory]:
    made: list[WszystkoClient] = []
    board = BreakerBoard(failure_threshold=50, cooldown=5.0)

    def factory(
        company: str = "Ogrodnik",
        *,
        link: bool = True,
        settings: CallSettings = FAST,
        rpm: int = 0,
        breakers: BreakerBoard | None = None,
    ) -> WszystkoClient:
        if link:
            places.store.save(company, parsing.token_pair(fake.issue()))
            places.connections.set_connected(company)
        client = build_client(
            company,
            base_url=BASE,
            requests_per_minute=rpm,
            places=places,
            transport=fake.transport(),
            breakers=breakers or board,
            settings=settings,
            rng=random.Random(7),
        )
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()
