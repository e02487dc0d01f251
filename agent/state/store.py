"""`StateDB`: the state database ("baza konfiguracyjna") as one object with typed async methods.

    async with StateDB(Paths.from_config(config).state_db) as state:
        run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=RunOptions(("orders",)))

The methods live in one mixin per area (runs.py, marks.py, offers.py, scheduler.py); this module
only wires them to one `Database` and one clock. Several processes may hold a `StateDB` on the same
file at once (the headless service and a TUI); each sees the others' committed writes.

Every method raises `StorageError` when the file cannot be used (damaged, newer version, disk full,
locked past the busy timeout), with nothing of the failed write saved, and `Bug` when a call
breaks an invariant (an unknown run id, a naive datetime, a float where money goes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from agent.domain import Clock, utc_now
from agent.state.db import Database
from agent.state.marks import MarksStore
from agent.state.offers import OffersStore
from agent.state.runs import RunsStore
from agent.state.scheduler import SchedulerStore
from agent.state.throttle import ProgressThrottle

if TYPE_CHECKING:
    from agent.config import Config


class StateDB(RunsStore, MarksStore, OffersStore, SchedulerStore):
    """One process's handle on the installation's state database."""

    def __init__(
        self,
        path: Path,
        *,
        clock: Clock = utc_now,
        busy_timeout_s: float = 10.0,
        progress_interval_s: float = 0.5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = Database(path, busy_timeout_s=busy_timeout_s)
        self._clock = clock
        self._throttle = ProgressThrottle(progress_interval_s, monotonic)

    @classmethod
    def for_config(cls, config: Config) -> StateDB:
        """The state database of the installation `config` describes (not opened yet)."""
        from agent.paths import Paths

        return cls(Paths.from_config(config).state_db)

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def database(self) -> Database:
        """The file handle underneath (for `limit_size`, `page_count`)."""
        return self._db

    async def open(self) -> StateDB:
        """Open, creating and migrating the file if needed. Raises StorageError (damaged, newer, unusable)."""
        await self._db.open()
        return self

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> StateDB:
        return await self.open()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
