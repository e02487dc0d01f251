"""The fault switchboard: which faults are on, and which one (if any) hits a given request.

A fault is posted to `POST /_sim/faults` as

    {"route": "GET /me/integrations" | "*", "kind": KIND, "probability": 1.0, "count": null,
     "status": 503, "seconds": 2.0, "retryAfter": 1}

`route` is a method and a path template of the contract relative to /api (exactly as the contract
writes it, e.g. "PUT /me/offers/{id}"), or "*" for every /api request. `count` limits the fault to the
next N requests it hits (then it is gone); `probability` is drawn per matching request from a seeded
generator, so one seed replays one sequence of hits.

Kinds, and who makes them:

    latency    the answer waits `seconds` first (app; every matching latency fault adds up)
    status     the answer is `status` with the platform's error body; nothing is applied (app); a 429
               or 503 says `Retry-After: <retryAfter>` (whole seconds, default 1)
    malformed  the request is applied, the answer's body is not valid JSON (app)
    partial    update-offers only: some ids fail with resourceUpdateFailed, the rest apply (app)
    revoke     the caller's integration is revoked first: the token 401s, its refresh invalid_grant (app)
    reset      the connection is reset before the request reaches the app: nothing applied (TCP front)
    cut        the request is applied, the answer stops mid-body and the connection closes (TCP front)
    drip       the request is applied, the body trickles out over `seconds` (TCP front)
    lost       the request is applied, then the connection is reset instead of answering (TCP front)

Besides latency, at most one fault hits a request: the first one posted that matches and wins its draw.
A fault that cannot apply to a request (partial off update-offers, revoke without a live bearer token)
does not match it and keeps its count.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final, Literal, cast, get_args

Kind = Literal["latency", "status", "reset", "cut", "malformed", "drip", "partial", "revoke", "lost"]
KINDS: Final = frozenset(get_args(Kind))
TRANSPORT_KINDS: Final = frozenset({"reset", "cut", "drip", "lost"})
"""Kinds the ASGI app cannot make by itself: they need the TCP front (settings.front)."""
_FIELDS: Final = frozenset({"route", "kind", "probability", "count", "status", "seconds", "retryAfter"})


class FaultSpecError(ValueError):
    """A posted fault is not one the switchboard can run (-> 400 naming the problem)."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One active fault; `count` is what is left of it (None = until deleted)."""

    id: str
    route: str
    kind: Kind
    probability: float = 1.0
    count: int | None = None
    status: int = 503
    seconds: float = 2.0
    fired: int = 0
    retry_after: int = 1
    """The Retry-After (whole seconds) of a 429 or 503 status fault."""

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "route": self.route, "kind": self.kind, "probability": self.probability,
                "count": self.count, "status": self.status, "seconds": self.seconds, "fired": self.fired,
                "retryAfter": self.retry_after}


@dataclass(frozen=True, slots=True)
class Hit:
    """What the switchboard decided for one request: added latency, and at most one other fault."""

    latency: float
    fault: Fault | None


NO_HIT: Final = Hit(0.0, None)


def _number(body: Mapping[str, Any], name: str, default: float) -> float:
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise FaultSpecError(f"{name} must be a number")
    return float(value)


class Switchboard:
    """The active faults, in the order they were posted, and the seeded draw that picks hits.

    `routes` maps each known "METHOD /template" to the regex of its concrete path (under /api), so a
    posted route must name a real operation and "{id}" matches only what the operation accepts.
    """

    def __init__(self, routes: Mapping[str, re.Pattern[str]], *, seed: int = 0, transport: bool = True) -> None:
        self.routes = dict(routes)
        self.transport = transport
        """False when no TCP front runs: reset, cut, drip and lost are refused at POST."""
        self._faults: dict[str, Fault] = {}
        self._rng = random.Random(f"faults-{seed}")
        self._ids = itertools.count(1)

    def __bool__(self) -> bool:
        return bool(self._faults)

    def add(self, body: object) -> Fault:
        """Validate a posted spec and switch it on; raises FaultSpecError."""
        if not isinstance(body, dict):
            raise FaultSpecError("send a JSON object")
        unknown = set(body) - _FIELDS
        if unknown:
            raise FaultSpecError(f"unknown field(s): {', '.join(sorted(unknown))}")
        kind = body.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"kind must be one of {', '.join(sorted(KINDS))}")
        if kind in TRANSPORT_KINDS and not self.transport:
            raise FaultSpecError(f"{kind} needs the simulator's TCP front, which is off")
        route = body.get("route", "*")
        if not isinstance(route, str) or (route != "*" and route not in self.routes):
            raise FaultSpecError(f"route must be \"*\" or one of: {', '.join(sorted(self.routes))}")
        if kind == "partial" and route not in ("*", "POST /me/update-offers"):
            raise FaultSpecError('partial applies to "POST /me/update-offers" only')
        probability = _number(body, "probability", 1.0)
        if not 0.0 <= probability <= 1.0:
            raise FaultSpecError("probability must be between 0 and 1")
        count = body.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
            raise FaultSpecError("count must be null or a whole number >= 1")
        status = body.get("status", 503)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultSpecError("status must be a whole number from 400 to 599")
        seconds = _number(body, "seconds", 2.0)
        if not 0.0 <= seconds <= 600.0:
            raise FaultSpecError("seconds must be between 0 and 600")
        retry_after = body.get("retryAfter", 1)
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or not 0 <= retry_after <= 600:
            raise FaultSpecError("retryAfter must be a whole number of seconds from 0 to 600")
        fault = Fault(f"f{next(self._ids)}", route, cast(Kind, kind), probability, count, status, seconds,
                      retry_after=retry_after)
        self._faults[fault.id] = fault
        return fault

    def remove(self, fault_id: str) -> bool:
        return self._faults.pop(fault_id, None) is not None

    def clear(self) -> int:
        removed = len(self._faults)
        self._faults.clear()
        return removed

    def active(self) -> list[Fault]:
        return list(self._faults.values())

    def route_of(self, method: str, path: str) -> str | None:
        """The "METHOD /template" a request under /api belongs to (path without the /api prefix)."""
        for route, pattern in self.routes.items():
            if route.startswith(method) and route[len(method)] == " " and pattern.fullmatch(path):
                return route
        return None

    def pick(self, method: str, path: str, applies: Callable[[Kind], bool]) -> Hit:
        """Decide the faults of one request to `path` (relative to /api); counts down what fires."""
        if not self._faults:
            return NO_HIT
        route = self.route_of(method, path)
        latency = 0.0
        chosen: Fault | None = None
        for fault in list(self._faults.values()):
            if fault.route not in ("*", route):
                continue
            if chosen is not None and fault.kind != "latency":
                continue
            if not applies(fault.kind):
                continue
            if fault.probability < 1.0 and self._rng.random() >= fault.probability:
                continue
            self._fire(fault)
            if fault.kind == "latency":
                latency += fault.seconds
            else:
                chosen = fault
        return Hit(latency, chosen)

    def _fire(self, fault: Fault) -> None:
        left = None if fault.count is None else fault.count - 1
        if left == 0:
            del self._faults[fault.id]
        else:
            self._faults[fault.id] = replace(fault, count=left, fired=fault.fired + 1)

    def partial_failures(self, ids: Iterable[int]) -> set[int]:
        """The ids a partial fault fails: about half, at least one, and never all of two or more."""
        unique = list(dict.fromkeys(ids))
        failed = {i for i in unique if self._rng.random() < 0.5}
        if not failed:
            failed = {self._rng.choice(unique)}
        if len(unique) > 1 and len(failed) == len(unique):
            failed.discard(self._rng.choice(unique))
        return failed


def contract_routes(routes: Iterable[tuple[str, str]]) -> dict[str, re.Pattern[str]]:
    """{"METHOD /template": regex} from (method, Starlette path) pairs, e.g. ("PUT", "/me/offers/{id:int}")."""
    out: dict[str, re.Pattern[str]] = {}
    for method, path in routes:
        template = re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)
        regex = re.sub(r"\\\{\w+:int\\\}", r"[0-9]+", re.escape(path))
        regex = re.sub(r"\\\{\w+(:\w+)?\\\}", r"[^/]+", regex)
        out[f"{method} {template}"] = re.compile(regex)
    return out
