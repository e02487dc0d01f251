"""The offers job's write gate: writes that go together share one lease read, a read is not reused
once older than LEASE_FRESH, and a failed read is never reused."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest

from agent.errors import LeaseLost
from agent.sync.context import RunContext
from agent.sync.jobs.offers_pool import LEASE_FRESH, WriteGate, in_pool


class FakeContext:
    """The two RunContext methods the gate uses; counts lease reads, can lose the lease."""

    def __init__(self) -> None:
        self.reads = 0
        self.lost = False

    def check_stop(self) -> None:
        pass

    async def before_market_write(self) -> None:
        self.reads += 1
        await asyncio.sleep(0.001)
        if self.lost:
            raise LeaseLost("taken over")


class ManualClock:
    """A clock that moves only when the test moves it: a loaded machine cannot age a read."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_writes_share_a_fresh_read_and_an_old_one_is_read_again() -> None:
    ctx, clock = FakeContext(), ManualClock()
    gate = WriteGate(cast(RunContext, ctx), clock)
    await asyncio.gather(*(gate.before("offers.before_create") for _ in range(50)))
    clock.now += LEASE_FRESH / 2
    await gate.before("offers.before_create")  # the read is still fresh
    assert ctx.reads == 1
    clock.now += LEASE_FRESH
    await gate.before("offers.before_create")
    assert ctx.reads == 2


async def test_a_lost_lease_stops_every_write_after_it() -> None:
    ctx, clock = FakeContext(), ManualClock()
    gate = WriteGate(cast(RunContext, ctx), clock)
    await gate.before("offers.before_create")
    ctx.lost = True
    clock.now += LEASE_FRESH * 2
    for _ in range(3):
        with pytest.raises(LeaseLost):
            await gate.before("offers.before_create")
    assert ctx.reads == 4  # a failed read is not reused: each write looks again


async def test_in_pool_keeps_order_and_per_item_errors() -> None:
    async def work(n: int) -> int:
        await asyncio.sleep(0.001 * (n % 3))
        if n == 5:
            raise ValueError("five")
        return n * 10

    results = await in_pool(list(range(20)), work)
    assert [r for i, r in enumerate(results) if i != 5] == [n * 10 for n in range(20) if n != 5]
    assert isinstance(results[5], ValueError)
