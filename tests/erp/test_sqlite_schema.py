"""The SQLite company database itself: PRAGMAs, migrations, refusing newer and damaged files, images."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from agent.erp.schema import MIGRATIONS, SCHEMA_VERSION
from agent.erp.sqlite import SqliteErp
from agent.errors import InvalidItem, StorageError
from tests.erp.conftest import png


def _pragma(path: Path, name: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


async def test_a_new_file_gets_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nowa" / "firma.sqlite"
    async with await SqliteErp.open(path) as erp:
        assert await erp.change_version() == 0
    assert _pragma(path, "user_version") == SCHEMA_VERSION
    assert _pragma(path, "journal_mode") == "wal"


async def test_an_old_file_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "stara.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    version, script = MIGRATIONS[0]
    conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {version}; COMMIT;")
    conn.execute("INSERT INTO products (code, name, vat_rate) VALUES ('A-1', 'Łopata', '23%')")
    conn.close()
    assert _pragma(path, "user_version") == 1
    async with await SqliteErp.open(path) as erp:
        assert [p.name for p in (await erp.content_changes(0)).products] == ["Łopata"]
        lease = await erp.read_lease()  # the lease table came with version 2
        assert lease.fencing_token == 0
    assert _pragma(path, "user_version") == SCHEMA_VERSION


async def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "nowsza.sqlite"
    async with await SqliteErp.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer") as caught:
        await SqliteErp.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


async def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "firma.sqlite"
    path.write_bytes(b"PK\x03\x04 this is a zip file, not a company database" * 100)
    before = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        await SqliteErp.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


async def test_a_damaged_database_is_reported_by_name_and_left_untouched(tmp_path: Path) -> None:
    good = tmp_path / "dobra.sqlite"
    async with await SqliteErp.open(good) as erp:
        conn = sqlite3.connect(good, isolation_level=None)
        conn.executemany(
            "INSERT INTO products (code, name, description, vat_rate) VALUES (?, ?, ?, '23%')",
            [(f"P-{i}", f"Produkt {i}", "opis " * 50) for i in range(400)],
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        assert len((await erp.content_changes(0)).products) == 400
    path = tmp_path / "zepsuta.sqlite"
    shutil.copy(good, path)
    data = bytearray(path.read_bytes())
    page = _pragma(good, "page_size")
    assert isinstance(page, int)
    for offset in range(page * 3, min(len(data), page * 12)):  # scribble over b-tree pages, keep the header
        data[offset] = (data[offset] * 7 + 13) % 256
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StorageError, match="damaged") as caught:
        await SqliteErp.open(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


async def test_money_is_never_stored_as_a_float(tmp_path: Path) -> None:
    path = tmp_path / "firma.sqlite"
    async with await SqliteErp.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO products (code, name, vat_rate) VALUES ('A', 'A', '23%')")
    conn.execute("INSERT INTO price_types (id, name) VALUES (1, 'detaliczna')")
    # A careless writer's float lands as text (TEXT affinity), never as a REAL.
    conn.execute("INSERT INTO prices (product_id, price_type_id, net, gross) VALUES (1, 1, 8.12, 9.99)")
    assert conn.execute("SELECT typeof(net), typeof(gross), gross FROM prices").fetchone() == ("text", "text", "9.99")
    money = [
        (table, column, kind)
        for table in ("prices", "documents", "document_lines")
        for _, column, kind, *_ in conn.execute(f"PRAGMA table_info({table})")
        if column in ("net", "gross", "unit_gross", "net_total", "gross_total")
    ]
    assert len(money) == 7 and {kind for _, _, kind in money} == {"TEXT"}
    conn.close()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (png(side=100), "at least 124"),
        (png(fmt="GIF"), "not JPEG, PNG or WebP"),
        (b"\x89PNG\r\n\x1a\n but truncated", "not a readable image"),
    ],
)
async def test_images_are_checked_before_they_are_stored(tmp_path: Path, content: bytes, reason: str) -> None:
    async with await SqliteErp.open(tmp_path / "firma.sqlite") as erp:
        conn = sqlite3.connect(tmp_path / "firma.sqlite")
        conn.execute("INSERT INTO products (code, name, vat_rate) VALUES ('A', 'A', '23%')")
        conn.commit()
        conn.close()
        await erp.set_images(1, [png(fmt="WEBP")])
        with pytest.raises(InvalidItem, match=reason):
            await erp.set_images(1, [png(), content])
        (product,) = await erp.products([1])
        assert [i.mime_type for i in product.images] == ["image/webp"]  # the failed call changed nothing
        with pytest.raises(InvalidItem, match="no product"):
            await erp.set_images(99, [png()])


async def test_a_failing_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.erp import database

    path = tmp_path / "firma.sqlite"
    async with await SqliteErp.open(path):
        pass
    broken = (SCHEMA_VERSION + 1, "CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1);")
    monkeypatch.setattr(database, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StorageError, match="no_such_table") as caught:
        await SqliteErp.open(path)
    assert str(path) in str(caught.value)
    assert _pragma(path, "user_version") == SCHEMA_VERSION
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "half_done" not in tables and "products" in tables


async def test_a_product_id_never_changes(tmp_path: Path) -> None:
    path = tmp_path / "firma.sqlite"
    async with await SqliteErp.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO products (code, name, vat_rate) VALUES ('A', 'A', '23%')")
    with pytest.raises(sqlite3.IntegrityError, match="never changes"):
        conn.execute("UPDATE products SET id = 77 WHERE id = 1")
    conn.execute("UPDATE products SET code = 'B' WHERE id = 1")  # the code may be renamed
    conn.close()
