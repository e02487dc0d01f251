"""Fixtures of the TUI tests: a fake runtime, the real manage layer over a throwaway installation
holding the fake's companies, and the app around both, at a fixed terminal size."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from agent.runtime.manage import Manage
from agent.simulator import RunningSimulator
from tests.tui.demo_world import demo_simulator
from tests.tui.fake_runtime import FakeRuntime, fake_manage
from tui.app import MarketsyncApp

SIZE = (140, 40)


@pytest.fixture(autouse=True)
def settled_warm_up(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """A test's `run_test` block starts once the warm-up built the screens a key opens (keys pressed
    before are held and replayed later, so a test checking the screen right after a key press would
    race it), and ends as the operator's `q` does: after the warm-up let go of the screen it
    composes (`MarketsyncApp.settle_warm_up`; a screen torn down mid-mount fails inside Textual).
    Tests marked `during_warm_up` start at once, to press keys while the warm-up runs."""
    run_test = MarketsyncApp.run_test
    at_once = request.node.get_closest_marker("during_warm_up") is not None

    @asynccontextmanager
    async def settled(app: MarketsyncApp, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with run_test(app, *args, **kwargs) as pilot:
            if not at_once:
                await asyncio.wait_for(app.warmed.wait(), 120)
            yield pilot
            await app.settle_warm_up()

    monkeypatch.setattr(MarketsyncApp, "run_test", settled)


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
