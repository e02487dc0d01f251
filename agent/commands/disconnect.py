"""`marketsync disconnect COMPANY`: end the company's own connection and forget its tokens."""

from __future__ import annotations

import argparse
import sys

HELP = "unlink a company from its account and forget its tokens"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="COMPANY", help="the company's name as in the configuration")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.common import config_from_args
    from agent.marketplace.accounts import forget_company
    from agent.texts import text

    config = config_from_args(args)
    language = config.agent.language
    company = config.company(args.company).name
    problem = asyncio.run(forget_company(config, company))
    if problem:
        # The tokens are gone either way; the marketplace may still list the connection until it expires.
        print(text(language, "disconnect.not_told", company=company, problem=problem), file=sys.stderr)
    print(text(language, "disconnect.done", company=company))
    return 0
