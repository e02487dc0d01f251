"""The run history kept as long as the logs: finished runs older than `log_retention_days` go.

A runtime prunes when it starts and then once a day (`PRUNE_EVERY_S`), so the state database does
not grow without bound on an installation that runs every few minutes for years. Each company's
newest finished run stays (see `RunsStore.prune_runs`). Pruning is housekeeping: when the database
is busy or fails, it is logged and tried again next time, never a reason to stop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from agent.domain import Clock
from agent.errors import Count
from agent.logs import say
from agent.state.store import StateDB

PRUNE_EVERY_S = 24 * 3600.0
"""Seconds between two prunings of the run history while a runtime goes."""


async def prune_history(state: StateDB, retention_days: int, clock: Clock) -> int:
    """Delete the finished runs older than `retention_days` days; how many went (0 when it failed)."""
    try:
        pruned = await state.prune_runs(clock() - timedelta(days=retention_days))
    except Exception as exc:  # housekeeping: the next pruning tries again
        say("WARNING", "log.history.prune_failed", error=exc)
        return 0
    if pruned:
        say("INFO", "log.history.pruned", runs=Count(pruned, "n.run"), days=retention_days)
    return pruned


async def prune_history_daily(
    state: StateDB, retention_days: Callable[[], int], clock: Clock, every: float = PRUNE_EVERY_S
) -> None:
    """Prune every `every` seconds with the retention then in force (the config can be reloaded)."""
    while True:
        await asyncio.sleep(every)
        await prune_history(state, retention_days(), clock)
