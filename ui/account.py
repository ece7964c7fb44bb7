"""The sign-in routes of the app (served by ``serve.py`` beside the pages): ``/account/sign-in`` and
``/account/sign-out``.

Editors type their password into a plain HTML form served here, not into a page's websocket session. A
successful sign-in sets the session cookie — HttpOnly (page scripts cannot read it), SameSite=Lax, Secure behind
HTTPS, for 12 hours — and a device cookie for the user name, then sends the browser back to the page it came from.
Every page run checks the cookie again (``ui/auth.py``), so nothing about a sign-in lives in one process or in
one websocket session: any replica of the app on the same store and secrets accepts it.

The client a failed attempt counts against is the address of the connection, or, where that is one of the
``[tracker] trusted_proxies`` (addresses or networks of the deployment's reverse proxies), the address the proxy
forwards in ``X-Forwarded-For``.
"""

from __future__ import annotations

import functools
import html
import ipaddress
import logging
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from indicators.core.i18n import normalise, translator
from indicators.tracker.auth import SignInError, load_users
from indicators.tracker.errors import ValidationError, in_language, message_of

# The store, its sessions and its database (SQLAlchemy, and pandas through the snapshot's schemas) are imported
# where a sign-in is checked, not here: the server imports this module before it serves its first page.

logger = logging.getLogger(__name__)
SIGN_IN_PATH = "/account/sign-in"
SIGN_OUT_PATH = "/account/sign-out"
CSRF_COOKIE = "hrc_sign_in_form"
DEFAULT_NEXT = "/edit"
MAX_FIELD = 1_000   # characters of a user name or password read from the form; longer is refused unread


# ------------------------------------------------------------------ the deployment's settings

def secrets_section(name: str) -> dict:
    """A top-level table of the app's secrets (``st.secrets``: the secrets files Streamlit is given)."""
    try:
        import streamlit as st

        section = st.secrets.get(name)
    except Exception:  # no secrets file, or a malformed one: unconfigured
        return {}
    return dict(section) if section else {}


def tracker_settings() -> dict:
    return secrets_section("tracker")


def users() -> dict:
    """The password accounts of the secrets (empty where they are not configured correctly)."""
    try:
        return load_users(tracker_settings().get("users"))
    except ValidationError:
        return {}


@functools.cache
def _process_secret() -> str:
    logger.warning("no [tracker] session_secret in the secrets: sign-in cookies are signed with a secret of this "
                "process only, so a restart signs everyone out and other replicas do not accept them")
    return secrets.token_urlsafe(48)


def session_secret() -> str:
    configured = tracker_settings().get("session_secret")
    return configured if isinstance(configured, str) and len(configured) >= 32 else _process_secret()


@functools.lru_cache(maxsize=4)
def _sign_ins(url: str, secret: str):
    from indicators.tracker.sessions import SignIns
    from indicators.tracker.store import Store

    return SignIns(Store.open(url).engine, secret)


def sign_ins():
    """Sessions and failed attempts (:class:`indicators.tracker.sessions.SignIns`), in the default city's tracker
    store (shared by every replica on it)."""
    from indicators.tracker.db import configured_store_url, resolve_url
    from ui import data

    url = resolve_url(None, tracker_settings().get("url") or configured_store_url(), city=data.cities()[0],
                      default_city=data.cities()[0])
    return _sign_ins(url, session_secret())


def trusted_proxies() -> list:
    networks = []
    for entry in tracker_settings().get("trusted_proxies") or []:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            logger.warning("[tracker] trusted_proxies: %r is not an address or a network; ignored", entry)
    return networks


def client_address(peer: str | None, forwarded_for: str | None, trusted: list) -> str:
    """The address a request comes from: the connection's, or where that is a trusted proxy, the nearest address
    in ``X-Forwarded-For`` that is not one (a client cannot forge the entries its proxies append)."""
    chain = [a.strip() for a in (forwarded_for or "").split(",") if a.strip()]
    address = peer or "unknown"
    while chain and _is_trusted(address, trusted):
        address = chain.pop()
    return address[:100]


def _is_trusted(address: str, trusted: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def safe_next(value: str | None) -> str:
    """A page of this app to return to: a path on this site only (never another site's address)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return DEFAULT_NEXT
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else DEFAULT_NEXT


# ------------------------------------------------------------------ the form

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a; background: #f1f4f8;
       margin: 0; display: flex; justify-content: center; }}
main {{ background: #fff; max-width: 26rem; width: 100%; margin: 3rem 1rem; padding: 2rem; border-radius: .5rem;
       box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.5rem; margin: 0 0 .25rem; }} p {{ line-height: 1.45; }}
label {{ display: block; font-weight: 600; margin: 1rem 0 .3rem; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1rem; padding: .6rem; border: 1px solid #9aa5b1;
        border-radius: .35rem; }}
button {{ margin-top: 1.4rem; width: 100%; font-size: 1rem; padding: .7rem; border: 0; border-radius: .35rem;
         background: #1f4e79; color: #fff; cursor: pointer; }}
.error {{ background: #fdecea; color: #8a1c13; padding: .7rem .9rem; border-radius: .35rem; }}
.note {{ color: #52606d; font-size: .9rem; }} a {{ color: #1f4e79; }}
</style></head>
<body><main>
<h1>{title}</h1>
<p class="note">{intro}</p>
{error}
<form method="post" action="{action}">
<input type="hidden" name="form_token" value="{token}">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label for="username">{username}</label>
<input id="username" name="username" autocomplete="username" required maxlength="200" value="{typed}"{focus_name}>
<label for="password">{password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200"{focus_password}>
<button type="submit">{submit}</button>
</form>
<p class="note">{cookie_note}</p>
<p><a href="{back}">{back_label}</a></p>
</main></body></html>
"""  # i18n: not shown (the markup; every word in it is filled in from _() below)


def _form(lang: str, next_path: str, token: str, error: str = "", status: int = 200,
          headers: dict | None = None, typed: str = "") -> HTMLResponse:
    from indicators.tracker.sessions import SESSION_HOURS

    _ = translator(lang)
    typed = typed[:200]
    page = PAGE.format(
        typed=html.escape(typed), focus_name="" if typed else " autofocus",
        focus_password=" autofocus" if typed else "",
        lang=lang, title=html.escape(_("Sign in to edit the UPR tracker")),
        intro=html.escape(_("Everything in the tracker is public to read; editing needs an account from the "
                            "coalition.")),
        error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
        action=html.escape(SIGN_IN_PATH), token=html.escape(token), next=html.escape(next_path),
        username=html.escape(_("User name")), password=html.escape(_("Password")), submit=html.escape(_("Sign in")),
        cookie_note=html.escape(_("Signing in keeps you signed in on this browser for {hours} hours, with a cookie "
                                  "that only this site reads; Sign out ends it.", hours=SESSION_HOURS)),
        back=html.escape(next_path), back_label=html.escape(_("Back to the dashboard")))
    response = HTMLResponse(page, status_code=status, headers={
        "Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                                   "frame-ancestors 'none'",
        **(headers or {})})
    response.set_cookie(CSRF_COOKIE, token, max_age=3600, path=SIGN_IN_PATH, httponly=True, samesite="strict",
                        secure=False)
    return response


def _language(request: Request, form: dict | None = None) -> str:
    return normalise((form or {}).get("lang") or request.query_params.get("lang"))


async def sign_in_page(request: Request) -> Response:
    lang = _language(request)
    return _form(lang, safe_next(request.query_params.get("next")), secrets.token_urlsafe(24))


async def sign_in(request: Request) -> Response:
    from indicators.tracker.sessions import DEVICE_COOKIE, DEVICE_DAYS, SESSION_COOKIE, SESSION_HOURS, SlowDown

    form = dict(await request.form())
    form = {k: v if isinstance(v, str) else "" for k, v in form.items()}
    lang = _language(request, form)
    _ = translator(lang)
    next_path = safe_next(form.get("next"))
    token = request.cookies.get(CSRF_COOKIE, "")
    if not token or not secrets.compare_digest(token, form.get("form_token", "")) or not _same_origin(request):
        return _form(lang, next_path, secrets.token_urlsafe(24), status=400,
                     error=_("This sign-in form has expired. Type your user name and password again."))
    username, password = form.get("username", ""), form.get("password", "")
    if len(username) > MAX_FIELD or len(password) > MAX_FIELD:
        return _form(lang, next_path, token, status=400, error=_("Unknown user name or wrong password."))
    accounts = users()
    if not accounts:
        return _form(lang, next_path, token, status=503,
                     error=_("No editor accounts are configured for this dashboard."))
    client = client_address(request.client.host if request.client else None,
                            request.headers.get("x-forwarded-for"), trusted_proxies())
    device = request.cookies.get(DEVICE_COOKIE)
    keeper = sign_ins()
    try:
        actor, cookie = await run_in_threadpool(keeper.sign_in, accounts, username, password, client=client,
                                                device=device)
    except SlowDown as exc:
        return _form(lang, next_path, token, status=429, error=in_language(message_of(exc), lang),
                     headers={"Retry-After": str(exc.retry_after)}, typed=username)
    except SignInError as exc:
        return _form(lang, next_path, token, status=401, error=in_language(message_of(exc), lang), typed=username)
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response = RedirectResponse(next_path, status_code=303, headers={"Cache-Control": "no-store"})
    response.set_cookie(SESSION_COOKIE, cookie, max_age=SESSION_HOURS * 3600, path="/", httponly=True,
                        samesite="lax", secure=secure)
    response.set_cookie(DEVICE_COOKIE, keeper.device_cookie(actor.user_id), max_age=DEVICE_DAYS * 86400,
                        path=SIGN_IN_PATH, httponly=True, samesite="strict", secure=secure)
    response.delete_cookie(CSRF_COOKIE, path=SIGN_IN_PATH)
    return response


def _same_origin(request: Request) -> bool:
    """A form posted from a page of this site (browsers send ``Origin`` with every POST)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(origin).netloc == host.split(",")[0].strip()


async def sign_out(request: Request) -> Response:
    """End the session on every replica and drop the cookie (a form's POST, or a plain link's GET)."""
    from indicators.tracker.sessions import SESSION_COOKIE

    if request.method == "POST" and not _same_origin(request):
        return Response(status_code=400)
    await run_in_threadpool(sign_ins().sign_out, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def sign_in_link(next_path: str, lang: str) -> str:
    """The address of the sign-in form that comes back to ``next_path``."""
    return f"{SIGN_IN_PATH}?{urlencode({'next': safe_next(next_path), 'lang': normalise(lang)})}"


def routes() -> list[Route]:
    return [Route(SIGN_IN_PATH, sign_in_page, methods=["GET"]), Route(SIGN_IN_PATH, sign_in, methods=["POST"]),
            Route(SIGN_OUT_PATH, sign_out, methods=["GET", "POST"])]

