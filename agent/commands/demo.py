"""`marketsync demo [--headless] [--home DIR]`: the whole product in one command.

Starts the simulator on a free loopback port (auto-consent, buyers placing a few orders a minute),
prepares the demo home (three companies with seeded ERP databases and linked accounts, schedules
every one or two minutes all day, a first catalogue sync), then opens the TUI, or with
`--headless` runs the service and prints its events until Ctrl-C. Nothing outside the demo home
is touched; a second start reuses it (see `demo_home` for what is made afresh).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.config import Config

HELP = "a self-contained demo: simulator, three companies, the TUI"
# The demo's logs go to the demo home's own log folder, set up once its config exists.
LOGS_TO_FILE = False
# The demo prints its own steps in the operator's language; the log's lines (English) go to its files.
CONSOLE_QUIET = True
SIMULATOR_RPM = 3000


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true", help="run the service and print events, no TUI")
    parser.add_argument("--home", metavar="DIR", help="the demo's home folder (default: demo under the data dir)")
    parser.add_argument("--products", type=_positive, default=300, metavar="N",
                        help="products seeded per company (default 300)")
    parser.add_argument("--orders-per-minute", type=float, default=3.0, metavar="N",
                        help="orders the simulator's buyers place a minute (default 3)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from agent.commands.demo_home import CONFIG_NAME, default_demo_home, populate, prepare_files
    from agent.localised_parser import language_for_help
    from agent.simulator import SimulatorSettings, run_simulator_in_thread
    from agent.texts import text

    home = Path(args.home).expanduser().resolve() if args.home else default_demo_home()
    # The marketplace's per-account limit is set so a first export of 300 offers takes some seconds
    # (the dashboard's progress shows) and the agent, allowing itself a little less, never meets a 429.
    settings = SimulatorSettings(port=0, auto_consent=True, poll_interval=1, requests_per_minute=SIMULATOR_RPM,
                                 orders_per_minute=max(0.0, args.orders_per_minute))
    # The demo's own config says the language; before its first start it is the demo's default, Polish.
    language = language_for_help(["--config", str(home / CONFIG_NAME)])
    print(text(language, "demo.home", home=home), flush=True)
    with run_simulator_in_thread(settings) as simulator:
        control = f"{simulator.root_url}/_sim"
        print(text(language, "demo.simulator", url=simulator.base_url, control=control), flush=True)
        config = prepare_files(home, simulator.base_url)
        # Logs go to the demo's files only: the console shows the demo's own steps, the TUI shows the
        # logs in its pane, and --headless prints one line per event instead.
        _log_to_files(config, verbose=bool(getattr(args, "verbose", False)))
        asyncio.run(populate(config, products=args.products, say=lambda line: print(line, flush=True)))
        print(text(config.agent.language, "demo.files", config=config.path, logs=config.agent.log_dir), flush=True)
        if args.headless:
            return asyncio.run(_headless(config))
        from tui.launch import run_tui

        return asyncio.run(run_tui(config))


def _log_to_files(config: Config, *, verbose: bool) -> None:
    """The demo home's log folder, and no console sink (under the TUI it would write across the screen)."""
    from agent.logs import setup_logging

    setup_logging(config.agent.log_dir, verbose=verbose, retention_days=config.agent.log_retention_days,
                  console=False, timezone=config.agent.timezone, language=config.agent.language)


async def _headless(config: Config) -> int:
    """The service, printing one line per event until Ctrl-C / SIGTERM."""
    import asyncio
    import contextlib
    import os

    from agent.commands.run import describe_event, event_time
    from agent.runtime.adapters import configured_adapters
    from agent.runtime.events import ServiceStatus
    from agent.runtime.service import Runtime
    from agent.texts import text

    runtime = Runtime(config, role="service", adapters=configured_adapters())
    subscription = runtime.bus.subscribe(queue_size=10_000)
    await runtime.start()
    language, zone = config.agent.language, config.agent.timezone

    async def printer() -> None:
        last: dict[str, float] = {}
        async with subscription:
            async for event in subscription:
                line = describe_event(event, last, language, zone)
                if line:
                    print(f"{event_time(event.at, zone)} {line}", flush=True)
                # The runtime's bus stays open after stop; this process's "stopped" is the last word.
                if isinstance(event, ServiceStatus) and event.state == "stopped" and event.pid == os.getpid():
                    return

    printing = asyncio.create_task(printer())
    print(text(language, "demo.headless"), flush=True)
    await runtime.run_until_stopped()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(printing, 2.0)
    return 0
