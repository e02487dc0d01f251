"""The agent's own state database ("baza konfiguracyjna"): run history with per-item outcomes,
progress other processes read, checkpoints and high-water marks, offer links with what was last
sent, quarantined orders, the scheduler lease, schedule bookkeeping and connection state.

One SQLite file per installation (`Paths.state_db`); open it with `StateDB(path)`.
"""

from agent.state.models import (
    Checkpoint,
    ConnectionState,
    ConnectionStatus,
    ItemOutcome,
    JobProgress,
    JobTotals,
    LinkStatus,
    OfferLink,
    Outcome,
    QuarantinedOrder,
    Run,
    RunOptions,
    RunResult,
    RunTrigger,
    SchedulerHolder,
    SchedulerRole,
    ScheduleState,
    SentValues,
)
from agent.state.schema import SCHEMA_VERSION
from agent.state.store import StateDB

__all__ = [
    "SCHEMA_VERSION",
    "Checkpoint",
    "ConnectionState",
    "ConnectionStatus",
    "ItemOutcome",
    "JobProgress",
    "JobTotals",
    "LinkStatus",
    "OfferLink",
    "Outcome",
    "QuarantinedOrder",
    "Run",
    "RunOptions",
    "RunResult",
    "RunTrigger",
    "ScheduleState",
    "SchedulerHolder",
    "SchedulerRole",
    "SentValues",
    "StateDB",
]
