"""The jobs a run can do, by name, in the order a run does them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from agent.domain import JobName
from agent.sync.context import RunContext
from agent.sync.jobs.catalogue import catalogue_job
from agent.sync.jobs.offers import offers_job
from agent.sync.jobs.orders import orders_job
from agent.sync.jobs.stock_prices import prices_job, stock_job

JobFunction = Callable[[RunContext], Awaitable[None]]

JOBS: Mapping[JobName, JobFunction] = MappingProxyType(
    {
        "catalogue": catalogue_job,
        "orders": orders_job,
        "offers": offers_job,
        "stock": stock_job,
        "prices": prices_job,
    }
)
