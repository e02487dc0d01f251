"""A 429 or 503 status fault says the Retry-After it was posted with (`retryAfter`, whole seconds)."""

from __future__ import annotations

import httpx2
import pytest

from agent.simulator import RunningSimulator
from tests.simulator.conftest import control, link

INTEGRATIONS = "GET /me/integrations"


def test_a_status_fault_carries_the_posted_retry_after(sim: RunningSimulator) -> None:
    token = link(sim, 1).token
    posted = control(
        sim,
        "POST",
        "/faults",
        json={"route": INTEGRATIONS, "kind": "status", "status": 429, "retryAfter": 7, "count": 1},
    )
    assert posted["retryAfter"] == 7
    with httpx2.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        limited = http.get("/me/integrations")
        after = http.get("/me/integrations")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert after.status_code == 200


def test_a_status_fault_says_one_second_unless_told(sim: RunningSimulator) -> None:
    posted = control(sim, "POST", "/faults", json={"route": INTEGRATIONS, "kind": "status", "status": 429})
    assert posted["retryAfter"] == 1


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True, 601])
def test_a_retry_after_that_is_not_whole_seconds_is_refused(sim: RunningSimulator, bad: object) -> None:
    with httpx2.Client(base_url=sim.root_url) as http:
        answer = http.post("/_sim/faults", json={"kind": "status", "status": 429, "retryAfter": bad})
    assert answer.status_code == 400 and "retryAfter" in answer.text
