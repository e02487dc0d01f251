"""Linking an account: wszystko.pl's device-code flow (authlib has no client for it).

`register` asks for a device code and the page the user opens; `wait_for_tokens` polls
`GET /integration/token?deviceCode=` at the server's `interval` (5 s more after each `slow_down`)
until the user consents, refuses, or the code expires. The device code and the page's address are
secrets: they go to the user, never into a log line or an exception text.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Literal

import httpx2

from agent.errors import MarketplaceUnavailable, Phrase, RelinkAccount
from agent.logs import quiet_http_loggers, register_secret, say
from agent.marketplace import parsing
from agent.marketplace.limits import parse_retry_after
from agent.marketplace.models import DeviceRegistration, TokenPair

SLOW_DOWN_STEP = 5
# Consecutive network faults tolerated while polling before giving up: a blip must not cost the
# user a new consent, a dead network must not keep them waiting for ten minutes.
MAX_POLL_FAULTS = 5

LinkFailure = Literal["denied", "expired", "refused"]


class LinkFailed(RelinkAccount):
    """The device flow ended without tokens; `reason` is denied, expired or refused."""

    def __init__(self, message: str, *, reason: LinkFailure, hint: str | None = None, detail: str = "") -> None:
        super().__init__(
            message, hint=hint, phrase=Phrase(f"err.link_{reason}", {"detail": detail}),
            hint_phrase=Phrase(f"errhint.link_{reason}"),
        )
        self.reason = reason


async def register(http: httpx2.AsyncClient) -> DeviceRegistration:
    """A new device code and the page for the user. Raises MarketplaceUnavailable, MalformedAnswer."""
    quiet_http_loggers()  # httpx2 logs whole URLs, and the polling URL carries the device code
    try:
        response = await http.get("/integration/register")
    except httpx2.TransportError as exc:
        kind = exc.__class__.__name__
        raise MarketplaceUnavailable(
            f"linking: the marketplace cannot be reached ({kind})",
            phrase=Phrase("err.link_unreachable", {"kind": kind}),
        ) from None
    if response.status_code != 200:
        status = response.status_code
        raise MarketplaceUnavailable(
            f"linking: the marketplace answered {status} to the registration",
            phrase=Phrase("err.link_register_status", {"status": status}),
        )
    registration = parsing.parse(
        response.text, "device registration", parsing.device_registration, call=Phrase("call.device_registration")
    )
    register_secret(registration.device_code)
    register_secret(registration.verification_uri)
    register_secret(registration.verification_uri_pretty)
    return registration


async def wait_for_tokens(
    http: httpx2.AsyncClient,
    registration: DeviceRegistration,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> TokenPair:
    """Poll until the user consents; the new pair.

    Raises LinkFailed (denied, expired, refused), MarketplaceUnavailable (the network failed
    MAX_POLL_FAULTS times in a row), MalformedAnswer (the tokens did not parse).
    """
    quiet_http_loggers()
    interval = float(max(1, registration.interval))
    give_up = clock() + registration.expires_in
    faults = 0
    while True:
        await sleep(interval)
        if clock() >= give_up:
            raise _expired()
        try:
            response = await http.get("/integration/token", params={"deviceCode": registration.device_code})
        except httpx2.TransportError as exc:
            faults += 1
            if faults >= MAX_POLL_FAULTS:
                kind = exc.__class__.__name__
                raise MarketplaceUnavailable(
                    f"linking: the marketplace stopped answering ({kind})",
                    phrase=Phrase("err.link_stopped", {"kind": kind}),
                ) from None
            continue
        status = response.status_code
        if status == 200:
            said = Phrase("call.linking_tokens")
            pair = parsing.parse(response.text, "linking tokens", parsing.token_pair, call=said)
            register_secret(pair.access_token)
            register_secret(pair.refresh_token)
            return pair
        if status == 429:
            await sleep(parse_retry_after(response.headers.get("Retry-After")))
            continue
        if status >= 500:
            faults += 1
            if faults >= MAX_POLL_FAULTS:
                raise MarketplaceUnavailable(
                    f"linking: the marketplace answered {status} {faults} times in a row",
                    phrase=Phrase("err.link_faults", {"status": status, "faults": faults}),
                )
            continue
        faults = 0
        error = parsing.oauth_error(response.text)
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += SLOW_DOWN_STEP
            say("DEBUG", "log.link.slow_down", seconds=interval)
            continue
        if error == "access_denied":
            raise LinkFailed(
                "Odmówiono dostępu: the user refused the link on the marketplace page",
                reason="denied",
                hint="run `marketsync connect COMPANY` again and allow access",
            )
        if error == "expired_token":
            raise _expired()
        raise LinkFailed(
            f"the marketplace refused the link ({error or status})",
            reason="refused",
            detail=str(error or status),
            hint="run `marketsync connect COMPANY` again",
        )


def _expired() -> LinkFailed:
    return LinkFailed(
        "Kod wygasł: the code expired before the link was approved",
        reason="expired",
        hint="run `marketsync connect COMPANY` again and approve within the time shown",
    )
