"""Offers: the publication rules (each one), externalId uniqueness, replace and end, listing, bulk changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agent.catalogue import category_by_id, load_categories
from agent.simulator import RunningSimulator
from tests.simulator.conftest import a_leaf, control, link, offer_body
from tests.simulator.contract import ContractClient

Breaker = Callable[[dict[str, Any]], None]


def _set(key: str, value: object) -> Breaker:
    return lambda body: body.__setitem__(key, value)


def _drop(key: str) -> Breaker:
    return lambda body: body.pop(key)


def _required_parameter_missing(body: dict[str, Any]) -> None:
    body["parameters"] = []


def _dictionary_value_unknown(body: dict[str, Any]) -> None:
    body["parameters"][0]["value"] = "no-such-value"


def _number_out_of_range(body: dict[str, Any]) -> None:
    field = next(f for f in a_leaf().fields if f.type in ("integer", "float") and f.max is not None)
    assert field.max is not None
    body["parameters"].append({"id": field.id, "value": str(field.max + 1)})


def _unknown_parameter(body: dict[str, Any]) -> None:
    body["parameters"].append({"id": 987654321, "value": "x"})


def _parent_category(body: dict[str, Any]) -> None:
    body["categoryId"] = category_by_id()[a_leaf().id].parent_id


def _foreign_image(body: dict[str, Any]) -> None:
    body["gallery"] = ["http://127.0.0.1:1/files/2/someone-elses.png"]


RULES: list[tuple[str, Breaker, str, str]] = [
    ("title too short", _set("title", "abc"), "invalidTitle", "title"),
    ("title too long", _set("title", "x" * 101), "invalidTitle", "title"),
    ("price zero", _set("price", 0), "invalidPrice", "price"),
    ("price negative", _set("price", -5), "invalidPrice", "price"),
    ("price three decimals", _set("price", 1.005), "invalidPrice", "price"),
    ("VAT not in the enum", _set("vatRate", "22%"), "invalidVatRate", "vatRate"),
    ("stock negative", _set("stockQuantity", -1), "invalidStockQuantity", "stockQuantity"),
    ("title missing", _drop("title"), "missingField", "title"),
    ("category unknown", _set("categoryId", 999_999_999), "categoryNotFound", "categoryId"),
    ("category not a leaf", _parent_category, "categoryNotLeaf", "categoryId"),
    ("required parameter missing", _required_parameter_missing, "missingParameter", "parameters"),
    ("dictionary value unknown", _dictionary_value_unknown, "invalidParameterValue", "parameters[0]"),
    ("number out of range", _number_out_of_range, "invalidParameterValue", "parameters["),
    ("parameter not of the category", _unknown_parameter, "unknownParameter", "parameters["),
    ("17 images", lambda b: b.__setitem__("gallery", b["gallery"] * 17), "galleryTooLarge", "gallery"),
    ("image not uploaded by this account", _foreign_image, "imageNotUploaded", "gallery[0]"),
    ("unknown tariff", _set("shippingTariffId", "nie-ma"), "termsNotFound", "shippingTariffId"),
    ("unknown lead time", _set("leadTime", "Jutro"), "invalidLeadTime", "leadTime"),
]


@pytest.mark.parametrize(("breaker", "code", "path"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_each_publication_rule_answers_422_naming_the_field(
    api: ContractClient, sim: RunningSimulator, breaker: Breaker, code: str, path: str
) -> None:
    body = offer_body(api)
    assert api.post("/me/offers", json=body).status_code == 200  # the unbroken body passes
    body = offer_body(api, externalId=None)
    breaker(body)
    answer = api.post("/me/offers", json=body)
    assert answer.status_code == 422
    found = [e for e in answer.json()["errors"] if e["code"] == code]
    assert found, answer.json()
    assert found[0]["path"].startswith(path)
    assert found[0]["userMessage"]  # Polish text for the operator
    assert control(sim, "GET", "/state")["offers"]["active"] == 1


def test_a_draft_skips_the_publication_rules(api: ContractClient) -> None:
    body = offer_body(api, isDraft=True, gallery=[], parameters=[])
    answer = api.post("/me/offers", json=body)
    assert answer.status_code == 200
    assert answer.json()["status"] == "draft"


def test_external_id_is_unique_per_account_and_findable(sim: RunningSimulator, api: ContractClient) -> None:
    created = api.post("/me/offers", json=offer_body(api, externalId="towar-17")).json()
    again = api.post("/me/offers", json=offer_body(api, externalId="towar-17"))
    assert again.status_code == 409
    error = again.json()["errors"][0]
    assert str(created["id"]) in error["message"] and error["offerId"] == created["id"]
    found = api.get("/me/offers", externalId="towar-17").json()
    assert found["totalElements"] == 1 and found["offers"][0]["id"] == created["id"]
    assert api.get("/me/offers", externalId="nie-ma").json() == {"offers": [], "totalElements": 0}
    # Another account may use the same externalId.
    other = link(sim, 2)
    assert other.post("/me/offers", json=offer_body(other, externalId="towar-17")).status_code == 200


def test_put_replaces_ends_and_counts_only_real_changes(sim: RunningSimulator, api: ContractClient) -> None:
    body = offer_body(api, externalId="A-1")
    offer = api.post("/me/offers", json=body).json()
    path = f"/me/offers/{offer['id']}"
    assert api.put(path, json=body).status_code == 200  # same content: no effect
    assert control(sim, "GET", "/state")["effects"]["PUT /me/offers/{id}"] == 0
    changed = api.put(path, json={**body, "title": "Sekator nowy tytuł", "price": 59.90})
    assert changed.json()["title"] == "Sekator nowy tytuł" and changed.json()["price"] == 59.9
    assert api.get(path).json()["title"] == "Sekator nowy tytuł"
    ended = api.put(path, json={**body, "status": "ended"})
    assert ended.json()["status"] == "ended"
    state = control(sim, "GET", "/state")
    assert state["effects"]["PUT /me/offers/{id}"] == 2
    assert state["offers"] == {"active": 0, "draft": 0, "ended": 1, "blocked": 0}
    assert api.put(path, json={**body, "title": "ab"}).status_code == 422
    assert api.put("/me/offers/1", json=body).status_code == 404
    other = link(sim, 2)
    assert other.get(path).status_code == 404  # another account's offer is not found


def test_offer_listing_pages_and_filters(api: ContractClient) -> None:
    image = offer_body(api)["gallery"]
    ids = [api.post("/me/offers", json=offer_body(api, gallery=image, externalId=f"P{i}")).json()["id"]
           for i in range(12)]
    api.put(f"/me/offers/{ids[0]}", json={**offer_body(api, gallery=image, externalId="P0"), "status": "ended"})
    first = api.get("/me/offers", pageSize=10).json()
    second = api.get("/me/offers", pageSize=10, page=2).json()
    assert first["totalElements"] == 12
    assert [o["id"] for o in first["offers"] + second["offers"]] == ids
    assert api.get("/me/offers", status="ended").json()["totalElements"] == 1
    # Page sizes outside 10..100 are clamped (the contract has no error answer for a listing).
    assert len(api.get("/me/offers", pageSize=5).json()["offers"]) == 10
    assert api.get("/me/offers", status="nonsense").json() == {"offers": [], "totalElements": 0}


def _offers(api: ContractClient, count: int, price: float = 10.0, stock: int = 5) -> list[int]:
    image = offer_body(api)["gallery"]
    return [api.post("/me/offers", json=offer_body(api, gallery=image, price=price, stockQuantity=stock,
                                                  externalId=f"B{i}")).json()["id"] for i in range(count)]


def test_bulk_update_changes_price_and_quantity(sim: RunningSimulator, api: ContractClient) -> None:
    ids = _offers(api, 3)
    assert api.post("/me/update-offers", json={"id": ids, "price": {"value": 12.5, "change": "exactValue"},
                                                "quantity": {"value": 7, "change": "exactValue"}}).json() == []
    assert api.post("/me/update-offers", json={"id": ids[:1], "price": {"value": 10, "change": "percentageChange"},
                                                "quantity": {"value": -2, "change": "numericalChange"}}).json() == []
    assert api.post("/me/update-offers", json={"id": ids[1:2],
                                                "price": {"value": -0.5, "change": "numericalChange"}}).json() == []
    seen = {o["id"]: (o["price"], o["stockQuantity"]) for o in control(sim, "GET", "/offers", params={"account": 1})}
    assert seen == {ids[0]: (13.75, 5), ids[1]: (12.0, 7), ids[2]: (12.5, 7)}
    # The same values again change nothing and count no effect.
    before = control(sim, "GET", "/state")["effects"]["POST /me/update-offers"]
    api.post("/me/update-offers", json={"id": ids[2:], "price": {"value": 12.5, "change": "exactValue"}})
    assert before == 3 == control(sim, "GET", "/state")["effects"]["POST /me/update-offers"]


def test_bulk_update_lists_failures_per_id(sim: RunningSimulator, api: ContractClient) -> None:
    ids = _offers(api, 2, stock=1)
    other = link(sim, 2)
    foreign = _offers(other, 1)[0]
    answer = api.post("/me/update-offers", json={"id": [*ids, 424242, foreign],
                                                  "quantity": {"value": -3, "change": "numericalChange"}})
    failures = {f["id"]: f["code"] for f in answer.json()}
    assert failures == {ids[0]: "validationFailed", ids[1]: "validationFailed", 424242: "resourceNotFound",
                        foreign: "resourceNotFound"}
    partial = api.post("/me/update-offers", json={"id": [ids[0], 424242], "quantity": {"value": 0,
                                                                                       "change": "exactValue"}})
    assert [f["id"] for f in partial.json()] == [424242]
    assert api.post("/me/update-offers", json={"id": list(range(1001)),
                                                "quantity": {"value": 1, "change": "exactValue"}}).status_code == 422
    assert api.post("/me/update-offers", json={"id": ids}).status_code == 422


def test_an_empty_id_list_changes_every_offer_as_live(sim: RunningSimulator, api: ContractClient) -> None:
    ids = _offers(api, 3, price=10.0)
    other = link(sim, 2)
    foreign = _offers(other, 1, price=10.0)[0]
    assert api.post("/me/update-offers", json={"id": [], "price": {"value": 77, "change": "exactValue"}}).json() == []
    prices = {o["id"]: o["price"] for o in control(sim, "GET", "/offers", params={"account": 1})}
    assert prices == dict.fromkeys(ids, 77.0)  # every offer of the account, none of another's
    assert other.get(f"/me/offers/{foreign}").json()["price"] == 10.0


def test_stock_reaching_zero_keeps_the_offer_active(sim: RunningSimulator, api: ContractClient) -> None:
    offer_id = _offers(api, 1, stock=2)[0]
    api.post("/me/update-offers", json={"id": [offer_id], "quantity": {"value": 0, "change": "exactValue"}})
    offer = api.get(f"/me/offers/{offer_id}").json()
    assert (offer["status"], offer["stockQuantity"]) == ("active", 0)
    assert control(sim, "POST", "/orders", params={"count": 1, "account": 1})["placed"] == 0


def test_categories_are_served_from_the_catalogue(api: ContractClient) -> None:
    from agent.catalogue import category_to_api

    first = api.get("/categories", pageSize=10000, includeParameters="true").json()
    assert first["numberOfPages"] == 2  # the live scale: about 16,000 categories
    second = api.get("/categories", page=2, pageSize=10000, includeParameters="true").json()
    assert first["categories"] + second["categories"] == [category_to_api(c) for c in load_categories()]
    bare = api.get("/categories", pageSize=10).json()
    assert bare["numberOfPages"] == -(-len(load_categories()) // 10)
    assert "fields" not in bare["categories"][0]
    leaf = a_leaf()
    assert api.get(f"/categories/{leaf.id}").json() == category_to_api(leaf)
    assert api.get(f"/categories/{leaf.id}/parameters").json() == {"fields": category_to_api(leaf)["fields"]}
    top = api.get("/categories/0/subcategories").json()
    assert {c["id"] for c in top} == {c.id for c in load_categories() if c.parent_id == 0}
    assert api.get("/categories/999999999/subcategories").status_code == 404
    assert api.get("/categories/999999999").status_code == 404


def test_the_simulator_is_no_stricter_than_the_contract(api: ContractClient) -> None:
    # Live binds property names whatever their case (C# clients send PascalCase), takes an offer without
    # images and any whole userQuantityLimit: the contract asks no more, nor does the simulator.
    body = offer_body(api, externalId="P-1")
    pascal = {key[0].upper() + key[1:]: value for key, value in body.items()}
    created = api.post("/me/offers", json={**pascal, "Gallery": [], "UserQuantityLimit": 0})
    assert created.status_code == 200, created.text
    offer = created.json()
    assert (offer["title"], offer["externalId"], offer["gallery"]) == (body["title"], "P-1", [])
    assert api.post("/me/update-offers", json={"Id": [offer["id"]], "Quantity": {"value": 3, "change": "exactValue"}}
                    ).json() == []
    assert api.get(f"/me/offers/{offer['id']}").json()["stockQuantity"] == 3
    assert api.post("/me/offers", json={**body, "externalId": "P-2", "userQuantityLimit": "2"}).status_code == 422
