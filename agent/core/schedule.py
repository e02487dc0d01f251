"""When a company's schedule fires: pure functions of the schedule, an instant and a time zone.

A schedule is a window or a cron expression, read in the configured time zone:

* **Window** (`from_hour`, `to_hour`, `every_minutes`): every day the slots are
  `from_hour:00 + k * every_minutes` for k = 0, 1, 2, ... as long as the slot lies before `to_hour`
  (exclusive). A window that crosses midnight keeps counting k from `from_hour:00` of the day it
  opened: 22 to 6 every 45 min is 22:00, 22:45, ..., 05:15 the next morning. 0 to 24 is all day,
  and each day starts again at 00:00 (every 45 min: ..., 23:15, then 00:00). A window whose
  `every_minutes` exceeds its length fires once a day, at `from_hour:00`. `from_hour == to_hour`
  is an empty window that never fires (the config loader refuses it).
* **Cron** (`cron`): croniter matches the expression against local wall-clock times (weekdays,
  ranges, lists; its `*/N` counts within the hour, which is why windows do not use it).

Both produce local wall-clock *slots*, mapped to instants the same way, so each slot fires once
across daylight-saving changes:

* a slot in the autumn's repeated hour fires at its first occurrence (fold=0), never twice;
* a slot in the spring's missing hour fires when the gap ends (02:30 on the spring-forward day in
  Warsaw fires at 03:00 local);
* slots that land on the same instant (02:00, 02:30 and 03:00 on that spring day) fire once.

Instants in and out are aware `datetime`s; results are in UTC.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from croniter import CroniterBadDateError, CroniterError, croniter

from agent.domain import ScheduleConfig

Language = Literal["pl", "en"]

_MINUTE = timedelta(minutes=1)
_MICROSECOND = timedelta(microseconds=1)
# Cron may name seconds (a sixth field), so stepping past a slot moves one second on.
_STEP = timedelta(seconds=1)
_DAY_MINUTES = 24 * 60
# More slots than this between `after` and the answer means a bug, not a schedule: the worst real
# case is every minute through an autumn repeated hour (60 slots that all map before `after`).
_MAX_STEPS = 10_000


@dataclass(frozen=True, slots=True)
class ScheduleWindow:
    """A window's daily slots, in minutes after `from_hour:00` of the day the window opens."""

    from_hour: int
    length_minutes: int
    """0 for an empty window (from == to), 1440 for all day."""
    every_minutes: int

    @classmethod
    def of(cls, schedule: ScheduleConfig) -> ScheduleWindow:
        """The window of `schedule`; ValueError when its numbers are out of range."""
        problems = schedule_problems(schedule)
        if problems:
            raise ValueError("; ".join(problems))
        span = schedule.to_hour - schedule.from_hour
        length = 24 * 60 if span == 24 else (span % 24) * 60
        return cls(schedule.from_hour, length, schedule.every_minutes)

    @property
    def slots_per_day(self) -> int:
        return -(-self.length_minutes // self.every_minutes)

    def slot_times(self) -> tuple[time, ...]:
        """The local wall-clock times of one day's slots, in firing order (for display)."""
        start = self.from_hour * 60
        return tuple(
            time(((start + k * self.every_minutes) // 60) % 24, (start + k * self.every_minutes) % 60)
            for k in range(self.slots_per_day)
        )

    def first_slot_at_or_after(self, moment: datetime) -> datetime:
        """The earliest slot (naive local wall-clock) not before the naive local `moment`."""
        if self.length_minutes == 0:
            raise ValueError("an empty window has no slots")
        # The window opened yesterday may still be running (it crosses midnight), so start there;
        # windows of consecutive days never overlap (length <= 24 h), so the first hit is the answer.
        for offset in (-1, 0, 1):
            opened = datetime.combine(moment.date() + timedelta(days=offset), time(self.from_hour))
            if moment <= opened:
                return opened
            # Whole microseconds, so no float rounding can move a slot.
            elapsed = (moment - opened) // _MICROSECOND
            k = -(-elapsed // (self.every_minutes * 60_000_000))  # ceil: the first slot not before `moment`
            if k * self.every_minutes < self.length_minutes:
                return opened + k * self.every_minutes * _MINUTE
        raise AssertionError("tomorrow's window always opens after `moment`")  # pragma: no cover


def schedule_problems(schedule: ScheduleConfig) -> tuple[str, ...]:
    """What is wrong with `schedule`'s numbers or cron expression, one line each (empty: fine)."""
    problems: list[str] = []
    if schedule.cron is not None:
        if not croniter.is_valid(schedule.cron):
            problems.append(f'cron "{schedule.cron}" is not a valid cron expression')
        return tuple(problems)
    if not 0 <= schedule.from_hour <= 23:
        problems.append(f"from_hour {schedule.from_hour} is not an hour 0-23")
    if not 0 <= schedule.to_hour <= 24:
        problems.append(f"to_hour {schedule.to_hour} is not an hour 0-24")
    if not 1 <= schedule.every_minutes <= _DAY_MINUTES:
        problems.append(f"every_minutes {schedule.every_minutes} is not 1-1440")
    return tuple(problems)


def next_fire(schedule: ScheduleConfig, after: datetime, tz: ZoneInfo) -> datetime | None:
    """The first fire strictly after `after` (aware), in UTC; None when disabled or never firing.

    Raises ValueError for a naive `after` or an invalid schedule (see `schedule_problems`).
    """
    if after.tzinfo is None:
        raise ValueError("`after` must be an aware datetime")
    if not schedule.enabled:
        return None
    slots = _slots(schedule)
    if slots is None:
        return None
    local_after = after.astimezone(tz).replace(tzinfo=None)
    # Every slot before `local_after` maps to an instant not after `after`; the few slots past it
    # that still map before it (the autumn's repeated hour, read at its second occurrence) are
    # stepped over one by one.
    slot = slots.at_or_after(local_after)
    for _ in range(_MAX_STEPS):
        if slot is None:
            return None
        instant = to_utc(slot, tz)
        if instant > after:
            return instant
        slot = slots.at_or_after(slot + _STEP)
    raise AssertionError(f"no fire found within {_MAX_STEPS} slots after {after.isoformat()}")  # pragma: no cover


def fires_between(
    schedule: ScheduleConfig, start: datetime, end: datetime, tz: ZoneInfo, *, limit: int | None = None
) -> list[datetime]:
    """Every fire in (start, end], in order, each once: what a runtime asleep from start to end missed.

    The interval is open at `start` and closed at `end`, so consecutive calls over (a, b] and
    (b, c] see each fire exactly once. `limit` caps the list (the first `limit` fires), for a caller
    who only needs to know whether and roughly how many fires were missed.
    """
    fires: list[datetime] = []
    cursor = start
    while limit is None or len(fires) < limit:
        fire = next_fire(schedule, cursor, tz)
        if fire is None or fire > end:
            break
        fires.append(fire)
        cursor = fire
    return fires


def iter_fires(schedule: ScheduleConfig, after: datetime, tz: ZoneInfo) -> Iterator[datetime]:
    """Fires after `after`, forever (or until the schedule stops firing)."""
    cursor: datetime | None = after
    while cursor is not None:
        cursor = next_fire(schedule, cursor, tz)
        if cursor is not None:
            yield cursor


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """The instant at which the naive local wall-clock time `local` fires in `tz`, in UTC.

    An ambiguous time (the autumn's repeated hour) gives its first occurrence; a time that does not
    exist (the spring's gap) gives the instant the gap ends, the next valid wall-clock time.
    """
    first = local.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == local:
        return first
    # In a gap, fold=0 reads the time with the offset from before the change and fold=1 with the
    # one after, which brackets the change; bisect to the first second with the later offset.
    low = local.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = first
    if low > high:
        low, high = high, low
    after_offset = high.astimezone(tz).utcoffset()
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def describe_schedule(schedule: ScheduleConfig, language: Language = "pl") -> str:
    """The schedule in a few words: "06:00-22:00 co 30 min", "all day every 45 min", "cron 0 8 * * 1-5"."""
    if schedule.cron is not None:
        text = f"cron {schedule.cron}"
    else:
        every = f"{schedule.every_minutes} min"
        if schedule.to_hour - schedule.from_hour == 24:
            text = f"całą dobę co {every}" if language == "pl" else f"all day every {every}"
        else:
            span = f"{schedule.from_hour:02d}:00-{schedule.to_hour:02d}:00"
            text = f"{span} co {every}" if language == "pl" else f"{span} every {every}"
    if not schedule.enabled:
        text = f"wyłączony ({text})" if language == "pl" else f"off ({text})"
    return text


class _Slots:
    """The schedule's naive local slots, asked for one at a time."""

    def __init__(self, window: ScheduleWindow | None, cron: str | None) -> None:
        self._window = window
        self._cron = cron

    def at_or_after(self, moment: datetime) -> datetime | None:
        """The first slot not before `moment` (naive local); None when there is none."""
        if self._window is not None:
            return self._window.first_slot_at_or_after(moment)
        assert self._cron is not None
        matcher = _cron_matcher(self._cron)
        # croniter answers strictly after its start; its slots are whole seconds, so starting one
        # microsecond early makes it answer "at or after".
        matcher.set_current(moment - _MICROSECOND, force=True)
        try:
            slot: datetime = matcher.get_next(datetime)
        except CroniterBadDateError:
            return None  # an expression that never matches again, such as 30 February
        return slot


_matchers = threading.local()


def _cron_matcher(expression: str) -> croniter:
    """A parsed cron expression, kept per thread: parsing costs several times what matching does.

    croniter objects carry a cursor, so each thread has its own; every use sets the cursor first
    and finishes before anything else can run on that thread.
    """
    cache: dict[str, croniter] | None = getattr(_matchers, "cache", None)
    if cache is None:
        cache = _matchers.cache = {}
    matcher = cache.get(expression)
    if matcher is None:
        try:
            matcher = croniter(expression, datetime(2000, 1, 1))
        except CroniterError:
            raise ValueError(f'cron "{expression}" is not a valid cron expression') from None
        if len(cache) >= 1024:
            cache.clear()
        cache[expression] = matcher
    return matcher


def _slots(schedule: ScheduleConfig) -> _Slots | None:
    if schedule.cron is not None:
        _cron_matcher(schedule.cron)  # raises ValueError now rather than on the first match
        return _Slots(None, schedule.cron)
    window = ScheduleWindow.of(schedule)
    return None if window.length_minutes == 0 else _Slots(window, None)
