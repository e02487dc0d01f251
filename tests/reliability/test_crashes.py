"""Crashes: the agent killed (SIGKILL) at every named crash point, and at random moments of mixed
runs, then run again: nothing doubled, nothing lost, both sides agree, every database sound.

Each test keeps one world (simulator, ERP, state) for all its kills, with a shop's day between runs
(orders, cancellations, ERP edits), so later kills land on the leftovers of earlier ones.
"""

from __future__ import annotations

import random
import time

import pytest

from tests.reliability.checks import broken_promises
from tests.reliability.processes import Shop, sync_process
from tests.sync.conftest import SyncWorld

# (point, passes before the kill, sync flags). Chained: a point's kill is recovered by the next
# armed run, and only then by a clean one, so the first offers run dies three times.
NAMED_POINTS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("offers.before_upload", 3, ()),
    ("offers.before_create", 5, ()),
    ("offers.after_create", 5, ()),
    ("lease.before_take", 0, ()),
    ("lease.after_take", 0, ()),
    ("orders.after_commit", 1, ("--orders",)),
    ("orders.before_status", 0, ("--orders",)),
    ("orders.after_status", 0, ("--orders",)),
    ("orders.after_cancel", 0, ("--orders",)),
    ("offers.before_replace", 0, ("--offers",)),
    ("offers.after_replace", 0, ("--offers",)),
    ("offers.before_end", 0, ("--offers",)),
    ("stock.before_bulk", 0, ("--stock",)),
    ("stock.after_bulk", 0, ("--stock",)),
    ("prices.before_bulk", 0, ("--prices",)),
    ("prices.after_bulk", 0, ("--prices",)),
)
CHAINED = {"offers.before_upload", "offers.before_create"}
"""Points whose kill is followed by the next point's armed run instead of a clean recovery."""


async def _recover(world: SyncWorld, killed: str = "") -> None:
    """A clean run (`--yes`: the last one was interrupted), then every promise checked."""
    ended = await sync_process(world.config.path, "--yes")
    assert ended.code in (0, 1), ended.output
    problems = await broken_promises(world)
    assert problems == [], f"{problems}\n--- killed run:\n{killed[-3000:]}\n--- recovery:\n{ended.output[-3000:]}"


@pytest.fixture
async def world(sync_world: SyncWorld) -> SyncWorld:
    ended = await sync_process(sync_world.config.path, "--catalogue")
    assert ended.code == 0, ended.output
    return sync_world


async def test_a_kill_at_every_named_point_then_a_rerun_loses_and_doubles_nothing(world: SyncWorld) -> None:
    shop = Shop(world, random.Random(12))
    not_reached: list[str] = []
    for point, after, flags in NAMED_POINTS:
        if point not in CHAINED or point == "offers.before_upload":
            await shop.day()
        ended = await sync_process(world.config.path, *flags, "--yes", crash=point, after=after)
        if not ended.killed:
            not_reached.append(f"{point} (exit {ended.code}): {ended.output[-400:]}")
            continue
        if point == "lease.before_take":  # killed before it wrote the holder: the lease is just free
            assert "został przerwany" not in (await sync_process(world.config.path, "--catalogue")).output
        if point == "lease.after_take":  # killed holding it: the next run without --yes says so and refuses
            refused = await sync_process(world.config.path)
            assert refused.code == 3 and "został przerwany" in refused.output, refused.output
        if point not in CHAINED:
            await _recover(world)
    assert not_reached == []


async def test_random_kills_during_mixed_runs_lose_and_double_nothing(world: SyncWorld) -> None:
    await _random_kills(world, 8, seed=1212)


@pytest.mark.long
@pytest.mark.timeout(3600)
async def test_300_random_kills_during_mixed_runs_lose_and_double_nothing(world: SyncWorld) -> None:
    await _random_kills(world, 300, seed=300)


async def _random_kills(world: SyncWorld, wanted: int, *, seed: int) -> None:
    rng = random.Random(seed)
    shop = Shop(world, rng)
    kills = runs = 0
    started = time.monotonic()
    await _recover(world)  # the first offers run takes longest; kill the ordinary ones
    while kills < wanted:
        await shop.day(orders=rng.randint(0, 12))
        flags = rng.choice(((), (), ("--orders",), ("--offers",), ("--stock", "--prices")))
        ended = await sync_process(world.config.path, *flags, "--yes", kill_after=rng.uniform(0.15, 1.0))
        runs += 1
        if ended.killed:
            kills += 1
            await _recover(world, ended.output)
        else:
            assert ended.code in (0, 1), ended.output
    print(f"random kills: {kills} kills in {runs} runs, {time.monotonic() - started:.0f} s, 0 broken promises")
