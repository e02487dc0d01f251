"""One clock: times shown to a person are in the configured zone, with the offset written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from loguru import logger

from agent.logs import setup_logging
from agent.texts.clock import local_time


def test_winter_and_summer_in_warsaw_carry_their_offsets() -> None:
    assert local_time(datetime(2026, 12, 5, 10, 0, tzinfo=UTC), "Europe/Warsaw") == "2026-12-05 11:00:00 +01:00"
    assert local_time(datetime(2026, 7, 5, 10, 0, tzinfo=UTC), "Europe/Warsaw") == "2026-07-05 12:00:00 +02:00"


def test_another_zone_and_a_naive_moment_taken_as_utc() -> None:
    assert local_time(datetime(2026, 12, 5, 10, 0), "America/New_York") == "2026-12-05 05:00:00 -05:00"


def test_log_file_lines_are_in_the_configured_zone(tmp_path: Path) -> None:
    setup_logging(tmp_path, console=False, timezone="Asia/Tokyo", json_lines=True)
    try:
        logger.info("hello")
    finally:
        logger.remove()
    line = next(tmp_path.glob("*.log")).read_text(encoding="utf-8").splitlines()[-1]
    assert " +09:00 | INFO" in line
    stamp = line.split(" | ")[0]
    shown = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f %z")
    assert abs((datetime.now(UTC) - shown).total_seconds()) < 3600
    assert '"hello"' in next(tmp_path.glob("*.jsonl")).read_text(encoding="utf-8")


def test_the_scheduler_holder_in_a_log_line_is_in_the_zone() -> None:
    from agent.runtime.service_status import describe_holder
    from agent.state.models import SchedulerHolder

    started = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    said = describe_holder(SchedulerHolder("kasa-1", 7, "service", started, started, 60.0), "Asia/Tokyo")
    assert said == "on host kasa-1 (pid 7, service) since 2026-12-05 19:00:00 +09:00"
