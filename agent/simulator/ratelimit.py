"""Per-account rate limit: a token bucket of `requests_per_minute`, and a short block once it is empty.

The bucket holds a minute's worth of requests and refills continuously. A request that finds it
empty starts a block of `ceil(60 / rate)` seconds (at least 1): every request of that account during
the block answers 429 with Retry-After = the whole seconds left (at least 1), and does not refill it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from agent.simulator.settings import Clock


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    blocked_until: float = 0.0


class RateLimiter:
    """Token buckets by account id; `rate` = 0 turns the limit off."""

    __slots__ = ("_block", "_buckets", "_clock", "_per_second", "rate")

    def __init__(self, rate: int, clock: Clock) -> None:
        self.rate = rate
        self._clock = clock
        self._per_second = rate / 60.0
        self._block = max(1.0, math.ceil(60.0 / rate)) if rate > 0 else 0.0
        self._buckets: dict[int, _Bucket] = {}

    def check(self, account_id: int) -> int | None:
        """None when the request may go on; else the Retry-After seconds (>= 1) of a 429."""
        if self.rate <= 0:
            return None
        now = self._clock.now()
        bucket = self._buckets.get(account_id)
        if bucket is None:
            bucket = self._buckets[account_id] = _Bucket(tokens=float(self.rate), updated=now)
        if now < bucket.blocked_until:
            return max(1, math.ceil(bucket.blocked_until - now))
        bucket.tokens = min(float(self.rate), bucket.tokens + (now - bucket.updated) * self._per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        bucket.blocked_until = now + self._block
        return max(1, math.ceil(self._block))
