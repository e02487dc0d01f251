"""`status` and `runs` show a run whose process died (its row still `running`, its company lock
free) as interrupted, and a live one (lock held) as running."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent.cli import main
from agent.config import load_config
from agent.file_lock import FileLock
from agent.paths import Paths
from agent.state.models import RunOptions
from agent.state.store import StateDB
from agent.sync.lease import lock_path


async def _running_row(config_path: Path) -> int:
    config = load_config(config_path)
    async with StateDB(Paths.from_config(config).state_db) as state:
        run = await state.start_run(
            "Beta", trigger="manual", operator="EWA", options=RunOptions(("orders",)), host="kasa-2", pid=4242
        )
    return run.id


def _beta_line(out: str) -> str:
    return next(line for line in out.splitlines() if "Beta" in line)


@pytest.mark.parametrize("command", [["status"], ["runs"], ["runs", "Beta"]])
def test_dead_run_reads_as_interrupted_live_one_as_running(
    config_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    run_id = asyncio.run(_running_row(config_path))
    lock = FileLock(lock_path(Paths.from_config(load_config(config_path)).locks_dir, "Beta"))
    assert lock.try_acquire()
    try:
        assert main(["--config", str(config_path), *command]) == 0
        live = _beta_line(capsys.readouterr().out)
        assert "Trwa" in live and "Przerwany" not in live
    finally:
        lock.release()
    assert main(["--config", str(config_path), *command]) == 0
    dead = _beta_line(capsys.readouterr().out)
    assert "Przerwany" in dead and "Trwa" not in dead
    assert main(["--config", str(config_path), "runs", "show", str(run_id)]) == 0
    assert "Przerwany" in capsys.readouterr().out
