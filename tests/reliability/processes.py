"""`marketsync sync` in a process of its own, killed where a test wants it: at a named crash point
(the process kills itself) or by SIGKILL from outside after a delay; and a busy shop around it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from agent.erp.touch import touch_company
from tests.sync.conftest import COMPANY, SyncWorld

KILLED = -signal.SIGKILL


@dataclass(frozen=True, slots=True)
class Ended:
    code: int
    output: str

    @property
    def killed(self) -> bool:
        return self.code == KILLED


async def sync_process(
    config: Path, *args: str, crash: str | None = None, after: int = 0, kill_after: float | None = None
) -> Ended:
    """Run `python -m agent --config CONFIG sync COMPANY ARGS` with no terminal; SIGKILL it after
    `kill_after` seconds if it still runs; `crash` arms a named crash point."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKETSYNC_CRASH")}
    if crash:
        env["MARKETSYNC_CRASH_AT"] = crash
        env["MARKETSYNC_CRASH_AFTER"] = str(after)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agent", "--config", str(config), "sync", COMPANY, *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=kill_after)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        out, _ = await proc.communicate()
    return Ended(proc.returncode if proc.returncode is not None else -1, out.decode(errors="replace"))


@dataclass
class Shop:
    """A shop's day between two runs: buyers order and cancel, the ERP's users edit products and
    take some off sale (and back), so every job has something to write."""

    world: SyncWorld
    rng: random.Random
    parked: list[int] = field(default_factory=list)

    def _share(self, database: Path) -> None:
        conn = sqlite3.connect(database, timeout=30)
        try:
            shared = [
                r[0] for r in conn.execute("SELECT id FROM products WHERE shared_for_sale = 1 AND is_service = 0")
            ]
            with conn:
                if self.parked:
                    back = self.parked.pop(self.rng.randrange(len(self.parked)))
                    conn.execute("UPDATE products SET shared_for_sale = 1 WHERE id = ?", (back,))
                if len(shared) > 10:
                    away = self.rng.choice(shared)
                    conn.execute("UPDATE products SET shared_for_sale = 0 WHERE id = ?", (away,))
                    self.parked.append(away)
        finally:
            conn.close()

    async def day(self, *, orders: int = 5) -> None:
        world, rng = self.world, self.rng
        await world.control("POST", "/orders", params={"account": world.account_id, "count": orders})
        orders_now = list(await world.market.sales())
        for order in rng.sample(orders_now, k=min(2, len(orders_now))):
            if order.status in ("new", "inProcess"):
                with contextlib.suppress(Exception):  # a race with the agent is fine: then it is final
                    await world.control("POST", f"/orders/{order.id}/cancel")
        database = world.config.company(COMPANY).database
        await asyncio.to_thread(self._share, database)
        await asyncio.to_thread(touch_company, database, percent=8, what="all", seed=rng.randrange(1 << 30))
