"""Where jobs resume and what they last did correctly: checkpoints and high-water marks.

A checkpoint is a small JSON value per (company, job) that lets a job pick up what its last run
left (the offers job keeps the ids of the products that failed); a high-water mark is the ERP
change-counter version the job last got through, so a delta sync reads only what changed since.
A job sets its mark after a run with failed items only if it keeps those items in its checkpoint
(the offers job does); the others keep the mark where it was.
"""

from __future__ import annotations

from typing import Any, cast

from agent.domain import Clock, JobName
from agent.state.codec import json_from_text, json_to_text, time_from_text, time_to_text
from agent.state.db import Database
from agent.state.models import Checkpoint


class MarksStore:
    """Checkpoints and high-water marks. Mixed into `StateDB`."""

    _db: Database
    _clock: Clock

    async def get_checkpoint(self, company: str, job: JobName) -> Checkpoint | None:
        row = await self._db.fetchone(
            "SELECT value, run_id, updated FROM checkpoints WHERE company = ? AND job = ?", (company, job)
        )
        if row is None:
            return None
        return Checkpoint(company, job, json_from_text(row["value"]), row["run_id"], time_from_text(row["updated"]))

    async def set_checkpoint(self, company: str, job: JobName, value: Any, run_id: int) -> None:
        """Replace the job's checkpoint with `value` (anything `json.dumps` takes), written by `run_id`."""
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO checkpoints (company, job, value, run_id, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (company, job) DO UPDATE SET value = excluded.value, run_id = excluded.run_id, "
                "updated = excluded.updated",
                (company, job, json_to_text(value), run_id, time_to_text(self._clock())),
            )

    async def clear_checkpoint(self, company: str, job: JobName) -> None:
        """Forget the job's checkpoint (the job finished; the next run starts from the beginning)."""
        async with self._db.write() as conn:
            await conn.execute("DELETE FROM checkpoints WHERE company = ? AND job = ?", (company, job))

    async def get_high_water(self, company: str, job: JobName) -> int | None:
        """The change-counter version of the job's last correct run, or None if it never had one."""
        row = await self._db.fetchone("SELECT version FROM high_water WHERE company = ? AND job = ?", (company, job))
        return None if row is None else cast(int, row["version"])

    async def set_high_water(self, company: str, job: JobName, version: int, run_id: int) -> None:
        """Record `version` after the job got through (failed items, if any, kept in its checkpoint)."""
        async with self._db.write() as conn:
            await conn.execute(
                "INSERT INTO high_water (company, job, version, run_id, updated) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (company, job) DO UPDATE SET version = excluded.version, run_id = excluded.run_id, "
                "updated = excluded.updated",
                (company, job, version, run_id, time_to_text(self._clock())),
            )

    async def clear_high_water(self, company: str, job: JobName | None = None) -> None:
        """Forget the mark of one job (or all of the company's), so the next run reads everything."""
        async with self._db.write() as conn:
            if job is None:
                await conn.execute("DELETE FROM high_water WHERE company = ?", (company,))
            else:
                await conn.execute("DELETE FROM high_water WHERE company = ? AND job = ?", (company, job))
