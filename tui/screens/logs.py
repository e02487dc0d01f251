"""The full log view ("Dziennik"): the daily log files, newest line first, searchable by offer,
product code, order id, run, or any text. The files are read by the manage layer in a worker.

The simulator's own lines (one per request in the demo) are hidden unless the box asks for them.
The lines go to a `Log` (plain strings, drawn as they scroll into view) rather than a `RichLog`
(every line styled and measured at once): 500 found lines cost a RichLog ~70 ms of the event loop
and ~20,000 objects the garbage collector walks for as long as they are kept.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Log, Select

from agent.errors import MarketsyncError
from agent.runtime.manage import LOG_KINDS, LogHit, LogKind, Manage
from tui.i18n import Texts
from tui.screens.kept import KeptScreen


class LogsScreen(KeptScreen):
    """A full screen; a search row on top, the matching lines below (newest first)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]
    DEFAULT_CSS = """
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
        self.reads = 0
        """Searches finished and shown (each showing of the screen runs one)."""

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="logs-dialog", classes="dialog"):
            yield Label(t("logs.title"), classes="dialog-title")
            with Horizontal(id="logs-search"):
                yield Select([(t("logs.kind_" + kind), kind) for kind in LOG_KINDS], value="text",
                             allow_blank=False, id="logs-kind")
                yield Input(placeholder=t("logs.placeholder"), id="logs-query")
                yield Button(t("logs.search"), variant="primary", id="logs-go")
            yield Checkbox(t("logs.show_simulator"), value=False, id="logs-simulator")
            yield Label("", id="logs-count")
            yield Log(id="logs-lines", highlight=False, auto_scroll=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("logs.copy"), id="logs-copy")
                yield Button(t("logs.close"), id="logs-close")

    def on_screen_resume(self) -> None:
        # Shown again: the same search once more, so new lines of the log appear.
        self.query_one("#logs-query", Input).focus()
        self._run_search()

    @work(exclusive=True, group="logs-search")
    async def search(self, kind: LogKind, value: str, simulator: bool = False) -> None:
        t = self._texts
        self.query_one("#logs-count", Label).update(t("logs.searching"))
        try:
            hits = await self._manage.search_logs(kind, value, include_simulator=simulator)
        except MarketsyncError as exc:
            self.query_one("#logs-count", Label).update(t("logs.failed", message=t.error(exc)))
            return
        if hits != self.hits or not hits:
            # The same lines found again (shown again, nothing new logged) stay as they are, scrolled where they were.
            self.hits = hits
            lines = self.query_one("#logs-lines", Log)
            lines.clear()
            lines.write_lines(hit.line for hit in hits)
            lines.scroll_home(animate=False)
        self.query_one("#logs-count", Label).update(t("logs.count", count=len(hits)) if hits else t("logs.none"))
        self.reads += 1

    def _run_search(self) -> None:
        kind = self.query_one("#logs-kind", Select).value
        value = self.query_one("#logs-query", Input).value
        simulator = self.query_one("#logs-simulator", Checkbox).value
        self.search(kind if isinstance(kind, str) and kind in LOG_KINDS else "text", value, simulator)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._run_search()

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
