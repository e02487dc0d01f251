"""Changing the config file from the agent itself: a company's schedule, saved with tomlkit.

The operator's file keeps its comments and layout: only the keys of one `[company.schedule]` table
change. A schedule is a window (from, to, every) or a cron expression; saving one kind removes the
other kind's keys (the loader refuses both at once) and leaves every other line as it was.
The new text is checked by the real loader (`agent.config.load_config`) before it replaces
the file, and it replaces it atomically (a temporary file in the same folder, fsync, rename), so a
refused edit or a crash leaves the old file whole. The headless service, which watches the file's
mtime, picks the change up by itself.

`schedule_problems` holds the loader's rules for the schedule form, so a form can say what is
wrong in the field before anything is written; `upcoming_fires` is what the scheduler would plan
(`agent.core.schedule`, the same code), for a form to show while the operator types.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Comment, Item, Key, SingleKey, Table, Whitespace

from agent.config import Config, load_config
from agent.core.cron_check import cron_problem, describe_cron_problem, normalize_cron
from agent.core.schedule import iter_fires
from agent.domain import DEFAULT_JOBS, JOB_ORDER, JobName, ScheduleConfig
from agent.errors import ConfigError, Phrase

FIELDS: tuple[str, ...] = ("enabled", "from_hour", "to_hour", "every_minutes", "jobs", "operator", "cron")
"""The schedule keys the editor writes, in the seed form's order (cron instead of the window)."""
WINDOW_KEYS: tuple[str, ...] = ("from_hour", "to_hour", "every_minutes")


@dataclass(frozen=True, slots=True)
class ScheduleEdit:
    """A company's schedule as an operator edits it (the seed's "Harmonogram" form).

    With `cron` set the schedule is that expression and the window numbers are not saved.
    """

    enabled: bool = False
    from_hour: int = 6
    to_hour: int = 22
    every_minutes: int = 30
    jobs: tuple[JobName, ...] = field(default=DEFAULT_JOBS)
    operator: str = "ADMIN"
    cron: str | None = None

    @classmethod
    def of(cls, schedule: ScheduleConfig) -> ScheduleEdit:
        return cls(schedule.enabled, schedule.from_hour, schedule.to_hour, schedule.every_minutes,
                   schedule.jobs, schedule.operator, schedule.cron)

    def as_schedule(self) -> ScheduleConfig:
        """The schedule this edit saves (what the loader would read back)."""
        cron = normalize_cron(self.cron) if self.cron is not None else None
        return ScheduleConfig(self.enabled, self.from_hour, self.to_hour, self.every_minutes, self.jobs,
                              self.operator.strip(), cron)


def schedule_problems(edit: ScheduleEdit) -> Mapping[str, str]:
    """Field name -> what is wrong with it, by the config loader's rules (empty when the edit is good)."""
    problems: dict[str, str] = {}
    if edit.cron is not None:
        cron = cron_problem(edit.cron)
        if cron is not None:
            problems["cron"] = describe_cron_problem(cron)
    else:
        problems.update(_window_problems(edit))
    if not edit.jobs:
        problems["jobs"] = "empty: name at least one of " + ", ".join(JOB_ORDER)
    elif any(job not in JOB_ORDER for job in edit.jobs):
        problems["jobs"] = "allowed: " + ", ".join(JOB_ORDER)
    if not edit.operator.strip():
        problems["operator"] = "empty: name the operator recorded for automatic runs (ADMIN by default)"
    return problems


def _window_problems(edit: ScheduleEdit) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not 0 <= edit.from_hour <= 23:
        problems["from_hour"] = f"found {edit.from_hour}, allowed: 0 to 23"
    if not 0 <= edit.to_hour <= 24:
        problems["to_hour"] = f"found {edit.to_hour}, allowed: 0 to 24"
    elif edit.from_hour == edit.to_hour:
        problems["to_hour"] = f"equals from_hour ({edit.from_hour}): the window is empty; use 0 and 24 for all day"
    if not 1 <= edit.every_minutes <= 1440:
        problems["every_minutes"] = f"found {edit.every_minutes}, allowed: 1 to 1440"
    return problems


def upcoming_fires(edit: ScheduleEdit, after: datetime, tz: ZoneInfo, count: int = 3) -> tuple[datetime, ...]:
    """The first `count` fires after `after` (UTC) of the edit as if enabled, by the scheduler's own rules.

    Empty when the edit has a problem (see `schedule_problems`) or never fires (30 February).
    """
    if schedule_problems(edit).keys() & {"cron", *WINDOW_KEYS}:
        return ()
    schedule = replace(edit.as_schedule(), enabled=True)
    try:
        return tuple(islice(iter_fires(schedule, after, tz), count))
    except ValueError:  # what the scheduler would log and not plan
        return ()


def save_schedule(path: Path, company: str, edit: ScheduleEdit) -> Config:
    """Write `edit` as the schedule of `company` in the config file at `path`; the config now in force.

    A window removes the company's `cron`, a cron removes its window keys; the keys that keep their
    value keep their exact text and comments. Raises ConfigError when the
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
        raise ConfigError(
            f"{path}: cannot be read: {exc}",
            phrase=Phrase("err.file_unreadable", {"path": str(path), "detail": str(exc)}),
        ) from None
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {exc}",
            phrase=Phrase("err.config_not_toml", {"path": str(path), "detail": str(exc)}),
        ) from None
    _apply(document, path, company, edit)
    return _replace_checked(path, tomlkit.dumps(document))


def _apply(document: tomlkit.TOMLDocument, path: Path, company: str, edit: ScheduleEdit) -> None:
    tables = document.get("company")
    found: Any = None
    last: Any = None
    if isinstance(tables, list):
        last = tables[-1] if tables else None
        for table in tables:
            if isinstance(table, Mapping) and str(table.get("name", "")).strip().casefold() == company.casefold():
                found = table
                break
    if found is None:
        raise ConfigError(
            f'{path}: no company "{company}"',
            phrase=Phrase("err.config_no_company", {"path": str(path), "company": company}),
        )
    schedule = found.get("schedule")
    fresh = schedule is None
    if fresh:
        schedule = tomlkit.table()
        found["schedule"] = schedule
    saved = edit.as_schedule()
    values: dict[str, Any] = {"enabled": saved.enabled}
    if saved.cron is None:
        values |= {"from_hour": saved.from_hour, "to_hour": saved.to_hour, "every_minutes": saved.every_minutes}
    else:
        values["cron"] = saved.cron
    values |= {"jobs": list(saved.jobs), "operator": saved.operator}
    # The loader refuses a cron beside a window: the kind not saved goes, with its own line only.
    for key in (WINDOW_KEYS if saved.cron is not None else ("cron",)):
        if key in schedule:
            del schedule[key]
    for key, value in values.items():
        # Untouched keys keep their exact text; a changed one keeps the comment on its line.
        if key in schedule and schedule[key] != value:
            schedule[key] = value
    missing = {key: value for key, value in values.items() if key not in schedule}
    if not missing:
        return
    if isinstance(schedule, Table) and not schedule.is_super_table():
        found["schedule"] = _with_keys_added(schedule, tuple(values), missing)
    else:  # written as dotted keys or an inline table: tomlkit places the new keys itself
        for key, value in missing.items():
            schedule[key] = value
    if fresh and found is not last:
        found["schedule"].add(tomlkit.nl())  # a blank line before the next company, as the seed file has


def _with_keys_added(schedule: Table, order: tuple[str, ...], missing: Mapping[str, Any]) -> Table:
    """A copy of `schedule` with the `missing` keys where the form has them (`order`).

    Each new key goes right after the nearest key before it in `order` (the window or cron right
    after `enabled`), not after the table's trailing comments, so switching kinds and back gives the
    original text again. Every other entry (keys, comments, blank lines) keeps its item and place.
    """
    body: list[tuple[Key | None, Item]] = list(schedule.value.body)
    for name, value in missing.items():
        new = tomlkit.item(value)
        position = _position_for(body, name, order)
        if position > 0:
            before = body[position - 1][1]
            if not isinstance(before, Whitespace):
                new.trivia.indent = before.trivia.indent
                if "\n" not in before.trivia.trail:  # the last line of a file without a final newline
                    before.trivia.trail += "\n"
        body.insert(position, (SingleKey(name), new))
    rebuilt = Table(Container(True), schedule.trivia.copy(), schedule.is_aot_element(), schedule.is_super_table(),
                    schedule.name, schedule.display_name)
    for key, item in body:
        rebuilt.raw_append(key, item)
    rebuilt.value.parsing(False)  # from here on edited like a parsed document's table
    return rebuilt


def _position_for(body: list[tuple[Key | None, Item]], name: str, order: tuple[str, ...]) -> int:
    """Where key `name` goes in `body`: after the nearest key before it in `order` that the table has,
    or else above the nearest one after it (and the comment lines right above that key), or else
    before the table's trailing blank lines."""
    at = order.index(name)
    indexes = {key.key: index for index, (key, _) in enumerate(body) if isinstance(key, SingleKey)}
    for earlier in reversed(order[:at]):
        if earlier in indexes:
            return indexes[earlier] + 1
    for later in order[at + 1:]:
        if later in indexes:
            position = indexes[later]
            while position > 0 and isinstance(body[position - 1][1], Comment):
                position -= 1
            return position
    position = len(body)
    while position > 0 and isinstance(body[position - 1][1], Whitespace):
        position -= 1
    return position


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
            findings = tuple(replace(f, where=f.where.replace(str(tmp), str(path))) for f in exc.findings)
            raise ConfigError(problems[0] if problems else str(path), problems=problems, findings=findings) from None
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot be written: {exc}",
            phrase=Phrase("err.config_unwritable", {"path": str(path), "detail": str(exc)}),
        ) from None
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
