"""Part 2 of the reliability suite, the token endpoint (`POST /integration/token`): faults on the
refresh that an expired access token forces.

- A 429 with Retry-After: nothing may be sent to the account before it elapses.
- A slow refresh: the call must still end within its deadline + 10 %.
- 503, reset, cut, malformed, lost, a drip past the deadline: the account works again afterwards
  without linking it again, and the quiet runs converge (quick: lost; long: all).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from agent.domain import JOB_ORDER
from tests.reliability import wire
from tests.reliability.checks import broken_promises
from tests.reliability.network_checks import effects_problems
from tests.reliability.processes import Shop
from tests.reliability.wire import RELAXED, TIGHT, NetWorld, early_requests

net_world = wire.net_world
"""The fixture, registered in this module by being named here."""

TOKEN = "POST /integration/token"


async def test_a_rate_limited_token_refresh_holds_every_request_until_retry_after(net_world: NetWorld) -> None:
    net = net_world
    world = net.world
    await world.run(*JOB_ORDER)
    await Shop(world, random.Random(9)).day(orders=6)
    net.effects_at_start = await world.effects()
    await world.control("POST", "/faults", json={"route": TOKEN, "kind": "status", "status": 429, "retryAfter": 2,
                                                 "count": 1})  # fmt: skip
    await world.control("POST", "/expire-tokens", params={"account": world.account_id})
    net.next_run(TIGHT)
    await world.run(*JOB_ORDER, force_full=True)
    assert await world.control("GET", "/faults") == [], "the token endpoint was never asked"
    await world.control("DELETE", "/faults")
    for _ in range(2):
        net.next_run(RELAXED)
        quiet = await world.run(*JOB_ORDER)
    assert quiet.result == "success", quiet.error_summary
    assert await broken_promises(world) == []
    assert await effects_problems(net) == []
    early = early_requests(net.wire.exchanges)
    print(f"\ntoken refresh 429 (Retry-After 2): {len(early)} requests before it elapsed; first: {early[:2]}")
    assert early == []


async def test_a_slow_token_refresh_ends_within_the_calls_deadline(net_world: NetWorld) -> None:
    net = net_world
    world = net.world
    await world.run(*JOB_ORDER)
    slow = TIGHT.call_deadline * 1.1 + 1.0
    await world.control("POST", "/faults", json={"route": TOKEN, "kind": "latency", "seconds": slow, "count": 1})
    await world.control("POST", "/expire-tokens", params={"account": world.account_id})
    net.next_run(TIGHT)
    await world.run("catalogue")
    assert await world.control("GET", "/faults") == [], "the token endpoint was never asked"
    worst = max(net.engine.calls, key=lambda c: c.ratio)
    took = worst.end - worst.start
    print(f"\nslow token refresh ({slow:g} s): worst call {worst.what}, {took:.2f} s of {worst.deadline:g} s")
    net.next_run(RELAXED)
    assert (await world.run(*JOB_ORDER)).result == "success"
    assert worst.ratio <= 1.1


REFRESH_FAULTS: dict[str, dict[str, Any]] = {
    "503": {"kind": "status", "status": 503},
    "reset": {"kind": "reset"},
    "cut": {"kind": "cut"},
    "malformed": {"kind": "malformed"},
    "lost": {"kind": "lost"},
    "drip-past-deadline": {"kind": "drip", "seconds": TIGHT.attempt_timeout + 2.0},
}


@pytest.mark.parametrize(
    "kind", [k if k == "lost" else pytest.param(k, marks=pytest.mark.long) for k in REFRESH_FAULTS]
)
async def test_a_broken_token_refresh_needs_no_new_link(net_world: NetWorld, kind: str) -> None:
    """The refresh an expired token forces meets a fault: the account must still work afterwards
    without linking again (a lost answer's rotation is repeated within the grace period).

    The faulty run itself ends failed for all but the drip: the refresh a 401 forces is made in
    `CallEngine.call` outside the retry loop, so one transient fault fails the call (and its job)."""
    net = net_world
    world = net.world
    await world.run(*JOB_ORDER)
    await Shop(world, random.Random(4)).day(orders=4)
    net.effects_at_start = await world.effects()
    await world.control("POST", "/faults", json={**REFRESH_FAULTS[kind], "route": TOKEN, "count": 1})
    await world.control("POST", "/expire-tokens", params={"account": world.account_id})
    net.next_run(TIGHT)
    faulty = await world.run(*JOB_ORDER)
    assert await world.control("GET", "/faults") == [], "the token endpoint was never asked"
    for _ in range(2):
        net.next_run(RELAXED)
        quiet = await world.run(*JOB_ORDER)
    stats = await world.control("GET", "/token-stats", params={"account": world.account_id})
    print(f"\nrefresh {kind}: faulty run {faulty.result} ({faulty.error_summary}); quiet run {quiet.result}; {stats}")
    assert quiet.result == "success", quiet.error_summary
    assert stats["invalidGrants"] == 0
    assert await broken_promises(world) == []
    assert await effects_problems(net) == []
