"""`marketsync run [--once]`: the headless service.

Holds the installation's scheduler, fires every company's schedule, runs them (in parallel up to
`max_parallel_runs`), heartbeats "service running on host X since T" into the state database,
reloads the config file when it changes, logs to the console and the daily log file, and prints
one line per event. SIGTERM or SIGINT: no new runs, running jobs stop at their next checkpoint,
leases are released, the process exits within 10 s. A second `marketsync run` refuses to start
and says where the first one runs.

`--once` runs every company whose schedule is enabled once, now, and exits (for cron or systemd
timers); it does not take the scheduler. Exit codes: 0 every run succeeded, 1 some run did not.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.runtime.bus import Subscription
    from agent.runtime.events import Event

HELP = "the headless service: run schedules until stopped"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--once", action="store_true", help="run every enabled company's scheduled jobs once, then exit"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print no event lines (logs still go to files)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    return asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> int:
    import asyncio
    import os
    from zoneinfo import ZoneInfo

    from agent.commands.common import config_from_args
    from agent.runtime.service import Runtime

    config = config_from_args(args)
    runtime = Runtime(config, role="service", schedules=not args.once)
    subscription = runtime.bus.subscribe(queue_size=10_000)
    await runtime.start()
    zone = ZoneInfo(config.agent.timezone)
    printer = asyncio.create_task(
        _print_events(subscription, lambda at: at.astimezone(zone), quiet=args.quiet, pid=os.getpid())
    )
    if not args.once:
        await runtime.run_until_stopped()
        await printer
        return 0
    stopper = asyncio.create_task(runtime.run_until_stopped())
    once = asyncio.create_task(runtime.run_once())
    await asyncio.wait({stopper, once}, return_when=asyncio.FIRST_COMPLETED)
    runtime.request_stop()
    await stopper
    await printer
    runs = once.result() if once.done() and not once.cancelled() else []
    print(f"{len(runs)} run(s): " + ", ".join(f"{r.company} {r.result}" for r in runs), flush=True)
    return 0 if runs and all(r.result == "success" for r in runs) else 1


async def _print_events(
    subscription: Subscription, local: Callable[[datetime], datetime], *, quiet: bool, pid: int
) -> None:
    """Print events until this process's service says it stopped."""
    from agent.runtime.events import ServiceStatus

    last_progress: dict[str, float] = {}
    async with subscription:
        async for event in subscription:
            line = "" if quiet else describe_event(event, last_progress)
            if line:
                print(f"{local(event.at):%H:%M:%S} {line}", flush=True)
            if isinstance(event, ServiceStatus) and event.state == "stopped" and event.pid == pid:
                return


def describe_event(event: Event, last_progress: dict[str, float] | None = None) -> str:
    """One console line for an event ("" for progress shown less than a second ago)."""
    from agent.runtime import events as ev

    who = event.company
    match event:
        case ev.RunQueued():
            extra = f", {event.missed} missed fire(s) coalesced" if event.missed else ""
            return f"{who}: {event.trigger} run queued ({', '.join(event.jobs)}{extra})"
        case ev.RunStarted():
            return f"{who}: run {event.run_id} started ({event.trigger}, {event.operator}: {', '.join(event.jobs)})"
        case ev.JobProgress():
            if last_progress is not None and event.done < event.total:
                stamp = event.at.timestamp()
                if stamp - last_progress.get(who, 0.0) < 1.0:
                    return ""
                last_progress[who] = stamp
            return f"{who}: run {event.run_id} {event.job} {event.done}/{event.total}"
        case ev.ItemFailed():
            hint = f" -> {event.hint}" if event.hint else ""
            return f"{who}: run {event.run_id} {event.job} {event.item} failed: {event.message}{hint}"
        case ev.RunFinished():
            t = event.totals
            error = f" ({event.error})" if event.error else ""
            return f"{who}: run {event.run_id} {event.result}: ok {t.ok}, skipped {t.skipped}, failed {t.failed}{error}"
        case ev.RunSkipped():
            return f"{who}: scheduled run skipped ({event.reason}){': ' + event.detail if event.detail else ''}"
        case ev.ConnectionChanged():
            return f"{who}: connection {event.status}{': ' + event.detail if event.detail else ''}"
        case ev.LeaseChanged():
            return ""  # RunStarted and RunFinished say the same in words
        case ev.ScheduleChanged():
            return f"{who}: schedule {event.description}"
        case ev.NextRunPlanned():
            return ""  # one per company per fire: `marketsync status` shows them
        case ev.ServiceStatus():
            since = f"{event.since:%Y-%m-%d %H:%M:%S} UTC"
            return f"service {event.state}: {event.role} on {event.host} (pid {event.pid}) since {since}"
    return ""
