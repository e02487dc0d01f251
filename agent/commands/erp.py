"""`marketsync erp seed|touch|stats`: fill a company database with sample data, stir it, count it."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from agent.texts import text

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
    language = config.agent.language
    action: str = args.action
    if company.erp == "optima":
        if action != "stats":
            print(text(language, "cli.error", message=text(language, "erp.optima_only", company=company.name,
                                                              action=action)))
            return 2
        return asyncio.run(_optima_stats(company, config.agent.timezone, language))
    if action == "seed":
        return asyncio.run(_seed(database, args.products, args.seed, replace=args.replace, language=language))
    if action == "touch":
        if not 0 <= args.percent <= 100:
            print(text(language, "cli.error", message=text(language, "erp.percent_range")))
            return 2
        return asyncio.run(_touch(database, args.percent, args.what, args.seed, language))
    return asyncio.run(_stats(database, company.name, language))


def _remove(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


async def _seed(database: Path, products: int, seed: int, *, replace: bool, language: str) -> int:
    from agent.erp.seed import seed_company
    from agent.erp.sqlite import SqliteErp

    if products < 0:
        print(text(language, "cli.error", message=text(language, "erp.products_negative")))
        return 2
    if replace:
        await asyncio.to_thread(_remove, database)
    started = time.perf_counter()
    async with await SqliteErp.open(database) as erp:
        existing = (await erp.stats()).products
    if existing:
        from agent.errors import StorageError

        raise StorageError(
            text(language, "erp.not_empty", database=database, products=existing),
            hint=text(language, "erp.not_empty_hint"),
        )
    report = await asyncio.to_thread(seed_company, database, products=products, seed=seed)
    elapsed = time.perf_counter() - started
    said = text(
        language,
        "erp.seeded",
        database=database,
        products=report.products,
        shared=report.shared,
        contractors=report.contractors,
        documents=report.documents,
        version=report.change_version,
        elapsed=f"{elapsed:.1f}",
    )
    print(said)
    return 0


async def _touch(database: Path, percent: float, what: str, seed: int | None, language: str) -> int:
    from agent.erp.sqlite import SqliteErp
    from agent.erp.touch import TOUCH_WHAT, touch_company

    kind = next(k for k in TOUCH_WHAT if k == what)
    # Opening first checks the file and brings its schema up to date.
    erp = await SqliteErp.open(database)
    await erp.close()
    report = await asyncio.to_thread(touch_company, database, percent=percent, what=kind, seed=seed)
    said = text(
        language,
        "erp.touched",
        database=database,
        products=report.products,
        prices=report.prices,
        stock=report.stock,
        content=report.content,
        version=report.change_version,
    )
    print(said)
    return 0


async def _stats(database: Path, company: str, language: str) -> int:
    from agent.erp.sqlite import SqliteErp
    from agent.errors import StorageError

    if not await asyncio.to_thread(database.exists):
        raise StorageError(
            text(language, "erp.no_database", database=database),
            hint=text(language, "erp.no_database_hint", company=company),
        )
    async with await SqliteErp.open(database) as erp:
        stats = await erp.stats()
    rows = (
        ("database", str(database)),
        ("products", stats.products),
        ("shared", stats.shared),
        ("active", stats.active),
        ("images", stats.images),
        ("documents", stats.documents),
        ("open_documents", stats.open_documents),
        ("contractors", stats.contractors),
        ("change_version", stats.change_version),
        ("content_version", stats.max_content_version),
        ("stock_price_version", stats.max_stock_price_version),
    )
    _print(rows, language)
    return 0


async def _optima_stats(company: CompanyConfig, timezone: str, language: str) -> int:
    from agent.erp.choose import open_erp
    from agent.erp.optima.adapter import OptimaErp

    erp = await open_erp(company, timezone=timezone)
    async with erp:
        assert isinstance(erp, OptimaErp)  # open_erp opens Optima exactly for erp = "optima"
        stats = await erp.stats()
        version = erp.version or "?"
    optima = company.optima
    rows: tuple[tuple[str, object], ...] = (
        ("optima_database", f"{optima.database if optima else '?'} (Optima {version})"),
        ("products", stats.products),
        ("shared", stats.shared),
        ("active", stats.active),
        ("images", stats.images),
        ("documents", stats.documents),
        ("optima_open_documents", stats.open_documents),
        ("contractors", stats.contractors),
        ("optima_change_version", stats.change_version),
        ("content_version", stats.max_content_version),
        ("stock_price_version", stats.max_stock_price_version),
    )
    _print(rows, language)
    return 0


def _print(rows: tuple[tuple[str, object], ...], language: str) -> None:
    """One line per count, its name in the language, the values in one column."""
    named = [(text(language, f"erp.stat.{key}"), value) for key, value in rows]
    width = max(len(name) for name, _ in named)
    for name, value in named:
        print(f"{name:<{width}}  {value}")
