"""The connections screen against the simulator on loopback: link by the device flow, cancel the wait, unlink."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Label, Static

from agent.marketplace.accounts import AccountPlaces, describe_accounts
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.tui.conftest import SIZE
from tests.tui.manage_world import open_world, until
from tui.screens.confirm import ConfirmScreen
from tui.screens.connections import ConnectionsScreen, DeviceFlowScreen


@pytest.fixture
def consenting() -> Iterator[RunningSimulator]:
    settings = SimulatorSettings(port=0, auto_consent=True, poll_interval=0, requests_per_minute=0)
    with run_simulator_in_thread(settings) as sim:
        yield sim


@pytest.fixture
def waiting() -> Iterator[RunningSimulator]:
    """A marketplace where nobody ever consents: the device flow waits until cancelled."""
    settings = SimulatorSettings(port=0, auto_consent=False, poll_interval=0, requests_per_minute=0)
    with run_simulator_in_thread(settings) as sim:
        yield sim


def state_cell(screen: ConnectionsScreen, company: str) -> str:
    return str(screen.query_one("#conn-table", DataTable).get_cell(company, "state"))


async def test_connect_then_disconnect(tmp_path: Path, consenting: RunningSimulator) -> None:
    world = await open_world(tmp_path / "install", consenting.base_url)
    try:
        app = world.app("pl")
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.dashboard is not None)
            await pilot.press("c")
            screen = app.screen
            assert isinstance(screen, ConnectionsScreen)
            await until(pilot, lambda: len(screen.accounts) == 2)
            assert state_cell(screen, "Ogrodnik") == "Nie połączono"
            assert screen.selected == "Ogrodnik"

            await pilot.click("#conn-connect")
            await until(pilot, lambda: "połączono z kontem" in str(screen.query_one("#conn-status", Label).render()))
            await until(pilot, lambda: state_cell(screen, "Ogrodnik") == "Połączono")
            assert not isinstance(app.screen, DeviceFlowScreen)  # the device page closed by itself once linked
            linked = {a.company: a for a in describe_accounts(world.config)}
            assert linked["Ogrodnik"].connection.state == "connected"
            assert linked["Ogrodnik"].refresh_expires_at is not None
            assert linked["Sklep Rowerowy"].connection.state == "not_linked"
            table = screen.query_one("#conn-table", DataTable)
            assert str(table.get_cell("Ogrodnik", "refresh")) != "-"

            account = linked["Ogrodnik"].connection.account
            # Linking again asks first; the simulator then links another (new) account, so the move
            # to it is asked too, with what it means for the offers: refused, nothing changes.
            screen.query_one("#conn-connect", Button).press()
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert "jest już połączona" in str(app.screen.query_one("#confirm-body", Label).render())
            app.screen.query_one("#confirm-yes", Button).press()
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen)
                        and "INNEGO konta" in str(app.screen.query_one("#confirm-body", Label).render())
                        and bool(app.screen.query("#confirm-no")))
            app.screen.query_one("#confirm-no", Button).press()
            await until(pilot, lambda: "nie połączono" in str(screen.query_one("#conn-status", Label).render()))
            again = {a.company: a for a in describe_accounts(world.config)}
            assert again["Ogrodnik"].connection.account == account

            # "Rozłącz" asks: cancelled, still linked; agreed, unlinked.
            # Pressed rather than clicked: just after the device page closed, a simulated click can miss.
            screen.query_one("#conn-disconnect", Button).press()
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            app.screen.query_one("#confirm-no", Button).press()
            await until(pilot, lambda: app.screen is screen)
            assert AccountPlaces.from_config(world.config).store.load("Ogrodnik") is not None
            screen.query_one("#conn-disconnect", Button).press()
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert "zatrzyma się" in str(app.screen.query_one("#confirm-body", Label).render())
            app.screen.query_one("#confirm-yes", Button).press()
            await until(pilot, lambda: "rozłączono" in str(screen.query_one("#conn-status", Label).render()))
            await until(pilot, lambda: state_cell(screen, "Ogrodnik") == "Nie połączono")
            assert AccountPlaces.from_config(world.config).store.load("Ogrodnik") is None
    finally:
        await world.runtime.stop()


async def test_the_wait_shows_the_page_and_can_be_cancelled(tmp_path: Path, waiting: RunningSimulator) -> None:
    world = await open_world(tmp_path / "install", waiting.base_url, language="en")
    try:
        app = world.app("en")
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.dashboard is not None)
            await pilot.press("c")
            screen = app.screen
            assert isinstance(screen, ConnectionsScreen)
            await until(pilot, lambda: len(screen.accounts) == 2)
            await pilot.click("#conn-connect")
            await until(pilot, lambda: isinstance(app.screen, DeviceFlowScreen))
            url = str(app.screen.query_one("#device-url", Static).render())
            assert url.startswith(waiting.root_url)
            await pilot.click("#device-copy")
            assert app.clipboard == url
            await pilot.click("#device-cancel")
            await until(pilot, lambda: app.screen is screen)
            await until(pilot, lambda: "cancelled" in str(screen.query_one("#conn-status", Label).render()))
            assert screen._flow is not None and not screen._flow.is_running
            assert state_cell(screen, "Ogrodnik") == "Not linked"
        assert AccountPlaces.from_config(world.config).store.load("Ogrodnik") is None
    finally:
        await world.runtime.stop()


async def test_c_on_the_dashboard_opens_the_connection_of_the_selected_company(tmp_path: Path) -> None:
    """A company in "Błąd połączenia" is one key from relinking: select its row, press c."""
    from agent.runtime.events import ConnectionChanged
    from tests.tui.fake_runtime import T0
    from tui.widgets.dashboard import CompanyTable

    world = await open_world(tmp_path / "install")
    try:
        app = world.app("pl")
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.dashboard is not None)
            world.runtime.bus.publish(ConnectionChanged("Sklep Rowerowy", "connection_error", T0, "invalid_grant"))
            table = app.query_one(CompanyTable)
            await until(pilot, lambda: str(table.get_cell("Sklep Rowerowy", "connection")) == "Błąd połączenia")
            table.focus()
            await pilot.press("down")
            assert table.selected_company == "Sklep Rowerowy"
            await pilot.press("c")
            screen = app.screen
            assert isinstance(screen, ConnectionsScreen)
            await until(pilot, lambda: len(screen.accounts) == 2)
            assert screen.selected == "Sklep Rowerowy"
    finally:
        await world.runtime.stop()
