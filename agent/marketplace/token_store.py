"""Where an account's tokens rest between runs: the OS keyring, or a private file.

`token_store = auto | keyring | file` (config `[agent]`): `auto` uses the keyring when a real one is
available, else files. A token file has mode 0600, lives in the tokens folder (mode 0700), and is
written atomically (temp file, fsync, rename, fsync of the folder), so a crash leaves the old pair
or the new one, never half of either. Every token read is registered with the log redactor.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from agent.errors import ConfigError, Phrase, StorageError
from agent.logs import register_secret, say
from agent.marketplace.models import TokenPair
from agent.paths import company_file_name
from agent.texts.phrases import word

KEYRING_SERVICE = "marketsync"
TokenStoreKind = Literal["auto", "keyring", "file"]


class TokenStore(Protocol):
    """Persistent tokens per company. Writes are atomic: a reader sees the old pair or the new one."""

    def load(self, company: str) -> TokenPair | None:
        """The stored pair, or None when the company was never linked (or was unlinked).

        Raises StorageError when the store cannot be read or holds something unreadable.
        """
        ...

    def save(self, company: str, pair: TokenPair) -> None:
        """Store `pair` durably before it is used. Raises StorageError."""
        ...

    def delete(self, company: str) -> None:
        """Forget the company's tokens; no error when there are none. Raises StorageError."""
        ...


def company_slug(company: str) -> str:
    """A company's part of a file name (`agent.paths.company_file_name`, the one rule)."""
    return company_file_name(company)


def encode(pair: TokenPair) -> str:
    return json.dumps(
        {
            "accessToken": pair.access_token,
            "refreshToken": pair.refresh_token,
            "accessExpiresAt": pair.access_expires_at.isoformat(),
            "refreshExpiresAt": pair.refresh_expires_at.isoformat(),
            "tokenType": pair.token_type,
            "integrationId": pair.integration_id,
        }
    )


KEYRING = Phrase("err.keyring")
"""The OS keyring, as an error names where the tokens were."""


def decode(text: str, where: str | Phrase) -> TokenPair:
    """The pair stored as `text` at `where` (a file's path, or `KEYRING`). StorageError if unreadable."""
    try:
        data: dict[str, Any] = json.loads(text)
        pair = TokenPair(
            access_token=str(data["accessToken"]),
            refresh_token=str(data["refreshToken"]),
            access_expires_at=datetime.fromisoformat(data["accessExpiresAt"]),
            refresh_expires_at=datetime.fromisoformat(data["refreshExpiresAt"]),
            token_type=str(data.get("tokenType") or "Bearer"),
            integration_id=data.get("integrationId"),
        )
    except (ValueError, KeyError, TypeError):
        said = Phrase("err.tokens_unreadable", {"where": where})
        raise StorageError(
            word("en", said), hint="link the account again", phrase=said, hint_phrase=Phrase("errhint.link_again")
        ) from None
    register_secret(pair.access_token)
    register_secret(pair.refresh_token)
    return pair


def write_private_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600: temp file, fsync, rename, fsync of the folder."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # the umask may have taken bits away, never added: make it exact
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):  # not every platform can open a folder
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class FileTokenStore:
    """One JSON file per company, mode 0600, in a folder of mode 0700."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, company: str) -> Path:
        return self.folder / f"{company_slug(company)}.json"

    def load(self, company: str) -> TokenPair | None:
        path = self.path(company)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(
                f"{path}: cannot be read ({exc.strerror})",
                phrase=Phrase("err.file_unreadable_as", {"path": str(path), "detail": exc.strerror}),
            ) from None
        return decode(text, str(path))

    def save(self, company: str, pair: TokenPair) -> None:
        path = self.path(company)
        try:
            write_private_atomically(path, encode(pair))
        except OSError as exc:
            raise StorageError(
                f"{path}: cannot be written ({exc.strerror})",
                phrase=Phrase("err.file_unwritable", {"path": str(path), "detail": exc.strerror}),
            ) from None

    def delete(self, company: str) -> None:
        path = self.path(company)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(
                f"{path}: cannot be removed ({exc.strerror})",
                phrase=Phrase("err.file_unremovable", {"path": str(path), "detail": exc.strerror}),
            ) from None


def keyring_error(key: str, exc: Exception) -> StorageError:
    """The keyring could not be read or written (`key`): named by the kind of its failure only."""
    said = Phrase(key, {"kind": exc.__class__.__name__})
    return StorageError(word("en", said), phrase=said)


class KeyringTokenStore:
    """The OS keyring; one entry per company and installation (home), so two homes never clash."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def _user(self, company: str) -> str:
        return f"{company_slug(company)}@{self.home}"

    def load(self, company: str) -> TokenPair | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            text = keyring.get_password(KEYRING_SERVICE, self._user(company))
        except KeyringError as exc:
            raise keyring_error("err.keyring_unreadable", exc) from None
        return None if text is None else decode(text, KEYRING)

    def save(self, company: str, pair: TokenPair) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(KEYRING_SERVICE, self._user(company), encode(pair))
        except KeyringError as exc:
            raise keyring_error("err.keyring_unwritable", exc) from None

    def delete(self, company: str) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, self._user(company))
        except PasswordDeleteError:
            pass
        except KeyringError as exc:
            raise keyring_error("err.keyring_unwritable", exc) from None


def keyring_usable() -> bool:
    """True when a real OS keyring backend is there (not the fail or null backend)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring install must not stop the agent: files work
        return False
    if isinstance(backend, fail.Keyring):
        return False
    priority = getattr(backend, "priority", 0)
    return bool(priority and priority > 0) and "null" not in type(backend).__module__.lower()


def open_token_store(kind: TokenStoreKind, home: Path, tokens_dir: Path) -> TokenStore:
    """The store the configuration asks for. ConfigError when `keyring` is demanded but none works."""
    if kind == "file":
        return FileTokenStore(tokens_dir)
    if keyring_usable():
        return KeyringTokenStore(home)
    if kind == "keyring":
        raise ConfigError(
            "token_store = \"keyring\" but no OS keyring is available",
            hint='install or unlock a keyring, or set token_store = "file"',
            phrase=Phrase("err.keyring_missing"),
            hint_phrase=Phrase("errhint.keyring_missing"),
        )
    say("DEBUG", "log.tokens.no_keyring")
    return FileTokenStore(tokens_dir)
