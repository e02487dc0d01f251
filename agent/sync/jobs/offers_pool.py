"""How the offers job sends many offers at once: a fixed pool of workers, and the lease check
shared by the writes that go together.

Offers are independent, so up to `CONCURRENCY` requests are in flight (the benchmark's bare loop
uses as many). Every marketplace write still goes only after a recent enough look at the lease.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from agent.sync.context import RunContext
from agent.sync.crash import crash_point

CONCURRENCY = 8
LEASE_FRESH = 0.05
"""Seconds a lease read stays good for the writes that ask after it started (see `WriteGate`)."""
T = TypeVar("T")
R = TypeVar("R")


class WriteGate:
    """`ctx.before_market_write` for many concurrent writers, at a bounded cost.

    A writer goes after a lease read that ended after it asked (it joins the read under way, or
    starts one) or that started at most `LEASE_FRESH` seconds before it asked. A taken-over run so
    stops within `LEASE_FRESH` plus the requests already in flight, while an export of thousands
    of offers a second costs tens of lease reads a second, not one per few offers (a read is a
    transaction on the company database: five trips to its thread). The stop check and the crash
    points stay per write.
    """

    def __init__(self, ctx: RunContext, clock: Callable[[], float] | None = None) -> None:
        # the clock is the running loop's by default; tests hand a manual one, so that "fresh"
        # and "old" do not hang on how fast a loaded machine runs the test
        self._ctx = ctx
        self._clock = clock
        self._reading: asyncio.Task[None] | None = None
        self._started = 0.0

    async def before(self, point: str) -> None:
        self._ctx.check_stop()
        now = self._clock() if self._clock is not None else asyncio.get_running_loop().time()
        reading = self._reading
        if reading is None or (reading.done() and (now - self._started > LEASE_FRESH or _unsuccessful(reading))):
            self._started = now
            reading = self._reading = asyncio.create_task(self._ctx.before_market_write())
        if not reading.done():
            await asyncio.shield(reading)
        crash_point(point)


async def in_pool(items: Sequence[T], work: Callable[[T], Awaitable[R]]) -> list[R | BaseException]:
    """`work` on every item, `CONCURRENCY` at a time; each result or the exception it raised, in order.

    A fixed set of workers over the list, not a task per item waiting on a semaphore: a page of
    500 offers costs 8 tasks, and the event loop does less bookkeeping per offer.
    """
    results: dict[int, R | BaseException] = {}
    position = 0

    async def worker() -> None:
        nonlocal position
        while position < len(items):
            index, position = position, position + 1
            try:
                results[index] = await work(items[index])
            except Exception as exc:  # kept per item; the caller sorts fatal from per-item failures
                results[index] = exc

    await asyncio.gather(*(worker() for _ in range(min(CONCURRENCY, len(items)))))
    return [results[index] for index in range(len(items))]


def _unsuccessful(task: asyncio.Task[None]) -> bool:
    """A finished task that did not succeed: its answer is not reused (a new read goes)."""
    return task.cancelled() or task.exception() is not None


async def settled(task: asyncio.Task[None]) -> None:
    """Wait for `task` to end, its error taken (the caller has its own to raise)."""
    await asyncio.wait([task])
    if not task.cancelled():
        task.exception()
