"""Read and write primitives of the company's sync lease (one row; the sync jobs own the policy).

Every write is compare-and-set on the fencing token inside the writer's transaction: whoever
read the lease and decided to take it succeeds only if nobody else moved the token meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

import aiosqlite

from agent.erp.port import Lease, LeaseHolder, RunKind
from agent.errors import LeaseLost, Phrase


async def read_lease(conn: aiosqlite.Connection) -> Lease:
    async with conn.execute(
        """SELECT fencing_token, holder_host, holder_pid, kind, operator, started_at, heartbeat_at
           FROM sync_lease WHERE id = 1"""
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return Lease(holder=None, fencing_token=0)
    token, host, pid, kind, operator, started, heartbeat = row
    if host is None:
        return Lease(holder=None, fencing_token=int(token))
    holder = LeaseHolder(
        host=str(host),
        pid=int(pid),
        kind=cast(RunKind, kind),
        operator=str(operator),
        started_at=datetime.fromisoformat(str(started)),
        heartbeat_at=datetime.fromisoformat(str(heartbeat)),
    )
    return Lease(holder=holder, fencing_token=int(token))


async def _expect(path: Path, conn: aiosqlite.Connection, token: int) -> None:
    current = (await read_lease(conn)).fencing_token
    if current != token:
        raise LeaseLost(
            f"{path}: the lease token is {current}, not {token}: another run took it",
            phrase=Phrase("err.lease_token_moved", {"path": str(path), "current": current, "token": token}),
        )


async def take_lease(path: Path, conn: aiosqlite.Connection, holder: LeaseHolder, expected_token: int) -> int:
    await _expect(path, conn, expected_token)
    new_token = expected_token + 1
    await conn.execute(
        """UPDATE sync_lease SET fencing_token = ?, holder_host = ?, holder_pid = ?, kind = ?, operator = ?,
               started_at = ?, heartbeat_at = ? WHERE id = 1""",
        (
            new_token,
            holder.host,
            holder.pid,
            holder.kind,
            holder.operator,
            holder.started_at.isoformat(),
            holder.heartbeat_at.isoformat(),
        ),
    )
    return new_token


async def heartbeat_lease(path: Path, conn: aiosqlite.Connection, token: int, at: datetime) -> None:
    lease = await read_lease(conn)
    if lease.fencing_token != token or lease.holder is None:
        current = lease.fencing_token
        raise LeaseLost(
            f"{path}: the lease of token {token} is no longer held (token now {current})",
            phrase=Phrase("err.lease_token_gone", {"path": str(path), "token": token, "current": current}),
        )
    await conn.execute("UPDATE sync_lease SET heartbeat_at = ? WHERE id = 1", (at.isoformat(),))


async def release_lease(conn: aiosqlite.Connection, token: int) -> bool:
    cursor = await conn.execute(
        """UPDATE sync_lease SET holder_host = NULL, holder_pid = NULL, kind = NULL, operator = NULL,
               started_at = NULL, heartbeat_at = NULL WHERE id = 1 AND fencing_token = ?""",
        (token,),
    )
    return cursor.rowcount == 1
