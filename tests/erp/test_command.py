"""`marketsync erp seed|touch|stats` end to end, through the real command line entry point."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.cli import main


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[agent]
home = "{tmp_path / "home"}"
log_dir = "{tmp_path / "logs"}"

[[company]]
name = "Ogrodnik"
database = "ogrodnik.sqlite"
ro_series = "RO"
shipping_product = "USŁUGA-WYSYŁKA"
""",
        encoding="utf-8",
    )
    return path


def _stats(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert main(["--config", str(config), "erp", "stats", "--company", "Ogrodnik"]) == 0
    out = capsys.readouterr().out
    return {m[1]: m[2] for m in re.finditer(r"^(.+?)\s{2,}(\S+)$", out, re.MULTILINE)}


def test_seed_then_stats_then_touch(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(config), "erp"]
    assert main([*args, "seed", "--company", "ogrodnik", "--products", "150", "--seed", "5"]) == 0
    assert "produkty: 150" in capsys.readouterr().out
    assert (config.parent / "ogrodnik.sqlite").exists()
    stats = _stats(config, capsys)
    assert stats["produkty"] == "150" and int(stats["kontrahenci"]) > 20 and int(stats["dokumenty (RO)"]) >= 1
    assert 120 < int(stats["udostępnione do sprzedaży"]) < 150
    counter = int(stats["licznik zmian"])
    assert main([*args, "touch", "--company", "Ogrodnik", "--percent", "10", "--what", "prices", "--seed", "1"]) == 0
    assert "zmienione produkty: 15 (ceny 15" in capsys.readouterr().out
    after = _stats(config, capsys)
    assert int(after["licznik zmian"]) > counter
    assert after["wersja treści (maks.)"] == stats["wersja treści (maks.)"]
    assert int(after["wersja zasobów i cen (maks.)"]) > int(stats["wersja zasobów i cen (maks.)"])


def test_seeding_twice_needs_replace(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(config), "erp", "seed", "--company", "Ogrodnik", "--products", "30"]
    assert main(args) == 0
    assert main(args) == 1
    assert "baza ma już produkty (30)" in capsys.readouterr().err
    assert main([*args[:-1], "40", "--replace"]) == 0
    assert _stats(config, capsys)["produkty"] == "40"


def test_unknown_company_is_a_config_error(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "erp", "stats", "--company", "Piekarnia"]) == 2
    assert "Ogrodnik" in capsys.readouterr().err


def test_stats_of_a_missing_database_says_how_to_create_it(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "erp", "stats", "--company", "Ogrodnik"]) == 1
    assert "erp seed" in capsys.readouterr().err
