"""The config loader: the example file, every error case, and `config check`."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from agent.config import DEFAULT_PAYMENT_FORMS, load_config
from agent.config_describe import describe
from agent.errors import ConfigError

BAD = Path(__file__).parent / "bad_configs"


def test_example_config_loads(project_root: Path) -> None:
    config = load_config(project_root / "config.example.toml")
    assert [c.name for c in config.companies] == ["Ogrodnik", "Sklep Rowerowy"]
    ogrodnik = config.company("ogrodnik")
    # Under the (git-ignored) home, never loose in the repository root.
    assert ogrodnik.database == (project_root / "marketsync-home" / "erp" / "ogrodnik.sqlite")
    assert all(c.database is not None and c.database.parent != project_root for c in config.companies)
    assert ogrodnik.warehouses == ("MAGAZYN", "SKLEP")
    assert ogrodnik.schedule.enabled and ogrodnik.schedule.every_minutes == 30
    assert ogrodnik.offer_defaults.lead_time == "Dzień"
    assert ogrodnik.payment_forms["cashOnDelivery"] == "gotówka"
    assert config.agent.home == project_root / "marketsync-home"
    assert config.agent.timezone == "Europe/Warsaw"
    assert config.marketplace.requests_per_minute == 600
    assert Decimal(config.companies[1].stock_buffer) == 0


def test_defaults_for_a_minimal_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[company]]\nname = "A"\ndatabase = "a.sqlite"\n')
    config = load_config(path)
    company = config.company("A")
    assert company.database == tmp_path / "a.sqlite"
    assert company.price_type == "detaliczna"
    assert dict(company.payment_forms) == dict(DEFAULT_PAYMENT_FORMS)
    assert company.schedule.operator == "ADMIN"
    assert config.agent.language == "pl" and config.agent.max_parallel_runs == 8
    assert config.marketplace.base_url == "http://127.0.0.1:8765/api"


def test_env_home_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[agent]\nhome = "in-file"\n')
    assert load_config(path).agent.home == tmp_path / "in-file"
    monkeypatch.setenv("MARKETSYNC_HOME", str(tmp_path / "from-env"))
    assert load_config(path).agent.home == tmp_path / "from-env"


def test_unknown_company_names_the_known_ones(project_root: Path) -> None:
    config = load_config(project_root / "config.example.toml")
    with pytest.raises(ConfigError, match="Ogrodnik, Sklep Rowerowy"):
        config.company("Piekarnia")


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file") as info:
        load_config(tmp_path / "nope.toml")
    assert "config.example.toml" in str(info.value)


def _expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: '"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("bad", sorted(BAD.glob("*.toml")), ids=lambda p: p.stem)
def test_each_bad_file_names_its_problem(bad: Path) -> None:
    expected = _expectation(bad)
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    problems = info.value.problems
    assert any(expected in p for p in problems), problems
    # Every message names the file, and no secret from the file leaks into it.
    assert all(str(bad) in p for p in problems)
    assert not any("SECRETSECRET" in p for p in problems)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[agent]\nlanguage = "de"\nmax_parallel_runs = 0\n[[company]]\nname = "A"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.problems) == 3


def _check(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent", "--config", str(config), "config", "check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_config_check_accepts_the_example(project_root: Path, tmp_path: Path) -> None:
    example = tmp_path / "config.toml"
    example.write_text((project_root / "config.example.toml").read_text())
    import tomllib

    for company in tomllib.loads(example.read_text())["company"]:  # the example's databases, where it puts them
        database = tmp_path / company["database"]
        database.parent.mkdir(parents=True, exist_ok=True)
        database.write_bytes(b"")
    result = _check(example)
    assert result.returncode == 0, result.stderr
    assert 'name = "Ogrodnik"' in result.stdout
    assert "[company.schedule]" in result.stdout


def test_config_check_lists_every_error_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[agent]\nlanguag = "pl"\n[marketplace]\nbase_url = "https://x.pl/api?refreshToken=SECRETSECRET"\n')
    result = _check(path)
    assert result.returncode == 2
    assert 'czy chodziło o "language"' in result.stderr  # no language parses: Polish
    assert "marketplace.base_url" in result.stderr
    assert "Znaleziono 2 problemy." in result.stderr
    assert "SECRETSECRET" not in result.stderr + result.stdout


def test_config_check_reports_a_missing_company_database(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[company]]\nname = "A"\ndatabase = "misspelt.sqlite"\n')
    result = _check(path)
    assert result.returncode == 2
    assert str(tmp_path / "misspelt.sqlite") in result.stderr
    assert not (tmp_path / "misspelt.sqlite").exists()


def test_config_check_masks_secrets_in_the_effective_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[marketplace]\nbase_url = "https://user:hunter2hunter2@x.pl/api"\n')
    result = _check(path)  # no company, so no database to miss
    assert result.returncode == 0, result.stderr
    assert "hunter2hunter2" not in result.stdout
    assert 'base_url = "https://x.pl/api"' in result.stdout


def test_an_optima_company_needs_no_database_file_and_its_password_is_masked(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[company]]\nname = "Sklep"\nerp = "optima"\nprice_type = "internetowa"\n'
        '[company.optima]\nserver = "SKLEP-PC\\\\OPTIMA"\ndatabase = "CDN_Sklep"\nuser = "marketsync"\n'
        'password = "tajne-haslo"\nimport_folder = "import"\nimage_attributes = ["ZDJECIE"]\n'
        '[company.optima.parameters]\n3 = "KOLOR"\n'
    )
    company = load_config(path).company("Sklep")
    assert company.erp == "optima" and company.optima is not None
    assert company.optima.server == "SKLEP-PC\\OPTIMA" and company.optima.database == "CDN_Sklep"
    assert company.optima.import_folder == tmp_path / "import"
    assert dict(company.optima.parameters) == {"3": "KOLOR"}
    text = describe(load_config(path))
    assert "tajne-haslo" not in text and 'password = "***"' in text and 'erp = "optima"' in text
    assert "tajne-haslo" not in repr(company)


def test_the_commented_optima_example_loads_once_uncommented(project_root: Path, tmp_path: Path) -> None:
    text = (project_root / "config.example.toml").read_text(encoding="utf-8")
    block = text[text.index("# [[company]]\n# name = \"Sklep Ogrodniczy\"") :]
    uncommented = "\n".join(line[2:] if line.startswith("# ") else line for line in block.splitlines())
    path = tmp_path / "c.toml"
    path.write_text(f'[agent]\nhome = "{tmp_path}"\n' + uncommented, encoding="utf-8")
    company = load_config(path).company("Sklep Ogrodniczy")
    assert company.erp == "optima" and company.optima is not None
    assert company.optima.server == "SKLEP-PC\\OPTIMA" and company.optima.password_keyring
    assert dict(company.optima.parameters) == {"1": "EAN_PARAMETR", "3": "STAN"}
