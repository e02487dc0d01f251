"""The schedules editor: an edit saved to the file (comments kept) and applied at once; bad values refused."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Label

from agent.config import load_config
from tests.tui.conftest import SIZE
from tests.tui.manage_world import ManageWorld, until, world
from tui.screens.schedules_edit import SchedulesEditScreen
from tui.widgets.tick import Tick

__all__ = ["world"]


async def test_a_schedule_edited_is_saved_with_comments_kept_and_applied(world: ManageWorld) -> None:
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        assert app.dashboard is not None and not app.dashboard.rows["Ogrodnik"].schedule_enabled
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, SchedulesEditScreen)
        assert str(screen.query_one("#sched-company", Label).render()) == "Ogrodnik"
        screen.query_one("#sched-enabled", Tick).value = True
        screen.query_one("#sched-from", Input).value = "7"
        screen.query_one("#sched-to", Input).value = "20"
        screen.query_one("#sched-every", Input).value = "15"
        screen.query_one("#sched-job-catalogue", Tick).value = True
        screen.query_one("#sched-job-offers", Tick).value = False
        screen.query_one("#sched-operator", Input).value = "KASIA"
        await pilot.click("#sched-save")
        await until(pilot, lambda: "zapisany" in str(screen.query_one("#sched-status", Label).render()))

        # Saved to the file: the new values load, the operator's comments and layout stay.
        text = world.path.read_text(encoding="utf-8")
        for comment in ("# keep me: the operator's own notes", 'language = "pl"  # keep me too',
                        "# schedule of Ogrodnik: keep me", "# schedule of Sklep Rowerowy: keep me"):
            assert comment in text
        schedule = load_config(world.path).company("Ogrodnik").schedule
        assert (schedule.enabled, schedule.from_hour, schedule.to_hour, schedule.every_minutes) == (True, 7, 20, 15)
        assert schedule.jobs == ("catalogue", "orders", "stock", "prices") and schedule.operator == "KASIA"
        assert not load_config(world.path).company("Sklep Rowerowy").schedule.enabled

        # Applied without a restart: the runtime's config and snapshot, and the dashboard row.
        assert world.runtime.config.company("Ogrodnik").schedule == schedule
        view = next(c for c in (await world.runtime.snapshot()).companies if c.name == "Ogrodnik")
        assert view.schedule_enabled and "15" in view.schedule_description
        await until(pilot, lambda: app.dashboard is not None and app.dashboard.rows["Ogrodnik"].schedule_enabled)
        table = screen.query_one("#sched-table", DataTable)
        assert table.get_row("Ogrodnik")[1:5] == ["tak", "7", "20", "15"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("#sched-from", "24", "Dozwolone od 0 do 23"),
    ("#sched-to", "6", "okno jest puste"),
    ("#sched-every", "0", "Dozwolone od 1 do 1440"),
    ("#sched-every", "abc", "Wpisz liczbę całkowitą"),
])
async def test_an_invalid_value_is_refused_with_its_message_in_the_field(
        world: ManageWorld, field: str, value: str, message: str) -> None:
    before = world.path.read_text(encoding="utf-8")
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, SchedulesEditScreen)
        screen.query_one(field, Input).value = value
        # Ctrl+S: the message shown as typed may push the Save button below the fold.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert message in str(screen.query_one(f"{field}-error", Label).render())
        assert "nic nie zapisano" in str(screen.query_one("#sched-status", Label).render())
    assert world.path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("field", "value", "message", "fixed"), [
    ("#sched-from", "24", "Dozwolone od 0 do 23", "6"),
    ("#sched-to", "25", "Dozwolone od 0 do 24", "22"),
    ("#sched-every", "1441", "Dozwolone od 1 do 1440", "30"),
])
async def test_a_field_is_checked_as_typed_and_its_message_goes_when_fixed(
        world: ManageWorld, field: str, value: str, message: str, fixed: str) -> None:
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, SchedulesEditScreen)
        screen.query_one(field, Input).value = value
        await until(pilot, lambda: message in str(screen.query_one(f"{field}-error", Label).render()))
        screen.query_one(field, Input).value = fixed
        await until(pilot, lambda: str(screen.query_one(f"{field}-error", Label).render()) == "")


async def test_no_job_ticked_is_refused(world: ManageWorld) -> None:
    before = world.path.read_text(encoding="utf-8")
    app = world.app("en")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, SchedulesEditScreen)
        for tick in screen.query("#sched-jobs Tick").results(Tick):
            tick.value = False
        await screen.run_action("save")
        await pilot.pause()
        assert "at least one job" in str(screen.query_one("#sched-jobs-error", Label).render())
    assert world.path.read_text(encoding="utf-8") == before


async def test_a_service_watching_the_file_applies_the_saved_schedule_too(world: ManageWorld) -> None:
    """The headless service holds no TUI: it sees the saved file change and reloads it by itself."""
    import asyncio

    from agent.config_edit import ScheduleEdit
    from agent.runtime.service import Runtime

    service = Runtime(load_config(world.path), role="service", schedules=False, reload_interval=0.05,
                      stop_grace=1.0)
    await service.start()
    try:
        assert not service.config.company("Sklep Rowerowy").schedule.enabled
        await world.manage.save_schedule("Sklep Rowerowy", ScheduleEdit(enabled=True, every_minutes=45))
        for _ in range(200):
            if service.config.company("Sklep Rowerowy").schedule.enabled:
                break
            await asyncio.sleep(0.05)
        assert service.config.company("Sklep Rowerowy").schedule.every_minutes == 45
        assert world.runtime.config.company("Sklep Rowerowy").schedule.every_minutes == 45
    finally:
        await service.stop()


async def test_reopened_after_a_change_elsewhere_the_editor_shows_the_new_schedule(world: ManageWorld) -> None:
    """The kept editor skips rebuilding what did not change; a reload while it was hidden must show."""
    from agent.config_edit import ScheduleEdit

    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, SchedulesEditScreen)
        table = screen.query_one("#sched-table", DataTable)
        assert table.get_row("Ogrodnik")[1:5] == ["nie", "6", "22", "30"]
        await pilot.press("escape")
        await pilot.pause()
        # Saved by someone else (another terminal, the file edited and reloaded): not through this form.
        await world.manage.save_schedule("Ogrodnik", ScheduleEdit(enabled=True, from_hour=8, to_hour=18,
                                                                  every_minutes=20, operator="OLA"))
        await pilot.press("h")
        await pilot.pause()
        assert app.screen is screen
        assert table.get_row("Ogrodnik")[1:5] == ["tak", "8", "18", "20"]
        assert screen.query_one("#sched-enabled", Tick).value
        assert screen.query_one("#sched-every", Input).value == "20"
        assert screen.query_one("#sched-operator", Input).value == "OLA"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert table.get_row("Ogrodnik")[1:5] == ["tak", "8", "18", "20"]
