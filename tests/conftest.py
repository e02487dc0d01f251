"""Shared fixtures: every test gets its own agent home, so nothing touches the user's real one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    base = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(base / var.lower()))
    monkeypatch.delenv("MARKETSYNC_HOME", raising=False)
    monkeypatch.delenv("MARKETSYNC_CONFIG", raising=False)
    yield


@pytest.fixture
def project_root() -> Path:
    return Path(__file__).resolve().parent.parent
