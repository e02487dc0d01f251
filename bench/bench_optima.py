"""Benchmark of the Optima adapter on its SQLite `CDN` fixture: a full read, and the 1 % delta.

`python bench/bench_optima.py [--quick]` fills a fixture with 100,000 goods (5,000 with --quick),
each with two prices, stock in two warehouses and the marketplace category attribute, then times
the first full read (every product's content, then every stock and price: the first scan), and,
after touching 1 % of the products (content: a new name and Twr_TS_Mod; then prices), the port's
`content_changes` and `stock_price_changes` from the version before the touch (median of several
runs), the floor of a bare read of the stock-and-price pass's rows, and the stock and prices jobs'
reading (one pass for both, and the two passes of before). The fixture has no index on Twr_TS_Mod,
as the Optima databases known; the content delta is timed again at the end with one added. Same
bars as the embedded ERP (bench_erp.py). No SQL Server here: a real Optima answers over the
network, so these numbers are the adapter's own cost, not a real shop's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, Select, insert, update

from agent.config import CompanyConfig
from agent.erp.optima import queries
from agent.erp.optima.adapter import OptimaErp
from agent.erp.optima.content import CATEGORY_ATTRIBUTE, AttributeMapping
from agent.erp.optima.fixture import create_fixture
from agent.erp.optima.tables import def_atrybuty, def_ceny, magazyny, towary, twr_atrybuty, twr_ceny, twr_ilosci
from agent.state import StateDB
from agent.sync.jobs.stock_prices import plan_prices, plan_stock, plan_stock_and_prices
from bench.common import links_as_exported, write_config

BENCH = "optima"
RUNS = 5
ROUNDS = 5
MAPPING = AttributeMapping(parameters={}, image_attributes=())
# The stock-and-price bar proposed instead of 50 ms, which is below the time of just reading the
# 500,000 rows at 100,000 goods: Optima has no change column on prices or stock.
BAR_2X = "under 2: within 2x of a bare read of the same columns (proposed; 50 ms is below that read)"


def emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": BENCH, "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row, ensure_ascii=False), flush=True)


def fill(engine: Engine, products: int) -> None:
    rng = random.Random(1)
    stamp = datetime(2026, 1, 1)
    day = datetime.now() - timedelta(days=1)
    with engine.begin() as c:
        c.execute(
            insert(def_ceny),
            [
                {"DfC_DfCId": 1, "DfC_Nazwa": "detaliczna", "DfC_Typ": 2},
                {"DfC_DfCId": 2, "DfC_Nazwa": "internetowa", "DfC_Typ": 2},
            ],
        )
        c.execute(
            insert(magazyny), [{"Mag_MagId": 1, "Mag_Symbol": "MAGAZYN"}, {"Mag_MagId": 2, "Mag_Symbol": "SKLEP"}]
        )
        c.execute(insert(def_atrybuty), [{"DeA_DeAId": 1, "DeA_Kod": CATEGORY_ATTRIBUTE}])
        ids = range(1, products + 1)
        c.execute(
            insert(towary),
            [
                {
                    "Twr_TwrId": i,
                    "Twr_Typ": 1,
                    "Twr_Produkt": 0,
                    "Twr_Kod": f"TWR-{i:06}",
                    "Twr_Nazwa": f"Towar {i}",
                    "Twr_EAN": f"590{i:010}",
                    "Twr_Opis": "Opis towaru " * 20,
                    "Twr_JM": "szt.",
                    "Twr_Stawka": Decimal(23),
                    "Twr_Flaga": 2,
                    "Twr_NieAktywny": 0,
                    "Twr_TS_Mod": stamp,
                }
                for i in ids
            ],
        )
        c.execute(insert(twr_atrybuty), [{"TwA_TwrId": i, "TwA_DeAId": 1, "TwA_WartoscTxt": "100"} for i in ids])
        c.execute(
            insert(twr_ceny),
            [
                {"TwC_TwrID": i, "TwC_TwCNumer": n, "TwC_Wartosc": Decimal(rng.randint(100, 99999)) / 100}
                for i in ids
                for n in (1, 2)
            ],
        )
        c.execute(
            insert(twr_ilosci),
            [
                {"TwI_TwrId": i, "TwI_MagId": m, "TwI_Data": day, "TwI_Ilosc": rng.randint(0, 50), "TwI_Rezerwacje": 0}
                for i in ids
                for m in (1, 2)
            ],
        )


def touch(engine: Engine, products: int, what: str, seed: int) -> int:
    chosen = random.Random(seed).sample(range(1, products + 1), products // 100)
    with engine.begin() as c:
        for i in chosen:
            if what == "content":
                c.execute(
                    update(towary)
                    .where(towary.c.Twr_TwrId == i)
                    .values(
                        Twr_Nazwa=f"Towar {i} nowy {seed}", Twr_TS_Mod=datetime(2026, 2, 1) + timedelta(seconds=seed)
                    )
                )
            else:
                c.execute(
                    update(twr_ceny)
                    .where(twr_ceny.c.TwC_TwrID == i, twr_ceny.c.TwC_TwCNumer == 1)
                    .values(TwC_Wartosc=Decimal("1234.56") + seed)
                )
    return len(chosen)


async def _first_and_median_ms(call: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    """The first call after the change (it does the scan's work) and the median of all calls."""
    times: list[float] = []
    size = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        size = await call()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times), size


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM, Linux), in MB; 0 where /proc is not there."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pass_statements() -> list[Select[Any]]:
    """What one stock-and-price pass reads: goods, every price, each warehouse's latest stock row."""
    return [queries.goods(None, with_vat=False), queries.prices(None), queries.latest_stock(None, date.today())]


def bare_read(engine: Engine) -> int:
    """The floor through SQLAlchemy: the pass's statements, every row fetched, nothing done with them."""
    rows = 0
    with engine.connect() as conn:
        for statement in pass_statements():
            rows += sum(1 for _ in conn.execute(statement))
    return rows


def driver_read(engine: Engine, path: Path) -> int:
    """The floor of the driver alone: the same SQL run with the stdlib sqlite3 module, rows fetched."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("ATTACH DATABASE ? AS CDN", (str(path),))
        rows = 0
        for statement in pass_statements():
            sql = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))
            rows += len(conn.execute(sql).fetchall())
        return rows
    finally:
        conn.close()


async def best_ms(call: Callable[[], Awaitable[int]]) -> tuple[float, float, int]:
    """The best of 3 calls: wall ms, CPU ms of this process (steadier on a shared machine), size."""
    times: list[float] = []
    cpus: list[float] = []
    size = 0
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        size = await call()
        times.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return min(times), min(cpus), size


async def jobs_delta(  # noqa: PLR0917 - the bench's own helper
    folder: Path, erp: OptimaErp, engine: Engine, products: int, bare_ms: float, bare_cpu_ms: float
) -> None:
    """What the stock and prices jobs' reading costs, every good linked to an offer: a run with both
    jobs reads the changes once for both (`plan_stock_and_prices`); before, each job read them alone
    (`plan_stock` then `plan_prices`), timed here too for the comparison. After touching 1 % of the
    prices (a fresh 1 % for each way, so each pays for versioning what changed), and with no mark yet."""
    (folder / "jobs").mkdir()
    config = write_config(folder / "jobs", "http://127.0.0.1:9/api", ("Optima",))
    company: CompanyConfig = config.company("Optima")
    async with StateDB.for_config(config) as state:
        everything = await erp.stock_price_changes(0, price_type=company.price_type)
        links = links_as_exported(everything.items)
        await state.upsert_links(company.name, links)
        del everything, links  # as above: not the jobs' garbage

        async def one_pass(since: int) -> int:
            both = await plan_stock_and_prices(erp, state, company, stock_since=since, prices_since=since)
            return both.stock.read + both.prices.read

        async def each_alone(since: int) -> int:
            stock = await plan_stock(erp, state, company, since)
            prices = await plan_prices(erp, state, company, since)
            return stock.read + prices.read

        ways = (("one pass for both jobs (a run now)", one_pass), ("each job alone (two passes, before)", each_alone))
        seconds: dict[str, tuple[float, float]] = {}
        for seed, (way, plan) in enumerate(ways, start=5):
            for label, fresh in (("after touching 1 % of the prices", True), ("with no mark yet (a first run)", False)):
                since = 0
                if fresh:
                    since = await erp.change_version()
                    await asyncio.to_thread(touch, engine, products, "prices", seed)
                wall, cpu = time.perf_counter(), time.process_time()
                read = await plan(since)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                seconds[f"{way}, {label}"] = wall, cpu
                emit(f"stock and prices jobs' reading, {way}, {label} ({read:,} values read)", wall, "s",
                     "information", True)  # fmt: skip
                emit(f"stock and prices jobs' reading, {way}, {label}: CPU of this process (the fixture's SQLite "
                     "included)", cpu, "s CPU", "information", True)  # fmt: skip
        wall, cpu = seconds[f"{ways[0][0]}, after touching 1 % of the prices"]
        emit("stock and prices jobs' reading, one pass for both, after touching 1 % / bare read through SQLAlchemy",
             wall * 1000 / bare_ms, "ratio", BAR_2X, wall * 1000 / bare_ms < 2)  # fmt: skip
        emit("the same, CPU of this process / CPU of the bare read", cpu * 1000 / bare_cpu_ms, "ratio", BAR_2X,
             cpu * 1000 / bare_cpu_ms < 2)  # fmt: skip


async def content_rounds(
    erp: OptimaErp, engine: Engine, products: int, seeds: range
) -> tuple[list[float], list[float], int]:
    """Per seed: touch 1 % of the goods' content, then time the first content delta (it finds the
    change) and RUNS - 1 more (they read the same answer again). One first call is one sample on a
    shared machine: several changes give a median."""
    firsts: list[float] = []
    again: list[float] = []
    rows = 0
    for seed in seeds:
        mark = await erp.change_version()
        touched = await asyncio.to_thread(touch, engine, products, "content", seed)
        for run in range(RUNS):
            started = time.perf_counter()
            rows = len((await erp.content_changes(mark)).products)
            (again if run else firsts).append((time.perf_counter() - started) * 1000)
            assert rows == touched, (rows, touched)
    return firsts, again, rows


async def main(quick: bool) -> None:
    products = 5_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="bench-optima-") as folder:
        engine = create_fixture(Path(folder) / "cdn.sqlite")
        started = time.perf_counter()
        await asyncio.to_thread(fill, engine, products)
        emit(f"fill the CDN fixture, {products:,} goods", time.perf_counter() - started, "s", "information", True)
        async with await OptimaErp.open(engine, state_dir=Path(folder) / "state", mapping=MAPPING) as erp:
            started = time.perf_counter()
            everything = await erp.content_changes(0)
            prices = await erp.stock_price_changes(0, price_type="detaliczna", warehouses=("MAGAZYN", "SKLEP"))
            seconds = time.perf_counter() - started
            assert len(everything.products) == len(prices.items) == products
            # Kept alive, these 100,000 products would make every garbage collection of the
            # calls timed below walk them: a cost of this script, not of the adapter (a run
            # reads and sends changes a page at a time).
            del everything, prices
            emit(
                f"first full read, {products:,} goods with prices and stock",
                seconds,
                "s",
                "under 60 s for 100,000",
                seconds < 60 * products / 100_000,
            )

            # As in the Optima databases known (see the fixture): no index on Twr_TS_Mod, so SQL reads all
            # of CDN.Towary to find the saved goods.
            firsts, again, rows = await content_rounds(erp, engine, products, range(10, 10 + ROUNDS))
            emit(f"content changed since V after touching 1% ({rows} products), no index on Twr_TS_Mod (as in "
                 f"Optima), first call, median of {ROUNDS} changes", statistics.median(firsts), "ms", "under 50 ms",
                 statistics.median(firsts) < 50)  # fmt: skip
            emit(f"content changed since V after touching 1% ({rows} products), no index on Twr_TS_Mod (as in "
                 "Optima), again, median", statistics.median(again), "ms", "under 50 ms",
                 statistics.median(again) < 50)  # fmt: skip

            mark = await erp.change_version()
            touched = await asyncio.to_thread(touch, engine, products, "prices", 3)

            async def stock_price() -> int:
                changes = await erp.stock_price_changes(mark, price_type="detaliczna", warehouses=("MAGAZYN", "SKLEP"))
                return len(changes.items)

            first, ms, rows = await _first_and_median_ms(stock_price)
            assert rows == touched, (rows, touched)
            emit(f"stock/price changed since V after touching 1% ({rows} products), first call", first, "ms",
                 "under 50 ms", first < 50)  # fmt: skip
            emit(f"stock/price changed since V after touching 1% ({rows} products), median", ms, "ms",
                 "under 50 ms", ms < 50)  # fmt: skip

            # The floor of a pass: Optima has no change column on prices or stock, so finding the
            # 1 % means reading every good's rows; how close the delta comes to just reading them.
            path = Path(folder) / "cdn.sqlite"
            bare, bare_cpu, rows = await best_ms(lambda: asyncio.to_thread(bare_read, engine))
            emit(f"floor: bare read of the pass's rows through SQLAlchemy ({rows:,} rows)", bare, "ms",
                 "information", True)  # fmt: skip
            emit(f"floor: bare read of the pass's rows through SQLAlchemy ({rows:,} rows), CPU of this process",
                 bare_cpu, "ms CPU", "information", True)  # fmt: skip
            driver, _, rows = await best_ms(lambda: asyncio.to_thread(driver_read, engine, path))
            emit(f"floor: the same rows through the sqlite3 driver alone ({rows:,} rows)", driver, "ms",
                 "information", True)  # fmt: skip
            emit("stock/price delta (median) / bare read through SQLAlchemy", ms / bare, "ratio", BAR_2X,
                 ms / bare < 2)  # fmt: skip
            await jobs_delta(Path(folder), erp, engine, products, bare, bare_cpu)
            emit(f"peak memory of this process after the passes, {products:,} goods (the fixture's SQLite and "
                 "the bench's own data included)", peak_memory_mb(), "MB", "information", True)  # fmt: skip

            # What an index a DBA adds on Twr_TS_Mod would give (outside Comarch's support: see README).
            with engine.begin() as c:
                c.exec_driver_sql('CREATE INDEX "CDN"."fx_twr_ts_mod" ON "Towary" ("Twr_TS_Mod")')
            firsts, again, rows = await content_rounds(erp, engine, products, range(20, 23))
            emit(f"content changed since V after touching 1% ({rows} products), with an index on Twr_TS_Mod added "
                 "by a DBA, first call, median of 3 changes", statistics.median(firsts), "ms", "under 50 ms",
                 statistics.median(firsts) < 50)  # fmt: skip
            emit(f"content changed since V after touching 1% ({rows} products), with an index on Twr_TS_Mod added "
                 "by a DBA, again, median", statistics.median(again), "ms", "under 50 ms",
                 statistics.median(again) < 50)  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 products instead of 100,000")
    asyncio.run(main(parser.parse_args().quick))
