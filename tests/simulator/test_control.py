"""The /_sim control API: the state report's exact shape, accounts, consent without pages, the command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx2

from agent.simulator import RunningSimulator
from tests.simulator.conftest import control, link, offer_body
from tests.simulator.contract import ContractClient


def test_state_has_exactly_the_promised_shape(sim: RunningSimulator, api: ContractClient) -> None:
    api.post("/me/offers", json=offer_body(api))
    state = control(sim, "GET", "/state")
    assert set(state) == {"accounts", "offers", "orders", "effects"}
    assert state["accounts"] == 3
    assert state["offers"] == {"active": 1, "draft": 0, "ended": 0, "blocked": 0}
    assert state["orders"] == {"new": 0, "inProcess": 0, "shipped": 0, "completed": 0, "cancelled": 0}
    assert {"POST /me/offers", "PUT /me/offers/{id}", "POST /me/update-offers",
            "PUT /me/sales/updateStatus"} <= set(state["effects"])
    assert state["effects"]["POST /me/offers"] == 1 and state["effects"]["POST /me/files"] == 1
    mine, theirs = (control(sim, "GET", "/state", params={"account": a}) for a in (1, 2))
    assert mine["accounts"] == theirs["accounts"] == 1
    assert mine["offers"]["active"] == 1 and theirs["offers"]["active"] == 0
    assert theirs["effects"]["POST /me/offers"] == 0
    assert httpx2.get(f"{sim.root_url}/_sim/state", params={"account": 99}).status_code == 404


def test_accounts_and_consent_without_the_pages(sim: RunningSimulator) -> None:
    created = control(sim, "POST", "/accounts")
    assert set(created) == {"id", "email", "password", "name"}
    assert created["id"] == 4 and sim.platform.login(created["email"], created["password"]) is not None
    assert len(control(sim, "GET", "/accounts")) == 4
    api = link(sim, created["id"])
    assert api.get("/me/integrations").json()[0]["userName"] == created["email"]
    # Deny through the control API; a null account with allow creates a new one.
    other = ContractClient(sim.base_url)
    code = other.get("/integration/register").json()["deviceCode"]
    assert control(sim, "POST", "/consent", json={"deviceCode": code, "account": None, "allow": False})["state"] \
        == "denied"
    assert other.get("/integration/token", deviceCode=code).json()["error"] == "access_denied"
    fresh = link(sim, None)
    assert fresh.get("/me/integrations").status_code == 200
    assert control(sim, "GET", "/state")["accounts"] == 5


def test_the_command_prints_accounts_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "agent", "simulator", "--port", "0", "--seed", "7", "--requests-per-minute", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        assert first.startswith("wszystko.pl simulator: http://127.0.0.1:")
        base_url = first.split()[2]
        lines = [process.stdout.readline() for _ in range(5)]
        assert "sprzedawca1@example.pl" in lines[1] and "password:" in lines[1]
        # The socket listens before the banner is printed, so this connects at once.
        assert httpx2.get(base_url + "/integration/register", timeout=10.0).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 0, process.stderr.read() if process.stderr else ""
