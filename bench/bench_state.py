"""Benchmark of the state database: the writes a run makes often and the reads a delta sync needs.

`python bench/bench_state.py [--quick]` prints one JSON object per measurement (see bench/run.py).
- 10,000 item outcomes in one `record_outcomes` call (a big run's report);
- a flood of `report_progress` calls (the throttle must make them nearly free, and store few rows);
- 100,000 offer links written in one call, then read back whole (`all_links` with image maps, and
  `sent_values` without, what the stock and prices jobs compare against) and by 1,000 ids (`get_links`);
- opening that file again (includes `PRAGMA quick_check`, which grows with the file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from agent.errors import Phrase
from agent.state import ItemOutcome, OfferLink, RunOptions, StateDB

NO_CATEGORY = Phrase(
    "rule.line",
    {"code": "SEK-001", "name": "Sekator", "field": Phrase("rule.field.category"), "said": Phrase("rule.no_category")},
)


def _emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": "state", "metric": metric, "value": round(value, 2), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row), flush=True)


async def _bench(folder: Path, quick: bool) -> None:
    links_n = 20_000 if quick else 100_000
    repeats = 3 if quick else 7
    path = folder / "state.sqlite"
    async with StateDB(path) as state:
        options = RunOptions(("offers",))
        times: list[float] = []
        for _ in range(repeats):
            run = await state.start_run("bench", trigger="manual", operator="ADMIN", options=options)
            # Kept as the jobs keep them: a text key and its facts, with the English worded from them.
            batch = [
                ItemOutcome.said("offers", f"product:{n}", "ok", Phrase("outcome.offer_created", {"offer": n}))
                if n % 50
                else ItemOutcome.said(
                    "offers",
                    f"product:{n}",
                    "failed",
                    NO_CATEGORY,
                    hint=Phrase("rule.hint.category"),
                    error_class="InvalidItem",
                )
                for n in range(10_000)
            ]
            started = time.perf_counter()
            await state.record_outcomes(run.id, batch)
            times.append((time.perf_counter() - started) * 1000)
            await state.finish_run(run.id, "partial")
        outcomes_ms = statistics.median(times)
        _emit("record_outcomes, 10,000 items in one call, median", outcomes_ms, "ms", "under 300 ms", outcomes_ms < 300)

        run = await state.start_run("bench", trigger="manual", operator="ADMIN", options=options)
        calls = 50_000 if quick else 200_000
        started = time.perf_counter()
        writes = 0
        for done in range(calls):
            writes += await state.report_progress(run.id, "offers", done, calls)
        elapsed = time.perf_counter() - started
        per_call_us = elapsed / calls * 1e6
        allowed = 2 + int(elapsed / 0.5) + 1
        _emit("report_progress flood, per call", per_call_us, "µs", "under 20 µs a call", per_call_us < 20)
        _emit(
            f"report_progress flood, rows written for {calls} calls in {elapsed:.2f} s",
            writes,
            "writes",
            f"at most one per 0.5 s plus first and last (<= {allowed})",
            writes <= allowed,
        )
        await state.finish_run(run.id, "success")

        links = [
            OfferLink(n, str(n), 10_000_000 + n, f"{n:064x}", {f"{n:064x}": f"https://img/{n}"}, Decimal("9.99"), n % 7)
            for n in range(1, links_n + 1)
        ]
        started = time.perf_counter()
        await state.upsert_links("bench", links)
        upsert_ms = (time.perf_counter() - started) * 1000
        _emit(f"upsert_links, {links_n} links in one call", upsert_ms, "ms", "under 5 s", upsert_ms < 5000)

        reads: list[float] = []
        for _ in range(repeats):
            started = time.perf_counter()
            got = await state.all_links("bench")
            reads.append((time.perf_counter() - started) * 1000)
        assert len(got) == links_n
        all_ms = statistics.median(reads)
        _emit(f"all_links (with image maps), {links_n} links, median", all_ms, "ms", "under 1,500 ms", all_ms < 1500)

        reads = []
        for _ in range(repeats):
            started = time.perf_counter()
            sent = await state.sent_values("bench")
            reads.append((time.perf_counter() - started) * 1000)
        assert len(sent) == links_n
        sent_ms = statistics.median(reads)
        _emit(
            f"sent_values (links without image maps), {links_n} links, median",
            sent_ms,
            "ms",
            "under 500 ms (the stock and prices delta must fit in 1 s of agent CPU)",
            sent_ms < 500,
        )

        ids = range(1, links_n + 1, links_n // 1000)
        started = time.perf_counter()
        await state.get_links("bench", ids)
        some_ms = (time.perf_counter() - started) * 1000
        _emit("get_links, 1,000 ids", some_ms, "ms", "under 100 ms", some_ms < 100)

    size_mb = path.stat().st_size / 1e6
    started = time.perf_counter()
    async with StateDB(path):
        pass
    open_ms = (time.perf_counter() - started) * 1000
    _emit(f"open with quick_check, {size_mb:.0f} MB file", open_ms, "ms", "under 2,000 ms", open_ms < 2000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    from loguru import logger

    logger.remove()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(_bench(Path(folder), args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
