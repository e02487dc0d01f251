"""`marketsync sync` as a person runs it, with no terminal, through the runtime: a held company is
refused in the lease's own words (exit 3, nothing run), and a missing database is named before
anything else (exit 2), even when the account is broken too."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

from agent.config import Config, load_config
from agent.erp.sqlite import SqliteErp
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.state.store import StateDB
from agent.sync.lease import CompanyLease, lease_status, lock_path
from tests.runtime.conftest import NAMES, installation_text


def _installation(tmp_path: Path) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(installation_text(), encoding="utf-8")
    config = load_config(path)
    Paths.from_config(config).ensure()
    registry = ConnectionRegistry(connections_dir(config.agent.home))
    for company in config.companies:
        sqlite3.connect(company.database).close()
    for name in NAMES:
        registry.set_connected(name, f"{name.lower()}@example.pl")
    return config


async def _sync(config: Config, *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agent", "--config", str(config.path), "sync", *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode if proc.returncode is not None else -1, out.decode()


async def test_a_held_company_is_refused_in_the_leases_words_and_nothing_runs(tmp_path: Path) -> None:
    config = _installation(tmp_path)
    alfa = config.company("Alfa")
    lock = lock_path(Paths.from_config(config).locks_dir, "Alfa")
    async with await SqliteErp.open(alfa.database) as erp:
        lease = CompanyLease(erp, lock, kind="automatic", operator="EWA")
        await lease.acquire()
        try:
            held = (await lease_status(erp, lock)).describe("pl", config.agent.timezone)
            code, out = await _sync(config, "Alfa", "--orders")
        finally:
            await lease.release()
    assert code == 3, out
    assert f"Tę firmę zajmuje inny przebieg: {held}." in out and "EWA" in held, out
    assert "Odmowa" in out and "Traceback" not in out, out
    async with StateDB.for_config(config) as state:
        assert await state.list_runs("Alfa", limit=5) == []


async def test_a_missing_database_is_named_before_a_broken_account(tmp_path: Path) -> None:
    config = _installation(tmp_path)
    alfa = config.company("Alfa")
    alfa.database.unlink()
    ConnectionRegistry(connections_dir(config.agent.home)).set_error("Alfa", "the token was revoked")
    code, out = await _sync(config, "Alfa", "--orders")
    assert code == 2, out
    assert alfa.database.name in out and "Traceback" not in out, out
    assert not alfa.database.exists()


async def test_an_account_that_cannot_be_used_fails_before_anything_is_sent(tmp_path: Path) -> None:
    """Exit 4 ("failed"), as when a run finds it, with what to do; the runtime refuses it before a run starts."""
    config = _installation(tmp_path)
    ConnectionRegistry(connections_dir(config.agent.home)).forget("Alfa")
    code, out = await _sync(config, "Alfa", "--orders")
    assert code == 4, out
    assert "marketsync connect Alfa" in out and "Traceback" not in out, out
    async with StateDB.for_config(config) as state:
        assert await state.list_runs("Alfa", limit=5) == []
