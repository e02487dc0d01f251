"""Helpers for tests against the real simulator over loopback."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2

from agent.marketplace.accounts import AccountPlaces, build_client
from agent.marketplace.calls import CallSettings
from agent.marketplace.client import WszystkoClient
from agent.marketplace.device_flow import register, wait_for_tokens
from agent.marketplace.models import TokenPair
from agent.marketplace.retry import BreakerBoard, RetryPolicy
from agent.simulator import RunningSimulator

FAST = CallSettings(
    attempt_timeout=5.0, call_deadline=10.0, retry=RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
)


class Relay(httpx2.AsyncBaseTransport):
    """A real loopback transport that records every exchange and can lose chosen answers."""

    def __init__(self) -> None:
        self.inner = httpx2.AsyncHTTPTransport()
        self.log: list[tuple[str, str, int]] = []
        self.lose: list[str] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        self.log.append((request.method, request.url.path, response.status_code))
        key = f"{request.method} {request.url.path}"
        if key in self.lose:
            # Applied by the server; the connection dies before the answer reaches us.
            self.lose.remove(key)
            await response.aread()
            await response.aclose()
            raise httpx2.ReadError("connection reset by peer", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    def statuses(self, path_end: str) -> list[int]:
        return [status for _, path, status in self.log if path.endswith(path_end)]


async def control(sim: RunningSimulator, method: str, path: str, **kwargs: Any) -> Any:
    async with httpx2.AsyncClient(base_url=sim.root_url) as http:
        response = await http.request(method, "/_sim" + path, **kwargs)
        response.raise_for_status()
        return response.json()


async def link(sim: RunningSimulator, places: AccountPlaces, company: str) -> tuple[TokenPair, int]:
    """Run the device flow with a consent through the control API; the pair (stored) and the account id."""

    async def advance(seconds: float) -> None:
        await control(sim, "POST", "/advance", params={"seconds": seconds})

    async with httpx2.AsyncClient(base_url=sim.base_url + "/") as http:
        registration = await register(http)
        answer = await control(
            sim, "POST", "/consent", json={"deviceCode": registration.device_code, "account": None, "allow": True}
        )
        pair = await wait_for_tokens(http, registration, sleep=advance)
    places.store.save(company, pair)
    places.connections.set_connected(company)
    return pair, int(answer["account"])


def client_for(
    sim: RunningSimulator,
    places: AccountPlaces,
    company: str,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    rpm: int = 0,
    settings: CallSettings = FAST,
) -> WszystkoClient:
    return build_client(
        company,
        base_url=sim.base_url,
        requests_per_minute=rpm,
        places=places,
        transport=transport,
        breakers=BreakerBoard(),
        settings=settings,
        rng=random.Random(3),
    )


def expire_locally(places: AccountPlaces, company: str) -> None:
    pair = places.store.load(company)
    assert pair is not None
    places.store.save(company, dataclasses.replace(pair, access_expires_at=datetime.now(UTC) - timedelta(seconds=1)))


def client_at(base_url: str, places: AccountPlaces, company: str, settings: CallSettings = FAST) -> WszystkoClient:
    """A client for any loopback address (not only the simulator's)."""
    return build_client(
        company, base_url=base_url, requests_per_minute=0, places=places, breakers=BreakerBoard(), settings=settings
    )


def store_some_tokens(places: AccountPlaces, company: str) -> None:
    """Tokens valid for an hour as far as the client knows, for servers that never check them."""
    later = datetime.now(UTC) + timedelta(hours=1)
    places.store.save(company, TokenPair("test-access-token", "test-refresh-token", later, later))
    places.connections.set_connected(company)
