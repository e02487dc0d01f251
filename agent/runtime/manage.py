"""What the management screens ask of the agent: schedules, connections, run history, logs.

`Manage` sits beside the runtime (it shares the runtime's config and open state database) and does
the I/O the TUI must not: it saves a schedule and has the runtime reload it, runs the device flow
and forgets a link, reads the run history with its per-item outcomes and the orders job's
reconciliation report, and searches the daily log files. Every method raises only errors from
`agent.errors` (named by what to do next); blocking file work goes to a thread.

    manage = Manage.of_runtime(runtime)           # once runtime.start() opened the state database
    runs = await manage.runs("Ogrodnik")
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx2

from agent.config import Config
from agent.config_edit import ScheduleEdit, save_schedule
from agent.errors import Phrase, StorageError
from agent.marketplace.accounts import AccountStatus, describe_accounts, forget_company, link_company
from agent.marketplace.models import DeviceRegistration, IntegrationSession
from agent.runtime.relink import AccountMove, AccountMoveGuard, AskMove
from agent.state.models import ItemOutcome, Run
from agent.state.store import StateDB

if TYPE_CHECKING:
    from agent.runtime.service import Runtime

LogKind = Literal["text", "offer", "product", "order", "run"]
LOG_KINDS: tuple[LogKind, ...] = ("text", "offer", "product", "order", "run")
LOG_FILES = "marketsync-*.log"
MAX_HITS = 500
"""A search stops after this many lines (newest first): a screen cannot show more usefully."""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The latest reconciliation report of a company's orders job (`ItemOutcome` "reconciliation")."""

    run_id: int
    ok: bool
    summary: str
    hint: str
    details: dict[str, Any]
    """The report's fields (days, marketplace_orders, documents, missing, waiting, doubled, cancelled_open)."""


@dataclass(frozen=True, slots=True)
class LogHit:
    """One log line that matched a search."""

    file: str
    line: str


def log_pattern(kind: LogKind, value: str) -> re.Pattern[str]:
    """The pattern of a log search: the value as plain text, or as the id of an offer, order or run.

    The log's lines are in the configured language (older files perhaps in the other): either word counts."""
    text = re.escape(value.strip())
    if kind == "offer":
        return re.compile(rf"(?i)\b(?:offer|ofert\w*)[\s:#=]*{text}\b")
    if kind == "order":
        return re.compile(rf"(?i)\b(?:order|zamówieni\w*)[\s:#=]*{text}\b")
    if kind == "run":
        return re.compile(rf"(?i)\b(?:run|przebieg\w*)[\s:#=_id]*{text}\b")
    if kind == "product":
        return re.compile(rf"(?i)(?<![\w-]){text}(?![\w-])")
    return re.compile(rf"(?i){text}")


SIMULATOR_LINES = " | agent.simulator."
"""What marks a log-file line written by the simulator (its access lines, in the demo's logs)."""


def search_log_files(
    folder: Path, pattern: re.Pattern[str], *, limit: int = MAX_HITS, include_simulator: bool = False
) -> list[LogHit]:
    """Lines matching `pattern` in the daily log files of `folder`, newest first, at most `limit`.

    The simulator's lines (one per request in the demo: most of its log) are left out unless asked."""
    hits: list[LogHit] = []
    try:
        files = sorted(folder.glob(LOG_FILES), reverse=True)  # the date in the name sorts them
    except OSError as exc:
        raise StorageError(
            f"{folder}: the log folder cannot be read: {exc}",
            phrase=Phrase("err.log_folder", {"path": str(folder), "detail": str(exc)}),
        ) from None
    for file in files:
        for line in _lines_backwards(file):
            if not include_simulator and SIMULATOR_LINES in line:
                continue
            if pattern.search(line):
                hits.append(LogHit(file.name, line))
                if len(hits) >= limit:
                    return hits
    return hits


def _lines_backwards(file: Path) -> Iterator[str]:
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return  # rotated away between the listing and the read
    except OSError as exc:
        raise StorageError(
            f"{file}: cannot be read: {exc}",
            phrase=Phrase("err.file_unreadable", {"path": str(file), "detail": str(exc)}),
        ) from None
    yield from reversed(text.splitlines())


def can_open_browser() -> bool:
    """A browser can plausibly be shown: a desktop session, or macOS / Windows."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_browser(url: str) -> bool:
    """Open `url` in a browser where there is one; whether one was asked to open it."""
    if not can_open_browser():
        return False
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


class Manage:
    """The management side of one installation, over the runtime's config and state database."""

    def __init__(
        self,
        config: Callable[[], Config],
        state: StateDB,
        reload: Callable[[], Awaitable[None]],
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        """`config` gives the config in force (it changes on reload); `reload` applies a saved file
        (the runtime's `reload_config`); `transport` is for tests of the device flow."""
        self._config = config
        self._state = state
        self._reload = reload
        self._transport = transport

    @classmethod
    def of_runtime(cls, runtime: Runtime) -> Manage:
        return cls(lambda: runtime.config, runtime.state, runtime.reload_config)

    @property
    def config(self) -> Config:
        return self._config()

    # --- schedules -------------------------------------------------------------------------

    async def save_schedule(self, company: str, edit: ScheduleEdit) -> None:
        """Save the company's schedule to the config file and apply it at once.

        Raises ConfigError (a rule broken, unknown company, the file unwritable; the file and the
        schedules in force are then unchanged).
        """
        path = self.config.path
        await asyncio.to_thread(save_schedule, path, company, edit)
        await self._reload()

    # --- connections -----------------------------------------------------------------------

    async def accounts(self) -> tuple[AccountStatus, ...]:
        """Every company's link (state, account, token expiry), read from the stores.

        Raises StorageError, ConfigError."""
        return await asyncio.to_thread(describe_accounts, self.config)

    async def connect(
        self,
        company: str,
        show: Callable[[DeviceRegistration], Awaitable[None] | None],
        ask_move: AskMove | None = None,
    ) -> IntegrationSession:
        """Link the company's account by the device flow; `show` gets the page for the user.

        When the new link is to a different seller account than before, `ask_move` is asked (with
        what it means for the offers) and, agreed, the old account's offer links are set aside
        (agent/runtime/relink.py); without `ask_move`, or refused, nothing changes.
        Cancel the awaiting task to give up. Raises AccountChangeRefused, LinkFailed (denied,
        expired, refused), MarketplaceUnavailable, MalformedAnswer, StorageError, ConfigError.
        """
        async def never(move: AccountMove) -> bool:
            del move
            return False

        guard = AccountMoveGuard(self.config, company, ask_move or never)
        try:
            return await link_company(
                self.config, company, show=show, confirm_new_account=guard, transport=self._transport
            )
        finally:
            guard.release()

    async def disconnect(self, company: str) -> str | None:
        """End the link and forget the tokens; the marketplace's complaint about ending it, if any."""
        return await forget_company(self.config, company, transport=self._transport)

    # --- run history -----------------------------------------------------------------------

    async def runs(self, company: str | None = None, *, limit: int = 200, before: int | None = None) -> list[Run]:
        """Runs newest first, of one company or all. Raises StorageError."""
        return await self._state.list_runs(company, limit=limit, before=before)

    async def outcomes(self, run_id: int, *, only_failed: bool = False) -> list[ItemOutcome]:
        """A run's per-item outcomes in the order recorded. Raises StorageError."""
        return await self._state.outcomes(run_id, only_failed=only_failed)

    async def reconciliation(self, company: str) -> Reconciliation | None:
        """The company's latest reconciliation report, or None when the orders job made none yet."""
        row = await self._state.database.fetchone(
            "SELECT o.run_id, o.outcome, o.message, o.hint, o.payload FROM outcomes o JOIN runs r ON r.id = o.run_id "
            "WHERE r.company = ? AND o.job = 'orders' AND o.item = 'reconciliation' ORDER BY o.id DESC LIMIT 1",
            (company,),
        )
        if row is None:
            return None
        try:
            details = json.loads(row["payload"] or "{}")
        except json.JSONDecodeError:
            details = {}
        return Reconciliation(
            run_id=int(row["run_id"]),
            ok=row["outcome"] == "ok",
            summary=str(row["message"]),
            hint=str(row["hint"]),
            details=details if isinstance(details, dict) else {},
        )

    # --- logs ------------------------------------------------------------------------------

    async def search_logs(
        self, kind: LogKind, value: str, *, limit: int = MAX_HITS, include_simulator: bool = False
    ) -> list[LogHit]:
        """Log lines naming an offer, product code, order or run (or any text), newest first; the
        simulator's lines only with `include_simulator`. Raises StorageError."""
        pattern = log_pattern(kind, value)
        return await asyncio.to_thread(
            search_log_files, self.config.agent.log_dir, pattern, limit=limit, include_simulator=include_simulator
        )
