"""The demo's home: a config of three companies, their seeded ERP databases, linked accounts, a first
catalogue sync. Everything lives under one folder; nothing outside it is touched.

The simulator keeps its marketplace in memory, so each demo start meets an empty marketplace on a
new port: the config (yours to edit) and the logs stay, while the company databases, the state
database and the tokens, which describe the previous start's marketplace, are made afresh.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import platformdirs
import tomlkit

from agent.commands.result_labels import RESULT_LABELS
from agent.config import Config, load_config
from agent.paths import APP_NAME, Paths
from agent.texts import language_of, text

COMPANIES: tuple[tuple[str, str, int], ...] = (
    ("Ogrodnik", "ogrodnik.sqlite", 1),
    ("Sklep Rowerowy", "rowery.sqlite", 2),
    ("Hurtownia Budmax", "budmax.sqlite", 2),
)
"""Name, database file, schedule interval in minutes."""

CONFIG_NAME = "config.toml"
COMPANIES_DIR = "companies"


def default_demo_home() -> Path:
    """`demo` under the user data dir (Linux: ~/.local/share/marketsync/demo)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"


def config_text(base_url: str) -> str:
    """The demo's config file as first written."""
    lines = [
        "# The marketsync demo: three companies against the local simulator.",
        "# `marketsync demo` sets [marketplace].base_url on each start (the simulator takes a free port);",
        "# the rest is yours to edit (language = \"en\" for English, the schedules, ...).",
        "",
        "[agent]",
        'home = "home"',
        'log_dir = "logs"',
        'token_store = "file"',
        'language = "pl"',
        'timezone = "Europe/Warsaw"',
        "",
        "[marketplace]",
        f'base_url = "{base_url}"',
        "requests_per_minute = 2400",
    ]
    for name, database, every in COMPANIES:
        lines += [
            "",
            "[[company]]",
            f'name = "{name}"',
            f'database = "{COMPANIES_DIR}/{database}"',
            "",
            "[company.offer_defaults]",
            'shipping_tariff = "Cennik standardowy"',
            'return_policy = "Zwrot 14 dni"',
            'complaint_policy = "Reklamacja z tytułu rękojmi"',
            'guarantee = "Gwarancja producenta 24 miesiące"',
            'lead_time = "Dzień"',
            "",
            "[company.schedule]",
            "enabled = true",
            "from_hour = 0",
            "to_hour = 24",
            f"every_minutes = {every}",
            'jobs = ["orders", "offers", "stock", "prices"]',
        ]
    return "\n".join(lines) + "\n"


def write_config(home: Path, base_url: str) -> Path:
    """Write the config on the first start; later starts only point it at this start's simulator."""
    path = home / CONFIG_NAME
    if not path.exists():
        path.write_text(config_text(base_url), encoding="utf-8")
        return path
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    marketplace = document.get("marketplace")
    if marketplace is None:
        marketplace = tomlkit.table()
        document["marketplace"] = marketplace
    marketplace["base_url"] = base_url
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return path


def forget_previous_marketplace(config: Config) -> None:
    """Remove what described the previous start's marketplace: company databases, state, tokens, locks."""
    home = config.path.parent
    for company in config.companies:
        # Only files inside the demo home: a config edited to point elsewhere is left alone.
        if company.database.is_relative_to(home):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{company.database}{suffix}").unlink(missing_ok=True)
    agent_home = Paths.from_config(config).home
    if agent_home.is_relative_to(home) and agent_home.exists():
        shutil.rmtree(agent_home)


def prepare_files(home: Path, base_url: str) -> Config:
    """The demo home's folders and config (pointed at `base_url`), with the previous start's data gone."""
    home.mkdir(parents=True, exist_ok=True)
    (home / COMPANIES_DIR).mkdir(exist_ok=True)
    config = load_config(write_config(home, base_url))
    forget_previous_marketplace(config)
    Paths.from_config(config).ensure()
    for company in config.companies:
        company.database.parent.mkdir(parents=True, exist_ok=True)
    return config


async def populate(config: Config, *, products: int, say: Callable[[str], None]) -> None:
    """Seed each company's ERP database, link its account, and fetch categories and terms."""
    from agent.erp.seed import seed_company
    from agent.erp.sqlite import SqliteErp
    from agent.marketplace.accounts import link_company

    for number, company in enumerate(config.companies, start=1):
        await (await SqliteErp.open(company.database)).close()  # creates and migrates the file
        await asyncio.to_thread(seed_company, company.database, products=products, seed=number)
        database = company.database.name
        say(text(config.agent.language, "demo.seeded", company=company.name, products=products, database=database))
        # The simulator approves at once (auto-consent), so poll quickly instead of every 5 s.
        await link_company(config, company.name, show=lambda registration: None, sleep=_quick_sleep)
        say(text(config.agent.language, "demo.linked", company=company.name))
    await first_catalogue_sync(config, say)


async def _quick_sleep(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 0.05))


async def first_catalogue_sync(config: Config, say: Callable[[str], None]) -> None:
    """Fetch categories and terms for every company, so offers can be sent on the first scheduled run."""
    from agent.runtime.adapters import configured_adapters
    from agent.state.models import RunOptions
    from agent.state.store import StateDB
    from agent.sync.run import RunRequest, execute_run

    locks = Paths.from_config(config).locks_dir
    adapters = configured_adapters()
    async with StateDB.for_config(config) as state:
        for company in config.companies:
            async with (
                adapters.erp(company, timezone=config.agent.timezone) as erp,
                adapters.open_client(config, company.name) as market,
            ):
                request = RunRequest(company=company, options=RunOptions(jobs=("catalogue",)), operator="DEMO")
                run = await execute_run(request, erp=erp, market=market, state=state, locks_dir=locks)
            result = RESULT_LABELS[language_of(config.agent.language)].get(run.result, run.result).lower()
            say(text(config.agent.language, "demo.catalogue", company=company.name, result=result))
