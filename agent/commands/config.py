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
    from agent.erp.existing import missing_database_finding
    from agent.errors import ConfigError
    from agent.texts import plural, text
    from agent.texts.hints import hint_for
    from agent.texts.phrases import problem_lines

    # A broken file has no language of its own: use what --help used (read from the same file).
    language: str = getattr(args, "language", "pl")
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        for problem in problem_lines(language, exc.problems, exc.findings):
            print(text(language, "cli.error", message=problem), file=sys.stderr)
        if exc.hint:
            print(text(language, "cli.hint", hint=hint_for(language, exc)), file=sys.stderr)
        print(text(language, "config.found", problems=plural(language, len(exc.problems), "problems")), file=sys.stderr)
        return 2
    language = config.agent.language
    missing = [
        found
        for company in config.companies
        if (found := missing_database_finding(company.name, company.database)) is not None
    ]
    if missing:
        for line in problem_lines(language, (), tuple(missing)):
            print(text(language, "cli.error", message=line), file=sys.stderr)
        print(text(language, "config.found", problems=plural(language, len(missing), "problems")), file=sys.stderr)
        return 2
    print(describe(config))
    print(
        "\n" + text(language, "config.ok", companies=plural(language, len(config.companies), "companies")),
        file=sys.stderr,
    )
    return 0
