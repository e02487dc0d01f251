"""Query strings as the marketplace reads them. Pure: no I/O.

Live clients send booleans as `True`/`False` (C#'s text of a bool) and the live service takes both;
this client sends the lowercase `true`/`false` of JSON, which every reader understands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def query_value(value: Any) -> Any:
    """One query value as it is sent: a bool as lowercase text, anything else unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def query_params(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The query of a request (None when empty), booleans as lowercase text."""
    return {key: query_value(value) for key, value in params.items()} or None
