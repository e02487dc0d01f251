"""Benchmark of the terminal UI's keys: with twenty companies syncing, is a key press answered within 100 ms?

`python bench/bench_tui_keys.py [--quick]` prints one JSON object per measurement (see bench/run.py).
The app runs under Textual's test pilot at 160x50 with a terminal driver of the bench's that counts
the bytes of each frame instead of writing them (see `Frames`), in three settings:

- "busy": over the in-memory runtime of the TUI tests, with twenty companies whose runs publish
  progress all the time (about 2,000 events a second), and a real manage layer over a real
  installation in a temporary folder: a config file, a state database holding 400 runs with item
  outcomes, and 20,000 log lines;
- "idle": the same with no runs going;
- "real": over a real runtime in this process (`Runtime(role="tui")`, as `marketsync tui` runs it)
  with twenty companies of 300 products each really syncing against the simulator (its own
  process): every company is asked for a full run (orders, offers with every offer sent again,
  stock, prices) again as soon as its last one ended, for as long as keys are pressed.
 A key is answered when a frame goes to
the terminal that shows its screen (the app's screens are built once and kept, so a screen's widgets
have sizes before it is shown again: only a frame drawn while it is on top counts), and "ready" when
a frame shows its content read afresh (the schedules table filled, the runs and the highlighted
run's items read again, the log search run again, the accounts read again); for the dashboard's
cursor, a frame with the cursor moved; for Escape, a frame of the dashboard.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.driver import Driver  # noqa: E402
from textual.drivers.headless_driver import HeadlessDriver  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from agent.config import Config, load_config  # noqa: E402
from agent.domain import JobName  # noqa: E402
from agent.erp.sqlite import SqliteErp  # noqa: E402
from agent.errors import MarketsyncError  # noqa: E402
from agent.logs import setup_logging  # noqa: E402
from agent.marketplace.accounts import open_client  # noqa: E402
from agent.paths import Paths  # noqa: E402
from agent.runtime.events import JobProgress, RunFinished, RunQueued, RunSkipped, RunStarted  # noqa: E402
from agent.runtime.manage import Manage  # noqa: E402
from agent.runtime.service import Runtime  # noqa: E402
from agent.state.models import ItemOutcome, RunOptions  # noqa: E402
from agent.state.store import StateDB  # noqa: E402
from agent.sync.run import RunRequest, execute_run  # noqa: E402
from bench.common import emit, seeded_and_linked, start_simulator, write_config  # noqa: E402
from tests.tui.fake_runtime import T0, FakeRuntime, company  # noqa: E402
from tui.app import MarketsyncApp  # noqa: E402
from tui.screens.connections import ConnectionsScreen  # noqa: E402
from tui.screens.history import HistoryScreen  # noqa: E402
from tui.screens.kept import KeptScreen  # noqa: E402
from tui.screens.logs import LogsScreen  # noqa: E402
from tui.screens.schedules_edit import SchedulesEditScreen  # noqa: E402
from tui.screens.sync import SyncScreen  # noqa: E402
from tui.widgets.dashboard import CompanyTable  # noqa: E402

SIZE = (160, 50)
COMPANIES = 20
JOBS: tuple[JobName, ...] = ("orders", "offers", "stock", "prices")
BAR_MS = 100.0


def names() -> list[str]:
    return [f"Firma {n:02d}" for n in range(COMPANIES)]


def write_installation(folder: Path) -> Path:
    lines = ["# bench installation", "[agent]", 'home = "home"', 'log_dir = "logs"', 'token_store = "file"', "",
             "[marketplace]", 'base_url = "http://127.0.0.1:9/api"']
    for n, name in enumerate(names()):
        lines += ["", "[[company]]", f'name = "{name}"', f'database = "db{n}.sqlite"', "[company.schedule]",
                  "enabled = true", "every_minutes = 15"]
    path = folder / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logs = folder / "logs"
    logs.mkdir()
    for day in range(1, 5):
        body = "".join(f"2026-11-0{day} 10:00:{i % 60:02d}.000 | INFO | Firma {i % COMPANIES:02d} | x:1 | "
                       f"offers: offer {100000 + i} sent (run {i // 50})\n" for i in range(5000))
        (logs / f"marketsync-2026-11-0{day}.log").write_text(body, encoding="utf-8")
    return path


async def fill_history(state: StateDB) -> None:
    for n in range(400):
        run = await state.start_run(names()[n % COMPANIES], trigger="automatic", operator="ADMIN",
                                    options=RunOptions(JOBS))
        outcomes = [ItemOutcome("offers", f"product:{i}", "failed" if i % 25 == 0 else "ok",
                                "InvalidItem" if i % 25 == 0 else "", "no price" if i % 25 == 0 else "")
                    for i in range(100)]
        await state.record_outcomes(run.id, outcomes)
        await state.finish_run(run.id, "partial")


async def publish_forever(fake: FakeRuntime, stop: asyncio.Event) -> int:
    """Twenty companies' runs reporting progress, about 2,000 events a second in all."""
    for n, name in enumerate(names()):
        fake.bus.publish(RunStarted(name, n, "automatic", JOBS, "ADMIN", T0))
    sent = 0
    while not stop.is_set():
        for n, name in enumerate(names()):
            sent += 1
            fake.bus.publish(JobProgress(name, n, "offers", sent, 10**9, 60.0, T0 + timedelta(milliseconds=sent)))
        await asyncio.sleep(0.01)
    return sent


class Frames:
    """Watches the frames the app sends to the terminal; notes when the first one drawn while each
    check held went out.

    The app runs with a terminal driver of the bench's (`driver_class`), not headless: Textual turns
    each frame into the terminal's bytes as for a real terminal (that costs a real frame too) and
    hands them to the driver, which counts them instead of writing them; `flush` ends each frame.
    """

    def __init__(self) -> None:
        self.driver: Driver | None = None
        self.checks: list[Callable[[], bool]] = []
        self.seen: list[float | None] = []
        self.watching = 0
        """Bumped by each `watch`: a wait for the screen to settle answers only the watch that asked."""
        self.sent = 0
        self.bytes = 0

    def driver_class(self) -> type[Driver]:
        """The driver to give the app (`App.driver_class`) before it runs."""
        frames = self

        class FrameDriver(HeadlessDriver):
            def __init__(self, app: App[Any], *, debug: bool = False, mouse: bool = True,
                         size: tuple[int, int] | None = None) -> None:
                super().__init__(app, debug=debug, mouse=mouse, size=size)
                frames.driver = self

            @property
            def is_headless(self) -> bool:
                return False  # so the app renders each frame to the terminal's bytes

            def write(self, data: str) -> None:
                frames.bytes += len(data)

            def flush(self) -> None:
                frames.frame()

        return FrameDriver

    def frame(self) -> None:
        self.sent += 1
        now = time.perf_counter()
        for index, check in enumerate(self.checks):
            if self.seen[index] is None and check():
                self.seen[index] = now

    def watch(self, checks: tuple[Callable[[], bool], ...]) -> None:
        self.watching += 1
        self.checks = list(checks)
        self.seen = [None] * len(checks)

    def settled(self, watching: int, index: int) -> None:
        """The app drew all it had to draw after check `index` held (Textual's `call_after_refresh`)."""
        if watching == self.watching and self.seen[index] is None and self.checks[index]():
            self.seen[index] = time.perf_counter()


TIMEOUT_S = 10.0


async def answered(pilot: Pilot[None], frames: Frames, key: str, *checks: Callable[[], bool]) -> list[float]:
    """Milliseconds from the key reaching the app (as a terminal's driver delivers it) until a frame
    drawn while each check held went out (in order: the screen shown, then its content ready).

    Not `pilot.press`: it waits for the whole process to go idle (up to a second, twice), which a
    busy runtime never lets happen, so it would measure the test driver rather than the app.
    """
    app = pilot.app
    driver = frames.driver
    assert driver is not None
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    frames.watch(checks)
    asked = [False] * len(checks)
    began = time.perf_counter()
    driver.send_message(event)
    # Busy-polling on purpose: the measurement is the gap between the key and its frames.
    while any(seen is None for seen in frames.seen):
        if time.perf_counter() - began > TIMEOUT_S:
            raise TimeoutError(f"key {key!r}: no frame showed the answer within {TIMEOUT_S:.0f} s")
        # Content read again that changed nothing on the screen sends no frame: once the screen is
        # shown, a check that holds is answered when the app has drawn all it had to.
        for index, check in enumerate(checks):
            if index and not asked[index] and frames.seen[index] is None and frames.seen[0] is not None and check():
                asked[index] = True
                app.call_after_refresh(frames.settled, frames.watching, index)
        await asyncio.sleep(0)
    times = [((seen or began) - began) * 1000 for seen in frames.seen]
    frames.watch(())
    return times


def laid_out(screen: object, kind: type, selector: str) -> bool:
    """The screen is on top, mounted, and its main widget has been given a size (it is on the terminal)."""

    if not isinstance(screen, kind) or not isinstance(screen, Screen):
        return False
    try:
        return bool(screen.query_one(selector).size.height > 0)
    except Exception:
        return False


def rows(screen: object, selector: str) -> int:

    if not isinstance(screen, Screen):
        return 0
    try:
        return screen.query_one(selector, DataTable).row_count
    except Exception:
        return 0


def reads(app: MarketsyncApp, name: str) -> int:
    """The reads a kept screen of the app has finished (0 before it is made)."""
    return app.get_screen(name, KeptScreen).reads if app.is_screen_installed(name) else 0


async def measure(rounds: int, *, busy: bool = True) -> dict[str, list[float]]:
    """Per key, the times to shown ("h") and to content ready ("h ready"), over the in-memory runtime."""
    with tempfile.TemporaryDirectory() as folder:
        config = load_config(write_installation(Path(folder)))
        async with StateDB(config.agent.home / "state.sqlite") as state:
            await fill_history(state)

            async def reload() -> None:
                return None

            manage = Manage(lambda: config, state, reload)
            fake = FakeRuntime([company(name) for name in names()])
            app = MarketsyncApp(fake, log_level=None, manage=manage)
            frames = Frames()
            app.driver_class = frames.driver_class()
            stop = asyncio.Event()
            if not busy:
                stop.set()
            async with app.run_test(headless=False, size=SIZE) as pilot:
                await pilot.pause()
                publisher = asyncio.create_task(publish_forever(fake, stop))
                await pilot.pause(0.5)
                try:
                    return await press_keys(pilot, frames, rounds)
                finally:
                    stop.set()
                    publisher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await publisher
    raise AssertionError("unreachable")


async def press_keys(pilot: Pilot[None], frames: Frames, rounds: int) -> dict[str, list[float]]:
    """Each key of the bar `rounds` times (each screen closed with Escape), and the dashboard's cursor."""
    app = pilot.app
    assert isinstance(app, MarketsyncApp)
    times: dict[str, list[float]] = {}
    table = app.query_one(CompanyTable)

    def read_again(name: str) -> Callable[[], bool]:
        """A kept screen has finished one more read of its data than when the key was pressed."""
        before = reads(app, name)
        return lambda: reads(app, name) > before

    # Per key: shown, and a maker of "ready" (called as the key is pressed).
    checks: dict[str, tuple[Callable[[], bool], Callable[[], Callable[[], bool]]]] = {
        "s": (lambda: laid_out(app.screen, SyncScreen, "#sync-start"),
              lambda: lambda: True),
        "h": (lambda: laid_out(app.screen, SchedulesEditScreen, "#sched-table"),
              lambda: lambda: rows(app.screen, "#sched-table") == COMPANIES),
        "c": (lambda: laid_out(app.screen, ConnectionsScreen, "#conn-table"),
              lambda: read_again("connections")),
        "r": (lambda: laid_out(app.screen, HistoryScreen, "#history-runs"),
              lambda: read_again("history")),
        "l": (lambda: laid_out(app.screen, LogsScreen, "#logs-lines"),
              lambda: read_again("logs")),
    }
    screens = (SyncScreen, SchedulesEditScreen, ConnectionsScreen, HistoryScreen, LogsScreen)
    for _ in range(rounds):
        for key, (shown, ready) in checks.items():
            to_shown, to_ready = await answered(pilot, frames, key, shown, ready())
            times.setdefault(key, []).append(to_shown)
            times.setdefault(f"{key} ready", []).append(to_ready)
            back = await answered(pilot, frames, "escape",
                                  lambda: laid_out(app.screen, type(app.screen_stack[0]), "#companies")
                                  and not isinstance(app.screen, screens))
            times.setdefault("escape", []).extend(back)
        table.focus()
        before = table.cursor_row
        moved = await answered(pilot, frames, "down" if before < COMPANIES - 1 else "up",
                               lambda b=before: table.cursor_row != b)  # type: ignore[misc]
        times.setdefault("down", []).extend(moved)
    return times


REAL_PRODUCTS = 300
REAL_JOBS: tuple[JobName, ...] = ("orders", "offers", "stock", "prices")


async def build_real(config: Config) -> None:
    """Seed and link every company, and copy the catalogue into its ERP (the offers job needs it)."""
    gate = asyncio.Semaphore(5)
    async with StateDB.for_config(config) as state:

        async def one(index: int, name: str) -> None:
            async with gate:
                await seeded_and_linked(config, name, REAL_PRODUCTS, seed=index + 1)
                erp = await SqliteErp.open(config.company(name).database)
                try:
                    async with open_client(config, name) as market:
                        request = RunRequest(config.company(name), RunOptions(("catalogue",)), trigger="manual")
                        await execute_run(request, erp=erp, market=market, state=state,
                                          locks_dir=Paths.from_config(config).locks_dir, heartbeat_every=3600)
                finally:
                    await erp.close()

        await asyncio.gather(*(one(n, company.name) for n, company in enumerate(config.companies)))


async def keep_syncing(runtime: Runtime, companies: list[str], counts: dict[str, int]) -> None:
    """Ask every company without a run for a full one, again and again (until cancelled)."""
    subscription = runtime.bus.subscribe()
    busy: set[str] = set()

    async def follow() -> None:
        async for event in subscription:
            counts["events"] += 1
            if isinstance(event, (RunQueued, RunStarted)):
                busy.add(event.company)
            elif isinstance(event, (RunFinished, RunSkipped)):
                busy.discard(event.company)
                counts["finished"] += isinstance(event, RunFinished)

    follower = asyncio.create_task(follow())
    try:
        while True:
            for name in companies:
                if name not in busy:
                    busy.add(name)
                    with contextlib.suppress(MarketsyncError):
                        await runtime.request_run(name, RunOptions(REAL_JOBS, force_full=True), operator="BENCH")
                        counts["asked"] += 1
            await asyncio.sleep(0.5)
    finally:
        follower.cancel()
        subscription.unsubscribe()


async def measure_real(rounds: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Per key, as `measure`, over a real runtime with every company syncing against the simulator."""
    simulator, base_url = start_simulator()
    try:
        with tempfile.TemporaryDirectory() as folder:
            companies = tuple(f"Firma{n:02d}" for n in range(COMPANIES))
            config = write_config(Path(folder), base_url, companies)
            setup_logging(config.agent.log_dir, console=False)
            await build_real(config)
            runtime = Runtime(config, role="tui")
            await runtime.start()
            counts = {"asked": 0, "finished": 0, "events": 0}
            try:
                app = MarketsyncApp(runtime, manage=Manage.of_runtime(runtime))
                frames = Frames()
                app.driver_class = frames.driver_class()
                async with app.run_test(headless=False, size=SIZE) as pilot:
                    await pilot.pause()
                    keeper = asyncio.create_task(keep_syncing(runtime, list(companies), counts))
                    await pilot.pause(2.0)  # the runs under way
                    try:
                        started = dict(counts)
                        times = await press_keys(pilot, frames, rounds)
                        return times, {key: counts[key] - started[key] for key in counts}
                    finally:
                        keeper.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await keeper
            finally:
                await runtime.stop()
    finally:
        simulator.terminate()
        simulator.wait(timeout=20)
    raise AssertionError("unreachable")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


async def main(quick: bool) -> None:
    # Wall-clock latencies: a loaded host (other processes on few cores) inflates every one of them.
    emit("tui_keys", "host_load_1min", os.getloadavg()[0], "processes", ok=None,
         target=f"informational: the host's load average at the start ({os.cpu_count()} cores)")
    labels = {"s": "sync window", "h": "schedules editor", "c": "connections", "r": "run history",
              "l": "log view", "escape": "back to the dashboard", "down": "dashboard cursor"}
    rounds = 3 if quick else 12
    for suffix in ("", "_idle", "_real"):
        if suffix == "_real":
            times, counts = await measure_real(rounds)
            load = f"{COMPANIES} companies syncing against the simulator"
            emit("tui_keys", "real_runs_finished", counts["finished"], "runs", ok=None,
                 target=f"informational: full runs ({REAL_PRODUCTS} products each) finished while keys were pressed")
            emit("tui_keys", "real_events", counts["events"], "events", ok=None,
                 target="informational: the runtime's events (progress collapsed by the bus) while keys were pressed")
        else:
            times = await measure(rounds, busy=not suffix)
            load = f"{COMPANIES} companies syncing (in-memory runtime)" if not suffix else "an idle runtime"
        shown: list[float] = []
        for key, values in times.items():
            value = p95(values)
            if key.endswith(" ready"):
                base = key.split()[0]
                if base == "s":
                    continue
                emit("tui_keys", f"key_{base}_content_p95{suffix}", value, "ms",
                     target=f"informational: {labels[base]} with its content read (a worker) with {load}", ok=None)
                continue
            shown += values
            emit("tui_keys", f"key_{key}_p95{suffix}", value, "ms",
                 target=f"{labels[key]} on screen in < {BAR_MS:.0f} ms (p95) with {load}", ok=value < BAR_MS)
            emit("tui_keys", f"key_{key}_median{suffix}", statistics.median(values), "ms",
                 target=f"informational: {labels[key]}, the typical press",
                 ok=None)
        emit("tui_keys", f"any_key_p95{suffix}", p95(shown), "ms",
             target=f"every key answered on screen in < {BAR_MS:.0f} ms (p95) with {load}", ok=p95(shown) < BAR_MS)
        emit("tui_keys", f"any_key_max{suffix}", max(shown), "ms",
             target="informational: the slowest single key press", ok=None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (< 60 s)")
    asyncio.run(main(parser.parse_args().quick))
