"""An account's tokens in use: refreshed ahead of expiry and once on a 401, one refresh at a time.

authlib's `AsyncOAuth2Client` is the account's long-lived HTTP client. Compliance hooks adapt it to
wszystko.pl: the refresh token travels in the query string (`POST /integration/token?refreshToken=`)
and the answer's fields are camelCase. authlib refreshes on expiry only within one client and knows
nothing of other processes, so `TokenKeeper` owns freshness instead:

* within the process, an asyncio lock makes concurrent callers share one refresh;
* across processes (the headless service and a TUI on one installation), a file lock surrounds
  "re-read the store, refresh if still needed, store the new pair", and the rotated pair is stored
  before it is used, so a process that waited adopts its neighbour's pair instead of spending the
  rotated-away refresh token;
* `invalid_grant` marks the company "Błąd połączenia" and raises RelinkAccount; after that nothing
  is sent for the company until it is linked again (a new pair in the store, state connected).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from agent.errors import At, MalformedAnswer, MarketplaceUnavailable, Phrase, RateLimited, RelinkAccount
from agent.file_lock import FileLock
from agent.logs import quiet_http_loggers, register_secret, say
from agent.marketplace import parsing
from agent.marketplace.connection import ConnectionRegistry
from agent.marketplace.limits import parse_retry_after
from agent.marketplace.models import TokenPair
from agent.marketplace.token_store import TokenStore
from agent.texts import text
from agent.texts.phrases import known_phrase

REFRESH_AHEAD = 60.0
"""Refresh an access token this many seconds before it expires."""
LOCK_WAIT = 30.0


RELINK_REASONS: dict[str, str] = {
    key: text("en", key)
    for key in ("err.reason.relink", "err.reason.removed", "err.reason.refused", "err.reason.fresh_refused")
}
"""Why an account must be linked again: the catalogue key, and the English the connection file keeps."""


def reason_phrase(reason: str) -> Phrase | str:
    """A kept reason worded in the reader's language when it is one of ours, else as it was kept."""
    return known_phrase(reason, ("err.reason.",)) or reason


def _camel_to_oauth(response: httpx2.Response) -> httpx2.Response:
    """Compliance hook: a camelCase TokenPair answer -> the snake_case fields authlib reads.

    A 429 is raised here as an HTTP error: authlib would take its JSON body (the platform's error
    shape, no `error` field) for a token, and the Retry-After it carries would be lost.
    """
    if response.status_code == 429:
        response.raise_for_status()
    if response.status_code != 200:
        return response
    try:
        data = response.json()
    except ValueError:
        return response
    if not isinstance(data, dict) or "accessToken" not in data:
        return response
    renamed = {
        "access_token": data.get("accessToken"),
        "refresh_token": data.get("refreshToken"),
        "expires_in": data.get("expiresIn"),
        "refresh_expires_in": data.get("refreshExpiresIn"),
        "token_type": data.get("tokenType") or "Bearer",
        "integration_id": data.get("integrationId"),
    }
    return httpx2.Response(200, json=renamed, request=response.request)


def _refresh_in_query(url: str, headers: dict[str, str], body: str) -> tuple[str, dict[str, str], str]:
    """Compliance hook: the refresh token goes in the query string (`?refreshToken=`), not the body."""
    fields = dict(parse_qsl(body))
    refresh = fields.get("refresh_token", "")
    return f"{url}?refreshToken={quote(refresh, safe='')}", headers, ""


class MarketplaceOAuthClient(AsyncOAuth2Client):  # type: ignore[misc]
    """authlib's client fitted to wszystko.pl; token freshness is the `TokenKeeper`'s job."""

    def __init__(self, *, token_endpoint: str, **kwargs: Any) -> None:
        quiet_http_loggers()  # httpx2 logs whole URLs; the refresh URL carries the refresh token
        super().__init__(token_endpoint=token_endpoint, token_endpoint_auth_method="none", leeway=0, **kwargs)
        self.register_compliance_hook("refresh_token_request", _refresh_in_query)
        self.register_compliance_hook("refresh_token_response", _camel_to_oauth)
        self.register_compliance_hook("access_token_response", _camel_to_oauth)

    async def ensure_active_token(self, token: Any) -> None:
        # authlib would refresh here without the cross-process lock; the keeper refreshes before calls.
        return None


def pair_from_oauth(token: dict[str, Any], previous: TokenPair | None, now: datetime) -> TokenPair:
    """authlib's token dict (after the compliance hook) -> TokenPair."""
    try:
        access = str(token["access_token"])
        refresh = str(token.get("refresh_token") or (previous.refresh_token if previous else ""))
        expires_in = int(token["expires_in"])
        refresh_in = token.get("refresh_expires_in")
    except (KeyError, TypeError, ValueError):
        raise MalformedAnswer("token refresh: unexpected answer", phrase=Phrase("err.token_unexpected")) from None
    if not refresh:
        raise MalformedAnswer(
            "token refresh: the answer has no refresh token", phrase=Phrase("err.token_no_refresh")
        )
    refresh_expires = (
        now + timedelta(seconds=int(refresh_in))
        if refresh_in is not None
        else (previous.refresh_expires_at if previous else now)
    )
    integration = token.get("integration_id") or (previous.integration_id if previous else None)
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        access_expires_at=now + timedelta(seconds=expires_in),
        refresh_expires_at=refresh_expires,
        token_type=str(token.get("token_type") or "Bearer"),
        integration_id=None if integration is None else str(integration),
    )


@contextlib.asynccontextmanager
async def file_lock(path: Path, wait: float = LOCK_WAIT) -> AsyncIterator[None]:
    """The account's token lock (`agent.file_lock`), held across processes for one refresh."""
    lock = FileLock(path)
    if not await lock.acquire_within(wait):
        raise MarketplaceUnavailable(
            "another process has been refreshing this account's tokens for too long", phrase=Phrase("err.token_busy")
        )
    try:
        yield
    finally:
        lock.release()


class TokenKeeper:
    """Hands out a fresh access token for one company's account; refreshes one at a time."""

    def __init__(
        self,
        company: str,
        oauth: MarketplaceOAuthClient,
        store: TokenStore,
        connections: ConnectionRegistry,
        lock_path: Path,
        *,
        refresh_ahead: float = REFRESH_AHEAD,
        refresh_timeout: float = 30.0,
    ) -> None:
        self.company = company
        self.oauth = oauth
        self.store = store
        self.connections = connections
        self.lock_path = lock_path
        self.refresh_ahead = refresh_ahead
        self.refresh_timeout = refresh_timeout
        self._pair: TokenPair | None = None
        self._stamp: tuple[int, int] | None = None
        """The connection state file's stamp when `_pair` was read from the store."""
        self._broken: str | None = None
        self._lock = asyncio.Lock()
        self.refresh_count = 0
        """Refresh calls this keeper made (for tests and the status screen)."""

    @property
    def pair(self) -> TokenPair | None:
        return self._pair

    def _adopt(self, pair: TokenPair) -> None:
        register_secret(pair.access_token)
        register_secret(pair.refresh_token)
        self._pair = pair
        self.oauth.token = {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "token_type": pair.token_type,
            "expires_at": int(pair.access_expires_at.timestamp()),
        }

    def mark_broken(self, reason: str) -> RelinkAccount:
        self._broken = reason
        self.connections.set_error(self.company, reason)
        return self._relink(reason)

    def _relink(self, reason: str) -> RelinkAccount:
        """RelinkAccount for `reason` (English, as the connection file keeps it), worded in any language."""
        facts = {"company": self.company, "reason": reason_phrase(reason)}
        return RelinkAccount(f"{self.company}: {reason}", phrase=Phrase("err.relink", facts))

    def _check_linked(self) -> TokenPair:
        """The current pair; RelinkAccount while the company is in "Błąd połączenia" or unlinked.

        A link, relink or unlink by any process rewrites the company's connection file: the pair is
        then read again (or refused), so no request goes out with a token the operator replaced."""
        stamp = self.connections.stamp(self.company)
        if self._pair is not None and stamp != self._stamp:
            self._pair = None
        if self._broken is not None or self._pair is None:
            self._stamp = stamp
            info = self.connections.get(self.company)
            if info.state == "error":
                self._broken = info.reason or RELINK_REASONS["err.reason.relink"]
                raise self._relink(self._broken)
            stored = self.store.load(self.company)
            if stored is None:
                raise RelinkAccount(
                    f"{self.company}: no marketplace account is linked",
                    phrase=Phrase("err.not_linked", {"company": self.company}),
                )
            if self._broken is not None and self._pair is not None and stored.refresh_token == self._pair.refresh_token:
                raise self._relink(self._broken)
            self._broken = None
            self._adopt(stored)
        assert self._pair is not None
        return self._pair

    async def access_token(self) -> str:
        """A usable access token, refreshed first when it expires within `refresh_ahead` seconds.

        Raises RelinkAccount (not linked, or the refresh token was refused), MarketplaceUnavailable /
        RateLimited (the refresh could not be done now), StorageError (the new pair cannot be stored).
        """
        pair = self._check_linked()
        if pair.access_expires_within(self.refresh_ahead):
            await self._refresh(stale_access=pair.access_token, forced=False)
        assert self._pair is not None
        return self._pair.access_token

    async def after_unauthorized(self, used_access: str) -> bool:
        """A call with `used_access` got 401: refresh once, unless someone already replaced it.

        True when this refreshed the pair; False when it only took a pair someone else made (another
        process's pair may be as stale as ours, if the marketplace expired access tokens early: the
        caller may come back once more, and then it is refreshed)."""
        pair = self._check_linked()
        if pair.access_token != used_access:
            return False
        return await self._refresh(stale_access=used_access, forced=True)

    async def _refresh(self, *, stale_access: str, forced: bool) -> bool:
        """True when the marketplace was asked for a new pair; False when one was adopted instead."""
        async with self._lock:
            # While this caller waited for the lock, another may have found the link replaced or
            # broken and dropped the pair: look again (it raises RelinkAccount while broken).
            current = self._pair if self._pair is not None and self._broken is None else self._check_linked()
            if current.access_token != stale_access:
                return False  # a concurrent caller refreshed while we waited for the lock
            async with file_lock(self.lock_path):
                stored = self.store.load(self.company)
                if stored is None:
                    raise self.mark_broken(RELINK_REASONS["err.reason.removed"])
                if stored.refresh_token != current.refresh_token:
                    # Another process rotated the pair and stored it: use theirs, never spend ours.
                    self._adopt(stored)
                    current = stored
                    if stored.access_token != stale_access and not stored.access_expires_within(self.refresh_ahead):
                        say("DEBUG", "log.tokens.adopted", company=self.company)
                        return False
                elif forced is False and not stored.access_expires_within(self.refresh_ahead):
                    self._adopt(stored)
                    return False
                new = await self._call_refresh(current)
                self.store.save(self.company, new)  # stored before it is used
                self._adopt(new)
                self.connections.set_connected(self.company)
                say("DEBUG", "log.tokens.refreshed", company=self.company, until=At(new.access_expires_at))
                return True

    async def _call_refresh(self, pair: TokenPair) -> TokenPair:
        url = str(self.oauth.metadata["token_endpoint"])
        self.refresh_count += 1
        try:
            async with asyncio.timeout(self.refresh_timeout):
                token = await self.oauth.refresh_token(url, refresh_token=pair.refresh_token, auth=httpx2.Auth())
        except OAuthError as exc:
            if exc.error in ("invalid_grant", "expired_token", "access_denied"):
                raise self.mark_broken(RELINK_REASONS["err.reason.refused"]) from None
            raise MarketplaceUnavailable(
                f"token refresh refused: {exc.error}", phrase=Phrase("err.token_refused", {"reason": exc.error})
            ) from None
        except httpx2.HTTPStatusError as exc:
            status = exc.response.status_code
            if status == 429:
                wait = parse_retry_after(exc.response.headers.get("Retry-After"))
                raise RateLimited(
                    "token refresh: rate limited", retry_after=wait, phrase=Phrase("err.token_rate_limited")
                ) from None
            if status in (400, 401):
                error = parsing.oauth_error(exc.response.text)
                if error == "invalid_grant":
                    raise self.mark_broken(RELINK_REASONS["err.reason.refused"]) from None
            raise MarketplaceUnavailable(
                f"token refresh: the marketplace answered {status}",
                phrase=Phrase("err.token_status", {"status": status}),
            ) from None
        except (httpx2.TransportError, TimeoutError) as exc:
            # Safe to repeat later: within the grace period the old refresh token gives the same pair.
            kind = exc.__class__.__name__
            raise MarketplaceUnavailable(
                f"token refresh: no answer ({kind})", phrase=Phrase("err.token_no_answer", {"kind": kind})
            ) from None
        except ValueError as exc:
            kind = exc.__class__.__name__
            raise MarketplaceUnavailable(
                f"token refresh: unreadable answer ({kind})", phrase=Phrase("err.token_unreadable", {"kind": kind})
            ) from None
        return pair_from_oauth(dict(token), pair, datetime.now(UTC))
