"""Running the simulator: uvicorn in a daemon thread (tests, demo) or in the foreground (the command).

    with run_simulator_in_thread(SimulatorSettings(port=0)) as sim:
        httpx2.get(sim.base_url + "/integration/register")

The listening socket is bound here, before uvicorn starts, so port 0 resolves to a real port that
`root_url` names. With `settings.front` (the default) that public socket belongs to the TCP front
(front.py, where transport faults happen) and uvicorn listens on an inner loopback port of its own;
both run on one event loop. With `settings.state_file` the platform is loaded from and saved into
that SQLite file (persist.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import cast

import uvicorn
from starlette.applications import Starlette

from agent.domain import Category
from agent.simulator.app import build_app
from agent.simulator.faults import Switchboard
from agent.simulator.front import start_front
from agent.simulator.model import Account
from agent.simulator.persist import Store
from agent.simulator.settings import Clock, SimulatorSettings
from agent.simulator.state import Platform

__all__ = ["RunningSimulator", "SimulatorSettings", "build_platform", "run_simulator_in_thread", "serve"]


def build_platform(settings: SimulatorSettings, categories: Iterable[Category] | None = None,
                   clock: Clock | None = None, *, store: Store | None = None) -> Platform:
    """A platform with the shipped catalogue (unless given) and the seeded seller accounts, or,
    when `store` holds a saved platform, that platform as it was."""
    if categories is None:
        from agent.catalogue import load_categories

        categories = load_categories()
    platform = Platform(settings, categories, clock)
    if store is not None and store.load(platform):
        return platform
    for number in range(1, settings.seed_accounts + 1):
        # Passwords from the seeded generator: the same seed prints the same credentials.
        password = f"haslo-{platform.rng.randrange(16**6):06x}"
        platform.create_account(email=f"sprzedawca{number}@example.pl", password=password,
                                name=f"Sklep Testowy {number}")
    return platform


def _bind(host: str, port: int) -> socket.socket:
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on sockets that say so, and without it
    # a response's header and body segments wait out the client's delayed ACK (40 ms per request).
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _uvicorn(platform: Platform, store: Store | None = None) -> uvicorn.Server:
    config = uvicorn.Config(
        build_app(platform, store=store),
        # Our own access log (app.AccessLog) never shows query strings; uvicorn's would.
        access_log=False,
        log_config=None,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,
        # uvicorn closes a connection idle for 5 s by default; a client that reuses it just then
        # reads "server disconnected" (seen on a loaded CI machine between two large pages). Web
        # front ends such as nginx keep an idle connection for 75 s; so does the simulator.
        timeout_keep_alive=75,
    )
    return uvicorn.Server(config)


def _inner_socket(settings: SimulatorSettings) -> socket.socket | None:
    """uvicorn's own socket behind the front (None: no front, uvicorn serves the public socket)."""
    return _bind("127.0.0.1", 0) if settings.front else None


async def _serve_all(server: uvicorn.Server, public: socket.socket, inner: socket.socket | None) -> None:
    if inner is None:
        await server.serve(sockets=[public])
        return
    front = await start_front(public, inner.getsockname()[:2])
    try:
        await server.serve(sockets=[inner])
    finally:
        front.close()


def _open_store(settings: SimulatorSettings) -> Store | None:
    return Store(Path(settings.state_file).expanduser().resolve()) if settings.state_file else None


class RunningSimulator:
    """A simulator serving in a background thread; `stop()` (or leaving the context) ends it."""

    def __init__(self, platform: Platform, server: uvicorn.Server, sock: socket.socket,
                 inner: socket.socket | None = None, store: Store | None = None) -> None:
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        self.root_url = f"http://{shown}:{port}"
        self.base_url = self.root_url + "/api"
        self.platform = platform
        """The live state; tests may read it, and move `platform.clock` forward instead of sleeping."""
        self.faults: Switchboard = cast(Starlette, server.config.app).state.faults
        """The fault switchboard (the same one `/_sim/faults` drives); use it from the loop's thread only."""
        self._server = server
        self._sock = sock
        self._inner = inner
        self._store = store
        self._thread = threading.Thread(target=self._run, name="marketsync-simulator", daemon=True)

    @property
    def accounts(self) -> list[Account]:
        return [d.account for d in self.platform.accounts.values()]

    def _run(self) -> None:
        asyncio.run(_serve_all(self._server, self._sock, self._inner))

    def _start(self) -> None:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the simulator failed to start")
            self._thread.join(0.01)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()
        if self._inner is not None:
            self._inner.close()
        if self._store is not None:
            self._store.close()


@contextlib.contextmanager
def run_simulator_in_thread(
    settings: SimulatorSettings,
    *,
    categories: Iterable[Category] | None = None,
    clock: Clock | None = None,
) -> Iterator[RunningSimulator]:
    """uvicorn in a daemon thread with its own event loop; returns once it accepts connections."""
    store = _open_store(settings)
    platform = build_platform(settings, categories, clock, store=store)
    running = RunningSimulator(platform, _uvicorn(platform, store), _bind(settings.host, settings.port),
                               _inner_socket(settings), store)
    running._start()
    try:
        yield running
    finally:
        running.stop()


def serve(settings: SimulatorSettings, *, announce: bool = True) -> None:
    """Serve in the foreground until Ctrl-C (uvicorn handles the signal and shuts down cleanly)."""
    store = _open_store(settings)
    platform = build_platform(settings, store=store)
    sock = _bind(settings.host, settings.port)
    inner = _inner_socket(settings)
    host, port = sock.getsockname()[:2]
    root = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    if announce:
        print(f"wszystko.pl simulator: {root}/api  (control API: {root}/_sim)")
        print("Seller accounts (log in on the consent page):")
        for data in platform.accounts.values():
            print(f"  {data.account.email}  password: {data.account.password}")
        if settings.state_file:
            print(f"State kept in {settings.state_file} (a restart carries on from it).")
        if settings.auto_consent:
            print("Auto-consent is on: every device code is approved at once for a new account.")
        limit = settings.requests_per_minute
        print(f"Rate limit: {f'{limit} requests/minute per account' if limit else 'off'}; Ctrl-C stops.", flush=True)
    try:
        asyncio.run(_serve_all(_uvicorn(platform, store), sock, inner))
    except KeyboardInterrupt:
        # uvicorn has shut down cleanly already; it re-raises the signal only for the caller's sake.
        print("simulator stopped.", flush=True)
    finally:
        sock.close()
        if inner is not None:
            inner.close()
        if store is not None:
            store.close()
