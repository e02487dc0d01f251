"""Image uploads (/me/files) and copies from urls (/me/addFilesFromUrls): formats, size, dimensions."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from agent.simulator import RunningSimulator
from agent.simulator.validation import MAX_IMAGE_BYTES
from tests.simulator.conftest import control, image_bytes, link, offer_body, upload
from tests.simulator.contract import ContractClient


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_are_stored_and_served(api: ContractClient, kind: str) -> None:
    content = image_bytes(300, 124, kind)
    answer = upload(api, content, name="zdjecie.bin")
    assert answer.status_code == 200
    stored = answer.json()  # live may answer one object rather than a list
    assert stored["url"].endswith("." + {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[kind])
    assert httpx2.get(stored["url"]).content == content


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (image_bytes(123, 500), "imageTooSmall"),
        (image_bytes(500, 100, "JPEG"), "imageTooSmall"),
        (image_bytes(200, 200, "GIF"), "unsupportedFileType"),
        (b"%PDF-1.4 not an image", "unsupportedFileType"),
        (image_bytes(200, 200) + b"\0" * MAX_IMAGE_BYTES, "fileTooLarge"),
    ],
    ids=["narrow", "low", "gif", "pdf", "over 5 MB"],
)
def test_refused_uploads_answer_422(sim: RunningSimulator, api: ContractClient, content: bytes, code: str) -> None:
    answer = upload(api, content)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == code
    assert control(sim, "GET", "/state")["effects"]["POST /me/files"] == 0


def test_a_gallery_may_only_hold_this_accounts_files(sim: RunningSimulator, api: ContractClient) -> None:
    other = link(sim, 2)
    foreign = upload(other).json()["url"]
    answer = api.post("/me/offers", json=offer_body(api, gallery=[foreign]))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "imageNotUploaded"


@pytest.fixture
def image_server(tmp_path: Path) -> Iterator[str]:
    """A plain HTTP file server on 127.0.0.1 serving tmp_path (a seller's own image host)."""
    (tmp_path / "big.png").write_bytes(image_bytes(640, 480))
    (tmp_path / "small.png").write_bytes(image_bytes(50, 50))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_add_files_from_urls_downloads_and_checks(
    sim: RunningSimulator, api: ContractClient, image_server: str
) -> None:
    answer = api.post("/me/addFilesFromUrls", json=[f"{image_server}/big.png"])
    assert answer.status_code == 200
    url = answer.json()[0]["url"]
    assert url.startswith(sim.root_url + "/files/1/")
    assert answer.json()[0]["name"] == f"{image_server}/big.png"  # as live: the name is the URL sent
    assert api.post("/me/offers", json=offer_body(api, gallery=[url])).status_code == 200
    refused = api.post("/me/addFilesFromUrls", json=[f"{image_server}/big.png", f"{image_server}/small.png",
                                                     f"{image_server}/missing.png"])
    assert refused.status_code == 422
    assert [(e["code"], e["path"]) for e in refused.json()["errors"]] == [
        ("imageTooSmall", "[1]"), ("fileDownloadFailed", "[2]")]
    assert control(sim, "GET", "/state")["effects"]["POST /me/addFilesFromUrls"] == 1
