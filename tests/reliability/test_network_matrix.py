"""Part 2 of the reliability suite: the simulator's fault matrix, job by job, on each job's own routes.

For each job and each kind of fault: a clean export and a shop's day (orders, cancellations,
edits) first; then the fault is switched on for every route the job uses (route templates of the
contract) and the job runs alone with short deadlines; then the faults stop, two quiet runs of
every job follow, and

- nothing is doubled or lost and both sides agree (`checks.broken_promises`),
- every marketplace call ended within its deadline + 10 % (`wire.TimedEngine`),
- no request left before the Retry-After of a 429 had elapsed (`wire.WireLog`),
- no write took effect twice: the simulator's effect counts against the distinct writes sent, and
  every offer on the marketplace is one the agent knows, once (`network_checks.effects_problems`).

The quick part (`make test`) arms the nastiest kinds together on one route per job; the whole
matrix is marked `long` (`make reliability`). Revocation is in test_network_revoke.py.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.domain import JOB_ORDER, JobName
from agent.erp.touch import touch_company
from tests.reliability import wire
from tests.reliability.checks import broken_promises
from tests.reliability.network_checks import Figures, effects_problems, effects_since, figures_of
from tests.reliability.processes import Shop
from tests.reliability.wire import RELAXED, TIGHT, NetWorld
from tests.sync.conftest import COMPANY

net_world = wire.net_world
"""The fixture, registered in this module by being named here."""

JOB_ROUTES: dict[JobName, tuple[str, ...]] = {
    "catalogue": (
        "GET /categories",
        "GET /shipping/methods",
        "GET /me/shipping/tariffs",
        "GET /me/returnPolicies",
        "GET /me/complaintPolicies",
        "GET /me/guarantees",
        "GET /payment/paymentMethods",
    ),
    "orders": (
        "GET /me/sales",
        "GET /me/sales/{id}",
        "POST /me/sales/retrieve-statuses",
        "PUT /me/sales/updateStatus",
        "GET /payment/paymentMethods",
    ),
    "offers": ("POST /me/files", "POST /me/offers", "PUT /me/offers/{id}", "GET /me/offers", "GET /me/offers/{id}"),
    "stock": ("POST /me/update-offers",),
    "prices": ("POST /me/update-offers",),
}
"""The routes each job calls (agent/sync/jobs/* through agent/marketplace/client.py)."""

MAIN_ROUTE: dict[JobName, str] = {
    "catalogue": "GET /categories",
    "orders": "PUT /me/sales/updateStatus",
    "offers": "POST /me/offers",
    "stock": "POST /me/update-offers",
    "prices": "POST /me/update-offers",
}
"""The quick part's one route per job: its write where it has one."""

SLOW = TIGHT.attempt_timeout + 1.0
"""A latency or drip longer than one attempt may take."""

KINDS: dict[str, dict[str, Any]] = {
    "latency": {"kind": "latency", "seconds": 0.3, "probability": 0.5, "count": 6},
    "latency-past-deadline": {"kind": "latency", "seconds": SLOW, "probability": 0.5, "count": 2},
    "500": {"kind": "status", "status": 500, "probability": 0.5, "count": 3},
    "503": {"kind": "status", "status": 503, "probability": 0.5, "count": 3},
    "429": {"kind": "status", "status": 429, "retryAfter": 2, "probability": 0.5, "count": 2},
    "reset": {"kind": "reset", "probability": 0.5, "count": 3},
    "cut": {"kind": "cut", "probability": 0.5, "count": 3},
    "malformed": {"kind": "malformed", "probability": 0.5, "count": 2},
    "drip": {"kind": "drip", "seconds": 0.5, "probability": 0.5, "count": 2},
    "drip-past-deadline": {"kind": "drip", "seconds": SLOW + 1.0, "probability": 0.5, "count": 1},
    "lost": {"kind": "lost", "probability": 0.5, "count": 3},
    "partial": {"kind": "partial", "probability": 1.0, "count": 3},
}
NASTIEST = ("lost", "429", "drip-past-deadline", "cut")


@dataclass(frozen=True, slots=True)
class Case:
    job: JobName
    kinds: tuple[str, ...]
    routes: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.job}-{'+'.join(self.kinds)}"


def _long_cases() -> list[Case]:
    cases = []
    for job in JOB_ORDER:
        for kind in KINDS:
            if kind == "partial" and job not in ("stock", "prices"):
                continue  # partial answers exist on update-offers only
            cases.append(Case(job, (kind,), JOB_ROUTES[job]))
    return cases


QUICK = [Case(job, NASTIEST, (MAIN_ROUTE[job],)) for job in JOB_ORDER]
LONG = _long_cases()


def _share(database: Path, ids: list[int] | None, shared: bool) -> list[int]:
    """Put these products on sale or take them off it (None: every third one on sale); their ids."""
    conn = sqlite3.connect(database, timeout=30)
    try:
        if ids is None:
            rows = conn.execute("SELECT id FROM products WHERE shared_for_sale = 1 AND is_service = 0 ORDER BY id")
            ids = [row[0] for row in rows][::3]
        with conn:
            conn.executemany("UPDATE products SET shared_for_sale = ? WHERE id = ?", [(int(shared), i) for i in ids])
        return ids
    finally:
        conn.close()


async def run_case(net: NetWorld, case: Case, seed: int) -> Figures:
    """The scenario of one case; its figures, after asserting every promise."""
    world = net.world
    shop = Shop(world, random.Random(seed))
    database = world.config.company(COMPANY).database
    held = await asyncio.to_thread(_share, database, None, False) if case.job == "offers" else []
    await world.run(*JOB_ORDER)  # a clean export, so every job has offers to work on
    await shop.day(orders=8)
    await asyncio.to_thread(_share, database, held, True)  # offers to create in the faulty run
    if case.job in ("stock", "prices"):  # many values to send: a call per value, so faults meet them
        await asyncio.to_thread(touch_company, database, percent=50, what=case.job, seed=seed)
    net.effects_at_start = await world.effects()
    posted = []
    for spec_name in case.kinds:
        spec = KINDS[spec_name]
        routes = ["POST /me/update-offers"] if spec["kind"] == "partial" else case.routes
        posted += [await world.control("POST", "/faults", json={**spec, "route": r}) for r in routes]
    net.next_run(TIGHT)
    faulty = await world.run(case.job, force_full=True)
    left = {f["id"]: f["count"] for f in await world.control("GET", "/faults")}
    await world.control("DELETE", "/faults")
    fired = sum(p["count"] - left.get(p["id"], 0) for p in posted)
    assert fired > 0, "the fault never met the run: the case tested nothing"

    net.next_run(RELAXED)
    await world.run(*JOB_ORDER)
    net.next_run(RELAXED)
    quiet = await world.run(*JOB_ORDER)
    assert quiet.result == "success", quiet.error_summary
    assert await broken_promises(world) == []
    assert await effects_problems(net) == []
    figures = figures_of(net, faulty_run=1, fired=fired, faulty=faulty.result, effects=await effects_since(net))
    print(f"\n{case.name}: {figures.line()}")
    assert figures.early == [], figures.early
    assert figures.worst_ratio <= 1.1, figures.worst
    return figures


@pytest.mark.parametrize("case", QUICK, ids=lambda c: c.name)
async def test_each_job_meets_the_nastiest_faults_on_its_main_route(net_world: NetWorld, case: Case) -> None:
    await run_case(net_world, case, seed=11)


@pytest.mark.long
@pytest.mark.parametrize("case", LONG, ids=lambda c: c.name)
async def test_the_whole_fault_matrix_job_by_job(net_world: NetWorld, case: Case) -> None:
    await run_case(net_world, case, seed=23)
