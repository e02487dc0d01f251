"""Each company's connection state ("Połączono" / "Błąd połączenia"), as a value others read.

The client writes it (connected after linking or a refresh, error after `invalid_grant`); the
runtime, `marketsync status` and the TUI read it. It is kept in one small JSON file per company
under the agent's home, written atomically, so every process on the installation sees the same
state; an error stays until the account is linked again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from agent.errors import Phrase, StorageError
from agent.logs import say
from agent.marketplace.token_store import company_slug, write_private_atomically

ConnectionState = Literal["connected", "error", "not_linked"]

LABELS: dict[ConnectionState, str] = {
    "connected": "Połączono",
    "error": "Błąd połączenia",
    "not_linked": "Nie połączono",
}


@dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """What is known about one company's link to its marketplace account."""

    company: str
    state: ConnectionState
    account: str | None = None
    """The seller account's name, when known."""
    reason: str = ""
    """Why the state is `error`, in words for an operator."""
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]


def connections_dir(home: Path) -> Path:
    """Where the state files live under the agent's home."""
    return home / "connections"


class ConnectionRegistry:
    """Reads and writes connection states; one file per company."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, company: str) -> Path:
        return self.folder / f"{company_slug(company)}.json"

    def stamp(self, company: str) -> tuple[int, int] | None:
        """Changes whenever the company's state file is written or removed (a link, relink, unlink or
        error, by any process); None when there is none. A stat, cheap enough to ask per request."""
        try:
            found = os.stat(self._path(company))
        except OSError:
            return None
        return found.st_ino, found.st_mtime_ns

    def get(self, company: str) -> ConnectionInfo:
        """The company's state; `not_linked` when nothing was ever recorded."""
        path = self._path(company)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            state = data["state"]
            if state not in LABELS:
                raise ValueError(state)
            changed = data.get("changedAt")
            return ConnectionInfo(
                company=company,
                state=state,
                account=data.get("account"),
                reason=data.get("reason") or "",
                changed_at=datetime.fromisoformat(changed) if changed else None,
            )
        except FileNotFoundError:
            return ConnectionInfo(company=company, state="not_linked")
        except (OSError, ValueError, KeyError, TypeError):
            # A damaged state file must not hide the company: say "unknown" as not linked.
            say("WARNING", "log.connection.unreadable", who=company)
            return ConnectionInfo(company=company, state="not_linked", reason="state file damaged")

    def _write(self, info: ConnectionInfo) -> None:
        payload = {
            "state": info.state,
            "account": info.account,
            "reason": info.reason,
            "changedAt": (info.changed_at or datetime.now(UTC)).isoformat(),
        }
        try:
            write_private_atomically(self._path(info.company), json.dumps(payload, ensure_ascii=False))
        except OSError as exc:
            path = str(self._path(info.company))
            raise StorageError(
                f"{path}: cannot be written ({exc.strerror})",
                phrase=Phrase("err.file_unwritable", {"path": path, "detail": str(exc.strerror)}),
            ) from None

    def set_connected(self, company: str, account: str | None = None) -> ConnectionInfo:
        """Record a working link; keeps the known account name when none is given."""
        current = self.get(company)
        if current.state == "connected" and (account is None or account == current.account):
            return current
        info = ConnectionInfo(
            company=company,
            state="connected",
            account=account if account is not None else current.account,
            changed_at=datetime.now(UTC),
        )
        self._write(info)
        return info

    def set_error(self, company: str, reason: str) -> ConnectionInfo:
        """Record that the account must be linked again."""
        current = self.get(company)
        info = ConnectionInfo(
            company=company, state="error", account=current.account, reason=reason, changed_at=datetime.now(UTC)
        )
        self._write(info)
        say("WARNING", "log.connection.error", company=company, reason=reason)
        return info

    def forget(self, company: str) -> None:
        """Back to `not_linked` (after `disconnect`)."""
        try:
            self._path(company).unlink(missing_ok=True)
        except OSError as exc:
            path = str(self._path(company))
            raise StorageError(
                f"{path}: cannot be removed ({exc.strerror})",
                phrase=Phrase("err.file_unremovable", {"path": path, "detail": str(exc.strerror)}),
            ) from None
