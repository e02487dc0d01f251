"""Linking, refreshing, refusing and failing with every logger at DEBUG: no secret reaches a line.

The sinks here are raw (no redacting patcher), so this proves the client never logs a secret,
not merely that the redactor catches it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx2
import pytest
from loguru import logger

from agent.errors import MarketsyncError
from agent.marketplace.device_flow import register, wait_for_tokens
from tests.marketplace.conftest import ClientFactory
from tests.marketplace.fake import FakeMarketplace, Fault


class _Collect(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def every_line() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="DEBUG", format="{level} {name} {message} {extra}")
    handler = _Collect(lines)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield lines
    root.removeHandler(handler)
    root.setLevel(old_level)
    logger.remove(sink)


async def test_no_token_device_code_or_token_url_in_any_line(
    every_line: list[str], make_client: ClientFactory, fake: FakeMarketplace
) -> None:
    errors: list[str] = []
    async with httpx2.AsyncClient(base_url="http://127.0.0.1:9/api/", transport=fake.transport()) as http:
        reg = await register(http)
        fake.device[reg.device_code] = "slow"

        async def sleep(_: float) -> None:
            if fake.device[reg.device_code] == "pending":
                fake.device[reg.device_code] = "allow"

        pair = await wait_for_tokens(http, reg, sleep=sleep)

    client = make_client()
    await client.check_connection()
    fake.expire_access()
    fake.fail("GET /categories", Fault("status", status=429, retry_after="0"), Fault("reset"), Fault("malformed"))
    for action in (client.categories, client.check_connection, client.offers):
        try:
            await action()
        except MarketsyncError as exc:
            errors.append(str(exc))
    # Revocation: the refresh is refused, the company falls into "Błąd połączenia".
    stored = client.keeper.pair
    assert stored is not None and stored.integration_id is not None
    fake.revoked.add(stored.integration_id)
    fake.expire_access()
    for _ in range(2):
        try:
            await client.check_connection()
        except MarketsyncError as exc:
            errors.append(str(exc))

    secrets = {reg.device_code, pair.access_token, pair.refresh_token, stored.access_token, stored.refresh_token}
    secrets |= set(fake.access) | set(fake.grants)
    text = "\n".join(every_line + errors)
    assert every_line, "the flows above log something at DEBUG"
    assert any("Błąd połączenia" in e or "link" in e for e in errors)
    for secret in secrets:
        assert secret not in text
    for marker in ("deviceCode=", "refreshToken=", "/integration/token?"):
        assert marker not in text
