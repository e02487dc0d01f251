"""Faults on demand, each seen from a real httpx2 client over loopback: what the client gets, and
whether the request was applied (the effects count)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from agent.simulator import RunningSimulator
from tests.simulator.conftest import MakeSim, control, link, offer_body

INTEGRATIONS = "GET /me/integrations"


@pytest.fixture
def client(sim: RunningSimulator) -> Iterator[httpx2.Client]:
    """A plain client (no contract validation: faulty answers are the point) holding account 1's token."""
    token = link(sim, 1).token
    with httpx2.Client(base_url=sim.base_url, timeout=10.0, headers={"Authorization": f"Bearer {token}"}) as c:
        yield c


def fault(sim: RunningSimulator, **spec: Any) -> dict[str, Any]:
    answer: dict[str, Any] = control(sim, "POST", "/faults", json=spec)
    return answer


def effects(sim: RunningSimulator, operation: str) -> int:
    value: int = control(sim, "GET", "/state", params={"account": 1})["effects"][operation]
    return value


def test_a_posted_fault_gets_an_id_is_listed_and_deleted(sim: RunningSimulator, client: httpx2.Client) -> None:
    posted = fault(sim, route=INTEGRATIONS, kind="status", status=502, count=None)
    assert posted["id"] and posted["kind"] == "status" and posted["status"] == 502 and posted["count"] is None
    assert [f["id"] for f in control(sim, "GET", "/faults")] == [posted["id"]]
    assert client.get("/me/integrations").status_code == 502
    control(sim, "DELETE", f"/faults/{posted['id']}")
    assert control(sim, "GET", "/faults") == []
    assert client.get("/me/integrations").status_code == 200
    assert httpx2.delete(f"{sim.root_url}/_sim/faults/{posted['id']}").status_code == 404


def test_delete_all_clears_every_fault(sim: RunningSimulator, client: httpx2.Client) -> None:
    fault(sim, route="*", kind="status", status=500)
    fault(sim, route=INTEGRATIONS, kind="malformed")
    assert control(sim, "DELETE", "/faults") == {"removed": 2}
    assert control(sim, "GET", "/faults") == []
    assert client.get("/me/integrations").json()


@pytest.mark.parametrize("spec", [
    {"route": "GET /nowhere", "kind": "status"},
    {"route": "*", "kind": "explode"},
    {"route": "*", "kind": "status", "probability": 1.5},
    {"route": "*", "kind": "status", "count": 0},
    {"route": "*", "kind": "status", "status": 200},
    {"route": "GET /me/offers", "kind": "partial"},
    {"route": "*", "kind": "status", "colour": "red"},
])
def test_an_impossible_fault_is_refused(sim: RunningSimulator, spec: dict[str, Any]) -> None:
    assert httpx2.post(f"{sim.root_url}/_sim/faults", json=spec).status_code == 400
    assert control(sim, "GET", "/faults") == []


def test_status_answers_the_error_body_and_applies_nothing(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    body = offer_body(api)
    fault(sim, route="POST /me/offers", kind="status", status=503, count=1)
    answer = httpx2.post(f"{sim.base_url}/me/offers", json=body, headers={"Authorization": f"Bearer {api.token}"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert answer.json()["errors"][0]["code"] == "simulatedFault"
    assert effects(sim, "POST /me/offers") == 0
    assert api.post("/me/offers", json=body).status_code == 200  # count 1: the next one goes through
    assert effects(sim, "POST /me/offers") == 1


def test_count_limits_a_fault_to_the_next_n_matching_requests(sim: RunningSimulator, client: httpx2.Client) -> None:
    fault(sim, route=INTEGRATIONS, kind="status", status=500, count=2)
    assert client.get("/me/guarantees").status_code == 200  # another route: not counted
    assert control(sim, "GET", "/faults")[0]["count"] == 2
    assert [client.get("/me/integrations").status_code for _ in range(4)] == [500, 500, 200, 200]
    assert control(sim, "GET", "/faults") == []


def test_probability_hits_about_that_share(sim: RunningSimulator, client: httpx2.Client) -> None:
    fault(sim, route="*", kind="status", status=500, probability=0.3)
    codes = [client.get("/me/guarantees").status_code for _ in range(200)]
    assert set(codes) == {200, 500}
    assert 30 <= codes.count(500) <= 90  # 60 expected; the draw is seeded, the band is for any seed
    assert control(sim, "GET", "/faults")[0]["fired"] == codes.count(500)


def test_latency_delays_the_answer(sim: RunningSimulator, client: httpx2.Client) -> None:
    fault(sim, route=INTEGRATIONS, kind="latency", seconds=0.6, count=1)
    started = time.monotonic()
    assert client.get("/me/integrations").status_code == 200
    assert time.monotonic() - started >= 0.55  # a lower bound only: sleeping cannot be shorter


def test_malformed_applies_the_write_but_the_body_is_not_json(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    fault(sim, route="POST /me/offers", kind="malformed", count=1)
    answer = httpx2.post(f"{sim.base_url}/me/offers", json=offer_body(api),
                         headers={"Authorization": f"Bearer {api.token}"})
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()
    assert effects(sim, "POST /me/offers") == 1


def test_partial_fails_some_ids_and_applies_the_rest(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    ids = [api.post("/me/offers", json=offer_body(api, externalId=f"p-{n}")).json()["id"] for n in range(6)]
    fault(sim, route="POST /me/update-offers", kind="partial", count=1)
    failures = api.post("/me/update-offers", json={"id": ids, "quantity": {"change": "exactValue", "value": 77}}).json()
    failed = {f["id"] for f in failures}
    assert failures and all(f["code"] == "resourceUpdateFailed" for f in failures)
    assert failed < set(ids)
    stock = {o["id"]: o["stockQuantity"] for o in control(sim, "GET", "/offers", params={"account": 1})}
    assert {i for i in ids if stock[i] == 77} == set(ids) - failed
    assert all(stock[i] == 10 for i in failed)


def test_revoke_ends_the_integration_token_401s_and_refresh_is_invalid_grant(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    fault(sim, route=INTEGRATIONS, kind="revoke", count=1)
    assert api.get("/me/guarantees").status_code == 200  # other route
    assert api.get("/me/integrations").status_code == 401
    assert api.get("/me/guarantees").status_code == 401
    refreshed = api.post("/integration/token", params={"refreshToken": api.pair["refreshToken"]})
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"


def test_reset_is_a_connection_error_and_applies_nothing(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    fault(sim, route="POST /me/offers", kind="reset", count=1)
    with httpx2.Client(timeout=10.0) as plain, pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        plain.post(f"{sim.base_url}/me/offers", json=offer_body(api), headers={"Authorization": f"Bearer {api.token}"})
    assert effects(sim, "POST /me/offers") == 0


def test_lost_applies_the_write_while_the_client_sees_a_connection_error(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    body = offer_body(api, externalId="lost-1")
    fault(sim, route="POST /me/offers", kind="lost", count=1)
    with httpx2.Client(timeout=10.0) as plain, pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        plain.post(f"{sim.base_url}/me/offers", json=body, headers={"Authorization": f"Bearer {api.token}"})
    assert effects(sim, "POST /me/offers") == 1
    again = api.post("/me/offers", json=body)  # the retry a client would make finds the offer made
    assert again.status_code == 409


def test_cut_stops_mid_body(sim: RunningSimulator, client: httpx2.Client) -> None:
    fault(sim, route="GET /me/shipping/tariffs", kind="cut", count=1)
    with pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        client.get("/me/shipping/tariffs")
    assert client.get("/me/shipping/tariffs").status_code == 200  # a new connection, no fault left


def test_cut_of_an_answer_without_a_body_is_still_an_error(sim: RunningSimulator) -> None:
    api = link(sim, 1)
    api.post("/me/offers", json=offer_body(api))
    control(sim, "POST", "/orders", params={"count": 1, "account": 1})
    sale = api.get("/me/sales").json()["sales"][0]
    fault(sim, route="PUT /me/sales/updateStatus", kind="cut", count=1)
    with httpx2.Client(timeout=10.0) as plain, pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        plain.put(f"{sim.base_url}/me/sales/updateStatus", json={"id": [sale["id"]], "status": "inProcess"},
                  headers={"Authorization": f"Bearer {api.token}"})
    assert effects(sim, "PUT /me/sales/updateStatus") == 1


def test_drip_trickles_the_body_out_slowly_but_whole(sim: RunningSimulator, client: httpx2.Client) -> None:
    expected = client.get("/me/shipping/tariffs").content
    fault(sim, route="GET /me/shipping/tariffs", kind="drip", seconds=1.0, count=1)
    started = time.monotonic()
    with client.stream("GET", "/me/shipping/tariffs") as answer:
        pieces = list(answer.iter_raw())
    assert time.monotonic() - started >= 0.9  # a lower bound only: the pieces are spaced by sleeping
    assert len(pieces) >= 5 and b"".join(pieces) == expected


def test_faults_never_touch_the_control_api(sim: RunningSimulator) -> None:
    fault(sim, route="*", kind="reset")
    assert control(sim, "GET", "/state")["accounts"] == 3
    assert control(sim, "DELETE", "/faults") == {"removed": 1}


def test_keep_alive_connections_carry_many_answers_through_the_front(sim: RunningSimulator,
                                                                     client: httpx2.Client) -> None:
    # One connection, answers of several sizes and kinds (a 204 among them), all framed right.
    for _ in range(20):
        assert client.get("/me/shipping/tariffs").status_code == 200
        assert client.get("/me/integrations").status_code == 200
        assert client.get("/categories", params={"pageSize": 10}).json()["categories"]
    assert client.head("/me/integrations").status_code in (200, 405)
    assert client.get("/me/guarantees").status_code == 200


def test_without_the_front_transport_faults_are_refused(make_sim: MakeSim) -> None:
    sim = make_sim(front=False)
    answer = httpx2.post(f"{sim.root_url}/_sim/faults", json={"route": "*", "kind": "reset"})
    assert answer.status_code == 400 and "front" in answer.json()["error"]
    assert control(sim, "POST", "/faults", json={"route": "*", "kind": "status"})["kind"] == "status"
