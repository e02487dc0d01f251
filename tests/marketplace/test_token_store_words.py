"""The token store's and the OS keyring's errors carry their sentence as facts: Polish in pl, and in
en exactly the English they were raised with."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError

from agent.config import OptimaConfig
from agent.erp.optima.connect import password
from agent.errors import ConfigError, MarketsyncError, StorageError
from agent.marketplace import parsing
from agent.marketplace.token_store import KEYRING, FileTokenStore, KeyringTokenStore, decode, open_token_store
from agent.texts.phrases import error_text
from tests.marketplace.fake import FakeMarketplace
from tests.texts.denylist import COMMON_ENGLISH

ENGLISH = (
    *COMMON_ENGLISH, "stored", "tokens cannot", "cannot", "read", "written", "removed", "keyring is", "the os",
    "account again", "link", "install", "unlock", "password", "not in", "yet",
)


def english_in(polish: str) -> list[str]:
    """The English words of a Polish line, leaving out what it quotes as it is: a path, the OS's own
    reason in brackets after it, a command, a setting or the name of the failure (KeyringError)."""
    said = re.sub(r"\S*/\S*( \([^)]*\))?|`[^`]*`|token_store = \"\w+\"|\w+Error", "", polish).lower()
    return [w for w in ENGLISH if w in said]


def check(error: MarketsyncError, polish: str) -> None:
    said = error_text("pl", error, "Ogrodnik")
    assert said.startswith(polish) or said.endswith(polish), said
    assert not english_in(said), said
    assert error_text("en", error, "Ogrodnik") == str(error).replace("COMPANY", "Ogrodnik")


class BrokenKeyring(KeyringBackend):
    """A keyring that is there but fails every call (locked, its service gone)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("locked")


class EmptyKeyring(KeyringBackend):
    """A working keyring holding nothing yet."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("read-only")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("read-only")


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


def test_an_unreadable_token_file_is_worded_in_the_language(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    store.path("Ogrodnik").parent.mkdir()
    store.path("Ogrodnik").write_text("{not json", encoding="utf-8")
    with pytest.raises(StorageError) as caught:
        store.load("Ogrodnik")
    assert str(caught.value) == f"{store.path('Ogrodnik')}: the stored tokens cannot be read (link the account again)"
    check(caught.value, "zapisanych tokenów nie da się odczytać (połącz konto ponownie)")


def test_tokens_in_the_keyring_that_cannot_be_read_are_worded_in_the_language() -> None:
    with pytest.raises(StorageError) as caught:
        decode("{}", KEYRING)
    assert caught.value.message == "the OS keyring: the stored tokens cannot be read"
    check(caught.value, "pęk kluczy systemu: zapisanych tokenów nie da się odczytać")


def test_a_token_file_that_cannot_be_used_is_worded_in_the_language(tmp_path: Path) -> None:
    pair = parsing.token_pair(FakeMarketplace().issue())
    blocked = FileTokenStore(tmp_path / "a-file")
    (tmp_path / "a-file").write_text("", encoding="utf-8")  # the tokens' folder is a file
    with pytest.raises(StorageError) as written:
        blocked.save("Ogrodnik", pair)
    assert written.value.message.startswith(f"{blocked.path('Ogrodnik')}: cannot be written (")
    check(written.value, f"{blocked.path('Ogrodnik')}: nie da się zapisać (")

    store = FileTokenStore(tmp_path / "tokens")
    store.path("Ogrodnik").mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(StorageError) as read:
        store.load("Ogrodnik")
    assert read.value.message.startswith(f"{store.path('Ogrodnik')}: cannot be read (")
    check(read.value, f"{store.path('Ogrodnik')}: nie da się odczytać (")
    with pytest.raises(StorageError) as removed:
        store.delete("Ogrodnik")
    assert removed.value.message.startswith(f"{store.path('Ogrodnik')}: cannot be removed (")
    check(removed.value, f"{store.path('Ogrodnik')}: nie da się usunąć (")


def test_a_failing_keyring_is_worded_in_the_language(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(BrokenKeyring())
    store = KeyringTokenStore(tmp_path)
    with pytest.raises(StorageError) as read:
        store.load("Ogrodnik")
    assert read.value.message == "the OS keyring cannot be read (KeyringError)"
    check(read.value, "nie można odczytać pęku kluczy systemu (KeyringError)")
    with pytest.raises(StorageError) as written:
        store.save("Ogrodnik", parsing.token_pair(FakeMarketplace().issue()))
    assert written.value.message == "the OS keyring cannot be written (KeyringError)"
    check(written.value, "nie można zapisać w pęku kluczy systemu (KeyringError)")
    with pytest.raises(StorageError) as removed:
        store.delete("Ogrodnik")
    check(removed.value, "nie można zapisać w pęku kluczy systemu (KeyringError)")


def test_a_keyring_asked_for_but_missing_is_worded_in_the_language(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    with pytest.raises(ConfigError) as caught:
        open_token_store("keyring", tmp_path, tmp_path / "tokens")
    assert caught.value.message == 'token_store = "keyring" but no OS keyring is available'
    check(caught.value, 'token_store = "keyring", ale pęk kluczy systemu jest niedostępny')
    hint = '(zainstaluj lub odblokuj pęk kluczy albo ustaw token_store = "file")'
    assert error_text("pl", caught.value).endswith(hint)


def test_optimas_password_in_the_keyring_is_worded_in_the_language(tmp_path: Path, restore_keyring: None) -> None:
    config = OptimaConfig(server="127.0.0.1", database="CDN_Sklep", user="sa", password_keyring=True,
                          state_dir=tmp_path)
    keyring.set_keyring(EmptyKeyring())
    with pytest.raises(ConfigError) as missing:
        password(config)
    assert str(missing.value) == (
        "the Optima SQL password is not in the keyring yet (run `marketsync optima set-password COMPANY`)"
    )
    check(missing.value, "hasła SQL Optimy nie ma jeszcze w pęku kluczy systemu")
    assert error_text("pl", missing.value, "Ogrodnik").endswith("(uruchom `marketsync optima set-password Ogrodnik`)")
    keyring.set_keyring(BrokenKeyring())
    with pytest.raises(StorageError) as broken:
        password(config)
    assert broken.value.message == "the OS keyring cannot be read (KeyringError)"
    check(broken.value, "nie można odczytać pęku kluczy systemu (KeyringError)")
