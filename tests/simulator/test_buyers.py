"""Buyers over time: orders at the configured rate, cancellations before and after the seller imports
them, driven by `Crowd.tick` (no waiting), by the control route, and by the server's clock."""

from __future__ import annotations

import time
from typing import Any

import httpx2

from agent.simulator import sales
from agent.simulator.crowd import CANCEL_WAIT, Crowd
from agent.simulator.server import build_platform
from agent.simulator.settings import SimulatorSettings
from agent.simulator.state import Platform
from tests.simulator.conftest import MakeSim, control, link, offer_body
from tests.simulator.platforms import add_offer


def _platform(**settings: Any) -> Platform:
    platform = build_platform(SimulatorSettings(seed_accounts=1, **settings))
    add_offer(platform)
    return platform


def test_orders_come_at_the_rate_with_fractions_carried_over() -> None:
    crowd = Crowd(_platform(orders_per_minute=3))
    placed = [crowd.tick(10).placed for _ in range(12)]  # 0.5 an order per tick
    assert sum(placed) == 6 and set(placed) == {0, 1}
    assert sum(s.status == "new" for s in crowd.platform.sales.values()) == 6


def test_buyers_cancel_before_and_after_the_seller_imports_at_the_configured_rates() -> None:
    platform = _platform(orders_per_minute=600, cancel_before_rate=0.2, cancel_after_rate=0.1)
    crowd = Crowd(platform)
    first = crowd.tick(60)
    assert (first.placed, first.cancelled_new, first.cancelled_in_process) == (600, 0, 0)
    batch = list(platform.sales)
    fates = [p.fate for p in platform.buyer_plans.values()]
    assert 80 <= fates.count("before") <= 160 and 30 <= fates.count("after") <= 90  # 120 and 60 expected

    # The seller has imported nothing yet: the "before" buyers cancel orders that are still new.
    second = crowd.tick(CANCEL_WAIT + 1)
    assert second.cancelled_new == fates.count("before") and second.cancelled_in_process == 0
    assert sum(platform.sales[i].status == "cancelled" for i in batch) == fates.count("before")

    # The seller imports the rest of the first batch; the "after" buyers then cancel in process.
    still_new = [i for i in batch if platform.sales[i].status == "new"]
    assert sales.update_statuses(platform, 1, still_new[:100], "inProcess") == []
    assert sales.update_statuses(platform, 1, still_new[100:200], "inProcess") == []
    assert sales.update_statuses(platform, 1, still_new[200:300], "inProcess") == []
    assert sales.update_statuses(platform, 1, still_new[300:], "inProcess") == []
    third = crowd.tick(0)
    assert third.placed == 0 and third.cancelled_new == 0 and third.cancelled_in_process == fates.count("after")
    assert sum(platform.sales[i].status == "cancelled" for i in batch) == len(fates)


def test_a_cancellation_gives_the_stock_back_and_a_shipped_order_is_not_cancelled() -> None:
    platform = _platform(orders_per_minute=60, cancel_before_rate=0.0, cancel_after_rate=1.0)
    crowd = Crowd(platform)
    crowd.tick(60)
    offer = next(iter(platform.offers.values()))
    sold_before = offer.sold
    ids = list(platform.sales)
    assert sales.update_statuses(platform, 1, ids[:30], "inProcess") == []
    assert sales.update_statuses(platform, 1, ids[30:], "shipped") == []
    report = crowd.tick(CANCEL_WAIT + 1)
    assert report.cancelled_in_process == 30
    assert [platform.sales[i].status for i in ids].count("shipped") == len(ids) - 30
    given_back = sum(item.quantity for i in ids[:30] for item in platform.sales[i].items)
    newly_sold = sum(item.quantity for i in platform.sales if i not in set(ids) for item in platform.sales[i].items)
    assert offer.sold == sold_before - given_back + newly_sold
    assert not set(platform.buyer_plans) & set(ids)  # shipped ones were given up, cancelled ones done


def test_the_tick_route_runs_one_step_of_buyer_time(make_sim: MakeSim) -> None:
    sim = make_sim(orders_per_minute=600, cancel_before_rate=0.0, cancel_after_rate=0.0)
    api = link(sim, 1)
    api.post("/me/offers", json=offer_body(api, stockQuantity=100_000))
    assert control(sim, "POST", "/buyers/tick", params={"seconds": 6}) == {
        "placed": 60, "cancelledNew": 0, "cancelledInProcess": 0}
    assert httpx2.post(f"{sim.root_url}/_sim/buyers/tick", params={"seconds": "x"}).status_code == 400


def test_the_server_s_buyers_follow_the_simulator_clock(make_sim: MakeSim) -> None:
    sim = make_sim(orders_per_minute=30)
    api = link(sim, 1)
    api.post("/me/offers", json=offer_body(api, stockQuantity=100_000))
    control(sim, "POST", "/advance", params={"seconds": 120})  # 60 orders due at the next step
    deadline = time.monotonic() + 10
    placed = 0
    while time.monotonic() < deadline:
        state = control(sim, "GET", "/state", params={"account": 1})
        placed = sum(state["orders"].values())
        if placed >= 60:
            break
        time.sleep(0.1)
    assert placed >= 60
    listed = api.get("/me/sales", pageSize=100).json()
    assert listed["totalElements"] == placed
