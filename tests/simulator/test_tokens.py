"""Refresh-token rotation with grace, revocation, expiry, and the control API around tokens."""

from __future__ import annotations

from agent.simulator import RunningSimulator
from tests.simulator.conftest import MakeSim, control, link
from tests.simulator.contract import ContractClient


def _refresh(api: ContractClient, token: str) -> dict[str, object]:
    answer = api.client.post("/integration/token", params={"refreshToken": token})
    body: dict[str, object] = answer.json()
    assert answer.status_code == (200 if "accessToken" in body else 400)
    return body


def test_refresh_rotates_and_the_old_token_repeats_its_pair_within_the_grace(make_sim: MakeSim) -> None:
    sim = make_sim(refresh_grace=60)
    api = link(sim)
    first = api.pair
    second = _refresh(api, first["refreshToken"])
    assert second["refreshToken"] != first["refreshToken"]
    assert second["accessToken"] != first["accessToken"]
    assert second["integrationId"] == first["integrationId"]
    sim.platform.clock.advance(30)
    again = _refresh(api, first["refreshToken"])
    assert (again["accessToken"], again["refreshToken"]) == (second["accessToken"], second["refreshToken"])
    sim.platform.clock.advance(31)
    assert _refresh(api, first["refreshToken"]) == {
        "error": "invalid_grant",
        "error_description": "the refresh token is invalid, expired, revoked or already used",
    }
    # The new one still works, and rotates in its turn.
    third = _refresh(api, str(second["refreshToken"]))
    assert third["refreshToken"] not in (first["refreshToken"], second["refreshToken"])
    assert control(sim, "GET", "/token-stats", params={"account": 1}) == {"refreshes": 4, "invalidGrants": 1}


def test_an_expired_refresh_token_is_an_invalid_grant(make_sim: MakeSim) -> None:
    sim = make_sim(refresh_ttl=100)
    api = link(sim)
    sim.platform.clock.advance(101)
    assert _refresh(api, api.pair["refreshToken"])["error"] == "invalid_grant"


def test_an_access_token_expires_after_its_ttl(make_sim: MakeSim) -> None:
    sim = make_sim(token_ttl=60)
    api = link(sim)
    assert api.pair["expiresIn"] == 60
    assert api.get("/me/integrations").status_code == 200
    sim.platform.clock.advance(61)
    answer = api.get("/me/integrations")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "unauthorized"


def test_revoking_an_integration_ends_it_at_once(sim: RunningSimulator) -> None:
    first, second = link(sim, 1), link(sim, 1)
    sessions = first.get("/me/integrations").json()
    assert {s["id"] for s in sessions} == {first.pair["integrationId"], second.pair["integrationId"]}
    assert first.delete(f"/me/integrations/{second.pair['integrationId']}").status_code == 204
    assert second.get("/me/integrations").status_code == 401
    assert _refresh(second, second.pair["refreshToken"])["error"] == "invalid_grant"
    assert [s["id"] for s in first.get("/me/integrations").json()] == [first.pair["integrationId"]]
    # Someone else's integration, or one already ended, is not found.
    assert first.delete(f"/me/integrations/{second.pair['integrationId']}").status_code == 404
    other = link(sim, 2)
    assert other.delete(f"/me/integrations/{first.pair['integrationId']}").status_code == 404
    assert control(sim, "GET", "/state", params={"account": 1})["effects"]["DELETE /me/integrations/{id}"] == 1


def test_expire_tokens_control_makes_the_next_request_401_and_refresh_recovers(sim: RunningSimulator) -> None:
    api = link(sim, 2)
    assert control(sim, "POST", "/expire-tokens", params={"account": 2}) == {"expired": 1}
    assert api.get("/me/integrations").status_code == 401
    pair = _refresh(api, api.pair["refreshToken"])
    api.token = str(pair["accessToken"])
    assert api.get("/me/integrations").status_code == 200


def test_requests_without_a_valid_token_are_401(sim: RunningSimulator) -> None:
    api = ContractClient(sim.base_url)
    assert api.get("/me/offers").status_code == 401
    api.token = "made-up"
    assert api.get("/shipping/methods").status_code == 401


def test_the_bearer_scheme_is_case_insensitive(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    answer = api.client.get("/me/integrations", headers={"Authorization": f"bearer {api.token}"})
    assert answer.status_code == 200
