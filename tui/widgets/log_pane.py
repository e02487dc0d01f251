"""The live log pane: lines from events and log records, filtered by company and level."""

from __future__ import annotations

from collections import deque
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import RichLog, Select

from agent.texts import level_word
from tui.i18n import Texts
from tui.logentry import LEVELS, LogEntry, level_rank
from tui.model import local_time

KEEP = 2000
"""Lines kept for re-filtering; older ones are only in the log files."""
ALL = "*"
_LEVEL_STYLE = {"DEBUG": "dim", "WARNING": "yellow", "ERROR": "bold red", "CRITICAL": "bold red"}


class LogPane(Vertical):
    """Two selectors (company, level) over a scrolling log."""

    def __init__(self, texts: Texts, tz: ZoneInfo, companies: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._texts = texts
        self._tz = tz
        self._companies = companies
        self._entries: deque[LogEntry] = deque(maxlen=KEEP)
        self.company_filter = ALL
        self.level_filter = "INFO"

    def compose(self) -> ComposeResult:
        t = self._texts
        with Horizontal(id="log-filters"):
            yield Select([(t("log.all_companies"), ALL), *((name, name) for name in self._companies)],
                         value=ALL, allow_blank=False, id="log-company")
            # Each choice names its level in the words the lines below show (the daily file's, too).
            levels = [(t(f"log.level_{name.lower()}", level=level_word(t.language, name)), name) for name in LEVELS]
            yield Select(levels, value="INFO", allow_blank=False, id="log-level")
        yield RichLog(id="log-lines", wrap=True, markup=False, max_lines=KEEP)

    def set_companies(self, companies: list[str]) -> None:
        """The company filter's choices (known once the runtime's snapshot is read)."""
        self._companies = companies
        select: Select[str] = self.query_one("#log-company", Select)
        select.set_options([(self._texts("log.all_companies"), ALL), *((name, name) for name in companies)])
        select.value = self.company_filter if self.company_filter in (ALL, *companies) else ALL

    def add(self, entry: LogEntry) -> None:
        self._entries.append(entry)
        if self._shows(entry):
            self.query_one(RichLog).write(self._line(entry))

    def visible_texts(self) -> list[str]:
        """The lines the filters let through now, as plain text (for tests and copy)."""
        return [self._line(entry).plain for entry in self._entries if self._shows(entry)]

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "log-company":
            self.company_filter = str(event.value)
        elif event.select.id == "log-level":
            self.level_filter = str(event.value)
        self._redraw()

    def _shows(self, entry: LogEntry) -> bool:
        if self.company_filter != ALL and entry.company not in (self.company_filter, ""):
            return False
        return level_rank(entry.level) >= level_rank(self.level_filter)

    def _line(self, entry: LogEntry) -> Text:
        who = entry.company or "-"
        # The level in the language; `entry.level` keeps its English name for filtering and the style.
        level = level_word(self._texts.language, entry.level)
        line = f"{local_time(entry.at, self._tz, with_date=False)} {level:<7} {who}: {entry.text}"
        return Text(line, style=_LEVEL_STYLE.get(entry.level, ""))

    def _redraw(self) -> None:
        lines = self.query_one(RichLog)
        lines.clear()
        for entry in self._entries:
            if self._shows(entry):
                lines.write(self._line(entry))
