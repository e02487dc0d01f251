"""`marketsync status`: the service, and per company the connection, schedule, last run and its
result, the next run, and the token lifetimes (no network; read from the stores).

`status_table(config)` builds the account columns; `read_runtime_facts(config)` reads the service
line and the schedule and run columns from the state database; `run` joins them.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from agent.texts import plural, text

if TYPE_CHECKING:
    from agent.config import Config
    from agent.state.models import Run, SchedulerHolder

HELP = "connection, schedule and last run of every company"

Table = tuple[tuple[str, ...], list[tuple[str, ...]]]


def configure(parser: argparse.ArgumentParser) -> None:
    del parser  # no options yet


def _when(moment: datetime | None, timezone: str, now: datetime, language: str) -> str:
    if moment is None:
        return "-"
    local = _local(moment, timezone)
    return text(language, "status.expired", when=local) if moment <= now else local


def _local(moment: datetime, timezone: str) -> str:
    from agent.texts.clock import local_time

    return local_time(moment, timezone, pattern="%Y-%m-%d %H:%M")


def status_table(config: Config, now: datetime | None = None) -> Table:
    """Headers and one row per company: name, connection, account, access and refresh expiry."""
    from datetime import UTC

    from agent.marketplace.accounts import describe_accounts

    now = now or datetime.now(UTC)
    language, zone = config.agent.language, config.agent.timezone
    headers = tuple(
        text(language, f"status.column.{name}") for name in ("company", "connection", "account", "access", "refresh")
    )
    rows: list[tuple[str, ...]] = []
    for account in describe_accounts(config):
        state = text(language, f"connection.{account.connection.state}")
        if account.connection.state == "error" and account.connection.reason:
            state = f"{state}: {account.connection.reason}"
        rows.append(
            (
                account.company,
                state,
                account.connection.account or "-",
                _when(account.access_expires_at, zone, now, language),
                _when(account.refresh_expires_at, zone, now, language),
            )
        )
    return headers, rows


def render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table with aligned columns."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in (headers, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    """The schedule and run columns of one company's row."""

    schedule: str
    last_run: str
    result: str
    next_run: str


@dataclass(frozen=True, slots=True)
class RuntimeFacts:
    service: str
    """One line: who schedules on this installation (the seed's "Usługa ... jest uruchomiona na stanowisku")."""
    companies: Mapping[str, CompanyFacts]
    set_aside: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Per company, the offers left live on each seller account it was moved away from."""


RUNTIME_COLUMNS = ("schedule", "last_run", "result", "next_run")


def service_line(holder: SchedulerHolder | None, now: datetime, timezone: str, language: str) -> str:
    """Who fires the schedules, in the operator's language."""
    if holder is None:
        return text(language, "status.no_service")
    who = text(language, f"status.role.{'service' if holder.role == 'service' else 'tui'}")
    if holder.is_stale(now):
        beat = _local(holder.heartbeat, timezone)
        return text(language, "status.service_silent", who=who, host=holder.host, pid=holder.pid, since=beat)
    since = _local(holder.started, timezone)
    return text(language, "status.service_running", who=who, host=holder.host, pid=holder.pid, since=since)


def _last_run(run: Run | None, timezone: str, language: str) -> tuple[str, str]:
    if run is None:
        return "-", "-"
    from agent.commands.result_labels import RESULT_LABELS
    from agent.texts import language_of

    totals = run.totals.values()
    label = RESULT_LABELS[language_of(language)].get(run.result, run.result)
    counts = text(language, "status.counts", ok=sum(t.ok for t in totals), failed=sum(t.failed for t in totals))
    when = _local(run.finished or run.started, timezone)
    return f"{when} (#{run.id})", label if run.result == "running" else f"{label} ({counts})"


async def read_runtime_facts(config: Config, now: datetime | None = None) -> RuntimeFacts:
    """The service line and each company's schedule and run columns, from the state database."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from agent.core.schedule import describe_schedule, next_fire
    from agent.paths import Paths
    from agent.state.store import StateDB
    from agent.sync.lease import as_seen_now

    now = now or datetime.now(UTC)
    tz = config.agent.timezone
    language = config.agent.language
    paths = Paths.from_config(config)
    path = paths.state_db
    holder = None
    schedules = {}
    last: dict[str, Run | None] = {}
    set_aside: dict[str, dict[str, int]] = {}
    if path.exists():
        async with StateDB(path) as state:
            holder = await state.scheduler_holder()
            schedules = await state.all_schedule_states()
            for company in config.companies:
                recent = await as_seen_now(await state.list_runs(company.name, limit=1), paths.locks_dir)
                last[company.name] = recent[0] if recent else None
                if left := await state.links_set_aside(company.name):
                    set_aside[company.name] = left
    live = holder is not None and not holder.is_stale(now)
    facts: dict[str, CompanyFacts] = {}
    for company in config.companies:
        stored = schedules.get(company.name)
        if not company.schedule.enabled:
            upcoming = "-"
        elif live and stored is not None and stored.next_fire is not None and stored.next_fire > now:
            upcoming = _local(stored.next_fire, tz)
        else:
            planned = next_fire(company.schedule, now, ZoneInfo(tz))
            note = " " + text(language, "status.no_service_note")
            upcoming = "-" if planned is None else _local(planned, tz) + ("" if live else note)
        when, result = _last_run(last.get(company.name), tz, language)
        facts[company.name] = CompanyFacts(describe_schedule(company.schedule, language), when, result, upcoming)
    return RuntimeFacts(service_line(holder, now, tz, language), facts, set_aside)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.common import config_from_args

    config = config_from_args(args)
    headers, rows = status_table(config)
    facts = asyncio.run(read_runtime_facts(config))
    joined = [(*row[:3], *_facts_cells(facts.companies.get(row[0])), *row[3:]) for row in rows]
    print(facts.service)
    print()
    runtime_headers = tuple(text(config.agent.language, f"status.column.{name}") for name in RUNTIME_COLUMNS)
    print(render((*headers[:3], *runtime_headers, *headers[3:]), joined))
    for company, accounts in facts.set_aside.items():
        for account, count in sorted(accounts.items()):
            offers = plural(config.agent.language, count, "offers")
            print(text(config.agent.language, "status.set_aside", company=company, offers=offers, account=account))
    return 0


def _facts_cells(facts: CompanyFacts | None) -> tuple[str, ...]:
    if facts is None:
        return ("-",) * len(RUNTIME_COLUMNS)
    return (facts.schedule, facts.last_run, facts.result, facts.next_run)
