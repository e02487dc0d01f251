"""What the dashboard shows, as plain values: built from a `RuntimeSnapshot`, moved on by events.

No Textual here and no I/O: `Dashboard.apply(event)` updates the rows and says which row changed,
and `row_cells` turns a row into the table's cells in the operator's language and time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from agent.runtime.api import CompanyView, JobView, LastRunView, RuntimeSnapshot, ServiceView
from agent.runtime.events import (
    ConnectionChanged,
    ConnectionStatus,
    Event,
    JobProgress,
    NextRunPlanned,
    RunFinished,
    RunQueued,
    RunStarted,
    ScheduleChanged,
    ServiceStatus,
)
from tui.i18n import Texts

HEADER = ""
"""The key `Dashboard.apply` returns when the header line changed rather than a row."""


@dataclass(frozen=True, slots=True)
class Row:
    """One company's line on the dashboard."""

    name: str
    connection: ConnectionStatus
    connection_detail: str
    schedule_enabled: bool
    schedule_description: str
    next_run: datetime | None
    current: JobView | None
    last_run: LastRunView | None
    queued: bool = False
    running_run_id: int | None = None

    @classmethod
    def of(cls, view: CompanyView) -> Row:
        running = view.current.run_id if view.current is not None else None
        if running is None and view.last_run is not None and view.last_run.result == "running":
            running = view.last_run.run_id
        return cls(
            name=view.name,
            connection=view.connection,
            connection_detail=view.connection_detail,
            schedule_enabled=view.schedule_enabled,
            schedule_description=view.schedule_description,
            next_run=view.next_run,
            current=view.current,
            last_run=view.last_run,
            running_run_id=running,
        )

    @property
    def running(self) -> bool:
        return self.running_run_id is not None


class Dashboard:
    """The dashboard's rows (in config order) and who holds the scheduler."""

    def __init__(self, snapshot: RuntimeSnapshot, *, own_host: str, own_pid: int) -> None:
        self._own = (own_host, own_pid)
        self.rows: dict[str, Row] = {}
        self.scheduler: ServiceView | None = None
        self.stopping = False
        """This process's runtime said it is stopping (its runs end at their next checkpoint)."""
        self.reset(snapshot)

    def reset(self, snapshot: RuntimeSnapshot) -> None:
        """Start again from a fresh snapshot (at start, and after the bus dropped events)."""
        self.rows = {view.name: Row.of(view) for view in snapshot.companies}
        self.scheduler = snapshot.scheduler

    @property
    def running(self) -> tuple[str, ...]:
        """Companies with a run going now."""
        return tuple(name for name, row in self.rows.items() if row.running)

    def apply(self, event: Event) -> str | None:
        """Take one event into account; the changed row's company, `HEADER`, or None if nothing shows it."""
        if isinstance(event, ServiceStatus):
            # Only this process's runtime publishes on this bus: "stopping" is ours, and never undone
            # except by "stopped" (a snapshot, which does not tell it, must not undo it either).
            self.stopping = event.state == "stopping"
            if event.state == "stopped":
                self.scheduler = None
            else:
                this = (event.host, event.pid) == self._own
                self.scheduler = ServiceView(event.role, event.host, event.pid, event.since, this)
            return HEADER
        row = self.rows.get(event.company)
        if row is None:
            return None
        updated = _moved(row, event)
        if updated is None:
            return None
        self.rows[event.company] = updated
        return event.company


def _moved(row: Row, event: Event) -> Row | None:
    if isinstance(event, RunQueued):
        return replace(row, queued=True)
    if isinstance(event, RunStarted):
        first = event.jobs[0] if event.jobs else "orders"
        return replace(row, queued=False, running_run_id=event.run_id,
                       current=JobView(event.run_id, first, 0, 0, None))
    if isinstance(event, JobProgress):
        current = JobView(event.run_id, event.job, event.done, event.total, event.eta_seconds)
        return replace(row, running_run_id=event.run_id, current=current)
    if isinstance(event, RunFinished):
        last = LastRunView(event.run_id, event.result, event.at, event.totals)
        return replace(row, running_run_id=None, current=None, last_run=last)
    if isinstance(event, ConnectionChanged):
        return replace(row, connection=event.status, connection_detail=event.detail)
    if isinstance(event, ScheduleChanged):
        return replace(row, schedule_enabled=event.enabled, schedule_description=event.description)
    if isinstance(event, NextRunPlanned):
        return replace(row, next_run=event.fire_at)
    return None


# --- cells -----------------------------------------------------------------------------------

_BAR_WIDTH = 10
_CONNECTION_STYLE = {"connected": "green", "connection_error": "bold red", "unknown": "yellow"}
_RESULT_STYLE = {"success": "green", "partial": "yellow", "failed": "bold red", "interrupted": "magenta"}


def local_time(moment: datetime, tz: ZoneInfo, *, with_date: bool = True) -> str:
    """An instant as the operator's wall clock."""
    shown = moment.astimezone(tz)
    return f"{shown:%Y-%m-%d %H:%M}" if with_date else f"{shown:%H:%M:%S}"


def short_time(moment: datetime, tz: ZoneInfo) -> str:
    """Day, month and time, for the dashboard's narrow cells."""
    return f"{moment.astimezone(tz):%d.%m %H:%M}"


def duration(seconds: float) -> str:
    """Seconds as m:ss, or h:mm:ss past an hour."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_bar(done: int, total: int, width: int = _BAR_WIDTH) -> str:
    """A text progress bar with its percentage; a job that does not know its total yet shows an empty bar."""
    if total <= 0:
        return "░" * width
    share = min(1.0, max(0.0, done / total))
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled) + f" {share:4.0%}"


def current_cell(row: Row, texts: Texts) -> str:
    if row.current is not None:
        job = row.current
        text = f"{texts('job.' + job.job)} {progress_bar(job.done, job.total)}"
        if job.total > 0:
            text += f" {job.done}/{job.total}"
        if job.eta_seconds is not None:
            text += " " + texts("current.eta", eta=duration(job.eta_seconds))
        return text
    if row.running:
        return texts("current.starting")
    if row.queued:
        return texts("current.queued")
    return texts("current.none")


def last_cell(row: Row, texts: Texts, tz: ZoneInfo) -> Text:
    last = row.last_run
    if last is None:
        return Text(texts("last.none"), style="dim")
    if last.result == "running":
        return Text(texts("last.running"))
    totals = last.totals
    # Only the counts that say something: a clean run reads "Sukces: 273 ok".
    parts = [texts("cell.result", result=texts("last." + last.result), ok=totals.ok)]
    if totals.skipped:
        parts.append(texts("cell.skipped", count=totals.skipped))
    if totals.failed:
        parts.append(texts("cell.failed", count=totals.failed))
    text = ", ".join(parts)
    if last.finished is not None:
        text += " · " + short_time(last.finished, tz)
    return Text(text, style=_RESULT_STYLE.get(last.result, ""))


def row_cells(row: Row, texts: Texts, tz: ZoneInfo) -> tuple[str | Text, ...]:
    """The table cells of one row: company, connection, schedule, in progress, last result, next run."""
    connection = Text(texts("conn." + row.connection), style=_CONNECTION_STYLE.get(row.connection, ""))
    # The description says when ("całą dobę co 1 min"); an enabled schedule needs no other word.
    schedule = row.schedule_description if row.schedule_enabled else texts("schedule.off")
    next_run = short_time(row.next_run, tz) if row.next_run is not None else texts("next.none")
    return (row.name, connection, schedule, current_cell(row, texts), last_cell(row, texts, tz), next_run)


def header_line(scheduler: ServiceView | None, texts: Texts, tz: ZoneInfo, *, stopping: bool = False) -> str:
    """Who fires this installation's schedules: this TUI, a service (where, since when), or nobody;
    while this process's runtime stops, that it is stopping."""
    if stopping:
        return texts("header.stopping")
    if scheduler is None:
        return texts("header.none")
    since = local_time(scheduler.since, tz)
    if scheduler.this_process:
        key = "header.this_tui"
    elif scheduler.role == "service":
        key = "header.service"
    else:
        key = "header.other_tui"
    return texts(key, host=scheduler.host, pid=scheduler.pid, since=since)
