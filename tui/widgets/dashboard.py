"""The dashboard table: a row per company, redrawn cell by cell as events arrive."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tui.i18n import Texts
from tui.model import Row, row_cells

COLUMNS: tuple[str, ...] = ("company", "connection", "schedule", "current", "last", "next")


class CompanyTable(DataTable[object]):
    """One row per company, keyed by its name, with the columns of `COLUMNS`."""

    def __init__(self, texts: Texts, tz: ZoneInfo, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._texts = texts
        self._tz = tz

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(self._texts("col." + column), key=column)

    def show(self, rows: list[Row]) -> None:
        """Show a fresh snapshot: cells updated in place when the companies are the same (the cursor
        stays where the operator left it), else every row replaced."""
        if [key.value for key in self.rows] == [row.name for row in rows]:
            for row in rows:
                self.update_row(row)
            return
        self.clear()
        for row in rows:
            self.add_row(*row_cells(row, self._texts, self._tz), key=row.name)

    def update_row(self, row: Row) -> None:
        """Redraw one company's cells in place."""
        if row.name not in self.rows:
            self.add_row(*row_cells(row, self._texts, self._tz), key=row.name)
            return
        for column, cell in zip(COLUMNS, row_cells(row, self._texts, self._tz), strict=True):
            # Re-measuring a column walks every row: do it when this cell needs more room, or when
            # the row is at rest (a run just ended: rare), so a column a progress bar widened narrows.
            width = cell.cell_len if isinstance(cell, Text) else cell_len(cell)
            grow = width > self.columns[ColumnKey(column)].content_width
            self.update_cell(row.name, column, cell, update_width=grow or not row.running)

    @property
    def selected_company(self) -> str | None:
        """The company under the cursor, if any."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)
