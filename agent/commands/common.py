"""What every subcommand shares: finding and loading the configuration, asking on the terminal."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.config import Config, load_config
from agent.paths import default_config_path


def config_path_from_args(args: argparse.Namespace) -> Path:
    """`--config`, else `$MARKETSYNC_CONFIG`, else the user config dir's config.toml."""
    given: str | None = getattr(args, "config", None)
    return Path(given).expanduser() if given else default_config_path()


def config_from_args(args: argparse.Namespace) -> Config:
    """The loaded configuration for this invocation; raises ConfigError."""
    return load_config(config_path_from_args(args))


def typed_line(question: str) -> str:
    """A line the person types on the terminal after `question` ("" when stdin is closed)."""
    try:
        return input(f"{question} ").strip()
    except EOFError:
        return ""


def typed_choice(question: str, keys: tuple[str, ...]) -> str:
    """The first letter of the answer when it is one of `keys`, else "" (empty, other, or stdin closed)."""
    answer = typed_line(f"{question} [{'/'.join(keys)}]").lower()[:1]
    return answer if answer in keys else ""
