"""Both languages render every management screen with no missing text (Texts.missing stays empty)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Input, Label, Static

from agent.marketplace.models import DeviceRegistration
from agent.state.models import ItemOutcome
from agent.texts.outcomes import outcome_message
from tests.tui.conftest import SIZE
from tests.tui.manage_world import ManageWorld, until, world
from tests.tui.test_manage_history import FAILED, RECONCILIATION
from tui.i18n import Language
from tui.screens.connections import ConnectionsScreen, DeviceFlowScreen
from tui.screens.history import HistoryScreen
from tui.screens.logs import LogsScreen
from tui.screens.schedules_edit import SchedulesEditScreen

__all__ = ["world"]


def texts_of(screen: object) -> list[str]:
    from textual.screen import Screen

    assert isinstance(screen, Screen)
    seen = [str(w.render()) for w in screen.query("Label, Static")]
    seen += [str(b.label) for b in screen.query(Button).results(Button)]
    for table in screen.query(DataTable).results(DataTable):
        seen += [str(column.label) for column in table.columns.values()]
    return seen


@pytest.mark.parametrize(("language", "words"), [
    ("pl", ("Harmonogramy", "Połącz z wszystko.pl", "Rozłącz", "Historia synchronizacji", "Kod towaru",
            "Dozwolone od 0 do 23", "Raport uzgodnienia", "Nie połączono")),
    ("en", ("Schedules", "Connect to wszystko.pl", "Disconnect", "Run history", "Product code",
            "Allowed: 0 to 23", "reconciliation report", "Not linked")),
])
async def test_every_management_screen_renders_in_each_language(world: ManageWorld, language: Language,
                                                              words: tuple[str, ...]) -> None:
    await world.add_run("Ogrodnik", "failed", [FAILED, RECONCILIATION, ItemOutcome("orders", "order:5", "skipped")])
    app = world.app(language)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        list(app.get_system_commands(app.screen))
        seen += [str(active.binding.description) for key, active in app.active_bindings.items() if key == "c"]

        await pilot.press("h")
        assert isinstance(app.screen, SchedulesEditScreen)
        app.screen.query_one("#sched-from", Input).value = "30"
        app.screen.query_one("#sched-every", Input).value = "x"
        await app.screen.run_action("save")
        await pilot.pause()
        seen += texts_of(app.screen)
        await pilot.press("escape")

        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, ConnectionsScreen)
        await until(pilot, lambda: len(screen.accounts) == 2)
        seen += texts_of(screen)
        seen += [str(screen.query_one("#conn-table", DataTable).get_cell("Ogrodnik", "state"))]
        registration = DeviceRegistration("code-123456789", "http://127.0.0.1:9/device?c=1",
                                          "http://127.0.0.1:9/device?c=1", 600, 5)
        await app.push_screen(DeviceFlowScreen(app.texts, "Ogrodnik", registration, browser=False))
        await pilot.pause()
        seen += texts_of(app.screen)
        await pilot.press("escape")
        await pilot.press("escape")

        await pilot.press("r")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await until(pilot, lambda: history.query_one("#history-outcomes", DataTable).row_count == 3)
        seen += texts_of(history)
        await pilot.click("#history-reconciliation")
        # The report's numbers as the language words them (not the English the job recorded).
        worded = outcome_message(language, RECONCILIATION.message, RECONCILIATION.payload, item="reconciliation")
        await until(pilot, lambda: "RO" in history.detail and worded in history.detail)
        seen.append(history.detail)
        history.query_one("#history-outcomes", DataTable).focus()
        await pilot.pause()
        seen.append(str(history.query_one("#history-detail", Static).render()))
        await pilot.press("escape")

        await pilot.press("l")
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await until(pilot, lambda: "…" not in str(logs.query_one("#logs-count", Label).render())
                    and str(logs.query_one("#logs-count", Label).render()) != "")
        seen += texts_of(logs)
        for kind in ("text", "offer", "product", "order", "run"):
            seen.append(app.texts("logs.kind_" + kind))
        await pilot.press("escape")
    assert app.texts.missing == set()
    text = "\n".join(seen)
    for word in words:
        assert word in text, word
