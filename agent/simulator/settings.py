"""The simulator's knobs and its clock.

Every lifetime (device codes, tokens, grace, rate-limit buckets, order times) is measured on one
`Clock`, which tests can move forward instead of sleeping (`Clock.advance`, or `POST /_sim/advance`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class SimulatorSettings:
    """How one simulator instance behaves; every default matches `marketsync simulator` without options."""

    host: str = "127.0.0.1"
    port: int = 8765
    """0 picks a free port."""
    auto_consent: bool = False
    """Approve each device code at once, for a new seller account."""
    seed: int = 0
    """Seeds the generated accounts and buyers, so two runs with one seed look alike."""
    requests_per_minute: int = 600
    """Per-account rate limit; 0 turns it off (capacity benchmarks)."""
    token_ttl: int = 12 * 3600
    """Access token lifetime, seconds (live: 12 hours)."""
    refresh_ttl: int = 90 * 86400
    """Refresh token lifetime, seconds (live: about 3 months)."""
    device_code_ttl: int = 600
    poll_interval: int = 5
    """The `interval` the register answer gives; polling faster answers slow_down."""
    refresh_grace: int = 60
    """Seconds an already used refresh token still answers with the pair it gave the first time."""
    orders_per_minute: float = 0
    """Buyers placing orders on their own; 0 = only through `POST /_sim/orders`."""
    seed_accounts: int = 3
    """Seller accounts created at start-up (their e-mail and password are printed)."""
    cancel_before_rate: float = 0.05
    """Share of the buyers' own orders cancelled while still `new` (before the seller imports them)."""
    cancel_after_rate: float = 0.03
    """Share of the buyers' own orders cancelled once the seller has them `inProcess`."""
    front: bool = True
    """Serve through the TCP front (front.py), which makes the transport faults (reset, cut, drip, lost)."""
    state_file: str | None = None
    """SQLite file keeping the whole platform across restarts (`--state`); None = in memory only."""


class Clock:
    """Wall-clock seconds (UTC epoch) plus an offset that only grows; shared by the whole platform."""

    __slots__ = ("_offset",)

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    @property
    def offset(self) -> float:
        """How far this clock has been moved ahead of the wall clock (kept by --state)."""
        return self._offset

    def advance(self, seconds: float) -> None:
        """Move time forward (never back: lifetimes already granted must not grow)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds

    def datetime(self, at: float | None = None) -> datetime:
        return datetime.fromtimestamp(self.now() if at is None else at, tz=UTC)


def iso(at: float) -> str:
    """An epoch time as ISO 8601 with offset, to the millisecond, as the API writes times."""
    return datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="milliseconds")
