"""Logging: the redaction filter on real log calls, through every sink."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

from agent.errors import MarketplaceUnavailable, strip_query
from agent.logs import redact, register_secret, setup_logging

ACCESS = "eyJhbGciOiJIUzI1NiJ9.access-token-value-1234567890"
REFRESH = "rt-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
DEVICE = "dc-0011223344556677889900aabbccddeeff"


@pytest.fixture
def sinks(tmp_path: Path) -> Iterator[tuple[Path, io.StringIO]]:
    console = io.StringIO()
    setup_logging(tmp_path / "logs", verbose=True, json_lines=True, console_stream=console)
    yield tmp_path / "logs", console
    logger.remove()


def _everything(log_dir: Path, console: io.StringIO) -> str:
    logger.complete()
    files = "".join(p.read_text(encoding="utf-8") for p in sorted(log_dir.iterdir()))
    return files + console.getvalue()


def test_secrets_never_reach_a_sink(sinks: tuple[Path, io.StringIO]) -> None:
    log_dir, console = sinks
    logger.debug(f"GET http://127.0.0.1:8765/api/integration/token?deviceCode={DEVICE}")
    logger.info(f"POST https://wszystko.pl/api/integration/token?refreshToken={REFRESH} -> 200")
    logger.debug('answer {"accessToken": "' + ACCESS + '", "refreshToken": "' + REFRESH + '"}')
    logger.warning(f"Authorization: Bearer {ACCESS}")
    logger.bind(company="Ogrodnik").info(f"refresh_token={REFRESH}&x=1")
    logging.getLogger("some.library").warning("password=%s", "hunter2hunter2")
    try:
        raise MarketplaceUnavailable(f"failed: https://wszystko.pl/api/integration/token?refreshToken={REFRESH}")
    except MarketplaceUnavailable:
        logger.exception("token refresh failed")
    text = _everything(log_dir, console)
    for secret in (ACCESS, REFRESH, DEVICE, "hunter2hunter2"):
        assert secret not in text
    # The lines are still there and useful, only the secrets are masked.
    assert "/api/integration/token?***" in text
    assert "Authorization: ***" in text
    assert "Ogrodnik" in text
    assert list(log_dir.glob("marketsync-*.log")) and list(log_dir.glob("marketsync-*.jsonl"))


def test_registered_secret_is_masked_wherever_it_appears(sinks: tuple[Path, io.StringIO]) -> None:
    log_dir, console = sinks
    opaque = "opaque-token-without-any-marker-42"
    register_secret(opaque)
    logger.info(f"the value is {opaque} in a sentence")
    text = _everything(log_dir, console)
    assert opaque not in text and "the value is *** in a sentence" in text


def test_http_client_request_lines_are_kept_out(sinks: tuple[Path, io.StringIO]) -> None:
    log_dir, console = sinks
    logging.getLogger("httpx2").info(f'HTTP Request: GET http://x/api/integration/token?deviceCode={DEVICE} "200"')
    text = _everything(log_dir, console)
    assert "HTTP Request" not in text


def test_redact_and_strip_query() -> None:
    assert redact(f"http://h/p?refreshToken={REFRESH}") == "http://h/p?***"
    assert strip_query(f"https://wszystko.pl/api/integration/token?refreshToken={REFRESH}#x") == (
        "https://wszystko.pl/api/integration/token"
    )

