"""Run history, per-item outcomes and live progress in the state database."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from types import MappingProxyType
from typing import cast

import aiosqlite

from agent.domain import Clock, JobName
from agent.errors import Bug, Phrase
from agent.state.codec import (
    json_from_text,
    json_to_text,
    optional_time_from_text,
    phrase_from_text,
    phrase_to_text,
    time_from_text,
    time_to_text,
)
from agent.state.db import Database
from agent.state.models import (
    REPORT_ITEMS,
    ItemOutcome,
    JobProgress,
    JobTotals,
    Outcome,
    Run,
    RunOptions,
    RunResult,
    RunTrigger,
)
from agent.state.throttle import ProgressReport, ProgressThrottle
from agent.texts.phrases import word

_RUN_COLUMNS = (
    "id, company, trigger, operator, jobs, force_full, send_all_binary, host, pid, started, finished, result, "
    "totals, error_summary, summary_phrase"
)
_OUTCOME_BATCH = 5000
PROCESS_ENDED = Phrase("outcome.process_ended")
"""Why a run still marked running was interrupted, unless the caller knows better."""


class RunsStore:
    """Runs, their item outcomes and their progress. Mixed into `StateDB`."""

    _db: Database
    _clock: Clock
    _throttle: ProgressThrottle

    # --- runs ---------------------------------------------------------------------------------

    async def start_run(
        self,
        company: str,
        *,
        trigger: RunTrigger,
        operator: str,
        options: RunOptions,
        host: str | None = None,
        pid: int | None = None,
    ) -> Run:
        """Record a run as `running` and return it with its new id (ids grow, newest is highest)."""
        run = Run(
            id=0,
            company=company,
            trigger=trigger,
            operator=operator,
            options=options,
            host=host if host is not None else socket.gethostname(),
            pid=pid if pid is not None else os.getpid(),
            started=self._clock(),
            finished=None,
            result="running",
        )
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "INSERT INTO runs (company, trigger, operator, jobs, force_full, send_all_binary, host, pid, "
                "started, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (
                    run.company,
                    run.trigger,
                    run.operator,
                    ",".join(options.jobs),
                    int(options.force_full),
                    int(options.send_all_binary),
                    run.host,
                    run.pid,
                    time_to_text(run.started),
                ),
            )
            run_id = cursor.lastrowid
        if run_id is None:
            raise Bug("SQLite gave no id for a new run")
        return replace(run, id=run_id)

    async def finish_run(
        self,
        run_id: int,
        result: RunResult,
        *,
        totals: Mapping[str, JobTotals] | None = None,
        error_summary: str = "",
        summary_phrase: Phrase | None = None,
    ) -> Run:
        """Record how a run ended. `totals` default to the counts of its recorded outcomes.

        A summary given as facts (`summary_phrase`) is recorded with its English words as `error_summary`.

        Held-back progress is stored first. Raises Bug for `running` or an unknown run id.
        """
        if result == "running":
            raise Bug(f"run {run_id} cannot finish as 'running'")
        if summary_phrase is not None:
            error_summary = word("en", summary_phrase)
        held = self._throttle.take_pending(run_id)
        self._throttle.forget(run_id)
        async with self._db.write() as conn:
            if held is not None:
                await self._upsert_progress(conn, (held,))
            counted = totals if totals is not None else await _count_outcomes(conn, run_id)
            cursor = await conn.execute(
                "UPDATE runs SET finished = ?, result = ?, totals = ?, error_summary = ?, summary_phrase = ? "
                "WHERE id = ?",
                (
                    time_to_text(self._clock()),
                    result,
                    _totals_to_text(counted),
                    error_summary,
                    phrase_to_text(summary_phrase),
                    run_id,
                ),
            )
            if cursor.rowcount != 1:
                raise Bug(f"finish_run: no run {run_id} in the state database")
            # Read back in the same transaction: the reader connection may still be on a snapshot
            # taken before this run was even recorded (a run finished, then reported as vanished).
            async with conn.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)) as found:
                row = await found.fetchone()
        if row is None:
            raise Bug(f"run {run_id} vanished from the state database")
        return _run_from_row(row)

    async def mark_interrupted(self, run_ids: Iterable[int], *, reason: Phrase = PROCESS_ENDED) -> int:
        """Mark still-`running` runs whose process died as `interrupted`; returns how many changed.

        `reason` becomes the run's summary unless it has one already.
        """
        changed = 0
        said, facts = word("en", reason), phrase_to_text(reason)
        now = time_to_text(self._clock())
        async with self._db.write() as conn:
            for run_id in run_ids:
                counted = await _count_outcomes(conn, run_id)
                cursor = await conn.execute(
                    "UPDATE runs SET finished = ?, result = 'interrupted', totals = ?, "
                    "summary_phrase = CASE WHEN error_summary = '' THEN ? ELSE summary_phrase END, "
                    "error_summary = CASE WHEN error_summary = '' THEN ? ELSE error_summary END "
                    "WHERE id = ? AND result = 'running'",
                    (now, _totals_to_text(counted), facts, said, run_id),
                )
                changed += cursor.rowcount
        return changed

    async def get_run(self, run_id: int) -> Run | None:
        row = await self._db.fetchone(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        return None if row is None else _run_from_row(row)

    async def last_run(self, company: str) -> Run | None:
        """The company's most recent run (running or not), or None."""
        row = await self._db.fetchone(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE company = ? ORDER BY id DESC LIMIT 1", (company,)
        )
        return None if row is None else _run_from_row(row)

    async def list_runs(self, company: str | None = None, *, limit: int = 50, before: int | None = None) -> list[Run]:
        """Runs newest first; `before` (a run id) pages back through older ones."""
        where: list[str] = []
        params: list[object] = []
        if company is not None:
            where.append("company = ?")
            params.append(company)
        if before is not None:
            where.append("id < ?")
            params.append(before)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._db.fetchall(
            f"SELECT {_RUN_COLUMNS} FROM runs {clause} ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [_run_from_row(row) for row in rows]

    async def running_runs(self, company: str | None = None) -> list[Run]:
        """Runs recorded as `running` (live, or dead without having said so), oldest first."""
        sql = f"SELECT {_RUN_COLUMNS} FROM runs WHERE result = 'running'"
        if company is None:
            rows = await self._db.fetchall(sql + " ORDER BY id")
        else:
            rows = await self._db.fetchall(sql + " AND company = ? ORDER BY id", (company,))
        return [_run_from_row(row) for row in rows]

    async def prune_runs(self, finished_before: datetime) -> int:
        """Delete finished runs older than `finished_before`, with their outcomes and progress; returns how many.

        Each company's newest finished run stays, however old: it is the "last run" the status and
        the dashboard show (and its failures what `sync` reports).
        """
        async with self._db.write() as conn:
            cursor = await conn.execute(
                "DELETE FROM runs WHERE result != 'running' AND finished < ? AND id NOT IN "
                "(SELECT MAX(id) FROM runs WHERE result != 'running' GROUP BY company)",
                (time_to_text(finished_before),),
            )
            return cursor.rowcount

    # --- outcomes -----------------------------------------------------------------------------

    async def record_outcomes(self, run_id: int, outcomes: Iterable[ItemOutcome]) -> int:
        """Store item outcomes of a run in one transaction (executemany); returns how many."""
        rows = [
            (
                run_id,
                o.job,
                o.item,
                o.outcome,
                o.error_class,
                o.message,
                o.hint,
                o.payload,
                phrase_to_text(o.phrase),
                phrase_to_text(o.hint_phrase),
            )
            for o in outcomes
        ]
        if not rows:
            return 0
        async with self._db.write() as conn:
            for start in range(0, len(rows), _OUTCOME_BATCH):
                await conn.executemany(
                    "INSERT INTO outcomes "
                    "(run_id, job, item, outcome, error_class, message, hint, payload, phrase, hint_phrase) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows[start : start + _OUTCOME_BATCH],
                )
        return len(rows)

    async def outcomes(
        self, run_id: int, *, only_failed: bool = False, job: JobName | None = None
    ) -> list[ItemOutcome]:
        """A run's item outcomes in the order recorded; `only_failed` keeps the failures."""
        sql = (
            "SELECT job, item, outcome, error_class, message, hint, payload, phrase, hint_phrase "
            "FROM outcomes WHERE run_id = ?"
        )
        params: list[object] = [run_id]
        if only_failed:
            sql += " AND outcome = 'failed'"
        if job is not None:
            sql += " AND job = ?"
            params.append(job)
        rows = await self._db.fetchall(sql + " ORDER BY id", params)
        return [
            ItemOutcome(
                job=cast(JobName, row["job"]),
                item=row["item"],
                outcome=cast(Outcome, row["outcome"]),
                error_class=row["error_class"],
                message=row["message"],
                hint=row["hint"],
                payload=row["payload"],
                phrase=phrase_from_text(row["phrase"]),
                hint_phrase=phrase_from_text(row["hint_phrase"]),
            )
            for row in rows
        ]

    # --- progress -----------------------------------------------------------------------------

    async def report_progress(self, run_id: int, job: JobName, done: int, total: int) -> bool:
        """Progress for other processes, coalesced: stored at most every ~0.5 s per run, always when a
        job starts or reaches done == total. Returns whether anything was written."""
        reports = self._throttle.offer(ProgressReport(run_id, job, done, total))
        if not reports:
            return False
        async with self._db.write() as conn:
            await self._upsert_progress(conn, reports)
        return True

    async def set_progress(self, run_id: int, job: JobName, done: int, total: int) -> None:
        """Store progress now, bypassing the throttle."""
        async with self._db.write() as conn:
            await self._upsert_progress(conn, (ProgressReport(run_id, job, done, total),))

    async def progress(self, run_id: int) -> list[JobProgress]:
        rows = await self._db.fetchall(
            "SELECT run_id, job, done, total, updated FROM progress WHERE run_id = ? ORDER BY updated", (run_id,)
        )
        return [_progress_from_row(row) for row in rows]

    async def running_progress(self) -> dict[int, list[JobProgress]]:
        """Progress of every run recorded as `running`, by run id."""
        rows = await self._db.fetchall(
            "SELECT p.run_id, p.job, p.done, p.total, p.updated FROM progress p JOIN runs r ON r.id = p.run_id "
            "WHERE r.result = 'running' ORDER BY p.run_id, p.updated",
            (),
        )
        found: dict[int, list[JobProgress]] = {}
        for row in rows:
            found.setdefault(row["run_id"], []).append(_progress_from_row(row))
        return found

    async def _upsert_progress(self, conn: aiosqlite.Connection, reports: Sequence[ProgressReport]) -> None:
        now = time_to_text(self._clock())
        await conn.executemany(
            "INSERT INTO progress (run_id, job, done, total, updated) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (run_id, job) DO UPDATE SET done = excluded.done, total = excluded.total, "
            "updated = excluded.updated",
            [(r.run_id, r.job, r.done, r.total, now) for r in reports],
        )



# Reports that found nothing wrong are not counted (see `REPORT_ITEMS`).
_COUNT_SQL = (
    "SELECT job, outcome, count(*) AS n FROM outcomes WHERE run_id = ? "
    f"AND NOT (outcome = 'ok' AND item IN ({', '.join(repr(i) for i in sorted(REPORT_ITEMS))})) "
    "GROUP BY job, outcome"
)


async def _count_outcomes(conn: aiosqlite.Connection, run_id: int) -> dict[str, JobTotals]:
    async with conn.execute(_COUNT_SQL, (run_id,)) as cursor:
        rows = list(await cursor.fetchall())
    return _totals_from_counts(rows)


def _totals_from_counts(rows: Iterable[sqlite3.Row]) -> dict[str, JobTotals]:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["job"], {})[row["outcome"]] = int(row["n"])
    return {job: JobTotals(**per) for job, per in counts.items()}


def _totals_to_text(totals: Mapping[str, JobTotals]) -> str:
    return json_to_text({job: [t.ok, t.skipped, t.failed] for job, t in totals.items()})


def _run_from_row(row: sqlite3.Row) -> Run:
    raw_totals: dict[str, list[int]] = json_from_text(row["totals"])
    jobs = tuple(cast(JobName, job) for job in str(row["jobs"]).split(",") if job)
    return Run(
        id=row["id"],
        company=row["company"],
        trigger=row["trigger"],
        operator=row["operator"],
        options=RunOptions(jobs, bool(row["force_full"]), bool(row["send_all_binary"])),
        host=row["host"],
        pid=row["pid"],
        started=time_from_text(row["started"]),
        finished=optional_time_from_text(row["finished"]),
        result=row["result"],
        totals=MappingProxyType({job: JobTotals(*counts) for job, counts in raw_totals.items()}),
        error_summary=row["error_summary"],
        summary_phrase=phrase_from_text(row["summary_phrase"]),
    )


def _progress_from_row(row: sqlite3.Row) -> JobProgress:
    return JobProgress(row["run_id"], row["job"], row["done"], row["total"], time_from_text(row["updated"]))
