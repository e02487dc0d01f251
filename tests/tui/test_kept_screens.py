"""What keeps keys quick, tested for what it must not change: screens built at start and reused
(each opening still starts fresh), steady progress drawn later but always drawn, the collector's
settings handed back when the app stops, and the history reopened on another company."""

from __future__ import annotations

import gc

from textual.widgets import Checkbox, DataTable, Select

from agent.state.models import ItemOutcome
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import FakeRuntime
from tests.tui.manage_world import ManageWorld, open_sync, until, world
from tui.app import MarketsyncApp
from tui.screens.history import HistoryScreen
from tui.screens.sync import SyncScreen
from tui.widgets.dashboard import CompanyTable

__all__ = ["world"]


def ticked(app: MarketsyncApp) -> dict[str, bool]:
    return {str(box.id).removeprefix("opt-"): box.value for box in app.screen.query(Checkbox)}


def current(app: MarketsyncApp, company: str) -> str:
    return str(app.query_one(CompanyTable).get_cell(company, "current"))


async def test_the_sync_window_is_built_at_start_and_each_opening_starts_fresh(app: MarketsyncApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await until(pilot, lambda: app.is_screen_installed("sync") and app.get_screen("sync").is_running)
        kept = app.get_screen("sync")
        await open_sync(pilot)
        assert app.screen is kept
        fresh = ticked(app)
        await pilot.click("#opt-send_offers")
        await pilot.click("#opt-force_full")
        assert ticked(app) != fresh
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("down", "s")
        await pilot.pause()
        assert app.screen is kept
        assert ticked(app) == fresh
        assert app.screen.query_one("#sync-company", Select).value == "Sklep Rowerowy"


async def test_the_sync_window_keeps_its_ticks_when_back_from_the_schedules(app: MarketsyncApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#opt-catalogue")
        await pilot.click("#sync-goto")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert ticked(app)["catalogue"]


async def test_steady_progress_is_drawn_later_but_the_last_one_is_drawn(app: MarketsyncApp,
                                                                          fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("offers",))
        await pilot.pause()
        fake.progress("Ogrodnik", "offers", 1, 100)
        await pilot.pause()
        assert current(app, "Ogrodnik").endswith("1/100")  # the first progress of a job: at once
        for done in range(2, 60):
            fake.progress("Ogrodnik", "offers", done, 100)
            await pilot.pause(0)
        await until(pilot, lambda: current(app, "Ogrodnik").endswith("59/100"))


async def test_the_collector_is_given_back_its_settings_when_the_app_stops(app: MarketsyncApp) -> None:
    before = gc.get_threshold()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: gc.get_freeze_count() > 0)
        assert gc.get_threshold() != before
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


async def test_the_history_reopened_on_another_company_reads_that_company(world: ManageWorld) -> None:
    await world.add_run("Ogrodnik", "success", [ItemOutcome("orders", "order:1", "ok")])
    bike = await world.add_run("Sklep Rowerowy", "success", [ItemOutcome("orders", "order:2", "ok"),
                                                           ItemOutcome("orders", "order:3", "ok")])
    app = world.app("en")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("r")
        opened = app.screen
        assert isinstance(opened, HistoryScreen)
        screen: HistoryScreen = opened
        runs = screen.query_one("#history-runs", DataTable)
        await until(pilot, lambda: runs.row_count == 1 and runs.get_row_at(0)[1] == "Ogrodnik")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("down", "r")
        assert app.screen is screen
        outcomes = screen.query_one("#history-outcomes", DataTable)
        await until(pilot, lambda: runs.row_count == 1 and runs.get_row_at(0)[1] == "Sklep Rowerowy"
                    and screen.run_id == bike.id and outcomes.row_count == 2)
