"""A manual run from the TUI that would end more than the allowed share of the offers stops and
asks in a dialog: "Anuluj" (the default) ends nothing, agreeing ends them. The real runtime against
the simulator on loopback, the demo's own world."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from agent.commands.demo_home import populate, prepare_files
from agent.runtime.manage import Manage
from agent.runtime.service import Runtime
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.tui.conftest import SIZE
from tests.tui.manage_world import until
from tui.app import MarketsyncApp
from tui.screens.confirm import ConfirmScreen

PRODUCTS = 15
COMPANY = "Ogrodnik"


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        yield sim


def _offers(simulator: RunningSimulator, status: str) -> int:
    return sum(1 for offer in simulator.platform.offers.values() if offer.status == status)


async def _sync(pilot: Pilot[None], app: MarketsyncApp) -> int | None:
    """Start the sync window's default sync of the selected company; the id of the last run before it."""
    assert app.dashboard is not None
    before = app.dashboard.rows[COMPANY].last_run
    await pilot.press("s")
    await pilot.click("#sync-start")
    return None if before is None else before.run_id


async def _result(pilot: Pilot[None], app: MarketsyncApp, before: int | None) -> str:
    """The result of the first run after `before`, once it ended."""

    def ended() -> bool:
        assert app.dashboard is not None
        last = app.dashboard.rows[COMPANY].last_run
        return last is not None and last.run_id != before and last.result != "running"

    await until(pilot, ended)
    assert app.dashboard is not None
    last = app.dashboard.rows[COMPANY].last_run
    assert last is not None
    return last.result


async def _question(pilot: Pilot[None], app: MarketsyncApp) -> str:
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and bool(app.screen.query("#confirm-no")))
    await pilot.pause()
    return str(app.screen.query_one("#confirm-body", Label).render())


async def test_a_run_that_would_end_most_offers_asks_and_only_agreeing_ends_them(
    tmp_path: Path, simulator: RunningSimulator
) -> None:
    config = prepare_files(tmp_path / "demo", simulator.base_url)
    await populate(config, products=PRODUCTS, say=lambda line: None)
    runtime = Runtime(config, role="tui", schedules=False, stop_grace=2.0)
    await runtime.start()
    try:
        app = MarketsyncApp(runtime, language="pl", timezone=config.agent.timezone, log_level=None,
                            manage=Manage.of_runtime(runtime))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.dashboard is not None)
            assert await _result(pilot, app, await _sync(pilot, app)) == "success"
            active = _offers(simulator, "active")
            assert active > 0
            # The products leave the shop's sale (as a wrong database path would look): every offer would end.
            with sqlite3.connect(config.company(COMPANY).database) as conn:
                conn.execute("UPDATE products SET shared_for_sale = 0")

            before = await _sync(pilot, app)
            body = await _question(pilot, app)
            assert f"zakończyłaby {active} z {active} aktywnych ofert (100 %)" in body
            await pilot.press("enter")  # the focus is on Anuluj: Enter by habit ends nothing
            assert await _result(pilot, app, before) == "failed"
            assert _offers(simulator, "active") == active

            before = await _sync(pilot, app)
            await _question(pilot, app)
            await pilot.click("#confirm-yes")
            assert await _result(pilot, app, before) in ("success", "partial")
            assert _offers(simulator, "active") == 0
            assert _offers(simulator, "ended") == active
    finally:
        await runtime.stop()
