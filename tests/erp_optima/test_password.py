"""The Optima SQL password kept in the keyring: `marketsync optima set-password`, then read at connect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from agent.cli import main
from agent.config import load_config
from agent.erp.optima.connect import password
from agent.errors import ConfigError
from tests.marketplace.test_token_store import MemoryKeyring


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[agent]\nhome = "{tmp_path / "home"}"\nlog_dir = "{tmp_path / "logs"}"\n'
        '[[company]]\nname = "Sklep"\nerp = "optima"\n'
        '[company.optima]\nserver = "SKLEP-PC\\\\OPTIMA"\ndatabase = "CDN_Sklep"\nuser = "marketsync"\n'
        "password_keyring = true\n"
    )
    return path


def test_set_password_stores_it_where_connect_reads_it(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path)
    optima = load_config(path).company("Sklep").optima
    assert optima is not None
    with pytest.raises(ConfigError, match="not in the keyring"):
        password(optima)
    monkeypatch.setattr("getpass.getpass", lambda prompt: "tajne-haslo-123")
    assert main(["--config", str(path), "optima", "set-password", "Sklep"]) == 0
    assert password(optima) == "tajne-haslo-123"
    assert "tajne-haslo-123" not in capsys.readouterr().out
