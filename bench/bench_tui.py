"""Benchmark of the terminal UI: how fast the dashboard comes up and keeps up with a busy runtime.

`python bench/bench_tui.py [--quick]` prints one JSON object per measurement (see bench/run.py).
The app runs headless (Textual's test driver, 160x50) over the in-memory runtime of the TUI tests,
with 100 companies: the operator's worst day, every company syncing at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual.message import Message  # noqa: E402

from agent.domain import JobName  # noqa: E402
from agent.runtime.events import ItemFailed, JobProgress, RunStarted  # noqa: E402
from bench.common import emit  # noqa: E402
from tests.tui.fake_runtime import T0, FakeRuntime, company, fake_manage  # noqa: E402
from tui.app import MarketsyncApp  # noqa: E402
from tui.messages import RuntimeEvents  # noqa: E402
from tui.widgets.dashboard import CompanyTable  # noqa: E402

SIZE = (160, 50)
JOBS: tuple[JobName, ...] = ("orders", "offers", "stock", "prices")


@contextlib.asynccontextmanager
async def _app(companies: int) -> AsyncIterator[tuple[MarketsyncApp, FakeRuntime]]:
    """The app over the in-memory runtime of `companies`, with the real manage layer of the TUI tests."""
    fake = FakeRuntime([company(f"Firma {n:03d}") for n in range(companies)])
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as folder:
        async with fake_manage(fake, Path(folder)) as manage:
            yield MarketsyncApp(fake, log_level=None, manage=manage), fake


async def startup(companies: int, rounds: int) -> list[float]:
    """Seconds from starting the app to a dashboard showing every company."""
    times: list[float] = []
    for _ in range(rounds):
        async with _app(companies) as (app, _):
            began = time.perf_counter()
            async with app.run_test(size=SIZE) as pilot:
                while app.query_one(CompanyTable).row_count < companies:
                    await pilot.pause(0)
                times.append(time.perf_counter() - began)
    return times


async def flood(companies: int, events: int) -> tuple[float, int]:
    """Publish `events` progress events (and an item failure every 50th) as fast as the bus takes them;
    seconds until the dashboard shows the last one, and how many reached the app's handler."""
    async with _app(companies) as (app, fake):
        return await _flood(app, fake, companies, events)


async def _flood(app: MarketsyncApp, fake: FakeRuntime, companies: int, events: int) -> tuple[float, int]:
    handled = 0

    def count(message: Message) -> None:
        nonlocal handled
        if isinstance(message, RuntimeEvents):
            handled += len(message.events)

    async with app.run_test(size=SIZE, message_hook=count) as pilot:
        await pilot.pause()
        for n in range(companies):
            fake.bus.publish(RunStarted(f"Firma {n:03d}", n, "automatic", JOBS, "ADMIN", T0))
        await pilot.pause()
        handled = 0
        began = time.perf_counter()
        for n in range(events):
            name = f"Firma {n % companies:03d}"
            run_id = n % companies
            if n % 50 == 0:
                fake.bus.publish(ItemFailed(name, run_id, "offers", f"product:{n}", "no price", "set it", T0))
            else:
                at = T0 + timedelta(milliseconds=n)
                fake.bus.publish(JobProgress(name, run_id, "offers", n, events, 5.0, at))
            if n % 500 == 0:
                await asyncio.sleep(0)  # a runtime publishes between awaits, never thousands at once
        last = f"Firma {(events - 1) % companies:03d}"
        table = app.query_one(CompanyTable)
        while f"{events - 1}/{events}" not in str(table.get_cell(last, "current")):
            await pilot.pause(0)
        return time.perf_counter() - began, handled


async def latency(companies: int, samples: int) -> list[float]:
    """Seconds from publishing one progress event on an idle dashboard to its cell showing it."""
    async with _app(companies) as (app, fake):
        return await _latency(app, fake, companies, samples)


async def _latency(app: MarketsyncApp, fake: FakeRuntime, companies: int, samples: int) -> list[float]:
    delays: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(CompanyTable)
        for n in range(samples):
            name = f"Firma {n % companies:03d}"
            began = time.perf_counter()
            fake.bus.publish(JobProgress(name, 1, "offers", n + 1, 10_000, None, T0))
            # Busy-polling on purpose: the measurement is the gap between publish and the cell.
            while f"{n + 1}/10000" not in str(table.get_cell(name, "current")):  # noqa: ASYNC110
                await asyncio.sleep(0)
            delays.append(time.perf_counter() - began)
            await pilot.pause(0.005)
    return delays


async def main(quick: bool) -> None:
    companies = 100
    starts = await startup(companies, 2 if quick else 5)
    best = min(starts)
    emit("tui", "startup_100_companies", best * 1000, "ms", target="dashboard with 100 companies in < 1000 ms",
         ok=best < 1.0)

    events = 5_000 if quick else 50_000
    seconds, handled = await flood(companies, events)
    rate = events / seconds
    emit("tui", "events_absorbed_per_second", rate, "events/s",
         target=">= 10000 events/s absorbed with 100 companies running (progress collapses)", ok=rate >= 10_000)
    emit("tui", "messages_handled_share", 100 * handled / events, "%",
         target="informational: share of published events that reached the app after collapsing", ok=None)

    delays = await latency(companies, 50 if quick else 300)
    p95 = statistics.quantiles(delays, n=20)[18] * 1000
    emit("tui", "progress_to_cell_p95", p95, "ms", target="an idle dashboard shows a progress event in < 50 ms (p95)",
         ok=p95 < 50)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and events (< 60 s)")
    asyncio.run(main(parser.parse_args().quick))
