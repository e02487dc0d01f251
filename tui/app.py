"""The marketsync terminal UI: the dashboard, the live log, the manual sync window and its confirmations.

The app holds a `RuntimeApi` and nothing else that talks to the world: it reads one snapshot, then
follows the runtime's events through a worker that posts them as Textual messages, and sends
commands (`lease`, `request_run`) back. Whoever made the runtime starts and stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from loguru import logger
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import WorkerError

from agent.runtime.api import RunOptions, RuntimeApi, utc_now
from agent.runtime.events import LeaseChanged, NextRunPlanned, ScheduleChanged
from agent.runtime.manage import Manage
from tui.i18n import Language, Texts
from tui.logentry import LogEntry, event_entry, loguru_sink
from tui.manual_run import ManualRuns
from tui.messages import EventsDropped, LogLine, RuntimeEvents
from tui.model import HEADER, Dashboard, header_line
from tui.screens.connections import ConnectionsScreen
from tui.screens.history import HistoryScreen
from tui.screens.kept import KeptScreen
from tui.screens.lease import LeaseScreen
from tui.screens.logs import LogsScreen
from tui.screens.quit import QuitScreen
from tui.screens.schedules_edit import SchedulesEditScreen
from tui.screens.sync import SyncChoice, SyncScreen, sync_screen
from tui.warm import compose_offstage, freeze, thaw
from tui.widgets.dashboard import CompanyTable
from tui.widgets.footer import SteadyFooter
from tui.widgets.log_pane import LogPane

WATCH_REFRESH_S = 10.0
"""While another process holds the scheduler, the whole picture is read again this often: its runs
reach us through the state database, and one shorter than the runtime's poll can pass unseen."""

class MarketsyncApp(App[None]):
    """The dashboard application; `runtime` must be started by the caller."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "marketsync"
    # Off only so that Textual adds neither its English "palette" key nor that key's footer entry;
    # the palette itself is on (`use_command_palette`) and bound in __init__.
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        runtime: RuntimeApi,
        *,
        language: Language = "pl",
        timezone: str = "Europe/Warsaw",
        operator: str | None = None,
        log_level: str | None = "WARNING",
        watch_refresh: float = WATCH_REFRESH_S,
        manage: Manage,
        stop: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`log_level`: the lowest loguru level shown in the log pane (None: no loguru sink, events only);
        `watch_refresh`: seconds between snapshots while another process holds the scheduler;
        `stop`: stops the runtime (given by whoever made it): quitting awaits it before the app closes,
        so the operator sees the runtime stopping and its runs ending instead of a blank terminal."""
        super().__init__()
        self.use_command_palette = True
        self.runtime = runtime
        self._stop = stop
        self._quitting = False
        self.texts = Texts(language)
        self.tz = ZoneInfo(timezone)
        self.operator = operator
        self._manual = ManualRuns(self, runtime, self.texts, self.tz, operator)
        self.dashboard: Dashboard | None = None
        self._log_level = log_level
        self._watch_refresh = watch_refresh
        # The management screens (schedules editor, connections, history, logs) work through it.
        self.manage = manage
        self._sink_id: int | None = None
        self._frozen: tuple[int, ...] | None = None
        self._held: list[events.InputEvent] | None = None
        self._warm_stop = False
        self.warmed = asyncio.Event()
        """Set once the screens a key opens are built offstage (or the warm-up stopped early)."""
        """Keys and clicks that came while a screen was composed offstage (tui.warm), to replay after."""
        """The collector's thresholds before the app froze its startup objects (tui.warm)."""
        self._subscription = runtime.bus.subscribe()
        t = self.texts
        self.sub_title = t("app.subtitle")
        # `q` first: on a narrow terminal the footer cuts its right end, and quitting must stay in sight.
        self.bind("q", "quit", description=t("key.quit"))
        self.bind("s", "sync", description=t("key.sync"))
        self.bind("h", "schedules", description=t("key.schedules"))
        self.bind("c", "connections", description=t("key.connections"))
        self.bind("r", "history", description=t("key.history"))
        self.bind("l", "logs", description=t("key.logs"))
        # The palette's key, described in the language (Textual's own says "palette" in English).
        self.bind("ctrl+p", "command_palette", description=t("key.palette"))

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("", id="service-line")
        yield CompanyTable(self.texts, self.tz, id="companies")
        yield LogPane(self.texts, self.tz, [], id="log")
        yield SteadyFooter()

    async def on_mount(self) -> None:
        if self._log_level is not None:
            self._sink_id = logger.add(loguru_sink(self._post_log), level=self._log_level, format="{message}")
        await self.refresh_snapshot()
        self._follow_events()
        self.set_interval(self._watch_refresh, self._refresh_when_watching)
        self.call_after_refresh(self._warm_up)
        self.call_after_refresh(self._palette_icon)

    @work(group="warm-up")
    async def _warm_up(self) -> None:
        """Once the dashboard is up: build every screen a key opens, then freeze what lives (tui.warm)."""
        try:
            for name in self._makers():
                if not self.is_running or self._warm_stop:
                    return
                self._held = []
                try:
                    await compose_offstage(self, self._installed(name))
                finally:
                    held, self._held = self._held, None
                for event in held:
                    self.post_message(event)
            self._frozen = freeze()
        finally:
            self.warmed.set()

    async def settle_warm_up(self) -> None:
        """Stop the warm-up once the screen it is composing is done, and wait for that.

        The app closes only after this: Textual tearing a screen down while it mounts fails inside
        the screen's own mount handlers (quitting in the first seconds after start did).
        """
        self._warm_stop = True
        for worker in list(self.workers):
            if worker.group == "warm-up":
                with contextlib.suppress(WorkerError):
                    await worker.wait()

    async def on_event(self, event: events.Event) -> None:
        # While a screen is pushed to be composed offstage, input would land on it: hold it until it is popped.
        if self._held is not None and isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._held.append(event)
            return
        await super().on_event(event)

    async def _refresh_when_watching(self) -> None:
        if not self.runtime.holds_scheduler and not self._quitting:
            await self.refresh_snapshot()

    def on_unmount(self) -> None:
        if self._frozen is not None:
            thaw(self._frozen)
            self._frozen = None
        if self._sink_id is not None:
            logger.remove(self._sink_id)
            self._sink_id = None
        self._subscription.unsubscribe()

    def _post_log(self, entry: LogEntry) -> None:
        # Called by loguru from any thread; post_message hands it over thread-safely.
        self.post_message(LogLine(entry))

    async def refresh_snapshot(self) -> None:
        """Read the whole picture again (at start, on request, after the bus dropped events)."""
        snapshot = await self.runtime.snapshot()
        if self.dashboard is None:
            self.dashboard = Dashboard(snapshot, own_host=socket.gethostname(), own_pid=os.getpid())
        else:
            self.dashboard.reset(snapshot)
        try:
            self.query_one(CompanyTable).show(list(self.dashboard.rows.values()))
            self.query_one(LogPane).set_companies(list(self.dashboard.rows))
            self._show_header()
        except NoMatches:
            # The app closed while the snapshot was being read (a periodic refresh at quitting time).
            return

    def _show_header(self) -> None:
        assert self.dashboard is not None
        self.query_one("#service-line", Static).update(
            header_line(self.dashboard.scheduler, self.texts, self.tz, stopping=self.dashboard.stopping))

    # --- events ----------------------------------------------------------------------------

    @work(exclusive=True, group="events")
    async def _follow_events(self) -> None:
        subscription = self._subscription
        dropped = subscription.dropped
        async for first in subscription:
            batch = (first, *subscription.drain())
            if subscription.dropped != dropped:
                self.post_message(EventsDropped(subscription.dropped - dropped))
                dropped = subscription.dropped
            handled = asyncio.Event()
            self.post_message(RuntimeEvents(batch, handled))
            # Read on only once this batch is on screen: meanwhile the bus coalesces progress.
            await handled.wait()

    def on_runtime_events(self, message: RuntimeEvents) -> None:
        try:
            if self.dashboard is None:
                return
            changed: dict[str, None] = {}
            pane = self.query_one(LogPane)
            for event in message.events:
                key = self.dashboard.apply(event)
                if key is not None:
                    changed[key] = None
                entry = event_entry(event, self.texts)
                if entry is not None:
                    pane.add(entry)
            table = self.query_one(CompanyTable)
            for key in changed:
                if key == HEADER:
                    self._show_header()
                else:
                    table.update_row(self.dashboard.rows[key])
            for event in message.events:
                if isinstance(event, LeaseChanged) and event.holder is None:
                    for screen in self.screen_stack:
                        if isinstance(screen, LeaseScreen) and screen.company == event.company:
                            screen.lease_released()
            if any(isinstance(event, (NextRunPlanned, ScheduleChanged)) for event in message.events):
                for screen in self.screen_stack:
                    if isinstance(screen, SyncScreen):
                        screen.refresh_schedule()
        except NoMatches:
            return  # events that came while the app closed: its widgets are gone
        finally:
            message.handled.set()

    async def on_events_dropped(self, message: EventsDropped) -> None:
        # Said in the log pane, which misses those events' lines: the dashboard is read again, the
        # lines are not, but the log files have the runtime's own record of what happened.
        t = self.texts
        text = t("log.dropped", count=message.count, folder=str(self.manage.config.agent.log_dir))
        with contextlib.suppress(NoMatches):
            self.query_one(LogPane).add(LogEntry(utc_now(), "WARNING", "", text))
        if not self._quitting:  # a stopping runtime closes its state database: the events tell the rest
            await self.refresh_snapshot()

    def on_log_line(self, message: LogLine) -> None:
        with contextlib.suppress(NoMatches):  # a line logged while the app closed
            self.query_one(LogPane).add(message.entry)

    # --- commands --------------------------------------------------------------------------

    def _palette_icon(self) -> None:
        """The header's ≡ opens the palette, as in any Textual app: Textual disables it while
        `ENABLE_COMMAND_PALETTE` is off (see above), so it is switched on here, its tooltip worded."""
        for icon in self.query("HeaderIcon"):
            icon.disabled = False
            icon.tooltip = self.texts("key.palette")

    def action_command_palette(self) -> None:
        """Textual's command palette, its search prompt in the configured language."""
        if self.use_command_palette and not any(isinstance(s, CommandPalette) for s in self.screen_stack):
            self.push_screen(CommandPalette(placeholder=self.texts("palette.placeholder"), id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        t = self.texts
        yield SystemCommand(t("cmd.sync"), t("cmd.sync_help"), self.action_sync)
        yield SystemCommand(t("cmd.schedules"), t("cmd.schedules_help"), self.action_schedules)
        yield SystemCommand(t("cmd.connections"), t("cmd.connections_help"), self.action_connections)
        yield SystemCommand(t("cmd.history"), t("cmd.history_help"), self.action_history)
        yield SystemCommand(t("cmd.logs"), t("cmd.logs_help"), self.action_logs)
        yield SystemCommand(t("cmd.refresh"), t("cmd.refresh_help"), self.refresh_snapshot)
        yield SystemCommand(t("cmd.quit"), t("cmd.quit_help"), self.action_quit)

    def action_sync(self) -> None:
        if self.dashboard is None:
            return
        screen = self._installed("sync")
        if not isinstance(screen, SyncScreen) or screen in self.screen_stack:
            return
        screen.open(self.dashboard.rows, self._selected())
        self.push_screen(screen, self._sync_chosen)

    def action_schedules(self) -> None:
        if self.dashboard is None or isinstance(self.screen, SchedulesEditScreen):
            return
        self._open_kept("schedules")

    def _selected(self) -> str | None:
        return self.query_one(CompanyTable).selected_company

    def _makers(self) -> dict[str, Callable[[], Screen[Any]]]:
        """The screens made once and kept (installed under these names): reopening one costs no compose."""
        manage = self.manage
        return {
            "sync": lambda: sync_screen(self.texts, self.tz, self.dashboard.rows if self.dashboard else {}, None),
            "schedules": lambda: SchedulesEditScreen(self.texts, manage, self._selected()),
            "connections": lambda: ConnectionsScreen(self.texts, self.tz, manage, self._selected()),
            "history": lambda: HistoryScreen(self.texts, self.tz, manage, self._selected()),
            "logs": lambda: LogsScreen(self.texts, manage),
        }

    def _installed(self, name: str) -> Screen[Any]:
        """The kept screen `name`, made and installed on first use (by the warm-up or a key)."""
        if not self.is_screen_installed(name):
            self.install_screen(self._makers()[name](), name=name)
        return self.get_screen(name)

    def _open_kept(self, name: str) -> None:
        """Show a kept management screen with the dashboard's selected company first."""
        screen = self._installed(name)
        if not isinstance(screen, KeptScreen) or screen in self.screen_stack:
            return
        screen.select(self._selected())
        self.push_screen(screen)

    def action_connections(self) -> None:
        # From the dashboard's selected row, so a company in "Błąd połączenia" is one key away from relinking.
        self._open_kept("connections")

    def action_history(self) -> None:
        self._open_kept("history")

    def action_logs(self) -> None:
        self._open_kept("logs")

    async def action_quit(self) -> None:
        running = self.dashboard.running if self.dashboard is not None else ()
        if not running:
            self._stop_and_exit()
            return
        if isinstance(self.screen, QuitScreen) or self._quitting:
            return

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self._stop_and_exit()

        self.push_screen(QuitScreen(self.texts, running), answered)

    def _stop_and_exit(self) -> None:
        if not self._quitting:
            self._quitting = True
            self._close()

    @work(group="quit")
    async def _close(self) -> None:
        """Stop the runtime this app owns, if any, while the dashboard shows it ("Zatrzymywanie…", the
        runs ending); then close, once the warm-up let go of the screen it was composing."""
        try:
            if self._stop is not None:
                await self._stop()
        finally:
            await self.settle_warm_up()
            self.exit()

    def _sync_chosen(self, choice: SyncChoice | None) -> None:
        if choice is not None:
            self.start_manual_run(choice.company, choice.options.run_options())

    @work(group="manual")
    async def start_manual_run(self, company: str, options: RunOptions) -> None:
        """Ask for a manual run, confirming first when the company's lease is held or was left behind."""
        await self._manual.start(company, options)
