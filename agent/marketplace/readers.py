"""Typed readers of one JSON answer's values, and the shape error every parser raises. Pure: no I/O.

Each reader raises `Shape` naming the key at fault, its reason kept as facts (`Shape.said`) so a
Polish line words it in Polish; its English words are the exception's text. `each` reads the
elements of a list one by one, so an element that cannot be read (an unknown enum value, a
required field missing) is left aside with its reason while the others are kept: one odd element
never fails a whole job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, get_args

from agent.errors import Phrase
from agent.marketplace.models import SkippedItem
from agent.texts import TABLES
from agent.texts.phrases import word

T = TypeVar("T")

# The raw text kept in an error is capped: a run report needs a sample, not megabytes.
PAYLOAD_KEEP = 4000

READ_ERRORS = (KeyError, TypeError, ValueError, ArithmeticError)
"""What a builder may raise besides `Shape` on a body of the wrong shape (turned into `Shape` text)."""


class Shape(Exception):
    """Internal: the JSON is valid but not the promised shape.

    `said` is what is wrong as a text key (`shape.*`) and its facts (the key at fault, the value), so
    the line that quotes it reads in the operator's language; `str()` is its English.
    """

    def __init__(self, key: str, /, **facts: object) -> None:
        self.said = Phrase(key, facts)
        super().__init__(word("en", self.said))


def thing(where: str) -> Phrase | str:
    """What a part of an answer is ("offer", "shipping method") as a word of the catalogue
    (`kind.*`), or as it was named when the catalogue has no word for it."""
    key = "kind." + where.replace(" ", "_")
    return Phrase(key) if key in TABLES["en"] else where


def as_object(value: Any, where: str = "answer") -> dict[str, Any]:
    """`value` as a JSON object; `where` names what it should be ("offer", "buyer")."""
    if not isinstance(value, dict):
        raise Shape("shape.not_object", where=thing(where))
    return value


def as_list(value: Any, where: str = "answer") -> list[Any]:
    """`value` as a JSON list; `where` is the key that holds it, or "answer" for the whole answer."""
    if not isinstance(value, list):
        field = thing(where) if where == "answer" else Phrase("shape.field", {"field": where})
        raise Shape("shape.not_list", where=field)
    return value


def req_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise Shape("shape.missing_str", field=key)
    return value


def opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Shape("shape.not_str", field=key)
    return value


def req_int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Shape("shape.missing_int", field=key)
    return value


def opt_int(data: dict[str, Any], key: str) -> int | None:
    return None if data.get(key) is None else req_int(data, key)


def req_bool(data: dict[str, Any], key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise Shape("shape.missing_bool", field=key)
    return value


def req_money(data: dict[str, Any], key: str) -> Decimal:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise Shape("shape.missing_number", field=key)
    return Decimal(value)


def opt_money(data: dict[str, Any], key: str) -> Decimal | None:
    return None if data.get(key) is None else req_money(data, key)


def req_enum(data: dict[str, Any], key: str, literal: Any) -> Any:
    value = data.get(key)
    allowed = _ENUMS.get(literal)
    if allowed is None:
        allowed = _ENUMS[literal] = frozenset(get_args(literal))
    if not isinstance(value, str | int) or value not in allowed:
        raise Shape("shape.unknown_value", field=key, value=repr(value))
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
        raise Shape("shape.not_time", field=key) from None
    # A time without an offset is taken as UTC rather than as local time of this machine.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def req_id(data: dict[str, Any], key: str = "id") -> str:
    """An id the live service sends as a string or as an integer, as text."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise Shape("shape.missing_id", field=key)
    return str(value)


def reason_of(exc: Exception) -> Phrase:
    """What a read error says, as facts: the Shape's own, else the exception's kind and text."""
    if isinstance(exc, Shape):
        return exc.said
    return Phrase("shape.read_error", {"kind": exc.__class__.__name__, "detail": str(exc)})


def problem(exc: Exception) -> str:
    """What a read error says, in English: the Shape's own text, else the exception's kind."""
    return str(exc) if isinstance(exc, Shape) else word("en", reason_of(exc))


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
                raise Shape("shape.element", what=thing(what), n=index + 1, reason=reason_of(exc)) from None
            payload = json.dumps(raw, default=str, ensure_ascii=False)[:PAYLOAD_KEEP]
            external = raw.get("externalId") if isinstance(raw, dict) else None
            skipped.append(SkippedItem(what=what, item_id=_raw_id(raw), reason=problem(exc), payload=payload,
                                       external_id=external if isinstance(external, str) else None,
                                       said=reason_of(exc)))
    return tuple(out)
