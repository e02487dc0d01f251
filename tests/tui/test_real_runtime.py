"""The TUI over the real runtime against the simulator on loopback: a manual sync from the window
runs for real and the dashboard follows it to its end. The world is made by the demo's own setup."""

from __future__ import annotations

from pathlib import Path

from agent.simulator import RunningSimulator
from tests.tui.conftest import SIZE
from tests.tui.demo_world import demo_app, demo_config
from tests.tui.manage_world import notices, open_sync, until
from tui.widgets.dashboard import CompanyTable


async def test_a_manual_sync_through_the_real_runtime(tmp_path: Path, simulator: RunningSimulator) -> None:
    config = await demo_config(tmp_path / "demo", simulator)
    async with demo_app(config, "en") as app, app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        assert app.dashboard is not None
        table = app.query_one(CompanyTable)
        assert table.row_count == 3
        assert str(table.get_cell("Ogrodnik", "connection")) == "Connected"
        before = app.dashboard.rows["Ogrodnik"].last_run
        assert before is not None and before.result == "success"  # the demo's catalogue run

        await open_sync(pilot)
        await pilot.click("#sync-start")

        def finished() -> bool:
            assert app.dashboard is not None
            last = app.dashboard.rows["Ogrodnik"].last_run
            return last is not None and last.run_id != before.run_id and last.result != "running"

        await until(pilot, finished)
        last = app.dashboard.rows["Ogrodnik"].last_run
        assert last is not None and last.result == "success"
        assert str(table.get_cell("Ogrodnik", "last")).startswith(f"Success: {last.totals.ok} ok")
        assert str(table.get_cell("Ogrodnik", "current")) == "-"
    # The run really sent offers (one per product shared for sale, up to the run's ok count).
    assert 0 < len(simulator.platform.offers) <= last.totals.ok


async def test_a_refused_account_turns_the_row_to_connection_error(tmp_path: Path,
                                                                  simulator: RunningSimulator) -> None:
    config = await demo_config(tmp_path / "demo", simulator)
    # Past the refresh token's lifetime the marketplace answers invalid_grant: the account must be linked again.
    simulator.platform.clock.advance(simulator.platform.settings.refresh_ttl + 3600)
    async with demo_app(config, "pl") as app, app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.dashboard is not None)
        table = app.query_one(CompanyTable)
        assert str(table.get_cell("Ogrodnik", "connection")) == "Połączono"
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await until(pilot, lambda: str(table.get_cell("Ogrodnik", "connection")) == "Błąd połączenia")
        assert str(table.get_cell("Sklep Rowerowy", "connection")) == "Połączono"

        # A second manual run is refused at once, with what to do about it.
        await until(pilot, lambda: app.dashboard is not None and not app.dashboard.running)
        await open_sync(pilot)
        await pilot.click("#sync-start")
        await until(pilot, lambda: any("marketsync connect Ogrodnik" in text for text in notices(app)))


async def test_a_live_lease_asks_and_run_after_it_runs_once_it_is_released(tmp_path: Path,
                                                                          simulator: RunningSimulator) -> None:
    import os
    import socket

    from textual.widgets import Label

    from agent.erp.sqlite import SqliteErp
    from agent.paths import Paths
    from agent.sync.lease import CompanyLease, lock_path
    from tui.screens.lease import LeaseScreen

    config = await demo_config(tmp_path / "demo", simulator)
    company = config.company("Ogrodnik")
    erp = await SqliteErp.open(company.database)
    # Another run holds the company: an automatic one of operator KASIA (here, in this process).
    held = CompanyLease(erp, lock_path(Paths.from_config(config).locks_dir, company.name),
                        kind="automatic", operator="KASIA")
    await held.acquire()
    try:
        async with demo_app(config, "pl") as app, app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.dashboard is not None)
            assert app.dashboard is not None
            before = app.dashboard.rows["Ogrodnik"].last_run
            assert before is not None
            await open_sync(pilot)
            await pilot.click("#sync-start")
            # Wait for the buttons to be laid out too: a dialog's nested containers mount their children
            # a step later, and a click on a button with no region yet lands on nothing.
            await until(
                pilot,
                lambda: isinstance(app.screen, LeaseScreen)
                and bool(app.screen.query("#lease-after"))
                and app.screen.query_one("#lease-after").region.area > 0,
            )
            facts = str(app.screen.query_one("#lease-facts", Label).render())
            assert "trwa synchronizacja (automat), operator KASIA" in facts
            # The holder is this very process: the dialog says so rather than "another workstation".
            assert f"ten proces (stanowisko {socket.gethostname()}, nr {os.getpid()})" in facts
            title = app.screen.query_one("#lease-dialog .dialog-title", Label).render()
            assert str(title) == "Synchronizacja trwa w tym procesie"
            await pilot.click("#lease-after")
            await until(pilot, lambda: not isinstance(app.screen, LeaseScreen))

            await held.release()

            def finished() -> bool:
                assert app.dashboard is not None
                last = app.dashboard.rows["Ogrodnik"].last_run
                return last is not None and last.run_id != before.run_id and last.result != "running"

            await until(pilot, finished)
            last = app.dashboard.rows["Ogrodnik"].last_run
            assert last is not None and last.result == "success"
    finally:
        await held.release()
        await erp.close()
