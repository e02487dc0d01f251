"""`marketsync connect COMPANY`: link a company to its wszystko.pl seller account (device flow)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.marketplace.models import DeviceRegistration

HELP = "link a company to its wszystko.pl account"
EXIT_REFUSED = 3

# This command's texts about linking again, in both languages.
RELINK_TEXTS = {
    "pl": {
        "linked": "{company} jest już połączona z kontem {account}.",
        "relink_question": "Połączyć ponownie?",
        "relink_refused": "Nic nie zmieniono. Aby połączyć ponownie bez pytania, dodaj --relink.",
        "move": (
            "Nowe połączenie prowadzi do INNEGO konta: {new} (dotąd {old}).\n"
            "Oferty wystawione przez agenta na koncie {old} ({active}) zostaną tam aktywne i nie będą już "
            "aktualizowane; jeśli mają zniknąć, zakończ je na koncie {old}.\n"
            "Następna synchronizacja wystawi oferty firmy na koncie {new}."
        ),
        "move_question": "Aby przenieść firmę na konto {new}, wpisz jej nazwę ({company}):",
        "move_refused": "Nie przeniesiono: firma zostaje połączona z kontem {old}. Aby przenieść bez pytania, "
        "dodaj --new-account.",
        "busy": "{company}: trwa synchronizacja tej firmy; zostaje połączona z kontem {old}. Poczekaj na jej "
        "koniec (albo ją zatrzymaj) i połącz ponownie.",
        "open_page": "{company}: otwórz tę stronę, zaloguj się i zezwól na dostęp (ważne {minutes} min):",
        "waiting": "Czekam na zgodę... (Ctrl+C przerywa)",
        "reason.denied": "odmowa dostępu",
        "reason.expired": "kod wygasł",
        "reason.refused": "odrzucone",
        "failed_because": "{company}: nie połączono ({reason}): {error}",
        "failed_network": "{company}: nie połączono (błąd sieci): {error}",
        "failed": "{company}: nie połączono: {error}",
        "account": "{company}: konto {account}",
        "done": "Połączono",
        "yes": "t",
    },
    "en": {
        "linked": "{company} is already linked to the account {account}.",
        "relink_question": "Link it again?",
        "relink_refused": "Nothing changed. To link again without being asked, pass --relink.",
        "move": (
            "The new link is to a DIFFERENT account: {new} (until now {old}).\n"
            "The offers the agent made on {old} ({active}) stay live there and are no longer updated; "
            "end them on {old} if they should go.\n"
            "The next sync creates the company's offers on {new}."
        ),
        "move_question": "To move the company to {new}, type its name ({company}):",
        "move_refused": "Not moved: the company stays linked to {old}. To move without being asked, "
        "pass --new-account.",
        "busy": "{company}: a sync of this company is going; it stays linked to {old}. Wait for it to end "
        "(or stop it) and link again.",
        "open_page": "{company}: open this page, log in and allow access (valid {minutes} min):",
        "waiting": "Waiting for consent... (Ctrl+C stops)",
        "reason.denied": "access denied",
        "reason.expired": "the code expired",
        "reason.refused": "refused",
        "failed_because": "{company}: not linked ({reason}): {error}",
        "failed_network": "{company}: not linked (network error): {error}",
        "failed": "{company}: not linked: {error}",
        "account": "{company}: account {account}",
        "done": "Linked",
        "yes": "y",
    },
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="COMPANY", help="the company's name as in the configuration")
    parser.add_argument("--no-browser", action="store_true", help="only print the page to open, never open a browser")
    parser.add_argument("--relink", action="store_true", help="link again a company that is linked already")
    parser.add_argument(
        "--new-account",
        action="store_true",
        help="agree beforehand to move the company to a different seller account (its offers stay on the old one)",
    )


def _can_open_browser() -> bool:
    """A browser can plausibly be shown: a desktop session, or macOS / Windows."""
    import os

    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.common import config_from_args, typed_choice, typed_line
    from agent.errors import AccountChangeRefused, MarketplaceUnavailable, MarketsyncError
    from agent.marketplace.accounts import link_company
    from agent.marketplace.connection import ConnectionRegistry, connections_dir
    from agent.marketplace.device_flow import LinkFailed
    from agent.runtime.relink import AccountMove, AccountMoveGuard

    config = config_from_args(args)
    company = config.company(args.company).name
    texts = RELINK_TEXTS["en" if config.agent.language == "en" else "pl"]
    interactive = sys.stdin.isatty()

    before = ConnectionRegistry(connections_dir(config.agent.home)).get(company)
    if before.state != "not_linked" and not args.relink:
        print(texts["linked"].format(company=company, account=before.account or "?"))
        yes = texts["yes"]
        if not (interactive and typed_choice(texts["relink_question"], (yes, "n")) == yes):
            print(texts["relink_refused"], file=sys.stderr)
            return EXIT_REFUSED

    refused: list[str] = []

    async def ask_move(move: AccountMove) -> bool:
        refused.append(move.old_account)
        print(texts["move"].format(old=move.old_account, new=move.new_account, active=move.active_offers))
        if args.new_account:
            return True
        if interactive:
            answer = await asyncio.to_thread(typed_line, texts["move_question"].format(new=move.new_account,
                                                                                   company=company))
            if answer == company:
                return True
        print(texts["move_refused"].format(old=move.old_account), file=sys.stderr)
        return False

    def show(registration: DeviceRegistration) -> None:
        minutes = max(1, registration.expires_in // 60)
        print(texts["open_page"].format(company=company, minutes=minutes))
        print(f"  {registration.verification_uri_pretty}")
        if not args.no_browser and _can_open_browser():
            import contextlib
            import webbrowser

            # The address is printed above; when no browser opens, the user opens it by hand.
            with contextlib.suppress(webbrowser.Error):
                webbrowser.open(registration.verification_uri_pretty)
        print(texts["waiting"], flush=True)

    from agent.texts.phrases import error_text

    def said(exc: MarketsyncError) -> str:
        return error_text(config.agent.language, exc, company, zone=config.agent.timezone)

    guard = AccountMoveGuard(config, company, ask_move)
    try:
        session = asyncio.run(link_company(config, company, show=show, confirm_new_account=guard))
    except AccountChangeRefused:
        # Refused by the person: `ask_move` said so in the language. Otherwise a run was going.
        if not refused:
            print(texts["busy"].format(company=company, old=before.account or "?"), file=sys.stderr)
        return EXIT_REFUSED
    except LinkFailed as exc:
        reason = texts[f"reason.{exc.reason}"]
        print(texts["failed_because"].format(company=company, reason=reason, error=said(exc)), file=sys.stderr)
        return 1
    except MarketplaceUnavailable as exc:
        print(texts["failed_network"].format(company=company, error=said(exc)), file=sys.stderr)
        return 1
    except MarketsyncError as exc:
        print(texts["failed"].format(company=company, error=said(exc)), file=sys.stderr)
        return 1
    finally:
        guard.release()
    print(texts["account"].format(company=company, account=session.user_name))
    print(texts["done"])
    return 0

