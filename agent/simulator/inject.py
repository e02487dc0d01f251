"""The ASGI side of faults: a middleware before the /api routes that asks the switchboard about
each request and makes the faults an app can make (latency, status, malformed, partial, revoke).

Transport faults (reset, cut, drip, lost) cannot be made from inside an ASGI app: uvicorn turns an
exception into a 500. So this middleware marks the answer with the internal header `x-sim-front`
(`reset`, `cut`, `lost` or `drip <seconds>`), and the TCP front (front.py) strips it and does the
damage on the wire. A `reset` is marked without running the app, so nothing is applied; the other
three run it first. The front also needs to know which answers have no body although they say a
length: HEAD answers are marked `head`.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.simulator import auth
from agent.simulator.faults import Hit, Kind, Switchboard
from agent.simulator.state import Platform
from agent.simulator.wire import dumps

FRONT_HEADER = b"x-sim-front"
PARTIAL_KEY = "sim_partial"
"""request.state key under which update-offers finds that a partial fault hit it."""


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            text = value.decode("latin-1")
            return text[7:].strip() if text[:7].lower() == "bearer " else None
    return None


def _error_body(status: int) -> bytes:
    return dumps({"errors": [{"code": "simulatedFault", "message": f"fault injected by the simulator: {status}",
                              "userMessage": "Serwis chwilowo niedostępny. Spróbuj ponownie później."}]})


class FaultInjector:
    """Pure ASGI middleware over the whole app; only /api requests are ever hit."""

    def __init__(self, app: ASGIApp, platform: Platform, switchboard: Switchboard) -> None:
        self.app = app
        self.platform = platform
        self.switchboard = switchboard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "HEAD":  # never faulted: the front must frame it, and nobody syncs with HEAD
            await self.app(scope, receive, _marking(send, b"head"))
            return
        path: str = scope["path"]
        if not self.switchboard or not path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        hit = self.switchboard.pick(scope["method"], path[4:], lambda kind: self._applies(kind, scope))
        await self._run(hit, scope, receive, send)

    def _applies(self, kind: Kind, scope: Scope) -> bool:
        if kind == "partial":
            return bool(scope["method"] == "POST" and scope["path"] == "/api/me/update-offers")
        if kind == "revoke":
            token = _bearer(scope)
            return token is not None and token in self.platform.access_tokens
        return True

    async def _run(self, hit: Hit, scope: Scope, receive: Receive, send: Send) -> None:
        if hit.latency > 0:
            await asyncio.sleep(hit.latency)
        fault = hit.fault
        if fault is None:
            await self.app(scope, receive, send)
        elif fault.kind == "status":
            headers = [(b"content-type", b"application/json")]
            if fault.status in (429, 503):
                headers.append((b"retry-after", str(fault.retry_after).encode()))
            await _answer(send, fault.status, _error_body(fault.status), headers)
        elif fault.kind == "reset":
            # Not even the app runs: a reset before the request is read applies nothing.
            await _answer(send, 503, b"", [(FRONT_HEADER, b"reset")])
        elif fault.kind in ("cut", "lost"):
            await self.app(scope, receive, _marking(send, fault.kind.encode()))
        elif fault.kind == "drip":
            await self.app(scope, receive, _marking(send, f"drip {fault.seconds}".encode()))
        elif fault.kind == "malformed":
            await self.app(scope, receive, _malforming(send))
        elif fault.kind == "partial":
            scope.setdefault("state", {})[PARTIAL_KEY] = True
            await self.app(scope, receive, send)
        else:  # revoke
            token = self.platform.access_tokens.get(_bearer(scope) or "")
            if token is not None:
                auth.end_integration(self.platform, token.integration_id)
            await self.app(scope, receive, send)


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _marking(send: Send, value: bytes) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), (FRONT_HEADER, value)]}
        await send(message)

    return sending


def _malforming(send: Send) -> Send:
    """Hold the answer back, then send it with a body that is no longer JSON (same status)."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def sending(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(chunks)
        broken = body[: len(body) // 2] + b'\x00{"unterminated": [' if body else b'{"errors": ['
        headers = [(k, v) for k, v in start.get("headers", ()) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(broken)).encode()))
        # A 204 cannot carry a body at all: the broken answer comes as a 200.
        status = 200 if start["status"] == 204 else start["status"]
        await send({**start, "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": broken})

    return sending
