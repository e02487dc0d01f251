"""Changing the config file from the agent itself: a company's schedule, saved with tomlkit.

The operator's file keeps its comments and layout: only the keys of one `[company.schedule]` table
change. The new text is checked by the real loader (`agent.config.load_config`) before it replaces
the file, and it replaces it atomically (a temporary file in the same folder, fsync, rename), so a
refused edit or a crash leaves the old file whole. The headless service, which watches the file's
mtime, picks the change up by itself.

`schedule_problems` holds the loader's rules for the schedule form, so a form can say what is
wrong in the field before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from agent.config import DEFAULT_JOBS, Config, ScheduleConfig, load_config
from agent.domain import JOB_ORDER, JobName
from agent.errors import ConfigError

FIELDS: tuple[str, ...] = ("enabled", "from_hour", "to_hour", "every_minutes", "jobs", "operator")
"""The schedule keys the editor writes, in the seed form's order."""


@dataclass(frozen=True, slots=True)
class ScheduleEdit:
    """A company's window schedule as an operator edits it (the seed's "Harmonogram" form)."""

    enabled: bool = False
    from_hour: int = 6
    to_hour: int = 22
    every_minutes: int = 30
    jobs: tuple[JobName, ...] = field(default=DEFAULT_JOBS)
    operator: str = "ADMIN"

    @classmethod
    def of(cls, schedule: ScheduleConfig) -> ScheduleEdit:
        return cls(schedule.enabled, schedule.from_hour, schedule.to_hour, schedule.every_minutes,
                   schedule.jobs, schedule.operator)


def schedule_problems(edit: ScheduleEdit) -> Mapping[str, str]:
    """Field name -> what is wrong with it, by the config loader's rules (empty when the edit is good)."""
    problems: dict[str, str] = {}
    if not 0 <= edit.from_hour <= 23:
        problems["from_hour"] = f"found {edit.from_hour}, allowed: 0 to 23"
    if not 0 <= edit.to_hour <= 24:
        problems["to_hour"] = f"found {edit.to_hour}, allowed: 0 to 24"
    elif edit.from_hour == edit.to_hour:
        problems["to_hour"] = f"equals from_hour ({edit.from_hour}): the window is empty; use 0 and 24 for all day"
    if not 1 <= edit.every_minutes <= 1440:
        problems["every_minutes"] = f"found {edit.every_minutes}, allowed: 1 to 1440"
    if not edit.jobs:
        problems["jobs"] = "empty: name at least one of " + ", ".join(JOB_ORDER)
    elif any(job not in JOB_ORDER for job in edit.jobs):
        problems["jobs"] = "allowed: " + ", ".join(JOB_ORDER)
    if not edit.operator.strip():
        problems["operator"] = "empty: name the operator recorded for automatic runs (ADMIN by default)"
    return problems


def save_schedule(path: Path, company: str, edit: ScheduleEdit) -> Config:
    """Write `edit` as the schedule of `company` in the config file at `path`; the config now in force.

    A raw `cron` of that company is removed (the window replaces it). Raises ConfigError when the
    edit breaks a rule, the company is unknown, or the file cannot be read, parsed, or written;
    the file is then untouched and the error's `problems` are the loader's own messages.
    """
    problems = schedule_problems(edit)
    if problems:
        raise ConfigError(
            "; ".join(f"[company.schedule] {key}: {text}" for key, text in problems.items()),
            problems=tuple(f"{key}: {text}" for key, text in problems.items()),
        )
    path = path.expanduser().resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    _apply(document, path, company, edit)
    return _replace_checked(path, tomlkit.dumps(document))


def _apply(document: tomlkit.TOMLDocument, path: Path, company: str, edit: ScheduleEdit) -> None:
    tables = document.get("company")
    found: Any = None
    if isinstance(tables, list):
        for table in tables:
            if isinstance(table, Mapping) and str(table.get("name", "")).strip().casefold() == company.casefold():
                found = table
                break
    if found is None:
        raise ConfigError(f'{path}: no company "{company}"')
    schedule = found.get("schedule")
    if schedule is None:
        schedule = tomlkit.table()
        found["schedule"] = schedule
    values: dict[str, Any] = {
        "enabled": edit.enabled,
        "from_hour": edit.from_hour,
        "to_hour": edit.to_hour,
        "every_minutes": edit.every_minutes,
        "jobs": list(edit.jobs),
        "operator": edit.operator.strip(),
    }
    for key, value in values.items():
        if key in schedule and schedule[key] == value:
            continue  # untouched keys keep their exact text (and any comment on their line)
        schedule[key] = value
    if "cron" in schedule:
        del schedule["cron"]


def _replace_checked(path: Path, text: str) -> Config:
    """Check `text` with the real loader from a temporary file beside `path`, then rename it over `path`."""
    # Beside the original, so relative paths in it resolve the same and the rename stays on one file system.
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(temporary)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777)
        try:
            checked = load_config(tmp)
        except ConfigError as exc:
            # The loader names the temporary file; the operator knows only theirs.
            problems = tuple(p.replace(str(tmp), str(path)) for p in exc.problems)
            raise ConfigError(problems[0] if problems else str(path), problems=problems) from None
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be written: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_folder(path.parent)
    return Config(path=path, agent=checked.agent, marketplace=checked.marketplace, companies=checked.companies)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); some platforms cannot open a folder, which is fine."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
