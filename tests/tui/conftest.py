"""Fixtures of the TUI tests: a fake runtime, the real manage layer over a throwaway installation
holding the fake's companies, and the app around both, at a fixed terminal size."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from agent.runtime.manage import Manage
from agent.simulator import RunningSimulator
from tests.tui.demo_world import demo_simulator
from tests.tui.fake_runtime import FakeRuntime, fake_manage
from tui.app import MarketsyncApp

SIZE = (140, 40)


@pytest.fixture
def fake() -> FakeRuntime:
    return FakeRuntime()


@pytest.fixture
async def manage(fake: FakeRuntime, tmp_path: Path) -> AsyncIterator[Manage]:
    async with fake_manage(fake, tmp_path / "install") as made:
        yield made


@pytest.fixture
def app(fake: FakeRuntime, manage: Manage) -> MarketsyncApp:
    return MarketsyncApp(fake, language="pl", timezone="Europe/Warsaw", log_level=None, manage=manage)


@pytest.fixture
def simulator() -> Iterator[RunningSimulator]:
    """The simulator as the demo runs it, on loopback (tests.tui.demo_world)."""
    yield from demo_simulator()
