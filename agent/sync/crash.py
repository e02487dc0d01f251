"""Named crash points for the reliability tests: the process kills itself (SIGKILL) where armed.

`MARKETSYNC_CRASH_AT=orders.after_commit` arms one point (a comma-separated list arms several);
`MARKETSYNC_CRASH_AFTER=N` lets the point pass N times first. Unarmed, a crash point costs one
dictionary lookup. SIGKILL, not an exception: nothing gets to clean up, as in a power cut.
"""

from __future__ import annotations

import os
import signal

_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Kill this process here if the environment arms `name`."""
    armed = os.environ.get("MARKETSYNC_CRASH_AT")
    if not armed or name not in armed.split(","):
        return
    seen = _passes.get(name, 0)
    _passes[name] = seen + 1
    if seen >= int(os.environ.get("MARKETSYNC_CRASH_AFTER", "0")):
        os.kill(os.getpid(), signal.SIGKILL)
