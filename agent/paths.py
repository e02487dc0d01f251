"""Every filesystem location the agent uses, in one place.

Defaults come from platformdirs; `MARKETSYNC_HOME` and `MARKETSYNC_CONFIG` override them, and so do
the `home` and `log_dir` keys of the config file. Nothing else in the agent builds a path by hand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import platformdirs

APP_NAME = "marketsync"
ENV_HOME = "MARKETSYNC_HOME"
ENV_CONFIG = "MARKETSYNC_CONFIG"


def default_home() -> Path:
    """The agent's home: `$MARKETSYNC_HOME`, else the user data dir."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    """Where log files go unless the config says otherwise."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    """The config file: `$MARKETSYNC_CONFIG`, else `config.toml` in the user config dir."""
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


class _Dirs(Protocol):
    """The two keys of `[agent]` that place files (agent.config.AgentConfig has them)."""

    @property
    def home(self) -> Path: ...
    @property
    def log_dir(self) -> Path: ...


class _HasDirs(Protocol):
    """A loaded config; structural, so that this module does not import agent.config (which imports it)."""

    @property
    def agent(self) -> _Dirs: ...


@dataclass(frozen=True, slots=True)
class Paths:
    """Locations under one installation's home (state database, tokens, locks) and its log dir."""

    home: Path
    log_dir: Path

    @classmethod
    def from_config(cls, config: _HasDirs) -> Paths:
        return cls(home=config.agent.home, log_dir=config.agent.log_dir)

    @property
    def state_db(self) -> Path:
        """The state database ("baza konfiguracyjna"): run history, last-sent hashes, scheduler."""
        return self.home / "state.sqlite"

    @property
    def tokens_dir(self) -> Path:
        """Token files (mode 0600) when the OS keyring is not used."""
        return self.home / "tokens"

    @property
    def locks_dir(self) -> Path:
        """Lock files: company leases, token refresh, the scheduler."""
        return self.home / "locks"

    def ensure(self) -> None:
        """Create the folders; the home and tokens folders are private to the user."""
        for folder in (self.home, self.tokens_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)


def company_file_name(company: str) -> str:
    """The one rule that makes a company name part of a file name: case-insensitive, reversible, safe.

    "Sklep Ogrodnik" and "sklep ogrodnik" are one company to the config check, so they share their
    files; every other character that a file name cannot hold is percent-encoded.
    """
    return quote(company.strip().casefold(), safe="")
