"""The /_sim control API: not part of the marketplace contract; for tests, demos and our own checks.

    GET  /_sim/state[?account=ID]          counts: accounts, offers by status, orders by status, effects
    GET  /_sim/offers?account=ID           the account's offers with current price and stock
    POST /_sim/orders?count=N[&account=ID] buyers place N orders now; answers {"placed": n, "ids": [...]}
    POST /_sim/orders/{id}/cancel          the buyer cancels (stock goes back); 409 once shipped
    POST /_sim/accounts                    a new seller account {"id", "email", "password", "name"}
    GET  /_sim/accounts                    every account with its credentials
    POST /_sim/consent                     {"deviceCode", "account": ID|null, "allow": bool}, without the pages
    POST /_sim/expire-tokens?account=ID    the account's access tokens expire now
    GET  /_sim/token-stats[?account=ID]    {"refreshes": N, "invalidGrants": N}
    POST /_sim/advance?seconds=S           move the simulator's clock forward
    POST /_sim/buyers/tick?seconds=S       one step of buyer time now: {"placed", "cancelledNew", "cancelledInProcess"}
    POST /_sim/faults                      switch a fault on (shape in faults.py); answers it with its "id"
    GET  /_sim/faults                      the active faults (count = what is left of each)
    DELETE /_sim/faults/{id}               switch one off; DELETE /_sim/faults switches all off
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent.simulator import auth, sales
from agent.simulator.crowd import Crowd
from agent.simulator.faults import FaultSpecError, Switchboard
from agent.simulator.model import Account
from agent.simulator.state import Platform
from agent.simulator.wire import BadBody, dumps, read_json


def _answer(value: object, status: int = 200) -> Response:
    return Response(dumps(value), status_code=status, media_type="application/json")


def _fail(status: int, message: str) -> Response:
    return _answer({"error": message}, status)


class _Bad(Exception):
    pass


def _account(request: Request, platform: Platform, *, required: bool) -> int | None:
    raw = request.query_params.get("account")
    if raw is None:
        if required:
            raise _Bad("account=ID is required")
        return None
    try:
        account_id = int(raw)
    except ValueError:
        raise _Bad("account must be a number") from None
    if account_id not in platform.accounts:
        raise _Bad(f"no account {account_id}")
    return account_id


def _account_json(account: Account) -> dict[str, object]:
    return {"id": account.id, "email": account.email, "password": account.password, "name": account.name}


async def state(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        return _answer(platform.state_report(_account(request, platform, required=False)))
    except _Bad as exc:
        return _fail(404, str(exc))


async def offers_of(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        account_id = _account(request, platform, required=True)
    except _Bad as exc:
        return _fail(404, str(exc))
    assert account_id is not None
    found = [platform.offers[i] for i in platform.accounts[account_id].offer_ids]
    return _answer([
        {"id": o.id, "externalId": o.external_id, "status": o.status, "title": o.content.get("title"),
         "price": o.price, "stockQuantity": o.stock, "sold": o.sold}
        for o in found
    ])


async def place_orders(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        account_id = _account(request, platform, required=False)
        count = int(request.query_params.get("count", "1"))
    except (_Bad, ValueError) as exc:
        return _fail(400, str(exc))
    ids = []
    for _ in range(max(0, min(count, 10_000))):
        sale = sales.place_order(platform, account_id)
        if sale is None:
            break
        ids.append(sale.id)
    return _answer({"placed": len(ids), "ids": ids})


async def cancel_order(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    sale = platform.sales.get(request.path_params["id"])
    if sale is None:
        return _fail(404, "no such order")
    if not sales.buyer_cancel(platform, sale):
        return _fail(409, f"order is {sale.status}; it can no longer be cancelled")
    return _answer(sales.to_api(sale))


async def create_account(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    return _answer(_account_json(platform.create_account()))


async def list_accounts(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    return _answer([_account_json(d.account) for d in platform.accounts.values()])


async def consent(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        body = await read_json(request)
    except BadBody as exc:
        return _fail(400, str(exc))
    if not isinstance(body, dict) or not isinstance(body.get("allow"), bool):
        return _fail(400, 'send {"deviceCode": ..., "account": ID or null, "allow": true|false}')
    device = platform.device_codes.get(str(body.get("deviceCode")))
    if device is None or device.state != "pending" or platform.clock.now() >= device.expires_at:
        return _fail(404, "no pending device code like that")
    account_id = body.get("account")
    if body["allow"] and account_id is None:
        account_id = platform.create_account().id
    if account_id is not None and account_id not in platform.accounts:
        return _fail(404, f"no account {account_id}")
    auth.decide(platform, device, account_id, allow=body["allow"])
    return _answer({"account": account_id, "state": device.state})


async def expire_tokens(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        account_id = _account(request, platform, required=True)
    except _Bad as exc:
        return _fail(404, str(exc))
    assert account_id is not None
    return _answer({"expired": auth.expire_access_tokens(platform, account_id)})


async def token_stats(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        return _answer(platform.token_stats(_account(request, platform, required=False)))
    except _Bad as exc:
        return _fail(404, str(exc))


async def advance(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    try:
        seconds = float(request.query_params.get("seconds", "0"))
        platform.clock.advance(seconds)
    except ValueError as exc:
        return _fail(400, str(exc))
    return _answer({"now": platform.clock.datetime().isoformat()})


async def buyers_tick(request: Request) -> Response:
    crowd: Crowd = request.app.state.crowd
    try:
        seconds = float(request.query_params.get("seconds", "60"))
        if not 0 <= seconds <= 86400:
            raise ValueError("seconds must be between 0 and 86400")
    except ValueError as exc:
        return _fail(400, str(exc))
    report = crowd.tick(seconds)
    return _answer({"placed": report.placed, "cancelledNew": report.cancelled_new,
                    "cancelledInProcess": report.cancelled_in_process})


async def add_fault(request: Request) -> Response:
    switchboard: Switchboard = request.app.state.faults
    try:
        fault = switchboard.add(await read_json(request))
    except (BadBody, FaultSpecError) as exc:
        return _fail(400, str(exc))
    return _answer(fault.to_json())


async def list_faults(request: Request) -> Response:
    switchboard: Switchboard = request.app.state.faults
    return _answer([f.to_json() for f in switchboard.active()])


async def clear_faults(request: Request) -> Response:
    switchboard: Switchboard = request.app.state.faults
    return _answer({"removed": switchboard.clear()})


async def remove_fault(request: Request) -> Response:
    switchboard: Switchboard = request.app.state.faults
    if not switchboard.remove(request.path_params["id"]):
        return _fail(404, "no such active fault")
    return _answer({"removed": 1})


ROUTES = [
    Route("/buyers/tick", buyers_tick, methods=["POST"]),
    Route("/faults", add_fault, methods=["POST"]),
    Route("/faults", list_faults, methods=["GET"]),
    Route("/faults", clear_faults, methods=["DELETE"]),
    Route("/faults/{id}", remove_fault, methods=["DELETE"]),
    Route("/state", state, methods=["GET"]),
    Route("/offers", offers_of, methods=["GET"]),
    Route("/orders", place_orders, methods=["POST"]),
    Route("/orders/{id:int}/cancel", cancel_order, methods=["POST"]),
    Route("/accounts", create_account, methods=["POST"]),
    Route("/accounts", list_accounts, methods=["GET"]),
    Route("/consent", consent, methods=["POST"]),
    Route("/expire-tokens", expire_tokens, methods=["POST"]),
    Route("/token-stats", token_stats, methods=["GET"]),
    Route("/advance", advance, methods=["POST"]),
]
