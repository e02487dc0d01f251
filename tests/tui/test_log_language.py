"""The log pane shows the agent's log lines in the operator's language, as the console and the file do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loguru import logger

from agent.errors import LeaseLost, Phrase
from agent.logs import say, setup_logging
from agent.runtime.manage import Manage
from tests.tui.conftest import SIZE
from tests.tui.fake_runtime import FakeRuntime
from tui.app import MarketsyncApp
from tui.i18n import Language
from tui.widgets.log_pane import LogPane


@pytest.fixture
def logging_in() -> Iterator[None]:
    yield
    logger.remove()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Ogrodnik: zadanie zamówienia zatrzymało przebieg: ten przebieg nie zajmuje firmy"),
        ("en", "Ogrodnik: job orders stopped the run: the lease is not held"),
    ],
)
async def test_a_log_line_reaches_the_pane_in_the_configured_language(
    fake: FakeRuntime, manage: Manage, logging_in: None, language: Language, expected: str
) -> None:
    # As `marketsync tui` does: logging set up for the configured language, files only.
    setup_logging(None, console=False, language=language)
    app = MarketsyncApp(fake, language=language, log_level="WARNING", manage=manage)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lost = LeaseLost("the lease is not held", phrase=Phrase("err.lease_not_held"))
        say("ERROR", "log.run.job_stopped_run", company="Ogrodnik", job=Phrase("job.orders"), error=lost)
        await pilot.pause()
        lines = app.query_one(LogPane).visible_texts()
        assert any(expected in line for line in lines), lines
