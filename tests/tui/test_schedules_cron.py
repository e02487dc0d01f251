"""The schedules editor with a cron expression: typed, checked as typed, previewed, saved with comments kept,
applied (the scheduler plans it), refused with its message in both languages, and window <-> cron switching."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from agent.config import load_config
from agent.config_edit import ScheduleEdit, upcoming_fires
from agent.runtime.manage import Manage
from agent.runtime.service import Runtime
from tests.tui.conftest import SIZE
from tests.tui.manage_world import ManageWorld, config_text, until, world, write_config
from tui.app import MarketsyncApp
from tui.i18n import Language
from tui.screens.schedules_edit import SchedulesEditScreen

__all__ = ["world"]

NOW = datetime(2026, 11, 27, 16, 50, tzinfo=UTC)
"""Friday 17:50 in Warsaw: a weekday cron's next fires are on Monday."""
WARSAW = ZoneInfo("Europe/Warsaw")
OGRODNIK_WINDOW = "enabled = false\nfrom_hour = 6\nto_hour = 22\nevery_minutes = 30\n"
FORM_KEYS = 'jobs = ["orders", "offers", "stock", "prices"]\noperator = "ADMIN"\n'


@pytest.fixture
async def scheduling(tmp_path: Path) -> AsyncIterator[ManageWorld]:
    """A TUI runtime that holds the scheduler, on a clock stopped at NOW (nothing ever comes due)."""
    path = write_config(tmp_path / "install", "http://127.0.0.1:9/api", language="pl",
                        companies=("Ogrodnik", "Sklep Rowerowy"))
    config = load_config(path)
    runtime = Runtime(config, role="tui", clock=lambda: NOW, stop_grace=1.0)
    await runtime.start()
    try:
        assert runtime.holds_scheduler
        yield ManageWorld(path, config, runtime, Manage.of_runtime(runtime))
    finally:
        await runtime.stop()


async def open_editor(app: MarketsyncApp, pilot: Pilot[None]) -> SchedulesEditScreen:
    await until(pilot, lambda: app.dashboard is not None)
    await pilot.press("h")
    screen = app.screen
    assert isinstance(screen, SchedulesEditScreen)
    screen.clock = lambda: NOW
    screen.refresh_preview()
    return screen


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    """Clear the input and type `text` key by key, as an operator does."""
    await pilot.click(selector)
    input_ = pilot.app.screen.query_one(selector, Input)
    input_.value = ""
    await pilot.press(*("space" if char == " " else char for char in text))


def kind(screen: SchedulesEditScreen) -> str:
    return screen.kind


def label(screen: SchedulesEditScreen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


async def test_a_cron_typed_in_the_form_is_previewed_saved_with_comments_kept_and_planned(
        scheduling: ManageWorld) -> None:
    app = scheduling.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(app, pilot)
        assert kind(screen) == "window" and not screen.query_one("#sched-cron-box").display
        await pilot.click("#sched-enabled")
        await pilot.click("#sched-kind-cron")
        await pilot.pause()
        assert kind(screen) == "cron" and screen.query_one("#sched-cron-box").display
        assert not screen.query_one("#sched-window").display
        await type_into(pilot, "#sched-cron", "*/20 7-9 * * 1-5")
        await pilot.pause()
        # As typed: no problem, and the next three fires, by the scheduler's own code.
        assert label(screen, "#sched-cron-error") == ""
        expected = upcoming_fires(ScheduleEdit(cron="*/20 7-9 * * 1-5"), NOW, WARSAW)
        assert [f.astimezone(WARSAW).strftime("%d %H:%M") for f in expected] == ["30 07:00", "30 07:20", "30 07:40"]
        assert label(screen, "#sched-preview") == \
            "Najbliższe uruchomienia: pon. 30.11 07:00; pon. 30.11 07:20; pon. 30.11 07:40"

        await pilot.click("#sched-save")
        await until(pilot, lambda: "zapisany" in label(screen, "#sched-status"))

        # The file: the window's three lines became one cron line (the form writes its jobs and
        # operator too); every other byte is the same.
        before = config_text("http://127.0.0.1:9/api")
        assert before.count(OGRODNIK_WINDOW) == 2
        after = before.replace(OGRODNIK_WINDOW, 'enabled = true\ncron = "*/20 7-9 * * 1-5"\n' + FORM_KEYS, 1)
        assert scheduling.path.read_text(encoding="utf-8") == after

        # Applied: the runtime's config, and the scheduler plans the new expression's first fire.
        assert scheduling.runtime.config.company("Ogrodnik").schedule.cron == "*/20 7-9 * * 1-5"
        assert scheduling.runtime.next_run("Ogrodnik") == expected[0]
        table = screen.query_one("#sched-table", DataTable)
        assert table.get_row("Ogrodnik")[1:3] == ["tak", "cron */20 7-9 * * 1-5"]
    assert app.texts.missing == set()


@pytest.mark.parametrize(("language", "message", "status"), [
    ("pl", "Pole „godzina” ma „8-25”, dozwolone: 0-23; np. */15 8-17 * * 1-5", "nic nie zapisano"),
    ("en", 'The hour field is "8-25", allowed: 0-23; e.g. */15 8-17 * * 1-5', "nothing was saved"),
])
async def test_an_invalid_cron_is_refused_with_its_message_in_the_field(
        world: ManageWorld, language: Language, message: str, status: str) -> None:
    before = world.path.read_text(encoding="utf-8")
    app = world.app(language)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(app, pilot)
        await pilot.click("#sched-kind-cron")
        await type_into(pilot, "#sched-cron", "*/15 8-25 * * 1-5")
        await pilot.pause()
        # Said while typing, before any save; no preview of a schedule that cannot be.
        assert label(screen, "#sched-cron-error").startswith(message)
        assert label(screen, "#sched-preview") == ""

        await pilot.click("#sched-save")
        await pilot.pause()
        assert label(screen, "#sched-cron-error").startswith(message)
        assert status in label(screen, "#sched-status")

        # Other problems: the number of fields, and nothing at all; each with an example.
        for text, words in (("0 8 * *", {"pl": "Pól jest 4", "en": "Found 4 fields"}),
                            ("", {"pl": "Wpisz wyrażenie cron", "en": "Enter a cron expression"})):
            await type_into(pilot, "#sched-cron", text)
            await pilot.pause()
            shown = label(screen, "#sched-cron-error")
            assert shown.startswith(words[language]) and "*/15 8-17 * * 1-5" in shown
    assert world.path.read_text(encoding="utf-8") == before
    assert app.texts.missing == set()


async def test_switching_window_to_cron_to_window(world: ManageWorld) -> None:
    original = world.path.read_text(encoding="utf-8")
    app = world.app("en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(app, pilot)
        assert label(screen, "#sched-preview") == "Off; once on it runs: Fri 27.11 18:00; Fri 27.11 18:30; " \
                                                  "Fri 27.11 19:00"
        # Switching does not lose what was typed in the other kind.
        screen.query_one("#sched-every", Input).value = "20"
        await pilot.click("#sched-kind-cron")
        await type_into(pilot, "#sched-cron", "0 8 * * 1")
        await pilot.click("#sched-kind-window")
        await pilot.pause()
        assert kind(screen) == "window" and screen.query_one("#sched-every", Input).value == "20"
        assert label(screen, "#sched-preview").endswith("Fri 27.11 18:00; Fri 27.11 18:20; Fri 27.11 18:40")
        await pilot.click("#sched-kind-cron")
        await pilot.pause()
        assert screen.query_one("#sched-cron", Input).value == "0 8 * * 1"
        assert label(screen, "#sched-preview").endswith("Mon 30.11 08:00; Mon 07.12 08:00; Mon 14.12 08:00")

        # Saved as a cron: the window's keys are gone.
        await pilot.click("#sched-save")
        await until(pilot, lambda: "saved" in label(screen, "#sched-status"))
        text = world.path.read_text(encoding="utf-8")
        assert text == original.replace(OGRODNIK_WINDOW, 'enabled = false\ncron = "0 8 * * 1"\n' + FORM_KEYS, 1)
        assert world.runtime.config.company("Ogrodnik").schedule.cron == "0 8 * * 1"

        # And back to a window: the cron goes, the window comes back where it was.
        await pilot.click("#sched-kind-window")
        for selector, value in (("#sched-from", "6"), ("#sched-to", "22"), ("#sched-every", "30")):
            screen.query_one(selector, Input).value = value
        await pilot.click("#sched-save")
        await until(pilot, lambda: world.runtime.config.company("Ogrodnik").schedule.cron is None)
        back = original.replace(OGRODNIK_WINDOW, OGRODNIK_WINDOW + FORM_KEYS, 1)
        assert world.path.read_text(encoding="utf-8") == back
        assert kind(screen) == "window"
    assert app.texts.missing == set()


async def test_an_expression_that_never_comes_is_said_under_the_field(world: ManageWorld) -> None:
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(app, pilot)
        await pilot.click("#sched-kind-cron")
        await type_into(pilot, "#sched-cron", "0 8 30 2 *")
        await pilot.pause()
        assert label(screen, "#sched-cron-error") == ""
        assert "nigdy nie wypada" in label(screen, "#sched-preview")


async def test_a_headless_service_plans_the_saved_cron_from_the_file(world: ManageWorld) -> None:
    """The service holds the scheduler and no TUI: it reloads the changed file and plans the expression."""
    service = Runtime(load_config(world.path), role="service", clock=lambda: NOW, reload_interval=0.05,
                      stop_grace=1.0)
    await service.start()
    try:
        assert service.holds_scheduler and service.next_run("Sklep Rowerowy") is None
        await world.manage.save_schedule("Sklep Rowerowy", ScheduleEdit(enabled=True, cron="0 6 * * 6,0"))
        for _ in range(200):
            if service.next_run("Sklep Rowerowy") is not None:
                break
            await asyncio.sleep(0.05)
        saturday_six = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
        assert service.next_run("Sklep Rowerowy") == saturday_six
        assert upcoming_fires(ScheduleEdit(cron="0 6 * * 6,0"), NOW, WARSAW)[0] == saturday_six
    finally:
        await service.stop()
