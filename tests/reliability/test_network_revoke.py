"""Part 2 of the reliability suite, revocation: the account's connection is revoked in the middle of
a run (the simulator's `revoke` fault on one job's route: the token 401s, its refresh
`invalid_grant`).

The run must end failed with the company in "Błąd połączenia", nothing doubled; until the account
is linked again no request leaves at all; after linking the same account again two quiet runs
converge. The simulator here does not consent by itself, so linking again can pick the account.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from agent.config import Config, load_config
from agent.domain import JOB_ORDER, JobName
from agent.erp.touch import touch_company
from agent.marketplace.accounts import link_company
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.marketplace.models import DeviceRegistration
from agent.paths import Paths
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.reliability import wire
from tests.reliability.checks import broken_promises, doubled
from tests.reliability.network_checks import effects_problems
from tests.reliability.processes import Shop
from tests.reliability.test_network_matrix import MAIN_ROUTE
from tests.reliability.wire import RELAXED, TIGHT, NetWorld
from tests.sync.conftest import COMPANY, write_config

net_world = wire.net_world
"""The fixture, registered in this module by being named here."""

REVOKE_ROUTE: dict[JobName, str] = {**MAIN_ROUTE, "orders": "GET /me/sales", "offers": "PUT /me/offers/{id}"}
"""Where the revocation lands: each job's main route (orders: its first call, so orders are left new;
offers: the forced full run replaces every offer)."""


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    """The sync tests' simulator, but consent is given by the test (so relinking keeps the account)."""
    settings = SimulatorSettings(port=0, auto_consent=False, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as running:
        yield running


async def link(config: Config, sim: RunningSimulator, account: int | None) -> None:
    """Link the company through the device flow, consenting for `account` (None: a new one)."""

    async def consent(registration: DeviceRegistration) -> None:
        async with httpx2.AsyncClient(base_url=sim.root_url) as http:
            body = {"deviceCode": registration.device_code, "account": account, "allow": True}
            (await http.post("/_sim/consent", json=body)).raise_for_status()

    await link_company(config, COMPANY, show=consent, sleep=lambda s: asyncio.sleep(0.01))


@pytest.fixture
async def sync_config(tmp_path: Path, sim: RunningSimulator) -> Config:
    config = load_config(write_config(tmp_path, sim.base_url))
    Paths.from_config(config).ensure()
    await link(config, sim, None)
    return config


async def revoke_mid_run(net: NetWorld, job: JobName, probability: float) -> str:
    """The scenario; its figures in one line."""
    world = net.world
    await world.run(*JOB_ORDER)
    await Shop(world, random.Random(3)).day(orders=8)
    database = world.config.company(COMPANY).database
    await asyncio.to_thread(touch_company, database, percent=50, what="all", seed=3)  # every job has work
    net.effects_at_start = await world.effects()
    spec = {"route": REVOKE_ROUTE[job], "kind": "revoke", "probability": probability, "count": 1}
    await world.control("POST", "/faults", json=spec)
    net.next_run(TIGHT)
    # A forced full offers job would send every price and stock itself: only the offers case forces it.
    # Stock shares the prices' route and comes first: the prices case leaves it out.
    jobs = [j for j in JOB_ORDER if not (job == "prices" and j == "stock")]
    faulty = await world.run(*jobs, force_full=job == "offers")
    assert await world.control("GET", "/faults") == [], "the revocation never came"
    done = [o.item for o in await world.state.outcomes(faulty.id) if o.outcome == "ok"]

    assert faulty.result == "failed"
    assert "invalid_grant" in faulty.error_summary
    registry = ConnectionRegistry(connections_dir(Paths.from_config(world.config).home))
    assert registry.get(COMPANY).label == "Błąd połączenia"
    assert (await world.state.connection(COMPANY)).state == "connection_error"
    assert await doubled(world) == []

    net.next_run(RELAXED)
    refused = await world.run(*JOB_ORDER)
    sent = [e for e in net.wire.exchanges if e.run == net.wire.run]
    assert refused.result == "failed" and sent == [], "a request left for an account that must be linked again"

    await link(world.config, world.sim, world.account_id)
    assert registry.get(COMPANY).label == "Połączono"
    for _ in range(2):
        net.next_run(RELAXED)
        quiet = await world.run(*JOB_ORDER)
    assert quiet.result == "success", quiet.error_summary
    assert await broken_promises(world) == []
    assert await effects_problems(net) == []
    line = (
        f"revoked during {job}: faulty run {faulty.result} after {len(done)} items done "
        f"({faulty.error_summary[:80]}); requests before linking again {len(sent)}; "
        f"after linking the same account: {quiet.result}, 0 broken promises, 0 doubled effects"
    )
    print(f"\n{line}")
    return line


async def test_a_revocation_mid_run_stops_the_run_and_linking_again_converges(net_world: NetWorld) -> None:
    await revoke_mid_run(net_world, "offers", probability=0.3)


@pytest.mark.long
@pytest.mark.parametrize("job", JOB_ORDER)
async def test_a_revocation_during_each_job(net_world: NetWorld, job: JobName) -> None:
    await revoke_mid_run(net_world, job, probability=0.3 if job == "offers" else 1.0)
