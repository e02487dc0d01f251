"""A write cancelled at any moment (a run stopping, a heartbeat ending) leaves no transaction behind."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from agent.erp.sqlite import SqliteErp


async def test_a_cancelled_write_leaves_no_open_transaction(tmp_path: Path) -> None:
    erp = await SqliteErp.open(tmp_path / "firma.sqlite")
    try:
        for steps in range(12):
            for _ in range(4):
                task = asyncio.create_task(erp.release_lease(0))
                for _ in range(steps):
                    await asyncio.sleep(0)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                # The next writer must be able to begin its own transaction.
                assert await erp.release_lease(0) in (True, False)
    finally:
        await erp.close()
