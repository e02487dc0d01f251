"""`marketsync optima set-password COMPANY`: keep an Optima company's SQL password in the keyring."""

from __future__ import annotations

import argparse
import getpass

HELP = "a Comarch ERP Optima company: keep its SQL password in the keyring"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    store = sub.add_parser("set-password", help="ask for the SQL login's password and keep it in the keyring")
    store.add_argument("company", help="the company's name in the configuration")


def run(args: argparse.Namespace) -> int:
    import keyring
    from keyring.errors import KeyringError

    from agent.commands.common import config_from_args
    from agent.config_findings import one_problem
    from agent.erp.optima.connect import KEYRING_SERVICE, keyring_user
    from agent.errors import ConfigProblem, Phrase, StorageError
    from agent.texts import text

    config = config_from_args(args)
    language = config.agent.language
    company = config.company(args.company)

    def refused(key: str, hint: str) -> Exception:
        what = Phrase(f"optima.{key}", {"company": company.name})
        problem = ConfigProblem(str(config.path), None, what)
        return one_problem(problem, hint=text("en", f"optima.{hint}"), hint_phrase=Phrase(f"optima.{hint}"))

    if company.optima is None:
        raise refused("not_optima", "not_optima_hint")
    if not company.optima.password_keyring:
        raise refused("not_keyring", "not_keyring_hint")
    password = getpass.getpass(text(language, "optima.prompt", user=company.optima.user, company=company.name))
    if not password:
        print(text(language, "optima.empty"))
        return 2
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_user(company.optima), password)
    except KeyringError as exc:
        raise StorageError(text(language, "optima.keyring_failed", error=exc.__class__.__name__)) from None
    print(text(language, "optima.stored", company=company.name))
    return 0
