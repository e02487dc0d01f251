"""Config hot reload: noticing the file changed, and what a new configuration changes.

The runtime polls the file's modification time every couple of seconds (cheap, works on every
filesystem, needs no watcher thread). A new file that does not load is refused: the error is
logged and kept in `Runtime.config_error`, and the configuration in use stays.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from agent.config import CompanyConfig, Config
from agent.core.schedule import describe_schedule
from agent.errors import ConfigError
from agent.runtime.events import ScheduleChanged


class FileWatch:
    """Says when a file's modification time moved since it last looked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen = self._mtime()

    def _mtime(self) -> int | None:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    def changed(self) -> bool:
        now = self._mtime()
        if now == self._seen:
            return False
        self._seen = now
        return True


def refusal(exc: ConfigError) -> str:
    """The problems of a refused config file, in one line."""
    return "; ".join(exc.problems) or str(exc)


def changed_schedules(old: Config, fresh: Config) -> list[CompanyConfig]:
    """Companies of `fresh` whose schedule is new or differs from `old`'s (or whose time zone moved)."""
    before = {company.name: company.schedule for company in old.companies}
    zone_moved = old.agent.timezone != fresh.agent.timezone
    return [c for c in fresh.companies if zone_moved or before.get(c.name) != c.schedule]


def schedule_events(
    companies: list[CompanyConfig], language: Literal["pl", "en"], at: datetime
) -> list[ScheduleChanged]:
    """One ScheduleChanged per company, described in the operator's language."""
    return [
        ScheduleChanged(c.name, c.schedule.enabled, describe_schedule(c.schedule, language), at) for c in companies
    ]
