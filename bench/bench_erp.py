"""Benchmark of the embedded ERP: seeding a big company, and reading "what changed since V".

`python bench/bench_erp.py [--quick]` seeds a fresh company database (100,000 products; 5,000 with
--quick) in a temporary folder, then touches 1 % of the products (content, then prices) and times
the port's `content_changes` and `stock_price_changes` from the version before the touch (median
of several runs, each in its own read transaction, images included). One JSON line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.erp.touch import touch_company

BENCH = "erp"
RUNS = 9


def emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": BENCH, "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row, ensure_ascii=False), flush=True)


async def _median_ms(call: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    times: list[float] = []
    size = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        size = await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), size


async def main(quick: bool) -> None:
    products = 5_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="bench-erp-") as folder:
        path = Path(folder) / "firma.sqlite"
        started = time.perf_counter()
        async with await SqliteErp.open(path):
            pass
        await asyncio.to_thread(seed_company, path, products=products, seed=1)
        seconds = time.perf_counter() - started
        emit(f"seed {products:,} products", seconds, "s", "under 60 s for 100,000", seconds < 60 * products / 100_000)
        size_mb = path.stat().st_size / 1e6
        emit(f"database size, {products:,} products", size_mb, "MB", "information", True)

        async with await SqliteErp.open(path) as erp:
            mark = await erp.change_version()
            touched = await asyncio.to_thread(touch_company, path, percent=1, what="content", seed=2)

            async def content() -> int:
                return len((await erp.content_changes(mark)).products)

            ms, rows = await _median_ms(content)
            assert rows == touched.products, (rows, touched)
            emit(f"content changed since V after touching 1% ({rows} products)", ms, "ms", "under 50 ms", ms < 50)

            mark = await erp.change_version()
            touched = await asyncio.to_thread(touch_company, path, percent=1, what="prices", seed=3)

            async def stock_price() -> int:
                changes = await erp.stock_price_changes(mark, price_type="detaliczna", warehouses=("MAGAZYN", "SKLEP"))
                return len(changes.items)

            ms, rows = await _median_ms(stock_price)
            assert rows == touched.products, (rows, touched)
            emit(f"stock/price changed since V after touching 1% ({rows} products)", ms, "ms", "under 50 ms", ms < 50)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 products instead of 100,000")
    asyncio.run(main(parser.parse_args().quick))
