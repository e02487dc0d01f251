"""A manual run from the TUI that would end more than the allowed share of the offers stops and
asks in a dialog: "Anuluj" (the default) ends nothing, agreeing ends them. The real runtime against
the simulator on loopback, the demo's own world."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Label

from agent.config import Config
from agent.paths import Paths
from agent.simulator import RunningSimulator
from tests.tui.conftest import SIZE
from tests.tui.demo_world import demo_app, demo_config
from tests.tui.manage_world import open_sync, until
from tui.app import MarketsyncApp
from tui.screens.confirm import ConfirmScreen

COMPANY = "Ogrodnik"


def _offers(simulator: RunningSimulator, status: str) -> int:
    return sum(1 for offer in simulator.platform.offers.values() if offer.status == status)


async def _sync(pilot: Pilot[None], app: MarketsyncApp) -> int | None:
    """Start the sync window's default sync of the selected company; the id of the last run before it."""
    assert app.dashboard is not None
    before = app.dashboard.rows[COMPANY].last_run
    await open_sync(pilot)
    await pilot.click("#sync-start")
    return None if before is None else before.run_id


def _write(database: Path, statement: str) -> None:
    """One write to the company database beside the running agent, as an ERP user's edit is: it
    takes the write lock first (BEGIN IMMEDIATE) and waits for it; a deferred write whose snapshot
    another writer moved past fails at once with "database is locked"."""
    conn = sqlite3.connect(database, timeout=60, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(statement)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _failures(config: Config, run_id: int) -> list[tuple[str, ...]]:
    """The failed items of a run, as recorded (said with a failing assertion)."""
    with sqlite3.connect(Paths.from_config(config).state_db, timeout=60) as conn:
        query = "SELECT job, item, error_class, message FROM outcomes WHERE run_id = ? AND outcome = 'failed'"
        return [tuple(row) for row in conn.execute(query, (run_id,))]


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
    config = await demo_config(tmp_path / "demo", simulator)
    async with demo_app(config, "pl") as app, app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        first = await _result(pilot, app, await _sync(pilot, app))
        assert app.dashboard is not None
        last = app.dashboard.rows[COMPANY].last_run
        assert last is not None
        assert first == "success", _failures(config, last.run_id)
        active = _offers(simulator, "active")
        assert active > 0
        # The products leave the shop's sale (as a wrong database path would look): every offer would end.
        _write(config.company(COMPANY).database, "UPDATE products SET shared_for_sale = 0")

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
