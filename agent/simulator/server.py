"""Running the simulator: uvicorn in a daemon thread (tests, demo) or in the foreground (the command).

    with run_simulator_in_thread(SimulatorSettings(port=0)) as sim:
        httpx2.get(sim.base_url + "/integration/register")

The listening socket is bound here, before uvicorn starts, so port 0 resolves to a real port that
`root_url` names, and a future TCP front (issue 5) can bind the public socket and hand uvicorn an
inner one instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterable, Iterator

import uvicorn

from agent.domain import Category
from agent.simulator.app import build_app
from agent.simulator.model import Account
from agent.simulator.settings import Clock, SimulatorSettings
from agent.simulator.state import Platform

__all__ = ["RunningSimulator", "SimulatorSettings", "build_platform", "run_simulator_in_thread", "serve"]


def build_platform(settings: SimulatorSettings, categories: Iterable[Category] | None = None,
                   clock: Clock | None = None) -> Platform:
    """A platform with the shipped catalogue (unless given) and the seeded seller accounts."""
    if categories is None:
        from agent.catalogue import load_categories

        categories = load_categories()
    platform = Platform(settings, categories, clock)
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


def _uvicorn(platform: Platform) -> uvicorn.Server:
    config = uvicorn.Config(
        build_app(platform),
        # Our own access log (app.AccessLog) never shows query strings; uvicorn's would.
        access_log=False,
        log_config=None,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


class RunningSimulator:
    """A simulator serving in a background thread; `stop()` (or leaving the context) ends it."""

    def __init__(self, platform: Platform, server: uvicorn.Server, sock: socket.socket) -> None:
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        self.root_url = f"http://{shown}:{port}"
        self.base_url = self.root_url + "/api"
        self.platform = platform
        """The live state; tests may read it, and move `platform.clock` forward instead of sleeping."""
        self._server = server
        self._sock = sock
        self._thread = threading.Thread(target=self._run, name="marketsync-simulator", daemon=True)

    @property
    def accounts(self) -> list[Account]:
        return [d.account for d in self.platform.accounts.values()]

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._sock]))

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


@contextlib.contextmanager
def run_simulator_in_thread(
    settings: SimulatorSettings,
    *,
    categories: Iterable[Category] | None = None,
    clock: Clock | None = None,
) -> Iterator[RunningSimulator]:
    """uvicorn in a daemon thread with its own event loop; returns once it accepts connections."""
    platform = build_platform(settings, categories, clock)
    running = RunningSimulator(platform, _uvicorn(platform), _bind(settings.host, settings.port))
    running._start()
    try:
        yield running
    finally:
        running.stop()


def serve(settings: SimulatorSettings, *, announce: bool = True) -> None:
    """Serve in the foreground until Ctrl-C (uvicorn handles the signal and shuts down cleanly)."""
    platform = build_platform(settings)
    sock = _bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    root = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    if announce:
        print(f"wszystko.pl simulator: {root}/api  (control API: {root}/_sim)")
        print("Seller accounts (log in on the consent page):")
        for data in platform.accounts.values():
            print(f"  {data.account.email}  password: {data.account.password}")
        if settings.auto_consent:
            print("Auto-consent is on: every device code is approved at once for a new account.")
        limit = settings.requests_per_minute
        print(f"Rate limit: {f'{limit} requests/minute per account' if limit else 'off'}; Ctrl-C stops.", flush=True)
    try:
        _uvicorn(platform).run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn has shut down cleanly already; it re-raises the signal only for the caller's sake.
        print("simulator stopped.", flush=True)
    finally:
        sock.close()
