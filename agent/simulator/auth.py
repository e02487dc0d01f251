"""Linking and tokens: the device-code flow, refresh-token rotation with grace, revocation.

Rules (the contract's, made concrete):

- A device code lives `device_code_ttl` seconds. Polling it answers `authorization_pending` until the
  user consents, `access_denied` after Deny, `expired_token` once it has expired or has already
  given its tokens (tokens come out once only), and, while the user has not decided yet, `slow_down`
  instead of `authorization_pending` when polled sooner than `poll_interval` after the previous poll
  (10% slack for network jitter; every poll, even a too-early one, restarts the interval). As in
  RFC 8628, slow_down is only a variant of "pending": a decided code answers tokens or access_denied.
- Consent creates the integration; the first successful poll gives its first pair.
- A refresh token can be used once: it answers a new pair (new access and new refresh token). Within
  `refresh_grace` seconds of that first use it answers the same pair again (two racing processes end up
  with one pair); later, or once revoked or expired, it answers `invalid_grant`. An older access token
  keeps working until its own expiry, as access tokens are not tied to the refresh chain.
- Revoking an integration ends it at once: its access tokens answer 401 on the next request and
  its refresh tokens `invalid_grant`.
"""

from __future__ import annotations

import secrets
import string
from typing import Literal

from agent.simulator.model import AccessToken, DeviceCode, Integration, RefreshToken, TokenPair
from agent.simulator.state import Platform

# No 0/O, 1/I/L: user codes are read off a screen and typed.
_USER_CODE_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1IL")
PollError = Literal["authorization_pending", "slow_down", "access_denied", "expired_token"]


def _user_code() -> str:
    raw = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def register(platform: Platform) -> DeviceCode:
    """A fresh device code; with auto-consent it is approved at once for a new account."""
    now = platform.clock.now()
    user_code = _user_code()
    while user_code in platform.device_codes_by_user_code:
        user_code = _user_code()
    device = DeviceCode(
        code=secrets.token_urlsafe(48),
        user_code=user_code,
        created=now,
        expires_at=now + platform.settings.device_code_ttl,
    )
    platform.device_codes[device.code] = device
    platform.device_codes_by_user_code[user_code] = device.code
    if platform.settings.auto_consent:
        decide(platform, device, platform.create_account().id, allow=True)
    return device


def pending_by_user_code(platform: Platform, user_code: str) -> DeviceCode | None:
    """The device code a consent page is about, if it still waits for a decision."""
    code = platform.device_codes_by_user_code.get(user_code.strip().upper())
    device = platform.device_codes.get(code) if code else None
    if device is None or device.state != "pending" or platform.clock.now() >= device.expires_at:
        return None
    return device


def decide(platform: Platform, device: DeviceCode, account_id: int | None, *, allow: bool) -> None:
    """The user's answer on the consent page (Zezwól / Odmów) for a pending code."""
    if device.state != "pending":
        raise ValueError(f"device code is {device.state}, not pending")
    if allow:
        if account_id is None or account_id not in platform.accounts:
            raise ValueError("an approval needs an existing account")
        device.state, device.account_id = "approved", account_id
    else:
        device.state = "denied"


def poll(platform: Platform, code: str) -> TokenPair | PollError:
    """One poll of the token endpoint with a device code."""
    now = platform.clock.now()
    device = platform.device_codes.get(code)
    if device is None or now >= device.expires_at or device.state == "consumed":
        return "expired_token"
    last, device.last_poll = device.last_poll, now
    if device.state == "denied":
        return "access_denied"
    if device.state == "pending" or device.account_id is None:
        # slow_down is a variant of authorization_pending (RFC 8628): once decided, the answer is final.
        if last is not None and now - last < platform.settings.poll_interval * 0.9:
            return "slow_down"
        return "authorization_pending"
    device.state = "consumed"
    integration = Integration(id=secrets.token_hex(12), account_id=device.account_id, start=now, last_access=now)
    platform.integrations[integration.id] = integration
    return _issue(platform, integration)


def _issue(platform: Platform, integration: Integration) -> TokenPair:
    now = platform.clock.now()
    settings = platform.settings
    pair = TokenPair(
        access_token=secrets.token_urlsafe(32),
        access_expires_at=now + settings.token_ttl,
        refresh_token=secrets.token_urlsafe(48),
        refresh_expires_at=now + settings.refresh_ttl,
        integration_id=integration.id,
    )
    platform.access_tokens[pair.access_token] = AccessToken(
        pair.access_token, integration.account_id, integration.id, pair.access_expires_at
    )
    platform.refresh_tokens[pair.refresh_token] = RefreshToken(
        pair.refresh_token, integration.account_id, integration.id, pair.refresh_expires_at
    )
    return pair


def refresh(platform: Platform, token: str) -> TokenPair | Literal["invalid_grant"]:
    """Exchange a refresh token for a pair (rotation with grace; see the module docstring)."""
    now = platform.clock.now()
    record = platform.refresh_tokens.get(token)
    if record is None:
        platform.unknown_invalid_grants += 1
        return "invalid_grant"
    stats = platform.accounts[record.account_id].token_stats
    stats.refreshes += 1
    integration = platform.integrations.get(record.integration_id)
    if integration is None or integration.revoked or now >= record.expires_at:
        stats.invalid_grants += 1
        return "invalid_grant"
    if record.used_at is not None:
        if record.successor is not None and now - record.used_at <= platform.settings.refresh_grace:
            return record.successor
        stats.invalid_grants += 1
        return "invalid_grant"
    pair = _issue(platform, integration)
    record.used_at, record.successor = now, pair
    integration.last_access = now
    return pair


def authenticate(platform: Platform, authorization: str | None) -> AccessToken | None:
    """The live access token behind an `Authorization: Bearer ...` header, or None (-> 401)."""
    if not authorization or authorization[:7].lower() != "bearer ":  # the scheme is case-insensitive
        return None
    token = platform.access_tokens.get(authorization[7:].strip())
    if token is None:
        return None
    now = platform.clock.now()
    if now >= token.expires_at:
        return None
    integration = platform.integrations[token.integration_id]
    integration.last_access = now
    return token


def revoke(platform: Platform, account_id: int, integration_id: str) -> bool:
    """End one of the account's connections at once; False if it has no such live connection."""
    integration = platform.integrations.get(integration_id)
    if integration is None or integration.account_id != account_id or integration.revoked:
        return False
    end_integration(platform, integration_id)
    platform.effect(account_id, "DELETE /me/integrations/{id}")
    return True


def end_integration(platform: Platform, integration_id: str) -> None:
    """Revoke a connection without counting a seller's effect (the platform's own doing: a revoke fault)."""
    integration = platform.integrations[integration_id]
    integration.revoked = True
    # Access tokens go at once (the next request answers 401); refresh tokens see `revoked`.
    for token in [t for t, a in platform.access_tokens.items() if a.integration_id == integration_id]:
        del platform.access_tokens[token]


def expire_access_tokens(platform: Platform, account_id: int) -> int:
    """Make every current access token of the account expire now (tests of clients' 401 handling)."""
    now = platform.clock.now()
    expired = 0
    for token in platform.access_tokens.values():
        if token.account_id == account_id and token.expires_at > now:
            token.expires_at = now
            expired += 1
    return expired


def live_integrations(platform: Platform, account_id: int) -> list[Integration]:
    return [i for i in platform.integrations.values() if i.account_id == account_id and not i.revoked]


def pair_to_api(pair: TokenPair, now: float) -> dict[str, object]:
    """A pair as the wire shows it at `now` (lifetimes as seconds left)."""
    return {
        "accessToken": pair.access_token,
        "expiresIn": max(0, round(pair.access_expires_at - now)),
        "refreshToken": pair.refresh_token,
        "refreshExpiresIn": max(0, round(pair.refresh_expires_at - now)),
        "tokenType": "Bearer",
        "integrationId": pair.integration_id,
    }
