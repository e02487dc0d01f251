"""Benchmark of the runtime (bars: loop lag p99 < 50 ms, peak RSS < 300 MB): many companies on a
one-minute schedule, against the simulator.

`python bench/bench_runtime.py [--quick]` prints one JSON object per measurement (see bench/run.py).
The simulator runs in its own process (rate limit off). The companies are seeded, linked, and their
schedules told they last fired two minutes ago, so the first runs start at once; then the runtime
(`Runtime(role="service")`, as `marketsync run` uses it) schedules them for a while. A probe task
sleeps 10 ms in a loop and records how late it wakes: the event loop's lag. RSS is sampled every
second from /proc. Full: 100 companies for 3 minutes; --quick: 10 companies for 30 s. The schedules
run the default jobs (orders, offers, stock, prices); the catalogue is fetched once during setup.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.config import Config, load_config  # noqa: E402
from agent.erp.seed import seed_company  # noqa: E402
from agent.erp.sqlite import SqliteErp  # noqa: E402
from agent.marketplace.accounts import link_company, open_client  # noqa: E402
from agent.paths import Paths  # noqa: E402
from agent.runtime import events as ev  # noqa: E402
from agent.runtime.service import Runtime  # noqa: E402
from agent.state.models import RunOptions, ScheduleState  # noqa: E402
from agent.state.store import StateDB  # noqa: E402
from agent.sync.run import RunRequest, execute_run  # noqa: E402

PROBE_S = 0.010
SIMULATOR = (
    "from agent.simulator.server import SimulatorSettings, serve; "
    "serve(SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1, front=False))"
)


def _emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": "runtime", "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row), flush=True)


def _config_text(base_url: str, count: int) -> str:
    parts = [
        f"""
[agent]
home = "home"
log_dir = "logs"
token_store = "file"

[marketplace]
base_url = "{base_url}"
requests_per_minute = 100000
"""
    ]
    for n in range(count):
        parts.append(
            f"""
[[company]]
name = "Firma{n:03d}"
database = "firma{n:03d}.sqlite"

[company.schedule]
enabled = true
from_hour = 0
to_hour = 24
every_minutes = 1
jobs = ["orders", "offers", "stock", "prices"]
"""
        )
    return "".join(parts)


async def _build(config: Config, products: int) -> None:
    Paths.from_config(config).ensure()
    locks = Paths.from_config(config).locks_dir
    gate = asyncio.Semaphore(10)
    state = await StateDB.for_config(config).open()

    async def one(index: int, name: str) -> None:
        async with gate:
            database = config.company(name).database
            await (await SqliteErp.open(database)).close()
            await asyncio.to_thread(seed_company, database, products=products, seed=index + 1)
            await link_company(config, name, show=lambda registration: None, sleep=lambda s: asyncio.sleep(0.05))
            # The catalogue is fetched once, before measuring: schedules send offers and fetch orders
            # (the default jobs); the catalogue is an operator's occasional "Pobierz kategorie i warunki".
            erp = await SqliteErp.open(database)
            try:
                async with open_client(config, name) as market:
                    request = RunRequest(config.company(name), RunOptions(("catalogue",)), trigger="manual")
                    # No lease heartbeat during setup (see the report: a heartbeat cancelled mid-write
                    # can leave the ERP writer inside a transaction).
                    await execute_run(
                        request, erp=erp, market=market, state=state, locks_dir=locks, heartbeat_every=3600
                    )
            finally:
                await erp.close()

    try:
        await asyncio.gather(*(one(i, c.name) for i, c in enumerate(config.companies)))
        past = datetime.now(UTC) - timedelta(minutes=2)
        for company in config.companies:
            await state.set_schedule_state(ScheduleState(company.name, last_fire=past))
    finally:
        await state.close()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _measure(config: Config, seconds: float) -> dict[str, float]:
    runtime = Runtime(config, role="service")
    subscription = runtime.bus.subscribe()
    counts = {"events": 0, "finished": 0, "skipped": 0, "dropped": 0}
    lags: list[float] = []
    rss: list[float] = []

    async def read() -> None:
        async for event in subscription:
            counts["events"] += 1
            if isinstance(event, ev.RunFinished):
                counts["finished"] += 1
            elif isinstance(event, ev.RunSkipped):
                counts["skipped"] += 1

    async def probe() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(PROBE_S)
            lags.append(time.perf_counter() - before - PROBE_S)

    async def sample() -> None:
        while True:
            rss.append(_rss_mb())
            await asyncio.sleep(1.0)

    await runtime.start()
    tasks = [asyncio.create_task(body) for body in (read(), probe(), sample())]
    await asyncio.sleep(seconds)
    stop_started = time.perf_counter()
    await runtime.stop()
    stop_took = time.perf_counter() - stop_started
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    counts["dropped"] = subscription.dropped
    lags.sort()
    return {
        "p99": lags[int(len(lags) * 0.99)] * 1000,
        "max": lags[-1] * 1000,
        "rss": max(rss),
        "stop": stop_took,
        **{k: float(v) for k, v in counts.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10 companies for 30 s")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    count, seconds, products = (10, 30.0, 30) if args.quick else (100, 180.0, 30)
    from agent.logs import setup_logging

    setup_logging(None, verbose=False)
    if args.build is not None:
        asyncio.run(_build(load_config(args.build), products))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        simulator = subprocess.Popen(
            [sys.executable, "-u", "-c", SIMULATOR],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert simulator.stdout is not None
            base_url = simulator.stdout.readline().split()[2]
            path = Path(folder) / "config.toml"
            path.write_text(_config_text(base_url, count), encoding="utf-8")
            # The setup (seeding, linking, a catalogue copy per company) runs in a process of its own,
            # so the measured one holds only what `marketsync run` would: the memory the setup used
            # and freed would otherwise stay in this process's RSS.
            build = [sys.executable, __file__, "--build", str(path), *(["--quick"] if args.quick else [])]
            subprocess.run(build, cwd=ROOT, check=True)
            result = asyncio.run(_measure(load_config(path), seconds))
        finally:
            simulator.terminate()
            simulator.wait(timeout=20)
    label = f"{count} companies, 1-min schedules, {seconds:.0f} s"
    _emit(f"event-loop lag p99 ({label})", result["p99"], "ms", "< 50 ms", result["p99"] < 50)
    _emit(f"event-loop lag max ({label})", result["max"], "ms", "informational", True)
    _emit(f"peak RSS ({label})", result["rss"], "MB", "< 300 MB", result["rss"] < 300)
    _emit(f"runs finished ({label})", result["finished"], "runs", "informational", True)
    _emit(f"fires skipped: previous run still going ({label})", result["skipped"], "fires", "informational", True)
    _emit(f"stop with runs going ({label})", result["stop"], "s", "< 10 s", result["stop"] < 10)
    _emit(f"events published to a reading watcher ({label})", result["events"], "events", "informational", True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
