"""Benchmark of the orders job (bar: >= 200 orders a second against the simulator).

`python bench/bench_orders.py [--quick]`: the simulator runs as the real command in its own process
with the rate limit off; a seeded company exports its offers (catalogue and offers jobs), buyers
place N orders through the control API, and the orders job imports them all: each becomes an RO
in its own ERP transaction and is set inProcess after commit. Measured: orders imported per second
of the whole job (listing, status check, RO, status change, cancellation check, reconciliation).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.erp.sqlite import SqliteErp
from agent.marketplace.accounts import open_client
from agent.paths import Paths
from agent.state.models import RunOptions
from agent.state.store import StateDB
from agent.sync.run import RunRequest, execute_run
from bench.common import emit, seeded_and_linked, start_simulator, write_config

BENCH = "orders"
COMPANY = "Bench"


async def bench(folder: Path, orders: int, products: int) -> None:
    process, base_url = start_simulator()
    try:
        config = write_config(folder, base_url, (COMPANY,))
        await seeded_and_linked(config, COMPANY, products)
        company = config.company(COMPANY)
        locks = Paths.from_config(config).locks_dir
        async with (
            await SqliteErp.open(company.database) as erp,
            StateDB.for_config(config) as state,
            open_client(config, COMPANY) as market,
        ):

            async def run(*jobs: str) -> float:
                started = time.perf_counter()
                done = await execute_run(
                    RunRequest(company=company, options=RunOptions(jobs=jobs)),  # type: ignore[arg-type]
                    erp=erp,
                    market=market,
                    state=state,
                    locks_dir=locks,
                )
                assert done.result in ("success", "partial"), done.error_summary
                return time.perf_counter() - started

            await run("catalogue", "offers", "stock", "prices")
            root = base_url.removesuffix("/api")
            async with httpx2.AsyncClient(base_url=root, timeout=60) as http:
                placed = 0
                while placed < orders:
                    answer = (await http.post("/_sim/orders", params={"count": min(5000, orders - placed)})).json()
                    if not answer["placed"]:
                        break
                    placed += answer["placed"]
            seconds = await run("orders")
            async with httpx2.AsyncClient(base_url=root) as http:
                counts = (await http.get("/_sim/state")).json()["orders"]
        assert counts["new"] == 0 and counts["inProcess"] == placed, counts
        rate = placed / seconds
        emit(BENCH, f"order import, {placed:,} orders", rate, "orders/s", target=">= 200 orders/s", ok=rate >= 200)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(Path(folder), orders=300 if args.quick else 3000, products=60 if args.quick else 300))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
