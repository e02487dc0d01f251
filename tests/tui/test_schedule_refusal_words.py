"""The schedules editor says why the file refused a save in the operator's language (the file was
changed underneath it: its company is gone)."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from tests.tui.conftest import SIZE
from tests.tui.manage_world import ManageWorld, until, world
from tui.i18n import Language
from tui.screens.schedules_edit import SchedulesEditScreen
from tui.widgets.tick import Tick

__all__ = ["world"]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("pl", "Nie zapisano (plik bez zmian): {path}: nie ma firmy \u201eOgrodnik\u201d"),
        ("en", 'Not saved (the file is unchanged): {path}: no company "Ogrodnik"'),
    ],
)
async def test_a_save_the_file_refuses_is_explained_in_the_language(
    world: ManageWorld, language: Language, said: str
) -> None:
    app = world.app(language)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("h")
        screen = app.screen
        assert isinstance(screen, SchedulesEditScreen)
        # Someone renames the company in the file while the editor is open.
        text = world.path.read_text(encoding="utf-8")
        world.path.write_text(text.replace('name = "Ogrodnik"', 'name = "Ogrodnik 2"'), encoding="utf-8")
        screen.query_one("#sched-enabled", Tick).value = True
        await pilot.click("#sched-save")
        status = screen.query_one("#sched-status", Label)
        refused = said.split(":", 1)[0]  # "Nie zapisano (plik bez zmian)", once the save was tried
        await until(pilot, lambda: str(status.render()).startswith(refused))
        assert str(status.render()) == said.format(path=world.path.resolve())
