"""How the process holding the scheduler is described: to front ends (ServiceView), on the event
stream (ServiceStatus) and in log lines. Pure: every function reads only its arguments."""

from __future__ import annotations

from datetime import datetime

from agent.errors import Phrase
from agent.runtime.api import ServiceView
from agent.runtime.events import SchedulerRole, ServiceState, ServiceStatus
from agent.state.models import SchedulerHolder


def service_view(holder: SchedulerHolder | None, host: str, pid: int) -> ServiceView | None:
    """The scheduler holder as a dashboard shows it; None when nobody holds it."""
    if holder is None:
        return None
    return ServiceView(holder.role, holder.host, holder.pid, holder.started, (holder.host, holder.pid) == (host, pid))


def service_status(
    state: ServiceState,
    *,
    holds: bool,
    holder: SchedulerHolder | None,
    role: SchedulerRole,
    host: str,
    pid: int,
    now: datetime,
) -> ServiceStatus:
    """The event this process publishes about the scheduler: itself, or (watching) who does schedule."""
    if state != "running" or holds or holder is None:
        since = holder.started if holder is not None and holds else now
        return ServiceStatus(state, role, host, pid, since, now)
    return ServiceStatus("running", holder.role, holder.host, holder.pid, holder.started, now)


def holder_phrase(holder: SchedulerHolder | None, zone: str = "UTC") -> Phrase:
    """Where the scheduler is held, as facts for a line in the operator's language (time in `zone`)."""
    from agent.texts.clock import local_time

    if holder is None:
        return Phrase("log.seat.nobody")
    return Phrase(
        "log.seat.held",
        {"host": holder.host, "pid": holder.pid, "role": Phrase(f"log.role.{holder.role}"),
         "since": local_time(holder.started, zone)},
    )


def describe_holder(holder: SchedulerHolder | None, zone: str = "UTC") -> str:
    """Where the scheduler is held, for a log line (its time in `zone`, the configured one, offset written)."""
    from agent.texts.clock import local_time

    if holder is None:
        return "by nobody"
    return f"on host {holder.host} (pid {holder.pid}, {holder.role}) since {local_time(holder.started, zone)}"
