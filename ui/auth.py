"""Signing editors in and out of the UPR tracker.

With ``[auth]`` in the deployment's secrets, people sign in through OpenID Connect (``st.login``)
and ``[tracker.roles]`` gives roles by e-mail address. Otherwise password accounts come from
``[tracker.users.<name>]`` (bcrypt hashes), with failed attempts rate-limited per user name and
per client. The role shown here only decides which forms are drawn: the store checks it again
on every write.
"""

from __future__ import annotations

import time

import streamlit as st

from indicators.tracker.auth import (
    Actor,
    LoginRateLimiter,
    SignInError,
    authenticate,
    load_users,
    role_for_email,
)
from indicators.tracker.errors import ValidationError, in_language, message_of
from ui.i18n import N_, _, lang
from ui.tracker import md_escape, secrets_section

SESSION_KEY = "tracker_actor"
SESSION_STARTED = "tracker_signed_in_at"
SESSION_HOURS = 12
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


@st.cache_resource(show_spinner=False)
def rate_limiter() -> LoginRateLimiter:
    """One limiter for every session of this process."""
    return LoginRateLimiter()


def current_actor() -> Actor | None:
    """The signed-in person with their tracker role, or ``None`` for a visitor."""
    if oidc_configured():
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
        subject = email or st.user.get("sub") or "unknown"
        role = role_for_email(secrets_section("tracker").get("roles"), email)
        return Actor(str(subject), role, str(st.user.get("name") or subject))
    actor = st.session_state.get(SESSION_KEY)
    if not isinstance(actor, Actor):
        return None
    if time.time() - st.session_state.get(SESSION_STARTED, 0) > SESSION_HOURS * 3600:
        sign_out()
        return None
    return actor


def sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(SESSION_STARTED, None)


def sign_in_panel() -> None:
    """The sign-in form (or OpenID Connect buttons) for a visitor."""
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
    with st.columns([2, 3])[0], st.form("tracker_sign_in"):
        username = st.text_input(_("User name"), max_chars=80, autocomplete="username")
        password = st.text_input(_("Password"), type="password", max_chars=200, autocomplete="current-password")
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        try:
            actor = authenticate(users, username, password, rate_limiter(), client=st.context.ip_address)
        except SignInError as exc:
            st.error(in_language(message_of(exc), lang()))
            return
        st.session_state[SESSION_KEY] = actor
        st.session_state[SESSION_STARTED] = time.time()
        st.rerun()


def signed_in_bar(actor: Actor) -> None:
    """Who is signed in, with which role, and the sign-out button."""
    left, right = st.columns([4, 1], vertical_alignment="center")
    role = _(ROLE_LABELS[actor.role]) if actor.role in ROLE_LABELS else actor.role
    left.markdown(_("Signed in as **{name}** · role: **{role}**", name=md_escape(actor.label), role=md_escape(role)))
    if right.button(_("Sign out"), key="tracker_sign_out"):
        if oidc_configured():
            st.logout()
        sign_out()
        st.rerun()
