"""The schedule's fire times, by table, in Europe/Warsaw: ordinary days, windows that cross
midnight, steps not aligned to the hour, cron with weekdays, and the DST changes of 2026 and 2027."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.core.schedule import (
    ScheduleWindow,
    describe_schedule,
    fires_between,
    iter_fires,
    next_fire,
    schedule_problems,
    to_utc,
)
from agent.domain import ScheduleConfig

WARSAW = ZoneInfo("Europe/Warsaw")


def window(from_hour: int, to_hour: int, every: int, *, enabled: bool = True) -> ScheduleConfig:
    return ScheduleConfig(enabled=enabled, from_hour=from_hour, to_hour=to_hour, every_minutes=every)


def cron(expression: str) -> ScheduleConfig:
    return ScheduleConfig(enabled=True, cron=expression)


def at(text: str) -> datetime:
    """An instant written as local time with its offset, e.g. "2026-10-25T02:30+01:00"."""
    return datetime.fromisoformat(text).astimezone(UTC)


def local(fires: list[datetime]) -> list[str]:
    return [f.astimezone(WARSAW).isoformat(timespec="minutes") for f in fires]


# (id, schedule, start (exclusive), end (inclusive), every fire in between as local time + offset)
FIRES_BETWEEN = [
    (
        "ordinary day 6-22 every 30, to_hour exclusive",
        window(6, 22, 30),
        "2026-06-10T20:59+02:00",
        "2026-06-11T07:00+02:00",
        [
            "2026-06-10T21:00+02:00",
            "2026-06-10T21:30+02:00",
            "2026-06-11T06:00+02:00",
            "2026-06-11T06:30+02:00",
            "2026-06-11T07:00+02:00",
        ],
    ),
    (
        "start is exclusive, end inclusive",
        window(6, 22, 60),
        "2026-06-10T06:00+02:00",
        "2026-06-10T08:00+02:00",
        ["2026-06-10T07:00+02:00", "2026-06-10T08:00+02:00"],
    ),
    (
        "every 90 is not aligned to the hour and stops before to_hour",
        window(6, 22, 90),
        "2026-06-10T05:00+02:00",
        "2026-06-11T05:00+02:00",
        [
            "2026-06-10T06:00+02:00",
            "2026-06-10T07:30+02:00",
            "2026-06-10T09:00+02:00",
            "2026-06-10T10:30+02:00",
            "2026-06-10T12:00+02:00",
            "2026-06-10T13:30+02:00",
            "2026-06-10T15:00+02:00",
            "2026-06-10T16:30+02:00",
            "2026-06-10T18:00+02:00",
            "2026-06-10T19:30+02:00",
            "2026-06-10T21:00+02:00",
        ],
    ),
    (
        "every 45 all day: 23:15 then the new day starts at 00:00 (not */45's :00 and :45)",
        window(0, 24, 45),
        "2026-06-10T22:00+02:00",
        "2026-06-11T01:30+02:00",
        [
            "2026-06-10T22:30+02:00",
            "2026-06-10T23:15+02:00",
            "2026-06-11T00:00+02:00",
            "2026-06-11T00:45+02:00",
            "2026-06-11T01:30+02:00",
        ],
    ),
    (
        "window 22 to 6 crosses midnight and keeps counting from 22:00",
        window(22, 6, 45),
        "2026-06-10T12:00+02:00",
        "2026-06-11T12:00+02:00",
        [
            "2026-06-10T22:00+02:00",
            "2026-06-10T22:45+02:00",
            "2026-06-10T23:30+02:00",
            "2026-06-11T00:15+02:00",
            "2026-06-11T01:00+02:00",
            "2026-06-11T01:45+02:00",
            "2026-06-11T02:30+02:00",
            "2026-06-11T03:15+02:00",
            "2026-06-11T04:00+02:00",
            "2026-06-11T04:45+02:00",
            "2026-06-11T05:30+02:00",
        ],
    ),
    (
        "window 22 to 6 every 90",
        window(22, 6, 90),
        "2026-01-14T12:00+01:00",
        "2026-01-15T12:00+01:00",
        [
            "2026-01-14T22:00+01:00",
            "2026-01-14T23:30+01:00",
            "2026-01-15T01:00+01:00",
            "2026-01-15T02:30+01:00",
            "2026-01-15T04:00+01:00",
            "2026-01-15T05:30+01:00",
        ],
    ),
    (
        "every longer than the window fires once a day at from_hour",
        window(9, 10, 120),
        "2026-06-10T00:00+02:00",
        "2026-06-12T23:00+02:00",
        ["2026-06-10T09:00+02:00", "2026-06-11T09:00+02:00", "2026-06-12T09:00+02:00"],
    ),
    (
        "disabled never fires",
        window(0, 24, 1, enabled=False),
        "2026-06-10T00:00+02:00",
        "2026-06-12T00:00+02:00",
        [],
    ),
    (
        "cron on weekdays skips the weekend",
        cron("0 8 * * 1-5"),
        "2026-06-12T09:00+02:00",  # a Friday
        "2026-06-16T23:00+02:00",
        ["2026-06-15T08:00+02:00", "2026-06-16T08:00+02:00"],
    ),
    (
        "cron at weekends only, by name",
        cron("30 7 * * sat,sun"),
        "2026-06-10T00:00+02:00",
        "2026-06-15T00:00+02:00",
        ["2026-06-13T07:30+02:00", "2026-06-14T07:30+02:00"],
    ),
    # --- spring 2026: 29 March, 02:00 CET becomes 03:00 CEST --------------------------------
    (
        "spring 2026, all day every 30: 02:00, 02:30 and 03:00 fire once, at 03:00",
        window(0, 24, 30),
        "2026-03-29T01:00+01:00",
        "2026-03-29T04:00+02:00",
        ["2026-03-29T01:30+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:30+02:00", "2026-03-29T04:00+02:00"],
    ),
    (
        "spring 2026, every 45: the 02:15 slot and the 03:00 slot fire once",
        window(0, 24, 45),
        "2026-03-29T01:00+01:00",
        "2026-03-29T04:00+02:00",
        ["2026-03-29T01:30+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:45+02:00"],
    ),
    (
        "spring 2026, a window inside the missing hour fires once at 03:00",
        window(2, 3, 20),
        "2026-03-28T12:00+01:00",
        "2026-03-30T12:00+02:00",
        ["2026-03-29T03:00+02:00", "2026-03-30T02:00+02:00", "2026-03-30T02:20+02:00", "2026-03-30T02:40+02:00"],
    ),
    (
        "spring 2026, a night window crossing the change",
        window(22, 6, 45),
        "2026-03-28T21:00+01:00",
        "2026-03-29T12:00+02:00",
        [
            "2026-03-28T22:00+01:00",
            "2026-03-28T22:45+01:00",
            "2026-03-28T23:30+01:00",
            "2026-03-29T00:15+01:00",
            "2026-03-29T01:00+01:00",
            "2026-03-29T01:45+01:00",
            "2026-03-29T03:00+02:00",
            "2026-03-29T03:15+02:00",
            "2026-03-29T04:00+02:00",
            "2026-03-29T04:45+02:00",
            "2026-03-29T05:30+02:00",
        ],
    ),
    (
        "spring 2026, cron at 02:30 fires at 03:00 that day only",
        cron("30 2 * * *"),
        "2026-03-27T12:00+01:00",
        "2026-03-30T12:00+02:00",
        ["2026-03-28T02:30+01:00", "2026-03-29T03:00+02:00", "2026-03-30T02:30+02:00"],
    ),
    (
        "spring 2026, cron every 15 min through the gap",
        cron("*/15 * * * *"),
        "2026-03-29T01:30+01:00",
        "2026-03-29T03:30+02:00",
        ["2026-03-29T01:45+01:00", "2026-03-29T03:00+02:00", "2026-03-29T03:15+02:00", "2026-03-29T03:30+02:00"],
    ),
    # --- autumn 2026: 25 October, 03:00 CEST becomes 02:00 CET ------------------------------
    (
        "autumn 2026, all day every 30: the repeated hour fires once",
        window(0, 24, 30),
        "2026-10-25T01:00+02:00",
        "2026-10-25T04:00+01:00",
        [
            "2026-10-25T01:30+02:00",
            "2026-10-25T02:00+02:00",
            "2026-10-25T02:30+02:00",
            "2026-10-25T03:00+01:00",
            "2026-10-25T03:30+01:00",
            "2026-10-25T04:00+01:00",
        ],
    ),
    (
        "autumn 2026, a window inside the repeated hour fires each slot once",
        window(2, 3, 20),
        "2026-10-24T12:00+02:00",
        "2026-10-26T12:00+01:00",
        [
            "2026-10-25T02:00+02:00",
            "2026-10-25T02:20+02:00",
            "2026-10-25T02:40+02:00",
            "2026-10-26T02:00+01:00",
            "2026-10-26T02:20+01:00",
            "2026-10-26T02:40+01:00",
        ],
    ),
    (
        "autumn 2026, a night window crossing the change",
        window(22, 6, 90),
        "2026-10-24T21:00+02:00",
        "2026-10-25T12:00+01:00",
        [
            "2026-10-24T22:00+02:00",
            "2026-10-24T23:30+02:00",
            "2026-10-25T01:00+02:00",
            "2026-10-25T02:30+02:00",
            "2026-10-25T04:00+01:00",
            "2026-10-25T05:30+01:00",
        ],
    ),
    (
        "autumn 2026, cron every 20 min in hour 2 fires three times, not six",
        cron("*/20 2 * * *"),
        "2026-10-24T23:00+02:00",
        "2026-10-25T23:00+01:00",
        ["2026-10-25T02:00+02:00", "2026-10-25T02:20+02:00", "2026-10-25T02:40+02:00"],
    ),
    # --- spring 2027: 28 March; autumn 2027: 31 October (both Sundays) ----------------------
    (
        "spring 2027, all day every 60",
        window(0, 24, 60),
        "2027-03-28T00:30+01:00",
        "2027-03-28T04:30+02:00",
        ["2027-03-28T01:00+01:00", "2027-03-28T03:00+02:00", "2027-03-28T04:00+02:00"],
    ),
    (
        "spring 2027, cron on Sundays at 02:00 fires at 03:00",
        cron("0 2 * * 0"),
        "2027-03-20T00:00+01:00",
        "2027-04-05T00:00+02:00",
        ["2027-03-21T02:00+01:00", "2027-03-28T03:00+02:00", "2027-04-04T02:00+02:00"],
    ),
    (
        "autumn 2027, all day every 45",
        window(0, 24, 45),
        "2027-10-31T01:00+02:00",
        "2027-10-31T04:00+01:00",
        ["2027-10-31T01:30+02:00", "2027-10-31T02:15+02:00", "2027-10-31T03:00+01:00", "2027-10-31T03:45+01:00"],
    ),
    (
        "autumn 2027, cron on Sundays at 02:30 fires once",
        cron("30 2 * * sun"),
        "2027-10-30T00:00+02:00",
        "2027-11-08T00:00+01:00",
        ["2027-10-31T02:30+02:00", "2027-11-07T02:30+01:00"],
    ),
]


@pytest.mark.parametrize(
    ("schedule", "start", "end", "expected"), [case[1:] for case in FIRES_BETWEEN], ids=[c[0] for c in FIRES_BETWEEN]
)
def test_fires_between(schedule: ScheduleConfig, start: str, end: str, expected: list[str]) -> None:
    assert local(fires_between(schedule, at(start), at(end), WARSAW)) == expected


# (id, schedule, after, the next fire as local time + offset, or None)
NEXT_FIRE = [
    ("before the window opens", window(6, 22, 30), "2026-06-10T03:12+02:00", "2026-06-10T06:00+02:00"),
    ("exactly on a slot gives the next one", window(6, 22, 30), "2026-06-10T06:00+02:00", "2026-06-10T06:30+02:00"),
    ("after the last slot, tomorrow", window(6, 22, 30), "2026-06-10T21:30+02:00", "2026-06-11T06:00+02:00"),
    ("inside a window opened yesterday", window(22, 6, 45), "2026-06-11T05:00+02:00", "2026-06-11T05:30+02:00"),
    ("after a window opened yesterday", window(22, 6, 45), "2026-06-11T05:31+02:00", "2026-06-11T22:00+02:00"),
    ("seconds count", window(6, 22, 30), "2026-06-10T06:29:59.999+02:00", "2026-06-10T06:30+02:00"),
    ("disabled", window(6, 22, 30, enabled=False), "2026-06-10T06:00+02:00", None),
    ("empty window", window(6, 6, 30), "2026-06-10T06:00+02:00", None),
    ("cron that never matches again", cron("0 0 30 2 *"), "2026-06-10T06:00+02:00", None),
    (
        "second pass of the repeated hour: its slots already fired",
        window(0, 24, 30),
        "2026-10-25T02:10+01:00",
        "2026-10-25T03:00+01:00",
    ),
    ("first pass of the repeated hour", window(0, 24, 30), "2026-10-25T02:10+02:00", "2026-10-25T02:30+02:00"),
    ("on the spring change itself", window(0, 24, 30), "2026-03-29T03:00+02:00", "2026-03-29T03:30+02:00"),
    ("just before the spring change", window(0, 24, 30), "2026-03-29T01:59+01:00", "2026-03-29T03:00+02:00"),
    ("cron in the second pass", cron("*/20 2 * * *"), "2027-10-31T02:05+01:00", "2027-11-01T02:00+01:00"),
]


@pytest.mark.parametrize(
    ("schedule", "after", "expected"), [case[1:] for case in NEXT_FIRE], ids=[c[0] for c in NEXT_FIRE]
)
def test_next_fire(schedule: ScheduleConfig, after: str, expected: str | None) -> None:
    fire = next_fire(schedule, at(after), WARSAW)
    assert (None if fire is None else local([fire])[0]) == expected
    if fire is not None:
        assert fire.tzinfo is UTC


@pytest.mark.parametrize("year", [2026, 2027])
def test_a_whole_year_fires_every_slot_once(year: int) -> None:
    """Each local day has its 48 half-hour slots, except the spring day whose 02:00 and 02:30 fold into 03:00."""
    start = datetime(year, 1, 1, tzinfo=WARSAW).astimezone(UTC) - timedelta(microseconds=1)
    end = datetime(year + 1, 1, 1, tzinfo=WARSAW).astimezone(UTC) - timedelta(microseconds=1)
    fires = fires_between(window(0, 24, 30), start, end, WARSAW)
    assert len(set(fires)) == len(fires)
    per_day: dict[date, int] = {}
    for fire in fires:
        day = fire.astimezone(WARSAW).date()
        per_day[day] = per_day.get(day, 0) + 1
    spring = {2026: date(2026, 3, 29), 2027: date(2027, 3, 28)}[year]
    assert len(per_day) == (date(year + 1, 1, 1) - date(year, 1, 1)).days
    assert {day: n for day, n in per_day.items() if n != 48} == {spring: 46}


def test_naive_after_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_fire(window(6, 22, 30), datetime(2026, 6, 10, 6, 0), WARSAW)


def test_fires_between_limit_and_iter_fires_agree() -> None:
    schedule = window(6, 22, 30)
    start = at("2026-06-10T00:00+02:00")
    limited = fires_between(schedule, start, start + timedelta(days=3), WARSAW, limit=5)
    iterator = iter_fires(schedule, start, WARSAW)
    assert limited == [next(iterator) for _ in range(5)]
    assert local(limited)[-1] == "2026-06-10T08:00+02:00"


def test_to_utc_maps_gap_to_its_end_and_ambiguous_to_first() -> None:
    assert to_utc(datetime(2026, 3, 29, 2, 30), WARSAW) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert to_utc(datetime(2026, 10, 25, 2, 30), WARSAW) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Lord Howe Island moves its clocks by half an hour.
    assert to_utc(datetime(2026, 10, 4, 2, 15), ZoneInfo("Australia/Lord_Howe")) == at("2026-10-04T02:30+11:00")


def test_window_slot_times() -> None:
    assert [t.isoformat("minutes") for t in ScheduleWindow.of(window(22, 2, 90)).slot_times()] == [
        "22:00",
        "23:30",
        "01:00",
    ]
    assert ScheduleWindow.of(window(0, 24, 45)).slots_per_day == 32
    assert ScheduleWindow.of(window(6, 6, 45)).slots_per_day == 0


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        (window(25, 6, 30), "from_hour 25"),
        (window(6, 25, 30), "to_hour 25"),
        (window(6, 22, 0), "every_minutes 0"),
        (cron("61 * * * *"), "not a valid cron"),
    ],
)
def test_schedule_problems(schedule: ScheduleConfig, problem: str) -> None:
    assert problem in schedule_problems(schedule)[0]
    with pytest.raises(ValueError, match=problem):
        next_fire(schedule, at("2026-06-10T06:00+02:00"), WARSAW)


@pytest.mark.parametrize(
    ("schedule", "pl", "en"),
    [
        (window(6, 22, 30), "06:00-22:00 co 30 min", "06:00-22:00 every 30 min"),
        (window(22, 6, 45), "22:00-06:00 co 45 min", "22:00-06:00 every 45 min"),
        (window(0, 24, 90), "całą dobę co 90 min", "all day every 90 min"),
        (window(6, 22, 30, enabled=False), "wyłączony (06:00-22:00 co 30 min)", "off (06:00-22:00 every 30 min)"),
        (cron("0 8 * * 1-5"), "cron 0 8 * * 1-5", "cron 0 8 * * 1-5"),
    ],
)
def test_describe_schedule(schedule: ScheduleConfig, pl: str, en: str) -> None:
    assert describe_schedule(schedule) == pl
    assert describe_schedule(schedule, "en") == en
