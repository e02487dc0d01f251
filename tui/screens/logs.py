"""The full log view ("Dziennik"): the daily log files, newest line first, searchable by offer,
product code, order id, run, or any text. The files are read by the manage layer in a worker.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RichLog, Select

from agent.errors import MarketsyncError
from agent.runtime.manage import LOG_KINDS, LogHit, LogKind, Manage
from tui.i18n import Texts
from tui.screens.kept import KeptScreen


class LogsScreen(KeptScreen):
    """A full screen; a search row on top, the matching lines below (newest first)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]
    DEFAULT_CSS = """
    LogsScreen #logs-dialog { width: 100%; height: 100%; max-width: 100%; }
    LogsScreen #logs-search { height: auto; }
    LogsScreen #logs-search Select { width: 28; }
    LogsScreen #logs-search Input { width: 1fr; }
    LogsScreen #logs-lines { height: 1fr; }
    LogsScreen #logs-count { color: $text-muted; height: 1; }
    """

    def __init__(self, texts: Texts, manage: Manage) -> None:
        super().__init__()
        self._texts = texts
        self._manage = manage
        self.hits: list[LogHit] = []

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="logs-dialog", classes="dialog"):
            yield Label(t("logs.title"), classes="dialog-title")
            with Horizontal(id="logs-search"):
                yield Select([(t("logs.kind_" + kind), kind) for kind in LOG_KINDS], value="text",
                             allow_blank=False, id="logs-kind")
                yield Input(placeholder=t("logs.placeholder"), id="logs-query")
                yield Button(t("logs.search"), variant="primary", id="logs-go")
            yield Label("", id="logs-count")
            yield RichLog(id="logs-lines", wrap=False, markup=False, highlight=False, max_lines=5000)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("logs.copy"), id="logs-copy")
                yield Button(t("logs.close"), id="logs-close")

    def on_screen_resume(self) -> None:
        # Shown again: the same search once more, so new lines of the log appear.
        self.query_one("#logs-query", Input).focus()
        self._run_search()

    @work(exclusive=True, group="logs-search")
    async def search(self, kind: LogKind, value: str) -> None:
        t = self._texts
        self.query_one("#logs-count", Label).update(t("logs.searching"))
        try:
            hits = await self._manage.search_logs(kind, value)
        except MarketsyncError as exc:
            self.query_one("#logs-count", Label).update(t("logs.failed", message=str(exc)))
            return
        self.hits = hits
        lines = self.query_one("#logs-lines", RichLog)
        lines.clear()
        if hits:
            # One write for all: RichLog lays out each write on its own, 500 of them cost a visible pause.
            lines.write(Text("\n".join(hit.line for hit in hits)))
        self.query_one("#logs-count", Label).update(t("logs.count", count=len(hits)) if hits else t("logs.none"))

    def _run_search(self) -> None:
        kind = self.query_one("#logs-kind", Select).value
        value = self.query_one("#logs-query", Input).value
        self.search(kind if isinstance(kind, str) and kind in LOG_KINDS else "text", value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._run_search()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "logs-go":
            self._run_search()
        elif event.button.id == "logs-copy":
            if self.hits:
                self.app.copy_to_clipboard("\n".join(hit.line for hit in self.hits))
                self.notify(self._texts("logs.copied", count=len(self.hits)))
        elif event.button.id == "logs-close":
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
