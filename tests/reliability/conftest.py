"""Fixtures of the reliability suite: the sync tests' real world (simulator on loopback, seeded
company database, linked account, config file a subprocess can use), and the long/quick switch.

The long part is marked `long` and runs with `make reliability` (`pytest -m long`); `make test`
leaves it out (pyproject's addopts say `-m "not long"`) and runs the quick part.
"""

from __future__ import annotations

from tests.sync.conftest import (  # noqa: F401 (fixtures, registered by being imported here)
    company_erp,
    counting,
    market,
    sim,
    state_db,
    sync_config,
    sync_world,
)
