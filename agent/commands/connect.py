"""`marketsync connect COMPANY`: link a company to its wszystko.pl seller account (device flow)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.marketplace.models import DeviceRegistration

HELP = "link a company to its wszystko.pl account"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("company", metavar="COMPANY", help="the company's name as in the configuration")
    parser.add_argument("--no-browser", action="store_true", help="only print the page to open, never open a browser")


def _can_open_browser() -> bool:
    """A browser can plausibly be shown: a desktop session, or macOS / Windows."""
    import os

    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.common import config_from_args
    from agent.errors import MarketplaceUnavailable, MarketsyncError
    from agent.marketplace.accounts import link_company
    from agent.marketplace.device_flow import LinkFailed

    config = config_from_args(args)
    company = config.company(args.company).name

    def show(registration: DeviceRegistration) -> None:
        minutes = max(1, registration.expires_in // 60)
        print(f"{company}: otwórz tę stronę, zaloguj się i zezwól na dostęp (ważne {minutes} min):")
        print(f"  {registration.verification_uri_pretty}")
        if not args.no_browser and _can_open_browser():
            import contextlib
            import webbrowser

            # The address is printed above; when no browser opens, the user opens it by hand.
            with contextlib.suppress(webbrowser.Error):
                webbrowser.open(registration.verification_uri_pretty)
        print("Czekam na zgodę... (Ctrl+C przerywa)", flush=True)

    try:
        session = asyncio.run(link_company(config, company, show=show))
    except LinkFailed as exc:
        reason = {"denied": "odmowa dostępu", "expired": "kod wygasł", "refused": "odrzucone"}[exc.reason]
        print(f"{company}: nie połączono ({reason}): {exc}", file=sys.stderr)
        return 1
    except MarketplaceUnavailable as exc:
        print(f"{company}: nie połączono (błąd sieci): {exc}", file=sys.stderr)
        return 1
    except MarketsyncError as exc:
        print(f"{company}: nie połączono: {exc}", file=sys.stderr)
        return 1
    print(f"{company}: konto {session.user_name}")
    print("Połączono")
    return 0
