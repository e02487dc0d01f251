"""`token_store = auto | keyring | file`: which store is used, and the keyring store round-trips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from agent.errors import ConfigError
from agent.marketplace import parsing
from agent.marketplace.token_store import FileTokenStore, KeyringTokenStore, open_token_store
from tests.marketplace.fake import FakeMarketplace


class MemoryKeyring(KeyringBackend):
    """A working keyring that lives in memory (a fake OS keyring)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_auto_without_a_keyring_uses_private_files(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    store = open_token_store("auto", tmp_path, tmp_path / "tokens")
    assert isinstance(store, FileTokenStore)
    with pytest.raises(ConfigError, match="keyring"):
        open_token_store("keyring", tmp_path, tmp_path / "tokens")


def test_file_is_used_even_when_a_keyring_works(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(MemoryKeyring())
    assert isinstance(open_token_store("file", tmp_path, tmp_path / "tokens"), FileTokenStore)


def test_auto_with_a_keyring_keeps_tokens_there(tmp_path: Path, restore_keyring: None) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    store = open_token_store("auto", tmp_path / "home", tmp_path / "tokens")
    assert isinstance(store, KeyringTokenStore)
    pair = parsing.token_pair(FakeMarketplace().issue())
    store.save("Ogrodnik", pair)
    assert store.load("ogrodnik") == pair
    assert not (tmp_path / "tokens").exists()  # nothing written to disk
    other_home = KeyringTokenStore(tmp_path / "other")
    assert other_home.load("Ogrodnik") is None  # two installations never share an entry
    store.delete("Ogrodnik")
    store.delete("Ogrodnik")  # forgetting twice is not an error
    assert store.load("Ogrodnik") is None
    assert backend.entries == {}
