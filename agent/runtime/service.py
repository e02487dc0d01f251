"""The runtime: one object a front end (the TUI, `marketsync run`) starts, watches and stops.

    runtime = Runtime(config, role="service")
    await runtime.start()            # LeaseHeld if another service already schedules here
    await runtime.run_until_stopped()  # SIGTERM / SIGINT: stop taking runs, checkpoint, release, exit

Who schedules: one process per installation holds the scheduler seat (agent.runtime.seat). Every
runtime watches the other processes' runs through the state database and publishes them as its
own events.

The config file is watched (mtime); a good new file replaces schedules at once, a bad one is
logged and the old one kept (`config_error` says why).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from agent.config import Config, load_config
from agent.domain import Clock, utc_now
from agent.errors import ConfigError, Count, LeaseHeld, Phrase
from agent.logs import say
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.runtime.adapters import Adapters, configured_adapters
from agent.runtime.api import EndsConsent, JobView, LeaseView, RuntimeSnapshot
from agent.runtime.bus import EventBus
from agent.runtime.connections import ConnectionMirror
from agent.runtime.events import SchedulerRole
from agent.runtime.executor import CompanyExecutor
from agent.runtime.fires import FireHandler
from agent.runtime.history import PRUNE_EVERY_S, prune_history, prune_history_daily
from agent.runtime.manual import prepare_manual_run
from agent.runtime.queue import Executor, RunQueue
from agent.runtime.reload import FileWatch, changed_schedules, refusal, schedule_events
from agent.runtime.scheduler import Fire, Sleep
from agent.runtime.seat import SchedulerSeat
from agent.runtime.service_status import service_view
from agent.runtime.snapshot import build_snapshot, lease_view
from agent.runtime.watch import RunWatcher
from agent.state.models import Run, RunOptions
from agent.state.store import StateDB
from agent.sync.context import RunObserver

STOP_GRACE_S = 7.0
"""How long running jobs get to reach a checkpoint on SIGTERM before they are cancelled (exit < 10 s)."""


class Runtime:
    """Schedules, the run queue, watching and the event bus of one process (implements `RuntimeApi`)."""

    def __init__(
        self,
        config: Config,
        *,
        role: SchedulerRole = "tui",
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        executor: Executor | None = None,
        bus: EventBus | None = None,
        host: str | None = None,
        pid: int | None = None,
        heartbeat_interval: float = 5.0,
        poll_interval: float = 1.0,
        reload_interval: float = 2.0,
        stop_grace: float = STOP_GRACE_S,
        schedules: bool = True,
        prune_every: float = PRUNE_EVERY_S,
        adapters: Adapters | None = None,
    ) -> None:
        """`schedules=False` (for `marketsync run --once` and `sync`): never take the scheduler lease nor
        fire schedules; only run what is asked. `prune_every`: seconds between prunings of the run
        history. `adapters`: how ERPs and marketplace clients are made (None: `configured_adapters()`)."""
        self._config = config
        self._adapters = adapters or configured_adapters()
        self._role: SchedulerRole = role
        self._schedules = schedules
        self._clock = clock
        self._sleep = sleep
        self._bus = bus or EventBus()
        self._host = host or socket.gethostname()
        self._pid = pid if pid is not None else os.getpid()
        self._poll_interval = poll_interval
        self._reload_interval = reload_interval
        self._stop_grace = stop_grace
        self._prune_every = prune_every
        self._paths = Paths.from_config(config)
        self._state = StateDB(self._paths.state_db, clock=clock)
        self._current: dict[str, JobView] = {}
        self._connections = ConnectionMirror(
            ConnectionRegistry(connections_dir(self._paths.home)), self._state, self._bus, clock
        )
        self._own_executor: CompanyExecutor | None = None
        if executor is None:
            executor = self._own_executor = CompanyExecutor(
                lambda: self._config, self._state, self._paths.locks_dir, self._connections, self._adapters
            )
        self._queue = RunQueue(
            executor,
            max_parallel=config.agent.max_parallel_runs,
            bus=self._bus,
            clock=clock,
            current=self._current,
        )
        self._watcher = RunWatcher(
            self._state,
            self._bus,
            clock,
            current=self._current,
            own=(socket.gethostname(), os.getpid()),
            locks_dir=self._paths.locks_dir,
        )
        self._fires = FireHandler(
            state=self._state,
            queue=self._queue,
            connections=self._connections,
            bus=self._bus,
            clock=clock,
            spawn=self._spawn,
        )
        self._seat = SchedulerSeat(
            config=lambda: self._config,
            state=self._state,
            bus=self._bus,
            fires=self._fires,
            role=role,
            host=self._host,
            pid=self._pid,
            clock=clock,
            sleep=sleep,
            heartbeat_interval=heartbeat_interval,
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._started = False
        self._stopped = False
        self._stop_requested = asyncio.Event()
        self._config_file = FileWatch(config.path)
        self.config_error: str | None = None
        """Why the last change to the config file was refused (None: the file in use is the file on disk)."""

    # --- RuntimeApi ------------------------------------------------------------------------

    @property
    def bus(self) -> EventBus:
        return self._bus

    @property
    def holds_scheduler(self) -> bool:
        return self._seat.holds

    @property
    def config(self) -> Config:
        return self._config

    @property
    def state(self) -> StateDB:
        """The open state database (for front ends' read-only history views, such as `runs`)."""
        return self._state

    @property
    def queue(self) -> RunQueue:
        return self._queue

    def next_run(self, company: str) -> datetime | None:
        """When the company's next automatic run fires, as this process plans it (None when not scheduling)."""
        scheduler = self._seat.scheduler
        return None if scheduler is None else scheduler.next_fire(company)

    async def snapshot(self) -> RuntimeSnapshot:
        planned = None
        if (scheduler := self._seat.scheduler) is not None:
            planned = {name: scheduler.next_fire(name) for name in scheduler.companies}
        return await build_snapshot(
            self._config,
            self._state,
            self._connections,
            current=dict(self._current),
            planned=planned,
            scheduler=service_view(self._seat.holder, self._host, self._pid),
            locks_dir=self._paths.locks_dir,
        )

    async def lease(self, company: str) -> LeaseView:
        return await lease_view(self._config.company(company), self._adapters, self._paths.locks_dir)

    async def check_erp(self, company: str) -> None:
        """Open the company's ERP once, with its integrity check, and close it (for a one-shot `sync`,
        before it asks or takes anything). Raises ConfigError (MissingDatabase), StorageError."""
        await self._adapters.check_erp(self._config.company(company), timezone=self._config.agent.timezone)

    async def request_run(
        self,
        company: str,
        options: RunOptions,
        *,
        operator: str | None = None,
        take_over: bool = False,
        resume_interrupted: bool = False,
        after_current: bool = False,
        confirm_ends: EndsConsent | None = None,
        observer: RunObserver | None = None,
    ) -> None:
        """As `RuntimeApi.request_run`; `observer` (not part of the front ends' API: the `sync` command's
        console lines) hears the run's news besides the bus."""
        configured = self._config.company(company)
        item = await prepare_manual_run(
            configured,
            options,
            adapters=self._adapters,
            connections=self._connections,
            locks_dir=self._paths.locks_dir,
            stopping=self._queue.stopping,
            operator=operator or configured.schedule.operator,
            take_over=take_over,
            resume_interrupted=resume_interrupted,
            after_current=after_current,
            confirm_ends=confirm_ends,
            observer=observer,
        )
        self._queue.enqueue_manual(item)

    async def cancel_queued(self, company: str) -> bool:
        return self._queue.cancel_queued(company)

    async def reload_config(self) -> None:
        try:
            fresh = load_config(self._config.path)
        except ConfigError as exc:
            self.config_error = refusal(exc)
            say("ERROR", "log.service.config_refused", problems=self.config_error)
            raise
        self.config_error = None
        changed = changed_schedules(self._config, fresh)
        self._config = fresh
        if (scheduler := self._seat.scheduler) is not None:
            scheduler.replace(fresh.companies, fresh.agent.timezone)
        for event in schedule_events(changed, fresh.agent.language, self._clock()):
            self._bus.publish(event)
        await self._connections.refresh(c.name for c in fresh.companies)
        say("INFO", "log.service.config_reloaded", schedules=Count(len(changed), "n.schedule"))

    # --- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the state database, take the scheduler if this role may, and start the loops.

        Raises LeaseHeld when this is a service and another service holds the scheduler (it says
        where), StorageError when the state database is unusable.
        """
        if self._started:
            return
        self._paths.ensure()
        await self._state.open()
        self._started = True
        try:
            await self._connections.refresh(c.name for c in self._config.companies)
            holds = await self._seat.take(allowed=self._schedules)
            if not holds and self._role == "service" and self._schedules:
                where = self._seat.where()
                raise LeaseHeld(
                    f"the service already runs {where}",
                    hint="stop that one first; one service per installation schedules the runs",
                    phrase=Phrase("err.service_runs", {"where": self._seat.where_phrase()}),
                    hint_phrase=Phrase("errhint.service_runs"),
                )
        except BaseException:
            self._stopped = True
            await self._state.close()
            raise
        self._seat.publish("running")
        if self._seat.holds:
            await self._seat.start_scheduling()
        else:
            say("INFO", "log.service.watching", where=self._seat.where_phrase())
        self._spawn(self._seat.heartbeat_loop(self._may_take_seat), "scheduler-heartbeat")
        self._spawn(self._watch_loop(), "run-watcher")
        self._spawn(self._reload_loop(), "config-watcher")
        await prune_history(self._state, self._config.agent.log_retention_days, self._clock)
        self._spawn(
            prune_history_daily(
                self._state, lambda: self._config.agent.log_retention_days, self._clock, self._prune_every
            ),
            "history-pruner",
        )

    def request_stop(self) -> None:
        """Begin stopping (from a signal handler): no new runs; running jobs stop at their next checkpoint."""
        self._queue.stopping.set()
        self._stop_requested.set()

    async def run_until_stopped(self) -> None:
        """Run until SIGTERM/SIGINT or `request_stop()`, then `stop()`."""
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self._on_signal, sig)
                installed.append(sig)
        try:
            await self._stop_requested.wait()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
            await self.stop()

    def _on_signal(self, sig: signal.Signals) -> None:
        say("INFO", "log.service.signal", signal=sig.name)
        self.request_stop()

    async def run_once(self) -> list[Run]:
        """Run every company whose schedule is enabled once, in parallel as automatic runs; return the runs."""
        for company in self._config.companies:
            if company.schedule.enabled:
                await self._fires.fire(Fire(company, self._clock(), 0, None), record=False)
        await self._queue.wait_idle()
        return list(self._queue.finished)

    async def stop(self) -> None:
        """Stop the loops and the runs (grace, then cancel), release the scheduler, close. Idempotent."""
        if self._stopped or not self._started:
            return
        self._stopped = True
        self._stop_requested.set()
        self._seat.publish("stopping")
        await self._seat.stop_scheduling()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._queue.close(self._stop_grace)
        if self._own_executor is not None:
            await self._own_executor.aclose()
        try:
            await self._seat.release()
        finally:
            self._seat.publish("stopped")
            await self._state.close()
            # The bus stays open: closing it would discard what watchers have not read yet (the
            # last RunFinished events); they end on ServiceStatus "stopped" of this process.
            say("INFO", "log.service.stopped")

    # --- background loops ------------------------------------------------------------------

    def _spawn(self, body: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(body, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _may_take_seat(self) -> bool:
        # Not while stopping, and never for `run --once` (schedules=False).
        return self._schedules and not self._queue.stopping.is_set()

    async def _watch_loop(self) -> None:
        beats = 0
        while True:
            try:
                await self._watcher.poll()
                beats += 1
                if beats % 5 == 0:  # the registry file is cheap to read, but no need every second
                    await self._connections.refresh(c.name for c in self._config.companies)
            except Exception as exc:  # keep watching; the next poll retries
                say("DEBUG", "log.service.watch_failed", error=exc)
            await asyncio.sleep(self._poll_interval)

    async def _reload_loop(self) -> None:
        while True:
            await asyncio.sleep(self._reload_interval)
            if not self._config_file.changed():
                continue
            with contextlib.suppress(ConfigError):
                await self.reload_config()
