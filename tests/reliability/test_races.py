"""Races: 2-4 processes for one company's lease, again and again; kills while holding it; runs
fenced out by a takeover; two processes refreshing one account's tokens across expiry.

The racers are long-lived processes (tests/reliability/racer.py) that race on command over a pipe.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent.core.orders import MARKETPLACE
from tests.sync.conftest import COMPANY, SyncWorld


class Racer:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, config: Path) -> Racer:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.reliability.racer", str(config), COMPANY,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        return cls(proc)

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{command}\n".encode())

    async def answer(self) -> str:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=30)
        assert line, "the racer died"
        return line.decode().strip()

    async def ask(self, command: str) -> str:
        self.send(command)
        return await self.answer()

    async def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        await self.proc.wait()


async def race(racers: list[Racer], command: str) -> list[str]:
    """Send `command` to every racer before reading any answer: they race for real."""
    for racer in racers:
        racer.send(command)
    return list(await asyncio.gather(*(r.answer() for r in racers)))


@pytest.fixture
async def racers(sync_world: SyncWorld) -> AsyncIterator[list[Racer]]:
    started = [await Racer.start(sync_world.config.path) for _ in range(4)]
    yield started
    for racer in started:
        await racer.stop()


async def test_races_for_one_lease_have_one_holder_and_kills_read_as_interrupted(
    sync_world: SyncWorld, racers: list[Racer]
) -> None:
    await _lease_races(sync_world, racers, 50, seed=7)


@pytest.mark.long
@pytest.mark.timeout(3600)
async def test_1000_races_for_one_lease(sync_world: SyncWorld, racers: list[Racer]) -> None:
    await _lease_races(sync_world, racers, 1000, seed=1000)


async def _lease_races(sync_world: SyncWorld, racers: list[Racer], wanted: int, *, seed: int) -> None:
    rng = random.Random(seed)
    tally: Counter[str] = Counter()
    kills = fenced = 0
    started = time.monotonic()
    for number in range(wanted):
        field = rng.sample(racers, k=rng.randint(2, 4))
        answers = await race(field, "acquire")
        holders = [r for r, a in zip(field, answers, strict=True) if a.startswith("held")]
        assert len(holders) == 1, answers
        assert sorted(a.split()[0] for a in answers).count("running") == len(field) - 1, answers
        tally.update(a.split()[0] for a in answers)
        [holder] = holders
        if number % 10 == 3:  # killed holding it: every next racer must read "interrupted"
            holder.send("die")
            await holder.proc.wait()
            racers[racers.index(holder)] = holder = await Racer.start(sync_world.config.path)
            kills += 1
            answers = await race(racers, "acquire")
            assert answers == ["interrupted"] * 4, answers
            answers = await race(racers, "acquire resume")
            assert sum(a.startswith("held") for a in answers) == 1, answers
            [holder] = [r for r, a in zip(racers, answers, strict=True) if a.startswith("held")]
        if number % 10 == 6:  # taken over: the old holder can write nothing to the ERP and no more to the market
            rival = rng.choice([r for r in racers if r is not holder])
            assert (await rival.ask("acquire takeover")).startswith("held")
            assert await holder.ask(f"fenced fenced-{number}") == "erp=lost market=lost"
            assert await sync_world.erp.document_for_order(MARKETPLACE, f"fenced-{number}") is None
            await rival.ask("release")
            fenced += 1
        await holder.ask("release")
    print(
        f"lease races: {wanted} races of 2-4 processes, 1 holder each, {kills} kills read as interrupted, "
        f"{fenced} fenced-out writers wrote 0, answers {dict(tally)}, {time.monotonic() - started:.1f} s"
    )


async def test_two_processes_across_token_expiry_refresh_once_per_rotation(
    sync_world: SyncWorld, racers: list[Racer]
) -> None:
    await _token_rotations(sync_world, racers, 5)


@pytest.mark.long
async def test_100_token_rotations_from_two_processes(sync_world: SyncWorld, racers: list[Racer]) -> None:
    await _token_rotations(sync_world, racers, 100)


async def _token_rotations(sync_world: SyncWorld, racers: list[Racer], rotations: int) -> None:
    pair = racers[:2]
    account = {"account": sync_world.account_id}
    assert await race(pair, "session") == ["ok", "ok"]
    before = await sync_world.control("GET", "/token-stats", params=account)
    for _ in range(rotations):
        await sync_world.control("POST", "/expire-tokens", params=account)
        assert await race(pair, "session") == ["ok", "ok"]
    after = await sync_world.control("GET", "/token-stats", params=account)
    assert after["invalidGrants"] == before["invalidGrants"] == 0
    assert after["refreshes"] - before["refreshes"] == rotations
    print(f"token refresh: 2 processes, {rotations} expiries, {rotations} refreshes, 0 invalid_grant")


async def test_a_process_adopting_tokens_the_marketplace_expired_refreshes_instead_of_asking_to_relink(
    sync_world: SyncWorld, racers: list[Racer]
) -> None:
    first, second = racers[:2]
    account = {"account": sync_world.account_id}
    assert await race([first, second], "session") == ["ok", "ok"]
    await sync_world.control("POST", "/expire-tokens", params=account)
    assert await first.ask("session") == "ok"  # refreshes, stores the new pair
    await sync_world.control("POST", "/expire-tokens", params=account)  # ... which the marketplace expires too
    # The second one gets 401, finds the first one's pair in the store, adopts it, gets 401 again:
    # that is not "link the account again", only a pair as stale as its own.
    assert await second.ask("session") == "ok"
    assert await first.ask("session") == "ok"
    stats = await sync_world.control("GET", "/token-stats", params=account)
    assert stats["invalidGrants"] == 0
