"""The TCP front on its own, before a scripted upstream on loopback: every framing an answer can have
(length, chunked in awkward pieces, up to the close, no body) arrives whole over one keep-alive
connection, and the marks are stripped and acted on."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx2
import pytest

from agent.simulator.front import start_front

CHUNKED = [b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n",
           b"5\r\nhel", b"lo\r\n", b"6;ext=1\r\n wor", b"ld\r\n0\r\n", b"\r\n"]
SIZED = [b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n", b"\r\nhello", b" world"]
EMPTY = [b"HTTP/1.1 204 No Content\r\n\r\n"]
MARKED_HEAD = [b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\nx-sim-front: head\r\n\r\n"]
UNTIL_CLOSE = [b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nto the end", b" of it"]
CUT = [b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\nx-sim-front: cut\r\n\r\nhello world"]
SCRIPTS = {"/chunked": CHUNKED, "/sized": SIZED, "/empty": EMPTY, "/head": MARKED_HEAD, "/close": UNTIL_CLOSE,
           "/cut": CUT}


async def _upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ")[1].decode()
            for piece in SCRIPTS[path]:
                writer.write(piece)
                await writer.drain()
                await asyncio.sleep(0.01)  # separate segments: the front must join them itself
            if path == "/close":
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@pytest.fixture
async def front_url() -> AsyncIterator[str]:
    upstream = await asyncio.start_server(_upstream, "127.0.0.1", 0)
    inner = upstream.sockets[0].getsockname()[:2]
    public = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    public.bind(("127.0.0.1", 0))
    public.listen(16)
    public.setblocking(False)
    front = await start_front(public, inner)
    host, port = public.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        front.close()
        upstream.close()


async def test_every_framing_arrives_whole_on_one_connection(front_url: str) -> None:
    limits = httpx2.Limits(max_connections=1)
    async with httpx2.AsyncClient(base_url=front_url, limits=limits, timeout=5.0) as client:
        for _ in range(3):
            assert (await client.get("/chunked")).text == "hello world"
            assert (await client.get("/sized")).text == "hello world"
            assert (await client.get("/empty")).status_code == 204
            marked = await client.head("/head")
            assert marked.status_code == 200 and "x-sim-front" not in marked.headers
        answer = await client.get("/close")
        assert answer.text == "to the end of it"


async def test_a_cut_mark_is_stripped_and_the_answer_cut(front_url: str) -> None:
    async with httpx2.AsyncClient(base_url=front_url, timeout=5.0) as client:
        with pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
            await client.get("/cut")
        assert (await client.get("/sized")).text == "hello world"
