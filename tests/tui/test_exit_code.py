"""`marketsync tui` exits non-zero when the app ended on an error, 0 after a quit."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import Config, load_config
from agent.runtime.api import RuntimeSnapshot
from agent.runtime.service import Runtime
from tests.runtime.conftest import installation_text
from tui.launch import run_tui


class BrokenRuntime(Runtime):
    """A runtime whose picture cannot be read: a bug the app does not handle."""

    async def snapshot(self) -> RuntimeSnapshot:
        raise RuntimeError("a bug while reading the dashboard's picture")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(installation_text(), encoding="utf-8")
    return load_config(path)


async def test_a_crashed_tui_exits_non_zero(config: Config) -> None:
    runtime = BrokenRuntime(config, role="tui", schedules=False)
    assert await run_tui(config, runtime=runtime, headless=True) == 4
