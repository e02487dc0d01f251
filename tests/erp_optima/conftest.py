"""The Optima adapter's tests share one fixture: a fresh Optima-shaped company database (the CDN
schema on SQLite, tests.erp.optima_harness) with the adapter open on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.erp.optima_harness import OptimaHarness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[OptimaHarness]:
    optima = await OptimaHarness.open(tmp_path)
    try:
        yield optima
    finally:
        await optima.optima.close()
