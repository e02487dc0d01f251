"""The run history: runs with results and counts, a failed item with why and what to do, the
reconciliation report, copying; and the log search over the daily log files."""

from __future__ import annotations

import json

from textual.widgets import Checkbox, DataTable, Input, Log, Select, Static

from agent.state.models import ItemOutcome
from tests.tui.conftest import SIZE
from tests.tui.manage_world import ManageWorld, until, world
from tui.screens.history import HistoryScreen
from tui.screens.logs import LogsScreen

__all__ = ["world"]

FAILED = ItemOutcome("offers", "product:12", "failed", "InvalidItem", "no category mapped for DONICZKA-30",
                     "map the product's category in the ERP")
RECONCILIATION = ItemOutcome(
    "orders", "reconciliation", "failed", "ReconciliationMismatch", "last 14 days: 9 orders, 7 ROs; missing 2",
    "enter them by hand", json.dumps({"days": 14, "marketplace_orders": 9, "documents": 7, "missing": [501, 502],
                                      "waiting": [], "doubled": [], "cancelled_open": []}))


async def test_run_history_shows_a_failed_item_with_why_and_what_to_do(world: ManageWorld) -> None:
    ok_run = await world.add_run("Sklep Rowerowy", "success", [ItemOutcome("orders", "order:1", "ok")])
    bad_run = await world.add_run("Ogrodnik", "partial", [
        ItemOutcome("offers", "product:11", "ok"), FAILED, RECONCILIATION])
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        # Opened on the dashboard's selected company (the first row); all companies on request.
        runs = screen.query_one("#history-runs", DataTable)
        await until(pilot, lambda: runs.row_count == 1)
        screen.query_one("#history-company", Select).value = "*"
        await until(pilot, lambda: runs.row_count == 2)
        row = runs.get_row(str(bad_run.id))
        assert row[1] == "Ogrodnik" and row[5] == "Częściowo" and row[6:9] == ["1", "0", "2"]
        assert runs.get_row(str(ok_run.id))[5] == "Sukces"

        runs.move_cursor(row=runs.get_row_index(str(bad_run.id)))
        outcomes = screen.query_one("#history-outcomes", DataTable)
        await until(pilot, lambda: outcomes.row_count == 3 and screen.run_id == bad_run.id)
        detail = screen.query_one("#history-detail", Static)
        report = str(detail.render())
        assert "no category mapped for DONICZKA-30" in report
        assert "Co zrobić: map the product's category in the ERP" in report

        await pilot.press("f")  # failed only
        await until(pilot, lambda: outcomes.row_count == 2)
        outcomes.focus()
        outcomes.move_cursor(row=0)
        await until(pilot, lambda: "Przyczyna: InvalidItem" in screen.detail)
        await pilot.press("y")
        assert app.clipboard == screen.detail and "map the product's category" in app.clipboard

        await pilot.click("#history-reconciliation")
        await until(pilot, lambda: "raport uzgodnienia" in screen.detail)
        assert "NIEZGODNOŚCI" in screen.detail and "Zamówienia bez RO: 501, 502" in screen.detail


async def test_the_log_search_finds_offers_orders_runs_and_codes_newest_first(world: ManageWorld) -> None:
    folder = world.config.agent.log_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "marketsync-2026-11-26.log").write_text(
        "2026-11-26 10:00:00.000 | INFO | Ogrodnik | x:1 | offers: offer 555 is gone; link marked ended\n"
        "2026-11-26 10:00:01.000 | INFO | Ogrodnik | x:1 | orders: order:777 became RO/1/2026\n"
        "2026-11-26 10:00:02.000 | INFO | Ogrodnik | x:1 | offers: offer 5555 sent\n", encoding="utf-8")
    (folder / "marketsync-2026-11-27.log").write_text(
        "2026-11-27 09:00:00.000 | INFO | Ogrodnik | x:1 | run 42 started; product DONICZKA-30 has no image\n"
        "2026-11-27 09:00:01.000 | INFO | Ogrodnik | x:1 | offers: offer 555 price 12.50 sent\n"
        "2026-11-27 09:00:02.000 | INFO | Ogrodnik | x:1 | run 420 finished; DONICZKA-300 too\n"
        "2026-11-27 09:00:03.000 | DEBUG | - | agent.simulator.app:__call__:81 | simulator GET /api/me/offers 200\n",
        encoding="utf-8")
    app = world.app("en")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, LogsScreen)
        # The newest lines, with no query; the simulator's line is not among them.
        await until(pilot, lambda: len(screen.hits) == 6)
        assert "run 420 finished" in screen.hits[0].line
        assert screen.query_one("#logs-lines", Log).lines

        async def search(kind: str, value: str) -> list[str]:
            screen.hits = []
            screen.query_one("#logs-kind", Select).value = kind
            screen.query_one("#logs-query", Input).value = value
            screen.query_one("#logs-query", Input).focus()
            await pilot.press("enter")
            await until(pilot, lambda: bool(screen.hits))
            return [hit.line for hit in screen.hits]

        found = await search("offer", "555")
        assert len(found) == 2 and "12.50" in found[0] and "is gone" in found[1]  # newest first, not 5555
        assert (await search("order", "777"))[0].endswith("order:777 became RO/1/2026")
        assert [line.split(" | ")[-1] for line in await search("run", "42")] == [
            "run 42 started; product DONICZKA-30 has no image"]
        assert len(await search("product", "DONICZKA-30")) == 1
        assert len(await search("text", "doniczka")) == 2
        # The simulator's lines (the demo's access log) only when the box asks for them.
        screen.hits = []
        screen.query_one("#logs-query", Input).value = ""
        screen.query_one("#logs-simulator", Checkbox).value = True
        await until(pilot, lambda: len(screen.hits) == 7)
        assert "simulator GET /api/me/offers" in screen.hits[0].line


async def test_the_history_reopened_reads_the_runs_again(world: ManageWorld) -> None:
    await world.add_run("Ogrodnik", "success", [ItemOutcome("orders", "order:1", "ok")])
    app = world.app("en")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        runs = screen.query_one("#history-runs", DataTable)
        await until(pilot, lambda: runs.row_count == 1)
        await pilot.press("escape")
        await world.add_run("Ogrodnik", "failed", [FAILED])
        await pilot.press("r")
        assert app.screen is screen  # the same screen, kept: no compose on the way back
        await until(pilot, lambda: runs.row_count == 2)
        assert runs.get_row_at(0)[5] == "Failed"


async def test_the_jobs_own_words_are_shown_in_the_language(world: ManageWorld) -> None:
    from agent.texts.outcomes import outcome_message

    created = ItemOutcome("offers", "product:11", "ok", "", "created offer 100011")
    run = await world.add_run("Ogrodnik", "partial", [created, RECONCILIATION])
    app = world.app("pl")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        outcomes = screen.query_one("#history-outcomes", DataTable)
        await until(pilot, lambda: outcomes.row_count == 2 and screen.run_id == run.id)
        rows = [outcomes.get_row_at(index) for index in range(2)]
        assert rows[0][1] == "product:11" and rows[0][4] == outcome_message("pl", "created offer 100011")
        assert "created offer" not in rows[0][4] and "100011" in rows[0][4]
        assert rows[1][1] == "uzgodnienie" and "last 14 days" not in rows[1][4]
        await pilot.click("#history-reconciliation")
        await until(pilot, lambda: "uzgodnienie" in screen.detail.lower() or "14 dni" in screen.detail)
        assert "last 14 days" not in screen.detail


async def test_the_history_and_the_log_viewer_use_the_whole_screen(world: ManageWorld) -> None:
    """On a wide terminal their long lines get the width (they were held to the dialogs' 96 columns)."""
    app = world.app("pl")
    async with app.run_test(size=(200, 50)) as pilot:
        for key, dialog in (("r", "#history-dialog"), ("l", "#logs-dialog")):
            await pilot.press(key)
            await until(pilot, lambda d=dialog: bool(app.screen.query(d)))  # type: ignore[misc]
            assert app.screen.query_one(dialog).size.width >= 190, dialog
            await pilot.press("escape")
