"""`marketsync erp seed|touch|stats`: fill a company database with sample data, stir it, count it."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.config import CompanyConfig

HELP = "the ERP: seed sample data, touch products (embedded ERP), show counts (embedded or Optima)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    seed = sub.add_parser("seed", help="fill an empty company database with realistic Polish sample data")
    seed.add_argument("--company", required=True, help="the company's name in the configuration")
    seed.add_argument("--products", type=int, default=1000, help="how many products (default 1000)")
    seed.add_argument("--seed", type=int, default=0, help="random seed: the same seed gives the same data")
    seed.add_argument("--replace", action="store_true", help="delete the company database first")
    touch = sub.add_parser("touch", help="change some products as a busy shop would")
    touch.add_argument("--company", required=True, help="the company's name in the configuration")
    touch.add_argument("--percent", type=float, required=True, help="share of products to change, 0-100")
    touch.add_argument("--what", choices=("prices", "stock", "content", "all"), default="all")
    touch.add_argument("--seed", type=int, default=None, help="random seed (default: different every time)")
    stats = sub.add_parser("stats", help="counts and change counters of a company database")
    stats.add_argument("--company", required=True, help="the company's name in the configuration")


def run(args: argparse.Namespace) -> int:
    from agent.commands.common import config_from_args

    config = config_from_args(args)
    company = config.company(args.company)
    database = company.database
    action: str = args.action
    if company.erp == "optima":
        if action != "stats":
            print(
                f"error: {company.name} keeps its goods in Comarch ERP Optima; `erp {action}` works only on "
                'the embedded ERP (erp = "embedded"): change goods in Optima itself'
            )
            return 2
        return asyncio.run(_optima_stats(company, config.agent.timezone))
    if action == "seed":
        return asyncio.run(_seed(database, args.products, args.seed, replace=args.replace))
    if action == "touch":
        if not 0 <= args.percent <= 100:
            print("error: --percent must be between 0 and 100")
            return 2
        return asyncio.run(_touch(database, args.percent, args.what, args.seed))
    return asyncio.run(_stats(database))


def _remove(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


async def _seed(database: Path, products: int, seed: int, *, replace: bool) -> int:
    from agent.erp.seed import seed_company
    from agent.erp.sqlite import SqliteErp

    if products < 0:
        print("error: --products must be 0 or more")
        return 2
    if replace:
        await asyncio.to_thread(_remove, database)
    started = time.perf_counter()
    erp = await SqliteErp.open(database)
    await erp.close()
    report = await asyncio.to_thread(seed_company, database, products=products, seed=seed)
    elapsed = time.perf_counter() - started
    print(
        f"{database}: {report.products} products ({report.shared} shared for sale), "
        f"{report.contractors} contractors, {report.documents} RO documents; "
        f"change version {report.change_version}; {elapsed:.1f} s"
    )
    return 0


async def _touch(database: Path, percent: float, what: str, seed: int | None) -> int:
    from agent.erp.sqlite import SqliteErp
    from agent.erp.touch import TOUCH_WHAT, touch_company

    kind = next(k for k in TOUCH_WHAT if k == what)
    # Opening first checks the file and brings its schema up to date.
    erp = await SqliteErp.open(database)
    await erp.close()
    report = await asyncio.to_thread(touch_company, database, percent=percent, what=kind, seed=seed)
    print(
        f"{database}: touched {report.products} products (prices {report.prices}, stock {report.stock}, "
        f"content {report.content}); change version {report.change_version}"
    )
    return 0


async def _stats(database: Path) -> int:
    from agent.erp.sqlite import SqliteErp
    from agent.errors import StorageError

    if not await asyncio.to_thread(database.exists):
        raise StorageError(f"{database}: no company database yet", hint="create it with `marketsync erp seed`")
    async with await SqliteErp.open(database) as erp:
        stats = await erp.stats()
    rows = (
        ("database", str(database)),
        ("products", stats.products),
        ("shared for sale", stats.shared),
        ("active", stats.active),
        ("product images", stats.images),
        ("documents (RO)", stats.documents),
        ("open RO", stats.open_documents),
        ("contractors", stats.contractors),
        ("change counter", stats.change_version),
        ("content version (max)", stats.max_content_version),
        ("stock/price version (max)", stats.max_stock_price_version),
    )
    _print(rows)
    return 0


async def _optima_stats(company: CompanyConfig, timezone: str) -> int:
    from agent.erp.choose import open_erp
    from agent.erp.optima.adapter import OptimaErp

    erp = await open_erp(company, timezone=timezone)
    async with erp:
        assert isinstance(erp, OptimaErp)  # open_erp opens Optima exactly for erp = "optima"
        stats = await erp.stats()
        version = erp.version or "?"
    optima = company.optima
    rows: tuple[tuple[str, object], ...] = (
        ("Optima database", f"{optima.database if optima else '?'} (Optima {version})"),
        ("goods", stats.products),
        ("shared for sale", stats.shared),
        ("active", stats.active),
        ("product images", stats.images),
        ("documents (RO)", stats.documents),
        ("RO not cancelled", stats.open_documents),
        ("contractors", stats.contractors),
        ("change counter (agent)", stats.change_version),
        ("content version (max)", stats.max_content_version),
        ("stock/price version (max)", stats.max_stock_price_version),
    )
    _print(rows)
    return 0


def _print(rows: tuple[tuple[str, object], ...]) -> None:
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
