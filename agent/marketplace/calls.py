"""One marketplace call, made to survive a hostile network.

`CallEngine.call` wraps each request in: the account's "linked?" check, the per-host circuit breaker,
the per-account rate limiter, a fresh access token, a deadline per attempt (so a server dripping
bytes cannot hang us), one refresh on a 401, a pause of `Retry-After` on 429, and exponential
backoff with full jitter on 5xx, timeouts and dropped connections - for idempotent operations only.
A non-idempotent call whose request may have reached the server raises `AnswerLost`, so the caller
can look up what happened before doing anything again. URLs in messages never carry a query.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx2

from agent.errors import (
    InvalidItem,
    MarketplaceUnavailable,
    Phrase,
    RateLimited,
    RetryLater,
    strip_query,
)
from agent.logs import say
from agent.marketplace import parsing
from agent.marketplace.limits import RateLimiter, parse_retry_after
from agent.marketplace.retry import CircuitBreaker, RetryPolicy
from agent.marketplace.tokens import RELINK_REASONS, MarketplaceOAuthClient, TokenKeeper

_T = TypeVar("_T")


class AnswerLost(MarketplaceUnavailable):
    """A non-idempotent request may have been applied, but its answer never arrived."""


@dataclass(frozen=True, slots=True)
class CallSettings:
    """Time limits and retries of calls; the defaults suit the live service."""

    attempt_timeout: float = 30.0
    """Whole request and answer of one attempt, however slowly the bytes come."""
    call_deadline: float = 120.0
    """All attempts and pauses of one call together."""
    connect_timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    what: str
    idempotent: bool
    params: Mapping[str, Any] | None
    content: bytes | None
    files: Mapping[str, tuple[str, bytes, str]] | None
    accept: tuple[int, ...]
    headers: Mapping[str, str] | None = None

    @property
    def shown_path(self) -> str:
        """The path fit for a message: no query string (it may carry a secret)."""
        return self.path.split("?", maxsplit=1)[0]

    @property
    def phrase(self) -> Phrase:
        """The call as an error names it in any language: its method and path ("GET /me/sales")."""
        return Phrase("err.call", {"method": self.method, "path": self.shown_path})


@dataclass(frozen=True, slots=True)
class _Unauthorized:
    token: str = field(repr=False)


# Faults that happen before the request leaves: repeating it cannot apply anything twice.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


class CallEngine:
    """Sends one account's requests through limiter, breaker, tokens, deadlines and retries."""

    def __init__(
        self,
        company: str,
        http: MarketplaceOAuthClient,
        keeper: TokenKeeper,
        limiter: RateLimiter,
        breaker: CircuitBreaker,
        *,
        settings: CallSettings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.company = company
        self.http = http
        self.keeper = keeper
        self.limiter = limiter
        self.breaker = breaker
        self.settings = settings or CallSettings()
        self.rng = rng or random.Random()
        self.run_deadline: float | None = None
        """Loop time after which no call of the current run starts or goes on (None: no limit)."""

    def _remaining(self, call_end: float) -> float:
        end = call_end if self.run_deadline is None else min(call_end, self.run_deadline)
        return end - asyncio.get_running_loop().time()

    async def call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        idempotent: bool,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        accept: tuple[int, ...] = (200,),
        headers: Mapping[str, str] | None = None,
    ) -> httpx2.Response:
        """Send the request; return the answer when its status is in `accept`.

        Raises RelinkAccount (account not linked or tokens refused), RateLimited (still 429 after the
        retries), MarketplaceUnavailable (5xx / network / open breaker / deadline), AnswerLost (a
        non-idempotent request may have been applied), InvalidItem (4xx naming the field at fault).
        """
        call_end = asyncio.get_running_loop().time() + self.settings.call_deadline
        request = _Request(method, path, what, idempotent, params, content, files, accept, headers)
        policy = self.settings.retry
        refreshed_on_401 = False
        failures = 0
        last: RetryLater | None = None
        while True:
            if self._remaining(call_end) <= 0:
                raise last or MarketplaceUnavailable(
                    f"{what}: no time left for the call", phrase=Phrase("err.no_time_left", {"call": request.phrase})
                )
            self.breaker.before_call()
            try:
                outcome = await self._attempt(request, call_end, last)
            finally:
                self.breaker.release_probe()
            if isinstance(outcome, httpx2.Response):
                return outcome
            if isinstance(outcome, _Unauthorized):
                if refreshed_on_401:
                    raise self.keeper.mark_broken(RELINK_REASONS["err.reason.fresh_refused"])
                # Only our own refresh counts: a pair adopted from another process may be as stale
                # (access tokens expired early by the marketplace); its 401 earns one refresh more.
                refreshed = await self._refresh(self.keeper.after_unauthorized(outcome.token), call_end)
                if isinstance(refreshed, bool):
                    refreshed_on_401 = refreshed
                    continue
                outcome = refreshed  # the refresh failed for now: a passing fault like any other
            last = outcome
            failures += 1
            if failures >= policy.attempts:
                raise outcome
            if isinstance(outcome, RateLimited):
                continue  # the limiter holds the next start until Retry-After has passed
            pause = min(policy.delay(failures - 1, self.rng), max(0.0, self._remaining(call_end)))
            said = outcome.phrase if outcome.phrase is not None else outcome.message
            say("DEBUG", "log.calls.retry", company=self.company, error=said, attempt=failures + 1, pause=pause)
            await asyncio.sleep(pause)

    async def _attempt(
        self, req: _Request, call_end: float, last: RetryLater | None
    ) -> httpx2.Response | _Unauthorized | RetryLater:
        """One try: the answer to return, a 401 to handle, or a passing fault worth another try."""
        if not self.limiter.try_acquire():
            try:
                async with asyncio.timeout(max(0.0, self._remaining(call_end))):
                    await self.limiter.acquire()
            except TimeoutError:
                raise last or RateLimited(
                    f"{req.what}: the rate limit leaves no time for the call", retry_after=self.limiter.wait_time(),
                    phrase=Phrase("err.rate_no_time", {"call": req.phrase}),
                ) from None
        token = await self._refresh(self.keeper.access_token(), call_end)
        if isinstance(token, RetryLater):
            return token  # the refresh could not be done now; the request was not sent
        try:
            async with asyncio.timeout(min(self.settings.attempt_timeout, max(0.0, self._remaining(call_end)))):
                # auth=None: the token is in the headers already (authlib's own refresh is not used).
                response: httpx2.Response = await self.http.send(self._build(req, token), auth=None)
        except (httpx2.TransportError, TimeoutError) as exc:
            self.breaker.record_failure()
            kind = "timeout" if isinstance(exc, TimeoutError) else exc.__class__.__name__
            facts = {"call": req.phrase, "kind": kind}
            if not req.idempotent and not isinstance(exc, _NOT_SENT):
                lost = Phrase("err.answer_lost", facts)
                raise AnswerLost(f"{req.what}: the answer was lost ({kind})", phrase=lost) from None
            return MarketplaceUnavailable(f"{req.what}: no answer ({kind})", phrase=Phrase("err.no_answer", facts))
        status = response.status_code
        if status >= 500:
            self.breaker.record_failure()
            said = {"call": req.phrase, "status": status}
            if not req.idempotent:
                raise AnswerLost(
                    f"{req.what}: the marketplace answered {status}", phrase=Phrase("err.answer_lost_status", said)
                )
            return MarketplaceUnavailable(
                f"{req.what}: the marketplace answered {status}", phrase=Phrase("err.answered_status", said)
            )
        self.breaker.record_success()
        if status == 401:
            return _Unauthorized(token)
        if status == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            self.limiter.block_for(wait)
            say(
                "INFO", "log.calls.rate_limited", company=self.company, method=req.method, path=req.shown_path,
                wait=wait,
            )
            # A 429 was not applied, so even a non-idempotent call may be repeated.
            return RateLimited(
                f"{req.what}: rate limited", retry_after=wait, phrase=Phrase("err.rate_limited", {"call": req.phrase})
            )
        if status in req.accept:
            return response
        raise self._client_error(req, response)

    async def _refresh(self, step: Awaitable[_T], call_end: float) -> _T | RetryLater:
        """A token step (which may refresh the pair) within what is left of the call's deadline.

        A refresh cut short is safe to repeat: within the grace period the old refresh token gives
        the same pair. A 429 of the token endpoint holds every request of the account until its
        Retry-After has passed, as a 429 of any other call does.
        """
        try:
            async with asyncio.timeout(max(0.0, self._remaining(call_end))):
                return await step
        except TimeoutError:
            return MarketplaceUnavailable(
                "token refresh: no answer within the call's deadline", phrase=Phrase("err.token_no_time")
            )
        except RetryLater as exc:
            if isinstance(exc, RateLimited):
                self.limiter.block_for(exc.retry_after)
            return exc

    def _build(self, req: _Request, token: str) -> httpx2.Request:
        """The request as the client builds it: its base URL, headers, cookies and time limits merged in."""
        headers = {**(req.headers or {}), "Authorization": f"Bearer {token}"}
        if req.content is not None:
            headers["Content-Type"] = "application/json"
        built: httpx2.Request = self.http.build_request(
            req.method, req.path, params=req.params, content=req.content, files=req.files, headers=headers
        )
        return built

    def _client_error(self, req: _Request, response: httpx2.Response) -> Exception:
        """A 4xx other than 401/429 -> InvalidItem naming the field at fault when the body says.

        The marketplace's own words are kept as quoted data behind a lead in the reader's language."""
        what = req.what
        status = response.status_code
        where = strip_query(str(response.request.url)) if response.request else ""
        field, message = "", ""
        try:
            data = parsing.load_json(response.text, what)
            errors = data.get("errors") if isinstance(data, dict) else None
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                first = errors[0]
                field = str(first.get("path") or "")
                message = str(first.get("userMessage") or first.get("message") or "")
        except Exception:  # the body of an error is a courtesy; its absence must not hide the status
            pass
        facts: dict[str, object] = {"call": req.phrase, "status": status}
        if message:
            facts["said"] = Phrase("err.marketplace_said", {"message": message})
        if status == 403:
            return InvalidItem(
                f"{what}: the account may not do this (403{', ' + message if message else ''})",
                phrase=Phrase("err.forbidden_said" if message else "err.forbidden", facts),
            )
        text = f"{what}: the marketplace refused it ({status}{', ' + message if message else ''})"
        phrase = Phrase("err.refused_said" if message else "err.refused", facts)
        if status == 404:
            text = f"{what}: not found on the marketplace ({where})"
            phrase = Phrase("err.not_found", facts)
        return InvalidItem(text, field=field, phrase=phrase)
