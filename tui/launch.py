"""Running the TUI for real: start a runtime, open the app around it, stop the runtime on the way out.

Quitting while a run goes stops the runtime with a short grace (runs stop at their next checkpoint,
then are cancelled), so the process is gone within `EXIT_WITHIN_S` seconds; the app stays on screen
meanwhile, its header saying the runtime is stopping.
"""

from __future__ import annotations

import asyncio

from agent.config import Config
from agent.errors import StorageError
from agent.logs import say
from agent.runtime.manage import Manage
from agent.runtime.service import Runtime
from tui.app import MarketsyncApp

EXIT_WITHIN_S = 5.0
CRASHED_EXIT = 4
"""The exit code of a TUI that ended on an error (the CLI's "failed")."""
STOP_GRACE_S = 3.0
"""What running jobs get to reach a checkpoint when the TUI quits (the rest of EXIT_WITHIN_S is cleanup)."""


async def run_tui(config: Config, *, runtime: Runtime | None = None, headless: bool = False) -> int:
    """Start `runtime` (a TUI-role one unless given), run the app until it quits, stop the runtime.

    Returns the process's exit code: 0 after a quit, non-zero when the app ended on an error.
    `headless` runs it without a terminal (tests)."""
    runtime = runtime or Runtime(config, role="tui", stop_grace=STOP_GRACE_S)
    await runtime.start()

    async def stop() -> None:
        try:
            await asyncio.wait_for(runtime.stop(), EXIT_WITHIN_S)
        except TimeoutError:
            say("WARNING", "log.tui.stop_slow", seconds=EXIT_WITHIN_S)
        except StorageError as exc:
            say("ERROR", "log.tui.stop_failed", error=exc)

    try:
        # Quitting stops the runtime while the app still shows it; stopping here again (a no-op then)
        # covers an app that ended any other way. Manual runs record each company's configured
        # operator (the runtime's default), as Optima does, not the OS user.
        app = MarketsyncApp(runtime, language=config.agent.language, timezone=config.agent.timezone,
                            manage=Manage.of_runtime(runtime), stop=stop)
        await app.run_async(headless=headless)
    finally:
        await stop()
    # Textual sets a non-zero return code when the app ended on an unhandled error: not a clean exit,
    # and said as the CLI says a failed run (1 is "partial" in the README's table of exit codes).
    return CRASHED_EXIT if app.return_code else 0
