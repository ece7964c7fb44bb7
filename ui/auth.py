"""Signing editors in and out of the UPR tracker, on every page run.

With ``[auth]`` in the deployment's secrets, people sign in through OpenID Connect (``st.login``); roles come
from ``[tracker.roles]`` for e-mail addresses the provider has verified. Otherwise password accounts come from
``[tracker.users.<name>]`` (bcrypt hashes): the password is typed into the app's sign-in form
(``/account/sign-in``, ``ui/account.py``), which sets a signed, HttpOnly cookie. Every run checks that cookie
again against the store and the secrets, so a reload keeps the sign-in, another tab shares it, and a page
session's id presented on another connection brings none with it. The role shown here only decides which forms
are drawn: the store checks it again on every write.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from indicators.tracker.auth import Actor, load_users, oidc_actor
from indicators.tracker.errors import ValidationError
from indicators.tracker.sessions import SESSION_COOKIE
from ui import account
from ui.i18n import N_, _, lang
from ui.tracker import kept_params, md_escape, secrets_section, show_flash

#: the tracker roles in words (the codes are what the secrets and the store use)
ROLE_LABELS = {
    "editor": N_("editor"),
    "city": N_("city government liaison"),
    "community": N_("community assessor"),
    "reviewer": N_("testimony reviewer"),
    "viewer": N_("read only"),
    "system": N_("the app itself"),
}


def oidc_configured() -> bool:
    return bool(secrets_section("auth"))


def oidc_providers() -> list[str]:
    """Named providers (``[auth.google]``...); empty when ``[auth]`` itself holds the client settings."""
    section = secrets_section("auth")
    return [name for name, value in section.items() if isinstance(value, dict) or hasattr(value, "keys")]


def session_cookie() -> str | None:
    """The sign-in cookie this page's browser sent with its connection."""
    try:
        return st.context.cookies.get(SESSION_COOKIE)
    except Exception:  # no browser connection (a script run without a client)
        return None


def current_actor() -> Actor | None:
    """The signed-in person with their tracker role, or ``None`` for a visitor (checked anew on every run)."""
    if oidc_configured():
        if not st.user.is_logged_in:
            return None
        return oidc_actor(st.user.to_dict(), secrets_section("tracker").get("roles"))
    cookie = session_cookie()
    if not cookie:
        return None
    try:
        users = load_users(secrets_section("tracker").get("users"))
    except ValidationError:
        return None
    return account.sign_ins().actor(cookie, users)


def sign_in_panel(page_path: str = "/edit") -> None:
    """How a visitor signs in: the OpenID Connect buttons, or a link to the sign-in form that comes back here."""
    if oidc_configured():
        providers = oidc_providers()
        for provider in providers or [None]:
            label = _("Sign in with {provider}", provider=provider.title()) if provider else _("Sign in")
            if st.button(label, key=f"login_{provider}", type="primary"):
                st.login(provider) if provider else st.login()
        return
    try:
        users = load_users(secrets_section("tracker").get("users"))
    except ValidationError as exc:
        st.error(_("Sign-in is not configured correctly: {problems}",
                   problems=md_escape("; ".join(p.in_language(lang()) for p in exc.problems))))
        return
    if not users:
        st.info(_("No editor accounts are configured. An administrator adds them to the secrets as "
                  "`[tracker.users.NAME]` with a `role` and a `password_hash` made by "
                  "`python -m indicators upr hash-password`."))
        return
    query = urlencode(kept_params(**{k: st.query_params[k] for k in ("rec",) if k in st.query_params}))
    if st.button(_("Sign in"), type="primary", icon=":material/login:", key="tracker_sign_in"):
        go_to(account.sign_in_link(page_path + (f"?{query}" if query else ""), lang()))


def go_to(url: str) -> None:
    """Send this tab's browser to ``url`` of this site, as ``st.login`` sends it to its own sign-in route (a
    link button would open a new tab, and the page the editor came from would stay signed out)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        context.enqueue(message)


def signed_in_bar(actor: Actor) -> None:
    """Who is signed in, with which role, and the sign-out button."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    role = _(ROLE_LABELS[actor.role]) if actor.role in ROLE_LABELS else actor.role
    left.markdown(_("Signed in as **{name}** · role: **{role}**", name=md_escape(actor.label), role=md_escape(role)))
    if right.button(_("Sign out"), key="tracker_sign_out"):
        if oidc_configured():
            st.logout()
        else:
            account.sign_ins().sign_out(session_cookie())   # ended for every tab and replica
        st.rerun()


def page_actor(page_path: str, *, sign_in: str, not_allowed: str, allowed: Callable[[Actor], bool]) -> Actor:
    """The signed-in person a coalition page works for, or the page stops: with the sign-in form (``sign_in``
    above it) when nobody is signed in, with ``not_allowed`` when their role may not use the page. Both messages
    come translated. Shows who is signed in and any message the last save left."""
    actor = current_actor()
    if actor is None:
        st.info(sign_in)
        sign_in_panel(page_path)
        st.stop()
    signed_in_bar(actor)
    show_flash()
    if not allowed(actor):
        st.info(not_allowed)
        st.stop()
    return actor
