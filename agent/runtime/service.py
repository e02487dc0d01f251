"""The runtime: one object a front end (the TUI, `marketsync run`) starts, watches and stops.

    runtime = Runtime(config, role="service")
    await runtime.start()            # LeaseHeld if another service already schedules here
    await runtime.run_until_stopped()  # SIGTERM / SIGINT: stop taking runs, checkpoint, release, exit

Who schedules: one process per installation holds the scheduler lease in the state database. A
service takes it (also from a TUI, which then only watches); a TUI takes it only when nobody
holds it. The holder heartbeats every few seconds; a watcher retries every heartbeat, so when the
service stops a TUI takes over within one beat. Every runtime watches the other processes' runs
through the state database and publishes them as its own events.

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

from loguru import logger

from agent.config import Config, load_config
from agent.domain import Clock, utc_now
from agent.errors import ConfigError, LeaseHeld
from agent.marketplace.connection import ConnectionRegistry, connections_dir
from agent.paths import Paths
from agent.runtime.api import JobView, LeaseView, RuntimeSnapshot
from agent.runtime.bus import EventBus
from agent.runtime.connections import ConnectionMirror
from agent.runtime.events import SchedulerRole, ServiceState
from agent.runtime.executor import CompanyExecutor
from agent.runtime.fires import FireHandler
from agent.runtime.history import PRUNE_EVERY_S, prune_history, prune_history_daily
from agent.runtime.manual import prepare_manual_run
from agent.runtime.queue import Executor, RunQueue
from agent.runtime.reload import FileWatch, changed_schedules, refusal, schedule_events
from agent.runtime.scheduler import Fire, Scheduler, Sleep
from agent.runtime.service_status import describe_holder, service_status, service_view
from agent.runtime.snapshot import build_snapshot, lease_view
from agent.runtime.watch import RunWatcher
from agent.state.models import Run, RunOptions, SchedulerHolder
from agent.state.store import StateDB

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
    ) -> None:
        """`schedules=False` (for `marketsync run --once`): never take the scheduler lease nor fire
        schedules; only run what is asked. `prune_every`: seconds between prunings of the run history."""
        self._config = config
        self._role: SchedulerRole = role
        self._schedules = schedules
        self._clock = clock
        self._sleep = sleep
        self._bus = bus or EventBus()
        self._host = host or socket.gethostname()
        self._pid = pid if pid is not None else os.getpid()
        self._heartbeat_interval = heartbeat_interval
        self._stale_after = max(3 * heartbeat_interval, 15.0)
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
                lambda: self._config, self._state, self._paths.locks_dir, self._connections
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
        self._scheduler: Scheduler | None = None
        self._scheduler_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._holder: SchedulerHolder | None = None
        self._holds = False
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
        return self._holds

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
        return None if self._scheduler is None else self._scheduler.next_fire(company)

    async def snapshot(self) -> RuntimeSnapshot:
        planned = None
        if self._scheduler is not None:
            scheduler = self._scheduler
            planned = {name: scheduler.next_fire(name) for name in scheduler.companies}
        return await build_snapshot(
            self._config,
            self._state,
            self._connections,
            current=dict(self._current),
            planned=planned,
            scheduler=service_view(self._holder, self._host, self._pid),
            locks_dir=self._paths.locks_dir,
        )

    async def lease(self, company: str) -> LeaseView:
        return await lease_view(self._config.company(company), self._paths.locks_dir)

    async def request_run(
        self,
        company: str,
        options: RunOptions,
        *,
        operator: str | None = None,
        take_over: bool = False,
        resume_interrupted: bool = False,
        after_current: bool = False,
    ) -> None:
        configured = self._config.company(company)
        item = await prepare_manual_run(
            configured,
            options,
            connections=self._connections,
            locks_dir=self._paths.locks_dir,
            stopping=self._queue.stopping,
            operator=operator or configured.schedule.operator,
            take_over=take_over,
            resume_interrupted=resume_interrupted,
            after_current=after_current,
        )
        self._queue.enqueue_manual(item)

    async def cancel_queued(self, company: str) -> bool:
        return self._queue.cancel_queued(company)

    async def reload_config(self) -> None:
        try:
            fresh = load_config(self._config.path)
        except ConfigError as exc:
            self.config_error = refusal(exc)
            logger.error(f"the changed config file was refused; the old one stays in use: {self.config_error}")
            raise
        self.config_error = None
        changed = changed_schedules(self._config, fresh)
        self._config = fresh
        if self._scheduler is not None:
            self._scheduler.replace(fresh.companies, fresh.agent.timezone)
        for event in schedule_events(changed, fresh.agent.language, self._clock()):
            self._bus.publish(event)
        await self._connections.refresh(c.name for c in fresh.companies)
        logger.info(f"config reloaded: {len(changed)} schedule(s) changed")

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
            self._holds = await self._acquire() if self._schedules else False
            self._holder = await self._state.scheduler_holder()
            if not self._holds and self._role == "service" and self._schedules:
                where = describe_holder(self._holder)
                raise LeaseHeld(
                    f"the service already runs {where}",
                    hint="stop that one first; one service per installation schedules the runs",
                )
        except BaseException:
            self._stopped = True
            await self._state.close()
            raise
        self._publish_service("running")
        if self._holds:
            await self._start_scheduling()
        else:
            logger.info(f"watching: the scheduler is held {describe_holder(self._holder)}")
        self._spawn(self._heartbeat_loop(), "scheduler-heartbeat")
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
        logger.info(f"{sig.name}: stopping; running jobs stop at their next checkpoint")
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
        self._publish_service("stopping")
        await self._stop_scheduling()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._queue.close(self._stop_grace)
        if self._own_executor is not None:
            await self._own_executor.aclose()
        try:
            if self._holds:
                await self._state.release_scheduler(self._host, self._pid)
                self._holds = False
        finally:
            self._publish_service("stopped")
            await self._state.close()
            # The bus stays open: closing it would discard what watchers have not read yet (the
            # last RunFinished events); they end on ServiceStatus "stopped" of this process.
            logger.info("stopped")

    # --- scheduling ------------------------------------------------------------------------

    async def _acquire(self) -> bool:
        return await self._state.acquire_scheduler(self._role, self._host, self._pid, self._stale_after)

    async def _start_scheduling(self) -> None:
        states = await self._state.all_schedule_states()
        cursors = {name: s.last_fire for name, s in states.items() if s.last_fire is not None}
        self._scheduler = Scheduler(
            self._config.companies,
            self._config.agent.timezone,
            on_fire=self._fires.fire,
            on_plan=self._fires.planned,
            clock=self._clock,
            sleep=self._sleep,
            cursors=cursors,
        )
        self._scheduler_task = asyncio.create_task(self._scheduler.run(), name="scheduler")
        logger.info(f"scheduling {len(self._config.companies)} companies ({self._role}, {self._host} pid {self._pid})")

    async def _stop_scheduling(self) -> None:
        if self._scheduler_task is not None:
            self._scheduler_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler_task
        self._scheduler_task = None
        self._scheduler = None

    # --- background loops ------------------------------------------------------------------

    def _spawn(self, body: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(body, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self._heartbeat_interval)
            try:
                await self._beat()
            except Exception as exc:  # a busy database must not end the service; the next beat retries
                logger.warning(f"scheduler heartbeat failed: {exc}")

    async def _beat(self) -> None:
        if self._holds:
            if await self._state.heartbeat_scheduler(self._host, self._pid):
                return
            self._holds = False
            await self._stop_scheduling()
            self._holder = await self._state.scheduler_holder()
            logger.info(f"the scheduler was taken {describe_holder(self._holder)}; this process only watches now")
            self._publish_service("running")
            return
        if self._queue.stopping.is_set() or not self._schedules:
            return
        if await self._acquire():
            self._holds = True
            self._holder = await self._state.scheduler_holder()
            logger.info("the scheduler was free; this process schedules now")
            self._publish_service("running")
            await self._start_scheduling()
            return
        holder = await self._state.scheduler_holder()
        if holder != self._holder and (holder is None or self._holder is None or holder.pid != self._holder.pid):
            self._holder = holder
            self._publish_service("running")

    async def _watch_loop(self) -> None:
        beats = 0
        while True:
            try:
                await self._watcher.poll()
                beats += 1
                if beats % 5 == 0:  # the registry file is cheap to read, but no need every second
                    await self._connections.refresh(c.name for c in self._config.companies)
            except Exception as exc:  # keep watching; the next poll retries
                logger.debug(f"watching other runs failed: {exc}")
            await asyncio.sleep(self._poll_interval)

    async def _reload_loop(self) -> None:
        while True:
            await asyncio.sleep(self._reload_interval)
            if not self._config_file.changed():
                continue
            with contextlib.suppress(ConfigError):
                await self.reload_config()

    # --- reporting -------------------------------------------------------------------------

    def _publish_service(self, state: ServiceState) -> None:
        status = service_status(
            state,
            holds=self._holds,
            holder=self._holder,
            role=self._role,
            host=self._host,
            pid=self._pid,
            now=self._clock(),
        )
        self._bus.publish(status)
