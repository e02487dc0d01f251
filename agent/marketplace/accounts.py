"""Wiring: a configured company -> its token store, connection state and marketplace client.

The only place that turns configuration into the marketplace adapter; the commands and the
runtime call `open_client`, `link_company`, `forget_company` and `describe_tokens`.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx2

from agent.config import Config
from agent.errors import AccountChangeRefused, At, MalformedAnswer, MarketplaceUnavailable, Phrase
from agent.logs import quiet_http_loggers, register_secret, say
from agent.marketplace import device_flow, parsing
from agent.marketplace.calls import CallEngine, CallSettings
from agent.marketplace.client import WszystkoClient
from agent.marketplace.connection import ConnectionInfo, ConnectionRegistry, connections_dir
from agent.marketplace.limits import RateLimiter
from agent.marketplace.models import DeviceRegistration, IntegrationSession, TokenPair
from agent.marketplace.retry import BREAKERS, BreakerBoard
from agent.marketplace.shared_limit import SharedRateLimiter
from agent.marketplace.token_store import TokenStore, company_slug, open_token_store
from agent.marketplace.tokens import MarketplaceOAuthClient, TokenKeeper, file_lock
from agent.paths import Paths


@dataclass(frozen=True, slots=True)
class AccountPlaces:
    """Where one installation keeps its accounts' tokens, states and locks."""

    store: TokenStore
    connections: ConnectionRegistry
    locks_dir: Path

    @classmethod
    def from_config(cls, config: Config) -> AccountPlaces:
        """Raises ConfigError when `token_store = "keyring"` and no keyring works."""
        paths = Paths.from_config(config)
        return cls(
            store=open_token_store(config.agent.token_store, paths.home, paths.tokens_dir),
            connections=ConnectionRegistry(connections_dir(paths.home)),
            locks_dir=paths.locks_dir,
        )

    def lock_path(self, company: str) -> Path:
        """The cross-process lock around refreshing and storing this company's tokens."""
        return self.locks_dir / f"tokens-{company_slug(company)}.lock"

    def rate_limit_path(self, company: str) -> Path:
        """The request budget of this company's account, shared by every process of the installation."""
        return self.locks_dir / f"rate-{company_slug(company)}.sqlite"


def token_endpoint(base_url: str) -> str:
    return base_url.rstrip("/") + "/integration/token"


def build_client(
    company: str,
    *,
    base_url: str,
    requests_per_minute: int,
    places: AccountPlaces,
    transport: httpx2.AsyncBaseTransport | None = None,
    breakers: BreakerBoard | None = None,
    settings: CallSettings | None = None,
    rng: random.Random | None = None,
) -> WszystkoClient:
    """A client for one company's account (one long-lived connection pool).

    Without `transport` the client sends through httpx2's own transport, which honours a proxy
    named in the environment (HTTPS_PROXY, ...) and SSL_CERT_FILE; retries are the engine's, not the
    transport's, so a request whose answer may have been applied is never sent again blindly.
    """
    quiet_http_loggers()
    settings = settings or CallSettings()
    http = MarketplaceOAuthClient(
        token_endpoint=token_endpoint(base_url),
        base_url=base_url.rstrip("/") + "/",
        timeout=httpx2.Timeout(settings.attempt_timeout, connect=settings.connect_timeout),
        transport=transport,
    )
    keeper = TokenKeeper(company, http, places.store, places.connections, places.lock_path(company))
    host = httpx2.URL(base_url).host
    engine = CallEngine(
        company,
        http,
        keeper,
        # Limited: one budget per account for every process; unlimited: nothing to share.
        SharedRateLimiter(requests_per_minute, places.rate_limit_path(company))
        if requests_per_minute > 0
        else RateLimiter(0),
        (breakers or BREAKERS).for_host(host),
        settings=settings,
        rng=rng,
    )
    return WszystkoClient(engine)


def open_client(
    config: Config,
    company: str,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    places: AccountPlaces | None = None,
) -> WszystkoClient:
    """The client of a configured company. Raises ConfigError (unknown company, keyring demanded)."""
    name = config.company(company).name
    return build_client(
        name,
        base_url=config.marketplace.base_url,
        requests_per_minute=config.marketplace.requests_per_minute,
        places=places or AccountPlaces.from_config(config),
        transport=transport,
    )


NewAccountConsent = Callable[[str, str], Awaitable[bool]]
"""Asked when a link would move a company to a different seller account: (old account, new account)
-> go ahead. It does what moving needs before the new tokens are stored (see agent/runtime/relink.py)."""


async def link_company(
    config: Config,
    company: str,
    *,
    show: Callable[[DeviceRegistration], Awaitable[None] | None],
    confirm_new_account: NewAccountConsent | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> IntegrationSession:
    """Run the device flow for `company`, store its tokens, and return the linked account's session.

    `show` receives the registration (to print the page, open a browser). When the company was
    linked to a different seller account before, the new tokens are stored only once
    `confirm_new_account` agrees (None: never); otherwise the new link is ended and the old link and
    tokens stay exactly as they were. Raises AccountChangeRefused, LinkFailed, MarketplaceUnavailable,
    MalformedAnswer, StorageError, ConfigError.
    """
    name = config.company(company).name
    places = AccountPlaces.from_config(config)
    before = places.connections.get(name)
    quiet_http_loggers()
    async with httpx2.AsyncClient(
        base_url=config.marketplace.base_url.rstrip("/") + "/", timeout=30.0, transport=transport
    ) as http:
        registration = await device_flow.register(http)
        shown = show(registration)
        if shown is not None:
            await shown
        if sleep is None:
            pair = await device_flow.wait_for_tokens(http, registration)
        else:
            pair = await device_flow.wait_for_tokens(http, registration, sleep=sleep)
        account = await _account_of(http, pair)
        old = before.account if before.state != "not_linked" else None
        if old is not None and account != old:
            try:
                agreed = confirm_new_account is not None and await confirm_new_account(old, account)
            except BaseException:
                await _end_integration(http, pair)
                raise
            if not agreed:
                await _end_integration(http, pair)
                raise AccountChangeRefused(
                    f"{name}: not moved from account {old} to {account}; nothing changed",
                    phrase=Phrase("err.not_moved", {"company": name, "old": old, "new": account}),
                )
    async with file_lock(places.lock_path(name)):
        places.store.save(name, pair)
    places.connections.set_connected(name, account)
    async with open_client(config, name, transport=transport, places=places) as client:
        session = await client.check_connection()
    say("INFO", "log.accounts.linked", company=name, account=session.user_name, until=At(pair.refresh_expires_at))
    return session


async def _account_of(http: httpx2.AsyncClient, pair: TokenPair) -> str:
    """The seller account a fresh pair belongs to, asked with the pair itself before it is stored
    (a running process must never pick up tokens of an account nobody agreed to)."""
    register_secret(pair.access_token)
    register_secret(pair.refresh_token)
    try:
        response = await http.get("me/integrations", headers={"Authorization": f"Bearer {pair.access_token}"})
    except httpx2.TransportError as exc:
        kind = exc.__class__.__name__
        raise MarketplaceUnavailable(
            f"linking: the marketplace cannot be reached ({kind})",
            phrase=Phrase("err.link_unreachable", {"kind": kind}),
        ) from None
    if response.status_code != 200:
        status = response.status_code
        raise MarketplaceUnavailable(
            f"linking: the connection check answered {status}", phrase=Phrase("err.link_status", {"status": status})
        )
    sessions = parsing.parse(
        response.content, "connection check", parsing.integration_sessions, call=Phrase("call.connection_check")
    )
    own = next((s for s in sessions if s.id == pair.integration_id), sessions[0] if sessions else None)
    if own is None:
        raise MalformedAnswer(
            "connection check: the marketplace lists no connection",
            payload="[]",
            phrase=Phrase("err.link_no_connection"),
        )
    return own.user_name


async def _end_integration(http: httpx2.AsyncClient, pair: TokenPair) -> None:
    """End a link that was not kept (best effort: a token never stored is useless anyway)."""
    if pair.integration_id is None:
        return
    with contextlib.suppress(httpx2.HTTPError):
        await http.delete(
            f"me/integrations/{pair.integration_id}", headers={"Authorization": f"Bearer {pair.access_token}"}
        )


async def forget_company(
    config: Config, company: str, *, transport: httpx2.AsyncBaseTransport | None = None
) -> str | None:
    """End this link on the marketplace (best effort) and forget the tokens; the end-of-link problem, if any."""
    from agent.errors import MarketsyncError

    name = config.company(company).name
    places = AccountPlaces.from_config(config)
    problem: str | None = None
    if places.store.load(name) is not None and places.connections.get(name).state != "error":
        try:
            async with open_client(config, name, transport=transport, places=places) as client:
                await client.end_connection()
        except MarketsyncError as exc:
            problem = str(exc)
    async with file_lock(places.lock_path(name)):
        places.store.delete(name)
    places.connections.forget(name)
    return problem


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """What `marketsync status` shows about one company's link."""

    company: str
    connection: ConnectionInfo
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None


def describe_accounts(config: Config) -> tuple[AccountStatus, ...]:
    """The link of every configured company, read from the stores (no network). Raises StorageError."""
    places = AccountPlaces.from_config(config)
    out = []
    for company in config.companies:
        pair = places.store.load(company.name)
        info = places.connections.get(company.name)
        if pair is None and info.state == "connected":
            info = ConnectionInfo(company=company.name, state="not_linked", account=info.account)
        out.append(
            AccountStatus(
                company=company.name,
                connection=info,
                access_expires_at=pair.access_expires_at if pair else None,
                refresh_expires_at=pair.refresh_expires_at if pair else None,
            )
        )
    return tuple(out)
