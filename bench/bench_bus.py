"""Benchmark of the event bus: what publishing costs the runtime, and what a stalled watcher costs in memory.

`python bench/bench_bus.py [--quick]` prints one JSON object per measurement (see bench/run.py).
The scenario: 100 companies syncing at once, each run sending progress for its jobs
and now and then a failed item, watched by one reading subscriber and nine that never read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import tracemalloc
from datetime import UTC, datetime

from agent.domain import JobName
from agent.runtime.bus import EventBus
from agent.runtime.events import Event, ItemFailed, JobProgress, RunFinished, Totals

T0 = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
JOBS: tuple[JobName, ...] = ("catalogue", "orders", "offers", "stock", "prices")


def _emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": "bus", "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row), flush=True)


def _events(count: int) -> list[Event]:
    events: list[Event] = []
    for n in range(count):
        run_id = n % 100
        if n % 50 == 0:
            events.append(ItemFailed(f"firma{run_id}", run_id, "offers", f"product:{n}", "no price", "set it", T0))
        elif n % 5000 == 4999:
            events.append(RunFinished(f"firma{run_id}", run_id, "success", Totals(ok=n), T0))
        else:
            events.append(JobProgress(f"firma{run_id}", run_id, JOBS[n % 5], n, count, None, T0))
    return events


async def _publish_all(events: list[Event], *, timed: bool) -> tuple[list[float], int, int]:
    """Publish `events` to 9 stalled and 1 reading subscriber; (publish times, largest stalled queue, seen)."""
    bus = EventBus()
    stalled = [bus.subscribe() for _ in range(9)]
    reader = bus.subscribe()
    received = 0

    async def read() -> None:
        nonlocal received
        async for _ in reader:
            received += 1

    task = asyncio.create_task(read())
    times: list[float] = []
    for n, event in enumerate(events):
        if timed:
            t = time.perf_counter()
            bus.publish(event)
            times.append(time.perf_counter() - t)
        else:
            bus.publish(event)
        if n % 100 == 99:
            await asyncio.sleep(0)  # the reader gets the loop now and then, like a TUI would
    await asyncio.sleep(0)
    queued = max(len(s) for s in stalled)
    bus.close()
    await task
    return times, queued, received


async def _run(count: int) -> None:
    events = _events(count)
    times, queued, received = await _publish_all(events, timed=True)
    times.sort()
    mean = sum(times) / count * 1e6
    p999 = times[int(count * 0.999)] * 1e6
    _emit(f"publish to 10 subscribers (9 stalled), mean per event over {count}", mean, "us", "under 50 us", mean < 50)
    _emit("publish to 10 subscribers, p99.9", p999, "us", "under 200 us", p999 < 200)
    _emit(
        "slowest single publish (includes any GC pause)",
        times[-1] * 1000,
        "ms",
        "under 50 ms (the loop-lag bar)",
        times[-1] < 0.05,
    )
    _emit("largest stalled queue", queued, "events", "at most 1000 + essential events", queued <= 1000 + count // 5000)
    _emit("events the reading subscriber saw (rest coalesced)", received / count * 100, "%", "informative", True)

    tracemalloc.start()
    await _publish_all(events, timed=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _emit(
        "peak memory of the bus with 9 stalled subscribers",
        peak / 2**20,
        "MB",
        "under 20 MB (bounded, not growing with events)",
        peak / 2**20 < 20,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer events")
    args = parser.parse_args()
    asyncio.run(_run(50_000 if args.quick else 500_000))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
