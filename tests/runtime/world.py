"""A real installation for runtime tests: the simulator on loopback, N seeded companies with linked
accounts, a config file with their schedules that a subprocess (`python -m agent run`) can use too."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from agent.config import Config, load_config
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.marketplace.accounts import link_company
from agent.paths import Paths
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread


@dataclass
class RuntimeWorld:
    sim: RunningSimulator
    config_path: Path
    names: list[str]

    @property
    def config(self) -> Config:
        return load_config(self.config_path)


def company_names(count: int) -> list[str]:
    return [f"Firma{i:03d}" for i in range(count)]


def config_text(
    base_url: str,
    names: list[str],
    *,
    schedule: str = 'enabled = true\nfrom_hour = 0\nto_hour = 24\nevery_minutes = 1\njobs = ["orders", "offers"]',
    max_parallel: int = 8,
) -> str:
    parts = [
        f"""
[agent]
home = "home"
log_dir = "logs"
token_store = "file"
timezone = "Europe/Warsaw"
max_parallel_runs = {max_parallel}

[marketplace]
base_url = "{base_url}"
requests_per_minute = 100000
"""
    ]
    for name in names:
        parts.append(
            f"""
[[company]]
name = "{name}"
database = "{name.lower()}.sqlite"

[company.schedule]
{schedule}
"""
        )
    return "".join(parts)


async def build_companies(config_path: Path, names: list[str], *, products: int) -> None:
    """Create, seed and link every company of the config (in parallel: they are independent)."""
    config = load_config(config_path)
    Paths.from_config(config).ensure()

    async def one(index: int, name: str) -> None:
        database = config.company(name).database
        await (await SqliteErp.open(database)).close()
        await asyncio.to_thread(seed_company, database, products=products, seed=index + 1)
        await link_company(config, name, show=lambda registration: None, sleep=lambda s: asyncio.sleep(0.01))

    await asyncio.gather(*(one(i, name) for i, name in enumerate(names)))


@contextmanager
def simulator() -> Iterator[RunningSimulator]:
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        yield sim


async def make_world(
    tmp_path: Path, sim: RunningSimulator, count: int, *, products: int = 20, **kwargs: object
) -> RuntimeWorld:
    names = company_names(count)
    path = tmp_path / "config.toml"
    path.write_text(config_text(sim.base_url, names, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    await build_companies(path, names, products=products)
    return RuntimeWorld(sim, path, names)
