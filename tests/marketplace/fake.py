"""An in-memory wszystko.pl for unit tests, served through httpx2.MockTransport (a fake, not a mock).

It keeps real state (accounts' tokens with rotation and a grace period, offers, orders) and lets a
test queue faults per route: resets, cut bodies, malformed JSON, 5xx, 429 with Retry-After, slow
dripping bodies, and "applied but answer lost".
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx2

UTC_TIME = "2026-11-27T12:00:00+00:00"


@dataclass
class Grant:
    access: str
    refresh: str
    access_expires: float
    refresh_expires: float
    integration_id: str
    account: str
    used_at: float | None = None
    successor: dict[str, Any] | None = None


@dataclass
class Fault:
    kind: str  # reset | cut | malformed | status | lost | drip | connect | hold
    status: int = 500
    retry_after: str | None = None
    until: asyncio.Event | None = None
    """For "hold": the request waits until this is set, then is answered `status`."""
    reached: asyncio.Event | None = None
    """For "hold": set when the request arrives."""


@dataclass
class FakeMarketplace:
    token_ttl: int = 3600
    refresh_grace: float = 60.0
    account: str = "sklep-ogrodnik"
    grants: dict[str, Grant] = field(default_factory=dict)
    access: dict[str, Grant] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    offers: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    requests: list[tuple[str, str, float]] = field(default_factory=list)
    refreshes: int = 0
    invalid_grants: int = 0
    categories: int = 2_500  # more than two pages of the client's 1,000
    device: dict[str, str] = field(default_factory=dict)  # device code -> pending|allow|deny|expired|slow
    bulk_calls: list[dict[str, Any]] = field(default_factory=list)
    status_calls: list[dict[str, Any]] = field(default_factory=list)
    next_offer: int = 1000
    canned: dict[str, Any] = field(default_factory=dict)
    """"METHOD /path" -> a JSON body answered with 200 as it is (live-shaped answers)."""
    headers_seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    queries_seen: list[tuple[str, str]] = field(default_factory=list)

    # --- set-up -------------------------------------------------------------------------------

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handle)

    def issue(self, account: str | None = None, integration_id: str | None = None) -> dict[str, Any]:
        now = time.time()
        grant = Grant(
            access="at-" + secrets.token_hex(12),
            refresh="rt-" + secrets.token_hex(12),
            access_expires=now + self.token_ttl,
            refresh_expires=now + 30 * 86400,
            integration_id=integration_id or "int-" + secrets.token_hex(4),
            account=account or self.account,
        )
        self.grants[grant.refresh] = grant
        self.access[grant.access] = grant
        return self._pair(grant)

    def _pair(self, grant: Grant) -> dict[str, Any]:
        return {
            "accessToken": grant.access,
            "expiresIn": max(0, int(grant.access_expires - time.time())),
            "refreshToken": grant.refresh,
            "refreshExpiresIn": 30 * 86400,
            "tokenType": "Bearer",
            "integrationId": grant.integration_id,
        }

    def expire_access(self) -> None:
        for grant in self.access.values():
            grant.access_expires = 0

    def fail(self, route: str, *faults: Fault) -> None:
        self.faults[route].extend(faults)

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p, _ in self.requests if m == method and p == path)

    # --- the server ---------------------------------------------------------------------------

    async def handle(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path.removeprefix("/api")
        self.requests.append((request.method, path, time.monotonic()))
        await asyncio.sleep(0.001)  # let concurrent requests overlap, as on a real network
        queue = self.faults.get(f"{request.method} {path}")
        fault = queue.popleft() if queue else None
        if fault is not None and fault.kind != "lost":
            return await self._fault(fault, request)
        response = self._route(request, path)
        if fault is not None:  # "lost": applied, then the connection dies before the answer
            raise httpx2.ReadError("connection reset by peer", request=request)
        return response

    async def _fault(self, fault: Fault, request: httpx2.Request) -> httpx2.Response:
        if fault.kind == "reset":
            raise httpx2.ReadError("connection reset by peer", request=request)
        if fault.kind == "connect":
            raise httpx2.ConnectError("connection refused", request=request)
        if fault.kind == "cut":
            raise httpx2.RemoteProtocolError("peer closed connection without sending complete message body")
        if fault.kind == "malformed":
            return httpx2.Response(200, text='{"offers": [ {"id": 1, "title": ')
        if fault.kind == "drip":

            async def drip() -> AsyncIterator[bytes]:
                for _ in range(1000):
                    await asyncio.sleep(0.05)
                    yield b" "

            return httpx2.Response(200, content=drip())
        if fault.kind == "hold" and fault.until is not None:
            if fault.reached is not None:
                fault.reached.set()
            await fault.until.wait()
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        return httpx2.Response(fault.status, json={"errors": [{"code": "x", "message": "fault"}]}, headers=headers)

    def _grant(self, request: httpx2.Request) -> Grant | None:
        auth = request.headers.get("authorization", "")
        grant = self.access.get(auth.removeprefix("Bearer "))
        if grant is None or grant.access_expires <= time.time() or grant.integration_id in self.revoked:
            return None
        return grant

    def _route(self, request: httpx2.Request, path: str) -> httpx2.Response:
        method = request.method
        self.headers_seen.append((f"{method} {path}", dict(request.headers)))
        self.queries_seen.append((f"{method} {path}", request.url.query.decode()))
        if f"{method} {path}" in self.canned:
            return httpx2.Response(200, json=self.canned[f"{method} {path}"])
        if path == "/integration/register":
            code = "dc-" + secrets.token_hex(10)
            self.device[code] = "pending"
            return httpx2.Response(
                200,
                json={
                    "deviceCode": code,
                    "verificationUriComplete": f"http://127.0.0.1/connect?code={code}",
                    "verificationUriPrettyComplete": f"http://127.0.0.1/connect?code={code}",
                    "expiresIn": 600,
                    "interval": 5,
                },
            )
        if path == "/integration/token" and method == "GET":
            return self._poll(request.url.params.get("deviceCode", ""))
        if path == "/integration/token" and method == "POST":
            return self._refresh(request.url.params.get("refreshToken", ""))
        grant = self._grant(request)
        if grant is None:
            return httpx2.Response(401, json={"errors": [{"code": "unauthorized", "message": "no"}]})
        return self._seller(request, path, grant)

    def _poll(self, code: str) -> httpx2.Response:
        state = self.device.get(code)
        if state is None or state == "expired":
            return httpx2.Response(400, json={"error": "expired_token"})
        if state == "deny":
            return httpx2.Response(400, json={"error": "access_denied"})
        if state == "slow":
            self.device[code] = "pending"
            return httpx2.Response(400, json={"error": "slow_down"})
        if state == "allow":
            self.device[code] = "expired"
            return httpx2.Response(200, json=self.issue())
        return httpx2.Response(400, json={"error": "authorization_pending"})

    def _refresh(self, token: str) -> httpx2.Response:
        self.refreshes += 1
        grant = self.grants.get(token)
        now = time.time()
        bad = grant is None or grant.integration_id in self.revoked or grant.refresh_expires <= now
        if grant is not None and grant.used_at is not None and now - grant.used_at > self.refresh_grace:
            bad = True
        if bad or grant is None:
            self.invalid_grants += 1
            return httpx2.Response(400, json={"error": "invalid_grant"})
        if grant.successor is None:
            grant.used_at = now
            grant.successor = self.issue(grant.account, grant.integration_id)
            self.access.pop(grant.access, None)
        return httpx2.Response(200, json=grant.successor)

    def _seller(self, request: httpx2.Request, path: str, grant: Grant) -> httpx2.Response:
        method = request.method
        if path == "/me/integrations" and method == "GET":
            live = {g.integration_id for g in self.grants.values()} - self.revoked
            return httpx2.Response(
                200,
                json=[
                    {"id": i, "userName": grant.account, "start": UTC_TIME, "lastAccess": UTC_TIME}
                    for i in sorted(live)
                ],
            )
        if path.startswith("/me/integrations/") and method == "DELETE":
            self.revoked.add(path.rsplit("/", 1)[1])
            return httpx2.Response(204)
        if path == "/categories":
            page = int(request.url.params.get("page", "1"))
            size = int(request.url.params.get("pageSize", "100"))
            ids = range((page - 1) * size + 1, min(self.categories, page * size) + 1)
            pages = -(-self.categories // size)
            cats = [{"id": i, "name": f"K{i}", "parentId": 0, "hasSubcategories": False} for i in ids]
            return httpx2.Response(200, json={"categories": cats, "numberOfPages": pages})
        if path == "/me/offers" and method == "GET":
            ext = request.url.params.get("externalId")
            found = [o for o in self.offers.values() if ext is None or o.get("externalId") == ext]
            page = int(request.url.params.get("page", "1"))
            size = int(request.url.params.get("pageSize", "100"))
            return httpx2.Response(
                200, json={"offers": found[(page - 1) * size : page * size], "totalElements": len(found)}
            )
        if path == "/me/offers" and method == "POST":
            body = json.loads(request.content)
            if any(o.get("externalId") == body.get("externalId") for o in self.offers.values()):
                return httpx2.Response(409, json={"errors": [{"code": "duplicate", "message": "exists"}]})
            self.next_offer += 1
            offer = {**body, "id": self.next_offer, "status": "active", "creationDate": UTC_TIME,
                     "modificationDate": UTC_TIME}
            self.offers[offer["id"]] = offer
            return httpx2.Response(200, content=json.dumps(offer).encode())
        if path.startswith("/me/offers/"):
            offer_id = int(path.rsplit("/", 1)[1])
            if offer_id not in self.offers:
                return httpx2.Response(404, json={"errors": [{"code": "notFound", "message": "no"}]})
            if method == "PUT":
                self.offers[offer_id].update(json.loads(request.content))
            return httpx2.Response(200, json=self.offers[offer_id])
        if path == "/me/update-offers":
            body = json.loads(request.content)
            self.bulk_calls.append(body)
            missing = [i for i in body["id"] if i not in self.offers]
            return httpx2.Response(200, json=[{"id": i, "code": "resourceNotFound"} for i in missing])
        if path == "/me/sales/updateStatus":
            self.status_calls.append(json.loads(request.content))
            return httpx2.Response(204)
        return httpx2.Response(404, json={"errors": [{"code": "notFound", "message": path}]})
