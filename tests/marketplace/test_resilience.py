"""Rate limits, Retry-After, the circuit breaker and the limiter's window."""

from __future__ import annotations

import pytest

from agent.errors import MarketplaceUnavailable, RateLimited
from agent.marketplace.calls import CallSettings
from agent.marketplace.limits import RateLimiter, parse_retry_after
from agent.marketplace.retry import BreakerBoard, CircuitBreaker, RetryPolicy
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace, Fault

ONE_TRY = CallSettings(attempt_timeout=1.0, call_deadline=2.0, retry=RetryPolicy(1, 0.01, 0.01))


async def test_no_request_before_retry_after_elapses(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client(settings=ONE_TRY)
    fake.fail("GET /me/integrations", Fault("status", status=429, retry_after="30"))
    with pytest.raises(RateLimited) as caught:
        await client.check_connection()
    assert caught.value.retry_after == 30
    sent = len(fake.requests)
    # The call's deadline (2 s) ends long before the 30 s pause: it gives up without sending anything.
    with pytest.raises(RateLimited):
        await client.categories()
    assert len(fake.requests) == sent


async def test_after_retry_after_the_call_goes_through(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    fake.fail("GET /me/integrations", Fault("status", status=429, retry_after="1"))
    session = await client.check_connection()
    assert session.user_name == fake.account
    times = [t for m, p, t in fake.requests if p == "/me/integrations"]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95  # the second request waited out Retry-After


async def test_a_429_on_create_is_repeated_safely(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    from tests.marketplace.test_client import draft

    client = make_client()
    fake.fail("POST /me/offers", Fault("status", status=429, retry_after="0"))
    await client.create_offer(draft())
    assert len(fake.offers) == 1
    assert fake.count("POST", "/me/offers") == 2


async def test_the_breaker_makes_a_dead_host_cheap(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    board = BreakerBoard(failure_threshold=3, cooldown=60.0)
    client = make_client(breakers=board)
    fake.fail("GET /me/integrations", *[Fault("status", status=503)] * 100)
    with pytest.raises(MarketplaceUnavailable):
        await client.check_connection()
    sent = len(fake.requests)
    assert sent == 3
    for _ in range(10):
        with pytest.raises(MarketplaceUnavailable, match="paused"):
            await client.check_connection()
    assert len(fake.requests) == sent


def test_breaker_half_opens_after_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker("h", failure_threshold=2, cooldown=10, clock=lambda: now[0])
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "open"
    with pytest.raises(MarketplaceUnavailable):
        breaker.before_call()
    now[0] = 10.0
    breaker.before_call()  # the probe
    with pytest.raises(MarketplaceUnavailable):
        breaker.before_call()  # only one probe at a time
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 20.0
    breaker.before_call()
    breaker.record_success()
    assert breaker.state in ("closed",)  # a tuple: mypy narrowed the state to "open" above


async def test_limiter_never_starts_more_than_the_limit_per_minute() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(5, clock=lambda: now[0], sleep=sleep)
    starts = []
    for _ in range(12):
        await limiter.acquire()
        starts.append(now[0])
    for i, start in enumerate(starts):
        in_window = [s for s in starts[: i + 1] if s > start - 60.0]
        assert len(in_window) <= 5
    assert starts[5] == 60.0
    assert starts[10] == 120.0


async def test_limiter_honours_a_block() -> None:
    now = [100.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(0, clock=lambda: now[0], sleep=sleep)
    limiter.block_for(7.5)
    await limiter.acquire()
    assert now[0] == 107.5


async def test_limiter_try_acquire_counts_starts_and_never_jumps_the_queue() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.try_acquire() and limiter.try_acquire()
    assert not limiter.try_acquire()  # the third in the same minute must wait
    now[0] = 60.5
    assert limiter.try_acquire()
    limiter.block_for(3.0)
    assert not limiter.try_acquire()
    now[0] = 64.0
    async with limiter._lock:  # someone is waiting for a start: a newcomer does not pass them
        assert not limiter.try_acquire()
    assert limiter.try_acquire()


def test_retry_after_forms() -> None:
    assert parse_retry_after("12") == 12
    assert parse_retry_after(None) == 1.0
    assert parse_retry_after("soon") == 1.0
    assert parse_retry_after("99999") == 600.0
    assert parse_retry_after("Fri, 27 Nov 2026 12:00:30 GMT", now_epoch=1795780800.0) == 30.0


def test_full_jitter_stays_within_the_exponential_cap() -> None:
    import random

    policy = RetryPolicy(attempts=8, base_delay=0.5, max_delay=4.0)
    rng = random.Random(1)
    for retry in range(8):
        cap = min(4.0, 0.5 * 2**retry)
        delays = [policy.delay(retry, rng) for _ in range(200)]
        assert all(0 <= d <= cap for d in delays)
        assert max(delays) > cap * 0.8  # jitter spreads over the whole range


async def test_a_run_deadline_stops_calls_before_they_start(make_client: ClientFactory, fake: FakeMarketplace) -> None:
    client = make_client()
    await client.check_connection()
    client.set_run_deadline(0)
    sent = len(fake.requests)
    with pytest.raises(MarketplaceUnavailable, match="no time left"):
        await client.offers()
    assert len(fake.requests) == sent
    client.set_run_deadline(None)
    assert await client.offers() == ()
