"""The client's sockets: a small asyncio network backend for httpcore2, lighter than its anyio one.

httpcore2 reaches the network through a backend (connect, read, write, TLS). Its default goes
through anyio, whose cancel scopes, checkpoints and attribute look-ups (two `getpeername` calls to
ask whether an idle connection is still usable) cost more per request than the request's own
parsing; in a bulk export they were a quarter of the agent's time. This backend keeps a plain
asyncio transport and protocol per connection and answers the same calls:

- `write` only queues the bytes; they go out in one send when the answer is read (or when much
  is queued), so a request's headers and body leave together instead of in two sends;
- `read` takes what the protocol has received, waiting (up to the timeout) when nothing has;
- "is_readable" is true once the peer sent anything or closed: the protocol is told of both as
  they happen, so an idle connection the server dropped is not picked for the next request.

Errors and timeouts are httpcore2's own (ConnectError, ReadTimeout, ...), as the anyio backend
raises them, so httpx2 maps them to the exceptions the call engine already handles.

`transport()` gives httpx2's own transport with this backend in its pool, or None (httpx2's
default, anyio) when the environment names a proxy: httpx2 sets proxies up only for its default.
"""

# The `timeout` parameters are httpcore2's interface, not a choice of ours.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import socket
import ssl
import urllib.request
from collections import deque
from collections.abc import Iterable
from typing import Any

import httpcore2
import httpx2

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
SEND_NOW = 64 * 1024
"""Queued bytes past which a write goes out without waiting for the read (big uploads stream)."""


class _Protocol(asyncio.Protocol):
    """Received bytes, end of stream and write back-pressure of one connection."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.eof = False
        self.error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._paused: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close our side too: HTTP/1.1 has no use for a half-open connection

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        if self._paused is not None and not self._paused.done():
            self._paused.set_result(None)

    def pause_writing(self) -> None:
        if self._paused is None or self._paused.done():
            self._paused = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._paused is not None and not self._paused.done():
            self._paused.set_result(None)

    async def wait_readable(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            await waiter
        finally:
            self._waiter = None

    async def drained(self) -> None:
        if self._paused is not None and not self._paused.done():
            await asyncio.shield(self._paused)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class AsyncioStream(httpcore2.AsyncNetworkStream):
    """One connection (plain or TLS) over an asyncio transport."""

    def __init__(self, transport: asyncio.Transport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self._queued: list[bytes] = []
        self._queued_size = 0

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        await self._send_queued(timeout, httpcore2.ReadError, httpcore2.ReadTimeout)
        protocol = self._protocol
        if not protocol.chunks and not protocol.eof:
            try:
                async with asyncio.timeout(timeout):
                    while not protocol.chunks and not protocol.eof:
                        await protocol.wait_readable()
            except TimeoutError:
                raise httpcore2.ReadTimeout("timed out waiting for the answer") from None
        if protocol.chunks:
            chunk = protocol.chunks.popleft()
            if len(chunk) > max_bytes:
                protocol.chunks.appendleft(chunk[max_bytes:])
                chunk = chunk[:max_bytes]
            return chunk
        if protocol.error is not None:
            raise httpcore2.ReadError(str(protocol.error) or protocol.error.__class__.__name__)
        return b""  # the peer closed: end of stream

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._protocol.eof and self._protocol.error is not None:
            raise httpcore2.WriteError(str(self._protocol.error) or "the connection is closed")
        self._queued.append(buffer)
        self._queued_size += len(buffer)
        if self._queued_size >= SEND_NOW:
            await self._send_queued(timeout, httpcore2.WriteError, httpcore2.WriteTimeout)

    async def _send_queued(self, timeout: float | None, error: type[Exception], timed_out: type[Exception]) -> None:
        if not self._queued:
            return
        data = self._queued[0] if len(self._queued) == 1 else b"".join(self._queued)
        self._queued.clear()
        self._queued_size = 0
        if self._transport.is_closing():
            raise error("the connection is closed")
        try:
            self._transport.write(data)
        except (OSError, RuntimeError) as exc:
            raise error(str(exc)) from None
        try:
            async with asyncio.timeout(timeout):
                await self._protocol.drained()
        except TimeoutError:
            raise timed_out("timed out sending the request") from None

    async def aclose(self) -> None:
        self._queued.clear()
        self._transport.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                await self._send_queued(timeout, httpcore2.ConnectError, httpcore2.ConnectTimeout)
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.close()
            raise httpcore2.ConnectTimeout("timed out in the TLS handshake") from None
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            self._transport.close()
            raise httpcore2.ConnectError(str(exc)) from None
        if transport is None:
            raise httpcore2.ConnectError("the TLS handshake did not complete")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return bool(self._protocol.chunks) or self._protocol.eof
        if info == "ssl_object":
            return self._transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info == "socket":
            return self._transport.get_extra_info("socket")
        return None


class AsyncioBackend(httpcore2.AsyncNetworkBackend):
    """Opens `AsyncioStream`s (see the module's text)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Protocol, host, port, local_addr=(local_address, 0) if local_address else None
                )
        except TimeoutError:
            raise httpcore2.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from None
        return _opened(transport, protocol, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> httpcore2.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_unix_connection(_Protocol, path)
        except TimeoutError:
            raise httpcore2.ConnectTimeout(f"timed out connecting to {path}") from None
        except OSError as exc:
            raise httpcore2.ConnectError(str(exc)) from None
        return _opened(transport, protocol, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _opened(
    transport: asyncio.BaseTransport, protocol: _Protocol, socket_options: Iterable[SocketOption] | None
) -> AsyncioStream:
    assert isinstance(transport, asyncio.Transport)
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        for option in socket_options or ():
            sock.setsockopt(*option)
    return AsyncioStream(transport, protocol)


def transport(*, verify: ssl.SSLContext | bool = True) -> httpx2.AsyncHTTPTransport | None:
    """httpx2's HTTP transport over `AsyncioBackend`; None when a proxy is configured (see the module).

    `verify` is httpx2's: True checks certificates against the system's (or SSL_CERT_FILE's) roots.
    """
    if any(urllib.request.getproxies().get(scheme) for scheme in ("http", "https", "all")):
        return None
    made = httpx2.AsyncHTTPTransport(verify=verify)
    pool = getattr(made, "_pool", None)
    # httpx2 keeps its httpcore2 pool private; should that change, its own backend serves.
    if isinstance(pool, httpcore2.AsyncConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = AsyncioBackend()
    return made


def uses_asyncio_backend(made: httpx2.AsyncBaseTransport | None) -> bool:
    """Whether `made` sends through `AsyncioBackend` (a test guards the hook above against upgrades)."""
    pool = getattr(made, "_pool", None)
    return isinstance(getattr(pool, "_network_backend", None), AsyncioBackend)
