"""The runtime's marketplace clients (the TUI's, the service's and `sync`'s) go through a proxy named
in the environment, as README promises: the shared TLS transport would bypass it."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx2
import pytest

from agent.config import load_config
from agent.marketplace.accounts import open_client
from agent.runtime.executor import shared_transport
from tests.marketplace.test_network import PROXY_VARIABLES, Server, serve


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[agent]\nhome = "home"\nlog_dir = "logs"\ntoken_store = "file"\n\n'
        '[marketplace]\nbase_url = "http://marketplace.invalid/api"\n\n'
        '[[company]]\nname = "Alfa"\ndatabase = "alfa.sqlite"\n',
        encoding="utf-8",
    )
    return path


async def test_a_proxy_in_the_environment_carries_the_runtimes_requests(
    tmp_path: Path, no_proxy_env: pytest.MonkeyPatch
) -> None:
    config = load_config(_config(tmp_path))
    proxy = Server()
    async with await serve(proxy):
        no_proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
        transport = shared_transport(ssl.create_default_context())
        async with open_client(config, "Alfa", transport=transport) as client:
            answer = await client.engine.http.request("POST", "me/offers", content=b"abcd", withhold_token=True)
            for writer in proxy.writers:
                writer.close()
    assert answer.text == "4"
    # The marketplace's name is never looked up here: the proxy got the whole URL.
    assert proxy.lines == ["POST http://marketplace.invalid/api/me/offers HTTP/1.1"]


def test_without_a_proxy_the_clients_share_one_tls_context(no_proxy_env: pytest.MonkeyPatch) -> None:
    assert isinstance(shared_transport(ssl.create_default_context()), httpx2.AsyncHTTPTransport)
