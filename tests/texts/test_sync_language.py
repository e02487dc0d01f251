"""The lease line and `marketsync sync`'s console lines speak one language, their times in the zone."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from agent.commands.sync import ConsoleObserver, _decide
from agent.erp.port import LeaseHolder
from agent.state.models import ItemOutcome, Run, RunOptions
from agent.sync.lease import LeaseStatus
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

ENGLISH_WORDS = (
    *COMMON_ENGLISH,
    "since",
    "utc",
    "running",
    "refused",
    "heartbeat",
)


def _status(state: str = "running") -> LeaseStatus:
    holder = LeaseHolder(
        host="kasa1",
        pid=42,
        kind="manual",
        operator="ANNA",
        started_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        heartbeat_at=datetime(2026, 12, 5, 10, 5, 30, tzinfo=UTC),
    )
    return LeaseStatus(state, holder, 3)  # type: ignore[arg-type]  # the states are checked by the literal


def _english(shown: str) -> list[str]:
    return [word for word in ENGLISH_WORDS if word in shown.lower()]


@pytest.mark.parametrize("state", ["running", "interrupted"])
def test_the_lease_in_polish_names_the_time_in_warsaw_with_its_offset(state: str) -> None:
    shown = _status(state).describe("pl", "Europe/Warsaw")
    assert _english(shown) == [], shown
    assert "2026-12-05 11:00:00 +01:00" in shown and "11:05:30" in shown
    assert "ANNA" in shown and "kasa1" in shown and "ręczny" in shown


def test_the_lease_in_english_in_another_zone() -> None:
    shown = _status().describe("en", "America/New_York")
    assert [c for c in shown if c in POLISH_LETTERS] == [], shown
    assert "2026-12-05 05:00:00 -05:00" in shown and "05:05:30" in shown and "UTC" not in shown
    assert shown.startswith("a manual run by ANNA on kasa1")


def test_a_free_lease_is_one_word_in_each_language() -> None:
    assert LeaseStatus("free", None, 0).describe("pl", "Europe/Warsaw") == "wolna"
    assert LeaseStatus("free", None, 0).describe("en", "Europe/Warsaw") == "free"


def _args(wait: bool = False) -> argparse.Namespace:
    return argparse.Namespace(wait=wait)


@pytest.mark.parametrize("state", ["running", "interrupted"])
def test_a_refusal_without_a_terminal_is_all_polish(state: str, capsys: pytest.CaptureFixture[str]) -> None:
    who = _status(state).describe("pl", "Europe/Warsaw")
    assert _decide(state, who, _args(), "pl", interactive=False, take_over=False, resume=False) == "refuse"
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert _english(said.replace("--yes", "").replace("--wait", "").replace("--force", "")) == [], said
    assert "Odmowa" in captured.err


def test_a_refusal_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    who = _status().describe("en", "Europe/Warsaw")
    assert _decide("running", who, _args(), "en", interactive=False, take_over=False, resume=False) == "refuse"
    captured = capsys.readouterr()
    assert "Another run holds this company: a manual run by ANNA" in captured.out
    assert "Refused: pass --wait" in captured.err
    assert [c for c in captured.out + captured.err if c in POLISH_LETTERS] == []


def _run() -> Run:
    return Run(
        id=7,
        company="Hurtownia",
        trigger="manual",
        operator="anna",
        options=RunOptions(jobs=("orders", "offers")),
        host="kasa1",
        pid=42,
        started=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        finished=None,
        result="running",
    )


def test_the_console_observer_names_the_jobs_in_polish(capsys: pytest.CaptureFixture[str]) -> None:
    observer = ConsoleObserver("pl")
    observer.run_started(_run())
    observer.job_progress(_run(), "offers", 3, 3)
    observer.item_failed(_run(), ItemOutcome("orders", "order:9", "failed", message="brak towaru"))
    said = capsys.readouterr().out
    assert said.splitlines()[0] == "Przebieg 7 firmy Hurtownia: zamówienia, oferty"
    assert "  oferty: 3/3" in said and "  ! zamówienia order:9: brak towaru" in said
    assert _english(said) == [], said


def test_the_console_observer_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    ConsoleObserver("en").run_started(_run())
    assert capsys.readouterr().out == "Run 7 of Hurtownia: orders, offers\n"
