"""The client's network: httpx2's own transport as `build_client` sets it up, against small local
servers on 127.0.0.1 (plain, TLS, a proxy named in the environment), and the time limits every
request of the call engine carries."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent.marketplace import parsing
from agent.marketplace.accounts import AccountPlaces, build_client
from agent.marketplace.calls import CallSettings
from agent.marketplace.client import WszystkoClient
from agent.marketplace.models import OfferDraft
from agent.marketplace.retry import BreakerBoard
from tests.marketplace.fake import FakeMarketplace

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                   "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")


@dataclass
class Server:
    """A tiny HTTP/1.1 server: answers each request with the size of its body; counts connections
    and keeps each request's first line."""

    port: int = 0
    connections: int = 0
    bodies: list[bytes] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.lines.append(head.split(b"\r\n")[0].decode())
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                self.bodies.append(body)
                answer = str(len(body)).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


async def serve(state: Server, tls: ssl.SSLContext | None = None) -> asyncio.Server:
    listening = await asyncio.start_server(state.handle, "127.0.0.1", 0, ssl=tls)
    state.port = listening.sockets[0].getsockname()[1]
    return listening


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    async with await serve(state):
        yield state
        for writer in state.writers:
            writer.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy and no certificate file from the machine running the tests."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def client_for(base_url: str, places: AccountPlaces) -> WszystkoClient:
    """The client exactly as the agent builds it (no transport given)."""
    return build_client("Firma", base_url=base_url, requests_per_minute=0, places=places,
                        breakers=BreakerBoard(failure_threshold=50))


async def send(client: WszystkoClient, method: str, path: str, content: bytes | None = None) -> str:
    """The answer's text to one request through the client's HTTP client (no account needed)."""
    answer = await client.engine.http.request(method, path, content=content, withhold_token=True)
    return str(answer.text)


async def test_the_clients_requests_share_one_connection_and_bodies_arrive_whole(
        server: Server, clean_env: pytest.MonkeyPatch, places: AccountPlaces) -> None:
    async with client_for(f"http://127.0.0.1:{server.port}/api", places) as client:
        small = await send(client, "POST", "a", b'{"x": 1}')
        big_body = bytes(range(256)) * 8192  # 2 MB
        big = await send(client, "POST", "b", big_body)
        empty = await send(client, "GET", "c")
    assert (small, big, empty) == ("8", str(len(big_body)), "0")
    assert server.bodies == [b'{"x": 1}', big_body, b""]
    assert server.connections == 1


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


async def test_tls_checks_the_certificate_against_the_roots_the_environment_names(
        tmp_path: Path, clean_env: pytest.MonkeyPatch, places: AccountPlaces) -> None:
    cert_file, key_file = _certificate(tmp_path)
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert_file, key_file)
    state = Server()
    async with await serve(state, served):
        base = f"https://127.0.0.1:{state.port}/api"
        async with client_for(base, places) as client:  # the system's roots do not know this certificate
            with pytest.raises(httpx2.ConnectError):
                await send(client, "GET", "x")
        clean_env.setenv("SSL_CERT_FILE", str(cert_file))
        async with client_for(base, places) as client:
            answers = [await send(client, "POST", "x", b"abc") for _ in range(3)]
        assert answers == ["3", "3", "3"]
        for writer in state.writers:
            writer.close()


async def test_a_proxy_named_in_the_environment_carries_the_requests(
        server: Server, clean_env: pytest.MonkeyPatch, places: AccountPlaces) -> None:
    clean_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    # The marketplace's name is never looked up: the proxy (the local server) gets the whole URL.
    async with client_for("http://marketplace.invalid/api", places) as client:
        answer = await send(client, "POST", "me/offers", b"abcd")
    assert answer == "4"
    assert server.lines == ["POST http://marketplace.invalid/api/me/offers HTTP/1.1"]


class Recording(httpx2.AsyncBaseTransport):
    """Keeps every request, then hands it to `inner`."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.seen: list[httpx2.Request] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.seen.append(request)
        return await self.inner.handle_async_request(request)


async def test_every_call_carries_the_clients_time_limits_and_token(
        fake: FakeMarketplace, places: AccountPlaces) -> None:
    """The connect limit makes a stalled connect a ConnectTimeout (never sent: safe to repeat) well
    before the attempt's own limit, which would count a create as possibly applied."""
    places.store.save("Firma", parsing.token_pair(fake.issue()))
    places.connections.set_connected("Firma")
    recording = Recording(fake.transport())
    settings = CallSettings(attempt_timeout=25.0, connect_timeout=4.0)
    async with build_client("Firma", base_url="http://127.0.0.1:9/api", requests_per_minute=0, places=places,
                            transport=recording, settings=settings) as client:
        await client.categories(with_parameters=False)
        await client.create_offer(OfferDraft(external_id="P-1", title="Sekator", price=Decimal("19.99"),
                                             category_id=12, vat_rate="23%", stock_quantity=5))
    calls = [r for r in recording.seen if r.url.path != "/api/integration/token"]
    assert {r.method for r in calls} == {"GET", "POST"}
    for request in calls:
        assert request.extensions["timeout"] == {"connect": 4.0, "read": 25.0, "write": 25.0, "pool": 25.0}
        assert request.headers["Authorization"].startswith("Bearer at-")
    assert all(r.headers["Content-Type"] == "application/json" for r in calls if r.method == "POST")
