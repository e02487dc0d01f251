"""What the screen says about the event stream itself: the runtime stopping, and events the bus
dropped for the TUI (the view is read again, and the log pane says so and where the full log is)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable

from agent.runtime.bus import DEFAULT_QUEUE_SIZE
from agent.runtime.events import Event, ItemFailed, ServiceStatus
from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import T0, FakeRuntime
from tests.tui.manage_world import ManageWorld, until, world
from tui.app import MarketsyncApp
from tui.widgets.log_pane import LogPane

__all__ = ["world"]

FLOOD = DEFAULT_QUEUE_SIZE + 500
"""Failed items published at once, before the app reads any: the bus keeps its queue's worth."""


def header(app: MarketsyncApp) -> str:
    return str(app.query_one("#service-line").render())


def flood(publish: Callable[[Event], None], company: str) -> None:
    for index in range(FLOOD):
        publish(ItemFailed(company, 100, "offers", f"product:{index}", "no category", "map it", T0))


async def test_the_header_says_stopping_while_the_runtime_stops(app: MarketsyncApp, fake: FakeRuntime) -> None:
    host, pid = socket.gethostname(), os.getpid()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Harmonogram obsługuje" in header(app)
        fake.publish(ServiceStatus("stopping", "tui", host, pid, T0, T0))
        await until(pilot, lambda: "Zatrzymywanie…" in header(app))
        # A snapshot read meanwhile (events dropped, a refresh) does not undo it.
        await app.refresh_snapshot()
        assert "Zatrzymywanie…" in header(app)
        fake.publish(ServiceStatus("stopped", "tui", host, pid, T0, T0))
        await until(pilot, lambda: "Nikt nie obsługuje harmonogramu" in header(app))


async def test_the_header_says_stopping_in_english(manage: Manage) -> None:
    fake = FakeRuntime()
    app = MarketsyncApp(fake, language="en", log_level=None, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.publish(ServiceStatus("stopping", "tui", "biuro-1", 4100, T0, T0))
        await until(pilot, lambda: header(app).startswith("Stopping…"))


async def test_dropped_events_are_said_in_the_log_and_the_view_is_read_again(app: MarketsyncApp,
                                                                                fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(LogPane)
        snapshots = fake.snapshots
        flood(fake.publish, "Ogrodnik")
        await until(pilot, lambda: any("pominięto zdarzeń: 500 — pełny dziennik" in line
                                       for line in pane.visible_texts()))
        await until(pilot, lambda: fake.snapshots > snapshots)


async def test_with_a_real_runtime_the_dropped_line_names_the_log_folder(world: ManageWorld) -> None:
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        pane = app.query_one(LogPane)
        flood(world.runtime.bus.publish, "Ogrodnik")
        folder = str(world.config.agent.log_dir)
        await until(pilot, lambda: any(f"pominięto zdarzeń: 500 — pełny dziennik w plikach w {folder}" in line
                                       for line in pane.visible_texts()))


async def test_quitting_stops_the_runtime_while_the_dashboard_still_says_so(manage: Manage) -> None:
    """The app awaits the stop it was given before closing: "Zatrzymywanie…" is on screen meanwhile."""
    fake = FakeRuntime()
    host, pid = socket.gethostname(), os.getpid()
    release = asyncio.Event()
    stops: list[str] = []

    async def stop() -> None:  # as Runtime.stop: "stopping", the runs end, "stopped"
        stops.append("stop")
        fake.publish(ServiceStatus("stopping", "tui", host, pid, T0, T0))
        await release.wait()
        fake.publish(ServiceStatus("stopped", "tui", host, pid, T0, T0))

    app = MarketsyncApp(fake, language="pl", log_level=None, stop=stop, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: "Zatrzymywanie…" in header(app))
        await pilot.press("q")  # a second press while stopping starts no second stop
        await pilot.pause()
        assert app.is_running and stops == ["stop"]
        release.set()
        await until(pilot, lambda: not app.is_running)
    assert stops == ["stop"]

