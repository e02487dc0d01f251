"""The ASGI app: the /api contract, the /_sim control API, the linking pages and uploaded files.

Built from a Platform alone (`build_app`), so a server, a test or a TCP fault front can
wrap it. The access log is ours: one DEBUG line per request with method, path (never the query
string, which carries device codes and refresh tokens) and status.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from loguru import logger
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.catalogue import category_to_api
from agent.domain import Category
from agent.simulator import api, control, pages, seller_api
from agent.simulator.crowd import Crowd, run_crowd
from agent.simulator.faults import Switchboard, contract_routes
from agent.simulator.inject import FaultInjector
from agent.simulator.persist import Saver, Store, TouchOnChange
from agent.simulator.ratelimit import RateLimiter
from agent.simulator.state import Platform
from agent.simulator.wire import dumps, error


@dataclass(frozen=True, slots=True)
class CatalogueView:
    """The category tree in the API's shape, computed once: pages are slices of these lists.

    `full_json`/`bare_json` hold each category's JSON, encoded once: a page of the live-scale tree
    (up to 10,000 categories with their parameters) is then a join of bytes, not a fresh encoding.
    """

    full: list[dict[str, object]]
    bare: list[dict[str, Any]]
    by_id: dict[int, dict[str, Any]]
    children: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    full_json: list[bytes] = field(default_factory=list)
    bare_json: list[bytes] = field(default_factory=list)

    @classmethod
    def of(cls, categories: Sequence[Category]) -> CatalogueView:
        full = [category_to_api(c) for c in categories]
        bare = [{k: v for k, v in c.items() if k != "fields"} for c in full]
        children: dict[int, list[dict[str, Any]]] = {}
        for item in bare:
            children.setdefault(cast(int, item.get("parentId", 0)), []).append(item)
        return cls(full, bare, {cast(int, c["id"]): c for c in full}, children,
                   [dumps(c) for c in full], [dumps(c) for c in bare])


class AccessLog:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware): logs method, path and status at DEBUG."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, sending)
        logger.debug("simulator {} {} {}", scope["method"], scope["path"], status)


async def _file(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    stored = platform.files.get(request.url.path)
    if stored is None:
        return Response(status_code=404)
    return Response(stored.content, media_type=stored.content_type)


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    if code == 404:
        return error(404, "resourceNotFound", "no such path", "Nie znaleziono zasobu.")
    if code == 405:
        return error(405, "methodNotAllowed", "method not allowed here", "Niedozwolona metoda.")
    return error(code, "error", "request failed", "Wystąpił błąd.")


async def _server_error(request: Request, exc: Exception) -> Response:
    logger.exception("simulator: {} {} failed", request.method, request.url.path)
    return error(500, "internalError", "the simulator failed", "Wewnętrzny błąd serwera.")


def build_app(platform: Platform, *, store: Store | None = None) -> Starlette:
    """The simulator's ASGI app over `platform`; with a `store`, every change is saved into it."""
    crowd = Crowd(platform)
    saver = Saver(store, platform) if store is not None else None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tasks = []
        if platform.settings.orders_per_minute > 0:
            tasks.append(asyncio.create_task(run_crowd(crowd, saver.touch if saver else None)))
        if saver is not None:
            tasks.append(asyncio.create_task(saver.run()))
            saver.touch()  # a new file gets the seeded accounts at once
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if saver is not None:
                saver.final()

    routes = api.ROUTES + seller_api.ROUTES
    app = Starlette(
        routes=[
            Mount("/api", routes=routes),
            Mount("/_sim", routes=control.ROUTES),
            Route("/login", pages.login_page, methods=["GET"]),
            Route("/login", pages.login_submit, methods=["POST"]),
            Route("/consent", pages.consent_page, methods=["GET"]),
            Route("/consent", pages.consent_submit, methods=["POST"]),
            Route("/d/{user_code}", pages.pretty_link, methods=["GET"]),
            Route("/files/{account:int}/{name}", _file, methods=["GET"]),
        ],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    switchboard = Switchboard(
        contract_routes((m, r.path) for r in routes if isinstance(r, Route) for m in r.methods or () if m != "HEAD"),
        seed=platform.settings.seed, transport=platform.settings.front,
    )
    app.state.platform = platform
    app.state.limiter = RateLimiter(platform.settings.requests_per_minute, platform.clock)
    app.state.catalogue = CatalogueView.of(platform.categories)
    app.state.faults = switchboard
    app.state.crowd = crowd
    # Outermost last: the access log sees what the client sees; faults come before the routes.
    app.add_middleware(FaultInjector, platform=platform, switchboard=switchboard)
    if saver is not None:
        app.add_middleware(TouchOnChange, saver=saver)
    app.add_middleware(AccessLog)
    return app
