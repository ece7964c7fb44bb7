"""Sign-in against the running app (``streamlit run serve.py``): the sign-in routes over HTTP, the pages over
their websocket, as browsers use them.

- a page session's id presented on another connection brings no sign-in with it; a reload and a new tab keep it;
  signing out ends it;
- failed attempts slow down the client that made them (behind a trusted proxy: the address it forwards) and a
  user name only for browsers that never signed in as it; twenty names from one client meet the limit.
"""

from __future__ import annotations

import pytest

from indicators.tracker.auth import hash_password
from indicators.tracker.importer import ensure_seeded
from indicators.tracker.store import Store
from tests.conftest import COMMITTED_SNAPSHOT

from .signin_app import Browser, open_page, serving

PASSWORD = "a long test password"
SECRET = "a session secret shared by every replica 0123456789"


#: the accounts of the test app (one per test that counts failures against a name, so they do not add up)
EDITORS = {"alice": "Alice Organizer", "bob": "Bob Organizer", "carol": "Carol Organizer", "dana": "Dana Organizer"}


def write_secrets(path, *, trusted_proxies=("127.0.0.1",)) -> None:
    proxies = ", ".join(f'"{p}"' for p in trusted_proxies)
    hashed = hash_password(PASSWORD, rounds=10)
    path.write_text(f'[tracker]\nsession_secret = "{SECRET}"\ntrusted_proxies = [{proxies}]\n\n' + "".join(
        f'[tracker.users.{user}]\nname = "{name}"\nrole = "editor"\npassword_hash = "{hashed}"\n\n'
        for user, name in EDITORS.items()), encoding="utf-8")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("signin_app")
    store_url = f"sqlite:///{tmp / 'tracker.sqlite'}"
    store = Store.open(store_url)
    ensure_seeded(store, COMMITTED_SNAPSHOT / "upr_recommendations.parquet")
    store.close()
    write_secrets(tmp / "secrets.toml")
    with serving(tmp / "secrets.toml", store_url, tmp / "streamlit.log") as url:
        yield url


def signed_in(page, user: str = "alice") -> bool:
    return f"Signed in as **{EDITORS[user]}**" in page.text


def test_a_session_id_presented_on_another_connection_brings_no_sign_in(app):
    editor = Browser(app)
    assert editor.sign_in("alice", PASSWORD).status_code == 303
    editing = open_page(app, "/edit", cookie=editor.cookie_header)
    assert signed_in(editing) and editing.session_id
    # the editor's tab goes away; someone who learnt its session id (from a log, a shoulder) connects with it
    taken = open_page(app, "/edit", session_id=editing.session_id)
    assert taken.session_id == editing.session_id   # the server did resume that page session …
    assert not signed_in(taken)                     # … without its sign-in
    assert "Sign in to edit" in taken.text
    # the same id with the editor's own cookie: the editor, as before
    assert signed_in(open_page(app, "/edit", cookie=editor.cookie_header, session_id=editing.session_id))


def test_a_reload_and_a_new_tab_keep_the_sign_in_and_signing_out_ends_it(app):
    editor = Browser(app)
    assert editor.sign_in("alice", PASSWORD, next_path="/edit?rec=26.214").headers["location"] == \
        "/edit?rec=26.214"
    cookie = editor.cookie_header
    assert signed_in(open_page(app, "/edit", "rec=26.214", cookie=cookie))
    assert signed_in(open_page(app, "/edit", cookie=cookie))     # reload, or another tab
    assert editor.sign_out().status_code == 303
    # the old cookie, kept by a copy or another tab, no longer signs anyone in
    assert not signed_in(open_page(app, "/edit", cookie=cookie))


def test_a_forged_or_altered_cookie_signs_no_one_in(app):
    editor = Browser(app)
    editor.sign_in("alice", PASSWORD)
    secret, ends, signature = editor.http.cookies["hrc_session"].split(".")
    other_last = "B" if secret.endswith("A") else "A"     # an altered secret, whatever its last letter was
    for forged in (f"{secret}.{int(ends) + 86400}.{signature}", f"{secret[:-1]}{other_last}.{ends}.{signature}",
                   "hrc_session", "a" * 5000):
        assert not signed_in(open_page(app, "/edit", cookie=f"hrc_session={forged}"))


def test_guesses_from_one_client_slow_that_client_and_not_the_editor_elsewhere(app):
    guesser = Browser(app, forwarded_for="203.0.113.10")
    answers = [guesser.sign_in("bob", f"guess {n}").status_code for n in range(6)]
    assert answers == [401] * 5 + [429]
    slowed = guesser.sign_in("bob", PASSWORD)
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) > 0
    assert "Too many failed sign-in attempts. Try again in" in slowed.text
    # the editor, from another address behind the same proxy, signs in at once with the right password
    assert Browser(app, forwarded_for="198.51.100.20").sign_in("bob", PASSWORD).status_code == 303


def test_twenty_user_names_tried_from_one_client_meet_the_limit(app):
    guesser = Browser(app, forwarded_for="203.0.113.11")
    answers = [guesser.sign_in(f"name{n}", "guess").status_code for n in range(20)]
    assert answers[:5] == [401] * 5 and set(answers[5:]) == {429}


def test_nobody_can_lock_the_editor_out_by_failing_on_her_name(app):
    editor = Browser(app, forwarded_for="198.51.100.30")
    assert editor.sign_in("carol", PASSWORD).status_code == 303   # her browser is now known for her name
    for n in range(10):   # a guesser spreading failures over ten addresses
        assert Browser(app, forwarded_for=f"192.0.2.{n + 1}").sign_in("carol", "guess").status_code == 401
    # a browser new to the name waits now …
    assert Browser(app, forwarded_for="192.0.2.200").sign_in("carol", PASSWORD).status_code == 429
    # … but hers does not, with the right password, and failing there does not make it wait for the others
    assert editor.sign_in("carol", PASSWORD).status_code == 303


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(tmp_path):
    store_url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    Store.open(store_url).close()
    write_secrets(tmp_path / "secrets.toml", trusted_proxies=())
    with serving(tmp_path / "secrets.toml", store_url, tmp_path / "streamlit.log") as url:
        answers = [Browser(url, forwarded_for=f"203.0.113.{n}").sign_in("alice", "guess").status_code
                   for n in range(6)]
    # each request claimed another address, but they all came from one connection's address
    assert answers == [401] * 5 + [429]


def test_a_sign_in_form_posted_from_another_site_is_refused(app):
    browser = Browser(app)
    form = browser.http.get(f"{app}/account/sign-in", timeout=30)
    assert form.headers["X-Frame-Options"] == "DENY"
    token = form.text.split('name="form_token" value="')[1].split('"')[0]
    answer = browser.http.post(f"{app}/account/sign-in", headers={"Origin": "https://evil.example"},
                               data={"form_token": token, "username": "alice", "password": PASSWORD},
                               allow_redirects=False, timeout=30)
    assert answer.status_code == 400 and "hrc_session" not in answer.cookies
    away = browser.sign_in("dana", PASSWORD, next_path="https://evil.example/")
    assert away.headers["location"] == "/edit"
