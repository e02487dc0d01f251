"""The dashboard table: a row per company, redrawn cell by cell as events arrive.

Textual's DataTable draws every row again whenever any cell changed, so twenty companies
reporting progress a hundred times a second kept the event loop drawing the table and made key
presses wait. Two rules keep it in check: only the cells whose text changed are updated, and
progress that follows progress within `PROGRESS_EVERY_S` of the row's last drawing waits for the
table's next tick (all such rows are drawn together, at most every `PROGRESS_EVERY_S`). Anything
else (a run starting or ending, a connection lost, the first progress of a job) is drawn at once.
"""

from __future__ import annotations

import time
from dataclasses import replace
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual.timer import Timer
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tui.i18n import Texts
from tui.model import Row, row_cells

COLUMNS: tuple[str, ...] = ("company", "connection", "schedule", "current", "last", "next")
NARROW: tuple[tuple[str, int], ...] = (("next", 120), ("schedule", 110), ("connection", 100))
"""Which column goes first on a narrow screen: (column, shown only from this many cells wide up).
By the table's width, not its contents, so a progress bar growing never makes columns come and go;
the company, what runs now and the last result stay at any width."""


def visible_columns(width: int) -> tuple[str, ...]:
    """The columns shown in a table `width` cells wide, in `COLUMNS` order."""
    hidden = {column for column, needs in NARROW if width < needs}
    return tuple(column for column in COLUMNS if column not in hidden)
PROGRESS_EVERY_S = 0.1
"""How often a running job's progress is drawn at most (ten times a second reads as live)."""

Cell = str | Text


def _same(a: Cell, b: Cell) -> bool:
    # Rich's Text equality ignores the base style (a result's colour): compare it too.
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and a.style == b.style and a.spans == b.spans
    return type(a) is type(b) and a == b


def progress_only(before: Row, after: Row) -> bool:
    """`after` differs from `before` only in the progress of the same run's same job."""
    if before.current is None or after.current is None:
        return False
    same_job = (before.current.run_id, before.current.job) == (after.current.run_id, after.current.job)
    return same_job and replace(after, current=before.current) == before


class CompanyTable(DataTable[object]):
    """One row per company, keyed by its name, with the columns of `COLUMNS`."""

    def __init__(self, texts: Texts, tz: ZoneInfo, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._texts = texts
        self._tz = tz
        self._drawn: dict[str, Row] = {}
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._progressed: dict[str, float] = {}
        """Company -> when its row was last drawn for progress only (absent: last drawn for anything else)."""
        self._pending: dict[str, Row] = {}
        self._tick: Timer | None = None
        self.shown_columns: tuple[str, ...] = COLUMNS
        """The columns shown now (fewer on a narrow screen, see `NARROW`)."""

    def on_mount(self) -> None:
        for column in self.shown_columns:
            self.add_column(self._texts("col." + column), key=column)

    def on_resize(self) -> None:
        wanted = visible_columns(self.size.width)
        if wanted == self.shown_columns:
            return
        # Rebuilt with the columns that fit; the rows are drawn again from what was last shown.
        cursor = self.cursor_row
        self.shown_columns = wanted
        self.clear(columns=True)
        for column in wanted:
            self.add_column(self._texts("col." + column), key=column)
        rows = list(self._drawn.values())
        self._drawn.clear()
        self._cells.clear()
        self._progressed.clear()
        for row in rows:
            self._draw(row)
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def _drop_drawings(self) -> None:
        # DataTable keys its render caches by a counter that every cell update moves, so on a table
        # updated many times a second each cache fills to its default size (up to 10,000 cells)
        # with drawings of old counts: tens of thousands of objects nobody reads again that every
        # full garbage collection walks. After an update no cached drawing can be read again, so
        # dropping them costs nothing; `notify_style_update` is the public way to drop them.
        self.notify_style_update()

    def show(self, rows: list[Row]) -> None:
        """Show a fresh snapshot: cells updated in place when the companies are the same (the cursor
        stays where the operator left it), else every row replaced."""
        self._pending.clear()
        if [key.value for key in self.rows] == [row.name for row in rows]:
            for row in rows:
                self._draw(row)
            return
        self.clear()
        self._drawn.clear()
        self._cells.clear()
        self._progressed.clear()
        for row in rows:
            self._draw(row)

    def update_row(self, row: Row) -> None:
        """Redraw one company's cells in place: at once, or with the next tick when it is steady progress."""
        before = self._drawn.get(row.name)
        drawn_at = self._progressed.get(row.name)
        if (before is not None and drawn_at is not None and progress_only(before, row)
                and time.monotonic() - drawn_at < PROGRESS_EVERY_S):
            self._pending[row.name] = row
            if self._tick is None:
                self._tick = self.set_timer(PROGRESS_EVERY_S, self._draw_pending)
            return
        self._pending.pop(row.name, None)
        self._draw(row)

    def _draw_pending(self) -> None:
        self._tick = None
        pending, self._pending = self._pending, {}
        for row in pending.values():
            self._draw(row)

    def _draw(self, row: Row) -> None:
        before = self._drawn.get(row.name)
        if before is not None and progress_only(before, row):
            self._progressed[row.name] = time.monotonic()
        else:
            self._progressed.pop(row.name, None)
        self._drawn[row.name] = row
        cells = row_cells(row, self._texts, self._tz)
        shown = self._cells.get(row.name)
        self._cells[row.name] = cells
        if row.name not in self.rows:
            self.add_row(*(cells[COLUMNS.index(column)] for column in self.shown_columns), key=row.name)
            return
        changed = False
        for index, (column, cell) in enumerate(zip(COLUMNS, cells, strict=True)):
            if column not in self.shown_columns or (shown is not None and _same(shown[index], cell)):
                continue
            # Re-measuring a column walks every row: do it when this cell needs more room, or when
            # the row is at rest (a run just ended: rare), so a column a progress bar widened narrows.
            width = cell.cell_len if isinstance(cell, Text) else cell_len(cell)
            grow = width > self.columns[ColumnKey(column)].content_width
            self.update_cell(row.name, column, cell, update_width=grow or not row.running)
            changed = True
        if changed:
            self._drop_drawings()

    @property
    def selected_company(self) -> str | None:
        """The company under the cursor, if any."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)
