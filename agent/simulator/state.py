"""Platform: the whole simulated marketplace, in memory, and the counters tests read.

The tables are plain dicts keyed for the lookups the hot paths need (an access token by its string,
an offer by id, an account's offers by externalId). All mutations live in this module and in
`auth`, `offers` and `sales`, which take a Platform; nothing else writes to it, so a persistent
store can later hook in one place per operation. The event loop is the only writer: no locks.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from agent.domain import Category
from agent.simulator.model import (
    AccessToken,
    Account,
    BuyerPlan,
    DeviceCode,
    Integration,
    Offer,
    RefreshToken,
    Sale,
    StoredFile,
)
from agent.simulator.settings import Clock, SimulatorSettings

# The write operations whose effects are counted; all of them appear in /_sim/state, at 0 until used.
WRITE_OPERATIONS = (
    "POST /me/offers",
    "PUT /me/offers/{id}",
    "POST /me/update-offers",
    "PUT /me/sales/updateStatus",
    "POST /me/files",
    "POST /me/addFilesFromUrls",
    "DELETE /me/integrations/{id}",
)


@dataclass(slots=True)
class TokenStats:
    refreshes: int = 0
    invalid_grants: int = 0


@dataclass(slots=True)
class AccountData:
    """What belongs to one account, indexed for its hot lookups."""

    account: Account
    offers_by_external_id: dict[str, int] = field(default_factory=dict)
    offer_ids: list[int] = field(default_factory=list)
    sale_ids: list[int] = field(default_factory=list)
    file_paths: dict[str, StoredFile] = field(default_factory=dict)
    effects: Counter[str] = field(default_factory=Counter)
    token_stats: TokenStats = field(default_factory=TokenStats)


class Platform:
    """The simulated wszystko.pl: accounts and everything they own, plus the catalogue they share."""

    def __init__(self, settings: SimulatorSettings, categories: Iterable[Category], clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or Clock()
        self.rng = random.Random(settings.seed)
        self.categories: tuple[Category, ...] = tuple(categories)
        self.category_index: Mapping[int, Category] = {c.id: c for c in self.categories}
        self.accounts: dict[int, AccountData] = {}
        self.accounts_by_email: dict[str, int] = {}
        self.device_codes: dict[str, DeviceCode] = {}
        self.device_codes_by_user_code: dict[str, str] = {}
        self.integrations: dict[str, Integration] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.offers: dict[int, Offer] = {}
        self.sales: dict[int, Sale] = {}
        self.files: dict[str, StoredFile] = {}
        self.unknown_invalid_grants = 0
        self.buyer_plans: dict[int, BuyerPlan] = {}
        """Orders whose buyers will cancel them (crowd.py), by sale id."""
        self.web_sessions: dict[str, int] = {}
        """Browser sessions of the login page: cookie value -> account id."""
        self._next_account = 1
        self._next_offer = 10_000_001
        self._next_sale = 50_000_001

    # --- accounts -----------------------------------------------------------------------------

    def create_account(self, *, email: str | None = None, password: str | None = None,
                       name: str | None = None) -> Account:
        """A new seller account; generated e-mail and password unless given."""
        number = self._next_account
        self._next_account += 1
        email = email or f"sprzedawca{number}@example.pl"
        account = Account(
            id=number,
            email=email,
            password=password or f"haslo-{secrets.token_hex(4)}",
            name=name or f"Sklep Testowy {number}",
            created=self.clock.now(),
        )
        self.accounts[number] = AccountData(account)
        self.accounts_by_email[email.lower()] = number
        return account

    def login(self, email: str, password: str) -> Account | None:
        number = self.accounts_by_email.get(email.strip().lower())
        if number is None:
            return None
        account = self.accounts[number].account
        return account if secrets.compare_digest(account.password, password) else None

    # --- ids and effects ----------------------------------------------------------------------

    def next_offer_id(self) -> int:
        self._next_offer += 1
        return self._next_offer

    def next_sale_id(self) -> int:
        self._next_sale += 1
        return self._next_sale

    def effect(self, account_id: int, operation: str) -> None:
        """Count one write that changed state (`operation` is "METHOD /path/template")."""
        self.accounts[account_id].effects[operation] += 1

    # --- reports ------------------------------------------------------------------------------

    def state_report(self, account_id: int | None = None) -> dict[str, object]:
        """Counts in the shape GET /_sim/state promises (one account's, or everybody's)."""
        chosen = [self.accounts[account_id]] if account_id is not None else list(self.accounts.values())
        offers = dict.fromkeys(("active", "draft", "ended", "blocked"), 0)
        orders = dict.fromkeys(("new", "inProcess", "shipped", "completed", "cancelled"), 0)
        effects: Counter[str] = Counter(dict.fromkeys(WRITE_OPERATIONS, 0))
        for data in chosen:
            for offer_id in data.offer_ids:
                offers[self.offers[offer_id].status] += 1
            for sale_id in data.sale_ids:
                orders[self.sales[sale_id].status] += 1
            effects.update(data.effects)
        return {"accounts": len(chosen), "offers": offers, "orders": orders, "effects": dict(effects)}

    def token_stats(self, account_id: int | None = None) -> dict[str, int]:
        chosen = [self.accounts[account_id]] if account_id is not None else list(self.accounts.values())
        invalid = sum(d.token_stats.invalid_grants for d in chosen)
        if account_id is None:
            invalid += self.unknown_invalid_grants
        return {"refreshes": sum(d.token_stats.refreshes for d in chosen), "invalidGrants": invalid}
