"""The command line's manners: a reader that goes away (`| head`) gets no traceback, `--config`
is accepted after the subcommand too, a crashed TUI does not exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.cli import EXIT_BROKEN_PIPE, main

ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path) -> Path:
    (tmp_path / "a.sqlite").touch()
    path = tmp_path / "c.toml"
    path.write_text(f'[agent]\nhome = "{tmp_path / "home"}"\n[[company]]\nname = "A"\ndatabase = "a.sqlite"\n')
    return path


def test_config_is_accepted_after_the_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path)
    assert main(["config", "check", "--config", str(path)]) == 0
    assert str(path) in capsys.readouterr().out


def test_config_after_the_subcommand_wins_over_one_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _config(tmp_path)
    assert main(["--config", str(tmp_path / "nowhere.toml"), "config", "check", "--config", str(path)]) == 0
    assert main(["--config", str(path), "config", "check"]) == 0


def test_a_reader_that_went_away_gets_no_traceback(tmp_path: Path) -> None:
    path = _config(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as after `| head -1` quits
    try:
        result = subprocess.run(
            [sys.executable, "-m", "agent", "--config", str(path), "config", "check"],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr
    assert result.returncode == EXIT_BROKEN_PIPE


def test_config_check_lists_problems_in_the_order_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    # The company comes first in the file, the agent table last: the findings follow the lines.
    path.write_text(
        '[[company]]\nname = "A"\ndatabase = "a.sqlite"\n[company.schedule]\njobs = ["ordrs"]\n'
        "[agent]\nmax_parallel_runs = 0\n"
    )
    assert main(["--config", str(path), "config", "check"]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("błąd: ")]
    assert len(errors) == 2
    assert f"{path}:5: company.schedule.jobs" in errors[0]
    assert f"{path}:7: agent.max_parallel_runs" in errors[1]
