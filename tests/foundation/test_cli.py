"""The command skeleton: help lists everything, unbuilt commands say so and exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from agent.cli import SUBCOMMANDS, command_module, main


def test_help_lists_every_subcommand() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent", "--help"], capture_output=True, text=True, check=True, timeout=60
    )
    for name in ("config", "erp", "simulator", "connect", "disconnect", "status", "sync", "run", "runs", "tui", "demo"):
        assert name in SUBCOMMANDS
        assert f"    {name} " in result.stdout
    # No configuration file here: the help falls back to Polish.
    assert "--config ŚCIEŻKA" in result.stdout and "--verbose" in result.stdout


def test_every_listed_subcommand_is_built() -> None:
    assert [name for name in SUBCOMMANDS if command_module(name) is None] == []


def test_an_unbuilt_subcommand_says_so_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every command of the product is built now; the mechanism stays for the next one announced.
    monkeypatch.setitem(SUBCOMMANDS, "later", "a command announced before it is built")
    assert main(["later"]) == 2
    assert capsys.readouterr().err.strip() == "marketsync later: jeszcze niedostępne."


def test_no_subcommand_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "użycie: marketsync" in capsys.readouterr().out


def test_console_script_is_installed() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("marketsync") == "agent.cli:main"
