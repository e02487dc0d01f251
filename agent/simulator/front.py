"""The TCP front: the simulator's public socket, relaying every connection to uvicorn's inner one,
and the place where transport faults happen.

Requests go through untouched. Answers are framed (head, then a Content-Length body, a chunked body,
or a body up to the close) so the front can spot the `x-sim-front` header the fault middleware
(inject.py) puts on an answer, strip it, and then:

    reset, lost   reset the client's connection (SO_LINGER 0, so an RST) and forward nothing
    cut           forward the head and half the body (or half the head when there is no body), then close
    drip <s>      forward the head, then the body in 20 pieces spread over s seconds, then close
    head          (not a fault) the answer to a HEAD request: its Content-Length has no body behind it

Every connection that met a fault is closed afterwards, so a fault never has to be framed past.
Protocols and a bytearray, not streams: this is on every request's path and must stay cheap.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import Final

from loguru import logger

_MARKER: Final = b"\r\nx-sim-front: "
_MAX_HEAD: Final = 64 * 1024
_DRIP_PIECES: Final = 20
_HEAD, _BODY, _CHUNK_SIZE, _CHUNK_DATA, _TRAILER, _UNTIL_CLOSE, _HOLD, _DEAD = range(8)


def _content_length(lowered: bytes) -> int | None:
    at = lowered.find(b"\r\ncontent-length:")
    if at < 0:
        return None
    end = lowered.find(b"\r\n", at + 2)
    return int(lowered[at + 17 : end].strip())


def _strip_marker(head: bytes) -> tuple[bytes, str | None]:
    at = head.find(_MARKER)
    if at < 0:
        return head, None
    end = head.find(b"\r\n", at + 2)
    return head[:at] + head[end:], head[at + len(_MARKER) : end].decode("latin-1")


def _reset(transport: asyncio.BaseTransport) -> None:
    """Close with an RST rather than a FIN: what a crashed server or a broken middlebox does."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()  # type: ignore[attr-defined]


class _Upstream(asyncio.Protocol):
    """The inner connection to uvicorn: frames its answers and writes them to the client."""

    def __init__(self, client: _Client) -> None:
        self.client = client
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.state = _HEAD
        self.remaining = 0
        self.fault: str | None = None
        self.held_body = bytearray()
        self.fault_head = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        # The common case, one whole plain answer with a length, goes straight through in one write.
        if self.state == _HEAD and not self.buffer and self._whole_answer(data):
            return
        # The next most common, a body piece of a plain answer, goes straight through too.
        if self.state == _BODY and not self.buffer and len(data) <= self.remaining:
            self.client.write(data)
            self.remaining -= len(data)
            if self.remaining == 0:
                self.state = _HEAD
            return
        if self.state == _DEAD:
            return
        self.buffer += data
        self._pump()

    def _whole_answer(self, data: bytes) -> bool:
        """Forward `data` as is when it is exactly one unmarked answer with a Content-Length."""
        end = data.find(b"\r\n\r\n")
        if end < 0 or data.find(_MARKER, 0, end) >= 0:
            return False
        length = _content_length(data[: end + 2].lower())
        if length is None or len(data) != end + 4 + length or data.startswith(b"HTTP/1.1 1", 0):
            return False
        self.client.write(data)
        return True

    def _pump(self) -> None:
        buffer = self.buffer
        while buffer and self.state != _DEAD:
            if self.state == _HEAD:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > _MAX_HEAD:
                        self._die()
                    return
                head = bytes(buffer[: end + 4])
                del buffer[: end + 4]
                self._head(head)
            elif self.state in (_BODY, _CHUNK_DATA, _HOLD):
                n = min(self.remaining, len(buffer))
                if self.state == _HOLD:
                    self.held_body += buffer[:n]  # the body of a faulted answer, kept whole
                else:
                    self.client.write(bytes(buffer[:n]))
                del buffer[:n]
                self.remaining -= n
                if self.remaining == 0:
                    if self.state == _HOLD:
                        self._act()
                        return
                    self.state = _HEAD if self.state == _BODY else _CHUNK_SIZE
            elif self.state in (_CHUNK_SIZE, _TRAILER):
                end = buffer.find(b"\r\n")
                if end < 0:
                    return
                line = bytes(buffer[: end + 2])
                del buffer[: end + 2]
                self.client.write(line)
                if self.state == _TRAILER:
                    if line == b"\r\n":
                        self.state = _HEAD
                    continue
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    self.state = _TRAILER
                else:
                    self.state, self.remaining = _CHUNK_DATA, size + 2
            else:  # _UNTIL_CLOSE
                self.client.write(bytes(buffer))
                buffer.clear()

    def _head(self, head: bytes) -> None:
        head, self.fault = _strip_marker(head)
        status = int(head[9:12])
        lowered = head.lower()
        length = _content_length(lowered)
        no_body = self.fault == "head" or status < 200 or status in (204, 304)
        if self.fault == "head":
            self.fault = None
        if self.fault is not None:
            # Keep the whole answer back (the app always gives faulted answers a length), then act.
            self.fault_head = head
            self.state, self.remaining = _HOLD, 0 if no_body else (length or 0)
            if self.remaining == 0:
                self._act()
            return
        self.client.write(head)
        if no_body:
            return
        if b"\r\ntransfer-encoding:" in lowered and b"chunked" in lowered:
            self.state = _CHUNK_SIZE
        elif length is not None:
            if length:
                self.state, self.remaining = _BODY, length
        else:
            self.state = _UNTIL_CLOSE

    def _act(self) -> None:
        kind, head, body = self.fault or "", self.fault_head, bytes(self.held_body)
        self.state = _DEAD
        self.buffer.clear()
        client = self.client.transport
        if self.transport is not None:
            self.transport.close()
        if client is None:
            return
        if kind in ("reset", "lost"):
            _reset(client)
        elif kind == "cut":
            client.write(head + body[: len(body) // 2] if body else head[: len(head) // 2])
            client.close()
        elif kind.startswith("drip"):
            seconds = float(kind.split()[1]) if " " in kind else 2.0
            client.write(head)
            _drip(client, body, seconds)
        else:
            logger.warning("simulator front: unknown mark {!r}; resetting", kind)
            _reset(client)

    def _die(self) -> None:
        self.state = _DEAD
        if self.transport is not None:
            self.transport.abort()
        if self.client.transport is not None:
            _reset(self.client.transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.state != _DEAD and self.client.transport is not None:
            self.client.transport.close()

    def pause_writing(self) -> None:
        if self.client.transport is not None:
            self.client.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.client.transport is not None:
            self.client.transport.resume_reading()


def _drip(client: asyncio.Transport, body: bytes, seconds: float) -> None:
    pieces = max(1, min(_DRIP_PIECES, len(body)))
    size = -(-len(body) // pieces) if body else 0
    gap = seconds / pieces
    loop = asyncio.get_running_loop()

    def send(index: int) -> None:
        if client.is_closing():
            return
        client.write(body[index * size : (index + 1) * size])
        if index + 1 < pieces:
            loop.call_later(gap, send, index + 1)
        else:
            client.close()

    loop.call_later(gap, send, 0)


class _Client(asyncio.Protocol):
    """One client connection; opens its own upstream connection and relays the request bytes to it."""

    def __init__(self, inner: tuple[str, int]) -> None:
        self.inner = inner
        self.transport: asyncio.Transport | None = None
        self.upstream: _Upstream | None = None
        self.pending: list[bytes] = []
        self.eof = False
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            _, upstream = await loop.create_connection(lambda: _Upstream(self), *self.inner)
        except OSError as exc:
            logger.warning("simulator front: the app's socket refused a connection: {}", exc)
            if self.transport is not None:
                _reset(self.transport)
            return
        if self.closed:
            assert upstream.transport is not None
            upstream.transport.close()
            return
        self.upstream = upstream
        assert upstream.transport is not None
        for chunk in self.pending:
            upstream.transport.write(chunk)
        self.pending.clear()
        if self.eof and upstream.transport.can_write_eof():
            upstream.transport.write_eof()

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        upstream = self.upstream
        if upstream is None or upstream.transport is None:
            self.pending.append(data)
        elif upstream.state != _DEAD:
            upstream.transport.write(data)

    def eof_received(self) -> bool:
        self.eof = True
        upstream = self.upstream
        if upstream is not None and upstream.transport is not None and upstream.transport.can_write_eof():
            upstream.transport.write_eof()
        return True  # half-close: the answer may still come back

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.upstream is not None and self.upstream.transport is not None:
            self.upstream.transport.close()

    def pause_writing(self) -> None:
        if self.upstream is not None and self.upstream.transport is not None:
            self.upstream.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.upstream is not None and self.upstream.transport is not None:
            self.upstream.transport.resume_reading()


async def start_front(public: socket.socket, inner: tuple[str, int]) -> asyncio.Server:
    """Serve `public` (already bound and listening), relaying each connection to `inner`."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Client(inner), sock=public, backlog=2048)
