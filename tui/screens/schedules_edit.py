"""The schedules editor ("Harmonogramy"): every company's schedule, and a form that saves one.

The form is the seed's: enabled, from hour, to hour, every N minutes, which jobs, operator; or,
instead of the window, a cron expression. What is wrong is said in the field itself, by the config
loader's rules (`agent.config_edit`), before anything is written; a cron expression is checked as
the operator types, and the next three fires show under the field, planned by the scheduler's own
code (`agent.config_edit.upcoming_fires`). A good schedule is saved to the config file (comments
kept; the other kind's keys removed) and applied at once through the manage layer, in a worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, DataTable, Input, Label, RadioButton, RadioSet

from agent.config import CompanyConfig
from agent.config_edit import ScheduleEdit, schedule_problems, upcoming_fires
from agent.core.cron_check import CRON_EXAMPLE, CronProblem, cron_problem
from agent.domain import JOB_ORDER, ScheduleConfig
from agent.errors import ConfigError, MarketsyncError
from agent.runtime.api import Clock, utc_now
from agent.runtime.manage import Manage
from agent.texts.phrases import message_for
from tui.i18n import Texts
from tui.screens.kept import KeptScreen
from tui.widgets.tick import Tick

Kind = Literal["window", "cron"]

Shown = tuple[tuple[str, ScheduleConfig], ...]
"""Each company's name and schedule, in config order: what the table shows."""

NUMBER_FIELDS: tuple[tuple[str, str], ...] = (("from_hour", "from"), ("to_hour", "to"), ("every_minutes", "every"))
"""ScheduleEdit field -> the id stem of its input."""
PREVIEW_FIRES = 3


class Choice(RadioButton):
    """A radio button whose mark reads without colour (as `Tick`): a dot when chosen, blank when not."""

    def render(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super().render()


def cron_message(t: Texts, problem: CronProblem) -> str:
    """What is wrong with a cron expression, in the operator's language, ending with an example."""
    example = t("schedules.cron_example", example=CRON_EXAMPLE)
    if problem.kind == "empty":
        return t("schedules.err_cron_empty", example=example)
    if problem.kind == "count":
        return t("schedules.err_cron_count", count=problem.found, example=example)
    if problem.kind == "field" and problem.field is not None:
        return t("schedules.err_cron_field", field=t("cron." + problem.field), found=problem.found,
                 allowed=t("cron.allowed_" + problem.field), example=example)
    return t("schedules.err_cron_invalid", found=problem.found, example=example)


def fire_text(t: Texts, fire: datetime, tz: ZoneInfo) -> str:
    local = fire.astimezone(tz)
    return t("schedules.fire_at", weekday=t(f"weekday.{local.weekday()}"), date=f"{local:%d.%m}",
             time=f"{local:%H:%M}")


class SchedulesEditScreen(KeptScreen):
    """A full screen; the table picks the company, the form below edits its schedule."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
        Binding("ctrl+s", "save", show=False),
    ]
    DEFAULT_CSS = """
    SchedulesEditScreen #sched-dialog { width: 100%; height: 100%; max-width: 100%; }
    SchedulesEditScreen #sched-table { height: auto; max-height: 12; }
    SchedulesEditScreen .sched-field { height: auto; }
    SchedulesEditScreen .sched-field Label { width: 24; padding: 1 1 0 0; }
    SchedulesEditScreen .sched-field Input { width: 16; }
    SchedulesEditScreen .sched-field #sched-cron { width: 32; }
    SchedulesEditScreen .sched-error { color: $error; padding: 1 0 0 1; width: 1fr; }
    SchedulesEditScreen #sched-head { height: auto; margin-top: 1; }
    SchedulesEditScreen #sched-head Label { width: 24; }
    SchedulesEditScreen #sched-kind { width: auto; height: auto; layout: horizontal; }
    SchedulesEditScreen #sched-kind Choice { width: auto; margin-right: 2; }
    SchedulesEditScreen #sched-window, SchedulesEditScreen #sched-cron-box { height: auto; }
    SchedulesEditScreen #sched-jobs { height: auto; }
    SchedulesEditScreen #sched-jobs Tick { width: auto; margin-right: 2; }
    SchedulesEditScreen #sched-cron-help, SchedulesEditScreen #sched-status { color: $text-muted; height: auto; }
    SchedulesEditScreen #sched-cron-error { padding: 0 0 0 24; }
    SchedulesEditScreen #sched-cron-help { width: 1fr; padding: 0 0 0 24; }
    SchedulesEditScreen #sched-preview { height: auto; width: 1fr; margin-bottom: 1; }
    """

    def __init__(self, texts: Texts, manage: Manage, company: str | None = None) -> None:
        super().__init__()
        self._texts = texts
        self._manage = manage
        names = [c.name for c in manage.config.companies]
        self._company = company if company in names else (names[0] if names else "")
        self._kind: Kind = "window"
        self.clock: Clock = utc_now
        """Where the preview of the next fires starts (a test sets a fixed instant)."""
        self._shown: Shown | None = None
        """The schedules the table shows (None: not filled yet)."""

    def compose(self) -> ComposeResult:
        t = self._texts
        # The form is built with the company's values: setting them after mounting restyles every field.
        current = self._current()
        edit = ScheduleEdit.of(current.schedule) if current is not None else ScheduleEdit()
        self._kind = "cron" if edit.cron is not None else "window"
        with Vertical(id="sched-dialog", classes="dialog"):
            yield Label(t("schedules.title"), classes="dialog-title")
            table: DataTable[str] = DataTable(id="sched-table", cursor_type="row")
            table.add_column(t("col.company"), key="company")
            for key in ("enabled", "from", "to", "every", "jobs", "operator"):
                table.add_column(t("schedules.col_" + key), key=key)
            yield table
            yield Label(self._company, id="sched-company", classes="dialog-title")
            yield Tick(t("schedules.enabled"), value=edit.enabled, id="sched-enabled")
            with Horizontal(id="sched-head"):
                yield Label(t("schedules.field_kind"))
                with RadioSet(id="sched-kind", compact=True):
                    yield Choice(t("schedules.kind_window"), value=self._kind == "window", id="sched-kind-window")
                    yield Choice(t("schedules.kind_cron"), value=self._kind == "cron", id="sched-kind-cron")
            with Vertical(id="sched-window"):
                for field, stem in NUMBER_FIELDS:
                    with Horizontal(classes="sched-field"):
                        yield Label(t("schedules.field_" + stem))
                        yield Input(str(getattr(edit, field)), id=f"sched-{stem}", type="integer")
                        yield Label("", id=f"sched-{stem}-error", classes="sched-error")
            with Vertical(id="sched-cron-box"):
                with Horizontal(classes="sched-field"):
                    yield Label(t("schedules.field_cron"))
                    yield Input(edit.cron or "", id="sched-cron", placeholder=CRON_EXAMPLE)
                # Below the field, not beside it: the message names the field and gives an example.
                yield Label("", id="sched-cron-error", classes="sched-error")
                yield Label(t("schedules.cron_help"), id="sched-cron-help")
            yield Label("", id="sched-preview")
            yield Label(t("schedules.field_jobs"))
            with Horizontal(id="sched-jobs"):
                for job in JOB_ORDER:
                    yield Tick(t("job." + job), value=job in edit.jobs, id=f"sched-job-{job}")
            yield Label("", id="sched-jobs-error", classes="sched-error")
            with Horizontal(classes="sched-field"):
                yield Label(t("schedules.field_operator"))
                yield Input(edit.operator, id="sched-operator")
                yield Label("", id="sched-operator-error", classes="sched-error")
            yield Label("", id="sched-status")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("schedules.save"), variant="primary", id="sched-save")
                yield Button(t("schedules.close"), id="sched-close")

    def on_mount(self) -> None:
        self._show_kind()

    def on_screen_resume(self) -> None:
        # Every time it is shown: the config may have changed (a save, a headless service's reload),
        # the dashboard's selection too. Rebuilding the table took 30-70 ms of the `h` key, so it is
        # rebuilt only when what it shows changed; the form is refilled then too (its values are stale).
        names = [c.name for c in self._manage.config.companies]
        changed = self._shown_schedules() != self._shown
        preferred = self.preferred
        if preferred is not None and preferred in names and preferred != self._company:
            self._company = preferred
            changed = True
        elif self._company not in names:
            self._company = names[0] if names else ""
            changed = True
        self.preferred = None
        if changed:
            self._fill_table()
            self._fill_form()
        self.query_one("#sched-status", Label).update("")
        self.refresh_preview()
        self.query_one(DataTable).focus()

    # --- table and form --------------------------------------------------------------------

    def _shown_schedules(self) -> Shown:
        return tuple((company.name, company.schedule) for company in self._manage.config.companies)

    def _fill_table(self) -> None:
        t = self._texts
        table = self.query_one("#sched-table", DataTable)
        table.clear()
        self._shown = self._shown_schedules()
        for company in self._manage.config.companies:
            s = company.schedule
            window = ((t("schedules.cell_cron", cron=s.cron), "", "") if s.cron
                      else (f"{s.from_hour}", f"{s.to_hour}", f"{s.every_minutes}"))
            table.add_row(
                company.name,
                t("schedules.on") if s.enabled else t("schedules.off"),
                *window,
                ", ".join(t("job." + job) for job in s.jobs),
                s.operator,
                key=company.name,
            )
        if self._company:
            table.move_cursor(row=table.get_row_index(self._company))

    def _current(self) -> CompanyConfig | None:
        for company in self._manage.config.companies:
            if company.name == self._company:
                return company
        return None

    def _fill_form(self) -> None:
        company = self._current()
        if company is None:
            return
        edit = ScheduleEdit.of(company.schedule)
        self.query_one("#sched-company", Label).update(company.name)
        self.query_one("#sched-enabled", Tick).value = edit.enabled
        for field, stem in NUMBER_FIELDS:
            self.query_one(f"#sched-{stem}", Input).value = str(getattr(edit, field))
        for job in JOB_ORDER:
            self.query_one(f"#sched-job-{job}", Tick).value = job in edit.jobs
        self.query_one("#sched-operator", Input).value = edit.operator
        self.query_one("#sched-cron", Input).value = edit.cron or ""
        self.set_kind("cron" if edit.cron is not None else "window")
        self._show_problems({})

    def set_kind(self, kind: Kind) -> None:
        """Show the window's fields or the cron field (the other kind's values stay in the form)."""
        self._kind = kind
        # The set turns the other button off and reports the change; `_kind` is already right then.
        self.query_one(f"#sched-kind-{kind}", Choice).value = True
        self._show_kind()

    @property
    def kind(self) -> Kind:
        return self._kind

    def _show_kind(self) -> None:
        self.query_one("#sched-window", Vertical).display = self._kind == "window"
        self.query_one("#sched-cron-box", Vertical).display = self._kind == "cron"
        self.refresh_preview()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        kind: Kind = "cron" if event.pressed.id == "sched-kind-cron" else "window"
        if kind != self._kind:
            self._kind = kind
            self._show_kind()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        name = event.row_key.value
        if name is not None and name != self._company:
            self._company = name
            self._fill_form()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("sched-cron", "sched-from", "sched-to", "sched-every", "sched-operator"):
            self.refresh_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "sched-enabled":
            self.refresh_preview()

    def refresh_preview(self) -> None:
        """The next fires of what the form holds, and what is wrong with each field, as it is typed
        (a message goes as soon as its field is right again)."""
        t = self._texts
        edit, problems = self.form()
        self._show_problems(problems)
        preview = self.query_one("#sched-preview", Label)
        if problems.keys() & {"cron", *dict(NUMBER_FIELDS)}:
            preview.update("")
            return
        # Wrong jobs or operator do not change when it fires.
        edit = edit or self._read()[0]
        tz = ZoneInfo(self._manage.config.agent.timezone)
        fires = upcoming_fires(edit, self.clock(), tz, PREVIEW_FIRES)
        if not fires:
            preview.update(t("schedules.preview_never"))
            return
        times = t("schedules.preview_sep").join(fire_text(t, fire, tz) for fire in fires)
        preview.update(t("schedules.preview" if edit.enabled else "schedules.preview_off", times=times))

    def _read(self) -> tuple[ScheduleEdit, dict[str, str]]:
        t = self._texts
        problems: dict[str, str] = {}
        numbers: dict[str, int] = {}
        if self._kind == "window":  # a cron's form keeps the hidden window's inputs, unchecked and unsaved
            for field, stem in NUMBER_FIELDS:
                raw = self.query_one(f"#sched-{stem}", Input).value.strip()
                try:
                    numbers[field] = int(raw)
                except ValueError:
                    problems[field] = t("schedules.err_number")
        jobs = tuple(job for job in JOB_ORDER if self.query_one(f"#sched-job-{job}", Tick).value)
        edit = ScheduleEdit(
            enabled=self.query_one("#sched-enabled", Tick).value,
            from_hour=numbers.get("from_hour", 6),
            to_hour=numbers.get("to_hour", 22),
            every_minutes=numbers.get("every_minutes", 30),
            jobs=jobs,
            operator=self.query_one("#sched-operator", Input).value.strip(),
            cron=self.query_one("#sched-cron", Input).value if self._kind == "cron" else None,
        )
        return edit, problems

    def form(self) -> tuple[ScheduleEdit | None, dict[str, str]]:
        """The edit the form holds, and the field -> message of what is wrong (translated)."""
        t = self._texts
        edit, problems = self._read()
        for field in schedule_problems(edit):
            if field in problems:
                continue
            if field == "cron":
                problem = cron_problem(edit.cron or "")
                problems[field] = cron_message(t, problem) if problem is not None else ""
            elif field == "to_hour" and edit.from_hour == edit.to_hour:
                problems[field] = t("schedules.err_equal")
            else:
                problems[field] = t("schedules.err_" + field)
        return (None if problems else edit), problems

    def _show_problems(self, problems: dict[str, str]) -> None:
        stems = dict(NUMBER_FIELDS) | {"jobs": "jobs", "operator": "operator", "cron": "cron"}
        for field, stem in stems.items():
            self.query_one(f"#sched-{stem}-error", Label).update(problems.get(field, ""))

    # --- actions ---------------------------------------------------------------------------

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sched-save":
            self.action_save()
        elif event.button.id == "sched-close":
            self.dismiss(None)

    def action_save(self) -> None:
        edit, problems = self.form()
        self._show_problems(problems)
        if edit is None or not self._company:
            self.query_one("#sched-status", Label).update(self._texts("schedules.fix_fields"))
            return
        self.query_one("#sched-status", Label).update(self._texts("schedules.saving"))
        self._save(self._company, edit)

    @work(exclusive=True, group="schedule-save")
    async def _save(self, company: str, edit: ScheduleEdit) -> None:
        t = self._texts
        try:
            await self._manage.save_schedule(company, edit)
        except ConfigError as exc:
            # The loader's findings, or why the file could not be used, in the language.
            said = message_for(t.language, exc)
            self.query_one("#sched-status", Label).update(t("schedules.refused", message=said))
            return
        except MarketsyncError as exc:
            self.query_one("#sched-status", Label).update(t("schedules.refused", message=t.error(exc)))
            return
        self._fill_table()
        self._fill_form()
        self.query_one("#sched-status", Label).update(t("schedules.saved", company=company))
        self.notify(t("schedules.saved", company=company))

    def action_close(self) -> None:
        self.dismiss(None)
