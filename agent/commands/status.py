"""`marketsync status`: per company, the connection state and token lifetimes (no network).

`status_table(config)` builds the rows; issue 9 adds schedule and last-run columns to it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.config import Config

HELP = "connection, schedule and last run of every company"

Table = tuple[tuple[str, ...], list[tuple[str, ...]]]


def configure(parser: argparse.ArgumentParser) -> None:
    del parser  # no options yet


def _when(moment: datetime | None, timezone: str, now: datetime) -> str:
    if moment is None:
        return "-"
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    return f"{local} (wygasł)" if moment <= now else local


def status_table(config: Config, now: datetime | None = None) -> Table:
    """Headers and one row per company: name, connection, account, access and refresh expiry."""
    from datetime import UTC

    from agent.marketplace.accounts import describe_accounts

    now = now or datetime.now(UTC)
    headers: tuple[str, ...] = ("Firma", "Połączenie", "Konto", "Token dostępu do", "Odświeżanie do")
    rows: list[tuple[str, ...]] = []
    for account in describe_accounts(config):
        state = account.connection.label
        if account.connection.state == "error" and account.connection.reason:
            state = f"{state}: {account.connection.reason}"
        rows.append(
            (
                account.company,
                state,
                account.connection.account or "-",
                _when(account.access_expires_at, config.agent.timezone, now),
                _when(account.refresh_expires_at, config.agent.timezone, now),
            )
        )
    return headers, rows


def render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table with aligned columns."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
             for line in (headers, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from agent.commands.common import config_from_args

    config = config_from_args(args)
    headers, rows = status_table(config)
    print(render(headers, rows))
    return 0
