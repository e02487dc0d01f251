"""Part 2 of the reliability suite, first cut: every job meets each kind of network fault from the
simulator's switchboard (`/_sim/faults`), then the faults stop, and after a quiet run nothing is
doubled or lost and both sides agree (`checks.broken_promises`).

The faults hit every /api route at random (seeded) for a bounded number of requests, so each run
meets them in a different job. The matrix job by job on each job's routes, with the deadline,
Retry-After and effect-count promises, is in test_network_matrix.py; revocation in
test_network_revoke.py; the token endpoint in test_network_token.py.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from agent.domain import JOB_ORDER
from tests.reliability.checks import broken_promises
from tests.reliability.processes import Shop
from tests.sync.conftest import SyncWorld

ALL_JOBS = JOB_ORDER

FAULTS: list[dict[str, Any]] = [
    {"route": "*", "kind": "latency", "seconds": 0.2, "probability": 0.3, "count": 10},
    {"route": "*", "kind": "status", "status": 503, "probability": 0.3, "count": 10},
    {"route": "*", "kind": "status", "status": 429, "probability": 0.2, "count": 3},
    {"route": "*", "kind": "reset", "probability": 0.3, "count": 10},
    {"route": "*", "kind": "cut", "probability": 0.3, "count": 10},
    {"route": "*", "kind": "malformed", "probability": 0.2, "count": 6},
    {"route": "*", "kind": "drip", "seconds": 0.5, "probability": 0.2, "count": 4},
    {"route": "*", "kind": "lost", "probability": 0.3, "count": 10},
    {"route": "POST /me/update-offers", "kind": "partial", "probability": 1.0, "count": 4},
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f['kind']}-{f.get('status', '')}".rstrip("-"))
async def test_every_job_converges_after_network_faults(sync_world: SyncWorld, fault: dict[str, Any]) -> None:
    world = sync_world
    shop = Shop(world, random.Random(5))
    await world.run(*ALL_JOBS)  # a clean export first, so every job has offers to work on
    await shop.day(orders=8)

    added = await world.control("POST", "/faults", json=fault)
    faulty = await world.run(*ALL_JOBS)
    left = await world.control("GET", "/faults")
    await world.control("DELETE", "/faults")
    assert faulty.result in ("success", "partial", "failed")
    fired = added.get("count", 0) - next((f.get("count", 0) for f in left if f["id"] == added["id"]), 0)
    assert fired > 0, "the fault never met the run: the test tested nothing"

    # The faults stopped: one quiet run, and a second to send what the first one's orders changed.
    await world.run(*ALL_JOBS)
    quiet = await world.run(*ALL_JOBS)
    assert quiet.result == "success", quiet.error_summary
    assert await broken_promises(world) == []
