"""The one SQLite base: three processes opening one new file at once, errors mapped one way."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from agent import sqlite_base
from agent.errors import Bug, RetryLater, StorageError

_CHILD = r"""
import asyncio, sys, time
from pathlib import Path

kind, path, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
print("ready", flush=True)
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:  # released together by the parent
    time.sleep(0.001)


async def main() -> None:
    if kind == "erp":
        from agent.erp.sqlite import SqliteErp

        erp = await SqliteErp.open(path)
        await erp.close()
    else:
        from agent.state.store import StateDB
        from agent.state.models import RunOptions

        async with StateDB(path) as state:
            await state.start_run("firma", trigger="manual", operator="ADMIN", options=RunOptions(jobs=("orders",)))


try:
    asyncio.run(main())
    print("ok", flush=True)
except Exception as exc:
    print("FAIL", type(exc).__name__, exc, flush=True)
"""


def _open_together(kind: str, path: Path, go: Path, processes: int = 3) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, kind, str(path), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    return [child.communicate(timeout=120)[0].strip() for child in children]


@pytest.mark.parametrize("kind", ["erp", "state"])
def test_three_processes_opening_one_new_file_at_once_all_open_it(kind: str, tmp_path: Path) -> None:
    for round_ in range(8):
        path = tmp_path / f"{kind}-{round_}.sqlite"
        answers = _open_together(kind, path, tmp_path / f"go-{kind}-{round_}")
        assert answers == ["ok"] * 3, answers
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1


KIND = sqlite_base.SqliteFile(name="the test database", damaged_hint="restore it from a backup")


def test_locked_is_retry_later_and_a_storage_error(tmp_path: Path) -> None:
    error = sqlite_base.error_for(tmp_path / "x.sqlite", KIND, sqlite3.OperationalError("database is locked"))
    assert isinstance(error, RetryLater) and isinstance(error, StorageError)


def test_a_permission_problem_is_not_told_to_restore_a_backup(tmp_path: Path) -> None:
    error = sqlite_base.error_for(
        tmp_path / "x.sqlite", KIND, sqlite3.OperationalError("attempt to write a readonly database")
    )
    assert "permissions" in str(error) and "backup" not in str(error)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_says_to_check_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(sqlite_base.SQLITE_HEADER)
    path.chmod(0)
    with pytest.raises(StorageError) as caught:
        sqlite_base.check_header(path, KIND)
    assert "permissions" in str(caught.value) and "backup" not in str(caught.value)


def test_damage_and_full_disk_and_constraints(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    damaged = sqlite_base.error_for(path, KIND, sqlite3.DatabaseError("database disk image is malformed"))
    assert "damaged" in str(damaged) and "backup" in str(damaged) and str(path) in str(damaged)
    full = sqlite_base.error_for(path, KIND, sqlite3.OperationalError("database or disk is full"))
    assert "disk is full" in str(full) and not isinstance(full, RetryLater)
    assert isinstance(sqlite_base.error_for(path, KIND, sqlite3.IntegrityError("UNIQUE constraint failed")), Bug)


def test_a_file_that_is_not_sqlite_is_refused_before_sqlite_touches_it(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"hello, not a database")
    with pytest.raises(StorageError, match="not an SQLite database"):
        sqlite_base.check_header(path, KIND)
    assert path.read_bytes() == b"hello, not a database"
    assert sqlite_base.check_header(tmp_path / "absent.sqlite", KIND) is False


def test_a_migration_script_splits_into_statements_keeping_trigger_bodies() -> None:
    script = """
    CREATE TABLE a (x);
    CREATE TRIGGER t AFTER INSERT ON a BEGIN
        UPDATE a SET x = 1;
        UPDATE a SET x = 2;
    END;
    CREATE TABLE b (y);
    """
    steps = sqlite_base.statements(script)
    assert len(steps) == 3 and steps[1].startswith("CREATE TRIGGER") and steps[1].endswith("END;")


def test_one_rule_makes_a_company_name_part_of_a_file_name(tmp_path: Path) -> None:
    from agent.marketplace.token_store import company_slug
    from agent.paths import company_file_name
    from agent.sync.lease import lock_path

    # Two companies the old lease rule (non-word characters to "_") gave one lock file.
    assert lock_path(tmp_path, "Firma A") != lock_path(tmp_path, "Firma_A")
    # One company whatever the letter case, as the config check sees it; the same key everywhere.
    assert lock_path(tmp_path, "Sklep Ogrodnik") == lock_path(tmp_path, "sklep ogrodnik")
    assert company_slug("Sklep/Ogrodnik") == company_file_name("Sklep/Ogrodnik") == "sklep%2Fogrodnik"
