"""`marketsync erp stats` for an Optima company: counts read from Optima, versions from the agent's state."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.dialects.mssql.base import MSDialect

from agent.cli import main
from agent.erp.optima import stats
from agent.erp.optima.adapter import OptimaErp
from tests.erp.optima_harness import MAPPING, OptimaHarness


def test_every_count_compiles_for_sql_server_in_the_cdn_schema() -> None:
    for statement in stats.statements(MAPPING):
        sql = str(statement.compile(dialect=MSDialect()))  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
        assert "[CDN]." in sql and "ISNULL" not in sql.upper()


async def test_stats_count_goods_not_services_and_show_the_agents_versions(harness: OptimaHarness) -> None:
    shop = await harness.build_shop()
    erp = harness.optima
    assert isinstance(erp, OptimaErp)
    before = await erp.stats()
    assert (before.products, before.shared, before.active, before.images) == (3, 2, 2, 0)
    assert (before.documents, before.contractors, before.change_version) == (0, 3, 0)
    changes = await erp.stock_price_changes(0, price_type="detaliczna")
    await harness.add_image(shop.sekator, b"\x89PNG fake")
    after = await erp.stats()
    assert after.images == 1 and after.change_version == changes.high_water > 0
    assert after.max_stock_price_version > 0


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[agent]\nhome = "{tmp_path / "home"}"\n'
        '[[company]]\nname = "Sklep"\nerp = "optima"\n'
        '[company.optima]\nserver = "127.0.0.1"\nport = 1\ndatabase = "CDN_Sklep"\nuser = "marketsync"\n'
        'password = "tajne-haslo-123"\n',
        encoding="utf-8",
    )
    return path


def test_seed_and_touch_refuse_an_optima_company(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(_config(tmp_path))
    assert main(["--config", config, "erp", "seed", "--company", "Sklep"]) == 2
    assert main(["--config", config, "erp", "touch", "--company", "Sklep", "--percent", "1"]) == 2
    out = capsys.readouterr().out
    assert out.count("Comarch ERP Optima") == 2 and "embedded" in out
    assert not (tmp_path / "sklep.sqlite").exists()


def test_stats_of_an_optima_company_go_to_its_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # No SQL Server listens on 127.0.0.1:1: the command reaches for Optima (not an embedded file) and
    # says it cannot be reached, without the password.
    code = main(["--config", str(_config(tmp_path)), "erp", "stats", "--company", "Sklep"])
    captured = capsys.readouterr()
    assert code != 0
    # Said in the configured language (Polish by default): "baza Optimy jest nieosiągalna".
    assert "baza Optimy jest nieosiągalna" in captured.err and "tajne-haslo-123" not in captured.out + captured.err
    assert "no company database yet" not in captured.err
