"""The device-code flow end to end: the HTML login and consent pages with a plain HTTP client, polling."""

from __future__ import annotations

import re

import httpx2
from loguru import logger

from agent.simulator import RunningSimulator
from tests.simulator.conftest import MakeSim, control
from tests.simulator.contract import ContractClient


def _register(api: ContractClient) -> dict[str, object]:
    answer = api.get("/integration/register")
    assert answer.status_code == 200
    body: dict[str, object] = answer.json()
    return body


def _poll(api: ContractClient, code: object) -> httpx2.Response:
    return api.get("/integration/token", deviceCode=code)


def _browser_login(sim: RunningSimulator, url: str, *, email: str, password: str) -> httpx2.Client:
    """Open the verification page and log in, as a user's browser would; returns the browser."""
    browser = httpx2.Client(follow_redirects=True, timeout=10.0)
    page = browser.get(url)
    assert page.status_code == 200
    for words in ("Zaloguj się", "Adres e-mail", "Hasło"):
        assert words in page.text
    user_code = re.search(r'name="user_code" value="([A-Z0-9-]+)"', page.text)
    assert user_code is not None
    consent = browser.post(f"{sim.root_url}/login",
                           data={"user_code": user_code.group(1), "email": email, "password": password})
    assert consent.status_code == 200
    return browser


def _consent(sim: RunningSimulator, browser: httpx2.Client, page_text: str, decision: str) -> httpx2.Response:
    user_code = re.search(r'name="user_code" value="([A-Z0-9-]+)"', page_text)
    assert user_code is not None
    return browser.post(f"{sim.root_url}/consent", data={"user_code": user_code.group(1), "decision": decision})


def test_login_and_allow_give_tokens_once(sim: RunningSimulator) -> None:
    api = ContractClient(sim.base_url)
    registration = _register(api)
    assert str(registration["verificationUriComplete"]).startswith(sim.root_url + "/login?user_code=")
    assert _poll(api, registration["deviceCode"]).json()["error"] == "authorization_pending"

    account = sim.accounts[0]
    browser = httpx2.Client(follow_redirects=True, timeout=10.0)
    page = browser.get(str(registration["verificationUriPrettyComplete"]))
    assert "Zaloguj się" in page.text
    browser = _browser_login(sim, str(registration["verificationUriComplete"]),
                             email=account.email, password=account.password)
    consent_page = browser.get(f"{sim.root_url}/consent", params={"user_code": re.findall(
        r"user_code=([A-Z0-9-]+)", str(registration["verificationUriComplete"]))[0]})
    for words in ("Czy przyznajesz te uprawnienia dostępu?", "Role użytkownika", "Profil użytkownika",
                  "Adres email", "Zezwól", "Odmów"):
        assert words in consent_page.text
    done = _consent(sim, browser, consent_page.text, "allow")
    assert "Połączono" in done.text

    sim.platform.clock.advance(5)
    tokens = _poll(api, registration["deviceCode"])
    assert tokens.status_code == 200
    pair = tokens.json()
    assert pair["tokenType"] == "Bearer" and pair["expiresIn"] > 0 and pair["integrationId"]
    # The tokens work, and belong to the account that logged in.
    api.token = pair["accessToken"]
    sessions = api.get("/me/integrations").json()
    assert [s["id"] for s in sessions] == [pair["integrationId"]]
    assert sessions[0]["userName"] == account.email
    # A device code gives its tokens once only.
    sim.platform.clock.advance(5)
    assert _poll(api, registration["deviceCode"]).json()["error"] == "expired_token"


def test_wrong_password_is_refused_on_the_page(sim: RunningSimulator) -> None:
    api = ContractClient(sim.base_url)
    registration = _register(api)
    browser = httpx2.Client(follow_redirects=True, timeout=10.0)
    page = browser.get(str(registration["verificationUriComplete"]))
    user_code = re.search(r'name="user_code" value="([A-Z0-9-]+)"', page.text)
    assert user_code is not None
    answer = browser.post(f"{sim.root_url}/login", data={"user_code": user_code.group(1),
                                                           "email": sim.accounts[0].email, "password": "zle"})
    assert answer.status_code == 401
    assert "Nieprawidłowy adres e-mail lub hasło" in answer.text
    assert _poll(api, registration["deviceCode"]).json()["error"] == "authorization_pending"


def test_deny_answers_access_denied(sim: RunningSimulator) -> None:
    api = ContractClient(sim.base_url)
    registration = _register(api)
    account = sim.accounts[1]
    browser = _browser_login(sim, str(registration["verificationUriComplete"]),
                             email=account.email, password=account.password)
    user_code = str(registration["verificationUriComplete"]).split("user_code=")[1]
    page = browser.get(f"{sim.root_url}/consent", params={"user_code": user_code})
    assert "Odmówiono dostępu" in _consent(sim, browser, page.text, "deny").text
    answer = _poll(api, registration["deviceCode"])
    assert answer.status_code == 400
    assert answer.json()["error"] == "access_denied"
    # The page for a decided code is gone.
    assert browser.get(str(registration["verificationUriComplete"])).status_code == 404


def test_polling_faster_than_the_interval_answers_slow_down(sim: RunningSimulator) -> None:
    api = ContractClient(sim.base_url)
    registration = _register(api)
    assert registration["interval"] == 5
    code = registration["deviceCode"]
    assert _poll(api, code).json()["error"] == "authorization_pending"
    assert _poll(api, code).json()["error"] == "slow_down"
    sim.platform.clock.advance(5)
    assert _poll(api, code).json()["error"] == "authorization_pending"


def test_an_unused_code_expires(make_sim: MakeSim) -> None:
    sim = make_sim(device_code_ttl=30)
    api = ContractClient(sim.base_url)
    registration = _register(api)
    assert registration["expiresIn"] == 30
    sim.platform.clock.advance(31)
    assert _poll(api, registration["deviceCode"]).json()["error"] == "expired_token"
    # The user arrives too late: the page says so.
    assert httpx2.get(str(registration["verificationUriComplete"])).status_code == 404
    assert "Kod wygasł" in httpx2.get(str(registration["verificationUriComplete"])).text


def test_auto_consent_links_every_code_to_a_new_account(make_sim: MakeSim) -> None:
    sim = make_sim(auto_consent=True)
    api = ContractClient(sim.base_url)
    users = set()
    for _ in range(2):
        pair = _poll(api, _register(api)["deviceCode"]).json()
        api.token = pair["accessToken"]
        users.add(api.get("/me/integrations").json()[0]["userName"])
    assert len(users) == 2
    assert control(sim, "GET", "/state")["accounts"] == 3 + 2


def test_the_access_log_never_shows_a_query_string(sim: RunningSimulator) -> None:
    lines: list[str] = []
    sink = logger.add(lines.append, level="DEBUG", format="{message}")
    try:
        api = ContractClient(sim.base_url)
        code = _register(api)["deviceCode"]
        _poll(api, code)
        api.client.post("/integration/token", params={"refreshToken": "geheim-refresh"})
    finally:
        logger.remove(sink)
    assert any("/api/integration/token 400" in line for line in lines)
    assert not any(str(code) in line or "geheim" in line or "?" in line for line in lines)


def test_a_decided_code_answers_even_when_polled_too_fast(sim: RunningSimulator) -> None:
    api = ContractClient(sim.base_url)
    allowed, denied = (_register(api)["deviceCode"] for _ in range(2))
    for code in (allowed, denied):
        assert _poll(api, code).json()["error"] == "authorization_pending"
    control(sim, "POST", "/consent", json={"deviceCode": allowed, "account": 1, "allow": True})
    control(sim, "POST", "/consent", json={"deviceCode": denied, "account": None, "allow": False})
    assert _poll(api, allowed).status_code == 200  # at once after the previous poll: no slow_down
    assert _poll(api, denied).json()["error"] == "access_denied"
