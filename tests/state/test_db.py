"""The file itself: creation, migration, refusal of newer and damaged files, full disk, two handles."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from agent.errors import Bug, StorageError
from agent.state import SCHEMA_VERSION, ItemOutcome, RunOptions, StateDB
from agent.state.schema import MIGRATIONS

from .conftest import FakeClock

ORDERS = RunOptions(("orders",))


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _pragma(path: Path, name: str) -> object:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


async def test_creates_and_migrates_an_empty_home(db_path: Path) -> None:
    assert not db_path.parent.exists()
    async with StateDB(db_path) as state:
        run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    assert _pragma(db_path, "user_version") == SCHEMA_VERSION == len(MIGRATIONS)
    assert _pragma(db_path, "journal_mode") == "wal"
    with sqlite3.connect(db_path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"runs", "outcomes", "progress", "offer_links", "scheduler_lease", "connections"} <= tables
    assert run.id == 1


async def test_writer_pragmas(state: StateDB) -> None:
    async with state.database.write() as conn:
        async with conn.execute("PRAGMA synchronous") as cursor:
            synchronous = await cursor.fetchone()
        async with conn.execute("PRAGMA foreign_keys") as cursor:
            foreign_keys = await cursor.fetchone()
    assert synchronous is not None and synchronous[0] == 2  # FULL
    assert foreign_keys is not None and foreign_keys[0] == 1


async def test_reopen_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    async with StateDB(db_path) as state:
        await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    async with StateDB(db_path) as state:
        runs = await state.list_runs()
        second = await state.start_run("firma", trigger="automatic", operator="ADMIN", options=ORDERS)
    assert [run.id for run in runs] == [1]
    assert second.id == 2
    assert _pragma(db_path, "user_version") == SCHEMA_VERSION


async def test_newer_schema_is_refused_and_left_untouched(db_path: Path) -> None:
    async with StateDB(db_path) as state:
        await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    before = _read(db_path)

    with pytest.raises(StorageError) as caught:
        await StateDB(db_path).open()

    assert str(db_path) in str(caught.value)
    assert "newer" in str(caught.value)
    assert _read(db_path) == before


async def test_garbage_file_is_refused_by_name_and_never_written(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = b"this is not a database, it is a shopping list\n" * 200
    _write(db_path, garbage)

    with pytest.raises(StorageError) as caught:
        await StateDB(db_path).open()

    assert str(db_path) in str(caught.value)
    assert "damaged" in str(caught.value)
    assert _read(db_path) == garbage
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["state.sqlite"]


@pytest.mark.parametrize("damage", ["every page", "one page of rows"])
async def test_damaged_pages_are_refused_and_the_file_left_as_it_was(db_path: Path, damage: str) -> None:
    async with StateDB(db_path) as state:
        run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
        outcomes = [ItemOutcome("orders", f"order:{n}", "ok", message="x" * 200) for n in range(2000)]
        await state.record_outcomes(run.id, outcomes)
    page_size = int(str(_pragma(db_path, "page_size")))
    data = bytearray(_read(db_path))
    if damage == "every page":
        # Every page but the first: the header stays valid, so SQLite only finds out when it reads on.
        for offset in range(page_size, len(data), page_size):
            data[offset : offset + 64] = b"\xa5" * 64
    else:
        # A few zeroed bytes inside one page of outcome rows: only the integrity check can tell.
        middle = (len(data) // page_size // 2) * page_size
        data[middle + 100 : middle + 300] = bytes(200)
    _write(db_path, bytes(data))

    with pytest.raises(StorageError) as caught:
        await StateDB(db_path).open()

    assert str(db_path) in str(caught.value)
    assert "damaged" in str(caught.value)
    assert _read(db_path) == bytes(data)


async def test_full_disk_is_a_storage_error_and_nothing_of_the_batch_lands(state: StateDB) -> None:
    run = await state.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS)
    await state.record_outcomes(run.id, [ItemOutcome("orders", "order:1", "ok")])
    # A real SQLITE_FULL: the file may not grow past a few more pages.
    await state.database.limit_size(await state.database.page_count() + 3)
    batch = [ItemOutcome("orders", f"order:{n}", "failed", message="m" * 300) for n in range(5000)]

    with pytest.raises(StorageError) as caught:
        await state.record_outcomes(run.id, batch)

    assert "disk is full" in str(caught.value)
    assert str(state.path) in str(caught.value)
    assert [o.item for o in await state.outcomes(run.id)] == ["order:1"]
    # The handle stays usable: a small write still fits.
    await state.set_connection("firma", "connected")
    assert (await state.connection("firma")).state == "connected"


async def test_constraint_violation_is_our_bug(state: StateDB) -> None:
    with pytest.raises(Bug):
        await state.record_outcomes(999, [ItemOutcome("orders", "order:1", "ok")])


async def test_two_handles_on_one_file_see_each_others_writes(db_path: Path, clock: FakeClock) -> None:
    async with StateDB(db_path, clock=clock) as service, StateDB(db_path, clock=clock) as tui:
        run = await service.start_run("firma", trigger="automatic", operator="ADMIN", options=ORDERS)
        await service.set_progress(run.id, "orders", 3, 10)
        seen = await tui.running_progress()
        await tui.set_connection("firma", "connection_error", "invalid_grant")
        connection = await service.connection("firma")
    assert [(p.job, p.done, p.total) for p in seen[run.id]] == [("orders", 3, 10)]
    assert (connection.state, connection.reason) == ("connection_error", "invalid_grant")


async def test_a_write_waits_for_the_other_process_then_lands(db_path: Path) -> None:
    async with StateDB(db_path) as first, StateDB(db_path) as second:
        release = asyncio.Event()
        holding = asyncio.Event()

        async def hold() -> None:
            async with first.database.write() as conn:
                await conn.execute("INSERT INTO connections VALUES ('a', 'connected', '', '2026-01-01T00:00:00+00:00')")
                holding.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await holding.wait()
        waiting = asyncio.create_task(second.set_connection("b", "connected"))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # blocked on SQLite's lock, not failed
        release.set()
        await holder
        await waiting
        assert {c for c in await second.all_connections()} == {"a", "b"}


async def test_locked_past_the_busy_timeout_is_retry_later(db_path: Path) -> None:
    from agent.errors import RetryLater

    async with StateDB(db_path) as first, StateDB(db_path, busy_timeout_s=0.1) as second, first.database.write():
        with pytest.raises(RetryLater) as caught:
            await second.set_connection("b", "connected")
    assert "locked" in str(caught.value)
    assert str(db_path) in str(caught.value)


async def test_use_before_open_is_a_bug(db_path: Path) -> None:
    with pytest.raises(Bug):
        await StateDB(db_path).list_runs()


async def test_an_error_inside_a_write_rolls_everything_back(state: StateDB) -> None:
    with pytest.raises(RuntimeError):
        async with state.database.write() as conn:
            await conn.execute("INSERT INTO connections VALUES ('a', 'connected', '', '2026-01-01T00:00:00+00:00')")
            raise RuntimeError("the caller failed half way")
    assert await state.all_connections() == {}
    await state.set_connection("b", "connected")  # the writer lock was released
    assert set(await state.all_connections()) == {"b"}


async def test_two_processes_creating_the_file_at_once_both_open_it(db_path: Path) -> None:
    handles = [StateDB(db_path) for _ in range(3)]
    await asyncio.gather(*(handle.open() for handle in handles))
    try:
        runs = await asyncio.gather(
            *(h.start_run("firma", trigger="manual", operator="ADMIN", options=ORDERS) for h in handles)
        )
    finally:
        for handle in handles:
            await handle.close()
    assert sorted(run.id for run in runs) == [1, 2, 3]
    assert _pragma(db_path, "user_version") == SCHEMA_VERSION


async def test_a_cancelled_write_rolls_back_and_frees_the_writer(state: StateDB) -> None:
    inside = asyncio.Event()

    async def stuck_writer() -> None:
        async with state.database.write() as conn:
            await conn.execute("INSERT INTO connections VALUES ('a', 'connected', '', '2026-01-01T00:00:00+00:00')")
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck_writer())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await state.set_connection("b", "connected")
    assert set(await state.all_connections()) == {"b"}


async def test_a_naive_time_is_refused(state: StateDB) -> None:
    with pytest.raises(Bug):
        await state.prune_runs(datetime(2026, 1, 1))  # naive on purpose


async def test_a_write_cancelled_while_waiting_for_the_lock_leaves_no_transaction_open(db_path: Path) -> None:
    async with StateDB(db_path) as first, StateDB(db_path) as second:
        release = asyncio.Event()
        holding = asyncio.Event()

        async def hold() -> None:
            async with first.database.write():
                holding.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await holding.wait()
        waiting = asyncio.create_task(second.set_connection("b", "connected"))
        await asyncio.sleep(0.05)  # let it reach SQLite's busy wait
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        release.set()
        await holder
        await second.set_connection("c", "connected")
        await first.set_connection("d", "connected")  # second holds no stray write lock
        assert set(await first.all_connections()) == {"c", "d"}
