"""Linking: the device flow's consent, refusal, expiry and slow_down, against the fake."""

from __future__ import annotations

from collections.abc import Callable

import httpx2
import pytest

from agent.marketplace.device_flow import LinkFailed, register, wait_for_tokens
from tests.marketplace.fake import FakeMarketplace


class FakeClock:
    """Time that moves only when the poller sleeps; a hook runs at each sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[int], None] = lambda n: None

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.on_sleep(len(self.sleeps))

    def clock(self) -> float:
        return self.now


def _http(fake: FakeMarketplace) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(base_url="http://127.0.0.1:9/api/", transport=fake.transport())




async def test_consent_gives_a_pair(fake: FakeMarketplace) -> None:
    clock = FakeClock()
    async with _http(fake) as http:
        reg = await register(http)
        clock.on_sleep = lambda n: fake.device.__setitem__(reg.device_code, "allow") if n == 3 else None
        pair = await wait_for_tokens(http, reg, sleep=clock.sleep, clock=clock.clock)
    assert pair.access_token in fake.access
    assert pair.integration_id is not None
    assert clock.sleeps == [5, 5, 5]  # the server's interval


async def test_denial_is_a_clear_failure(fake: FakeMarketplace) -> None:
    clock = FakeClock()
    async with _http(fake) as http:
        reg = await register(http)
        clock.on_sleep = lambda n: fake.device.__setitem__(reg.device_code, "deny")
        with pytest.raises(LinkFailed) as caught:
            await wait_for_tokens(http, reg, sleep=clock.sleep, clock=clock.clock)
    assert caught.value.reason == "denied"
    assert reg.device_code not in str(caught.value)


async def test_expiry_on_the_server_or_the_clock(fake: FakeMarketplace) -> None:
    clock = FakeClock()
    async with _http(fake) as http:
        reg = await register(http)
        clock.on_sleep = lambda n: fake.device.__setitem__(reg.device_code, "expired") if n == 2 else None
        with pytest.raises(LinkFailed) as caught:
            await wait_for_tokens(http, reg, sleep=clock.sleep, clock=clock.clock)
        assert caught.value.reason == "expired"
        # Nobody ever answers: the code's own lifetime (600 s) ends the wait.
        reg2 = await register(http)
        clock2 = FakeClock()
        with pytest.raises(LinkFailed) as caught2:
            await wait_for_tokens(http, reg2, sleep=clock2.sleep, clock=clock2.clock)
    assert caught2.value.reason == "expired"
    assert sum(clock2.sleeps) >= 600
    assert len(clock2.sleeps) == 120


async def test_slow_down_adds_five_seconds_each_time(fake: FakeMarketplace) -> None:
    clock = FakeClock()
    async with _http(fake) as http:
        reg = await register(http)

        def decide(n: int) -> None:
            fake.device[reg.device_code] = {1: "slow", 2: "slow", 4: "allow"}.get(n, "pending")

        clock.on_sleep = decide
        await wait_for_tokens(http, reg, sleep=clock.sleep, clock=clock.clock)
    assert clock.sleeps == [5, 10, 15, 15]


async def test_a_network_blip_while_polling_is_survived(fake: FakeMarketplace) -> None:
    from tests.marketplace.fake import Fault

    clock = FakeClock()
    async with _http(fake) as http:
        reg = await register(http)
        fake.fail("GET /integration/token", Fault("reset"), Fault("status", status=502))
        clock.on_sleep = lambda n: fake.device.__setitem__(reg.device_code, "allow") if n == 3 else None
        pair = await wait_for_tokens(http, reg, sleep=clock.sleep, clock=clock.clock)
    assert pair.refresh_token in fake.grants
