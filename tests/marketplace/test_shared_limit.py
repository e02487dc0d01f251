"""One request budget per account for every process: limiters on one file never overrun it together."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.marketplace.accounts import AccountPlaces
from agent.marketplace.limits import WINDOW, RateLimiter
from agent.marketplace.shared_limit import SPAN, SharedRateLimiter
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.marketplace.simhelp import Relay, client_for, control, link


class Clock:
    """Wall time that only moves when someone sleeps (and then moves the simulator's too, if given)."""

    def __init__(self, sim: RunningSimulator | None = None) -> None:
        self.now = time.time()
        self.sim = sim

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # The simulator first: this clock must never run ahead of the one that counts the requests.
        if self.sim is not None:
            await control(self.sim, "POST", "/advance", params={"seconds": seconds})
        self.now += seconds
        await asyncio.sleep(0)


def _most_in_a_minute(starts: list[float]) -> int:
    starts = sorted(starts)
    return max((sum(1 for t in starts if s <= t < s + WINDOW) for s in starts), default=0)


async def test_two_limiters_on_one_file_share_the_budget(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "rate.sqlite"
    first, second = (SharedRateLimiter(5, path, clock=clock, sleep=clock.sleep) for _ in range(2))
    starts: list[float] = []
    for _ in range(8):  # taking turns, as two processes running one after the other would
        for limiter in (first, second):
            await limiter.acquire()
            starts.append(clock())
    assert len(starts) == 16 and _most_in_a_minute(starts) == 5
    # A 429 seen by one holds the other too.
    first.block_for(30)
    before = clock()
    await second.acquire()
    assert clock() - before >= 30


async def test_a_broken_file_falls_back_to_this_process_alone(tmp_path: Path) -> None:
    clock = Clock()
    (tmp_path / "dir").mkdir()
    limiter = SharedRateLimiter(2, tmp_path / "dir", clock=clock, sleep=clock.sleep)  # a directory: no database
    for _ in range(3):
        await limiter.acquire()
    assert clock() - time.time() >= WINDOW - 5  # the third start waited for the minute, counted locally


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with run_simulator_in_thread(SimulatorSettings(port=0, requests_per_minute=10, seed=3)) as running:
        yield running


async def _two_runs(sim: RunningSimulator, places: AccountPlaces, shared: bool) -> list[int]:
    """Two clients of one account (as two processes would build them), each sending as many requests
    at once as the account may send in a minute; the statuses the marketplace answered."""
    clock = Clock(sim)
    relays = [Relay(), Relay()]
    clients = [client_for(sim, places, "Ogrodnik", transport=relay, rpm=10) for relay in relays]
    for client in clients:
        client.engine.limiter = (
            SharedRateLimiter(10, places.rate_limit_path("Ogrodnik"), clock=clock, sleep=clock.sleep)
            if shared else RateLimiter(10, clock=clock, sleep=clock.sleep)
        )
    try:
        await asyncio.gather(*(client.shipping_methods() for client in clients for _ in range(10)))
    finally:
        for client in clients:
            await client.aclose()
    return [status for relay in relays for status in relay.statuses("/shipping/methods")]


async def test_two_processes_of_one_account_never_meet_a_429(sim: RunningSimulator, places: AccountPlaces) -> None:
    await link(sim, places, "Ogrodnik")
    statuses = await _two_runs(sim, places, shared=True)
    assert statuses.count(200) == 20 and statuses.count(429) == 0


async def test_a_limiter_per_process_overruns_the_account(sim: RunningSimulator, places: AccountPlaces) -> None:
    # What the shared budget prevents: each process keeps to the limit, together they do not.
    await link(sim, places, "Ogrodnik")
    statuses = await _two_runs(sim, places, shared=False)
    assert statuses.count(429) > 0


async def test_every_client_of_an_installation_uses_the_shared_budget(places: AccountPlaces) -> None:
    from agent.marketplace.accounts import build_client

    client = build_client("Ogrodnik", base_url="http://127.0.0.1:9/api", requests_per_minute=60, places=places)
    limiter = client.engine.limiter
    assert isinstance(limiter, SharedRateLimiter) and limiter.path == places.rate_limit_path("Ogrodnik")
    assert limiter.path.parent == places.locks_dir
    await client.aclose()


async def test_the_wait_told_is_the_shared_one(tmp_path: Path) -> None:
    async def never(seconds: float) -> None:
        raise TimeoutError  # the caller's deadline ends the wait

    clock = Clock()
    first = SharedRateLimiter(1, tmp_path / "r.sqlite", clock=clock, sleep=clock.sleep)
    second = SharedRateLimiter(1, tmp_path / "r.sqlite", clock=clock, sleep=never)
    await first.acquire()
    assert first.wait_time() == 0
    with pytest.raises(TimeoutError):
        await second.acquire()
    assert second.wait_time() == pytest.approx(SPAN)  # what a RateLimited error would tell


_PROCESS = """
import asyncio, sys
from pathlib import Path
from agent.marketplace.shared_limit import SPAN, SharedRateLimiter

async def main() -> None:
    limiter = SharedRateLimiter(int(sys.argv[2]), Path(sys.argv[1]))
    started = 0
    try:
        for _ in range(int(sys.argv[3])):
            await asyncio.wait_for(limiter.acquire(), 2.0)
            started += 1
    except TimeoutError:
        pass
    print(started, round(limiter.wait_time()))

asyncio.run(main())
"""


def test_separate_processes_share_one_budget(tmp_path: Path) -> None:
    """Two real processes, one after the other (as two `marketsync sync` runs): the second finds the
    minute's budget spent by the first and waits instead of sending."""
    import subprocess
    import sys

    path = tmp_path / "rate.sqlite"

    def run(wanted: int) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", _PROCESS, str(path), "4", str(wanted)],
                              capture_output=True, text=True, timeout=60, check=True)
        started, wait = done.stdout.split()
        return int(started), int(wait)

    assert run(3) == (3, 0)
    started, wait = run(3)
    assert started == 1 and 55 <= wait <= 61  # one start left of 4; the next one waits for the minute


async def test_a_file_written_before_the_tally_still_counts_its_starts(tmp_path: Path) -> None:
    """A rate file from an earlier version (starts, no tally) keeps its minute's starts counted."""
    import sqlite3

    clock = Clock()
    path = tmp_path / "rate.sqlite"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE starts (at REAL NOT NULL);"
                      "CREATE TABLE block (id INTEGER PRIMARY KEY CHECK (id = 1), until REAL NOT NULL);")
    old.executemany("INSERT INTO starts (at) VALUES (?)", [(clock() - 10,)] * 3)
    old.commit()
    old.close()
    limiter = SharedRateLimiter(4, path, clock=clock, sleep=clock.sleep)
    await limiter.acquire()  # the fourth start of the minute
    before = clock()
    await limiter.acquire()  # the fifth waits until the three old ones are a minute old
    assert clock() - before == pytest.approx(SPAN - 10)


async def test_a_take_waits_for_another_process_holding_the_file(tmp_path: Path) -> None:
    """While another process is counting its start (the file's write lock held), a take neither
    fails nor falls back to counting alone: it waits off the loop and counts in the shared file."""
    import sqlite3

    path = tmp_path / "rate.sqlite"
    limiter = SharedRateLimiter(100, path)
    await limiter.acquire()  # opens the file
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    taking = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0.2)
    assert not taking.done()  # waiting for the other process, and the loop is free meanwhile
    other.execute("COMMIT")
    await asyncio.wait_for(taking, 10)
    (count,) = other.execute("SELECT count(*) FROM starts").fetchone()
    other.close()
    assert count == 2


async def test_limiters_opening_a_new_file_at_once_all_count_in_it(tmp_path: Path) -> None:
    """Two processes starting together (both opening the new rate file, both switching its journal)
    must both count in the shared file: SQLite refuses one of two simultaneous journal switches at
    once, and a limiter that took that for a broken file counted alone for good (10 429s in CI)."""
    import sqlite3

    for attempt in range(50):
        path = tmp_path / f"rate-{attempt}.sqlite"
        limiters = [SharedRateLimiter(100, path) for _ in range(6)]
        await asyncio.gather(*(limiter.acquire() for limiter in limiters))
        with sqlite3.connect(path) as db:
            (count,) = db.execute("SELECT count(*) FROM starts").fetchone()
        assert count == len(limiters), f"attempt {attempt}: {count} of {len(limiters)} starts in the shared file"
