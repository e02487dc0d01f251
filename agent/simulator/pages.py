"""The HTML pages a user sees while linking: log in, then allow or deny access (Polish, no JavaScript).

    GET  /login?user_code=ABCD-EFGH   the login form (also reached from /d/ABCD-EFGH, the pretty URL)
    POST /login                       e-mail + password -> a session cookie and 303 to the consent page
    GET  /consent?user_code=...       the three permissions and the Zezwól / Odmów buttons
    POST /consent                     decision=allow|deny -> the device code is approved or denied
"""

from __future__ import annotations

import secrets
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from agent.simulator import auth
from agent.simulator.state import Platform

SESSION_COOKIE = "sim_session"
PERMISSIONS = ("Role użytkownika", "Profil użytkownika", "Adres email")

_STYLE = """body{font-family:system-ui,sans-serif;background:#f4f4f6;margin:0}
main{max-width:420px;margin:60px auto;background:#fff;padding:32px;border-radius:8px;box-shadow:0 2px 8px #0002}
h1{font-size:1.4em;margin-top:0}label{display:block;margin:12px 0 4px}input[type=email],input[type=password]
{width:100%;padding:8px;box-sizing:border-box}button{margin-top:16px;padding:10px 18px;font-size:1em;margin-right:8px}
.error{color:#b00020}.code{font-family:monospace;font-size:1.2em}"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (f'<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body><main><h1>{escape(title)}</h1>{body}</main></body></html>")
    return HTMLResponse(html, status_code=status)


def _gone() -> HTMLResponse:
    return _page("Kod wygasł", "<p>Ten kod połączenia jest nieprawidłowy, wygasł albo został już użyty. "
                 "Rozpocznij łączenie konta ponownie w programie.</p>", 404)


def _login_form(user_code: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    message = f'<p class="error">{escape(error)}</p>' if error else ""
    return _page("Zaloguj się", f"""{message}
<p>Kod urządzenia: <span class="code">{escape(user_code)}</span></p>
<form method="post" action="/login">
<input type="hidden" name="user_code" value="{escape(user_code)}">
<label for="email">Adres e-mail</label><input id="email" type="email" name="email" required>
<label for="password">Hasło</label><input id="password" type="password" name="password" required>
<button type="submit">Zaloguj się</button>
</form>""", status)


async def login_page(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    user_code = request.query_params.get("user_code", "")
    if auth.pending_by_user_code(platform, user_code) is None:
        return _gone()
    return _login_form(user_code.upper())


async def pretty_link(request: Request) -> Response:
    return RedirectResponse(f"/login?user_code={request.path_params['user_code']}", status_code=303)


async def login_submit(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    form = await request.form()
    user_code = str(form.get("user_code", ""))
    if auth.pending_by_user_code(platform, user_code) is None:
        return _gone()
    account = platform.login(str(form.get("email", "")), str(form.get("password", "")))
    if account is None:
        return _login_form(user_code, "Nieprawidłowy adres e-mail lub hasło.", 401)
    session = secrets.token_urlsafe(24)
    platform.web_sessions[session] = account.id
    response = RedirectResponse(f"/consent?user_code={user_code}", status_code=303)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax")
    return response


def _session_account(request: Request) -> int | None:
    platform: Platform = request.app.state.platform
    return platform.web_sessions.get(request.cookies.get(SESSION_COOKIE, ""))


async def consent_page(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    user_code = request.query_params.get("user_code", "")
    if auth.pending_by_user_code(platform, user_code) is None:
        return _gone()
    account_id = _session_account(request)
    if account_id is None:
        return RedirectResponse(f"/login?user_code={user_code}", status_code=303)
    account = platform.accounts[account_id].account
    items = "".join(f"<li>{escape(p)}</li>" for p in PERMISSIONS)
    return _page("Czy przyznajesz te uprawnienia dostępu?", f"""
<p>Zalogowano jako <b>{escape(account.email)}</b>. Aplikacja zewnętrzna prosi o dostęp do Twojego konta
sprzedawcy (kod <span class="code">{escape(user_code.upper())}</span>):</p>
<ul>{items}</ul>
<form method="post" action="/consent">
<input type="hidden" name="user_code" value="{escape(user_code.upper())}">
<button type="submit" name="decision" value="allow">Zezwól</button>
<button type="submit" name="decision" value="deny">Odmów</button>
</form>""")


async def consent_submit(request: Request) -> Response:
    platform: Platform = request.app.state.platform
    form = await request.form()
    device = auth.pending_by_user_code(platform, str(form.get("user_code", "")))
    if device is None:
        return _gone()
    account_id = _session_account(request)
    if account_id is None:
        return RedirectResponse(f"/login?user_code={device.user_code}", status_code=303)
    allow = form.get("decision") == "allow"
    auth.decide(platform, device, account_id, allow=allow)
    if allow:
        return _page("Połączono", "<p>Dostęp przyznany. Możesz zamknąć tę stronę i wrócić do programu.</p>")
    return _page("Odmówiono dostępu", "<p>Nie przyznano dostępu. Możesz zamknąć tę stronę.</p>")
