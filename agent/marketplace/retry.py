"""When to try again: exponential backoff with full jitter, and a circuit breaker per host.

Only idempotent operations are retried after a fault (the caller says which). The breaker opens
after `failure_threshold` faults in a row on one host and then refuses calls at once for
`cooldown` seconds, so a dead marketplace costs seconds, not hours; after the cooldown one probe
call goes through, and its outcome closes or reopens the breaker.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from agent.errors import MarketplaceUnavailable, Phrase


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts a call gets, and how long to pause between them."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, retry: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**retry)] (retry counts from 0)."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * (2.0**retry)))


BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Counts consecutive faults on one host; while open, calls fail at once."""

    def __init__(
        self,
        host: str,
        *,
        failure_threshold: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown:
            return "half_open"
        return "open"

    def before_call(self) -> None:
        """Raise MarketplaceUnavailable while open; in half-open let one probe through."""
        state = self.state
        if state == "closed":
            return
        if state == "half_open" and not self._probing:
            self._probing = True
            return
        assert self._opened_at is not None
        left = max(0.0, self.cooldown - (self._clock() - self._opened_at))
        raise MarketplaceUnavailable(
            f"{self.host} is not answering: calls are paused for {left:.0f} s",
            hint="the marketplace failed several times in a row; it will be tried again shortly",
            phrase=Phrase("err.breaker_open", {"host": self.host, "seconds": left}),
            hint_phrase=Phrase("errhint.breaker_open"),
        )

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._probing = False

    def release_probe(self) -> None:
        """A probe ended without telling whether the host works (e.g. it was cancelled)."""
        self._probing = False


class BreakerBoard:
    """One circuit breaker per host, shared by every account's client in the process."""

    def __init__(self, *, failure_threshold: int = 5, cooldown: float = 30.0) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._breakers: dict[str, CircuitBreaker] = {}

    def for_host(self, host: str) -> CircuitBreaker:
        breaker = self._breakers.get(host)
        if breaker is None:
            breaker = CircuitBreaker(host, failure_threshold=self.failure_threshold, cooldown=self.cooldown)
            self._breakers[host] = breaker
        return breaker


BREAKERS = BreakerBoard()
"""The process-wide board used unless a client is given its own (tests give their own)."""
