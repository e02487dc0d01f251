"""Every time shown to a person, in the configured time zone, with its UTC offset written.

One function so the CLI, the log files, the console and the TUI agree: `local_time` turns an
aware moment into the zone's wall-clock time followed by its offset ("2026-12-05 11:00:00 +01:00"),
so a reader in another zone, or one reading across a DST change, is never misled.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/Warsaw"


def offset_of(moment: datetime) -> str:
    """The moment's UTC offset as "+01:00" ("+00:00" for UTC)."""
    raw = moment.strftime("%z") or "+0000"
    return f"{raw[:3]}:{raw[3:5]}"


def local_time(
    moment: datetime, zone: str = DEFAULT_ZONE, *, pattern: str = "%Y-%m-%d %H:%M:%S", offset: bool = True
) -> str:
    """`moment` in `zone`, as `pattern`, followed by its offset unless `offset` is False.

    A naive moment is taken as UTC (the state database stores UTC).
    """
    from datetime import UTC

    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(ZoneInfo(zone))
    shown = local.strftime(pattern)
    return f"{shown} {offset_of(local)}" if offset else shown
