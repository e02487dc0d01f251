"""The run history ("Historia"): runs by company and time with result and counts, a run's per-item
outcomes (what failed, why, what to do), the orders job's reconciliation report; text can be copied.

Everything is read through the manage layer in workers; the screen only lays it out.
"""

from __future__ import annotations

import json
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import DescendantFocus
from textual.widgets import Button, DataTable, Label, Select, Static

from agent.errors import MarketsyncError
from agent.runtime.api import ItemOutcome, Run
from agent.runtime.manage import Manage, Reconciliation
from agent.texts.outcomes import item_label, outcome_hint, outcome_message, reconciliation_words, summary_words
from tui.i18n import Texts
from tui.model import duration, local_time
from tui.screens.kept import KeptScreen

ALL = "*"
RUNS_SHOWN = 100
"""The newest runs listed (the state database keeps more)."""


def run_counts(run: Run) -> tuple[int, int, int]:
    """A run's ok, skipped and failed items over all its jobs."""
    totals = run.totals.values()
    return sum(t.ok for t in totals), sum(t.skipped for t in totals), sum(t.failed for t in totals)


def run_report(run: Run, outcomes: list[ItemOutcome], texts: Texts, tz: ZoneInfo) -> str:
    """A run and its outcomes as plain text an operator can paste into a message."""
    ok, skipped, failed = run_counts(run)
    lines = [
        texts("history.report_head", run=run.id, company=run.company, started=local_time(run.started, tz),
              result=texts("last." + run.result), trigger=texts("trigger." + run.trigger), operator=run.operator),
        texts("history.report_counts", ok=ok, skipped=skipped, failed=failed),
    ]
    if run.error_summary:
        error = summary_words(texts.language, run.error_summary, phrase=run.summary_phrase)
        lines.append(texts("log.run_error", error=error))
    for o in outcomes:
        message = outcome_words(o, texts)
        lines.append(outcome_head(o, texts) + (f" - {o.error_class}: {message}" if o.error_class or message else ""))
        if o.hint:
            hint = outcome_hint(texts.language, o.hint, o.error_class, phrase=o.hint_phrase)
            lines.append("    " + texts("history.what_to_do", hint=hint))
    return "\n".join(lines)


def outcome_head(outcome: ItemOutcome, texts: Texts) -> str:
    """"[job] item: result" of one outcome, in the language."""
    item = item_label(texts.language, outcome.item)
    return f"[{texts('job.' + outcome.job)}] {item}: {texts('outcome.' + outcome.outcome)}"


def outcome_words(outcome: ItemOutcome, texts: Texts) -> str:
    """An outcome's message in the language (worded from the facts the jobs record with it)."""
    return outcome_message(texts.language, outcome.message, outcome.payload, item=outcome.item, phrase=outcome.phrase)


def reconciliation_text(report: Reconciliation | None, texts: Texts, company: str) -> str:
    if report is None:
        return texts("history.no_reconciliation", company=company)
    lines = [texts("history.reconciliation_head", company=company, run=report.run_id,
                   state=texts("history.rec_ok") if report.ok else texts("history.rec_mismatch")),
             reconciliation_words(texts.language, report.details) or report.summary]
    for key in ("missing", "waiting", "doubled", "cancelled_open"):
        values = report.details.get(key) or []
        if values:
            lines.append(f"{texts('history.rec_' + key)}: {', '.join(str(v) for v in values)}")
    if report.hint:
        lines.append(texts("history.what_to_do", hint=outcome_hint(texts.language, report.hint)))
    return "\n".join(lines)


class HistoryScreen(KeptScreen):
    """A full screen; runs on top, the highlighted run's outcomes below, details and reports at the bottom."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
        Binding("y", "copy", show=False),
        Binding("f", "toggle_failed", show=False),
    ]
    DEFAULT_CSS = """
    HistoryScreen #history-runs { height: 1fr; min-height: 6; }
    HistoryScreen #history-outcomes { height: 1fr; min-height: 5; }
    HistoryScreen #history-detail { height: auto; max-height: 10; overflow-y: auto; border-top: solid $primary; }
    HistoryScreen #history-filter { height: auto; }
    HistoryScreen #history-filter Select { width: 40; }
    """

    def __init__(self, texts: Texts, tz: ZoneInfo, manage: Manage, company: str | None = None) -> None:
        super().__init__()
        self._texts = texts
        self._tz = tz
        self._manage = manage
        names = [c.name for c in manage.config.companies]
        self._company = company if company in names else ALL
        self.runs: dict[int, Run] = {}
        self.outcomes: list[ItemOutcome] = []
        self._outcomes_of: int | None = None
        """The run whose items the outcomes table holds."""
        self.run_id: int | None = None
        self.only_failed = False
        self.detail = ""
        self.reads = 0
        """Reads of the runs with the highlighted run's items finished and shown (each showing does one)."""

    def compose(self) -> ComposeResult:
        t = self._texts
        with Vertical(id="history-dialog", classes="dialog"):
            yield Label(t("history.title"), classes="dialog-title")
            with Horizontal(id="history-filter"):
                options = [(t("log.all_companies"), ALL)] + [(c.name, c.name) for c in self._manage.config.companies]
                yield Select(options, value=self._company, allow_blank=False, id="history-company")
            runs: DataTable[str] = DataTable(id="history-runs", cursor_type="row")
            for key in ("run", "company", "started", "trigger", "jobs", "result", "ok", "skipped", "failed", "took"):
                runs.add_column(t("history.col_" + key), key=key)
            yield runs
            outcomes: DataTable[str] = DataTable(id="history-outcomes", cursor_type="row")
            for key in ("job", "item", "outcome", "error", "message"):
                outcomes.add_column(t("history.col_" + key), key=key)
            yield outcomes
            yield Static("", id="history-detail", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("history.failed_only"), id="history-failed")
                yield Button(t("history.reconciliation"), id="history-reconciliation")
                yield Button(t("history.copy"), id="history-copy")
                yield Button(t("history.close"), variant="primary", id="history-close")

    def on_screen_resume(self) -> None:
        names = {c.name for c in self._manage.config.companies}
        preferred = self.preferred
        if preferred is not None and preferred in names and preferred != self._company:
            self._company = preferred
            # The filter's Select.Changed then finds the company already chosen: the runs are read once, below.
            self.query_one("#history-company", Select).value = self._company
        self.load_runs()
        self.preferred = None
        self.query_one("#history-runs", DataTable).focus()

    # --- loading ---------------------------------------------------------------------------

    @work(exclusive=True, group="history-runs")
    async def load_runs(self) -> None:
        t = self._texts
        try:
            runs = await self._manage.runs(None if self._company == ALL else self._company, limit=RUNS_SHOWN)
        except MarketsyncError as exc:
            self._show(t("history.failed", message=t.error(exc)))
            return
        if runs == list(self.runs.values()) and runs:
            # Nothing new: the table stays as it is (the cursor too); the highlighted run's items are read again.
            if self.run_id is not None:
                self.load_outcomes(self.run_id)
            else:
                self.reads += 1
            return
        self.runs = {run.id: run for run in runs}
        table = self.query_one("#history-runs", DataTable)
        table.clear()
        for run in runs:
            ok, skipped, failed = run_counts(run)
            took = duration(run.duration.total_seconds()) if run.duration is not None else "-"
            table.add_row(str(run.id), run.company, local_time(run.started, self._tz),
                          f"{t('trigger.' + run.trigger)} ({run.operator})",
                          ", ".join(t("job." + job) for job in run.options.jobs),
                          t("last." + run.result) if run.result != "running" else t("last.running"),
                          str(ok), str(skipped), str(failed), took, key=str(run.id))
        if not runs:
            self._show(t("history.none"))
            self.query_one("#history-outcomes", DataTable).clear()
            self.reads += 1
            return
        # The cursor row may be the same number as before the rebuild (no RowHighlighted then): read its items.
        self.run_id = runs[min(table.cursor_row, len(runs) - 1)].id
        self.load_outcomes(self.run_id)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if event.data_table.id == "history-runs" and key is not None:
            self.run_id = int(key)
            self.load_outcomes(int(key))
        elif event.data_table.id == "history-outcomes" and key is not None and event.data_table.has_focus:
            # Only while the operator moves through the outcomes: a fresh load keeps the run's report shown.
            self._show(self._outcome_text(self.outcomes[int(key)]))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        table = event.widget
        if isinstance(table, DataTable) and table.id == "history-outcomes" and table.row_count:
            self._show(self._outcome_text(self.outcomes[table.cursor_row]))

    @work(exclusive=True, group="history-outcomes")
    async def load_outcomes(self, run_id: int) -> None:
        t = self._texts
        try:
            outcomes = await self._manage.outcomes(run_id, only_failed=self.only_failed)
        except MarketsyncError as exc:
            self._show(t("history.failed", message=t.error(exc)))
            return
        if run_id != self.run_id:
            return
        table = self.query_one("#history-outcomes", DataTable)
        if outcomes != self.outcomes or table.row_count != len(outcomes) or self._outcomes_of != run_id:
            self.outcomes = outcomes
            self._outcomes_of = run_id
            table.clear()
            for index, o in enumerate(outcomes):
                table.add_row(t("job." + o.job), item_label(t.language, o.item), t("outcome." + o.outcome),
                              o.error_class, outcome_words(o, t), key=str(index))
        run = self.runs.get(run_id)
        if run is not None:
            self._show(run_report(run, [o for o in outcomes if o.outcome == "failed"][:20], t, self._tz))
        self.reads += 1

    def _outcome_text(self, outcome: ItemOutcome) -> str:
        t = self._texts
        lines = [outcome_head(outcome, t)]
        if outcome.error_class or outcome.message:
            lines.append(t("history.why", error=outcome.error_class, message=outcome_words(outcome, t)))
        if outcome.hint:
            hint = outcome_hint(t.language, outcome.hint, outcome.error_class, phrase=outcome.hint_phrase)
            lines.append(t("history.what_to_do", hint=hint))
        if outcome.payload and outcome.item != "reconciliation":
            try:
                lines.append(json.dumps(json.loads(outcome.payload), ensure_ascii=False)[:500])
            except json.JSONDecodeError:
                lines.append(outcome.payload[:500])
        return "\n".join(lines)

    def _show(self, text: str) -> None:
        if text == self.detail:
            return  # the same report read again: an update would lay the screen out and draw it again
        self.detail = text
        self.query_one("#history-detail", Static).update(text)

    # --- actions ---------------------------------------------------------------------------

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "history-company" and isinstance(event.value, str) and event.value != self._company:
            self._company = event.value
            self.load_runs()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "history-close":
            self.dismiss(None)
        elif button == "history-copy":
            self.action_copy()
        elif button == "history-failed":
            self.action_toggle_failed()
        elif button == "history-reconciliation":
            self.show_reconciliation()

    @work(exclusive=True, group="history-reconciliation")
    async def show_reconciliation(self) -> None:
        t = self._texts
        run = self.runs.get(self.run_id) if self.run_id is not None else None
        company = run.company if run is not None else (self._company if self._company != ALL else None)
        if company is None:
            self._show(t("history.pick_company"))
            return
        try:
            report = await self._manage.reconciliation(company)
        except MarketsyncError as exc:
            self._show(t("history.failed", message=t.error(exc)))
            return
        self._show(reconciliation_text(report, t, company))

    def action_toggle_failed(self) -> None:
        self.only_failed = not self.only_failed
        if self.run_id is not None:
            self.load_outcomes(self.run_id)

    def action_copy(self) -> None:
        """Copy what the detail pane shows (a run's report, an outcome, the reconciliation)."""
        if self.detail:
            self.app.copy_to_clipboard(self.detail)
            self.notify(self._texts("history.copied"))

    def action_close(self) -> None:
        self.dismiss(None)
