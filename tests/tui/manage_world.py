"""A small real installation for the management screens' tests: a commented config file, a real
runtime (no scheduling) over a real state database in tmp_path, its manage layer, and the app.

`ManageWorld.app(language)` gives a `MarketsyncApp` over that runtime; `add_run` records a run with
item outcomes in the state database as a sync would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot

from agent.config import Config, load_config
from agent.runtime.manage import Manage
from agent.runtime.service import Runtime
from agent.state.models import ItemOutcome, Run, RunOptions, RunResult
from tui.app import MarketsyncApp
from tui.i18n import Language

COMPANIES = ("Ogrodnik", "Sklep Rowerowy")
DEAD_URL = "http://127.0.0.1:9/api"
"""A loopback address nothing listens on: the screens that need no marketplace never reach it."""


def config_text(base_url: str, *, language: Language = "pl", companies: tuple[str, ...] = COMPANIES) -> str:
    lines = [
        "# keep me: the operator's own notes",
        "[agent]",
        'home = "home"',
        'log_dir = "logs"',
        'token_store = "file"',
        f'language = "{language}"  # keep me too',
        "",
        "[marketplace]",
        f'base_url = "{base_url}"',
        "requests_per_minute = 6000",
    ]
    for index, name in enumerate(companies):
        lines += [
            "",
            "[[company]]",
            f'name = "{name}"',
            f'database = "db{index}.sqlite"',
            "",
            f"# schedule of {name}: keep me",
            "[company.schedule]",
            "enabled = false",
            "from_hour = 6",
            "to_hour = 22",
            "every_minutes = 30",
        ]
    return "\n".join(lines) + "\n"


@dataclass
class ManageWorld:
    path: Path
    config: Config
    runtime: Runtime
    manage: Manage

    def app(self, language: Language = "pl") -> MarketsyncApp:
        return MarketsyncApp(self.runtime, language=language, timezone="Europe/Warsaw", log_level=None,
                             manage=self.manage)

    async def add_run(self, company: str, result: RunResult, outcomes: list[ItemOutcome]) -> Run:
        state = self.runtime.state
        run = await state.start_run(company, trigger="manual", operator="KASIA",
                                    options=RunOptions(("orders", "offers")))
        await state.record_outcomes(run.id, outcomes)
        return await state.finish_run(run.id, result, error_summary="" if result == "success" else "some failed")


def write_config(folder: Path, base_url: str, *, language: Language, companies: tuple[str, ...]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(config_text(base_url, language=language, companies=companies), encoding="utf-8")
    return path


async def open_world(folder: Path, base_url: str = DEAD_URL, *, language: Language = "pl",
                     companies: tuple[str, ...] = COMPANIES) -> ManageWorld:
    path = write_config(folder, base_url, language=language, companies=companies)
    config = load_config(path)
    runtime = Runtime(config, role="tui", schedules=False, stop_grace=1.0)
    await runtime.start()
    return ManageWorld(path, config, runtime, Manage.of_runtime(runtime))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[ManageWorld]:
    made = await open_world(tmp_path / "install")
    try:
        yield made
    finally:
        await made.runtime.stop()


async def until(pilot: Pilot[None], condition: Callable[[], bool], *, at_most: float = 60.0) -> None:
    """Let the app run until `condition` holds (a bound on waiting, not a timing assertion)."""
    for _ in range(int(at_most / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    shown = [str(label.render()) for label in pilot.app.screen.query("Label")]
    raise AssertionError(f"the condition never held; the screen's labels: {shown}")


async def open_sync(pilot: Pilot[None]) -> None:
    """Press `s` and wait until the sync window is up with its buttons laid out (on a loaded machine a
    click right after the key can land before the window has composed)."""
    from tui.screens.sync import SyncScreen

    await pilot.press("s")
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, SyncScreen) and bool(app.screen.query("#sync-start"))
                and app.screen.query_one("#sync-start").region.area > 0)


def notices(app: App[None]) -> list[str]:
    """The texts of the notifications (Textual's toasts) the current screen shows: the app must run
    with notifications on (`run_test(notifications=True)`)."""
    return [shown.plain for toast in app.screen.query("Toast") if isinstance(shown := toast.render(), Content)]
