"""Who a run records as its operator: the company's configured one unless the caller names another."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agent.config import load_config
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.runtime.service import Runtime
from agent.state.models import RunOptions
from tests.runtime.conftest import FakeExecutor, eventually, installation_text


async def test_a_manual_run_records_the_companys_configured_operator(tmp_path: Path) -> None:
    """A manual run asked without an operator (the TUI's) records `[company.schedule] operator`,
    as an automatic one does, not whoever is logged in to the OS."""
    path = tmp_path / "config.toml"
    path.write_text(installation_text(operator="EWA"), encoding="utf-8")
    config = load_config(path)
    Paths.from_config(config).ensure()
    for company in config.companies:
        sqlite3.connect(company.database).close()
        ConnectionRegistry(connections_dir(config.agent.home)).set_connected(company.name, "a@example.pl")
    executor = FakeExecutor(open_all=True)
    runtime = Runtime(config, role="tui", executor=executor, poll_interval=0.02)
    await runtime.start()
    try:
        executor.state = runtime.state
        await runtime.request_run("Alfa", RunOptions(("orders",)))
        await eventually(lambda: len(executor.calls) == 1)
        assert executor.calls[0].operator == "EWA"
        await runtime.request_run("Beta", RunOptions(("orders",)), operator="JAN")
        await eventually(lambda: len(executor.calls) == 2)
        assert executor.calls[1].operator == "JAN"
    finally:
        await runtime.stop()
