"""Secrets: connect, sync, refresh across expiry (in this process and in a `marketsync --verbose`
process), and a refused refresh, with every logger at DEBUG; then no token, device code or token
URL anywhere: log lines, console output, log files, exception texts, the state database (run
records, outcomes); and every token file is mode 0600.

The sinks of this process are raw (no redacting patcher): what they catch, the code logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import stat
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from loguru import logger

from agent.config import load_config
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.marketplace.accounts import AccountPlaces, build_client, link_company
from agent.marketplace.models import DeviceRegistration
from agent.paths import Paths
from agent.simulator import RunningSimulator
from agent.state.store import StateDB
from tests.sync.conftest import COMPANY, CountingTransport, SyncWorld, write_config
from tests.sync.world import publish

# A token URL carries its secret in the query: any of these followed by a value that is not masked.
TOKEN_URL = re.compile(r"(deviceCode|refreshToken|code|access_token|refresh_token)=(?!\*)[^&\s\"']{6,}")


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture
def every_line() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(
        lambda m: lines.append(str(m)), level="DEBUG", format="{level} {name} {message} {extra}\n{exception}"
    )
    handler = _Collect(lines)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)
    logger.remove(sink)


def _tokens(world: SyncWorld) -> set[str]:
    folder = Paths.from_config(world.config).tokens_dir
    found: set[str] = set()
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found |= {data["accessToken"], data["refreshToken"]}
    return found


async def _verbose_sync(world: SyncWorld) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agent", "--verbose", "--config", str(world.config.path), "sync", COMPANY, "--yes",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    out, _ = await proc.communicate()
    return out.decode(errors="replace")


@pytest.fixture
async def world(every_line: list[str], sim: RunningSimulator, tmp_path: Path) -> AsyncIterator[SyncWorld]:
    """The sync tests' world, but linked under this test's sinks, keeping the registration."""
    config = load_config(write_config(tmp_path, sim.base_url))
    Paths.from_config(config).ensure()
    session = await link_company(config, COMPANY, show=REGISTRATIONS.append, sleep=lambda s: asyncio.sleep(0.01))
    database = config.company(COMPANY).database
    await (await SqliteErp.open(database)).close()
    await asyncio.to_thread(seed_company, database, products=20, seed=4)
    erp = await SqliteErp.open(database)
    counting = CountingTransport()
    places = AccountPlaces.from_config(config)
    market = build_client(
        COMPANY, base_url=config.marketplace.base_url, requests_per_minute=0, places=places, transport=counting
    )
    async with StateDB.for_config(config) as state, market:
        built = SyncWorld(sim, config, erp, state, market, counting)
        accounts = await built.control("GET", "/accounts")
        built.account_id = next(a["id"] for a in accounts if a["email"] == session.user_name)
        yield built
    await erp.close()


REGISTRATIONS: list[DeviceRegistration] = []


async def test_no_secret_reaches_logs_outputs_errors_or_run_records(every_line: list[str], world: SyncWorld) -> None:
    secrets = _tokens(world)
    registration = REGISTRATIONS.pop()
    secrets |= {registration.device_code, registration.verification_uri, registration.verification_uri_pretty}

    account = {"account": world.account_id}
    await world.run("catalogue")
    await publish(world, list((await world.erp.shared_product_ids())[:3]))
    await world.control("POST", "/orders", params={**account, "count": 5})
    outputs: list[str] = []
    for _ in range(2):
        await world.control("POST", "/expire-tokens", params=account)
        await world.run("orders", "offers", "stock", "prices")
        secrets |= _tokens(world)
        await world.control("POST", "/expire-tokens", params=account)
        outputs.append(await _verbose_sync(world))
        secrets |= _tokens(world)

    # A refresh token the marketplace refuses: the run fails, its record and errors say so, but not what it was.
    token_file = next(Paths.from_config(world.config).tokens_dir.glob("*.json"))
    data = json.loads(token_file.read_text(encoding="utf-8"))
    data["refreshToken"] = "R3FRESH-REFUSED-0123456789abcdef"
    token_file.write_text(json.dumps(data), encoding="utf-8")
    secrets.add(data["refreshToken"])
    await world.control("POST", "/expire-tokens", params=account)
    outputs.append(await _verbose_sync(world))
    errors: list[str] = []
    try:
        failed = await world.run("orders")
        errors.append(failed.error_summary or "")
    except Exception as exc:  # the text of whatever escapes is checked like the rest
        errors.append(f"{exc!r} {exc}")
    assert any("connect" in text.lower() or "link" in text.lower() for text in errors + outputs[-1:]), (
        errors,
        outputs[-1],
    )

    runs = await world.state.list_runs(limit=100)
    assert len(runs) >= 5
    records = [f"{r.error_summary} {r.result}" for r in runs]
    for run in runs:
        records += [f"{o.message} {o.hint} {o.payload}" for o in await world.state.outcomes(run.id)]
    paths = Paths.from_config(world.config)
    files = {
        str(p): p.read_bytes().decode("utf-8", errors="replace")
        for folder in (world.config.agent.log_dir, paths.home)
        for p in folder.rglob("*")
        if p.is_file() and p.parent != paths.tokens_dir and not p.name.endswith(".lock")
    }
    places = {"log lines": "\n".join(every_line), "outputs": "\n".join(outputs), "errors": "\n".join(errors)}
    places |= {"run records": "\n".join(records)} | files
    assert len(secrets) >= 8 and all(len(s) >= 8 for s in secrets)
    leaks = [f"{where}: {secret[:6]}..." for where, text in places.items() for secret in secrets if secret in text]
    leaks += [f"{where}: {m.group(0)[:20]}..." for where, text in places.items() for m in TOKEN_URL.finditer(text)]
    assert leaks == []
    assert any("state.sqlite" in name for name in files) and any(name.endswith(".log") for name in files)

    for token_path in paths.tokens_dir.rglob("*"):
        if token_path.is_file():
            assert stat.S_IMODE(token_path.stat().st_mode) == 0o600, token_path
    print(
        f"secrets: {len(secrets)} secrets, {len(every_line)} log lines, {len(files)} files, "
        f"{len(records)} run records searched: 0 found; token files 0600"
    )


def test_the_secret_pattern_finds_a_token_url() -> None:
    assert TOKEN_URL.search("GET http://127.0.0.1/api/integration/token?refreshToken=abcdef123456")
    assert not TOKEN_URL.search("GET http://127.0.0.1/api/integration/token?refreshToken=***")
