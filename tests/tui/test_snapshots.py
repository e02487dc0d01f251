"""SVG snapshots of what an operator sees: the dashboard mid-run, and the "Wymiana danych" window.

Deterministic by construction: the fake runtime's times are fixed, the size is fixed, the header
has no clock. Update after a deliberate change with `pytest tests/tui --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from agent.runtime.events import ConnectionChanged, ItemFailed
from agent.runtime.manage import Manage
from tests.tui.fake_runtime import T0, FakeRuntime
from tests.tui.manage_world import open_sync
from tui.app import MarketsyncApp

SIZE = (150, 34)
SnapCompare = Callable[..., bool]


def busy_app(manage: Manage) -> tuple[MarketsyncApp, Callable[[Pilot[None]], Awaitable[None]]]:
    fake = FakeRuntime()
    app = MarketsyncApp(fake, log_level=None, manage=manage)

    async def play(pilot: Pilot[None]) -> None:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("orders", "offers", "stock", "prices"))
        fake.progress("Ogrodnik", "offers", 120, 312, eta=48)
        fake.publish(ItemFailed("Ogrodnik", 100, "offers", "product:17", "brak kategorii", "przypisz kategorię", T0))
        fake.publish(ConnectionChanged("Hurtownia Budmax", "connection_error", T0, "invalid_grant"))
        await pilot.pause()

    return app, play


def test_dashboard_mid_run(snap_compare: SnapCompare, manage: Manage) -> None:
    app, play = busy_app(manage)
    assert snap_compare(app, run_before=play, terminal_size=SIZE)


def test_the_sync_window(snap_compare: SnapCompare, manage: Manage) -> None:
    app, play = busy_app(manage)

    async def open_window(pilot: Pilot[None]) -> None:
        await play(pilot)
        await open_sync(pilot)
        await pilot.pause()

    assert snap_compare(app, run_before=open_window, terminal_size=SIZE)
