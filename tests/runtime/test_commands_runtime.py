"""`marketsync run` as a real process (one service per installation, SIGTERM, a TUI-like watcher
taking the scheduler over), and the output of `runs`, `runs show` and `status`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.cli import main
from agent.config import load_config
from agent.runtime import events as ev
from agent.runtime.service import Runtime
from agent.state.models import ItemOutcome, RunOptions
from agent.state.store import StateDB
from tests.runtime.conftest import eventually, installation_text, write_config

ROOT = Path(__file__).resolve().parents[2]
IDLE = {"Alfa": 0, "Beta": 0, "Gamma": 0}


def start_service(config_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "agent", "--config", str(config_path), "run"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def service(config_path: Path) -> Iterator[subprocess.Popen[str]]:
    write_config(config_path, installation_text(every=IDLE))
    proc = start_service(config_path)
    assert proc.stdout is not None
    for line in proc.stdout:  # the first event line says it holds the scheduler
        if "usługa działa" in line:
            break
    else:
        pytest.fail(f"the service did not start: {proc.stderr.read() if proc.stderr else ''}")
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_a_second_service_refuses_and_says_where_the_first_runs(
    service: subprocess.Popen[str], config_path: Path
) -> None:
    second = subprocess.run(
        # --config after the subcommand works as well as before it
        [sys.executable, "-m", "agent", "run", "--config", str(config_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert second.returncode == 3  # refused, as the README's exit codes say
    assert "usługa już działa na tej instalacji. Usługa jest uruchomiona na stanowisku" in second.stderr
    assert f"pid {service.pid}" in second.stderr
    assert "wskazówka: najpierw zatrzymaj tamtą" in second.stderr and "already" not in second.stderr
    service.send_signal(signal.SIGTERM)
    assert service.wait(timeout=10) == 0


async def test_a_tui_watches_while_the_service_runs_and_takes_over_when_it_stops(
    service: subprocess.Popen[str], config_path: Path
) -> None:
    tui = Runtime(load_config(config_path), role="tui", heartbeat_interval=0.1, poll_interval=0.05)
    events = tui.bus.subscribe()
    await tui.start()
    try:
        assert not tui.holds_scheduler
        snapshot = await tui.snapshot()
        assert snapshot.scheduler is not None
        assert (snapshot.scheduler.role, snapshot.scheduler.pid) == ("service", service.pid)
        assert not snapshot.scheduler.this_process
        service.send_signal(signal.SIGTERM)
        await asyncio.to_thread(service.wait, 10)
        await eventually(lambda: tui.holds_scheduler)
        statuses = [e for e in events.drain() if isinstance(e, ev.ServiceStatus)]
        assert statuses[0].pid == service.pid
        assert statuses[-1].pid == os.getpid()
        assert statuses[-1].role == "tui"
    finally:
        await tui.stop()
    async with StateDB(tui.state.path) as state:
        assert await state.scheduler_holder() is None


async def test_a_service_takes_the_scheduler_from_a_tui(config_path: Path) -> None:
    write_config(config_path, installation_text(every=IDLE))
    tui = Runtime(load_config(config_path), role="tui", heartbeat_interval=0.1, poll_interval=0.05)
    await tui.start()
    proc: subprocess.Popen[str] | None = None
    try:
        assert tui.holds_scheduler
        proc = start_service(config_path)
        await eventually(lambda: not tui.holds_scheduler, within=30)
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 10) == 0
        await eventually(lambda: tui.holds_scheduler)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
        await tui.stop()


# --- runs, runs show, status ---------------------------------------------------------------------


async def record_history(config_path: Path) -> tuple[int, int]:
    config = load_config(config_path)
    async with StateDB.for_config(config) as state:
        good = await state.start_run("Alfa", trigger="automatic", operator="ADMIN", options=RunOptions(("orders",)))
        await state.record_outcomes(good.id, [ItemOutcome("orders", "order:1", "ok")])
        await state.finish_run(good.id, "success")
        bad = await state.start_run("Beta", trigger="manual", operator="JAN", options=RunOptions(("offers",)))
        await state.record_outcomes(
            bad.id,
            [
                ItemOutcome("offers", "product:7", "ok"),
                ItemOutcome(
                    "offers", "product:8", "failed", "InvalidItem", "the title is empty", "give the product a name"
                ),
                ItemOutcome("offers", "product:9", "failed", "MarketplaceUnavailable", "503 from the marketplace"),
            ],
        )
        await state.finish_run(bad.id, "partial")
        await state.acquire_scheduler("service", "kasa-1", 777, 3600)
        await state.set_schedule_state(
            type(await state.schedule_state("Alfa"))("Alfa", next_fire=datetime.now(UTC) + timedelta(hours=1))
        )
    return good.id, bad.id


def test_runs_lists_the_history_newest_first(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = asyncio.run(record_history(config_path))
    assert main(["--config", str(config_path), "runs"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["ID", "Firma", "Start"]
    assert out[2].startswith(f"{bad} ") and "Beta" in out[2] and "Częściowo" in out[2] and "ręczny" in out[2]
    assert out[3].startswith(f"{good} ") and "Alfa" in out[3] and "Sukces" in out[3]
    assert main(["--config", str(config_path), "runs", "Alfa"]) == 0
    only = capsys.readouterr().out
    assert "Alfa" in only and "Beta" not in only


def test_runs_show_lists_failures_with_what_to_do(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _good, bad = asyncio.run(record_history(config_path))
    assert main(["--config", str(config_path), "runs", "show", str(bad)]) == 0
    out = capsys.readouterr().out
    assert f"Przebieg {bad}: Beta, ręczny, uruchomił JAN" in out
    assert "oferty     ok      1  pominięte      0  z błędem      2" in out
    assert "! oferty product:8: the title is empty [InvalidItem]\n      -> give the product a name" in out
    assert "! oferty product:9: 503 from the marketplace [MarketplaceUnavailable]\n      -> nic do zrobienia" in out
    assert "product:7" not in out
    assert main(["--config", str(config_path), "runs", "show", str(bad), "--all"]) == 0
    assert "product:7" in capsys.readouterr().out
    assert main(["--config", str(config_path), "runs", "show", "999"]) == 1
    assert "Nie ma przebiegu 999." in capsys.readouterr().out


def test_status_shows_the_service_and_each_company(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(record_history(config_path))
    assert main(["--config", str(config_path), "status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Usługa jest uruchomiona na stanowisku kasa-1 (pid 777) od ")
    header = out[2]
    for column in ("Firma", "Połączenie", "Harmonogram", "Ostatni przebieg", "Wynik", "Następny"):
        assert column in header
    alfa = next(line for line in out if line.startswith("Alfa"))
    # (No tokens are stored in this test, so the account column says "Nie połączono".)
    assert "całą dobę co 1 min" in alfa and "Sukces (ok 1, błędy 0)" in alfa
    assert "(usługa nie działa)" not in alfa  # the service's own plan is shown
    beta = next(line for line in out if line.startswith("Beta"))
    assert "Częściowo (ok 1, błędy 2)" in beta
