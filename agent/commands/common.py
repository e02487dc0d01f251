"""What every subcommand shares: finding and loading the configuration."""

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
