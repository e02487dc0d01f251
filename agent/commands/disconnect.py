"""`marketsync disconnect COMPANY`: end the company's own connection and forget its tokens.

Unlinking stops every sync of the company, so it is asked first (like the TUI's "Rozłącz"); `--yes`
agrees beforehand, and without a terminal and without `--yes` nothing changes (exit 3).
"""

from __future__ import annotations

import argparse
import sys

HELP = "unlink a company from its account and forget its tokens"
EXIT_REFUSED = 3

# This command's texts, in both languages.
DISCONNECT_TEXTS = {
    "pl": {
        "not_linked": "{company}: nie jest połączona z wszystko.pl; nic do rozłączenia.",
        "consequences": (
            "{company} (konto {account}): po rozłączeniu synchronizacja firmy zatrzyma się: agent nie wyśle "
            "ofert ani nie pobierze zamówień. Oferty zostaną na wszystko.pl bez zmian (nie będą aktualizowane "
            "stany ani ceny)."
        ),
        "question": "Rozłączyć?",
        "refused": "Nic nie zmieniono. Aby rozłączyć bez pytania, dodaj --yes.",
        "unconfirmed": "{company}: wszystko.pl nie potwierdził rozłączenia ({problem}); tokeny i tak usunięto.",
        "done": "{company}: rozłączono; tokeny usunięte",
        "yes": "t",
    },
    "en": {
        "not_linked": "{company}: not linked to wszystko.pl; nothing to unlink.",
        "consequences": (
            "{company} (account {account}): once unlinked, syncing the company stops: the agent sends no "
            "offers and fetches no orders. The offers stay on wszystko.pl as they are (their stock and "
            "prices are no longer updated)."
        ),
        "question": "Unlink?",
        "refused": "Nothing changed. To unlink without being asked, pass --yes.",
        "unconfirmed": (
            "{company}: wszystko.pl did not confirm the unlink ({problem}); the tokens are forgotten anyway."
        ),
        "done": "{company}: disconnected; tokens forgotten",
        "yes": "y",
    },
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="COMPANY", help="the company's name as in the configuration")
    parser.add_argument("--yes", action="store_true", help="unlink without being asked (its syncs stop)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.common import config_from_args, typed_choice
    from agent.marketplace.accounts import forget_company
    from agent.marketplace.connection import ConnectionRegistry, connections_dir

    config = config_from_args(args)
    company = config.company(args.company).name
    texts = DISCONNECT_TEXTS["en" if config.agent.language == "en" else "pl"]
    link = ConnectionRegistry(connections_dir(config.agent.home)).get(company)
    if link.state == "not_linked":
        print(texts["not_linked"].format(company=company))
        return 0
    if not args.yes:
        print(texts["consequences"].format(company=company, account=link.account or "?"))
        yes = texts["yes"]
        if not (sys.stdin.isatty() and typed_choice(texts["question"], (yes, "n")) == yes):
            print(texts["refused"], file=sys.stderr)
            return EXIT_REFUSED
    problem = asyncio.run(forget_company(config, company))
    if problem:
        # The tokens are gone either way; the marketplace may still list the connection until it expires.
        print(texts["unconfirmed"].format(company=company, problem=problem), file=sys.stderr)
    print(texts["done"].format(company=company))
    return 0
