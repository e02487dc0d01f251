"""The event bus: the runtime publishes, any number of watchers subscribe; nobody waits for anybody.

`EventBus.publish(event)` is a plain function: it puts the event in every subscriber's queue and
returns, never awaiting a subscriber, so a stalled TUI cannot slow a sync. Each queue is bounded:

* an event that supersedes one still queued (`events.replaces_key`: progress of the same run and
  job, the next planned run of the same company) takes that one's place instead of growing the queue;
* when a queue is full, the oldest `JobProgress` goes first, then the oldest other event that is not
  essential; when nothing can go, a new non-essential event is dropped. Every drop is counted in
  `Subscription.dropped`, so a watcher knows to re-read the state database;
* essential events (`events.ESSENTIAL`: run finished, connection changed, lease changed, service
  status) are never dropped; when the queue holds nothing else they exceed the bound, which they
  can afford, being a few per run.

Pure asyncio, no I/O. Publish and read from the event loop's thread (the bus is not thread-safe;
from another thread use `loop.call_soon_threadsafe(bus.publish, event)`).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict
from types import TracebackType

from agent.runtime.events import ESSENTIAL, Event, JobProgress, replaces_key

DEFAULT_QUEUE_SIZE = 1000


class EventBus:
    """Fans events out to subscriptions with bounded, coalescing queues."""

    def __init__(self, *, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._queue_size = queue_size
        self._subscriptions: list[Subscription] = []
        self._closed = False
        self.published = 0
        """Events published since the bus was made."""

    def subscribe(self, *, queue_size: int | None = None) -> Subscription:
        """A new subscription that receives every event published from now on.

        Use it as an async iterator (`async for event in sub`), ideally inside `async with sub:`
        so it is unsubscribed however the reader ends. After `close()` the subscription is born ended.
        """
        subscription = Subscription(self, queue_size or self._queue_size)
        if self._closed:
            subscription.unsubscribe()
        else:
            self._subscriptions.append(subscription)
        return subscription

    def publish(self, event: Event) -> None:
        """Queue `event` for every subscriber and return at once; events after `close()` are ignored."""
        if self._closed:
            return
        self.published += 1
        for subscription in self._subscriptions:
            subscription._offer(event)

    def close(self) -> None:
        """End every subscription (their readers stop) and ignore later publishes."""
        self._closed = True
        for subscription in list(self._subscriptions):
            subscription.unsubscribe()

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def _forget(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)


class Subscription:
    """One watcher's queue of events, read by one task as an async iterator."""

    def __init__(self, bus: EventBus, queue_size: int) -> None:
        self._bus = bus
        self._queue_size = queue_size
        # Sequence number -> event, in delivery order. A superseding event is written over the
        # entry it supersedes, which keeps that entry's place.
        self._queue: OrderedDict[int, Event] = OrderedDict()
        # The droppable entries, oldest first, so that making room costs O(1) even when full.
        self._progress: OrderedDict[int, None] = OrderedDict()
        self._other: OrderedDict[int, None] = OrderedDict()
        self._by_key: dict[tuple[object, ...], int] = {}
        self._numbers = itertools.count()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self.dropped = 0
        """Events this subscriber will never see because its queue was full."""
        self.replaced = 0
        """Queued events superseded by a newer one of the same kind (not lost: the newer one tells more)."""

    # --- reading ---------------------------------------------------------------------------

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        """The next event, waiting for one; StopAsyncIteration once unsubscribed."""
        while not self._queue:
            if self._closed:
                raise StopAsyncIteration
            if self._waiter is not None:
                raise RuntimeError("a subscription is read by one task at a time")
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._pop()

    def drain(self) -> list[Event]:
        """Every event queued now, in order, without waiting (for a reader that renders in batches)."""
        events: list[Event] = []
        while self._queue:
            events.append(self._pop())
        return events

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def closed(self) -> bool:
        return self._closed

    # --- ending ----------------------------------------------------------------------------

    def unsubscribe(self) -> None:
        """Stop receiving: queued events are discarded and a waiting reader's loop ends. Idempotent."""
        self._closed = True
        self._bus._forget(self)
        self._queue.clear()
        self._progress.clear()
        self._other.clear()
        self._by_key.clear()
        self._wake()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.unsubscribe()

    # --- filling (called by the bus) -------------------------------------------------------

    def _offer(self, event: Event) -> None:
        if self._closed:
            return
        key = replaces_key(event)
        if key is not None:
            number = self._by_key.get(key)
            if number is not None:
                self._queue[number] = event
                self.replaced += 1
                return
        if len(self._queue) >= self._queue_size and not self._make_room(event):
            self.dropped += 1
            return
        number = next(self._numbers)
        self._queue[number] = event
        if key is not None:
            self._by_key[key] = number
        if isinstance(event, JobProgress):
            self._progress[number] = None
        elif not isinstance(event, ESSENTIAL):
            self._other[number] = None
        self._wake()

    def _make_room(self, incoming: Event) -> bool:
        """Drop the least useful queued event for `incoming`; False when `incoming` should go instead."""
        if self._progress:
            victim = next(iter(self._progress))
        elif isinstance(incoming, JobProgress):
            return False
        elif self._other:
            victim = next(iter(self._other))
        else:
            return isinstance(incoming, ESSENTIAL)
        self._remove(victim)
        self.dropped += 1
        return True

    def _pop(self) -> Event:
        number = next(iter(self._queue))
        return self._remove(number)

    def _remove(self, number: int) -> Event:
        event = self._queue.pop(number)
        self._progress.pop(number, None)
        self._other.pop(number, None)
        key = replaces_key(event)
        if key is not None and self._by_key.get(key) == number:
            del self._by_key[key]
        return event

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
