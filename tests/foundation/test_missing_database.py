"""A misspelt or deleted company database: an error naming it, exit 2, nothing created or sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agent.cli import main
from agent.erp.existing import MissingDatabase, open_existing


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[agent]\nhome = "{tmp_path / "home"}"\n[[company]]\nname = "A"\ndatabase = "misspelt.sqlite"\n'
    )
    return path


def test_sync_refuses_a_missing_database_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--config", str(_config(tmp_path)), "sync", "A"])
    assert code == 2
    assert str(tmp_path / "misspelt.sqlite") in capsys.readouterr().err
    assert not (tmp_path / "misspelt.sqlite").exists()


def test_open_existing_raises_and_does_not_create(tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite"
    with pytest.raises(MissingDatabase, match=r"gone\.sqlite"):
        asyncio.run(open_existing("A", missing))
    assert not missing.exists()


def test_erp_seed_still_creates_the_database(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert main(["--config", str(config), "erp", "seed", "--company", "A", "--products", "5"]) == 0
    assert (tmp_path / "misspelt.sqlite").is_file()
