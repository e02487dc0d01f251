"""Keys pressed while the app still builds its screens offstage (tui.warm): none is lost or lands
on a screen nobody sees, and quitting then closes cleanly."""

from __future__ import annotations

import pytest

from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import FakeRuntime
from tests.tui.manage_world import until
from tui.app import MarketsyncApp
from tui.screens.connections import ConnectionsScreen

KEPT = ("sync", "schedules", "connections", "history", "logs")

pytestmark = pytest.mark.during_warm_up


def built(app: MarketsyncApp) -> int:
    return sum(app.is_screen_installed(name) for name in KEPT)


async def test_a_key_pressed_while_screens_are_built_opens_its_screen(manage: Manage) -> None:
    app = MarketsyncApp(FakeRuntime(), language="pl", log_level=None, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: built(app) > 0)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ConnectionsScreen))
        await until(pilot, app.warmed.is_set)
        assert isinstance(app.screen, ConnectionsScreen)  # the warm-up did not take it away


async def test_quitting_while_the_screens_are_built_offstage_closes_cleanly(manage: Manage) -> None:
    """`q` in the app's first moments, while the warm-up composes a screen: the app waits for that
    screen and closes without an error (Textual failed inside the screen's mount before)."""
    for screens_built in range(len(KEPT)):
        app = MarketsyncApp(FakeRuntime(), language="pl", log_level=None, manage=manage)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: built(app) > screens_built)  # noqa: B023 - awaited in this turn
            await pilot.press("q")
            await until(pilot, lambda: not app.is_running)  # noqa: B023
        assert app.return_code in (0, None)
