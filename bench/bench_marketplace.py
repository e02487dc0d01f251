"""Benchmark of the marketplace client: throughput, one refresh under load, and what hostile networks cost.

`python bench/bench_marketplace.py [--quick]` prints one JSON object per measurement (see bench/run.py).
Everything runs on loopback against the simulator (or, for the dead and dripping hosts, against a
closed port and a tiny server that sends one byte now and then).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import sys
import tempfile
import time
from pathlib import Path

import httpx2

# `tests` is not installed: the repository root makes it importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.marketplace.accounts import AccountPlaces, build_client
from agent.marketplace.calls import CallSettings
from agent.marketplace.connection import ConnectionRegistry
from agent.marketplace.retry import BreakerBoard, RetryPolicy
from agent.marketplace.token_store import FileTokenStore
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread

# The device flow with a consent through the simulator's control API, shared with the tests.
from tests.marketplace.simhelp import control, link


def _emit(metric: str, value: float, unit: str, target: str, ok: bool) -> None:
    row = {"bench": "marketplace", "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row), flush=True)


def _places(folder: Path) -> AccountPlaces:
    connections = ConnectionRegistry(folder / "connections")
    return AccountPlaces(FileTokenStore(folder / "tokens"), connections, folder / "locks")


async def _throughput(sim: RunningSimulator, places: AccountPlaces, calls: int) -> None:
    pair, _ = await link(sim, places, "Bench")
    concurrency = 20

    async def drive(call: object) -> float:
        queue = list(range(calls))
        start = time.perf_counter()

        async def worker() -> None:
            while queue:
                queue.pop()
                await call()  # type: ignore[operator]

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start

    client = build_client("Bench", base_url=sim.base_url, requests_per_minute=0, places=places, breakers=BreakerBoard())
    async with client:
        await client.shipping_methods()
        ours = await drive(client.shipping_methods)
    headers = {"Authorization": f"Bearer {pair.access_token}"}
    async with httpx2.AsyncClient(base_url=sim.base_url + "/", headers=headers) as raw:

        async def plain() -> None:
            (await raw.get("/shipping/methods")).raise_for_status()

        await plain()
        theirs = await drive(plain)
    rate = calls / ours
    _emit("calls_per_second", rate, "calls/s", ">= 200 calls/s with 20 in flight (loopback simulator)", rate >= 200)
    ratio = ours / theirs
    _emit("overhead_vs_raw_httpx2", ratio, "x", "<= 1.5x the time of bare httpx2 calls", ratio <= 1.5)


async def _single_refresh(sim: RunningSimulator, places: AccountPlaces, callers: int) -> None:
    _, account = await link(sim, places, "Expiry")
    client = build_client(
        "Expiry", base_url=sim.base_url, requests_per_minute=0, places=places, breakers=BreakerBoard()
    )
    async with client:
        await client.shipping_methods()
        await control(sim, "POST", "/expire-tokens", params={"account": account})
        start = time.perf_counter()
        await asyncio.gather(*(client.shipping_methods() for _ in range(callers)))
        took = time.perf_counter() - start
    stats = await control(sim, "GET", "/token-stats", params={"account": account})
    _emit(f"refreshes_for_{callers}_callers_across_expiry", stats["refreshes"], "refreshes", "exactly 1",
          stats["refreshes"] == 1 and stats["invalidGrants"] == 0)
    _emit(f"{callers}_callers_across_expiry_seconds", took, "s", "< 5 s", took < 5)


async def _bulk(sim: RunningSimulator, places: AccountPlaces, ids: int) -> None:
    await link(sim, places, "Bulk")
    client = build_client("Bulk", base_url=sim.base_url, requests_per_minute=0, places=places, breakers=BreakerBoard())
    async with client:
        start = time.perf_counter()
        failures = await client.change_quantities(list(range(1, ids + 1)), 5)
        took = time.perf_counter() - start
    ok = len(failures) == ids and took < 5
    _emit(f"bulk_quantity_{ids}_ids_seconds", took, "s", f"< 5 s for {ids} ids in calls of 1000", ok)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _dead_host(places: AccountPlaces, calls: int) -> None:
    """Default settings (4 attempts, backoff from 0.5 s, breaker after 5 faults) against nothing."""
    await _fake_link(places, "Dead")
    client = build_client(
        "Dead", base_url=f"http://127.0.0.1:{_closed_port()}/api", requests_per_minute=0, places=places,
        breakers=BreakerBoard(),
    )
    failed = 0
    start = time.perf_counter()
    async with client:
        for _ in range(calls):
            try:
                await client.shipping_methods()
            except Exception:
                failed += 1
    took = time.perf_counter() - start
    _emit(f"dead_host_{calls}_calls_seconds", took, "s", "< 10 s: a dead marketplace costs seconds, not hours",
          took < 10 and failed == calls)


async def _fake_link(places: AccountPlaces, company: str) -> None:
    from datetime import UTC, datetime, timedelta

    from agent.marketplace.models import TokenPair

    later = datetime.now(UTC) + timedelta(hours=1)
    places.store.save(company, TokenPair("bench-access-token", "bench-refresh-token", later, later))
    places.connections.set_connected(company)


async def _drip(places: AccountPlaces, deadline: float) -> None:
    """A server that sends headers, then one byte a second, forever: the call ends at its deadline."""

    stop = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
            while not stop.is_set():
                await writer.drain()
                await asyncio.sleep(0.5)
                writer.write(b" ")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await _fake_link(places, "Drip")
    settings = CallSettings(attempt_timeout=deadline / 2, call_deadline=deadline, retry=RetryPolicy(4, 0.05, 0.1))
    client = build_client(
        "Drip", base_url=f"http://127.0.0.1:{port}/api", requests_per_minute=0, places=places,
        breakers=BreakerBoard(), settings=settings,
    )
    start = time.perf_counter()
    async with client:
        with contextlib.suppress(Exception):
            await client.shipping_methods()
    took = time.perf_counter() - start
    stop.set()
    await asyncio.sleep(0.6)  # let the dripping handler notice and end
    server.close()
    await server.wait_closed()
    _emit("dripping_server_call_seconds", took, "s", f"<= call deadline ({deadline:.0f} s) + 0.5 s",
          took <= deadline + 0.5)


async def _run(quick: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        places = _places(Path(folder))
        with run_simulator_in_thread(SimulatorSettings(port=0, poll_interval=1, requests_per_minute=0)) as sim:
            await _throughput(sim, places, 300 if quick else 3000)
            await _single_refresh(sim, places, 200 if quick else 1000)
            await _bulk(sim, places, 10_000)
        await _dead_host(places, 100 if quick else 1000)
        await _drip(places, 2.0 if quick else 5.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    args = parser.parse_args()
    from loguru import logger

    logger.remove()  # the simulator logs every request at DEBUG; the numbers are what matters here
    asyncio.run(_run(args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
