"""The demo's own world for TUI tests over the real runtime: the simulator on loopback, the demo's
config and companies (seeded, linked, catalogue fetched), and the app around a started runtime."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from agent.commands.demo_home import populate, prepare_files
from agent.config import Config
from agent.runtime.manage import Manage
from agent.runtime.service import Runtime
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tui.app import MarketsyncApp
from tui.i18n import Language

PRODUCTS = 15


def demo_simulator() -> Iterator[RunningSimulator]:
    """The simulator as the demo runs it (auto-consent, no rate limit), in a thread (a fixture in conftest)."""
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        yield sim


async def demo_config(folder: Path, simulator: RunningSimulator, products: int = PRODUCTS) -> Config:
    """The demo's config in `folder`, its companies seeded with `products` and linked."""
    config = prepare_files(folder, simulator.base_url)
    await populate(config, products=products, say=lambda line: None)
    return config


@contextlib.asynccontextmanager
async def demo_app(config: Config, language: Language) -> AsyncIterator[MarketsyncApp]:
    """The app over a started runtime (no schedules) with its manage layer; the runtime stops after."""
    runtime = Runtime(config, role="tui", schedules=False, stop_grace=2.0)
    await runtime.start()
    try:
        yield MarketsyncApp(runtime, language=language, timezone=config.agent.timezone, log_level=None,
                            manage=Manage.of_runtime(runtime))
    finally:
        await runtime.stop()
