"""How values are written to and read from the state database's columns.

Times are ISO-8601 UTC text with microseconds (so they sort as text), money is `Decimal` as text
(never a float), and small structured values are compact JSON with sorted keys (so equal values
give equal text, which content hashes and tests rely on). A `Phrase` (an outcome's message as a
text key and its facts) is JSON too: {"key": ..., "values": {...}}, a value that is a phrase nested
the same way, a list of values as a JSON array, a number other than an int (a price) as text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from agent.errors import At, Bug, Count, Phrase
from agent.texts.phrases import counted


def time_to_text(moment: datetime) -> str:
    """`moment` as UTC ISO-8601 text; a naive datetime is our bug (its zone is unknown)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Bug(f"naive datetime {moment!r} given to the state database")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def time_from_text(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def optional_time_from_text(text: str | None) -> datetime | None:
    return None if text is None else time_from_text(text)


def optional_time_to_text(moment: datetime | None) -> str | None:
    return None if moment is None else time_to_text(moment)


def money_to_text(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        # A float here would already have lost cents; refuse rather than store a rounded value.
        raise Bug(f"money must be a finite Decimal, got {amount!r}")
    return str(amount)


def money_from_text(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise Bug(f"stored amount {text!r} is not a decimal number") from exc


def json_to_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_from_text(text: str) -> Any:
    return json.loads(text)


def phrase_to_text(phrase: Phrase | None) -> str | None:
    return None if phrase is None else json_to_text(_phrase_json(phrase))


def phrase_from_text(text: str | None) -> Phrase | None:
    """The stored phrase; None for none, or for text that is not one (it is then read as recorded)."""
    if text is None:
        return None
    try:
        found = _phrase_of(json.loads(text))
    except (ValueError, TypeError, KeyError):
        return None
    return found if isinstance(found, Phrase) else None


def _phrase_json(phrase: Phrase) -> dict[str, Any]:
    return {"key": phrase.key, "values": {name: _value_json(v) for name, v in phrase.values.items()}}


def _value_json(value: object) -> Any:
    if isinstance(value, Phrase):
        return _phrase_json(value)
    # The facts of an error's words (agent.errors) beside plain values: a counted word stays
    # countable in any language, an error is kept as its own facts or words, a moment as its text.
    if isinstance(value, Count):
        return _phrase_json(counted(value.n, value.word))
    if isinstance(value, BaseException):
        phrase = getattr(value, "phrase", None)
        return _phrase_json(phrase) if isinstance(phrase, Phrase) else str(value)
    if isinstance(value, At):
        return value.moment.isoformat(timespec="seconds")
    if isinstance(value, tuple | list):
        return [_value_json(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)  # a Decimal or a date: worded as its text anyway


def _phrase_of(value: Any) -> Any:
    if isinstance(value, dict):
        key, values = value["key"], value["values"]
        if not isinstance(key, str) or not isinstance(values, dict):
            raise TypeError("not a phrase")
        return Phrase(key, {str(name): _phrase_of(v) for name, v in values.items()})
    if isinstance(value, list):
        return tuple(_phrase_of(v) for v in value)
    return value
