"""Fixtures of the simulator tests: a simulator on a free loopback port, linked contract clients, images."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from PIL import Image

from agent.catalogue import leaf_categories
from agent.domain import Category
from agent.simulator import RunningSimulator, SimulatorSettings, run_simulator_in_thread
from tests.simulator.contract import ContractClient

MakeSim = Callable[..., RunningSimulator]


@pytest.fixture
def make_sim() -> Iterator[MakeSim]:
    """Start a simulator with settings overrides (port 0, rate limit off unless given)."""
    with contextlib.ExitStack() as stack:

        def make(**overrides: Any) -> RunningSimulator:
            values: dict[str, Any] = {"port": 0, "requests_per_minute": 0, **overrides}
            return stack.enter_context(run_simulator_in_thread(SimulatorSettings(**values)))

        yield make


@pytest.fixture
def sim(make_sim: MakeSim) -> RunningSimulator:
    return make_sim()


_CONTROL = httpx2.Client(timeout=10.0)  # one client: building one (and its TLS context) per call is slow


def control(sim: RunningSimulator, method: str, path: str, **kwargs: Any) -> Any:
    """Call the /_sim control API; the JSON answer (asserts 2xx)."""
    answer = _CONTROL.request(method, f"{sim.root_url}/_sim{path}", **kwargs)
    assert answer.is_success, answer.text
    return answer.json()


def link(sim: RunningSimulator, account: int | None = 1) -> ContractClient:
    """A contract client holding a fresh token pair of `account` (a new account when None)."""
    api = ContractClient(sim.base_url)
    code = api.get("/integration/register").json()["deviceCode"]
    control(sim, "POST", "/consent", json={"deviceCode": code, "account": account, "allow": True})
    pair = api.get("/integration/token", deviceCode=code).json()
    api.token = pair["accessToken"]
    api.pair = pair
    return api


@pytest.fixture
def api(sim: RunningSimulator) -> Iterator[ContractClient]:
    client = link(sim, 1)
    yield client
    client.close()


def image_bytes(width: int = 200, height: int = 200, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def upload(api: ContractClient, content: bytes | None = None, name: str = "a.png") -> httpx2.Response:
    return api.post("/me/files", files={"file": (name, content or image_bytes(), "application/octet-stream")})


def a_leaf() -> Category:
    """A leaf category with a required dictionary parameter and a number parameter with limits, if any."""
    leaves = leaf_categories()
    for leaf in leaves:
        if any(f.type in ("integer", "float") and f.max is not None for f in leaf.fields):
            return leaf
    return leaves[0]


def offer_body(api: ContractClient, leaf: Category | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid OfferInput in `leaf`: every required parameter set, one uploaded image."""
    leaf = leaf or a_leaf()
    parameters = []
    for field in leaf.fields:
        if not field.required:
            continue
        if field.values:
            value: object = field.values[0].id
        elif field.type in ("integer", "float"):
            value = str(field.min if field.min is not None else 1)
        else:
            value = "tekst"
        parameters.append({"id": field.id, "value": value})
    body: dict[str, Any] = {
        "title": "Sekator kowadełkowy Fiskars 20 mm",
        "price": 49.99,
        "categoryId": leaf.id,
        "vatRate": "23%",
        "stockQuantity": 10,
        "stockQuantityUnit": "sztuk",
        "gallery": [upload(api).json()["url"]],
        "parameters": parameters,
        "shippingTariffId": "cennik-standard",
        "returnPolicyId": "zwrot-14",
        "complaintPolicyId": "reklamacja-rekojmia",
        "leadTime": "Dzień",
    }
    body.update(overrides)
    return body
