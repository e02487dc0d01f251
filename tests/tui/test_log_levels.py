"""The log pane names a line's level and its level filter in the operator's language, with the same
words as the console and the daily file (UWAGA, BŁĄD in Polish; WARNING, ERROR in English)."""

from __future__ import annotations

import pytest
from loguru import logger
from textual.widgets import OptionList, Select

from agent.runtime.events import Totals
from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import FakeRuntime
from tui.app import MarketsyncApp
from tui.i18n import Language
from tui.widgets.log_pane import LogPane


def filter_choices(pane: LogPane) -> list[str]:
    """The level filter's choices as the operator reads them when the list opens."""
    level: Select[str] = pane.query_one("#log-level", Select)
    choices = level.query_one(OptionList)
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


@pytest.mark.parametrize(
    ("language", "words", "choices"),
    [
        ("pl", ("UWAGA", "BŁĄD"),
         ["Wszystko (DEBUG)", "Informacje (INFO)", "Ostrzeżenia (UWAGA)", "Błędy (BŁĄD)"]),
        ("en", ("WARNING", "ERROR"),
         ["Everything (DEBUG)", "Information (INFO)", "Warnings (WARNING)", "Errors (ERROR)"]),
    ],
)
async def test_the_pane_names_levels_in_the_language(
    fake: FakeRuntime, manage: Manage, language: Language, words: tuple[str, str], choices: list[str]
) -> None:
    warning, error = words
    app = MarketsyncApp(fake, language=language, log_level="WARNING", manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("orders",))
        fake.finish_run("Ogrodnik", "failed", Totals(failed=1), error="marketplace unavailable")
        logger.bind(company="Ogrodnik").warning("a slow answer")
        await pilot.pause()
        pane = app.query_one(LogPane)
        lines = pane.visible_texts()
        # Each line: the time, the level, then who and what.
        assert [warning, "Ogrodnik:", "a", "slow", "answer"] in [line.split()[1:] for line in lines], lines
        assert error in [line.split()[1] for line in lines], lines
        assert filter_choices(pane) == choices
        if language == "pl":
            shown = " ".join([*lines, *filter_choices(pane)])
            assert "WARNING" not in shown and "ERROR" not in shown
            # The run's counts name each number, so no plural form can be wrong ("1 błędów").
            assert any(line.endswith("Błąd (ok: 0, pominięto: 0, błędy: 1); przyczyna: marketplace unavailable")
                       for line in lines), lines
        # The filter still works on the level, whatever its word: errors only leaves the failed run.
        pane.query_one("#log-level", Select).value = "ERROR"
        await pilot.pause()
        (only,) = pane.visible_texts()
        assert only.split()[1:3] == [error, "Ogrodnik:"]
