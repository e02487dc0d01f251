"""`marketsync config check`: validate the configuration and show what is in effect."""

from __future__ import annotations

import argparse
import sys

HELP = "check and show the configuration"
LOGS_TO_FILE = False


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser(
        "check",
        help="validate the file; print the effective config (exit 0) or every error (exit 2)",
    )


def run(args: argparse.Namespace) -> int:
    from agent.commands.common import config_from_args
    from agent.config_describe import describe
    from agent.erp.existing import missing_database_problem
    from agent.errors import ConfigError

    try:
        config = config_from_args(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 2
    missing = [
        found
        for company in config.companies
        if (found := missing_database_problem(company.name, company.database)) is not None
    ]
    if missing:
        for found in missing:
            print(f"error: {found}", file=sys.stderr)
        print(f"{len(missing)} problem(s) found.", file=sys.stderr)
        return 2
    print(describe(config))
    print(f"\nOK: {len(config.companies)} company(ies) configured.", file=sys.stderr)
    return 0
