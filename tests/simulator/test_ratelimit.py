"""The per-account rate limit: 429 with Retry-After and the error body, a block, other accounts untouched."""

from __future__ import annotations

from agent.simulator.ratelimit import RateLimiter
from agent.simulator.settings import Clock
from tests.simulator.conftest import MakeSim, link


def test_over_the_limit_answers_429_and_blocks_the_account(make_sim: MakeSim) -> None:
    sim = make_sim(requests_per_minute=6)
    api, other = link(sim, 1), link(sim, 2)
    assert [api.get("/shipping/methods").status_code for _ in range(6)] == [200] * 6
    over = api.get("/shipping/methods")
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
    assert over.json()["errors"][0]["code"] == "tooManyRequests"
    assert over.json()["errors"][0]["userMessage"]
    # Blocked: every request of that account is refused, even after a bucket token would have come back.
    sim.platform.clock.advance(int(over.headers["Retry-After"]) - 0.5)
    assert api.get("/me/integrations").status_code == 429
    # Another account is not affected.
    assert other.get("/shipping/methods").status_code == 200
    sim.platform.clock.advance(1)
    assert api.get("/shipping/methods").status_code == 200


def test_limit_zero_means_no_limit(make_sim: MakeSim) -> None:
    sim = make_sim(requests_per_minute=0)
    api = link(sim, 1)
    assert {api.get("/me/integrations").status_code for _ in range(150)} == {200}


def test_bucket_refills_at_the_rate() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock)  # one a second, a minute's worth of burst
    assert all(limiter.check(7) is None for _ in range(60))
    assert limiter.check(7) == 1  # empty: blocked for ceil(60/60) = 1 s
    clock.advance(1.0)
    assert limiter.check(7) is None  # one token came back during the block's second
    assert limiter.check(7) == 1
    clock.advance(30)
    assert sum(limiter.check(7) is None for _ in range(40)) == 30  # 30 s at one a second


def test_a_slow_rate_blocks_for_longer() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock)
    assert limiter.check(1) is None and limiter.check(1) is None
    assert limiter.check(1) == 30
    clock.advance(29)
    assert limiter.check(1) == 1
