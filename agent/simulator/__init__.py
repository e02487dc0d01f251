"""A local stand-in for the wszystko.pl seller API, over real HTTP on loopback (demo and tests only).

Layout, inner to outer:

    settings.py    SimulatorSettings and the adjustable Clock every lifetime is measured on
    model.py       the platform's records (accounts, device codes, tokens, offers, files, sales)
    terms.py       seller terms data: shipping methods, tariffs, policies, payment methods (Polish)
    buyers.py      generated buyers: Polish names, addresses, companies with a valid NIP
    validation.py  publication rules for offers and uploaded images -> a list of Problems
    state.py       Platform: the whole simulated marketplace in memory, every mutation a method
    auth.py        the device-code flow, token rotation with grace, revocation (on a Platform)
    offers.py      offers, files and bulk changes; sales.py: orders (both on a Platform)
    ratelimit.py   per-account token buckets
    wire.py        JSON in and out (Decimal money), the error body
    pages.py       the HTML login and consent pages (Polish)
    crowd.py       buyers over time: orders at a rate, cancellations before and after the seller imports
    faults.py      the fault switchboard (/_sim/faults); inject.py: the faults the ASGI app makes itself
    api.py         the /api routes; control.py: the /_sim control routes; app.py: the ASGI app
    front.py       the TCP front on the public socket: relays to uvicorn, makes reset/cut/drip/lost
    persist.py     --state FILE: the platform copied into SQLite and back
    server.py      uvicorn (+ the front) in a thread (tests) or in the foreground (`marketsync simulator`)

Every state change goes through a Platform method or the functions in auth/offers/sales, and the
ASGI app is built from a Platform alone (`build_app(platform, store=None)`).
"""

from agent.simulator.server import RunningSimulator, SimulatorSettings, run_simulator_in_thread

__all__ = ["RunningSimulator", "SimulatorSettings", "run_simulator_in_thread"]
