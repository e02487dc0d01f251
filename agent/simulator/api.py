"""The /api routes for linking, the catalogue and the seller's terms, and what every route shares:
bearer authentication (the category routes answer without a token, as live), the per-account rate
limit, paging, and the platform's error answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent.simulator import auth, terms
from agent.simulator.ratelimit import RateLimiter
from agent.simulator.settings import iso
from agent.simulator.state import Platform
from agent.simulator.wire import error, json_response, oauth_error

Handler = Callable[[Request, Platform, int], Awaitable[Response]]


class BadQuery(Exception):
    """A query parameter cannot be read at all (-> 400 naming it; the contract has no code for it)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def root_url(request: Request) -> str:
    """The simulator's own address as this client reached it (links and file urls point there)."""
    return f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"


def unauthorized() -> Response:
    return error(401, "unauthorized", "missing, expired or revoked access token",
                 "Sesja wygasła lub dostęp został cofnięty. Połącz konto ponownie.",
                 headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def authed(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a seller handler: a live bearer token, then the account's rate limit, then the handler."""

    async def endpoint(request: Request) -> Response:
        platform: Platform = request.app.state.platform
        token = auth.authenticate(platform, request.headers.get("authorization"))
        if token is None:
            return unauthorized()
        limiter: RateLimiter = request.app.state.limiter
        retry_after = limiter.check(token.account_id)
        if retry_after is not None:
            return error(429, "tooManyRequests", f"rate limit exceeded; retry after {retry_after} s",
                         "Zbyt wiele zapytań. Spróbuj ponownie za chwilę.",
                         headers={"Retry-After": str(retry_after)})
        try:
            return await handler(request, platform, token.account_id)
        except BadQuery as exc:
            return error(400, "invalidParameter", str(exc), "Nieprawidłowy parametr zapytania.", exc.name)

    return endpoint


def public(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a route that answers without a token (the live category routes do). A request that does
    carry a live token still counts against its account's rate limit, like any other it sends."""

    async def endpoint(request: Request) -> Response:
        platform: Platform = request.app.state.platform
        token = auth.authenticate(platform, request.headers.get("authorization"))
        if token is not None:
            retry_after = request.app.state.limiter.check(token.account_id)
            if retry_after is not None:
                return error(429, "tooManyRequests", f"rate limit exceeded; retry after {retry_after} s",
                             "Zbyt wiele zapytań. Spróbuj ponownie za chwilę.",
                             headers={"Retry-After": str(retry_after)})
        try:
            return await handler(request, platform, 0 if token is None else token.account_id)
        except BadQuery as exc:
            return error(400, "invalidParameter", str(exc), "Nieprawidłowy parametr zapytania.", exc.name)

    return endpoint


def int_query(request: Request, name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter, clamped into [low, high]: the contract lists no error answer for
    a listing, so an out-of-range page size gets the nearest allowed one (as lenient servers do)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(name, f"{name} must be a whole number") from None
    return min(high, max(low, value))


def page_of(request: Request, items: list[Any], max_size: int) -> tuple[list[Any], int]:
    """The requested page of `items` and the number of pages (at least 1); raises BadQuery."""
    page = int_query(request, "page", 1, 1, 10**9)
    size = int_query(request, "pageSize", 100, 10, max_size)
    return items[(page - 1) * size : page * size], max(1, -(-len(items) // size))


# --- linking ----------------------------------------------------------------------------------


async def register(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    device = auth.register(platform)
    root = root_url(request)
    return json_response({
        "deviceCode": device.code,
        "verificationUriComplete": f"{root}/login?user_code={device.user_code}",
        "verificationUriPrettyComplete": f"{root}/d/{device.user_code}",
        "expiresIn": platform.settings.device_code_ttl,
        "interval": platform.settings.poll_interval,
    })


async def poll_token(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    code = request.query_params.get("deviceCode")
    if not code:
        return oauth_error("invalid_request", "deviceCode is required")
    result = auth.poll(platform, code)
    if isinstance(result, str):
        return oauth_error(result, _POLL_TEXT[result])
    return json_response(auth.pair_to_api(result, platform.clock.now()))


_POLL_TEXT = {
    "authorization_pending": "the user has not consented yet",
    "slow_down": "polled faster than the interval; wait longer between polls",
    "access_denied": "the user refused access",
    "expired_token": "the device code expired or has already been used",
}


async def refresh_token(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    token = request.query_params.get("refreshToken")
    if not token:
        return oauth_error("invalid_request", "refreshToken is required")
    result = auth.refresh(platform, token)
    if isinstance(result, str):
        return oauth_error("invalid_grant", "the refresh token is invalid, expired, revoked or already used")
    return json_response(auth.pair_to_api(result, platform.clock.now()))


async def integrations(request: Request, platform: Platform, account_id: int) -> Response:
    user = platform.accounts[account_id].account.email
    return json_response([
        {"id": i.id, "userName": user, "ipAddress": i.ip_address, "start": iso(i.start),
         "lastAccess": iso(i.last_access)}
        for i in auth.live_integrations(platform, account_id)
    ])


async def end_integration(request: Request, platform: Platform, account_id: int) -> Response:
    if not auth.revoke(platform, account_id, request.path_params["id"]):
        return not_found("integration")
    return Response(status_code=204)


def not_found(what: str) -> Response:
    return error(404, "resourceNotFound", f"no such {what}", "Nie znaleziono zasobu.")


# --- catalogue --------------------------------------------------------------------------------


async def categories(request: Request, platform: Platform, account_id: int) -> Response:
    catalogue = request.app.state.catalogue
    with_fields = request.query_params.get("includeParameters", "false").lower() == "true"
    page, pages = page_of(request, catalogue.full_json if with_fields else catalogue.bare_json, 10000)
    body = b'{"categories":[' + b",".join(page) + b'],"numberOfPages":' + str(pages).encode() + b"}"
    return Response(body, media_type="application/json")


async def category(request: Request, platform: Platform, account_id: int) -> Response:
    found = request.app.state.catalogue.by_id.get(request.path_params["id"])
    return json_response(found) if found is not None else not_found("category")


async def subcategories(request: Request, platform: Platform, account_id: int) -> Response:
    catalogue = request.app.state.catalogue
    category_id = request.path_params["id"]
    if category_id != 0 and category_id not in catalogue.by_id:
        return not_found("category")
    return json_response(catalogue.children.get(category_id, []))


async def parameters(request: Request, platform: Platform, account_id: int) -> Response:
    found = request.app.state.catalogue.by_id.get(request.path_params["id"])
    if found is None:
        return not_found("category")
    return json_response({"fields": found.get("fields", [])})


# --- terms ------------------------------------------------------------------------------------


def _constant(value: object) -> Handler:
    async def handler(request: Request, platform: Platform, account_id: int) -> Response:
        return json_response(value)

    return handler


def _one(by_id: dict[str, dict[str, Any]], what: str) -> Handler:
    """GET of one tariff or policy by its id (404 when there is none)."""

    async def handler(request: Request, platform: Platform, account_id: int) -> Response:
        found = by_id.get(request.path_params["id"])
        return json_response(found) if found is not None else not_found(what)

    return handler


ROUTES = [
    Route("/integration/register", register, methods=["GET"]),
    Route("/integration/token", poll_token, methods=["GET"]),
    Route("/integration/token", refresh_token, methods=["POST"]),
    Route("/me/integrations", authed(integrations), methods=["GET"]),
    Route("/me/integrations/{id}", authed(end_integration), methods=["DELETE"]),
    Route("/categories", public(categories), methods=["GET"]),
    Route("/categories/{id:int}", public(category), methods=["GET"]),
    Route("/categories/{id:int}/subcategories", public(subcategories), methods=["GET"]),
    Route("/categories/{id:int}/parameters", public(parameters), methods=["GET"]),
    Route("/shipping/methods", authed(_constant(terms.SHIPPING_METHODS)), methods=["GET"]),
    Route("/me/shipping/tariffs", authed(_constant(terms.SHIPPING_TARIFFS)), methods=["GET"]),
    Route("/me/returnPolicies", authed(_constant(terms.RETURN_POLICIES)), methods=["GET"]),
    Route("/me/complaintPolicies", authed(_constant(terms.COMPLAINT_POLICIES)), methods=["GET"]),
    Route("/me/guarantees", authed(_constant(terms.GUARANTEES)), methods=["GET"]),
    Route("/payment/paymentMethods", authed(_constant(terms.PAYMENT_METHODS)), methods=["GET"]),
    Route("/me/shipping/tariffs/{id}", authed(_one(terms.TARIFFS_BY_ID, "tariff")), methods=["GET"]),
    Route("/me/returnPolicies/{id}", authed(_one(terms.RETURN_POLICIES_BY_ID, "return policy")), methods=["GET"]),
    Route("/me/complaintPolicies/{id}", authed(_one(terms.COMPLAINT_POLICIES_BY_ID, "complaint policy")),
          methods=["GET"]),
    Route("/me/guarantees/{id}", authed(_one(terms.GUARANTEES_BY_ID, "guarantee")), methods=["GET"]),
]
