"""Buyers over time: orders at `orders_per_minute`, and buyers who cancel, before or after the seller
imports their order.

`Crowd.tick(seconds)` is one step of buyer time: first the buyers whose wait is over cancel, then new
orders are placed (the rate's share of `seconds`, fractions carried over). Each new order draws a fate:
with `cancel_before_rate` its buyer cancels within two minutes whatever the order's status (usually
still `new`, before the seller imports it); with `cancel_after_rate` the buyer waits as long, and then
until the seller has the order `inProcess`, and cancels it there (a cancellation the agent only
learns through `retrieve-statuses`). An order already shipped or final cannot be cancelled any more.

Tests call `tick` directly; the server's loop (`run_crowd`) ticks once a second by how far the
platform's clock moved, so `POST /_sim/advance` makes buyers catch up too (at most `MAX_TICK` at once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from agent.simulator import sales
from agent.simulator.model import BuyerPlan
from agent.simulator.state import Platform

CANCEL_WAIT: Final = 120.0
"""Longest wait (buyer seconds) before a buyer who will cancel does so."""
MAX_TICK: Final = 300.0
"""Buyer time one loop step covers at most: a clock moved by a day must not flood the platform."""


@dataclass(frozen=True, slots=True)
class TickReport:
    placed: int
    cancelled_new: int
    cancelled_in_process: int


class Crowd:
    """The buyers of one platform; their plans live on the platform (so they persist with it)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._carry = 0.0

    def tick(self, seconds: float) -> TickReport:
        platform = self.platform
        settings = platform.settings
        cancelled_new = cancelled_in_process = 0
        for plan in list(platform.buyer_plans.values()):
            sale = platform.sales.get(plan.sale_id)
            if sale is None or sale.status not in ("new", "inProcess"):
                del platform.buyer_plans[plan.sale_id]
                continue
            plan.wait -= seconds
            if plan.wait > 0 or (plan.fate == "after" and sale.status != "inProcess"):
                continue
            was_new = sale.status == "new"
            sales.buyer_cancel(platform, sale)
            del platform.buyer_plans[plan.sale_id]
            cancelled_new += was_new
            cancelled_in_process += not was_new
        due = settings.orders_per_minute * seconds / 60.0 + self._carry
        count = int(due)
        self._carry = due - count
        placed = 0
        rng = platform.rng
        for _ in range(count):
            sale = sales.place_order(platform)
            if sale is None:
                self._carry = 0.0  # nothing to sell: buyers who found nothing do not queue up
                break
            placed += 1
            draw = rng.random()
            if draw < settings.cancel_before_rate:
                platform.buyer_plans[sale.id] = BuyerPlan(sale.id, "before", rng.uniform(1.0, CANCEL_WAIT))
            elif draw < settings.cancel_before_rate + settings.cancel_after_rate:
                platform.buyer_plans[sale.id] = BuyerPlan(sale.id, "after", rng.uniform(1.0, CANCEL_WAIT))
        return TickReport(placed, cancelled_new, cancelled_in_process)


async def run_crowd(crowd: Crowd, on_change: Callable[[], None] | None = None, *, step: float = 1.0) -> None:
    """Tick once every `step` real seconds by the platform clock's progress since the last tick."""
    clock = crowd.platform.clock
    last = clock.now()
    while True:
        await asyncio.sleep(step)
        now = clock.now()
        report = crowd.tick(min(MAX_TICK, max(0.0, now - last)))
        last = now
        if on_change is not None and (report.placed or report.cancelled_new or report.cancelled_in_process):
            on_change()
