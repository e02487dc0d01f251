"""A small real world for sync tests: the simulator on loopback, a seeded company database, a
linked account, the state database, and a config file that a subprocess can use too."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from agent.catalogue import category_by_id
from agent.config import Config, load_config
from agent.core.offers import offer_parameters
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.marketplace.accounts import link_company, open_client
from agent.marketplace.client import WszystkoClient
from agent.marketplace.models import OfferDraft
from agent.paths import Paths
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from agent.state.models import OfferLink, RunOptions
from agent.state.store import StateDB
from agent.sync.run import RunRequest, execute_run

COMPANY = "Ogrodnik"


@dataclass
class World:
    sim: RunningSimulator
    config: Config
    config_path: Path
    erp: SqliteErp
    state: StateDB
    market: WszystkoClient

    @property
    def locks_dir(self) -> Path:
        return Paths.from_config(self.config).locks_dir

    async def control(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx2.AsyncClient(base_url=self.sim.root_url) as http:
            response = await http.request(method, "/_sim" + path, **kwargs)
            response.raise_for_status()
            return response.json()

    async def run(self, *jobs: str, **request: Any) -> Any:
        options = RunOptions(jobs=tuple(jobs))  # type: ignore[arg-type]
        return await execute_run(
            RunRequest(company=self.config.company(COMPANY), options=options, **request),
            erp=self.erp,
            market=self.market,
            state=self.state,
            locks_dir=self.locks_dir,
            heartbeat_every=0.2,
        )

    async def publish(self, product_ids: list[int], *, link: bool = True, external_id: str | None = None) -> list[int]:
        """Create offers for these products straight through the client (as the offers job would)."""
        offer_ids: list[int] = []
        products = await self.erp.products(product_ids)
        changes = await self.erp.stock_price_changes(0, price_type="detaliczna")
        prices = {item.product_id: item for item in changes.items}
        links: list[OfferLink] = []
        for product in products:
            category = category_by_id()[product.category_id or 0]
            stored = await self.market.upload_image(product.images[0].content, product.images[0].mime_type)
            price = prices[product.id].gross_price
            assert price is not None
            offer = await self.market.create_offer(
                OfferDraft(
                    external_id=external_id or str(product.id),
                    title=product.name[:100],
                    price=price,
                    category_id=category.id,
                    vat_rate=product.vat_rate,
                    stock_quantity=max(prices[product.id].available, 50),
                    unit=product.unit,
                    gallery=(stored.url,),
                    parameters=offer_parameters(product, category),
                )
            )
            offer_ids.append(offer.id)
            links.append(OfferLink(product_id=product.id, external_id=str(product.id), offer_id=offer.id))
        if link:
            await self.state.upsert_links(COMPANY, links)
        return offer_ids


def write_config(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "config.toml"
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
ro_series = "RO"
shipping_product = "USŁUGA-WYSYŁKA"
""",
        encoding="utf-8",
    )
    return path


@asynccontextmanager
async def make_world(tmp_path: Path, *, products: int = 40) -> AsyncIterator[World]:
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        config_path = write_config(tmp_path, sim.base_url)
        config = load_config(config_path)
        Paths.from_config(config).ensure()
        database = config.company(COMPANY).database
        await (await SqliteErp.open(database)).close()  # creates and migrates the file for the seed
        await asyncio.to_thread(seed_company, database, products=products, seed=7)
        await link_company(config, COMPANY, show=lambda registration: None, sleep=lambda s: asyncio.sleep(0.01))
        erp = await SqliteErp.open(database)
        async with StateDB.for_config(config) as state, open_client(config, COMPANY) as market:
            try:
                yield World(sim, config, config_path, erp, state, market)
            finally:
                await erp.close()
