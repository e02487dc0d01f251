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
    assert "--config PATH" in result.stdout and "--verbose" in result.stdout


@pytest.mark.parametrize("name", [n for n in SUBCOMMANDS if command_module(n) is None])
def test_unbuilt_subcommand_says_so_and_exits_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"marketsync {name}: not built yet."


def test_no_subcommand_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: marketsync" in capsys.readouterr().out


def test_console_script_is_installed() -> None:
    from importlib.metadata import entry_points

    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("marketsync") == "agent.cli:main"
