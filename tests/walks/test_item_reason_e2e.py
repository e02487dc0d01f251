"""A product the marketplace cannot take is explained in Polish by `runs show`, end to end.

The demo installation (seeded companies linked to the simulator on loopback) is in Polish; one shared
product loses its category and another its prices in the ERP; `sync` then `runs show --all` run as
`python -m agent`. The items' reasons must be the Polish sentences, with no common English word.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.commands.demo_home import populate, prepare_files
from agent.config import Config
from agent.simulator import SimulatorSettings, run_simulator_in_thread
from tests.texts.denylist import COMMON_ENGLISH
from tests.walks.test_cli_language_e2e import Installation

COMPANY = "Ogrodnik"
ENGLISH = (*COMMON_ENGLISH, "category", "price", "missing", "no gross")


def _run(config: Path, *words: str) -> str:
    """The command's output, run as a user runs it (the CLI walk's own way)."""
    return Installation(config.parent, config).run(*words).out


def _spoil_two_products(config: Config) -> None:
    database = next(c.database for c in config.companies if c.name == COMPANY)
    with sqlite3.connect(database) as conn:
        shared = [int(r[0]) for r in conn.execute("SELECT id FROM products WHERE shared_for_sale = 1 ORDER BY id")]
        assert len(shared) >= 2, shared
        conn.execute("UPDATE products SET category_id = NULL WHERE id = ?", (shared[0],))
        conn.execute("DELETE FROM prices WHERE product_id = ?", (shared[1],))
    conn.close()


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = SimulatorSettings(port=0, auto_consent=True, requests_per_minute=0, poll_interval=1)
    with run_simulator_in_thread(settings) as sim:
        config = prepare_files(tmp_path_factory.mktemp("e2e") / "pl", sim.base_url)
        asyncio.run(populate(config, products=8, say=lambda line: None))
        _spoil_two_products(config)
        _run(config.path, "sync", COMPANY)
        runs = _run(config.path, "runs")
        ids = re.findall(r"^(\d+) ", runs, re.MULTILINE)
        assert ids, runs
        yield _run(config.path, "runs", "show", ids[0], "--all")


def test_runs_show_gives_the_reasons_in_polish(shown: str) -> None:
    assert "brak kategorii serwisu" in shown, shown
    assert "brak ceny brutto" in shown, shown
    assert not [w for w in ENGLISH if w in shown.lower()], shown
