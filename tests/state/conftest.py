"""Fixtures of the state database tests: a fake clock and an open StateDB on a real file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.state import StateDB


class FakeClock:
    """A wall clock that moves only when told to."""

    def __init__(self, start: datetime = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "home" / "state.sqlite"


@pytest.fixture
async def state(db_path: Path, clock: FakeClock) -> AsyncIterator[StateDB]:
    async with StateDB(db_path, clock=clock) as opened:
        yield opened
