"""Who fires schedules, when they fired, and whether each company's account is connected.

The scheduler lease: exactly one process per installation fires schedules, the headless service
(`marketsync run`) or, when no service runs, a TUI. The holder heartbeats; a holder whose heartbeat
is older than its `stale_after_s` is taken for dead and may be replaced. A service takes the lease
from a TUI at once; the TUI learns it lost it from its next `heartbeat_scheduler()`, which then
returns False. Every decision is made inside one `BEGIN IMMEDIATE` transaction, so two processes
racing for the lease cannot both win.
"""

from __future__ import annotations

import sqlite3

from agent.domain import Clock
from agent.state.codec import optional_time_from_text, optional_time_to_text, time_from_text, time_to_text
from agent.state.db import Database
from agent.state.models import ConnectionState, ConnectionStatus, SchedulerHolder, SchedulerRole, ScheduleState

_HOLDER_SQL = "SELECT host, pid, role, started, heartbeat, stale_after_s FROM scheduler_lease WHERE id = 1"


class SchedulerStore:
    """The scheduler lease, per-company schedule bookkeeping, and connection state. Mixed into `StateDB`."""

    _db: Database
    _clock: Clock

    # --- scheduler lease ----------------------------------------------------------------------

    async def acquire_scheduler(self, role: SchedulerRole, host: str, pid: int, stale_after_s: float) -> bool:
        """Take the scheduler lease; True if this process now holds it.

        It is taken when free, when the holder's heartbeat is stale, when the holder is this very
        process (host and pid), or when a "service" asks and a "tui" holds it. Otherwise False: the
        caller only watches (see `scheduler_holder()` for who schedules).
        """
        now = self._clock()
        async with self._db.write() as conn:
            async with conn.execute(_HOLDER_SQL) as cursor:
                row = await cursor.fetchone()
            holder = None if row is None else _holder_from_row(row)
            if holder is not None and (holder.host, holder.pid) == (host, pid):
                await conn.execute(
                    "UPDATE scheduler_lease SET role = ?, heartbeat = ?, stale_after_s = ? WHERE id = 1",
                    (role, time_to_text(now), stale_after_s),
                )
                return True
            free = holder is None or holder.is_stale(now)
            if not free and not (role == "service" and holder is not None and holder.role == "tui"):
                return False
            await conn.execute(
                "INSERT OR REPLACE INTO scheduler_lease (id, host, pid, role, started, heartbeat, stale_after_s) "
                "VALUES (1, ?, ?, ?, ?, ?, ?)",
                (host, pid, role, time_to_text(now), time_to_text(now), stale_after_s),
            )
            return True

    async def heartbeat_scheduler(self, host: str, pid: int) -> bool:
        """Renew the lease's heartbeat; False if this process no longer holds it (it must stop scheduling)."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "UPDATE scheduler_lease SET heartbeat = ? WHERE id = 1 AND host = ? AND pid = ?",
                (time_to_text(self._clock()), host, pid),
            )
            return cursor.rowcount == 1

    async def release_scheduler(self, host: str, pid: int) -> bool:
        """Give the lease up if this process holds it; True if it did."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM scheduler_lease WHERE id = 1 AND host = ? AND pid = ?", (host, pid)
            )
            return cursor.rowcount == 1

    async def scheduler_holder(self) -> SchedulerHolder | None:
        """Who holds the lease (possibly stale: check `is_stale(now)`), or None."""
        row = await self._db.fetchone(_HOLDER_SQL)
        return None if row is None else _holder_from_row(row)

    # --- schedule bookkeeping -----------------------------------------------------------------

    async def schedule_state(self, company: str) -> ScheduleState:
        """The company's bookkeeping; all empty if its schedule never fired."""
        row = await self._db.fetchone(_SCHEDULE_SQL + " WHERE company = ?", (company,))
        return ScheduleState(company) if row is None else _schedule_from_row(row)

    async def all_schedule_states(self) -> dict[str, ScheduleState]:
        rows = await self._db.fetchall(_SCHEDULE_SQL)
        return {row["company"]: _schedule_from_row(row) for row in rows}

    async def set_schedule_state(self, state: ScheduleState) -> None:
        """Replace the company's bookkeeping with `state`."""
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT OR REPLACE INTO schedule_state (company, last_fire, next_fire, missed, skipped) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    state.company,
                    optional_time_to_text(state.last_fire),
                    optional_time_to_text(state.next_fire),
                    state.missed,
                    state.skipped,
                ),
            )

    async def count_schedule_misses(self, company: str, *, missed: int = 0, skipped: int = 0) -> ScheduleState:
        """Add to the company's missed and skipped counts (atomically, whatever else writes); returns the result."""
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO schedule_state (company, missed, skipped) VALUES (?, ?, ?) ON CONFLICT (company) "
                "DO UPDATE SET missed = missed + excluded.missed, skipped = skipped + excluded.skipped",
                (company, missed, skipped),
            )
        return await self.schedule_state(company)

    # --- connection state ---------------------------------------------------------------------

    async def set_connection(self, company: str, state: ConnectionStatus, reason: str = "") -> bool:
        """Record the account's state; `changed` moves only when state or reason differ. True if it changed."""
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO connections (company, state, reason, changed) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (company) DO UPDATE SET state = excluded.state, reason = excluded.reason, "
                "changed = excluded.changed WHERE state IS NOT excluded.state OR reason IS NOT excluded.reason",
                (company, state, reason, time_to_text(self._clock())),
            )
            return cursor.rowcount == 1

    async def connection(self, company: str) -> ConnectionState:
        """The account's state; "unknown" (changed None) if never recorded."""
        row = await self._db.fetchone(
            "SELECT company, state, reason, changed FROM connections WHERE company = ?", (company,)
        )
        return ConnectionState(company, "unknown") if row is None else _connection_from_row(row)

    async def all_connections(self) -> dict[str, ConnectionState]:
        rows = await self._db.fetchall("SELECT company, state, reason, changed FROM connections")
        return {row["company"]: _connection_from_row(row) for row in rows}


_SCHEDULE_SQL = "SELECT company, last_fire, next_fire, missed, skipped FROM schedule_state"


def _holder_from_row(row: sqlite3.Row) -> SchedulerHolder:
    return SchedulerHolder(
        host=row["host"],
        pid=row["pid"],
        role=row["role"],
        started=time_from_text(row["started"]),
        heartbeat=time_from_text(row["heartbeat"]),
        stale_after_s=float(row["stale_after_s"]),
    )


def _schedule_from_row(row: sqlite3.Row) -> ScheduleState:
    return ScheduleState(
        company=row["company"],
        last_fire=optional_time_from_text(row["last_fire"]),
        next_fire=optional_time_from_text(row["next_fire"]),
        missed=row["missed"],
        skipped=row["skipped"],
    )


def _connection_from_row(row: sqlite3.Row) -> ConnectionState:
    return ConnectionState(row["company"], row["state"], row["reason"], time_from_text(row["changed"]))
