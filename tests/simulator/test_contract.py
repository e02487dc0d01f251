"""Every operation of the contract, called once in a walk through a seller's day, each answer validated
against agent/marketplace/openapi.yaml (the ContractClient validates every response it receives)."""

from __future__ import annotations

from agent.simulator import RunningSimulator
from tests.simulator.conftest import MakeSim, control, link, offer_body
from tests.simulator.contract import spec_operations


def test_every_operation_answers_within_the_contract(make_sim: MakeSim) -> None:
    sim: RunningSimulator = make_sim(requests_per_minute=120)
    api = link(sim, 1)
    refreshed = api.client.post("/integration/token", params={"refreshToken": api.pair["refreshToken"]})
    api.token = refreshed.json()["accessToken"]
    api.get("/integration/token", deviceCode="unknown")
    api.get("/me/integrations")
    for path in ("/categories", "/shipping/methods", "/me/shipping/tariffs", "/me/returnPolicies",
                 "/me/complaintPolicies", "/me/guarantees", "/payment/paymentMethods"):
        assert api.get(path).status_code == 200
    for path in ("/me/shipping/tariffs/cennik-standard", "/me/returnPolicies/zwrot-14",
                 "/me/complaintPolicies/reklamacja-rekojmia", "/me/guarantees/gwarancja-sprzedawcy-12"):
        assert api.get(path).status_code == 200
    assert api.get("/me/guarantees/no-such").status_code == 404
    leaf_id = api.get("/categories", pageSize=10000).json()["categories"][-1]["id"]
    # Live clients send booleans as C# writes them; both spellings are read.
    assert api.get("/categories", pageSize=10, includeParameters="True").json()["categories"][-1].get("fields")
    assert "fields" not in api.get("/categories", pageSize=10, includeParameters="False").json()["categories"][0]
    api.get(f"/categories/{leaf_id}")
    api.get(f"/categories/{leaf_id}/parameters")
    api.get("/categories/0/subcategories")
    body = offer_body(api, externalId="K-1")
    api.post("/me/addFilesFromUrls", json=body["gallery"])  # a copy of an own file
    offer = api.post("/me/offers", json=body).json()
    api.post("/me/offers", json=body)  # 409
    api.post("/me/offers", json={**body, "title": "x"})  # 422
    api.get("/me/offers")  # the short model
    full = api.get_accepting("/me/offers", "application/vnd.pl.wszystko.v1.full+json").json()["offers"][0]
    short = api.get("/me/offers").json()["offers"][0]
    assert "externalId" in full and "externalId" not in short and short["quantity"] == full["stockQuantity"]
    api.get(f"/me/offers/{offer['id']}")
    api.put(f"/me/offers/{offer['id']}", json={**body, "price": 55})
    api.post("/me/update-offers", json={"id": [offer["id"]], "quantity": {"value": 40, "change": "exactValue"}})
    order = control(sim, "POST", "/orders", params={"count": 1, "account": 1})["ids"][0]
    api.get("/me/sales")
    api.get(f"/me/sales/{order}")
    api.put("/me/sales/updateStatus", json={"id": [order], "status": "inProcess"})
    api.post("/me/sales/retrieve-statuses", json=[order])
    api.post("/me/sales/retrieve-statuses", json={"not": "a list"})  # 422
    api.put(f"/me/sales/{order}/trackingNumbers", json=[{"trackingNumber": "INP-1", "shippingMethodId": "1"}])
    assert api.get(f"/me/sales/{order}").json()["trackingNumbers"] == ["INP-1"]
    api.get(f"/me/sales/{order}/trackingNumbers")
    api.delete(f"/me/offers/{offer['id']}")
    second = link(sim, 1)
    api.delete(f"/me/integrations/{second.pair['integrationId']}")
    second.get("/me/integrations")  # 401
    while api.get("/shipping/methods").status_code != 429:
        pass

    operations = spec_operations()
    assert operations <= api.seen | second.seen, operations - api.seen
    for answer in ("GET /integration/token 400", "POST /me/offers 409", "POST /me/offers 422",
                   "DELETE /me/integrations/{id} 204", "GET /shipping/methods 429"):
        assert answer in api.seen
    assert "GET /me/integrations 401" in second.seen
    control(sim, "GET", "/state")  # the control API is off the contract and needs no validation
