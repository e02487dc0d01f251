"""Fixtures of the sync tests: a small real world on loopback.

`sync_world` gives the simulator (in a thread, auto-consent, no rate limit), a config file with a
tmp home and a file token store (a subprocess can use it too), a seeded company database, a linked
account, the state database, and a client whose transport counts every request by route and can
lose chosen answers after the simulator applied them. `SyncWorld.run(...)` runs jobs as a run does.

The pieces are fixtures of their own (`sim`, `sync_config`, `company_erp`, `state_db`, `counting`,
`market`), so other sync tests can take only what they need.

Every sync test also checks that each outcome a job records carries its words as facts (a text key:
`ItemOutcome.phrase`), unless they are an error's own words (`ItemOutcome.from_error`), so an
outcome written as bare English fails the test that exercises it.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest

from agent.config import CompanyConfig, Config, load_config
from agent.domain import JobName
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.errors import Phrase
from agent.marketplace.accounts import AccountPlaces, build_client, link_company
from agent.marketplace.client import WszystkoClient
from agent.marketplace.retry import BreakerBoard
from agent.paths import Paths
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from agent.state.models import ItemOutcome, Outcome, Run, RunOptions
from agent.state.store import StateDB
from agent.sync.context import RunContext
from agent.sync.run import RunRequest, execute_run

COMPANY = "Ogrodnik"
PRODUCTS = 60
SEED = 7
_ID = re.compile(r"/\d+(?=/|$)")


def route(request: httpx2.Request) -> str:
    """ "PUT /me/offers/{id}" for a request to /api/me/offers/123."""
    path = request.url.path.removeprefix("/api")
    return f"{request.method} {_ID.sub('/{id}', path)}"


class CountingTransport(httpx2.AsyncBaseTransport):
    """The real transport, counting requests by route; `lose` picks requests whose answer is lost,
    `answer` may change an answer's body (as the live service would have answered).

    A lost answer is one the simulator applied and then never got back to us: the request is
    forwarded, the response read and dropped, and `httpx2.ReadError` raised instead.
    """

    def __init__(self) -> None:
        # httpx2's own transport, the one the agent sends through, so these tests and the
        # reliability suite built on them meet the network as production does.
        self.inner = httpx2.AsyncHTTPTransport()
        self.counts: Counter[str] = Counter()
        self.lose: Callable[[httpx2.Request], bool] | None = None
        self.lost = 0
        self.answer: Callable[[httpx2.Request, bytes], bytes] | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.counts[route(request)] += 1
        response = await self.inner.handle_async_request(request)
        if self.lose is not None and self.lose(request):
            await response.aread()
            await response.aclose()
            self.lost += 1
            raise httpx2.ReadError("connection reset after the request was sent", request=request)
        if self.answer is not None:
            body = await response.aread()
            await response.aclose()
            headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length",)]
            return httpx2.Response(response.status_code, headers=headers, content=self.answer(request, body))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture(autouse=True)
def outcomes_carry_their_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail a test in which a job records an outcome without a text key, unless its words are an error's."""
    errors_said: set[str] = set()
    from_error = ItemOutcome.from_error
    record = RunContext.record

    def noted(
        cls: type[ItemOutcome], job: JobName, item: str, error: Exception, *, outcome: Outcome = "failed"
    ) -> ItemOutcome:
        made = from_error(job, item, error, outcome=outcome)
        errors_said.add(made.message)
        return made

    async def checked(self: RunContext, outcome: ItemOutcome) -> None:
        own = any(said and said in outcome.message for said in errors_said)
        assert isinstance(outcome.phrase, Phrase) or own, f"{outcome.job} recorded {outcome.message!r} without a key"
        assert not outcome.hint or outcome.hint_phrase is not None or own, f"hint {outcome.hint!r} without a key"
        await record(self, outcome)

    monkeypatch.setattr(ItemOutcome, "from_error", classmethod(noted))
    monkeypatch.setattr(RunContext, "record", checked)


def write_config(folder: Path, base_url: str) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f"""
[agent]
home = "home"
log_dir = "logs"
token_store = "file"

[marketplace]
base_url = "{base_url}"
requests_per_minute = 100000

[[company]]
name = "{COMPANY}"
database = "ogrodnik.sqlite"
price_type = "detaliczna"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as running:
        yield running


@pytest.fixture
async def sync_config(tmp_path: Path, sim: RunningSimulator) -> Config:
    """A config with one company, its account linked to the simulator (tokens in a file)."""
    config = load_config(write_config(tmp_path, sim.base_url))
    Paths.from_config(config).ensure()
    await link_company(config, COMPANY, show=lambda registration: None, sleep=lambda s: asyncio.sleep(0.01))
    return config


@pytest.fixture
async def company_erp(sync_config: Config) -> AsyncIterator[SqliteErp]:
    """The company's ERP, seeded with `PRODUCTS` products."""
    database = sync_config.company(COMPANY).database
    await (await SqliteErp.open(database)).close()  # creates and migrates the file for the seed
    await asyncio.to_thread(seed_company, database, products=PRODUCTS, seed=SEED)
    erp = await SqliteErp.open(database)
    yield erp
    await erp.close()


@pytest.fixture
async def state_db(sync_config: Config) -> AsyncIterator[StateDB]:
    async with StateDB.for_config(sync_config) as state:
        yield state


@pytest.fixture
def counting() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
async def market(sync_config: Config, counting: CountingTransport) -> AsyncIterator[WszystkoClient]:
    """The company's client over the counting transport (its own circuit breakers: lost answers stay here)."""
    client = build_client(
        COMPANY,
        base_url=sync_config.marketplace.base_url,
        requests_per_minute=0,
        places=AccountPlaces.from_config(sync_config),
        transport=counting,
        breakers=BreakerBoard(failure_threshold=1000),
    )
    async with client:
        yield client


@dataclass
class SyncWorld:
    sim: RunningSimulator
    config: Config
    erp: SqliteErp
    state: StateDB
    market: WszystkoClient
    requests: CountingTransport
    account_id: int = field(default=0)

    @property
    def company(self) -> str:
        return COMPANY

    @property
    def locks_dir(self) -> Path:
        return Paths.from_config(self.config).locks_dir

    async def control(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx2.AsyncClient(base_url=self.sim.root_url) as http:
            response = await http.request(method, "/_sim" + path, **kwargs)
            response.raise_for_status()
            return response.json()

    async def sim_offers(self) -> list[dict[str, Any]]:
        """The account's offers as the simulator holds them (GET /_sim/offers)."""
        found: list[dict[str, Any]] = await self.control("GET", "/offers", params={"account": self.account_id})
        return found

    async def effects(self) -> dict[str, int]:
        state = await self.control("GET", "/state", params={"account": self.account_id})
        return dict(state["effects"])

    async def run(
        self,
        *jobs: JobName,
        force_full: bool = False,
        send_all_binary: bool = False,
        company: CompanyConfig | None = None,
        **request: Any,
    ) -> Run:
        """Run these jobs as `marketsync sync` would; `company` overrides the configured settings."""
        options = RunOptions(jobs=jobs, force_full=force_full, send_all_binary=send_all_binary)
        return await execute_run(
            RunRequest(company=company or self.config.company(COMPANY), options=options, **request),
            erp=self.erp,
            market=self.market,
            state=self.state,
            locks_dir=self.locks_dir,
            heartbeat_every=0.2,
        )


@pytest.fixture
async def sync_world(  # noqa: PLR0917 (pytest passes fixtures by position)
    sim: RunningSimulator,
    sync_config: Config,
    company_erp: SqliteErp,
    state_db: StateDB,
    market: WszystkoClient,
    counting: CountingTransport,
) -> SyncWorld:
    world = SyncWorld(sim, sync_config, company_erp, state_db, market, counting)
    session = await market.check_connection()
    accounts = await world.control("GET", "/accounts")
    # The connection names the account (by its e-mail) that auto-consent created for this link.
    world.account_id = next(a["id"] for a in accounts if a["email"] == session.user_name)
    return world
