"""The client's own network backend (agent.marketplace.network) under httpx2, against small local
servers on 127.0.0.1: plain and TLS, keep-alive, a connection the server dropped while idle, big
bodies, timeouts and refusals, and the proxy fallback."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent.marketplace import network
from agent.marketplace.accounts import AccountPlaces, build_client


@dataclass
class Server:
    """A tiny HTTP/1.1 server: answers each request with the size of its body; counts connections."""

    port: int = 0
    connections: int = 0
    bodies: list[bytes] = field(default_factory=list)
    close_after_answer: bool = False
    delay: float = 0.0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                self.bodies.append(body)
                await asyncio.sleep(self.delay)
                answer = str(len(body)).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    listening = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield state
        for writer in state.writers:
            writer.close()


def _client(port: int, scheme: str = "http", verify: ssl.SSLContext | bool = True) -> httpx2.AsyncClient:
    made = network.transport(verify=verify)
    assert network.uses_asyncio_backend(made)
    return httpx2.AsyncClient(base_url=f"{scheme}://127.0.0.1:{port}/", transport=made, timeout=5.0)


async def test_requests_share_one_connection_and_bodies_arrive_whole(server: Server) -> None:
    async with _client(server.port) as http:
        small = await http.post("/a", content=b'{"x": 1}')
        big_body = bytes(range(256)) * 8192  # 2 MB: sent while queued, not only when the answer is read
        big = await http.post("/b", content=big_body)
        empty = await http.get("/c")
    assert (small.text, big.text, empty.text) == ("8", str(len(big_body)), "0")
    assert server.bodies == [b'{"x": 1}', big_body, b""]
    assert server.connections == 1


async def test_a_connection_the_server_closed_while_idle_is_not_reused(server: Server) -> None:
    server.close_after_answer = True
    async with _client(server.port) as http:
        first = await http.post("/a", content=b"12")
        await asyncio.sleep(0.05)  # the server's close reaches the idle connection
        second = await http.post("/a", content=b"123")
    assert (first.text, second.text) == ("2", "3")
    assert server.connections == 2


async def test_a_slow_answer_is_a_read_timeout(server: Server) -> None:
    server.delay = 1.0
    async with _client(server.port) as http:
        with pytest.raises(httpx2.ReadTimeout):
            await http.get("/slow", timeout=0.1)


async def test_nobody_listening_is_a_connect_error() -> None:
    listening = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    listening.close()
    await listening.wait_closed()
    async with _client(port) as http:
        with pytest.raises(httpx2.ConnectError):
            await http.get("/")


async def test_a_reset_before_the_answer_is_a_transport_error() -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.transport.abort()

    listening = await asyncio.start_server(reset, "127.0.0.1", 0)
    async with listening, _client(listening.sockets[0].getsockname()[1]) as http:
        with pytest.raises(httpx2.TransportError):
            await http.post("/", content=b"x")


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


async def test_tls_works_and_a_certificate_nobody_vouches_for_is_refused(tmp_path: Path) -> None:
    cert_file, key_file = _certificate(tmp_path)
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert_file, key_file)
    state = Server()
    listening = await asyncio.start_server(state.handle, "127.0.0.1", 0, ssl=served)
    port = listening.sockets[0].getsockname()[1]
    trusting = ssl.create_default_context(cafile=str(cert_file))
    async with listening:
        async with _client(port, "https", verify=trusting) as http:
            answers = [(await http.post("/x", content=b"abc")).text for _ in range(3)]
        assert answers == ["3", "3", "3"]
        assert state.connections == 1
        async with _client(port, "https") as http:  # the system's roots do not know this certificate
            with pytest.raises(httpx2.ConnectError):
                await http.get("/")
        for writer in state.writers:
            writer.close()


def test_the_client_sends_through_it_unless_a_proxy_is_set(
    monkeypatch: pytest.MonkeyPatch, places: AccountPlaces
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    client = build_client("Firma", base_url="http://127.0.0.1:9/api", requests_per_minute=0, places=places)
    assert network.uses_asyncio_backend(client.engine.http._transport)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    assert network.transport() is None
