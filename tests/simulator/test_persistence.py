"""`--state FILE`: the whole platform survives a restart of the simulator (tokens, offers, files,
orders, effects, buyers' plans), is saved while running (not only at shutdown), and the command
takes the option."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from agent.simulator import SimulatorSettings, run_simulator_in_thread, sales
from agent.simulator.crowd import Crowd
from agent.simulator.persist import Store
from agent.simulator.server import build_platform
from tests.simulator.conftest import control, link, offer_body
from tests.simulator.contract import ContractClient
from tests.simulator.platforms import add_offer

ROOT = Path(__file__).resolve().parents[2]


def _settings(state: Path) -> SimulatorSettings:
    return SimulatorSettings(port=0, requests_per_minute=0, state_file=str(state), cancel_before_rate=0.5)


def test_a_restart_with_the_same_file_keeps_the_whole_platform(tmp_path: Path) -> None:
    state = tmp_path / "sim.db"
    with run_simulator_in_thread(_settings(state)) as sim:
        api = link(sim, 1)
        offer = api.post("/me/offers", json=offer_body(api, externalId="P-1", stockQuantity=50)).json()
        placed = control(sim, "POST", "/orders", params={"count": 4, "account": 1})["ids"]
        assert api.put("/me/sales/updateStatus", json={"id": placed[:1], "status": "inProcess"}).status_code == 204
        control(sim, "POST", "/advance", params={"seconds": 30})
        report = control(sim, "GET", "/state")
        offers_before = control(sim, "GET", "/offers", params={"account": 1})
        sales_before = api.get("/me/sales").json()
        accounts = control(sim, "GET", "/accounts")
        image = httpx2.get(offer["gallery"][0]).content
        clock = sim.platform.clock.now()

    with run_simulator_in_thread(_settings(state)) as again:
        assert control(again, "GET", "/state") == report
        assert control(again, "GET", "/accounts") == accounts
        assert control(again, "GET", "/offers", params={"account": 1}) == offers_before
        assert again.platform.clock.now() >= clock  # the advanced clock is not lost
        same = ContractClient(again.base_url)
        same.token = api.token  # the access token of the first run still works
        assert same.get("/me/sales").json() == sales_before
        assert same.get("/me/offers", externalId="P-1").json()["offers"][0]["id"] == offer["id"]
        path = httpx2.URL(offer["gallery"][0]).path
        assert httpx2.get(again.root_url + path).content == image
        # The refresh token rotates from where it was; ids go on without clashing; writes still count.
        pair = same.post("/integration/token", params={"refreshToken": api.pair["refreshToken"]}).json()
        same.token = pair["accessToken"]
        second = same.post("/me/offers", json=offer_body(same, externalId="P-2")).json()
        assert second["id"] > offer["id"]
        assert same.post("/me/offers", json=offer_body(same, externalId="P-1")).status_code == 409
        assert control(again, "GET", "/state")["effects"]["POST /me/offers"] == 2
        fresh = link(again, 1)
        assert len(fresh.get("/me/integrations").json()) == 2


def test_a_save_writes_only_what_changed_and_a_load_gives_the_same_platform(tmp_path: Path) -> None:
    settings = SimulatorSettings(seed_accounts=2, orders_per_minute=60, cancel_before_rate=0.3)
    platform = build_platform(settings)
    offer_ids = [add_offer(platform, stock=500) for _ in range(5)]
    Crowd(platform).tick(60)
    store = Store(tmp_path / "sim.db")
    assert store.save(platform) > 60
    assert store.save(platform) == 0
    platform.offers[offer_ids[0]].stock += 1
    sale_id = next(iter(platform.sales))
    assert sales.update_statuses(platform, 1, [sale_id], "inProcess") == []
    assert store.save(platform) == 3  # the offer, the order and its account (effects), nothing else
    store.close()

    again = Store(tmp_path / "sim.db")
    loaded = build_platform(settings, store=again)
    assert loaded.state_report() == platform.state_report()
    assert loaded.offers[offer_ids[0]].stock == platform.offers[offer_ids[0]].stock
    assert loaded.sales[sale_id].status == "inProcess"
    assert loaded.buyer_plans == platform.buyer_plans and loaded.buyer_plans
    assert [s.buyer for s in loaded.sales.values()] == [s.buyer for s in platform.sales.values()]
    assert loaded.rng.random() == platform.rng.random()  # the buyers go on as they would have
    assert again.save(loaded) == 0
    again.close()


def _rows(state: Path, kind: str) -> int:
    with sqlite3.connect(state) as db:
        return int(db.execute("SELECT count(*) FROM records WHERE kind = ?", (kind,)).fetchone()[0])


def test_changes_are_saved_while_running_not_only_at_shutdown(tmp_path: Path) -> None:
    state = tmp_path / "sim.db"
    with run_simulator_in_thread(_settings(state)) as sim:
        api = link(sim, 1)
        api.post("/me/offers", json=offer_body(api))
        control(sim, "POST", "/orders", params={"count": 3, "account": 1})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (_rows(state, "offer"), _rows(state, "sale")) != (1, 3):
            time.sleep(0.05)
        assert (_rows(state, "offer"), _rows(state, "sale")) == (1, 3)
        assert _rows(state, "account") == 3 and _rows(state, "refresh") == 1


def test_without_a_file_nothing_is_kept(tmp_path: Path) -> None:
    with run_simulator_in_thread(SimulatorSettings(port=0)) as sim:
        link(sim, 1)
    with run_simulator_in_thread(SimulatorSettings(port=0)) as again:
        assert again.platform.integrations == {}
    assert list(tmp_path.iterdir()) == []


def _start(state: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "simulator", "--port", "0", "--auto-consent", "--state", str(state)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().split()[2]


def test_the_command_keeps_its_state_file_across_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "demo.db"
    process, base_url = _start(state)
    try:
        code = httpx2.get(f"{base_url}/integration/register").json()["deviceCode"]
        token = httpx2.get(f"{base_url}/integration/token", params={"deviceCode": code}).json()["accessToken"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    process, base_url = _start(state)
    try:
        answer = httpx2.get(f"{base_url}/me/integrations", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and len(answer.json()) == 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
