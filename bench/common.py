"""What the benchmarks share: printing a measurement, a simulator in its own process, a company
with a seeded ERP and a linked account. Benchmarks run as scripts (`python bench/bench_X.py`)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Container, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from agent.config import Config, load_config  # noqa: E402
from agent.domain import StockPrice  # noqa: E402
from agent.erp.seed import seed_company  # noqa: E402
from agent.erp.sqlite import SqliteErp  # noqa: E402
from agent.marketplace.accounts import link_company  # noqa: E402
from agent.paths import Paths  # noqa: E402
from agent.state.models import OfferLink  # noqa: E402


def emit(bench: str, metric: str, value: float, unit: str, *, target: str, ok: bool | None) -> None:
    """One measurement as a JSON line (the format bench/run.py collects)."""
    row = {"bench": bench, "metric": metric, "value": round(value, 3), "unit": unit, "target": target, "ok": ok}
    print(json.dumps(row, ensure_ascii=False), flush=True)


def start_simulator(*extra: str) -> tuple[subprocess.Popen[str], str]:
    """`marketsync simulator` on a free port, rate limit off, auto-consent; (process, base URL)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent",
            "simulator",
            "--port",
            "0",
            "--requests-per-minute",
            "0",
            "--auto-consent",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().split()[2]


def write_config(folder: Path, base_url: str, companies: tuple[str, ...] = ("Bench",), *,
                 requests_per_minute: int = 100_000) -> Config:
    """A config in `folder` with one company per name (database NAME.sqlite), tokens in files; the
    agent's request budget as given (by default high enough never to hold a request back)."""
    body = [
        "[agent]",
        'home = "home"',
        'log_dir = "logs"',
        'token_store = "file"',
        "",
        "[marketplace]",
        f'base_url = "{base_url}"',
        f"requests_per_minute = {requests_per_minute}",
    ]
    for name in companies:
        body += ["", "[[company]]", f'name = "{name}"', f'database = "{name.lower()}.sqlite"']
    path = folder / "config.toml"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    config = load_config(path)
    Paths.from_config(config).ensure()
    return config


async def seeded(config: Config, company: str, products: int, seed: int = 11) -> None:
    """Seed the company's ERP with `products` (the file is created and migrated first)."""
    database = config.company(company).database
    await (await SqliteErp.open(database)).close()
    await asyncio.to_thread(seed_company, database, products=products, seed=seed)


async def seeded_and_linked(config: Config, company: str, products: int, seed: int = 11) -> None:
    """Seed the company's ERP with `products` and link its account (the simulator auto-consents)."""
    await seeded(config, company, products, seed)
    await link_company(config, company, show=lambda registration: None, sleep=lambda s: asyncio.sleep(0.05))


def links_as_exported(items: Iterable[StockPrice], shared: Container[int] | None = None) -> list[OfferLink]:
    """Offer links as if each product (of `shared`, if given) had been exported with these values."""
    return [
        OfferLink(
            product_id=item.product_id,
            external_id=str(item.product_id),
            offer_id=1_000_000 + item.product_id,
            content_hash="0" * 64,
            price=item.gross_price,
            quantity=item.available,
        )
        for item in items
        if shared is None or item.product_id in shared
    ]
