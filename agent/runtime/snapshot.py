"""Reading the dashboard's picture (`RuntimeSnapshot`) and a company's lease (`LeaseView`) from the stores."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from agent.config import CompanyConfig, Config
from agent.core.schedule import describe_schedule
from agent.runtime.adapters import Adapters
from agent.runtime.api import CompanyView, JobView, LastRunView, LeaseView, RuntimeSnapshot, ServiceView
from agent.runtime.connections import ConnectionMirror
from agent.runtime.events import Totals
from agent.state.models import Run
from agent.state.store import StateDB
from agent.sync.lease import as_seen_now


def last_run_view(run: Run) -> LastRunView:
    totals = Totals(
        sum(t.ok for t in run.totals.values()),
        sum(t.skipped for t in run.totals.values()),
        sum(t.failed for t in run.totals.values()),
    )
    return LastRunView(run.id, run.result, run.finished, totals)


async def build_snapshot(
    config: Config,
    state: StateDB,
    connections: ConnectionMirror,
    *,
    current: Mapping[str, JobView],
    planned: Mapping[str, datetime | None] | None,
    scheduler: ServiceView | None,
    locks_dir: Path,
) -> RuntimeSnapshot:
    """One row per configured company. `planned`: this process's next fires (None when it only
    watches: the holder's, as stored in the state database, are shown instead)."""
    schedules = await state.all_schedule_states() if planned is None else {}
    rows: list[CompanyView] = []
    for company in config.companies:
        status, detail = connections.status(company.name)
        info = connections.info(company.name)
        if planned is not None:
            next_run = planned.get(company.name)
        else:
            stored = schedules.get(company.name)
            next_run = stored.next_fire if stored is not None and company.schedule.enabled else None
        recent = await as_seen_now(await state.list_runs(company.name, limit=5), locks_dir)
        finished = next((run for run in recent if run.result != "running"), None)
        rows.append(
            CompanyView(
                name=company.name,
                connection=status,
                connection_detail=detail,
                account=info.account,
                schedule_enabled=company.schedule.enabled,
                schedule_description=describe_schedule(company.schedule, config.agent.language),
                next_run=next_run,
                current=current.get(company.name),
                last_run=None if finished is None else last_run_view(finished),
            )
        )
    return RuntimeSnapshot(tuple(rows), scheduler, config.agent.language, config.agent.timezone)


async def lease_view(company: CompanyConfig, adapters: Adapters, locks_dir: Path) -> LeaseView:
    """The company's lease now, read from its ERP database and lock file. Raises StorageError."""
    from agent.sync.lease import lease_status, lock_path

    async with adapters.erp(company) as erp:
        status = await lease_status(erp, lock_path(locks_dir, company.name))
    holder = status.holder
    if holder is None:
        return LeaseView(status.state, description=status.describe())
    return LeaseView(
        state=status.state,
        host=holder.host,
        pid=holder.pid,
        kind=holder.kind,
        operator=holder.operator,
        since=holder.started_at,
        heartbeat=holder.heartbeat_at,
        description=status.describe(),
    )
