"""The event bus: publishing never waits for a subscriber, queues stay bounded, progress coalesces,
essential events survive a flood, and unsubscribing stops delivery."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from agent.domain import JobName
from agent.runtime.bus import EventBus
from agent.runtime.events import (
    ConnectionChanged,
    Event,
    ItemFailed,
    JobProgress,
    LeaseChanged,
    NextRunPlanned,
    RunFinished,
    RunStarted,
    Totals,
)

T0 = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
JOBS: tuple[JobName, ...] = ("orders", "offers", "stock", "prices")


def progress(run_id: int, job: JobName, done: int, total: int = 10_000) -> JobProgress:
    return JobProgress("ACME", run_id, job, done, total, None, T0)


def failed(n: int) -> ItemFailed:
    return ItemFailed("ACME", 1, "offers", f"product:{n}", "price missing", "set a price", T0)


def finished(run_id: int) -> RunFinished:
    return RunFinished("ACME", run_id, "success", Totals(ok=1), T0)


async def test_a_stalled_subscriber_does_not_hold_back_publish_or_others() -> None:
    bus = EventBus(queue_size=50)
    stalled = bus.subscribe()  # never read
    fast = bus.subscribe()
    received: list[Event] = []

    async def read() -> None:
        async for event in fast:
            received.append(event)
            if len(received) == 500:
                return

    reader = asyncio.create_task(read())
    for n in range(500):
        bus.publish(failed(n))
        await asyncio.sleep(0)  # let the fast reader keep up
    await asyncio.wait_for(reader, timeout=10)

    assert received == [failed(n) for n in range(500)]
    assert len(stalled) == 50
    assert stalled.dropped == 450
    assert fast.dropped == 0
    # The stalled subscriber kept the newest events: the oldest non-essential ones made room.
    assert stalled.drain() == [failed(n) for n in range(450, 500)]


async def test_ten_thousand_progress_events_collapse_to_the_latest_per_job() -> None:
    bus = EventBus(queue_size=100)
    stalled = bus.subscribe()
    bus.publish(RunStarted("ACME", 7, "automatic", JOBS, "ADMIN", T0))
    for n in range(10_000):
        bus.publish(progress(7, JOBS[n % 4], n))

    events = stalled.drain()
    assert events[0] == RunStarted("ACME", 7, "automatic", JOBS, "ADMIN", T0)
    assert events[1:] == [progress(7, job, 9_996 + i) for i, job in enumerate(JOBS)]
    assert stalled.dropped == 0
    assert stalled.replaced == 10_000 - 4


async def test_progress_of_different_runs_does_not_coalesce() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    bus.publish(progress(1, "offers", 5))
    bus.publish(progress(2, "offers", 6))
    bus.publish(progress(1, "offers", 7))
    assert sub.drain() == [progress(1, "offers", 7), progress(2, "offers", 6)]


async def test_a_delivered_progress_is_not_replaced_by_the_next() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    bus.publish(progress(1, "offers", 5))
    assert await anext(sub) == progress(1, "offers", 5)
    bus.publish(progress(1, "offers", 6))
    bus.publish(progress(1, "offers", 7))
    assert sub.drain() == [progress(1, "offers", 7)]


async def test_next_run_planned_replaces_the_older_plan_of_the_same_company() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    bus.publish(NextRunPlanned("ACME", T0, T0))
    bus.publish(NextRunPlanned("Beta", T0, T0))
    bus.publish(NextRunPlanned("ACME", None, T0))
    assert sub.drain() == [NextRunPlanned("ACME", None, T0), NextRunPlanned("Beta", T0, T0)]


async def test_essential_events_survive_a_flood() -> None:
    bus = EventBus(queue_size=10)
    sub = bus.subscribe()
    essential: list[Event] = []
    for n in range(5_000):
        bus.publish(failed(n))
        bus.publish(progress(n, "stock", n))  # a new run each time: nothing to coalesce with
        if n % 500 == 0:
            for event in (
                finished(n),
                ConnectionChanged("ACME", "connection_error", T0, "refresh refused"),
                LeaseChanged("ACME", None, n, T0),
            ):
                essential.append(event)
                bus.publish(event)

    events = sub.drain()
    kept = [e for e in events if isinstance(e, RunFinished | ConnectionChanged | LeaseChanged)]
    assert kept == essential
    # Essential events may exceed the bound, nothing else does.
    assert len(events) <= 10 + len(essential)
    assert sub.dropped == 10_000 + len(essential) - len(events)


async def test_an_essential_event_evicts_the_oldest_progress_first() -> None:
    bus = EventBus(queue_size=3)
    sub = bus.subscribe()
    bus.publish(failed(1))
    bus.publish(progress(1, "offers", 1))
    bus.publish(progress(2, "offers", 1))
    bus.publish(finished(1))
    assert sub.drain() == [failed(1), progress(2, "offers", 1), finished(1)]
    assert sub.dropped == 1


async def test_without_progress_to_drop_the_oldest_other_event_goes() -> None:
    bus = EventBus(queue_size=3)
    sub = bus.subscribe()
    for n in range(3):
        bus.publish(failed(n))
    bus.publish(failed(3))
    assert sub.drain() == [failed(1), failed(2), failed(3)]


async def test_new_progress_is_dropped_rather_than_an_older_failure() -> None:
    bus = EventBus(queue_size=2)
    sub = bus.subscribe()
    bus.publish(failed(1))
    bus.publish(finished(1))
    bus.publish(progress(1, "offers", 1))
    assert sub.drain() == [failed(1), finished(1)]
    assert sub.dropped == 1


async def test_a_full_queue_of_essentials_grows_only_for_essentials() -> None:
    bus = EventBus(queue_size=2)
    sub = bus.subscribe()
    for n in range(3):
        bus.publish(finished(n))
    bus.publish(failed(1))
    assert sub.drain() == [finished(0), finished(1), finished(2)]
    assert sub.dropped == 1


async def test_unsubscribe_stops_delivery_and_ends_the_reader() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    received: list[Event] = []

    async def read() -> None:
        async for event in sub:
            received.append(event)

    reader = asyncio.create_task(read())
    bus.publish(failed(1))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert received == [failed(1)]

    bus.publish(failed(2))  # queued, not yet read: discarded by unsubscribe
    sub.unsubscribe()
    bus.publish(failed(3))
    await asyncio.wait_for(reader, timeout=10)
    assert received == [failed(1)]
    assert bus.subscribers == 0
    assert len(sub) == 0
    sub.unsubscribe()  # idempotent


async def test_leaving_async_with_unsubscribes() -> None:
    bus = EventBus()
    async with bus.subscribe() as sub:
        bus.publish(failed(1))
        assert await anext(sub) == failed(1)
        assert bus.subscribers == 1
    assert sub.closed
    assert bus.subscribers == 0
    bus.publish(failed(2))
    with pytest.raises(StopAsyncIteration):
        await anext(sub)


async def test_several_subscribers_each_get_everything_in_order() -> None:
    bus = EventBus()
    subs = [bus.subscribe() for _ in range(5)]
    sent: list[Event] = [failed(1), progress(1, "offers", 3), finished(1), LeaseChanged("ACME", None, 1, T0)]

    async def read_four(sub_index: int) -> list[Event]:
        return [await anext(subs[sub_index]) for _ in range(4)]

    readers = [asyncio.create_task(read_four(i)) for i in range(5)]
    await asyncio.sleep(0)  # every reader is waiting
    for event in sent:
        bus.publish(event)
    results = await asyncio.wait_for(asyncio.gather(*readers), timeout=10)
    assert results == [sent] * 5
    assert bus.published == 4


async def test_subscribing_late_misses_earlier_events() -> None:
    bus = EventBus()
    bus.publish(failed(1))
    sub = bus.subscribe()
    bus.publish(failed(2))
    assert sub.drain() == [failed(2)]


async def test_close_ends_every_reader_and_later_subscriptions() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    reader = asyncio.create_task(anext(sub))
    await asyncio.sleep(0)
    bus.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(reader, timeout=10)
    late = bus.subscribe()
    bus.publish(failed(1))
    assert late.closed
    assert late.drain() == []


async def test_one_reader_at_a_time() -> None:
    bus = EventBus()
    sub = bus.subscribe()
    first = asyncio.create_task(anext(sub))
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="one task"):
        await anext(sub)
    bus.publish(failed(1))
    assert await asyncio.wait_for(first, timeout=10) == failed(1)


def test_queue_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="queue_size"):
        EventBus(queue_size=0)
