"""JSON in and out: money stays Decimal inside and becomes a JSON number on the wire; the error body.

Bodies are parsed with `parse_float=Decimal`, so a price of 12.30 is Decimal("12.30") from the
first moment. On the way out a Decimal is written as a float, whose shortest repr is the same
digits for any two-decimal amount (12.3 -> 12.3), so nothing is lost at the boundary.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from agent.simulator.validation import Problem


class BadBody(Exception):
    """The request body is not the JSON the operation needs (-> 422)."""


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: object) -> bytes:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(value: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(value), status_code=status, headers=headers, media_type="application/json")


async def read_json(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadBody("the body is not valid JSON") from exc


def error_item(code: str, message: str, user_message: str, path: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"code": code, "message": message, "userMessage": user_message}
    if path is not None:
        item["path"] = path
    return item


def errors(status: int, items: Iterable[Mapping[str, Any]], headers: Mapping[str, str] | None = None) -> Response:
    """The platform's error body: {"errors": [{code, message, path?, userMessage}]}."""
    return json_response({"errors": list(items)}, status, headers)


def error(status: int, code: str, message: str, user_message: str, path: str | None = None,
          *, headers: Mapping[str, str] | None = None) -> Response:
    return errors(status, [error_item(code, message, user_message, path)], headers)


def problems(found: Iterable[Problem], status: int = 422) -> Response:
    return errors(status, (error_item(p.code, p.message, p.user_message, p.path) for p in found))


def oauth_error(code: str, description: str) -> Response:
    """The token endpoint's 400 body (RFC 6749 style)."""
    return json_response({"error": code, "error_description": description}, 400)
