"""Typed readers of one JSON answer's values, and the shape error every parser raises. Pure: no I/O.

Each reader raises `Shape` naming the key at fault. `each` reads the elements of a list one by one,
so an element that cannot be read (an unknown enum value, a required field missing) is left aside
with its reason while the others are kept: one odd element never fails a whole job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, get_args

from agent.marketplace.models import SkippedItem

T = TypeVar("T")

# The raw text kept in an error is capped: a run report needs a sample, not megabytes.
PAYLOAD_KEEP = 4000

READ_ERRORS = (KeyError, TypeError, ValueError, ArithmeticError)
"""What a builder may raise besides `Shape` on a body of the wrong shape (turned into `Shape` text)."""


class Shape(Exception):
    """Internal: the JSON is valid but not the promised shape."""



def as_object(value: Any, where: str = "answer") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Shape(f"{where} is not an object")
    return value


def as_list(value: Any, where: str = "answer") -> list[Any]:
    if not isinstance(value, list):
        raise Shape(f"{where} is not a list")
    return value


def req_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise Shape(f"`{key}` is missing or not a string")
    return value


def opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Shape(f"`{key}` is not a string")
    return value


def req_int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Shape(f"`{key}` is missing or not an integer")
    return value


def opt_int(data: dict[str, Any], key: str) -> int | None:
    return None if data.get(key) is None else req_int(data, key)


def req_bool(data: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise Shape(f"`{key}` is missing or not a boolean")
    return value


def req_money(data: dict[str, Any], key: str) -> Decimal:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Shape(f"`{key}` is missing or not a number")
    return Decimal(value)


def opt_money(data: dict[str, Any], key: str) -> Decimal | None:
    return None if data.get(key) is None else req_money(data, key)


def req_enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    value = data.get(key)
    allowed = _ENUMS.get(literal)
    if allowed is None:
        allowed = _ENUMS[literal] = frozenset(get_args(literal))
    if not isinstance(value, str | int) or value not in allowed:
        raise Shape(f"`{key}` has an unknown value {value!r}")
    return value


# The values of each Literal read so far (typing.get_args on every field of every answer adds up).
_ENUMS: dict[Any, frozenset[Any]] = {}


def opt_enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    return None if data.get(key) is None else req_enum(data, key, literal)


def req_time(data: dict[str, Any], key: str) -> datetime:
    text = req_str(data, key)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Shape(f"`{key}` is not an ISO 8601 time") from None
    # A time without an offset is taken as UTC rather than as local time of this machine.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def req_id(data: dict[str, Any], key: str = "id") -> str:
    """An id the live service sends as a string or as an integer, as text."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise Shape(f"`{key}` is missing or not an id")
    return str(value)


def problem(exc: Exception) -> str:
    """What a read error says, for a person: the Shape's own text, else the exception's kind."""
    return str(exc) if isinstance(exc, Shape) else f"{exc.__class__.__name__}: {exc}"


def _raw_id(raw: Any) -> str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None


def each(
    items: list[Any], build: Callable[[Any], T], what: str, skipped: list[SkippedItem] | None
) -> tuple[T, ...]:
    """`build` applied to every element. An element that cannot be read is put in `skipped` with its
    reason and raw JSON, and the rest are kept; with `skipped` None it fails the whole list (Shape)."""
    out: list[T] = []
    for index, raw in enumerate(items):
        try:
            out.append(build(raw))
        except (Shape, *READ_ERRORS) as exc:
            if skipped is None:
                raise Shape(f"{what} {index + 1}: {problem(exc)}") from None
            payload = json.dumps(raw, default=str, ensure_ascii=False)[:PAYLOAD_KEEP]
            external = raw.get("externalId") if isinstance(raw, dict) else None
            skipped.append(SkippedItem(what=what, item_id=_raw_id(raw), reason=problem(exc), payload=payload,
                                       external_id=external if isinstance(external, str) else None))
    return tuple(out)
