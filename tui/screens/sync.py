"""The "Wymiana danych" window: which company, which operations, when the next automatic run is; Start.

The app builds the window once and keeps it (composing it took most of the `s` key's time): each
opening starts from `open`'s company with the default operations ticked, as a new window would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from agent.runtime.api import SyncOptions
from tui.i18n import Language, Texts
from tui.model import Row, local_time
from tui.widgets.tick import Tick

# Checkbox id -> SyncOptions field; ids spell the field so the two cannot drift.
OPTION_FIELDS: tuple[str, ...] = (
    "send_offers", "fetch_orders", "stock_only", "prices_only", "catalogue", "force_full", "send_all_binary",
)


@dataclass(frozen=True, slots=True)
class SyncChoice:
    """What the operator asked for when pressing Start."""

    company: str
    options: SyncOptions


class SyncScreen(ModalScreen[SyncChoice | None]):
    """Modal; dismisses with the choice, or None when cancelled. Call `open` before each showing."""

    def __init__(self, texts: Texts, tz: ZoneInfo, rows: Mapping[str, Row], company: str | None) -> None:
        super().__init__()
        self._texts = texts
        self._tz = tz
        self._rows = rows
        names = list(rows)
        self._company: str = company if company is not None and company in rows else (names[0] if names else "")
        self._listed: list[str] = names
        """The companies the selector offers."""
        self._fresh = False
        """`open` was called and the window not shown since."""
        self._schedule_shown = ""

    def compose(self) -> ComposeResult:
        t = self._texts
        defaults = SyncOptions()
        self._listed = list(self._rows)
        with Vertical(id="sync-dialog", classes="dialog"):
            yield Label(t("sync.title"), classes="dialog-title")
            yield Label(t("sync.company"))
            yield Select([(name, name) for name in self._rows], value=self._company or Select.BLANK,
                         allow_blank=not self._rows, id="sync-company")
            for name in OPTION_FIELDS:
                yield Tick(t("sync." + name), value=bool(getattr(defaults, name)), id=f"opt-{name}")
            with Horizontal(id="sync-schedule"):
                self._schedule_shown = self._schedule_text()
                yield Label(self._schedule_shown, id="sync-next")
                yield Button(t("sync.goto_schedules"), id="sync-goto")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("sync.start"), variant="primary", id="sync-start")
                yield Button(t("sync.cancel"), id="sync-cancel")

    def open(self, rows: Mapping[str, Row], company: str | None) -> None:
        """Show these companies' rows, `company` selected (else the first), the next time it is shown."""
        self._rows = rows
        names = list(rows)
        self._company = company if company is not None and company in rows else (names[0] if names else "")
        self._fresh = True

    def on_screen_resume(self) -> None:
        self.query_one("#sync-start", Button).focus()
        if not self._fresh:
            return  # back from the schedules it opened: the operator's ticks stay
        self._fresh = False
        # A fresh window each opening: the defaults ticked, the company the dashboard had selected.
        select: Select[str] = self.query_one("#sync-company", Select)
        names = list(self._rows)
        if names != self._listed:
            select.set_options([(name, name) for name in names])
            self._listed = names
        if self._company:
            select.value = self._company
        defaults = SyncOptions()
        for name in OPTION_FIELDS:
            self.query_one(f"#opt-{name}", Tick).value = bool(getattr(defaults, name))
        self.refresh_schedule()

    def _schedule_text(self) -> str:
        row = self._rows.get(self._company)
        if row is None or not row.schedule_enabled:
            return self._texts("sync.no_schedule")
        if row.next_run is None:
            return self._texts("sync.next_run_none")
        return self._texts("sync.next_run", at=local_time(row.next_run, self._tz))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "sync-company" and isinstance(event.value, str):
            self._company = event.value
            self.refresh_schedule()

    def refresh_schedule(self) -> None:
        """Show the company's next automatic run again (the app calls it when the plan moves on)."""
        text = self._schedule_text()
        if text != self._schedule_shown:
            # An update lays the window out again: only when the words change.
            self._schedule_shown = text
            self.query_one("#sync-next", Label).update(text)

    def options(self) -> SyncOptions:
        values = {name: self.query_one(f"#opt-{name}", Tick).value for name in OPTION_FIELDS}
        return SyncOptions(**values)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sync-start":
            self.action_start()
        elif event.button.id == "sync-cancel":
            self.dismiss(None)
        elif event.button.id == "sync-goto":
            await self.app.run_action("app.schedules")

    def action_start(self) -> None:
        options = self.options()
        if not self._company:
            return
        if not options.jobs():
            self.notify(self._texts("sync.nothing"), severity="warning")
            return
        self.dismiss(SyncChoice(self._company, options))

    def action_cancel(self) -> None:
        self.dismiss(None)


_SPOKEN: dict[Language, type[SyncScreen]] = {}
"""Language -> the SyncScreen whose key bindings are described in it (made once)."""


def sync_screen(texts: Texts, tz: ZoneInfo, rows: Mapping[str, Row], company: str | None) -> SyncScreen:
    """A SyncScreen whose keys are described in `texts`' language.

    Textual's key panel shows the bindings' descriptions and reads them from the class's `BINDINGS`,
    which has one language: each language gets a subclass of its own.
    """
    kind = _SPOKEN.get(texts.language)
    if kind is None:
        bindings = [Binding("escape", "cancel", texts("sync.cancel"), show=False),
                    Binding("ctrl+s", "start", texts("sync.start"), show=False)]
        kind = type(SyncScreen.__name__, (SyncScreen,), {"BINDINGS": bindings, "__module__": __name__})
        _SPOKEN[texts.language] = kind
    return kind(texts, tz, rows, company)
