"""`--help` of `marketsync` and of every subcommand is in the configured language, all of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.cli import SUBCOMMANDS, main
from agent.localised_parser import language_for_help
from tests.texts.denylist import COMMON_ENGLISH, POLISH_LETTERS

ENGLISH_WORDS = (*COMMON_ENGLISH, "usage", "options", "positional", "show this help")
SUB_SUBCOMMANDS = {"config": ["check"], "erp": ["seed", "touch", "stats"], "optima": ["set-password"]}


def _config(tmp_path: Path, language: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[agent]\nlanguage = "{language}"\n', encoding="utf-8")
    return path


def _helps() -> list[list[str]]:
    helps: list[list[str]] = [[]] + [[name] for name in SUBCOMMANDS]
    helps += [[name, action] for name, actions in SUB_SUBCOMMANDS.items() for action in actions]
    return helps


def _help_of(config: Path, words: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(["--config", str(config), *words, "--help"])
    assert stopped.value.code == 0
    return capsys.readouterr().out


def _without_names(shown: str) -> str:
    """The help without what is typed, not read: command names, option names, example commands."""
    shown = re.sub(r"--?[a-z][a-z-]*", " ", shown)
    shown = re.sub(r"`[^`]*`", " ", shown)
    shown = re.sub(r"/\S+", " ", shown)
    names = set(SUBCOMMANDS) | {a for actions in SUB_SUBCOMMANDS.values() for a in actions} | {"marketsync"}
    return " ".join(" " if word in names or "{" in word else word for word in shown.split(" "))


@pytest.mark.parametrize("words", _helps(), ids=lambda words: " ".join(words) or "marketsync")
def test_help_in_polish_has_no_english_words(
    tmp_path: Path, words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    shown = _help_of(_config(tmp_path, "pl"), words, capsys)
    found = [word for word in ENGLISH_WORDS if word in _without_names(shown).lower()]
    assert found == [], shown
    assert "użycie: marketsync" in shown


@pytest.mark.parametrize("words", _helps(), ids=lambda words: " ".join(words) or "marketsync")
def test_help_in_english_has_no_polish_letters(
    tmp_path: Path, words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    shown = _help_of(_config(tmp_path, "en"), words, capsys)
    # the sync options name the seed's Polish buttons on purpose, in brackets
    read = re.sub(r"\([^)]*\)", "", shown)
    assert [c for c in read if c in POLISH_LETTERS] == [], shown
    assert "usage: marketsync" in shown


def test_a_usage_error_is_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--config", str(_config(tmp_path, "pl")), "sync"])
    said = capsys.readouterr().err
    assert "błąd: brak wymaganych argumentów: FIRMA" in said
    assert "error" not in said


def test_the_language_comes_from_the_environment_or_falls_back_to_polish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MARKETSYNC_CONFIG", str(_config(tmp_path, "en")))
    assert language_for_help([]) == "en"
    assert language_for_help(["--config", str(tmp_path / "missing.toml")]) == "pl"
    (tmp_path / "broken.toml").write_text("[agent\n", encoding="utf-8")
    assert language_for_help([f"--config={tmp_path / 'broken.toml'}"]) == "pl"


def test_a_value_check_of_a_command_is_in_polish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--config", str(_config(tmp_path, "pl")), "demo", "--products", "0"])
    said = capsys.readouterr().err
    assert "błąd: argument --products: musi być liczbą 1 lub większą" in said
    assert "must be" not in said
