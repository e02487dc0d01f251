"""An operator's manual run from the TUI: the questions before it is queued (a live or interrupted
run holds the company) and the one the run itself asks while it goes (it would end more than the
allowed share of the company's offers).

Both questions put the consequences in front of the operator and default to the safe answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from zoneinfo import ZoneInfo

from textual.app import App, ScreenStackError

from agent.errors import ConfigError, LeaseHeld, LeaseInterrupted, MarketsyncError, RelinkAccount
from agent.runtime.api import EndsConsent, LeaseState, LeaseView, RunOptions, RuntimeApi
from tui.i18n import Texts
from tui.screens.confirm import ConfirmScreen
from tui.screens.lease import LeaseChoice, LeaseScreen

# A lease can change between the confirmation and the request (the live run ends, another starts):
# ask again, but not forever.
_MAX_ASKS = 3


class ManualRuns:
    """Starts the operator's manual runs of `app` through `runtime`, asking what must be asked."""

    def __init__(self, app: App[Any], runtime: RuntimeApi, texts: Texts, tz: ZoneInfo, operator: str | None) -> None:
        self._app = app
        self._runtime = runtime
        self._texts = texts
        self._tz = tz
        self._operator = operator

    async def start(self, company: str, options: RunOptions) -> None:
        """Ask for a manual run, confirming first when the company's lease is held or was left behind.

        Runs in one of the app's workers (the lease question waits for its dialog)."""
        t = self._texts
        flags: dict[str, bool] = {}
        try:
            lease = await self._runtime.lease(company)
            for _ in range(_MAX_ASKS):
                if lease.state != "free" and not flags:
                    choice = await self._app.push_screen_wait(LeaseScreen(company, lease, t, self._tz))
                    if choice == "released":
                        # The run in the way ended before the operator answered: go on as if it never was.
                        self._app.notify(t("sync.released", company=company))
                        lease = await self._runtime.lease(company)
                        continue
                    flags = _flags(choice)
                    if not flags:
                        return
                try:
                    await self._runtime.request_run(company, options, operator=self._operator,
                                                    confirm_ends=self.ends_consent(company), **flags)
                except LeaseHeld as exc:
                    lease = await self._lease_of(company, exc)
                    flags = {}
                    continue
                key = "sync.after_current" if flags.get("after_current") else "sync.queued"
                self._app.notify(t(key, company=company))
                return
        except RelinkAccount:
            self._app.notify(t("sync.relink", company=company), severity="error", timeout=10)
        except (ConfigError, MarketsyncError) as exc:
            message = t.error(exc, self._tz.key)
            self._app.notify(t("sync.failed", company=company, message=message), severity="error", timeout=10)

    def ends_consent(self, company: str) -> EndsConsent:
        """The question a run of `company` asks before it ends more offers than allowed: a dialog.

        Asked from the run's task, which waits for the answer; a run stopped meanwhile closes the
        dialog unanswered (nothing is ended)."""
        t = self._texts

        async def consent(ending: int, active: int, limit: int) -> bool:
            answered: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

            def done(agreed: bool | None) -> None:
                if not answered.done():
                    answered.set_result(bool(agreed))

            body = t("ends.body", ending=ending, active=active, share=ending * 100 // active, limit=limit)
            screen = ConfirmScreen(t("ends.title", company=company), body, t("ends.yes"), t("ends.no"))
            self._app.push_screen(screen, done)
            try:
                return await answered
            except asyncio.CancelledError:
                # The run was stopped while the question was open: the question no longer stands.
                if screen.is_current:
                    with contextlib.suppress(ScreenStackError):
                        screen.dismiss(False)
                raise

        return consent

    async def _lease_of(self, company: str, exc: LeaseHeld) -> LeaseView:
        """The lease a LeaseHeld speaks of: its own status when it carries one, else the runtime's view."""
        status = exc.status
        if isinstance(status, LeaseView):
            return status
        holder = getattr(status, "holder", None)
        state: LeaseState = "interrupted" if isinstance(exc, LeaseInterrupted) else "running"
        if holder is not None:
            return LeaseView(state, getattr(holder, "host", None), getattr(holder, "pid", None),
                             getattr(holder, "kind", None), getattr(holder, "operator", None),
                             getattr(holder, "started_at", None), getattr(holder, "heartbeat_at", None))
        view = await self._runtime.lease(company)
        return view if view.state != "free" else LeaseView(state)


def _flags(choice: LeaseChoice) -> dict[str, bool]:
    """request_run's keyword flags for a confirmation choice ({} for cancel)."""
    return {
        "take_over": {"take_over": True},
        "after": {"after_current": True},
        "run": {"resume_interrupted": True},
    }.get(choice, {})
