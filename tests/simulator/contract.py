"""Validating the simulator's answers against the contract (agent/marketplace/openapi.yaml) with openapi-core.

openapi-core ships adapters for other HTTP libraries only, so `_Request` and `_Response` wrap httpx2's
objects in its Request/Response protocols. The spec's servers are replaced by the running simulator's
base URL, so the operation is found from the real URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx2
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters

SPEC_PATH = Path(__file__).resolve().parents[2] / "agent" / "marketplace" / "openapi.yaml"
_METHODS = ("get", "post", "put", "delete", "patch")


@cache
def spec_document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def spec_operations() -> set[str]:
    """Every operation of the contract as "METHOD /path/template"."""
    return {f"{m.upper()} {p}" for p, item in spec_document()["paths"].items() for m in item if m in _METHODS}


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in spec_document()["paths"]:
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        out.append((re.compile(f"^{pattern}$"), template))
    # Literal paths first, so /me/sales/updateStatus is not taken for /me/sales/{id}.
    out.sort(key=lambda t: t[1].count("{"))
    return out


def operation_of(method: str, api_path: str) -> str | None:
    for pattern, template in _templates():
        if pattern.match(api_path):
            methods = spec_document()["paths"][template]
            if method.lower() in methods:
                return f"{method.upper()} {template}"
    return None


@cache
def _openapi(base_url: str) -> OpenAPI:
    document = dict(spec_document())
    document["servers"] = [{"url": base_url}]
    return OpenAPI.from_dict(document)


@dataclass(slots=True)
class _Request:
    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters


@dataclass(slots=True)
class _Response:
    status_code: int
    content_type: str
    headers: dict[str, str]
    data: bytes | None


def validate(base_url: str, response: httpx2.Response) -> str:
    """Raise if `response` (to a request under `base_url`) breaks the contract; the operation it was."""
    request = response.request
    url = request.url
    api_path = url.path.removeprefix(httpx2.URL(base_url).path)
    operation = operation_of(request.method, api_path)
    if operation is None:
        raise AssertionError(f"{request.method} {url.path} is no operation of the contract")
    wrapped_request = _Request(
        host_url=f"{url.scheme}://{url.netloc.decode()}",
        path=url.path,
        method=request.method.lower(),
        body=None,  # response validation needs only the operation; multipart requests are streams
        content_type=request.headers.get("content-type", "application/json"),
        parameters=RequestParameters(query=dict(url.params), header=dict(request.headers)),
    )
    wrapped_response = _Response(
        status_code=response.status_code,
        content_type=response.headers.get("content-type", ""),
        headers=dict(response.headers),
        data=response.content or None,
    )
    _openapi(base_url).validate_response(wrapped_request, wrapped_response)
    return operation


@dataclass(slots=True)
class ContractClient:
    """An httpx2 client on the simulator's /api that validates every answer against the contract
    and records which operations (and status codes) it has seen."""

    base_url: str
    token: str | None = None
    pair: dict[str, Any] = field(default_factory=dict)
    """The last token pair a helper linked this client with."""
    seen: set[str] = field(default_factory=set)
    client: httpx2.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx2.Client(base_url=self.base_url, timeout=10.0, event_hooks={"response": [self._check]})

    def _check(self, response: httpx2.Response) -> None:
        response.read()
        operation = validate(self.base_url, response)
        self.seen.add(operation)
        self.seen.add(f"{operation} {response.status_code}")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> httpx2.Response:
        return self.client.get(path, params=params or None, headers=self._headers())

    def get_accepting(self, path: str, accept: str, **params: Any) -> httpx2.Response:
        """A GET asking for the media type `accept` (live's full offer model, say)."""
        return self.client.get(path, params=params or None, headers={**self._headers(), "Accept": accept})

    def post(self, path: str, json: Any = None, *, params: dict[str, Any] | None = None,
             files: Any = None) -> httpx2.Response:
        return self.client.post(path, json=json, params=params, files=files, headers=self._headers())

    def put(self, path: str, json: Any) -> httpx2.Response:
        return self.client.put(path, json=json, headers=self._headers())

    def delete(self, path: str) -> httpx2.Response:
        return self.client.delete(path, headers=self._headers())

    def close(self) -> None:
        self.client.close()
