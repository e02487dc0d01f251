"""The schedules, read-only: each company's schedule and next run (shown when the app cannot save the
config file; with the runtime's config manager the editor, `schedules_edit`, opens instead)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from tui.i18n import Texts
from tui.model import Row, local_time


class SchedulesScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    def __init__(self, texts: Texts, tz: ZoneInfo, rows: Mapping[str, Row]) -> None:
        super().__init__()
        self._texts = texts
        self._tz = tz
        self._rows = rows

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="schedules-dialog", classes="dialog"):
            yield Label(t("schedules.title"), classes="dialog-title")
            table: DataTable[str] = DataTable(id="schedules-table", cursor_type="row")
            table.add_columns(t("col.company"), t("col.schedule"), t("schedules.col_next"))
            for row in self._rows.values():
                schedule = (t("schedule.on", description=row.schedule_description) if row.schedule_enabled
                            else t("sync.no_schedule"))
                next_run = local_time(row.next_run, self._tz) if row.next_run else t("next.none")
                table.add_row(row.name, schedule, next_run)
            yield table
            yield Label(t("schedules.note"), id="schedules-note")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("schedules.close"), variant="primary", id="schedules-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
