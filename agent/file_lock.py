"""The one cross-process file lock of the agent: an exclusive `flock` on a file under the home.

A company's lease (`agent/sync/lease.py`) holds one for a whole run, and a token refresh
(`agent/marketplace/tokens.py`) for the refresh. The kernel drops the lock when the process dies, so
a killed run never leaves a lock behind. It is polled rather than blocking, so a cancelled wait
leaves nothing stuck in a thread. Where `fcntl` is missing (Windows) every acquire succeeds and
only the in-process guards hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

POLL_S = 0.01


class FileLock:
    """A non-blocking exclusive `flock` on one file, held through one open file description."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free now; True when this object holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
        self._fd = fd
        return True

    async def acquire_within(self, seconds: float) -> bool:
        """`try_acquire`, tried again every 10 ms for up to `seconds` (a brief holder lets go)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.try_acquire():
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(POLL_S)
        return True

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            if fcntl is not None:
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
