"""The "Wymiana danych" window, the confirmation on a held lease, and quitting during a run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Button, Checkbox, Label

from agent.errors import LeaseHeld
from agent.runtime.api import LeaseView
from agent.runtime.events import Totals
from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import T0, FakeRuntime, Requested
from tests.tui.manage_world import notices, open_sync, until
from tui.app import MarketsyncApp
from tui.screens.lease import LeaseScreen
from tui.screens.quit import QuitScreen
from tui.screens.schedules_edit import SchedulesEditScreen
from tui.screens.sync import SyncScreen
from tui.widgets.dashboard import CompanyTable

LIVE = LeaseView("running", "kasa-2", 4242, "automatic", "ADMIN", T0 - timedelta(minutes=3), T0 - timedelta(seconds=5))
DEAD = LeaseView("interrupted", "kasa-2", 4242, "manual", "ANNA", T0 - timedelta(hours=2), T0 - timedelta(hours=1))


def checked(app: MarketsyncApp) -> dict[str, bool]:
    return {str(box.id).removeprefix("opt-"): box.value for box in app.screen.query(Checkbox)}


async def test_a_manual_sync_started_and_finished_updates_the_dashboard(app: MarketsyncApp,
                                                                        fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert checked(app) == {"send_offers": True, "fetch_orders": True, "stock_only": False,
                                "prices_only": False, "catalogue": False, "force_full": False,
                                "send_all_binary": False}
        assert str(app.screen.query_one("#sync-next", Label).render()) == \
            "Następna automatyczna synchronizacja: 2026-03-02 10:30"
        await pilot.click("#opt-catalogue")
        await pilot.click("#opt-force_full")
        await pilot.click("#sync-start")
        await pilot.pause()
        assert not isinstance(app.screen, SyncScreen)
        (request,) = fake.requested
        assert request.company == "Ogrodnik"
        assert request.options.jobs == ("catalogue", "orders", "offers", "stock", "prices")
        assert request.options.force_full and not request.options.send_all_binary
        assert not (request.take_over or request.after_current or request.resume_interrupted)
        table = app.query_one(CompanyTable)
        assert str(table.get_cell("Ogrodnik", "current")) == "w kolejce"

        fake.start_run("Ogrodnik", request.options.jobs)
        fake.progress("Ogrodnik", "offers", 150, 300, eta=30)
        await pilot.pause()
        assert "150/300" in str(table.get_cell("Ogrodnik", "current"))
        fake.finish_run("Ogrodnik", "success", Totals(ok=300))
        await pilot.pause()
        assert str(table.get_cell("Ogrodnik", "current")) == "-"
        assert str(table.get_cell("Ogrodnik", "last")).startswith("Sukces: 300 ok ·")


async def test_the_window_opens_on_the_selected_company_and_says_when_no_schedule(app: MarketsyncApp,
                                                                                 fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "s")
        assert str(app.screen.query_one("#sync-next", Label).render()) == "Nie skonfigurowano harmonogramu"
        await pilot.click("#opt-send_offers")
        await pilot.click("#opt-stock_only")
        await pilot.click("#sync-start")
        await pilot.pause()
        assert [(r.company, r.options.jobs) for r in fake.requested] == [("Sklep Rowerowy", ("orders", "stock"))]


async def test_nothing_ticked_asks_for_an_operation_and_cancel_sends_nothing(app: MarketsyncApp,
                                                                            fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#opt-send_offers")
        await pilot.click("#opt-fetch_orders")
        await pilot.click("#sync-start")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SyncScreen)
        assert fake.requested == []


async def test_go_to_schedules_shows_them_over_the_window(app: MarketsyncApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-goto")
        await pilot.pause()
        assert isinstance(app.screen, SchedulesEditScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("#lease-take_over", {"take_over": True}),
        ("#lease-after", {"after_current": True}),
        ("#lease-cancel", None),
    ],
)
async def test_a_live_run_holds_the_lease(app: MarketsyncApp, fake: FakeRuntime, button: str,
                                          expected: dict[str, bool] | None) -> None:
    fake.leases["Ogrodnik"] = LIVE
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await pilot.pause()
        assert isinstance(app.screen, LeaseScreen)
        facts = str(app.screen.query_one("#lease-facts", Label).render())
        assert facts == ("Firma Ogrodnik: trwa synchronizacja (automat), operator ADMIN, stanowisko kasa-2, "
                         "proces 4242, od 2026-03-02 09:57; ostatni sygnał życia 09:59:55.")
        assert {b.id for b in app.screen.query(Button)} == {"lease-take_over", "lease-after", "lease-cancel"}
        await pilot.click(button)
        await pilot.pause()
        assert not isinstance(app.screen, LeaseScreen)
        if expected is None:
            assert fake.requested == []
        else:
            (request,) = fake.requested
            flags = {"take_over": False, "after_current": False, "resume_interrupted": False, **expected}
            assert (request.take_over, request.after_current, request.resume_interrupted) == (
                flags["take_over"], flags["after_current"], flags["resume_interrupted"])


@pytest.mark.parametrize("lease", [LIVE, DEAD], ids=["live", "interrupted"])
async def test_the_whole_lease_text_is_inside_the_dialog_at_80x24(app: MarketsyncApp, fake: FakeRuntime,
                                                                  lease: LeaseView) -> None:
    fake.leases["Ogrodnik"] = lease
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await until(pilot, lambda: isinstance(app.screen, LeaseScreen))
        await pilot.pause()
        dialog = app.screen.query_one("#lease-dialog").content_region
        for label in app.screen.query(Label):
            text = str(label.render())
            # Wrapped within the dialog's width, on as many lines as the words need: none cut at the edge.
            assert label.region.right <= dialog.right
            assert label.region.width * label.region.height >= len(text)
        facts = str(app.screen.query_one("#lease-facts", Label).render())
        assert "ostatni sygnał życia" in facts


async def test_the_question_closes_when_the_live_run_ends_and_the_sync_goes_ahead(
    app: MarketsyncApp, fake: FakeRuntime
) -> None:
    from agent.runtime.events import LeaseChanged

    fake.leases["Ogrodnik"] = LIVE
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await until(pilot, lambda: isinstance(app.screen, LeaseScreen))
        # The other run ends before the operator answers.
        del fake.leases["Ogrodnik"]
        fake.publish(LeaseChanged("Ogrodnik", None, None, T0))
        await until(pilot, lambda: not isinstance(app.screen, LeaseScreen))
        await until(pilot, lambda: len(fake.requested) == 1)
        assert fake.requested == [Requested("Ogrodnik", fake.requested[0].options, "ADMIN", False, False, False)]
        assert any("poprzednia synchronizacja zakończyła się" in text for text in notices(app))


async def test_another_company_ending_leaves_the_question_open(app: MarketsyncApp, fake: FakeRuntime) -> None:
    from agent.runtime.events import LeaseChanged

    fake.leases["Ogrodnik"] = LIVE
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await until(pilot, lambda: isinstance(app.screen, LeaseScreen))
        fake.publish(LeaseChanged("Sklep Rowerowy", None, None, T0))
        await pilot.pause(0.2)
        assert isinstance(app.screen, LeaseScreen) and fake.requested == []


@pytest.mark.parametrize(("button", "resumed"), [("#lease-run", True), ("#lease-cancel", False)])
async def test_an_interrupted_run(app: MarketsyncApp, fake: FakeRuntime, button: str, resumed: bool) -> None:
    fake.leases["Ogrodnik"] = DEAD
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await pilot.pause()
        assert isinstance(app.screen, LeaseScreen)
        assert str(app.screen.query_one(".dialog-title", Label).render()) == \
            "Poprzednia synchronizacja została niepoprawnie przerwana"
        facts = str(app.screen.query_one("#lease-facts", Label).render())
        assert "(ręczna) operatora ANNA na stanowisku kasa-2 (proces 4242)" in facts
        assert "ostatni sygnał życia 09:00:00" in facts
        assert {b.id for b in app.screen.query(Button)} == {"lease-run", "lease-cancel"}
        await pilot.click(button)
        await pilot.pause()
        assert [r.resume_interrupted for r in fake.requested] == ([True] if resumed else [])


async def test_a_lease_taken_between_the_check_and_the_request_still_asks(app: MarketsyncApp,
                                                                         fake: FakeRuntime) -> None:
    # lease() says free, but another run grabs the company before request_run: the runtime's
    # LeaseHeld carries who, and the operator is asked all the same.
    fake.fail_next.append(LeaseHeld("taken meanwhile", status=LIVE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await pilot.pause()
        assert isinstance(app.screen, LeaseScreen)
        assert "kasa-2" in str(app.screen.query_one("#lease-facts", Label).render())
        await pilot.click("#lease-after")
        await pilot.pause()
        assert fake.requested == [Requested("Ogrodnik", fake.requested[0].options, "ADMIN", False, False, True)]


async def test_a_broken_account_is_reported_not_run(app: MarketsyncApp, fake: FakeRuntime) -> None:
    from agent.runtime.events import ConnectionChanged

    fake.publish(ConnectionChanged("Ogrodnik", "connection_error", T0))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await pilot.pause()
        assert fake.requested == []
        await until(pilot, lambda: any("marketsync connect Ogrodnik" in text for text in notices(app)))


async def test_quitting_during_a_run_asks(app: MarketsyncApp, fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("offers",))
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuitScreen) and app.is_running
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#quit-yes")
        await pilot.pause()
        assert not app.is_running


async def test_quitting_with_nothing_running_does_not_ask(app: MarketsyncApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_the_window_follows_the_plan_while_open(app: MarketsyncApp, fake: FakeRuntime) -> None:
    from agent.runtime.events import NextRunPlanned

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        fake.publish(NextRunPlanned("Ogrodnik", T0 + timedelta(hours=1), T0))
        await pilot.pause()
        assert str(app.screen.query_one("#sync-next", Label).render()) == \
            "Następna automatyczna synchronizacja: 2026-03-02 11:00"


async def test_the_runtime_s_own_lease_status_is_shown(app: MarketsyncApp, fake: FakeRuntime) -> None:
    # The real runtime raises with the sync layer's LeaseStatus rather than a LeaseView.
    from agent.erp.port import LeaseHolder
    from agent.errors import LeaseInterrupted
    from agent.sync.lease import LeaseStatus

    holder = LeaseHolder("magazyn-3", 777, "manual", "PIOTR", T0 - timedelta(days=1), T0 - timedelta(hours=20))
    fake.fail_next.append(LeaseInterrupted("interrupted", status=LeaseStatus("interrupted", holder, 5)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await pilot.pause()
        assert isinstance(app.screen, LeaseScreen)
        facts = str(app.screen.query_one("#lease-facts", Label).render())
        assert facts.startswith("Firma Ogrodnik: synchronizacja (ręczna) operatora PIOTR na stanowisku magazyn-3 "
                                "(proces 777), rozpoczęta 2026-03-01 10:00")
        await pilot.click("#lease-run")
        await pilot.pause()
        assert [r.resume_interrupted for r in fake.requested] == [True]


async def test_the_command_palette_opens_the_sync_window(app: MarketsyncApp) -> None:
    from textual.command import CommandList

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Wymiana")
        # The search answers in the background: wait until it offered something (a bound, not a timing test).
        await until(pilot, lambda: any(lst.option_count > 0 for lst in app.screen.query(CommandList)))
        await pilot.press("enter")
        for _ in range(600):
            if isinstance(app.screen, SyncScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, SyncScreen)


async def test_the_palette_asks_in_polish(app: MarketsyncApp) -> None:
    from textual.command import CommandInput, CommandPalette

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        for _ in range(600):  # a bound on waiting, not a timing assertion
            await pilot.pause(0.05)
            if isinstance(app.screen, CommandPalette):
                break
        assert app.screen.query_one(CommandInput).placeholder == "Szukaj polecenia…"


async def test_a_click_on_the_header_icon_opens_the_palette(app: MarketsyncApp) -> None:
    from textual.command import CommandPalette

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        icon = app.query_one("HeaderIcon")
        assert not icon.disabled and icon.tooltip == "Polecenia"
        await pilot.click("HeaderIcon")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))


@pytest.mark.parametrize(("language", "word"), [("pl", "Polecenia"), ("en", "Commands")])
async def test_the_footer_names_the_palette_key_in_the_language(fake: FakeRuntime, manage: Manage, language: str,
                                                                word: str) -> None:
    from textual.command import CommandPalette

    from tui.widgets.footer import shown_keys

    app = MarketsyncApp(fake, language=language, timezone="Europe/Warsaw", log_level=None,  # type: ignore[arg-type]
                        manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [(key, action, description) for key, action, description, _, _ in shown_keys(app.screen)]
        assert ("ctrl+p", "command_palette", word) in shown
        assert shown[0][0] == "q"
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
