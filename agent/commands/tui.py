"""`marketsync tui`: the terminal UI (dashboard, live log, manual sync) on this installation.

When no headless service runs here the TUI holds the scheduler and fires schedules itself; when one
does, it watches that service's runs. Textual and the TUI are imported inside `run()` only, so the
rest of the agent never loads them.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.config import Config

HELP = "the terminal UI: dashboard, live log, manual sync"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    import asyncio
    import importlib.util

    from agent.commands.common import config_from_args

    config = config_from_args(args)
    if importlib.util.find_spec("agent.runtime.service") is None:
        print("marketsync tui: the runtime (agent.runtime.service) is not built yet.", file=sys.stderr)
        return 2
    quiet_console(config, verbose=bool(getattr(args, "verbose", False)))
    from tui.launch import run_tui

    return asyncio.run(run_tui(config))


def quiet_console(config: Config, *, verbose: bool) -> None:
    """Log to the files only: a console sink would write across the full-screen UI (the TUI shows logs itself)."""
    from agent.logs import setup_logging

    setup_logging(
        config.agent.log_dir,
        verbose=verbose,
        retention_days=config.agent.log_retention_days,
        json_lines=config.agent.log_json,
        console=False,
        timezone=config.agent.timezone,
        language=config.agent.language,
    )
