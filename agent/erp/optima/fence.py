"""The company lease's fence, held from its check to the end of an order's file write.

The lease lives in the agent's copy file (an embedded-ERP file, whose lease row is `sync_lease`).
A run writing or removing an order's XML file takes that file's write lock, compares the fencing
token, and keeps the lock until the file is in place; a take-over writes the lease row, so it waits
for the write to end. There is no moment where a run whose lease was taken over still writes an
order's file, so two runs never write (or one writes, one removes) the same order's file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.errors import LeaseLost, Phrase, RetryLater
from agent.sqlite_base import BUSY_TIMEOUT_S


@contextmanager
def held(copy_path: Path, fence: int | None) -> Iterator[None]:
    """Run the block holding the lease file's write lock, if `fence` is still the lease's token.

    LeaseLost (the block does not run) when it is not; no fence (a run without a lease) holds nothing.
    """
    if fence is None:
        yield
        return
    conn = sqlite3.connect(copy_path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            raise RetryLater(
                f"{copy_path.name} is busy (another run is taking the lease); try again",
                phrase=Phrase("err.lease_file_busy", {"name": copy_path.name}),
            ) from None
        try:
            row = conn.execute("SELECT fencing_token FROM sync_lease WHERE id = 1").fetchone()
            stored = 0 if row is None else int(row[0])
            if stored != fence:
                raise LeaseLost(
                    f"another run took this company's lease over (token {stored}, this run {fence}); "
                    "this run stops writing",
                    phrase=Phrase("err.lease_taken_over", {"stored": stored, "fence": fence}),
                )
            yield
        finally:
            # Nothing is written through this connection: it only held the lock.
            conn.execute("ROLLBACK")
    finally:
        conn.close()
