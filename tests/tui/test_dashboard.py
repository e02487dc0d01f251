"""The dashboard follows the runtime: a row per company, progress, results, connection, who holds the scheduler."""

from __future__ import annotations

from datetime import timedelta

from loguru import logger
from textual.message import Message

from agent.runtime.api import ServiceView
from agent.runtime.events import ConnectionChanged, ServiceStatus, Totals
from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import T0, FakeRuntime
from tui.app import MarketsyncApp
from tui.messages import RuntimeEvents
from tui.widgets.dashboard import CompanyTable
from tui.widgets.log_pane import LogPane


def cell(app: MarketsyncApp, company: str, column: str) -> str:
    value = app.query_one(CompanyTable).get_cell(company, column)
    return str(getattr(value, "plain", value))


def service_line(app: MarketsyncApp) -> str:
    return str(app.query_one("#service-line").render())


async def test_a_row_per_company_with_connection_schedule_last_result_and_next_run(app: MarketsyncApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(CompanyTable)
        assert table.row_count == 3
        assert cell(app, "Ogrodnik", "connection") == "Połączono"
        assert cell(app, "Ogrodnik", "schedule") == "06:00-22:00 co 30 min"
        assert cell(app, "Sklep Rowerowy", "schedule") == "wyłączony"
        assert cell(app, "Ogrodnik", "last") == "Sukces: 312 ok · 02.03 09:35"
        assert cell(app, "Hurtownia Budmax", "last") == "Częściowo: 290 ok, 4 pominięto, błędy: 2 · 02.03 09:00"
        # 09:30 UTC in March is 10:30 in Warsaw.
        assert cell(app, "Ogrodnik", "next") == "02.03 10:30"
        assert "Harmonogram obsługuje ten program" in service_line(app)


async def test_progress_and_the_end_of_a_run_update_the_row(app: MarketsyncApp, fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("orders", "offers"))
        await pilot.pause()
        assert cell(app, "Ogrodnik", "current") == "zamówienia ░░░░░░░░░░"
        fake.progress("Ogrodnik", "offers", 50, 200, eta=75)
        await pilot.pause()
        assert cell(app, "Ogrodnik", "current") == "oferta ██░░░░░░░░  25% 50/200 pozostało 1:15"
        assert app.dashboard is not None and app.dashboard.running == ("Ogrodnik",)
        fake.finish_run("Ogrodnik", "partial", Totals(ok=198, skipped=0, failed=2))
        await pilot.pause()
        assert cell(app, "Ogrodnik", "current") == "-"
        assert cell(app, "Ogrodnik", "last") == "Częściowo: 198 ok, błędy: 2 · 02.03 10:02"
        assert not app.dashboard.running


async def test_connection_error_after_a_connection_changed_event(app: MarketsyncApp, fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.publish(ConnectionChanged("Ogrodnik", "connection_error", T0, detail="invalid_grant"))
        await pilot.pause()
        assert cell(app, "Ogrodnik", "connection") == "Błąd połączenia"
        assert cell(app, "Sklep Rowerowy", "connection") == "Połączono"
        assert any("połączenie: Błąd połączenia (invalid_grant)" in line
                   for line in app.query_one(LogPane).visible_texts())


async def test_the_header_says_when_a_service_holds_the_scheduler(manage: Manage) -> None:
    fake = FakeRuntime(scheduler=ServiceView("service", "serwer-erp", 812, T0, False), holds_scheduler=False)
    app = MarketsyncApp(fake, log_level=None, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert service_line(app) == "Usługa działa na stanowisku serwer-erp (proces 812) od 2026-03-02 10:00"
        fake.publish(ServiceStatus("stopped", "service", "serwer-erp", 812, T0, T0 + timedelta(hours=1)))
        await pilot.pause()
        assert service_line(app).startswith("Nikt nie obsługuje harmonogramu")


async def test_the_log_pane_filters_by_company_and_level(app: MarketsyncApp, fake: FakeRuntime) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("orders",))
        fake.finish_run("Ogrodnik", "failed", Totals(failed=1), error="marketplace unavailable")
        fake.start_run("Sklep Rowerowy", ("orders",), run_id=101)
        await pilot.pause()
        pane = app.query_one(LogPane)
        assert len(pane.visible_texts()) == 3
        pane.query_one("#log-company").value = "Sklep Rowerowy"  # type: ignore[attr-defined]
        await pilot.pause()
        assert [line.split(" ", 2)[2].strip() for line in pane.visible_texts()] == [
            "Sklep Rowerowy: start synchronizacji (ręcznie, operator ADMIN): zamówienia"
        ]
        pane.query_one("#log-company").value = "*"  # type: ignore[attr-defined]
        pane.query_one("#log-level").value = "ERROR"  # type: ignore[attr-defined]
        await pilot.pause()
        (only,) = pane.visible_texts()
        assert "Ogrodnik: koniec synchronizacji: Błąd" in only and "marketplace unavailable" in only


async def test_log_records_reach_the_pane_through_the_sink(fake: FakeRuntime, manage: Manage) -> None:
    app = MarketsyncApp(fake, log_level="WARNING", manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        logger.bind(company="Ogrodnik").warning("a slow answer from the marketplace")
        logger.info("too chatty for the pane")
        await pilot.pause()
        lines = app.query_one(LogPane).visible_texts()
        said = "UWAGA   Ogrodnik: a slow answer from the marketplace"
        assert any(line.split(maxsplit=1)[1] == said for line in lines)
        assert not any("too chatty" in line for line in lines)
    logger.warning("after the app: the sink is gone")  # must not raise or post to a dead app


async def test_a_flood_of_progress_collapses_into_one_update(app: MarketsyncApp, fake: FakeRuntime) -> None:
    delivered: list[int] = []

    def hook(message: Message) -> None:
        if isinstance(message, RuntimeEvents):
            delivered.append(len(message.events))

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await pilot.pause()
        fake.start_run("Ogrodnik", ("offers",))
        await pilot.pause()
        delivered.clear()
        for done in range(1, 1001):
            fake.progress("Ogrodnik", "offers", done, 1000)
        fake.progress("Sklep Rowerowy", "offers", 5, 10, run_id=101)
        await pilot.pause()
        assert delivered == [2]  # the last progress of each run, not 1001 events
        assert cell(app, "Ogrodnik", "current").endswith("1000/1000")
        assert cell(app, "Sklep Rowerowy", "current").endswith("5/10")


async def test_watching_a_service_reads_the_picture_again_and_keeps_the_cursor(manage: Manage) -> None:
    from dataclasses import replace

    from agent.runtime.api import LastRunView

    fake = FakeRuntime(scheduler=ServiceView("service", "serwer-erp", 812, T0, False), holds_scheduler=False)
    app = MarketsyncApp(fake, log_level=None, watch_refresh=0.05, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(CompanyTable).move_cursor(row=1)
        # A run of the service that ended between two polls of the runtime: only the state knows it.
        last = LastRunView(9, "failed", T0 + timedelta(minutes=5), Totals(failed=3))
        fake.views["Sklep Rowerowy"] = replace(fake.views["Sklep Rowerowy"], last_run=last)
        for _ in range(400):
            if cell(app, "Sklep Rowerowy", "last").startswith("Błąd"):
                break
            await pilot.pause(0.05)
        assert cell(app, "Sklep Rowerowy", "last") == "Błąd: 0 ok, błędy: 3 · 02.03 10:05"
        assert app.query_one(CompanyTable).selected_company == "Sklep Rowerowy"


async def test_holding_the_scheduler_follows_events_only(fake: FakeRuntime, manage: Manage) -> None:
    app = MarketsyncApp(fake, log_level=None, watch_refresh=0.01, manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(10):
            await pilot.pause(0.02)
    assert fake.snapshots == 1


async def test_at_80x24_columns_drop_by_priority_and_the_footer_keeps_q(app: MarketsyncApp) -> None:
    from tui.widgets.footer import shown_keys

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(CompanyTable)
        assert [str(key.value) for key in table.columns] == ["company", "current", "last"]
        assert cell(app, "Ogrodnik", "last") == "Sukces: 312 ok · 02.03 09:35"
        # A usual result is read whole without scrolling (only a long partial one may run past the edge).
        before_last = sum(table.columns[key].get_render_width(table) for key in table.columns if key.value != "last")
        assert before_last + len("Sukces: 312 ok · 02.03 09:35") + 2 <= 80
        assert shown_keys(app.screen)[0][:2] == ("q", "quit")
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert [str(key.value) for key in table.columns] == ["company", "connection", "schedule", "current",
                                                              "last", "next"]
        assert cell(app, "Ogrodnik", "next") == "02.03 10:30"
