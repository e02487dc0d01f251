"""Properties of the schedule for random schedules, zones and instants: the next fire is later,
fires_between is iterated next_fire, no fire repeats, and every fire is a slot (or a gap's end)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from agent.core.schedule import ScheduleWindow, fires_between, next_fire
from agent.domain import ScheduleConfig

ZONES = ["Europe/Warsaw", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata", "UTC"]
CRONS = ["*/15 * * * *", "0 8 * * 1-5", "30 2 * * *", "*/20 2 * * 0", "0 */3 * * *", "5 22-23,0-5 * * *"]


@st.composite
def schedules(draw: st.DrawFn) -> ScheduleConfig:
    if draw(st.booleans()):
        return ScheduleConfig(enabled=True, cron=draw(st.sampled_from(CRONS)))
    from_hour = draw(st.integers(0, 23))
    to_hour = draw(st.integers(0, 24).filter(lambda h: h != from_hour))
    every = draw(st.one_of(st.sampled_from([1, 7, 30, 45, 90, 600]), st.integers(1, 1440)))
    return ScheduleConfig(enabled=True, from_hour=from_hour, to_hour=to_hour, every_minutes=every)


instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=30))

# Instants just before the 2026 and 2027 changes in Warsaw, so every run covers them.
SPRING = datetime(2026, 3, 29, 0, 40, tzinfo=UTC)
AUTUMN = datetime(2027, 10, 30, 23, 50, tzinfo=UTC)


def is_fire_time(schedule: ScheduleConfig, fire: datetime, tz: ZoneInfo) -> bool:
    """Whether `fire` is a window slot at local wall-clock time, or the instant a DST gap ends."""
    just_before = (fire - timedelta(seconds=1)).astimezone(tz).utcoffset()
    if just_before != fire.astimezone(tz).utcoffset():
        return True  # a slot in the gap fires when it ends
    if schedule.cron is not None:
        return True  # croniter's own matching is checked by the tables
    slots = ScheduleWindow.of(schedule).slot_times()
    return fire.astimezone(tz).time().replace(second=0, microsecond=0) in slots and fire.second == 0


@settings(max_examples=300, deadline=None)
@given(schedule=schedules(), after=instants, zone=st.sampled_from(ZONES))
@example(schedule=ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=1), after=SPRING, zone=ZONES[0])
@example(schedule=ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=7), after=AUTUMN, zone=ZONES[0])
def test_next_fire_is_later_and_is_a_slot(schedule: ScheduleConfig, after: datetime, zone: str) -> None:
    tz = ZoneInfo(zone)
    fire = next_fire(schedule, after, tz)
    assert fire is not None
    assert fire > after
    assert fire.tzinfo is UTC
    assert is_fire_time(schedule, fire, tz)


@settings(max_examples=150, deadline=None)
@given(schedule=schedules(), start=instants, span=spans, zone=st.sampled_from(ZONES))
@example(
    schedule=ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=1),
    start=SPRING,
    span=timedelta(hours=2),
    zone=ZONES[0],
)
@example(
    schedule=ScheduleConfig(enabled=True, cron="*/15 * * * *"), start=AUTUMN, span=timedelta(hours=4), zone=ZONES[0]
)
def test_fires_between_is_iterated_next_fire(
    schedule: ScheduleConfig, start: datetime, span: timedelta, zone: str
) -> None:
    tz = ZoneInfo(zone)
    end = start + span
    expected: list[datetime] = []
    cursor = start
    while (fire := next_fire(schedule, cursor, tz)) is not None and fire <= end:
        expected.append(fire)
        cursor = fire
    fires = fires_between(schedule, start, end, tz)
    assert fires == expected
    assert len(set(fires)) == len(fires)
    assert fires == sorted(fires)
    # Splitting the interval anywhere loses and repeats nothing.
    middle = start + span / 2
    assert fires_between(schedule, start, middle, tz) + fires_between(schedule, middle, end, tz) == fires
