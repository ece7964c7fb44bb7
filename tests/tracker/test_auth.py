"""Accounts and sign-in without Streamlit: bcrypt hashes from secrets (of a sufficient cost), roles, OpenID
Connect claims, and the sessions and failed attempts kept in the store (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

import datetime as dt

from indicators.tracker.auth import (
    Actor,
    SignInError,
    User,
    burn_time_like_a_check,
    check_password,
    hash_password,
    load_users,
    oidc_actor,
    require,
    role_for_email,
)
from indicators.tracker.errors import PermissionDenied, ValidationError
from indicators.tracker.sessions import CLIENT_POLICY, USER_POLICY, SignIns, SlowDown

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def users():
    return load_users({
        "alice": {"name": "Alice Organizer", "role": "editor", "password_hash": hash_password(PASSWORD, rounds=10)},
        "carl": {"role": "city", "password_hash": hash_password("city liaison password", rounds=10)},
    })


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


SECRET = "a session secret of at least thirty-two characters"


def test_hash_checks_only_its_own_password():
    hashed = hash_password(PASSWORD, rounds=10)
    assert hashed.startswith("$2b$10$")
    assert check_password(PASSWORD, hashed)
    assert not check_password(PASSWORD + "!", hashed)
    assert not check_password(PASSWORD, "plain-text-password")
    assert not check_password("x" * 100, hashed)


def test_short_and_overlong_passwords_are_refused_when_hashing():
    with pytest.raises(ValueError, match="at least 12"):
        hash_password("short")
    with pytest.raises(ValueError, match="72 bytes"):
        hash_password("é" * 40)


def test_users_from_secrets_are_checked_and_plain_passwords_refused():
    with pytest.raises(ValidationError) as info:
        load_users({"bob": {"role": "editor", "password_hash": "hunter2"},
                    "eve": {"role": "admin", "password_hash": hash_password(PASSWORD, rounds=10)}})
    message = str(info.value)
    assert "tracker.users.bob: password_hash is not a bcrypt hash" in message
    assert "tracker.users.eve: role 'admin' is not one of editor, city, community, reviewer, viewer" in message


def test_roles_grant_only_their_writes():
    require(Actor("a", "editor"), "import recommendations")
    with pytest.raises(PermissionDenied, match="Sign in"):
        require(None, "edit priority lists")
    with pytest.raises(PermissionDenied, match="role 'city' of c may not edit priority lists"):
        require(Actor("c", "city"), "edit priority lists")
    with pytest.raises(ValueError):
        Actor("x", "superuser")


def test_openid_users_get_the_role_listed_for_their_verified_email_or_viewer():
    roles = {"Alice@Example.org": "editor", "bob@example.org": "root"}
    assert role_for_email(roles, "alice@example.org", verified=True) == "editor"
    assert role_for_email(roles, "alice@example.org", verified="true") == "editor"
    assert role_for_email(roles, "bob@example.org", verified=True) == "viewer"
    assert role_for_email(roles, "nobody@example.org", verified=True) == "viewer"
    assert role_for_email(roles, None, verified=True) == "viewer"


@pytest.mark.parametrize("verified", [False, "false", None, 1, "yes"])
def test_an_unverified_email_gets_no_role_whatever_the_roles_list(verified):
    roles = {"alice@example.org": "editor"}
    assert role_for_email(roles, "alice@example.org", verified=verified) == "viewer"
    claims = {"sub": "1234", "email": "alice@example.org", "email_verified": verified, "name": "Alice"}
    actor = oidc_actor(claims, roles)
    assert (actor.role, actor.user_id) == ("viewer", "oidc:1234")


def test_an_openid_user_is_shown_to_the_public_by_name_never_by_address():
    roles = {"alice@example.org": "editor"}
    actor = oidc_actor({"sub": "1", "email": "alice@example.org", "email_verified": True, "name": "Alice Organizer"},
                       roles)
    assert (actor.user_id, actor.role, actor.public_name) == ("alice@example.org", "editor", "Alice Organizer")
    # a provider whose "name" is the address: the public sees no name (the pages show the role)
    nameless = oidc_actor({"sub": "2", "email": "alice@example.org", "email_verified": True,
                           "name": "alice@example.org"}, roles)
    assert nameless.public_name == "" and nameless.role == "editor"


def test_a_stored_hash_of_low_bcrypt_cost_is_refused_when_the_accounts_are_read():
    weak = "$2b$04$" + "a" * 53
    with pytest.raises(ValidationError, match="tracker.users.bob: password_hash has bcrypt cost 4; the least "
                                              "accepted is 10"):
        load_users({"bob": {"role": "editor", "password_hash": weak}})
    with pytest.raises(ValueError, match="at least 10"):
        hash_password(PASSWORD, rounds=4)


def test_an_unknown_name_is_checked_against_a_hash_of_the_accounts_own_cost(users, monkeypatch):
    """An attacker cannot tell a known name from an unknown one by how fast the refusal comes: the unknown name's
    password is checked against a hash of the same bcrypt cost as the accounts' (not a cheaper or dearer one)."""
    from indicators.tracker import auth

    checked = []
    monkeypatch.setattr(auth, "check_password", lambda password, hashed: checked.append(hashed) or False)
    burn_time_like_a_check("guess", users)
    burn_time_like_a_check("guess", {"x": User("x", "editor", "X", hash_password(PASSWORD, rounds=11))})
    assert [auth.bcrypt_cost(h) for h in checked] == [10, 11]


# ------------------------------------------------------------------ sessions and throttling in the store

@pytest.fixture
def sign_ins(store):
    clock = FakeClock()
    keeper = SignIns(store.engine, SECRET, clock=clock)
    keeper.clock = clock
    return keeper


def test_a_session_cookie_stands_for_its_editor_until_signed_out_on_every_replica(store, sign_ins, users):
    actor, cookie = sign_ins.sign_in(users, "Alice", PASSWORD, client="10.0.0.1")
    assert actor == Actor("alice", "editor", "Alice Organizer")
    other_replica = SignIns(store.engine, SECRET, clock=sign_ins.clock)
    assert other_replica.actor(cookie, users) == actor
    assert SignIns(store.engine, SECRET[::-1], clock=sign_ins.clock).actor(cookie, users) is None
    assert other_replica.sign_out(cookie) is True
    assert sign_ins.actor(cookie, users) is None


def test_a_session_ends_when_it_expires_or_the_password_changes(sign_ins, users):
    _actor, cookie = sign_ins.sign_in(users, "alice", PASSWORD, client=None)
    changed = {**users, "alice": User("alice", "editor", "Alice Organizer",
                                      hash_password("a new long password", rounds=10))}
    assert sign_ins.actor(cookie, changed) is None
    assert sign_ins.actor(cookie, {"carl": users["carl"]}) is None
    sign_ins.clock.advance(12 * 3600 + 1)
    assert sign_ins.actor(cookie, users) is None


def test_wrong_password_and_unknown_user_give_the_same_message(sign_ins, users):
    with pytest.raises(SignInError) as wrong:
        sign_ins.sign_in(users, "alice", "nope", client="10.0.0.2")
    with pytest.raises(SignInError) as unknown:
        sign_ins.sign_in(users, "mallory", "nope", client="10.0.0.3")
    assert str(wrong.value) == str(unknown.value) == "Unknown user name or wrong password."


def test_failures_from_one_client_make_it_wait_ever_longer_and_then_forget(sign_ins, users):
    for n in range(5):
        with pytest.raises(SignInError) as info:
            sign_ins.sign_in(users, f"name{n}", "guess", client="203.0.113.9")
        assert not isinstance(info.value, SlowDown)
    with pytest.raises(SlowDown) as slowed:
        sign_ins.sign_in(users, "alice", PASSWORD, client="203.0.113.9")
    assert slowed.value.retry_after == 30
    assert str(slowed.value) == "Too many failed sign-in attempts. Try again in 30 seconds."
    sign_ins.clock.advance(31)
    with pytest.raises(SignInError):
        sign_ins.sign_in(users, "alice", "guess again", client="203.0.113.9")
    with pytest.raises(SlowDown) as slowed:
        sign_ins.sign_in(users, "alice", PASSWORD, client="203.0.113.9")
    assert slowed.value.retry_after == 60 and "Try again in 60 seconds" in str(slowed.value)
    # another client is not slowed; the right password signs in
    assert sign_ins.sign_in(users, "alice", PASSWORD, client="198.51.100.7")[0].user_id == "alice"
    sign_ins.clock.advance(CLIENT_POLICY.window + 1)
    assert sign_ins.sign_in(users, "alice", PASSWORD, client="203.0.113.9")[0].user_id == "alice"


def test_failures_on_a_name_slow_only_browsers_that_never_signed_in_as_it(sign_ins, users):
    device = sign_ins.device_cookie("alice")
    for n in range(USER_POLICY.free):
        with pytest.raises(SignInError):
            sign_ins.sign_in(users, "alice", "guess", client=f"192.0.2.{n}")
    with pytest.raises(SlowDown):
        sign_ins.sign_in(users, "alice", PASSWORD, client="192.0.2.200")
    assert sign_ins.sign_in(users, "alice", PASSWORD, client="198.51.100.8", device=device)[0].user_id == "alice"
    # a device cookie is for its own name only, and a forged one is worth nothing
    assert not sign_ins.trusted_device(device, "carl")
    assert not sign_ins.trusted_device(device[:-2] + "xx", "alice")
