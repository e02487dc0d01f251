"""`marketsync run [--once]`: the headless service.

Holds the installation's scheduler, fires every company's schedule, runs them (in parallel up to
`max_parallel_runs`), heartbeats "service running on host X since T" into the state database,
reloads the config file when it changes, logs to the daily log file (the console shows warnings and
errors, everything with --verbose), and prints one line per event in the operator's language.
SIGTERM or SIGINT: no new runs, running jobs stop at their next checkpoint, leases are released,
the process exits within 10 s. A second `marketsync run` refuses to start
and says where the first one runs.

`--once` runs every company whose schedule is enabled once, now, and exits (for cron or systemd
timers); it does not take the scheduler. Exit codes: 0 every run succeeded, 1 some run did not.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from agent.commands.result_labels import RESULT_LABELS
from agent.texts import language_of, plural, text

if TYPE_CHECKING:
    from agent.config import Config
    from agent.errors import LeaseHeld
    from agent.runtime.bus import Subscription
    from agent.runtime.events import Event

HELP = "the headless service: run schedules until stopped"
CONSOLE_QUIET = True
"""The console shows the event lines, in the operator's language; the log's lines go to the file."""


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

    from agent.commands.common import config_from_args
    from agent.errors import LeaseHeld
    from agent.runtime.adapters import configured_adapters
    from agent.runtime.service import Runtime

    config = config_from_args(args)
    language, zone = config.agent.language, config.agent.timezone
    runtime = Runtime(config, role="service", schedules=not args.once, adapters=configured_adapters())
    subscription = runtime.bus.subscribe(queue_size=10_000)
    try:
        await runtime.start()
    except LeaseHeld:
        raise await _already_running(config) from None
    printer = asyncio.create_task(_print_events(subscription, language, zone, quiet=args.quiet, pid=os.getpid()))
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
    labels = RESULT_LABELS[language_of(language)]
    results = ", ".join(f"{r.company} {labels.get(r.result, r.result).lower()}" for r in runs)
    print(text(language, "run.once", runs=plural(language, len(runs), "runs"), results=results), flush=True)
    return 0 if runs and all(r.result == "success" for r in runs) else 1


async def _already_running(config: Config) -> LeaseHeld:
    """The refusal of a second service, in the operator's language: where the first one runs, since when."""
    from datetime import UTC

    from agent.commands.status import service_line
    from agent.errors import LeaseHeld
    from agent.state.store import StateDB

    async with StateDB.for_config(config) as state:
        holder = await state.scheduler_holder()
    language = config.agent.language
    where = service_line(holder, datetime.now(UTC), config.agent.timezone, language)
    return LeaseHeld(text(language, "run.already", where=where), hint=text(language, "run.already_hint"))


async def _print_events(subscription: Subscription, language: str, zone: str, *, quiet: bool, pid: int) -> None:
    """Print events until this process's service says it stopped."""
    from agent.runtime.events import ServiceStatus

    last_progress: dict[str, float] = {}
    async with subscription:
        async for event in subscription:
            line = "" if quiet else describe_event(event, last_progress, language, zone)
            if line:
                print(f"{event_time(event.at, zone)} {line}", flush=True)
            if isinstance(event, ServiceStatus) and event.state == "stopped" and event.pid == pid:
                return


def event_time(moment: datetime, zone: str) -> str:
    """An event line's time: the time of day in `zone`, with its offset (as the console log's lines)."""
    from agent.texts.clock import local_time

    return local_time(moment, zone, pattern="%H:%M:%S")


def describe_event(
    event: Event, last_progress: dict[str, float] | None = None, language: str = "pl", zone: str = "Europe/Warsaw"
) -> str:
    """One console line for an event in `language`, times in `zone` ("" for progress shown less than a second ago)."""
    from agent.runtime import events as ev
    from agent.texts.clock import local_time
    from agent.texts.outcomes import item_label, outcome_hint, outcome_message, summary_words
    from agent.texts.phrases import detail_words, word

    def say(key: str, **values: object) -> str:
        return text(language, key, who=event.company, **values)

    def jobs(names: tuple[str, ...]) -> str:
        return ", ".join(text(language, f"job.{name}") for name in names)

    def detail(said: str) -> str:
        # A connection's fixed details are ours to word; any other (an account's name) is data.
        return ": " + detail_words(language, said) if said else ""

    match event:
        case ev.RunQueued():
            extra = text(language, "event.missed", missed=event.missed) if event.missed else ""
            trigger = text(language, f"runs.trigger.{event.trigger}")
            return say("event.queued", trigger=trigger, jobs=jobs(event.jobs), extra=extra)
        case ev.RunStarted():
            trigger = text(language, f"runs.trigger.{event.trigger}")
            names = jobs(event.jobs)
            return say("event.started", id=event.run_id, trigger=trigger, operator=event.operator, jobs=names)
        case ev.JobProgress():
            if last_progress is not None and event.done < event.total:
                stamp = event.at.timestamp()
                if stamp - last_progress.get(event.company, 0.0) < 1.0:
                    return ""
                last_progress[event.company] = stamp
            job = text(language, f"job.{event.job}")
            return say("event.progress", id=event.run_id, job=job, done=event.done, total=event.total)
        case ev.ItemFailed():
            hint = f" -> {outcome_hint(language, event.hint, phrase=event.hint_phrase)}" if event.hint else ""
            return say(
                "event.failed",
                id=event.run_id,
                job=text(language, f"job.{event.job}"),
                item=item_label(language, event.item),
                message=outcome_message(language, event.message, item=event.item, phrase=event.phrase),
                hint=hint,
            )
        case ev.RunFinished():
            t = event.totals
            result = RESULT_LABELS[language_of(language)].get(event.result, event.result).lower()
            error = f" ({summary_words(language, event.error, phrase=event.error_phrase)})" if event.error else ""
            counts = {"ok": t.ok, "skipped": t.skipped, "failed": t.failed}
            return say("event.finished", id=event.run_id, result=result, error=error, **counts)
        case ev.RunSkipped():
            reason = text(language, f"event.skip.{event.reason}")
            said = word(language, event.said, zone) if event.said is not None else event.detail
            return say("event.skipped", reason=reason, detail=detail(said))
        case ev.ConnectionChanged():
            status = text(language, f"event.connection.{event.status}")
            return say("event.connection", status=status, detail=detail(event.detail))
        case ev.LeaseChanged():
            return ""  # RunStarted and RunFinished say the same in words
        case ev.ScheduleChanged():
            return say("event.schedule", description=event.description)
        case ev.NextRunPlanned():
            return ""  # one per company per fire: `marketsync status` shows them
        case ev.ServiceStatus():
            return text(
                language,
                "event.service",
                state=text(language, f"event.service.{event.state}"),
                role=text(language, f"event.role.{event.role}"),
                host=event.host,
                pid=event.pid,
                since=local_time(event.since, zone),
            )
    return ""
