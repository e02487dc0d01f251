"""Configuration findings are kept as facts and worded in the operator's language when shown.

The language of a broken file is whatever `language` line parses, else Polish.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.cli import main
from agent.config import load_config
from agent.errors import ConfigError
from agent.texts.phrases import problem_lines

BAD = Path(__file__).parents[1] / "foundation" / "bad_configs"
# The words of the English findings; a Polish line holding one of them is half English.
ENGLISH_WORDS = (
    "found",
    "allowed",
    "unknown",
    "missing",
    "did you mean",
    "used by",
    "not valid",
    "a table",
    "one of",
    "whole number",
    "true or false",
    "a list",
    "such as",
    "instead",
    "any more",
    "empty",
    "equals",
    "replaces",
    "cannot",
    "expected",
    "no such",
    "known keys",
    "top level",
    "error",
)


def _words(line: str, path: Path) -> str:
    line = line.replace(str(path), "")
    line = re.sub(r'"[^"]*"', " ", line)  # values and keys as written in the file
    line = re.sub(r"'[^']*'", " ", line)
    line = re.sub(r"`[^`]*`", " ", line)
    return line.lower()


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.toml")))
def test_every_finding_reads_polish_in_polish_and_as_before_in_english(name: str) -> None:
    path = BAD / name
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.findings, "kept as facts"
    assert problem_lines("en", error.problems, error.findings) == error.problems
    for line in problem_lines("pl", error.problems, error.findings):
        words = _words(line, path)
        # the key names are the file's words, not English sentences
        words = re.sub(r"\b[a-z_]+\.[a-z_.]+\b", " ", words)
        found = [word for word in ENGLISH_WORDS if word in words]
        assert found == [], line


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_config_check_words_findings_in_the_language_that_parses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, '[agent]\nlanguage = "en"\nmax_parallel_runs = 0\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    english = capsys.readouterr().err
    assert "agent.max_parallel_runs: found 0, allowed: a whole number from 1 to 64" in english
    path = _write(tmp_path, '[agent]\nlanguage = "pl"\nmax_parallel_runs = 0\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    polish = capsys.readouterr().err
    assert "agent.max_parallel_runs: podano 0, dozwolone: liczba całkowita od 1 do 64" in polish
    assert "found" not in polish and "allowed" not in polish


def test_a_language_that_does_not_parse_means_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, '[agent]\nlanguage = "de"\n')
    assert main(["--config", str(path), "config", "check"]) == 2
    said = capsys.readouterr().err
    assert 'agent.language: podano "de", dozwolone: jedna z wartości "pl", "en"' in said


def test_a_missing_file_says_what_to_do_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "missing.toml"), "config", "check"]) == 2
    said = capsys.readouterr().err
    assert "nie ma takiego pliku konfiguracji" in said
    assert "wskazówka: skopiuj tam config.example.toml" in said
    assert "no such" not in said and "copy" not in said


def test_a_file_that_is_not_toml_names_line_and_column_in_polish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "[agent]\nlanguage\n")
    assert main(["--config", str(path), "config", "check"]) == 2
    said = capsys.readouterr().err
    assert f"{path}:2: to nie jest poprawny plik TOML: po kluczu brakuje '=' (wiersz 2, kolumna" in said
    assert "Expected" not in said


def test_an_unknown_company_on_the_command_line_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, '[[company]]\nname = "Ogrodnik"\ndatabase = "o.sqlite"\n')
    assert main(["--config", str(path), "erp", "stats", "--company", "Piekarnia"]) == 2
    said = capsys.readouterr().err
    assert 'nie ma firmy "Piekarnia" (firmy w konfiguracji: Ogrodnik)' in said
    assert "no company" not in said


def test_an_unknown_company_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, '[agent]\nlanguage = "en"\n[[company]]\nname = "Ogrodnik"\ndatabase = "o.sqlite"\n')
    assert main(["--config", str(path), "erp", "stats", "--company", "Piekarnia"]) == 2
    assert 'no company "Piekarnia" (companies: Ogrodnik)' in capsys.readouterr().err


def test_optima_set_password_on_an_embedded_company_says_what_to_do_in_polish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, '[[company]]\nname = "Ogrodnik"\ndatabase = "o.sqlite"\n')
    assert main(["--config", str(path), "optima", "set-password", "Ogrodnik"]) == 2
    said = capsys.readouterr().err
    assert 'Ogrodnik: erp nie jest "optima"' in said
    assert 'wskazówka: ustaw erp = "optima" i dodaj [company.optima]' in said
    assert "is not" not in said and " set " not in said


def test_a_missing_company_database_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(
        tmp_path, f'[agent]\nhome = "{tmp_path / "home"}"\n[[company]]\nname = "A"\ndatabase = "gone.sqlite"\n'
    )
    assert main(["--config", str(path), "sync", "A"]) == 2
    said = capsys.readouterr().err
    assert f"{tmp_path / 'gone.sqlite'}: baza firmy A nie istnieje (sprawdź ścieżkę;" in said
    assert "wskazówka: agent nigdy sam nie tworzy bazy firmy" in said
    assert main(["--config", str(path), "config", "check"]) == 2
    assert "baza firmy A nie istnieje" in capsys.readouterr().err
