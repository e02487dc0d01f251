"""Benchmark of the schedule's pure functions, as the runtime's loop pays for them.

`python bench/bench_schedule.py [--quick]` prints one JSON object per measurement (see bench/run.py).
The runtime plans every company's next fire on the event loop, so a planning pass over 100
companies is a slice of the runtime's 50 ms loop-lag budget; after a suspend it asks what it missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from agent.core.schedule import fires_between, next_fire
from agent.domain import ScheduleConfig

WARSAW = ZoneInfo("Europe/Warsaw")
MIXED = [
    ScheduleConfig(enabled=True, from_hour=0, to_hour=24, every_minutes=1),
    ScheduleConfig(enabled=True, from_hour=6, to_hour=22, every_minutes=30),
    ScheduleConfig(enabled=True, from_hour=22, to_hour=6, every_minutes=45),
    ScheduleConfig(enabled=True, cron="*/15 6-21 * * 1-5"),
    ScheduleConfig(enabled=True, cron="0 8 * * 1-5"),
]


def _emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": "schedule", "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    passes = 50 if args.quick else 500

    companies = [MIXED[i % len(MIXED)] for i in range(100)]
    start = datetime(2026, 3, 28, 12, 0, 7, tzinfo=UTC)  # the planning passes cross the spring change
    times: list[float] = []
    for n in range(passes):
        now = start + timedelta(minutes=n)
        began = time.perf_counter()
        for schedule in companies:
            next_fire(schedule, now, WARSAW)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    _emit("plan next fire of 100 companies (mixed window/cron), p99 pass", p99, "ms", "under 10 ms", p99 < 10)
    _emit(
        "plan next fire of 100 companies, median pass",
        statistics.median(times),
        "ms",
        "under 5 ms",
        statistics.median(times) < 5,
    )

    for label, schedule in (
        ("window every minute", MIXED[0]),
        ("cron every minute", ScheduleConfig(enabled=True, cron="* * * * *")),
    ):
        began = time.perf_counter()
        fires = fires_between(schedule, start, start + timedelta(days=7), WARSAW)
        elapsed = (time.perf_counter() - began) * 1000
        _emit(
            f"missed fires after a 7-day suspend, {label} ({len(fires)} fires)",
            elapsed,
            "ms",
            "under 1000 ms (once per resume; pass limit= to cap it)",
            elapsed < 1000,
        )
        began = time.perf_counter()
        fires_between(schedule, start, start + timedelta(days=7), WARSAW, limit=1)
        capped = (time.perf_counter() - began) * 1000
        _emit(f"missed-fire check with limit=1, {label}", capped, "ms", "under 1 ms", capped < 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
