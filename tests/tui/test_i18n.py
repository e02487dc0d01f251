"""Both languages have every text: the catalogues match, and rendering every screen misses no key."""

from __future__ import annotations

import pytest

from agent.runtime.api import LeaseView
from agent.runtime.events import (
    ConnectionChanged,
    ItemFailed,
    LeaseChanged,
    RunSkipped,
    ScheduleChanged,
    ServiceStatus,
    Totals,
)
from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import T0, FakeRuntime
from tests.tui.manage_world import open_sync
from tui.app import MarketsyncApp
from tui.i18n import CATALOGUE, Language, Texts
from tui.logentry import event_entry
from tui.screens.lease import LeaseScreen
from tui.screens.quit import QuitScreen
from tui.screens.schedules_edit import SchedulesEditScreen
from tui.screens.sync import SyncScreen
from tui.widgets.dashboard import CompanyTable


def test_both_catalogues_have_the_same_keys_and_placeholders() -> None:
    assert set(CATALOGUE["pl"]) == set(CATALOGUE["en"])
    for key, polish in CATALOGUE["pl"].items():
        english = CATALOGUE["en"][key]
        holes = {part.split("}")[0] for part in polish.split("{")[1:]}
        assert holes == {part.split("}")[0] for part in english.split("{")[1:]}, key


@pytest.mark.parametrize(("language", "words"), [
    ("pl", ("Połączono", "Wymiana danych", "Wyślij ofertę", "Przejmij", "Zakończyć program?")),
    ("en", ("Connected", "Data exchange", "Send offers", "Take over", "Quit?")),
])
async def test_every_screen_renders_in_each_language_with_no_missing_text(language: Language,
                                                                          words: tuple[str, ...],
                                                                          manage: Manage) -> None:
    fake = FakeRuntime()
    fake.leases["Ogrodnik"] = LeaseView("running", "kasa-2", 1, "manual", "ADMIN", T0, T0)
    app = MarketsyncApp(fake, language=language, log_level=None, manage=manage)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Every event kind, so every log line and every cell variant is formatted once.
        fake.start_run("Ogrodnik", ("catalogue", "orders", "offers", "stock", "prices"))
        fake.progress("Ogrodnik", "offers", 3, 9, eta=4)
        fake.publish(ItemFailed("Ogrodnik", 100, "offers", "product:1", "no category", "map it", T0))
        fake.publish(ConnectionChanged("Sklep Rowerowy", "connection_error", T0, "invalid_grant"))
        fake.publish(LeaseChanged("Ogrodnik", "biuro-1 pid 4100", 100, T0, taken_over=True))
        fake.publish(LeaseChanged("Ogrodnik", None, None, T0))
        fake.publish(ScheduleChanged("Ogrodnik", True, "06:00-22:00 co 30 min", T0))
        for reason in ("still_running", "connection_error", "lease_held", "disabled"):
            fake.publish(RunSkipped("Hurtownia Budmax", reason, T0))
        for state in ("starting", "running", "stopping", "stopped"):
            fake.publish(ServiceStatus(state, "tui", "serwer", 9, T0, T0))
        fake.publish(ServiceStatus("running", "service", "serwer", 9, T0, T0))
        await pilot.pause()
        table = app.query_one(CompanyTable)
        seen.extend(str(table.get_cell(name, column)) for name in fake.views for column in ("connection", "current"))
        for result in ("success", "partial", "failed", "interrupted"):
            fake.finish_run("Hurtownia Budmax", result, Totals(ok=1), run_id=200)
        fake.start_run("Ogrodnik", ("offers",))
        await pilot.pause()
        seen.append(str(app.query_one("#service-line").render()))

        await open_sync(pilot)
        assert isinstance(app.screen, SyncScreen)
        seen.extend(str(label.render()) for label in app.screen.query("Label, Checkbox, Button"))
        await pilot.click("#sync-goto")
        await pilot.pause()
        assert isinstance(app.screen, SchedulesEditScreen)
        await pilot.press("escape")
        await pilot.click("#sync-start")
        await pilot.pause()
        assert isinstance(app.screen, LeaseScreen)
        seen.extend(str(b.label) for b in app.screen.query("Button"))
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        seen.append(str(app.screen.query_one(".dialog-title").render()))
        list(app.get_system_commands(app.screen))
    assert app.texts.missing == set()
    text = "\n".join(seen)
    for word in words:
        assert word in text
    assert ("Usługa działa" if language == "pl" else "Service running") in text


@pytest.mark.parametrize(("language", "cancel", "start"), [("pl", "Anuluj", "Start"), ("en", "Cancel", "Start")])
async def test_the_sync_windows_keys_are_described_in_the_language(language: Language, cancel: str,
                                                                    start: str, manage: Manage) -> None:
    """Textual's key panel lists these descriptions: they follow `language` like every other text."""
    app = MarketsyncApp(FakeRuntime(), language=language, log_level=None, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        assert isinstance(app.screen, SyncScreen)
        keys = app.screen.active_bindings
        assert (keys["escape"].binding.action, keys["escape"].binding.description) == ("cancel", cancel)
        assert (keys["ctrl+s"].binding.action, keys["ctrl+s"].binding.description) == ("start", start)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SyncScreen)


def test_a_run_skipped_while_the_previous_one_goes_reads_in_one_language() -> None:
    event = RunSkipped("Hurtownia Budmax", "still_running", T0, "the previous run is still going")
    entry = event_entry(event, Texts("pl"))
    assert entry is not None
    assert "previous" not in entry.text and "poprzednia" in entry.text
