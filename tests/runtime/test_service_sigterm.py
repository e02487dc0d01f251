"""SIGTERM while ten companies sync against the simulator: the service exits within 10 s, leaves
no lease held, no run recorded as running, and no partial document in any ERP."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx2

from agent.erp.sqlite import SqliteErp
from agent.paths import Paths
from agent.state.models import ScheduleState
from agent.state.store import StateDB
from agent.sync.lease import lease_status, lock_path
from tests.runtime.world import make_world, simulator

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE = 'enabled = true\nfrom_hour = 0\nto_hour = 24\nevery_minutes = 1\njobs = ["catalogue", "orders", "offers"]'


def start_service(config_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "--config", str(config_path), "run"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def partial_documents(database: Path) -> list[str]:
    """Documents without lines, or whose lines do not add up to the document's total."""
    conn = sqlite3.connect(database)
    try:
        bad = []
        for doc_id, number, gross in conn.execute("SELECT id, full_number, gross_total FROM documents"):
            lines = [
                Decimal(g) for (g,) in conn.execute("SELECT gross FROM document_lines WHERE document_id = ?", (doc_id,))
            ]
            if not lines or sum(lines) != Decimal(gross):
                bad.append(number)
        return bad
    finally:
        conn.close()


async def test_sigterm_while_ten_companies_sync(tmp_path: Path) -> None:
    with simulator() as sim:
        world = await make_world(tmp_path, sim, 10, products=120, schedule=SCHEDULE)
        config = world.config
        async with httpx2.AsyncClient(base_url=sim.root_url) as http:
            (await http.post("/_sim/orders", params={"count": 200})).raise_for_status()
        # The schedules last fired two minutes ago: the service catches up at once, as one run each.
        async with StateDB.for_config(config) as state:
            past = datetime.now(UTC) - timedelta(minutes=2)
            for name in world.names:
                await state.set_schedule_state(ScheduleState(name, last_fire=past))
        proc = start_service(world.config_path)
        started: set[str] = set()
        progressed: set[str] = set()
        lines: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                # "12:00:00 +01:00 Firma003: przebieg 7 rozpoczęty (...)", "... Firma003: przebieg 7, oferty 5/120"
                if found := re.search(r" (\S+): przebieg \d+ rozpoczęty", line):
                    started.add(found[1])
                if found := re.search(r" (\S+): przebieg \d+, oferty \d+/", line):
                    progressed.add(found[1])
                if len(started) == 10 and progressed:
                    ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            assert await asyncio.to_thread(ready.wait, 90), "".join(lines[-30:])
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(proc.wait, 10)  # exits within 10 s, or this raises
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reader.join(timeout=5)
        assert code == 0, "".join(lines[-30:])
        assert any("usługa zatrzymana" in line for line in lines)

        locks = Paths.from_config(config).locks_dir
        async with StateDB.for_config(config) as state:
            assert await state.running_runs() == []
            assert await state.scheduler_holder() is None
            runs = await state.list_runs(limit=100)
        assert {run.company for run in runs} == set(world.names)
        assert "interrupted" in {run.result for run in runs}, [(r.company, r.result) for r in runs]
        for name in world.names:
            company = config.company(name)
            async with await SqliteErp.open(company.database) as erp:
                status = await lease_status(erp, lock_path(locks, name))
            assert status.state == "free", (name, status.describe())
            assert partial_documents(company.database) == [], name


def run_once(config_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", "--config", str(config_path), "run", "--once"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_run_once_runs_every_enabled_company_once_and_exits(tmp_path: Path) -> None:
    with simulator() as sim:
        world = await make_world(tmp_path, sim, 3, products=10, schedule=SCHEDULE)
        text = world.config_path.read_text(encoding="utf-8")
        # The last company's schedule is off: --once leaves it alone.
        head, _, last = text.rpartition("enabled = true")
        world.config_path.write_text(head + "enabled = false" + last, encoding="utf-8")
        done = await asyncio.to_thread(run_once, world.config_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "2 przebiegi: " in done.stdout
        async with StateDB.for_config(world.config) as state:
            runs = await state.list_runs()
            assert sorted(run.company for run in runs) == world.names[:2]
            assert {(run.trigger, run.result) for run in runs} == {("automatic", "success")}
            assert await state.scheduler_holder() is None  # --once never takes the scheduler
