"""Linking a company again: asked first, a different seller account only as a deliberate step that
sets the old account's offer links aside, and running processes pick up a relink or unlink at once.
End to end: `marketsync connect` against the simulator on loopback, the real state database."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from agent.cli import main
from agent.config import load_config
from agent.errors import RelinkAccount
from agent.file_lock import FileLock
from agent.marketplace.accounts import open_client
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from agent.state.models import OfferLink
from agent.state.store import StateDB
from agent.sync.lease import lock_path
from tests.marketplace.test_commands import _config, _loguru_back_to_default  # noqa: F401 (autouse fixture)

COMPANY = "Ogrodnik"
OFFERS = 4


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1)) as running:
        yield running


def _connect(sim: RunningSimulator, config: str, account: int, *flags: str) -> int:
    """`marketsync connect Ogrodnik FLAGS`, the seller consenting with `account` on the marketplace."""
    codes: list[int] = []
    seen = set(sim.platform.device_codes)
    worker = threading.Thread(target=lambda: codes.append(main(["--config", config, "connect", COMPANY, *flags])))
    worker.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and worker.is_alive():
        fresh = [code for code in sim.platform.device_codes if code not in seen]
        if fresh:
            answer = httpx2.post(
                sim.root_url + "/_sim/consent", json={"deviceCode": fresh[0], "account": account, "allow": True}
            )
            assert answer.status_code == 200
            break
        time.sleep(0.02)
    worker.join(timeout=60)
    assert codes, "connect did not end"
    return codes[0]


def _account(sim: RunningSimulator) -> int:
    return int(httpx2.post(sim.root_url + "/_sim/accounts").json()["id"])


def _linked_with_offers(sim: RunningSimulator, tmp_path: Path) -> tuple[str, int]:
    config = str(_config(tmp_path, sim))
    first = _account(sim)
    assert _connect(sim, config, first) == 0
    links = [OfferLink(product_id=p, external_id=str(p), offer_id=1000 + p, status="active") for p in range(OFFERS)]

    async def seed() -> None:
        async with StateDB.for_config(load_config(Path(config))) as state:
            await state.upsert_links(COMPANY, links)
            await state.set_high_water(COMPANY, "offers", 42, run_id=1)

    asyncio.run(seed())
    return config, first


def _state(config: str) -> tuple[int, dict[str, int], int | None]:
    async def read() -> tuple[int, dict[str, int], int | None]:
        async with StateDB.for_config(load_config(Path(config))) as state:
            return (
                len(await state.all_links(COMPANY)),
                await state.links_set_aside(COMPANY),
                await state.get_high_water(COMPANY, "offers"),
            )

    return asyncio.run(read())


def _files(tmp_path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (tmp_path / "home").rglob("*.json")}


def test_a_linked_company_is_not_linked_again_without_asking(
    sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, first = _linked_with_offers(sim, tmp_path)
    before = _files(tmp_path)
    assert main(["--config", config, "connect", COMPANY]) == 3  # no terminal here, no --relink
    assert "--relink" in capsys.readouterr().err
    assert _files(tmp_path) == before
    # The same account again, agreed with --relink: the links stay, nothing is set aside.
    assert _connect(sim, config, first, "--relink") == 0
    assert _state(config) == (OFFERS, {}, 42)


def test_a_different_account_is_refused_unless_agreed_and_the_old_link_stays(
    sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _ = _linked_with_offers(sim, tmp_path)
    before = _files(tmp_path)
    other = _account(sim)
    assert _connect(sim, config, other, "--relink") == 3
    err = capsys.readouterr()
    assert "--new-account" in err.err and f"({OFFERS})" in err.out
    assert _files(tmp_path) == before  # tokens and connection exactly as they were
    assert _state(config) == (OFFERS, {}, 42)


def test_moving_to_a_new_account_sets_the_old_links_aside(
    sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _ = _linked_with_offers(sim, tmp_path)
    loaded = load_config(Path(config))
    old_name = ConnectionRegistry(connections_dir(loaded.agent.home)).get(COMPANY).account
    assert old_name is not None
    other = _account(sim)
    assert _connect(sim, config, other, "--relink", "--new-account") == 0
    info = ConnectionRegistry(connections_dir(loaded.agent.home)).get(COMPANY)
    assert info.state == "connected" and info.account not in (None, old_name)
    # The next run reads every product and creates its offers on the new account.
    assert _state(config) == (0, {old_name: OFFERS}, None)
    # `status` keeps saying where the old offers are (live, no longer updated) and what to do.
    capsys.readouterr()
    assert main(["--config", config, "status"]) == 0
    assert f"{COMPANY}: {OFFERS} oferty na poprzednim koncie {old_name}" in capsys.readouterr().out


def test_no_move_while_a_run_of_the_company_goes(
    sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _ = _linked_with_offers(sim, tmp_path)
    before = _files(tmp_path)
    run_lock = FileLock(lock_path(Paths.from_config(load_config(Path(config))).locks_dir, COMPANY))
    assert run_lock.try_acquire()
    try:
        assert _connect(sim, config, _account(sim), "--relink", "--new-account") == 3
    finally:
        run_lock.release()
    assert "trwa synchronizacja tej firmy" in capsys.readouterr().err
    assert _files(tmp_path) == before
    assert _state(config) == (OFFERS, {}, 42)


def test_a_running_client_picks_up_a_relink_and_an_unlink(sim: RunningSimulator, tmp_path: Path) -> None:
    config, _ = _linked_with_offers(sim, tmp_path)
    loaded = load_config(Path(config))

    async def token() -> str:
        return await client.keeper.access_token()

    loop = asyncio.new_event_loop()
    try:
        client = open_client(loaded, COMPANY)
        old = loop.run_until_complete(token())
        assert _connect(sim, config, _account(sim), "--relink", "--new-account") == 0
        new = loop.run_until_complete(token())
        assert new != old  # the next request goes out with the new account's token
        assert main(["--config", config, "disconnect", COMPANY, "--yes"]) == 0
        with pytest.raises(RelinkAccount):
            loop.run_until_complete(token())
        loop.run_until_complete(client.aclose())
    finally:
        loop.close()



class _Terminal:
    """stdin as a terminal on which the person types `typed` (the prompt reads one line)."""

    def __init__(self, typed: str) -> None:
        self.lines = iter([typed + "\n"])

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return next(self.lines, "")


@pytest.mark.parametrize("typed", ["n", "", "nie"])
def test_disconnect_asks_and_anything_but_yes_keeps_the_link(
    sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    typed: str,
) -> None:
    config, _ = _linked_with_offers(sim, tmp_path)
    before = _files(tmp_path)
    monkeypatch.setattr("sys.stdin", _Terminal(typed))
    assert main(["--config", config, "disconnect", COMPANY]) == 3
    out = capsys.readouterr()
    assert "synchronizacja firmy zatrzyma się" in out.out and "--yes" in out.err
    assert _files(tmp_path) == before
    assert ConnectionRegistry(connections_dir(load_config(Path(config)).agent.home)).get(COMPANY).state == "connected"


def test_disconnect_without_a_terminal_refuses_and_yes_unlinks(
    sim: RunningSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config, _ = _linked_with_offers(sim, tmp_path)
    before = _files(tmp_path)
    assert main(["--config", config, "disconnect", COMPANY]) == 3  # pytest's stdin is no terminal
    assert _files(tmp_path) == before
    monkeypatch.setattr("sys.stdin", _Terminal("t"))
    assert main(["--config", config, "disconnect", COMPANY]) == 0
    assert "rozłączono" in capsys.readouterr().out
    home = load_config(Path(config)).agent.home
    assert ConnectionRegistry(connections_dir(home)).get(COMPANY).state == "not_linked"
    assert main(["--config", config, "disconnect", COMPANY]) == 0  # nothing left to unlink: says so, asks nothing
    assert "nic do rozłączenia" in capsys.readouterr().out
