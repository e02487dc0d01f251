"""What every subcommand shares: finding and loading the configuration, asking on the terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent.config import Config, load_config
from agent.domain import DEFAULT_TIMEZONE
from agent.errors import MarketsyncError
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


def print_error(language: str, error: MarketsyncError, company: str | None, zone: str = DEFAULT_TIMEZONE) -> None:
    """The error's message, then what to do about it, in the language (its times in `zone`), naming the company."""
    from agent.texts import text
    from agent.texts.hints import hint_for, message_for

    print(text(language, "cli.error", message=message_for(language, error, zone=zone)), file=sys.stderr)
    hint = hint_for(language, error, company, zone=zone)
    if hint:
        print(text(language, "cli.hint", hint=hint), file=sys.stderr)
