"""Client-side rate limiting per account, so the marketplace's 429 stays rare.

A sliding window: at most `requests_per_minute` requests start in any 60 seconds, which no server
counting per minute (fixed or sliding) can call too many. After a 429 nothing starts before its
`Retry-After` has elapsed. Waiters are served in arrival order.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime

WINDOW = 60.0
# A Retry-After we cannot read, or none at all, still earns a pause; a huge one is capped
# so one odd header cannot park an account for a day.
DEFAULT_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 600.0


def parse_retry_after(value: str | None, now_epoch: float | None = None) -> float:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER
        seconds = moment.timestamp() - (time.time() if now_epoch is None else now_epoch)
    if math.isnan(seconds):
        return DEFAULT_RETRY_AFTER
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class RateLimiter:
    """At most `requests_per_minute` starts per sliding minute (0 = unlimited), plus 429 blocks."""

    def __init__(
        self,
        requests_per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.requests_per_minute = requests_per_minute
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._blocked_until = 0.0
        self._lock = asyncio.Lock()

    def block_for(self, seconds: float) -> None:
        """No request may start for `seconds` from now (a 429's Retry-After)."""
        self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def blocked_for(self) -> float:
        """Seconds until requests may start again after a 429 (0 when not blocked)."""
        return max(0.0, self._blocked_until - self._clock())

    def wait_time(self) -> float:
        """Seconds until the next request may start, were it asked for now."""
        now = self._clock()
        wait = max(0.0, self._blocked_until - now)
        limit = self.requests_per_minute
        if limit > 0:
            while self._starts and self._starts[0] <= now - WINDOW:
                self._starts.popleft()
            if len(self._starts) >= limit:
                wait = max(wait, self._starts[0] + WINDOW - now)
        return wait

    def try_acquire(self) -> bool:
        """Count a request as started if one may start now and nobody waits; False otherwise."""
        if self._lock.locked() or self.wait_time() > 0:
            return False
        if self.requests_per_minute > 0:
            self._starts.append(self._clock())
        return True

    async def acquire(self) -> None:
        """Wait until a request may start, and count it as started."""
        async with self._lock:
            while (wait := self.wait_time()) > 0:
                await self._sleep(wait)
            if self.requests_per_minute > 0:
                self._starts.append(self._clock())
