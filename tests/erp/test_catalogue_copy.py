"""The SQLite catalogue copy at the live scale: replaced by diff (an unchanged tree writes no category
or parameter row), parameter order kept, and the whole shipped tree read back equal."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from agent.catalogue import load_categories
from agent.domain import Category, Terms
from agent.erp.sqlite import SqliteErp

TERMS = Terms((), (), (), (), (), ())


def _by_id(categories: tuple[Category, ...]) -> tuple[Category, ...]:
    return tuple(sorted(categories, key=lambda c: c.id))  # the copy reads back in id order


def _count_writes(path: Path) -> None:
    """Triggers that count every insert, update and delete on the two big tables."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("CREATE TABLE writes (n INTEGER NOT NULL)")
        conn.execute("INSERT INTO writes VALUES (0)")
        for table in ("mp_categories", "mp_category_parameters"):
            for event in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(f"CREATE TRIGGER count_{table}_{event} AFTER {event} ON {table} "
                             "BEGIN UPDATE writes SET n = n + 1; END")
    finally:
        conn.close()


def _writes(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT n FROM writes").fetchone()[0])
    finally:
        conn.close()


async def test_the_live_scale_tree_is_copied_whole_then_only_changes_are_written(tmp_path: Path) -> None:
    path = tmp_path / "firma.sqlite"
    tree = load_categories()
    erp = await SqliteErp.open(path)
    try:
        first = await erp.replace_catalogue(tree, TERMS, fence=None)
        assert first.of("categories").added == len(tree) > 15_000
        assert (await erp.catalogue())[0] == _by_id(tree)
        _count_writes(path)
        again = await erp.replace_catalogue(tree, TERMS, fence=None)
        assert again.unchanged
        assert _writes(path) == 0
        leaf = next(c for c in tree if len(c.fields) >= 3)
        reordered = dataclasses.replace(leaf, fields=tuple(reversed(leaf.fields)))
        renamed = dataclasses.replace(tree[0], name="Dom, ogród i warsztat")
        changed = tuple(reordered if c.id == leaf.id else renamed if c.id == tree[0].id else c for c in tree)
        diff = await erp.replace_catalogue(changed, TERMS, fence=None)
        assert diff.of("categories").changed == 1 and diff.of("parameters").total == 0
        # One category row, and the leaf's parameter rows whose position moved (the middle one may stay).
        assert 1 + len(leaf.fields) - 1 <= _writes(path) <= 1 + len(leaf.fields)
        assert (await erp.catalogue())[0] == _by_id(changed)
    finally:
        await erp.close()
