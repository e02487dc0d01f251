"""`runs show` speaks one language: all Polish with language "pl", all English with "en"."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType

import pytest

from agent.commands.runs import describe_run
from agent.state.models import ItemOutcome, JobTotals, Run, RunOptions
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

ENGLISH_WORDS = (
    *COMMON_ENGLISH,
    "usage",
    "options",
    "started",
    "took",
    "skipped",
    "nothing",
    " by ",
    " on ",
)


def _run() -> Run:
    return Run(
        id=7,
        company="Hurtownia",
        trigger="manual",
        operator="anna",
        options=RunOptions(jobs=("offers",)),
        host="kasa1",
        pid=42,
        started=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        finished=datetime(2026, 12, 5, 10, 1, tzinfo=UTC),
        result="partial",
        totals=MappingProxyType({"offers": JobTotals(ok=3, skipped=1, failed=2)}),
    )


OUTCOMES = (
    ItemOutcome("offers", "offer:1", "failed", "Boom"),
    ItemOutcome("offers", "offer:2", "skipped"),
    ItemOutcome("offers", "offer:3", "failed", "RetryLater"),
)


def test_runs_show_in_polish_has_no_english_words() -> None:
    shown = describe_run(_run(), OUTCOMES, "Europe/Warsaw", "pl", everything=False).lower()
    # the job's own name ("offers") and item keys are data, not words: drop them before looking
    words = shown.replace("offers ", "").replace("offer:", "")
    found = [word for word in ENGLISH_WORDS if word in words]
    assert found == [], shown
    assert "ręczny" in shown


def test_runs_show_in_english_has_no_polish_letters() -> None:
    shown = describe_run(_run(), OUTCOMES, "Europe/Warsaw", "en", everything=False)
    assert [c for c in shown if c in POLISH_LETTERS] == [], shown
    assert "manual" in shown


@pytest.mark.parametrize("language", ["pl", "en"])
def test_every_failure_gets_a_hint_in_the_language(language: str) -> None:
    shown = describe_run(_run(), OUTCOMES, "Europe/Warsaw", language, everything=False)
    hints = [line for line in shown.splitlines() if line.strip().startswith("->")]
    assert len(hints) == 3
    if language == "pl":
        assert all("nothing" not in h and "check" not in h for h in hints)
