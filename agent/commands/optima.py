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
    from agent.erp.optima.connect import KEYRING_SERVICE, keyring_user
    from agent.errors import ConfigError, StorageError

    company = config_from_args(args).company(args.company)
    if company.optima is None:
        raise ConfigError(f'{company.name}: erp is not "optima"', hint='set erp = "optima" and [company.optima]')
    if not company.optima.password_keyring:
        raise ConfigError(
            f"{company.name}: [company.optima] password_keyring is not true",
            hint="set password_keyring = true and remove password from the file",
        )
    password = getpass.getpass(f"SQL password of {company.optima.user} for {company.name}: ")
    if not password:
        print("nothing stored: the password was empty")
        return 2
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_user(company.optima), password)
    except KeyringError as exc:
        raise StorageError(f"the OS keyring cannot be written ({exc.__class__.__name__})") from None
    print(f"stored in the keyring for {company.name}")
    return 0
