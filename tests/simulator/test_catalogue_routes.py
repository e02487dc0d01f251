"""The category routes answer without a token, as live, at the live scale; the seller's routes still
need one. Every answer is validated against the contract (ContractClient)."""

from __future__ import annotations

from agent.catalogue import (
    BRAND_PARAMETER_ID,
    CONDITION_PARAMETER_ID,
    EAN_PARAMETER_ID,
    PRODUCER_CODE_PARAMETER_ID,
    SKU_PARAMETER_ID,
    leaf_categories,
    load_categories,
)
from agent.simulator import RunningSimulator
from tests.simulator.conftest import MakeSim, link
from tests.simulator.contract import ContractClient


def test_the_category_routes_answer_without_a_token(sim: RunningSimulator) -> None:
    anonymous = ContractClient(sim.base_url)
    try:
        leaf = leaf_categories()[0]
        assert anonymous.get(f"/categories/{leaf.id}").json()["id"] == leaf.id
        fields = anonymous.get(f"/categories/{leaf.id}/parameters").json()["fields"]
        assert {CONDITION_PARAMETER_ID, EAN_PARAMETER_ID, PRODUCER_CODE_PARAMETER_ID, BRAND_PARAMETER_ID,
                SKU_PARAMETER_ID} <= {f["id"] for f in fields}
        tops = anonymous.get("/categories/0/subcategories").json()
        assert tops and all("parentId" not in c for c in tops)
        assert anonymous.get(f"/categories/{leaf.parent_id}/subcategories").json()
        # The seller's own routes still refuse a request without a token.
        assert anonymous.get("/me/guarantees").status_code == 401
    finally:
        anonymous.close()


def test_the_whole_live_scale_tree_pages_out_without_a_token(sim: RunningSimulator) -> None:
    anonymous = ContractClient(sim.base_url)
    try:
        first = anonymous.get("/categories", pageSize=10000, includeParameters="true").json()
        assert first["numberOfPages"] == 2
        second = anonymous.get("/categories", page=2, pageSize=10000, includeParameters="true").json()
        served = first["categories"] + second["categories"]
    finally:
        anonymous.close()
    assert len(served) == len(load_categories()) > 15_000
    assert [c["id"] for c in served] == [c.id for c in load_categories()]
    top = [c for c in served if "parentId" not in c]
    assert top and all(c["hasSubcategories"] for c in top)
    leaf = next(c for c in served if not c["hasSubcategories"])
    condition = next(f for f in leaf["fields"] if f["id"] == CONDITION_PARAMETER_ID)
    assert condition["label"] == "Stan" and condition["required"]
    assert all(isinstance(v["id"], int) for v in condition["values"])
    assert isinstance(condition["dictionaryId"], int)


def test_a_token_on_a_category_route_still_counts_against_the_rate_limit(make_sim: MakeSim) -> None:
    sim = make_sim(requests_per_minute=5)
    api = link(sim, 1)
    anonymous = ContractClient(sim.base_url)
    try:
        statuses = [api.get("/categories/0/subcategories").status_code for _ in range(8)]
        assert 429 in statuses
        assert anonymous.get("/categories/0/subcategories").status_code == 200
    finally:
        api.close()
        anonymous.close()
