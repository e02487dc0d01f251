"""The tick and choice marks read without colour: a mark when set, blank when not."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from tui.screens.schedules_edit import Choice
from tui.widgets.tick import Tick


class Marks(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("on", value=True, id="on")
        yield Tick("off", value=False, id="off")
        with RadioSet():
            yield Choice("window", value=True, id="chosen")
            yield Choice("cron", id="other")


async def test_a_tick_shows_x_only_when_ticked_and_follows_its_value() -> None:
    app = Marks()
    async with app.run_test() as pilot:
        on, off = app.query_one("#on", Tick), app.query_one("#off", Tick)
        assert on.render().plain.startswith("▐X▌")
        assert off.render().plain.startswith("▐ ▌")
        off.value = True
        on.value = False
        await pilot.pause()
        assert off.render().plain.startswith("▐X▌")
        assert on.render().plain.startswith("▐ ▌")


async def test_a_choice_shows_a_dot_only_when_chosen() -> None:
    app = Marks()
    async with app.run_test():
        assert app.query_one("#chosen", Choice).render().plain.startswith("▐●▌")
        assert app.query_one("#other", Choice).render().plain.startswith("▐ ▌")
