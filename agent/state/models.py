"""What the state database holds, as frozen values: runs, item outcomes, progress, checkpoints,
offer links, quarantined orders, the scheduler lease, schedule bookkeeping and connection state.

Every time is an aware UTC `datetime`; money is `Decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from agent.domain import JobName
from agent.errors import MalformedAnswer, MarketsyncError, Phrase
from agent.texts.phrases import word

RunTrigger = Literal["automatic", "manual"]
RunResult = Literal["running", "success", "partial", "failed", "interrupted"]
RUN_RESULTS: tuple[RunResult, ...] = ("running", "success", "partial", "failed", "interrupted")
Outcome = Literal["ok", "skipped", "failed"]
SchedulerRole = Literal["service", "tui"]
ConnectionStatus = Literal["connected", "connection_error", "unknown"]
LinkStatus = Literal["active", "ended"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


# --- runs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What a run was asked to do (the seed's "Wymiana danych" window)."""

    jobs: tuple[JobName, ...]
    force_full: bool = False
    """Resend every offer, not only what changed since the last correct run."""
    send_all_binary: bool = False
    """Re-upload every image, not only those whose content hash changed."""


REPORT_ITEMS = frozenset({"reconciliation"})
"""Items that are a job's report, not something it handled: recorded (the history shows them) but,
when ok, not counted, so a job with nothing to do does not read "1 ok"."""


def counted(item: str, outcome: str) -> bool:
    """Whether an outcome counts in its job's totals (a report that found nothing wrong does not)."""
    return not (outcome == "ok" and item in REPORT_ITEMS)


@dataclass(frozen=True, slots=True)
class JobTotals:
    """Item counts of one job in one run."""

    ok: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.ok + self.skipped + self.failed


@dataclass(frozen=True, slots=True)
class Run:
    """One run of one company's jobs, as recorded in the run history."""

    id: int
    company: str
    trigger: RunTrigger
    operator: str
    options: RunOptions
    host: str
    pid: int
    started: datetime
    finished: datetime | None
    result: RunResult
    totals: Mapping[str, JobTotals] = field(default_factory=lambda: MappingProxyType({}))
    """Per job name; empty while the run is going."""
    error_summary: str = ""
    """Why the run failed or stopped, and what it agreed to, in English (the log's words)."""
    summary_phrase: Phrase | None = None
    """`error_summary` as a text key and its facts, worded in the reader's language; None for runs
    recorded before the facts were kept."""

    @property
    def duration(self) -> timedelta | None:
        return None if self.finished is None else self.finished - self.started


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What happened to one item (a product, an order, an offer) in one job of a run.

    The jobs' own words are kept as facts (`phrase`, `hint_phrase`: a text key and its values),
    worded in the reader's language when shown; `message` and `hint` hold the same in English for
    the log and machine readers (`said` derives them from the facts, so the two cannot disagree).
    An error's own words (`from_error`) and rows recorded before facts were kept have no phrase:
    they are shown as recorded.
    """

    job: JobName
    item: str
    """A key naming the item, such as "product:123", "order:456", "offer:789"."""
    outcome: Outcome
    error_class: str = ""
    message: str = ""
    hint: str = ""
    """What to do about it, in words an operator understands."""
    payload: str | None = None
    """The raw answer or order, kept for malformed answers and quarantined orders."""
    phrase: Phrase | None = None
    """`message` as a text key and its facts; None when it is an error's own words."""
    hint_phrase: Phrase | None = None
    """`hint` as a text key and its facts; None when it is an error's own hint (or there is none)."""

    @classmethod
    def said(
        cls,
        job: JobName,
        item: str,
        outcome: Outcome,
        phrase: Phrase,
        *,
        hint: Phrase | None = None,
        error_class: str = "",
        payload: str | None = None,
    ) -> ItemOutcome:
        """An outcome in the jobs' own words: the facts, and the English message and hint worded from them."""
        english_hint = "" if hint is None else word("en", hint)
        return cls(job, item, outcome, error_class, word("en", phrase), english_hint, payload, phrase, hint)

    @classmethod
    def from_error(cls, job: JobName, item: str, error: Exception, *, outcome: Outcome = "failed") -> ItemOutcome:
        """The outcome for an item that raised `error`: its class, message and hint (and payload if any).

        An error that carries its words as facts too (a `phrase` or `hint_phrase` attribute holding a
        `Phrase`) has them recorded, so they read in the reader's language.
        """
        hint = error.hint if isinstance(error, MarketsyncError) else ""
        message = error.message if isinstance(error, MarketsyncError) else str(error)
        payload = error.payload if isinstance(error, MalformedAnswer) and error.payload else None
        phrase = getattr(error, "phrase", None)
        hint_phrase = getattr(error, "hint_phrase", None)
        return cls(
            job,
            item,
            outcome,
            type(error).__name__,
            message,
            hint,
            payload,
            phrase if isinstance(phrase, Phrase) else None,
            hint_phrase if isinstance(hint_phrase, Phrase) else None,
        )


@dataclass(frozen=True, slots=True)
class JobProgress:
    """How far one job of a run has got, as last stored for other processes."""

    run_id: int
    job: JobName
    done: int
    total: int
    updated: datetime


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where an interrupted job resumes: a small JSON value and the run that wrote it."""

    company: str
    job: JobName
    value: Any
    run_id: int
    updated: datetime


# --- offers and orders -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfferLink:
    """A product's offer on the marketplace and what was last sent for it.

    `offer_id` is None while a create is in flight (the offer is then found by `external_id`).
    `updated` is set by the database; its value is ignored on upsert.
    """

    product_id: int
    external_id: str
    offer_id: int | None = None
    content_hash: str | None = None
    images: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    """sha256 of an image's bytes -> the URL the marketplace stored it under."""
    price: Decimal | None = None
    quantity: int | None = None
    status: LinkStatus = "active"
    updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class SentValues:
    """An offer link without its image map: what a delta sync compares, cheap to read by the 100,000."""

    product_id: int
    external_id: str
    offer_id: int | None
    content_hash: str | None
    price: Decimal | None
    quantity: int | None
    status: LinkStatus


@dataclass(frozen=True, slots=True)
class QuarantinedOrder:
    """An order the agent could not import; it stays `new` on the marketplace until it imports."""

    company: str
    order_id: int
    reason: str
    payload: str
    first_seen: datetime
    last_seen: datetime
    attempts: int


# --- scheduler and connection ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchedulerHolder:
    """The one process of an installation that fires schedules."""

    host: str
    pid: int
    role: SchedulerRole
    started: datetime
    heartbeat: datetime
    stale_after_s: float
    """Once the heartbeat is this old the holder is taken for dead."""

    def is_stale(self, now: datetime) -> bool:
        return (now - self.heartbeat).total_seconds() > self.stale_after_s


@dataclass(frozen=True, slots=True)
class ScheduleState:
    """A company's schedule bookkeeping."""

    company: str
    last_fire: datetime | None = None
    next_fire: datetime | None = None
    missed: int = 0
    """Fires that passed while nothing could run them (coalesced into one run)."""
    skipped: int = 0
    """Fires that came while the company's previous run was still going."""


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """Whether a company's marketplace account works ("Połączono" / "Błąd połączenia")."""

    company: str
    state: ConnectionStatus
    reason: str = ""
    changed: datetime | None = None
    """When the state last changed; None if it was never recorded."""
