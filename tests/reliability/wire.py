"""What the agent does on the wire, recorded from outside: every request with its times, answer and
Retry-After (`WireLog`, a transport), and every marketplace call with its deadline (`TimedEngine`).

Both are seams the client already has: `build_client(transport=...)` and `WszystkoClient(engine)`.
Nothing is mocked; the agent's own code runs, and these only watch. From the records:

- `deadline_ratios`: each call's duration over its deadline (the promise: <= 1.1);
- `early_requests`: requests sent before the Retry-After of a 429 had elapsed (the promise: none);
- `doubled_effects`: the simulator's effect counts against the distinct writes the agent sent
  (the promise: no write takes effect twice).

`net_world` is the sync tests' world with such a client, its deadlines short so that slow faults
meet them within seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from agent.config import Config
from agent.erp.sqlite import SqliteErp
from agent.marketplace.accounts import AccountPlaces, build_client
from agent.marketplace.calls import CallEngine, CallSettings
from agent.marketplace.client import WszystkoClient
from agent.marketplace.retry import BreakerBoard, RetryPolicy
from agent.simulator import RunningSimulator
from agent.state.store import StateDB
from tests.sync.conftest import COMPANY, CountingTransport, SyncWorld, route

TIGHT = CallSettings(
    attempt_timeout=1.0,
    call_deadline=4.0,
    connect_timeout=1.0,
    retry=RetryPolicy(attempts=4, base_delay=0.1, max_delay=1.0),
)
"""The faulty runs' limits: a slow fault (2 s latency, a 3 s drip) outlasts an attempt."""

RELAXED = CallSettings()
"""The quiet runs' limits (the defaults): a loaded test machine must not fail a quiet run."""

# The write operations the simulator counts effects of (GET /_sim/state), by route.
CREATE, PUT_OFFER, BULK, STATUS, FILES = (
    "POST /me/offers",
    "PUT /me/offers/{id}",
    "POST /me/update-offers",
    "PUT /me/sales/updateStatus",
    "POST /me/files",
)
WRITES = (CREATE, PUT_OFFER, BULK, STATUS, FILES)
_UPLOADS = itertools.count(1)


@dataclass
class Exchange:
    """One request on the wire: when it left and ended, and what came back (or what broke)."""

    route: str
    path: str
    run: int
    start: float
    write: str = ""
    """For a write, what it asks for (its kind, target and a digest of its body); else ""."""
    kind: str = ""
    external_id: str = ""
    end: float = 0.0
    status: int | None = None
    error: str = ""
    retry_after: float | None = None
    effect: int | None = None
    """How much the simulator's effect count of this route moved while the exchange lasted."""


def _write_of(request: httpx2.Request, route_name: str) -> tuple[str, str, str]:
    """(write key, write kind, externalId) of a write request; ("", "", "") for a read."""
    if route_name not in WRITES:
        return "", "", ""
    if route_name == FILES:  # multipart with a random boundary: every upload is a write of its own
        return f"{route_name} #{next(_UPLOADS)}", "image upload", ""
    body: Any = json.loads(request.content or b"null")
    digest = hashlib.sha256(request.content).hexdigest()[:16]
    key = f"{request.method} {request.url.path} {digest}"
    if route_name == CREATE:
        return f"{CREATE} {body.get('externalId')}", "offer create", str(body.get("externalId"))
    if route_name == PUT_OFFER:
        return key, "offer end" if body.get("status") == "ended" else "offer replace", ""
    if route_name == BULK:
        return key, "bulk price" if "price" in body else "bulk quantity", ""
    return key, "order status", ""


class WireLog(CountingTransport):
    """The real transport (counting by route, as the sync tests' one), recording every exchange.

    The answer's body is read here, so a dripping body counts in the exchange's time; the client
    then finds it already read."""

    def __init__(self) -> None:
        super().__init__()
        self.exchanges: list[Exchange] = []
        self.run = 0
        """Which run the next requests belong to (the test moves it on)."""
        self.probe: Callable[[], Mapping[str, int]] | None = None
        """The account's effect counts, read in place (the simulator's live state, in this process)."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        name = route(request)
        write, kind, external_id = _write_of(request, name)
        record = Exchange(name, request.url.path, self.run, time.monotonic(), write, kind, external_id)
        self.exchanges.append(record)
        before = self.probe().get(name, 0) if self.probe and write else 0
        try:
            response = await super().handle_async_request(request)
            await response.aread()
            record.status = response.status_code
            if response.status_code == 429:
                record.retry_after = float(response.headers.get("Retry-After", "1"))
            return response
        except BaseException as exc:  # cancelled by the deadline too: recorded, then passed on
            record.error = type(exc).__name__
            raise
        finally:
            record.end = time.monotonic()
            if self.probe and write:
                record.effect = self.probe().get(name, 0) - before


@dataclass(frozen=True, slots=True)
class TimedCall:
    what: str
    start: float
    end: float
    deadline: float
    error: str

    @property
    def ratio(self) -> float:
        return (self.end - self.start) / self.deadline


class TimedEngine(CallEngine):
    """The client's own call engine, timing each call against the deadline it had when it began."""

    calls: list[TimedCall]

    @classmethod
    def around(cls, engine: CallEngine) -> TimedEngine:
        timed = cls(engine.company, engine.http, engine.keeper, engine.limiter, engine.breaker,
                    settings=engine.settings, rng=random.Random(3))  # fmt: skip
        timed.calls = []
        return timed

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
        start = asyncio.get_running_loop().time()
        deadline = self.settings.call_deadline
        if self.run_deadline is not None:
            deadline = min(deadline, self.run_deadline - start)
        error = ""
        try:
            return await super().call(method, path, what=what, idempotent=idempotent, params=params,
                                      content=content, files=files, accept=accept, headers=headers)  # fmt: skip
        except BaseException as exc:
            error = type(exc).__name__
            raise
        finally:
            self.calls.append(TimedCall(what, start, asyncio.get_running_loop().time(), deadline, error))


@dataclass
class NetWorld:
    """The sync world whose client is watched: `wire` sees requests, `engine` times calls."""

    world: SyncWorld
    wire: WireLog
    engine: TimedEngine
    effects_at_start: dict[str, int] = field(default_factory=dict)

    def next_run(self, settings: CallSettings) -> None:
        self.wire.run += 1
        self.engine.settings = settings


@pytest.fixture
async def net_world(
    sim: RunningSimulator, sync_config: Config, company_erp: SqliteErp, state_db: StateDB
) -> AsyncIterator[NetWorld]:
    wire = WireLog()
    built = build_client(
        COMPANY,
        base_url=sync_config.marketplace.base_url,
        requests_per_minute=0,
        places=AccountPlaces.from_config(sync_config),
        transport=wire,
        breakers=BreakerBoard(failure_threshold=1000),  # a breaker would turn faults into refusals
        settings=RELAXED,
    )
    engine = TimedEngine.around(built.engine)
    async with WszystkoClient(engine) as client:
        world = SyncWorld(sim, sync_config, company_erp, state_db, client, wire)
        session = await client.check_connection()
        accounts = await world.control("GET", "/accounts")
        world.account_id = next(a["id"] for a in accounts if a["email"] == session.user_name)
        account = world.account_id
        wire.probe = lambda: sim.platform.accounts[account].effects
        yield NetWorld(world, wire, engine)


# --- the figures -----------------------------------------------------------------------------------


def deadline_ratios(calls: list[TimedCall]) -> list[float]:
    """Each call's duration over its deadline, largest first."""
    return sorted((c.ratio for c in calls), reverse=True)


def early_requests(exchanges: list[Exchange]) -> list[str]:
    """Requests that left before the Retry-After of a 429 answered earlier had elapsed.

    The client pauses from the moment it reads the 429, a little after the exchange ended here,
    so this bound is the lenient one by microseconds, never the strict one."""
    found = []
    for limited in (e for e in exchanges if e.retry_after is not None):
        assert limited.retry_after is not None
        until = limited.end + limited.retry_after
        found += [
            f"{e.route} left {e.start - limited.end:.3f} s after a 429 saying Retry-After {limited.retry_after:g}"
            for e in exchanges
            if limited.end < e.start < until
        ]
    return found


def retry_after_margins(exchanges: list[Exchange]) -> list[float]:
    """For each 429: seconds between its Retry-After elapsing and the next request leaving."""
    margins = []
    for limited in (e for e in exchanges if e.retry_after is not None):
        assert limited.retry_after is not None
        later = [e.start for e in exchanges if e.start > limited.end]
        if later:
            margins.append(min(later) - (limited.end + limited.retry_after))
    return margins


def writes_sent(exchanges: list[Exchange]) -> Counter[str]:
    """Distinct writes per effect route, a write counted once per run however often it was repeated."""
    distinct = {(e.run, e.route, e.write) for e in exchanges if e.write}
    return Counter(r for _, r, _ in distinct)


def doubled_effects(effects: Mapping[str, int], exchanges: list[Exchange]) -> list[str]:
    """Effect routes where the simulator applied more changes than the agent sent distinct writes.

    A repeated absolute write (exactValue, the same PUT body, the same status) changes nothing the
    second time, so the simulator does not count it; a write that took effect twice would. Image
    uploads are left out: each one stores a file, and the client repeats them by design."""
    sent = writes_sent(exchanges)
    return [
        f"{r}: {effects.get(r, 0)} effects from {sent[r]} distinct writes"
        for r in (CREATE, PUT_OFFER, BULK, STATUS)
        if effects.get(r, 0) > sent[r]
    ]


def lost_writes(exchanges: list[Exchange]) -> tuple[Counter[int], list[str]]:
    """Writes of which some request got no usable answer (reset, cut, lost, dripped past its
    deadline, 5xx): how many took effect 0, 1, 2... times in all their requests of the run, counted
    where the simulator's counter can tell (no other request of that route overlapped them); and
    the ones that took effect more than once.

    Image uploads are left out (each stores a file, by design)."""
    groups: dict[tuple[int, str], list[Exchange]] = {}
    for e in exchanges:
        if e.write and e.route != FILES:
            groups.setdefault((e.run, e.write), []).append(e)
    same_route: dict[str, list[Exchange]] = {}
    for e in exchanges:
        same_route.setdefault(e.route, []).append(e)
    tally: Counter[int] = Counter()
    doubled = []
    for (_, key), mine in groups.items():
        if all(e.status is not None and e.status < 500 for e in mine):
            continue
        alone = all(not (o is not e and o.start < e.end and e.start < o.end) for e in mine for o in same_route[e.route])
        if not alone or any(e.effect is None for e in mine):
            continue
        times = sum(e.effect or 0 for e in mine)
        tally[times] += 1
        if times > 1:
            doubled.append(f"{key}: {len(mine)} requests took effect {times} times")
    return tally, doubled


def write_kinds(exchanges: list[Exchange]) -> dict[str, tuple[int, int, int]]:
    """Per write kind: (requests sent, distinct writes, requests without a usable answer)."""
    out: dict[str, tuple[int, int, int]] = {}
    for kind in sorted({e.kind for e in exchanges if e.kind}):
        mine = [e for e in exchanges if e.kind == kind]
        unanswered = sum(1 for e in mine if e.status is None or e.status >= 500)
        out[kind] = (len(mine), len({(e.run, e.write) for e in mine}), unanswered)
    return out
