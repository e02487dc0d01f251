"""`status`, `erp` and `disconnect` speak the configured language; `status` shows times with their offset."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.cli import main
from agent.commands.status import service_line
from agent.runtime import events as ev
from agent.state.models import SchedulerHolder
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

ENGLISH_WORDS = (
    *COMMON_ENGLISH,
    "since",
    "utc",
    "products",
    "shared",
    "counter",
    "version",
    "database",
)


def _config(tmp_path: Path, language: str, timezone: str = "Europe/Warsaw") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[agent]
home = "home"
log_dir = "logs"
token_store = "file"
language = "{language}"
timezone = "{timezone}"

[[company]]
name = "Ogrodnik"
database = "ogrodnik.sqlite"
""",
        encoding="utf-8",
    )
    return path


def _holder() -> SchedulerHolder:
    moment = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    return SchedulerHolder("kasa-1", 777, "service", moment, moment, 60.0)


def test_the_service_line_in_english_with_the_offset() -> None:
    now = datetime(2026, 12, 5, 10, 0, 30, tzinfo=UTC)
    said = service_line(_holder(), now, "America/New_York", "en")
    assert said == "Service running on host kasa-1 (pid 777) since 2026-12-05 05:00 -05:00."
    assert service_line(None, now, "Europe/Warsaw", "en") == "No service running: schedules do not fire."


def test_the_service_line_in_polish_with_the_offset() -> None:
    now = datetime(2026, 12, 5, 10, 5, tzinfo=UTC)
    said = service_line(_holder(), now, "Europe/Warsaw", "pl")
    assert said == "Usługa na stanowisku kasa-1 (pid 777) nie odpowiada od 2026-12-05 11:00 +01:00."


def test_status_in_english_has_english_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(_config(tmp_path, "en")), "status"]) == 0
    out = capsys.readouterr().out
    for column in ("Company", "Connection", "Schedule", "Last run", "Result", "Next", "Access token until"):
        assert column in out, out
    assert "Not linked" in out
    assert [c for c in out if c in POLISH_LETTERS] == [], out


def test_erp_seed_and_stats_in_english_and_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, "en")
    assert main(["--config", str(config), "erp", "seed", "--company", "Ogrodnik", "--products", "20"]) == 0
    assert "20 products (" in capsys.readouterr().out
    assert main(["--config", str(config), "erp", "stats", "--company", "Ogrodnik"]) == 0
    english = capsys.readouterr().out
    assert "shared for sale" in english and [c for c in english if c in POLISH_LETTERS] == []
    config = _config(tmp_path, "pl")
    assert main(["--config", str(config), "erp", "stats", "--company", "Ogrodnik"]) == 0
    polish = capsys.readouterr().out
    assert "udostępnione do sprzedaży" in polish
    assert [word for word in ENGLISH_WORDS if word in polish.lower().replace(str(tmp_path).lower(), "")] == []


def test_erp_stats_of_a_missing_database_in_polish_names_the_company(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(_config(tmp_path, "pl")), "erp", "stats", "--company", "Ogrodnik"]) == 1
    said = capsys.readouterr().err
    assert "baza firmy jeszcze nie istnieje" in said
    assert "wskazówka: utwórz ją poleceniem `marketsync erp seed --company Ogrodnik`" in said
    assert "no company database" not in said


def test_erp_touch_out_of_range_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(_config(tmp_path, "pl")), "erp", "touch", "--company", "Ogrodnik", "--percent", "120"]
    assert main(args) == 2
    assert capsys.readouterr().out.strip() == "błąd: --percent musi być liczbą od 0 do 100"


def _events() -> list[ev.Event]:
    at = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    return [
        ev.ServiceStatus("running", "service", "kasa-1", 777, at, at),
        ev.RunStarted("Ogrodnik", 5, "automatic", ("orders", "offers"), "ADMIN", at),
        ev.RunFinished("Ogrodnik", 5, "partial", ev.Totals(ok=3, skipped=1, failed=2), at),
        ev.RunSkipped("Ogrodnik", "lease_held", at),
        ev.ConnectionChanged("Ogrodnik", "connection_error", at),
    ]


def test_the_service_event_lines_in_polish_with_summer_time() -> None:
    from agent.commands.run import describe_event, event_time

    lines = [describe_event(event, None, "pl", "Europe/Warsaw") for event in _events()]
    assert lines[0] == "usługa działa: usługa na stanowisku kasa-1 (pid 777) od 2026-07-01 10:00:00 +02:00"
    assert lines[1] == "Ogrodnik: przebieg 5 rozpoczęty (automatyczny, ADMIN: zamówienia, oferty)"
    assert lines[2] == "Ogrodnik: przebieg 5 częściowo: ok 3, pominięte 1, błędy 2"
    said = "\n".join(lines).lower()
    assert [word for word in ENGLISH_WORDS if word in said] == [], said
    assert event_time(datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "Europe/Warsaw") == "10:00:00 +02:00"


def test_the_service_event_lines_in_english_never_say_utc() -> None:
    from agent.commands.run import describe_event

    lines = [describe_event(event, None, "en", "America/New_York") for event in _events()]
    assert lines[0] == "service running: service on kasa-1 (pid 777) since 2026-07-01 04:00:00 -04:00"
    assert lines[2] == "Ogrodnik: run 5 partial: ok 3, skipped 1, failed 2"
    said = "\n".join(lines)
    assert "UTC" not in said and [c for c in said if c in POLISH_LETTERS] == [], said
