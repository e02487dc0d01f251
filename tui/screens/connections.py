"""The connections ("Połączenie"): each company's link to its wszystko.pl account, linking and unlinking.

"Połącz z wszystko.pl" runs the device flow in a worker: the page to open is shown large, with a
copy button, a browser opens where there is one, and the wait can be cancelled (the worker is
cancelled, nothing is stored). Linking a company that is linked asks first, and a link that turns
out to be a different seller account asks again with what happens to the offers (agent/runtime/
relink.py). "Rozłącz" asks, then ends the link and forgets the tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Static
from textual.worker import Worker

from agent.errors import MarketsyncError
from agent.runtime.api import AccountStatus, DeviceRegistration
from agent.runtime.manage import Manage, open_browser
from agent.runtime.relink import AccountMove
from tui.i18n import Texts
from tui.model import local_time
from tui.screens.confirm import ConfirmScreen
from tui.screens.kept import KeptScreen


class DeviceFlowScreen(ModalScreen[bool]):
    """The page the operator opens to allow access; dismisses False when they cancel the wait."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False)]
    DEFAULT_CSS = """
    DeviceFlowScreen #device-url { text-style: bold; color: $accent; padding: 1 0; width: 100%; }
    """

    def __init__(self, texts: Texts, company: str, registration: DeviceRegistration, browser: bool) -> None:
        super().__init__()
        self._texts = texts
        self._company = company
        self._url = registration.verification_uri_pretty
        self._minutes = max(1, registration.expires_in // 60)
        self._browser = browser

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="device-dialog", classes="dialog"):
            yield Label(t("conn.device_title", company=self._company), classes="dialog-title")
            yield Label(t("conn.device_open", minutes=self._minutes))
            # The address is the secret way in: shown to the operator only, never logged.
            yield Static(self._url, id="device-url", markup=False)
            yield Label(t("conn.device_browser") if self._browser else t("conn.device_no_browser"))
            yield Label(t("conn.device_waiting"), id="device-waiting")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("conn.copy"), id="device-copy")
                yield Button(t("conn.cancel"), variant="error", id="device-cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "device-copy":
            self.app.copy_to_clipboard(self._url)
            self.notify(self._texts("conn.copied"))
        elif event.button.id == "device-cancel":
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)


class ConnectionsScreen(KeptScreen):
    """A full screen (nothing to composite underneath); a row per company, the buttons act on the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]
    DEFAULT_CSS = """
    ConnectionsScreen #conn-dialog { width: 100%; height: 100%; max-width: 100%; }
    ConnectionsScreen #conn-table { height: auto; max-height: 16; }
    ConnectionsScreen #conn-status { height: auto; margin-top: 1; }
    """

    def __init__(self, texts: Texts, tz: ZoneInfo, manage: Manage, company: str | None = None) -> None:
        super().__init__()
        self._texts = texts
        self._tz = tz
        self._manage = manage
        self._company = company
        self._flow: Worker[None] | None = None
        self._opened = False
        self.accounts: tuple[AccountStatus, ...] = ()
        self.reads = 0
        """Reads of the links finished and shown (each showing does one)."""

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="conn-dialog", classes="dialog"):
            yield Label(t("conn.title"), classes="dialog-title")
            table: DataTable[str] = DataTable(id="conn-table", cursor_type="row")
            table.add_column(t("col.company"), key="company")
            for key in ("state", "account", "access", "refresh"):
                table.add_column(t("conn.col_" + key), key=key)
            yield table
            yield Label("", id="conn-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("conn.connect"), variant="primary", id="conn-connect")
                yield Button(t("conn.disconnect"), variant="warning", id="conn-disconnect")
                yield Button(t("conn.close"), id="conn-close")

    def select(self, company: str | None) -> None:
        super().select(company)
        self._opened = True

    def on_screen_resume(self) -> None:
        # Opened from the dashboard: a fresh status line; back from the device page: keep what it says.
        if self._opened:
            self._opened = False
            self.query_one("#conn-status", Label).update("")
        if self.preferred is not None:
            self._company = self.preferred
            self.preferred = None
            table = self.query_one("#conn-table", DataTable)
            if self._company in {a.company for a in self.accounts}:
                table.move_cursor(row=table.get_row_index(self._company))
        self.query_one(DataTable).focus()
        self.load()

    @property
    def selected(self) -> str | None:
        table = self.query_one("#conn-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @work(exclusive=True, group="conn-load")
    async def load(self) -> None:
        """Read every company's link again (the stores are files: the manage layer reads them in a thread)."""
        try:
            accounts = await self._manage.accounts()
        except MarketsyncError as exc:
            self._status(self._texts("conn.failed", message=self._texts.error(exc)))
            return
        keep = self._company or self.selected
        self._company = None
        table = self.query_one("#conn-table", DataTable)
        if accounts == self.accounts and table.row_count == len(accounts):
            # The same links as shown: only the cursor moves (to the company the dashboard had selected).
            if keep is not None and keep in {a.company for a in accounts}:
                table.move_cursor(row=table.get_row_index(keep))
            self.reads += 1
            return
        self.accounts = accounts
        table.clear()
        for account in self.accounts:
            info = account.connection
            state = self._texts("conn.state_" + info.state)
            if info.state == "error" and info.reason:
                state += f" ({info.reason})"
            table.add_row(account.company, state, info.account or "-", self._when(account.access_expires_at),
                          self._when(account.refresh_expires_at), key=account.company)
        if keep is not None and keep in {a.company for a in self.accounts}:
            table.move_cursor(row=table.get_row_index(keep))
        self.reads += 1

    def _when(self, moment: datetime | None) -> str:
        return local_time(moment, self._tz) if moment is not None else "-"

    def _status(self, text: str) -> None:
        self.query_one("#conn-status", Label).update(text)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        company = self.selected
        if event.button.id == "conn-close":
            self.dismiss(None)
        elif company is None:
            return
        elif event.button.id == "conn-connect":
            self._flow = self.connect(company)
        elif event.button.id == "conn-disconnect":
            self.disconnect(company)

    def _linked_to(self, company: str) -> str | None:
        """The account the company is linked to as last read ("?" when linked to an unknown one)."""
        found = next((a for a in self.accounts if a.company == company), None)
        if found is None or found.connection.state == "not_linked":
            return None
        return found.connection.account or "?"

    @work(exclusive=True, group="conn-flow")
    async def connect(self, company: str) -> None:
        """The device flow for `company`; the device screen's cancel cancels this worker."""
        t = self._texts
        linked = self._linked_to(company)
        if linked is not None:
            body = t("conn.relink_body", company=company, account=linked)
            question = ConfirmScreen(t("conn.relink_title", company=company), body, t("conn.relink_yes"), t("conn.no"))
            if not await self.app.push_screen_wait(question):
                self._status(t("conn.cancelled"))
                return
        self._status(t("conn.connecting", company=company))

        def show(registration: DeviceRegistration) -> None:
            browser = open_browser(registration.verification_uri_pretty)
            self.app.push_screen(DeviceFlowScreen(t, company, registration, browser), self._device_closed)

        async def ask_move(move: AccountMove) -> bool:
            self._close_device()
            body = t("conn.move_body", old=move.old_account, new=move.new_account, active=move.active_offers)
            question = ConfirmScreen(
                t("conn.move_title", company=company), body, t("conn.move_yes", new=move.new_account), t("conn.no")
            )
            agreed: bool = await self.app.push_screen_wait(question)
            return agreed

        try:
            session = await self._manage.connect(company, show, ask_move)
        except MarketsyncError as exc:
            self._close_device()
            self._status(t("conn.link_failed", company=company, message=t.error(exc)))
            return
        self._close_device()
        # The status line says it (a toast would sit over the buttons the operator reaches for next).
        self._status(t("conn.linked", company=company, account=session.user_name))
        self.load()

    def _device_closed(self, finished: bool | None) -> None:
        if not finished and self._flow is not None and self._flow.is_running:
            self._flow.cancel()
            self._status(self._texts("conn.cancelled"))

    def _close_device(self) -> None:
        if isinstance(self.app.screen, DeviceFlowScreen):
            self.app.screen.dismiss(True)

    @work(exclusive=True, group="conn-flow")
    async def disconnect(self, company: str) -> None:
        t = self._texts
        body = t("conn.unlink_body", company=company)
        question = ConfirmScreen(t("conn.unlink_title", company=company), body, t("conn.unlink_yes"), t("conn.no"))
        if not await self.app.push_screen_wait(question):
            return
        try:
            problem = await self._manage.disconnect(company)
        except MarketsyncError as exc:
            self._status(t("conn.failed", message=t.error(exc)))
            return
        self._status(t("conn.unlinked_with", company=company, problem=problem) if problem
                     else t("conn.unlinked", company=company))
        self.load()

    def action_close(self) -> None:
        if self._flow is not None and self._flow.is_running:
            self._flow.cancel()
        self.dismiss(None)
