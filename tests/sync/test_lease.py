"""The company lease: one holder, interrupted runs seen as such, explicit takeover, fencing."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent.erp.port import RunKind
from agent.erp.sqlite import SqliteErp
from agent.errors import LeaseHeld, LeaseInterrupted, LeaseLost
from agent.sync.lease import CompanyLease, lease_status, lock_path


@pytest.fixture
async def erp(tmp_path: Path) -> AsyncIterator[SqliteErp]:
    db = await SqliteErp.open(tmp_path / "firma.sqlite")
    yield db
    await db.close()


def _lease(erp: SqliteErp, tmp_path: Path, kind: RunKind = "manual") -> CompanyLease:
    return CompanyLease(
        erp,
        lock_path(tmp_path / "locks", "Firma"),
        kind=kind,
        operator="ADMIN",
        heartbeat_every=0.05,
        takeover_wait=0.5,
    )


async def test_one_holder_at_a_time_and_release_frees_it(erp: SqliteErp, tmp_path: Path) -> None:
    first = _lease(erp, tmp_path)
    before = await first.acquire()
    assert before.state == "free"
    status = await lease_status(erp, lock_path(tmp_path / "locks", "Firma"))
    assert status.state == "running" and status.holder is not None and status.holder.operator == "ADMIN"
    with pytest.raises(LeaseHeld) as info:
        await _lease(erp, tmp_path, "automatic").acquire()
    assert "is running" in str(info.value) and not isinstance(info.value, LeaseInterrupted)
    await first.release()
    assert (await lease_status(erp, lock_path(tmp_path / "locks", "Firma"))).state == "free"
    second = _lease(erp, tmp_path)
    await second.acquire()
    assert second.token == before.token + 2  # each taking raises the fencing token
    await second.release()


async def test_takeover_fences_the_old_holder_out(erp: SqliteErp, tmp_path: Path) -> None:
    old = _lease(erp, tmp_path)
    await old.acquire()
    new = _lease(erp, tmp_path)
    before = await new.acquire(take_over=True)
    assert before.state == "running"
    with pytest.raises(LeaseLost):
        await old.check()
    # The old run's ERP writes are refused inside the transaction.
    with pytest.raises(LeaseLost):
        await erp.cancel_document("wszystko.pl", "1", fence=old.token)
    await new.check()
    await old.release()
    await new.release()


_KILLED_HOLDER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pathlib import Path
    from agent.erp.sqlite import SqliteErp
    from agent.sync.lease import CompanyLease, lock_path

    async def main() -> None:
        erp = await SqliteErp.open(Path(sys.argv[1]))
        lease = CompanyLease(erp, lock_path(Path(sys.argv[2]), "Firma"), kind="automatic", operator="ADMIN")
        await lease.acquire()
        os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


async def test_a_killed_holder_leaves_an_interrupted_lease(erp: SqliteErp, tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _KILLED_HOLDER, str(erp.path), str(tmp_path / "locks")
    )
    assert await proc.wait() == -9
    status = await lease_status(erp, lock_path(tmp_path / "locks", "Firma"))
    assert status.state == "interrupted" and status.holder is not None and status.holder.kind == "automatic"
    with pytest.raises(LeaseInterrupted) as info:
        await _lease(erp, tmp_path).acquire()
    assert "interrupted" in str(info.value)
    resumed = _lease(erp, tmp_path)
    before = await resumed.acquire(resume_interrupted=True)
    assert before.state == "interrupted"
    await resumed.release()


_RACER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from agent.erp.sqlite import SqliteErp
    from agent.errors import LeaseHeld
    from agent.sync.lease import CompanyLease, lock_path

    async def line() -> str:
        return await asyncio.to_thread(sys.stdin.readline)

    async def main() -> None:
        erp = await SqliteErp.open(Path(sys.argv[1]))
        lease = CompanyLease(erp, lock_path(Path(sys.argv[2]), "Firma"), kind="automatic", operator="ADMIN")
        print("ready", flush=True)
        await line()  # "go": every racer is loaded and waits here, however slow its start was
        try:
            await lease.acquire()
        except LeaseHeld:
            print("refused", flush=True)
            return
        print("holder", flush=True)
        await line()  # held until the test has every answer, so no racer can come after the release
        await lease.release()

    asyncio.run(main())
    """
)


async def test_racing_processes_get_exactly_one_holder(erp: SqliteErp, tmp_path: Path) -> None:
    for _ in range(3):
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                _RACER,
                str(erp.path),
                str(tmp_path / "locks"),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            for _ in range(4)
        ]
        for proc in procs:
            assert proc.stdout is not None
            assert (await proc.stdout.readline()).decode().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        answers = []
        for proc in procs:
            assert proc.stdout is not None
            answers.append((await proc.stdout.readline()).decode().strip())
        assert sorted(answers) == ["holder", "refused", "refused", "refused"]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"release\n")
            proc.stdin.close()
            await proc.wait()
        assert (await lease_status(erp, lock_path(tmp_path / "locks", "Firma"))).state == "free"
