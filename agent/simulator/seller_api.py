"""The /api routes of a seller's own data: offers, uploaded files, bulk changes, sales."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

import httpx2
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent.domain import ORDER_STATUSES
from agent.simulator import offers, sales
from agent.simulator.api import BadQuery, authed, not_found, page_of, root_url
from agent.simulator.inject import PARTIAL_KEY
from agent.simulator.state import Platform
from agent.simulator.validation import MAX_IMAGE_BYTES, OFFER_KEYS, CheckedImage, Problem, check_image, contract_keys
from agent.simulator.wire import BadBody, error, errors, json_response, problems, read_json

FULL_MODEL = "application/vnd.pl.wszystko.v1.full+json"


def _bad_body(message: str, path: str | None = None) -> Response:
    return error(422, "invalidBody", message, "Nieprawidłowe dane w zapytaniu.", path)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


async def _json_object(request: Request, known: tuple[str, ...] = OFFER_KEYS) -> dict[str, Any]:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    return contract_keys(body, known)


def _conflict(exc: offers.Conflict) -> Response:
    return json_response({"errors": [{
        "code": "duplicateExternalId",
        "message": f"offer {exc.offer_id} already has this externalId",
        "path": "externalId",
        "userMessage": f"Oferta o tym identyfikatorze zewnętrznym już istnieje (nr {exc.offer_id}).",
        "offerId": exc.offer_id,
    }]}, 409)


# --- offers -----------------------------------------------------------------------------------


async def list_offers(request: Request, platform: Platform, account_id: int) -> Response:
    # An unknown status matches no offer (the contract lists no error answer for this listing).
    status = request.query_params.get("status")
    found = offers.listing(platform, account_id, status=status, external_id=request.query_params.get("externalId"))
    page, _ = page_of(request, found, 100)
    root = root_url(request)
    # As live: the short model unless the full one is asked for by its media type.
    model = offers.to_api if FULL_MODEL in request.headers.get("accept", "") else offers.to_short_api
    return json_response({"offers": [model(o, root) for o in page], "totalElements": len(found)})


async def create_offer(request: Request, platform: Platform, account_id: int) -> Response:
    try:
        result = offers.create(platform, account_id, await _json_object(request))
    except BadBody as exc:
        return _bad_body(str(exc))
    except offers.Conflict as exc:
        return _conflict(exc)
    if isinstance(result, list):
        return problems(result)
    return json_response(offers.to_api(result, root_url(request)))


async def get_offer(request: Request, platform: Platform, account_id: int) -> Response:
    offer = offers.get(platform, account_id, request.path_params["id"])
    return json_response(offers.to_api(offer, root_url(request))) if offer else not_found("offer")


async def delete_offer(request: Request, platform: Platform, account_id: int) -> Response:
    offer = offers.get(platform, account_id, request.path_params["id"])
    if offer is None:
        return not_found("offer")
    offers.delete(platform, offer)
    return Response(status_code=204)


async def replace_offer(request: Request, platform: Platform, account_id: int) -> Response:
    offer = offers.get(platform, account_id, request.path_params["id"])
    if offer is None:
        return not_found("offer")
    try:
        result = offers.replace(platform, offer, await _json_object(request))
    except BadBody as exc:
        return _bad_body(str(exc))
    except offers.Conflict as exc:
        return _conflict(exc)
    if isinstance(result, list):
        return problems(result)
    return json_response(offers.to_api(result, root_url(request)))


def _change(raw: object, name: str, kinds: tuple[str, ...], *, whole: bool) -> tuple[Any, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("change") not in kinds:
        raise BadBody(f"{name}.change must be one of {', '.join(kinds)}")
    value = raw.get("value")
    ok = _is_int(value) if whole else (_is_int(value) or isinstance(value, Decimal))
    if not ok:
        raise BadBody(f"{name}.value must be a {'whole number' if whole else 'number'}")
    return (value if whole else Decimal(cast(int | Decimal, value))), str(raw["change"])


async def update_offers(request: Request, platform: Platform, account_id: int) -> Response:
    try:
        body = await _json_object(request, ("id", "price", "quantity"))
        ids = body.get("id")
        if not isinstance(ids, list) or len(ids) > 1000 or not all(_is_int(i) for i in ids):
            raise BadBody("id must be a list of at most 1000 offer ids")
        price = _change(body.get("price"), "price", ("exactValue", "numericalChange", "percentageChange"), whole=False)
        quantity = _change(body.get("quantity"), "quantity", ("exactValue", "numericalChange"), whole=True)
        if price is None and quantity is None:
            raise BadBody("give price, quantity or both")
    except BadBody as exc:
        return _bad_body(str(exc))
    if not ids:
        # As live: an empty list means every offer of the account (the client must never send one).
        ids = list(platform.accounts[account_id].offer_ids)
    refused: set[int] = set()
    if getattr(request.state, PARTIAL_KEY, False):
        refused = request.app.state.faults.partial_failures(ids)
    return json_response(offers.bulk_change(platform, account_id, ids, price, quantity, refuse=refused))


# --- files ------------------------------------------------------------------------------------


async def upload_file(request: Request, platform: Platform, account_id: int) -> Response:
    form = await request.form(max_part_size=MAX_IMAGE_BYTES + 1024)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return _bad_body("multipart field `file` is required", "file")
    content = await upload.read(MAX_IMAGE_BYTES + 1)
    checked = check_image(content)
    if isinstance(checked, Problem):
        return problems([checked])
    stored = offers.store_file(platform, account_id, checked, content)
    platform.effect(account_id, "POST /me/files")
    # Live may answer one object rather than a list of one.
    return json_response({"name": stored.name, "url": root_url(request) + stored.path})


async def _fetch(client: httpx2.AsyncClient, platform: Platform, url: str) -> bytes | str:
    """The bytes behind `url`, or why they cannot be had. Files already on this platform are copied."""
    own = platform.files.get(httpx2.URL(url).path) if url.startswith(("http://", "https://")) else None
    if own is not None:
        return own.content
    if not url.startswith(("http://", "https://")):
        return "only http and https urls"
    try:
        answer = await client.get(url)
    except httpx2.HTTPError as exc:
        return f"cannot download: {type(exc).__name__}"
    if answer.status_code != 200:
        return f"cannot download: HTTP {answer.status_code}"
    return answer.content


async def add_files_from_urls(request: Request, platform: Platform, account_id: int) -> Response:
    try:
        urls = await read_json(request)
    except BadBody as exc:
        return _bad_body(str(exc))
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        return _bad_body("the body must be a non-empty list of urls")
    accepted: list[tuple[CheckedImage, bytes]] = []
    found: list[Problem] = []
    async with httpx2.AsyncClient(timeout=10.0, follow_redirects=True) as client:
        for index, url in enumerate(urls):
            content = await _fetch(client, platform, url)
            if isinstance(content, str):
                found.append(Problem("fileDownloadFailed", content, f"[{index}]", "Nie udało się pobrać pliku."))
                continue
            checked = check_image(content, f"[{index}]")
            if isinstance(checked, Problem):
                found.append(checked)
            else:
                accepted.append((checked, content))
    if found:  # all or nothing, so a retry of the same list cannot leave duplicates behind
        return problems(found)
    stored = [offers.store_file(platform, account_id, c, data) for c, data in accepted]
    platform.effect(account_id, "POST /me/addFilesFromUrls")
    root = root_url(request)
    # As live: each file's `name` is the URL it was copied from.
    return json_response([{"name": url, "url": root + s.path} for url, s in zip(urls, stored, strict=True)])


# --- sales ------------------------------------------------------------------------------------


def _time_query(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        # A "+" of an offset left unescaped in the query arrives as a space: take it back.
        value = datetime.fromisoformat(raw.strip().replace(" ", "+").replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(name, f"{name} must be an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise BadQuery(name, f"{name} must carry a UTC offset")
    return value


async def list_sales(request: Request, platform: Platform, account_id: int) -> Response:
    # An unknown status matches no order; an unreadable date is a 400 (see api.BadQuery).
    status = request.query_params.get("status")
    found = sales.listing(platform, account_id, status=status, created_from=_time_query(request, "creationDateFrom"),
                          created_to=_time_query(request, "creationDateTo"))
    page, _ = page_of(request, found, 100)
    return json_response({"sales": [sales.to_api(s) for s in page], "totalElements": len(found)})


async def get_sale(request: Request, platform: Platform, account_id: int) -> Response:
    sale = sales.get(platform, account_id, request.path_params["id"])
    return json_response(sales.to_api(sale)) if sale else not_found("order")


async def update_status(request: Request, platform: Platform, account_id: int) -> Response:
    try:
        body = await _json_object(request, ("id", "status"))
    except BadBody as exc:
        return _bad_body(str(exc))
    ids, status = body.get("id"), body.get("status")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100 or not all(_is_int(i) for i in ids):
        return _bad_body("id must be a list of 1 to 100 order ids", "id")
    if status not in ORDER_STATUSES:
        return _bad_body(f"status must be one of {', '.join(ORDER_STATUSES)}", "status")
    failed = sales.update_statuses(platform, account_id, ids, cast(sales.Status, status))
    return errors(422, failed) if failed else Response(status_code=204)


def _waybills(body: object) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not all(isinstance(w, dict) for w in body):
        raise BadBody("the body must be a list of {trackingNumber, shippingMethodId?, linkToTrackPackage?}")
    out: list[dict[str, Any]] = []
    for index, item in enumerate(body):
        number = item.get("trackingNumber")
        if not isinstance(number, str) or not number.strip():
            raise BadBody(f"[{index}].trackingNumber must be a non-empty string")
        kept = {k: item[k] for k in ("shippingMethodId", "linkToTrackPackage") if isinstance(item.get(k), str)}
        out.append({"trackingNumber": number, **kept})
    return out


async def get_tracking_numbers(request: Request, platform: Platform, account_id: int) -> Response:
    sale = sales.get(platform, account_id, request.path_params["id"])
    return json_response(sale.waybills) if sale else not_found("order")


async def set_tracking_numbers(request: Request, platform: Platform, account_id: int) -> Response:
    sale = sales.get(platform, account_id, request.path_params["id"])
    if sale is None:
        return not_found("order")
    try:
        waybills = _waybills(await read_json(request))
    except BadBody as exc:
        return _bad_body(str(exc))
    sales.set_waybills(platform, sale, waybills)
    return Response(status_code=204)


async def retrieve_statuses(request: Request, platform: Platform, account_id: int) -> Response:
    try:
        ids = await read_json(request)
    except BadBody as exc:
        return _bad_body(str(exc))
    if not isinstance(ids, list) or len(ids) > 100 or not all(_is_int(i) for i in ids):
        return _bad_body("the body must be a list of at most 100 order ids")
    found = (sales.get(platform, account_id, i) for i in ids)
    return json_response([{"id": s.id, "status": s.status, "paymentStatus": s.payment_status}
                          for s in found if s is not None])


ROUTES = [
    Route("/me/offers", authed(list_offers), methods=["GET"]),
    Route("/me/offers", authed(create_offer), methods=["POST"]),
    Route("/me/offers/{id:int}", authed(get_offer), methods=["GET"]),
    Route("/me/offers/{id:int}", authed(replace_offer), methods=["PUT"]),
    Route("/me/offers/{id:int}", authed(delete_offer), methods=["DELETE"]),
    Route("/me/update-offers", authed(update_offers), methods=["POST"]),
    Route("/me/files", authed(upload_file), methods=["POST"]),
    Route("/me/addFilesFromUrls", authed(add_files_from_urls), methods=["POST"]),
    Route("/me/sales", authed(list_sales), methods=["GET"]),
    Route("/me/sales/updateStatus", authed(update_status), methods=["PUT"]),
    Route("/me/sales/retrieve-statuses", authed(retrieve_statuses), methods=["POST"]),
    Route("/me/sales/{id:int}", authed(get_sale), methods=["GET"]),
    Route("/me/sales/{id:int}/trackingNumbers", authed(get_tracking_numbers), methods=["GET"]),
    Route("/me/sales/{id:int}/trackingNumbers", authed(set_tracking_numbers), methods=["PUT"]),
]
