"""Lines of the log pane: from runtime events (in the operator's language) and from loguru records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agent.logs import human_line
from agent.runtime.events import (
    ConnectionChanged,
    Event,
    ItemFailed,
    LeaseChanged,
    RunFinished,
    RunQueued,
    RunSkipped,
    RunStarted,
    ScheduleChanged,
    ServiceStatus,
)
from agent.texts.outcomes import outcome_hint, outcome_message, summary_words
from agent.texts.phrases import detail_words, word
from tui.i18n import Texts

if TYPE_CHECKING:
    from loguru import Message

LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARNING", "ERROR")
_RANK = {name: rank for rank, name in enumerate(LEVELS)}


SELF_EXPLAINED_SKIPS = frozenset({"still_running", "disabled"})
"""Skip reasons whose catalogue text needs no detail from the runtime."""


def level_rank(level: str) -> int:
    """Order of a level name; unknown names (SUCCESS, TRACE, custom) sit with their neighbours."""
    if level in _RANK:
        return _RANK[level]
    return {"TRACE": 0, "SUCCESS": 1, "CRITICAL": 3}.get(level, 1)


@dataclass(frozen=True, slots=True)
class LogEntry:
    at: datetime
    level: str
    company: str
    """"" for lines about the whole installation."""
    text: str


def _jobs(jobs: tuple[str, ...], texts: Texts) -> str:
    return ", ".join(texts("job." + job) for job in jobs)


def event_entry(event: Event, texts: Texts) -> LogEntry | None:
    """The log line an event deserves, or None (progress and next-run notes only move the dashboard)."""
    level = "INFO"
    if isinstance(event, RunQueued):
        text = texts("log.run_queued", jobs=_jobs(event.jobs, texts))
    elif isinstance(event, RunStarted):
        text = texts("log.run_started", trigger=texts("trigger." + event.trigger), operator=event.operator,
                     jobs=_jobs(event.jobs, texts))
    elif isinstance(event, RunFinished):
        totals = event.totals
        result = texts("last.counts", result=texts("last." + event.result), ok=totals.ok,
                       skipped=totals.skipped, failed=totals.failed)
        text = texts("log.run_finished", result=result)
        if event.error:
            error = summary_words(texts.language, event.error, phrase=event.error_phrase)
            text += "; " + texts("log.run_error", error=error)
        level = {"success": "INFO", "partial": "WARNING"}.get(event.result, "ERROR")
    elif isinstance(event, ItemFailed):
        message = outcome_message(texts.language, event.message, item=event.item, phrase=event.phrase)
        text = texts("log.item_failed", item=event.item, message=message)
        if event.hint:
            text += f" ({outcome_hint(texts.language, event.hint, phrase=event.hint_phrase)})"
        level = "WARNING"
    elif isinstance(event, RunSkipped):
        text = texts("log.run_skipped", reason=texts("skip." + event.reason))
        # For these reasons the catalogue says all of it; otherwise the detail, worded when it is ours.
        if event.detail and event.reason not in SELF_EXPLAINED_SKIPS:
            said = word(texts.language, event.said) if event.said is not None else event.detail
            text += f" ({said})"
        level = "WARNING"
    elif isinstance(event, ConnectionChanged):
        text = texts("log.connection", status=texts("conn." + event.status))
        if event.detail:
            text += f" ({detail_words(texts.language, event.detail)})"
        level = "ERROR" if event.status == "connection_error" else "INFO"
    elif isinstance(event, LeaseChanged):
        if event.holder is None:
            text = texts("log.lease_released")
        else:
            key = "log.lease_taken_over" if event.taken_over else "log.lease_taken"
            text = texts(key, holder=event.holder)
        level = "WARNING" if event.taken_over else "DEBUG"
    elif isinstance(event, ScheduleChanged):
        text = texts("log.schedule", description=event.description)
    elif isinstance(event, ServiceStatus):
        text = texts("log.service", role=texts("role." + event.role), host=event.host, pid=event.pid,
                     state=texts("state." + event.state))
    else:
        return None
    return LogEntry(event.at, level, event.company, text)


def loguru_sink(post: Callable[[LogEntry], Any]) -> Callable[[Message], None]:
    """A loguru sink handing each record to `post` (which must be thread-safe: loguru calls from any thread)."""

    def sink(message: Message) -> None:
        record = message.record
        company = str(record["extra"].get("company", ""))
        # The line in the configured language (`agent.logs.say`), or the record's message as logged.
        post(LogEntry(record["time"], record["level"].name, "" if company == "-" else company,
                      human_line(record)))

    return sink
