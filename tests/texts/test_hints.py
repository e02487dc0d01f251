"""Error hints are in the operator's language and name the real company, never the word COMPANY."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.cli import main
from agent.errors import ConfigError, MarketplaceUnavailable, RelinkAccount, StorageError
from agent.texts.hints import hint_for


def test_a_relink_hint_names_the_company_in_polish() -> None:
    said = hint_for("pl", RelinkAccount("Alfa: no account"), "Alfa")
    assert said == "połącz konto ponownie: `marketsync connect Alfa`"


def test_a_relink_hint_names_the_company_in_english() -> None:
    assert (
        hint_for("en", RelinkAccount("Alfa: no account"), "Alfa") == "link the account again: `marketsync connect Alfa`"
    )


def test_a_subclass_takes_its_parents_hint_in_the_language() -> None:
    assert hint_for("pl", MarketplaceUnavailable("503")).startswith("nastąpi ponowna próba")


def test_a_hint_given_where_the_error_was_raised_names_the_company() -> None:
    error = StorageError("x", hint="run `marketsync optima set-password COMPANY`")
    assert hint_for("pl", error, "Beta") == "run `marketsync optima set-password Beta`"


def test_config_check_speaks_polish_around_its_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[agent]\nlanguage = "pl"\nmax_parallel_runs = 0\n', encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("błąd: ")
    assert "wskazówka: popraw plik konfiguracji" in said
    assert "Znaleziono 1 problem." in said
    assert "hint:" not in said and "problem(s)" not in said


def test_config_check_in_english_counts_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[agent]\nlanguage = "en"\nmax_parallel_runs = 0\n', encoding="utf-8")
    assert main(["--config", str(path), "config", "check"]) == 2
    said = capsys.readouterr().err
    assert "hint: fix the configuration file" in said and "1 problem found." in said
    assert ConfigError.hint in said
