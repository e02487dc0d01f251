"""`marketsync connect / status / disconnect` end to end against the simulator on loopback."""

from __future__ import annotations

import json
import stat
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from agent.cli import main
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread


def _config(tmp_path: Path, sim: RunningSimulator) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[agent]
home = "{tmp_path / 'home'}"
log_dir = "{tmp_path / 'logs'}"
token_store = "file"

[marketplace]
base_url = "{sim.base_url}"

[[company]]
name = "Ogrodnik"
database = "ogrodnik.sqlite"

[[company]]
name = "Budowlany"
database = "budowlany.sqlite"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def _loguru_back_to_default() -> Iterator[None]:
    """`main` points loguru at this test's captured stderr; later tests must not write to it."""
    yield
    from loguru import logger

    logger.remove()
    logger.add(sys.stderr)


@pytest.fixture
def auto_sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, auto_consent=True, poll_interval=1)) as running:
        yield running


def test_connect_status_disconnect(
    auto_sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, auto_sim))
    assert main(["--verbose", "--config", config, "connect", "Ogrodnik", "--no-browser"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "Połączono" in out
    assert "/d/" in out  # the page to open was shown
    assert "@example.pl" in out  # the linked account
    token_file = next((tmp_path / "home" / "tokens").iterdir())
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    tokens = json.loads(token_file.read_text())
    refresh = tokens["refreshToken"]
    # Every log line of the link, at DEBUG, in the files and on the console: no token, no token URL.
    logged = captured.err + "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").iterdir())
    assert "połączono z kontem" in logged  # the link's line, in the configured language
    for secret in (refresh, tokens["accessToken"], "refreshToken=", "deviceCode="):
        assert secret not in logged

    assert main(["--config", config, "status"]) == 0
    table = capsys.readouterr().out
    ogrodnik = next(line for line in table.splitlines() if line.startswith("Ogrodnik"))
    budowlany = next(line for line in table.splitlines() if line.startswith("Budowlany"))
    assert "Połączono" in ogrodnik and "@example.pl" in ogrodnik
    assert "Nie połączono" in budowlany
    assert refresh not in table

    assert main(["--config", config, "disconnect", "Ogrodnik", "--yes"]) == 0
    assert "rozłączono" in capsys.readouterr().out
    assert not list((tmp_path / "home" / "tokens").iterdir())
    # The connection is ended on the marketplace: its refresh token is refused.
    answer = httpx2.post(auto_sim.base_url + "/integration/token", params={"refreshToken": refresh})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    assert main(["--config", config, "status"]) == 0
    assert "Nie połączono" in next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Ogrodnik"))


@pytest.fixture
def manual_sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1)) as running:
        yield running


def test_connect_refused_by_the_user_exits_1(
    manual_sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(_config(tmp_path, manual_sim))
    codes: list[int] = []
    worker = threading.Thread(target=lambda: codes.append(main(["--config", config, "connect", "Ogrodnik"])))
    worker.start()
    platform = manual_sim.platform
    deadline = time.monotonic() + 20
    while not platform.device_codes and time.monotonic() < deadline:
        time.sleep(0.05)
    device_code = next(iter(platform.device_codes))
    answer = httpx2.post(
        manual_sim.root_url + "/_sim/consent", json={"deviceCode": device_code, "account": None, "allow": False}
    )
    assert answer.status_code == 200
    worker.join(timeout=30)
    assert codes == [1]
    captured = capsys.readouterr()
    assert "odmowa" in captured.err
    assert device_code not in captured.err + captured.out
    assert not (tmp_path / "home" / "tokens").exists() or not list((tmp_path / "home" / "tokens").iterdir())


def test_connect_to_a_dead_marketplace_says_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[agent]\nhome = "{tmp_path / "home"}"\ntoken_store = "file"\n'
        '[marketplace]\nbase_url = "http://127.0.0.1:9/api"\n'
        '[[company]]\nname = "Ogrodnik"\ndatabase = "o.sqlite"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(path), "connect", "Ogrodnik"]) == 1
    assert "błąd sieci" in capsys.readouterr().err
