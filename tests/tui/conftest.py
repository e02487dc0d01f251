"""Fixtures of the TUI tests: a fake runtime and the app around it, at a fixed terminal size."""

from __future__ import annotations

import pytest

from tests.tui.fake_runtime import FakeRuntime
from tui.app import MarketsyncApp

SIZE = (140, 40)


@pytest.fixture
def fake() -> FakeRuntime:
    return FakeRuntime()


@pytest.fixture
def app(fake: FakeRuntime) -> MarketsyncApp:
    return MarketsyncApp(fake, language="pl", timezone="Europe/Warsaw", log_level=None)
