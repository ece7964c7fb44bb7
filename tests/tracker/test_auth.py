"""Password sign-in without Streamlit: bcrypt hashes from secrets, roles, and the failed-attempt limit."""

from __future__ import annotations

import pytest

from indicators.tracker.auth import (
    Actor,
    LoginRateLimiter,
    RateLimited,
    SignInError,
    authenticate,
    check_password,
    hash_password,
    load_users,
    require,
    role_for_email,
)
from indicators.tracker.errors import PermissionDenied, ValidationError

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def users():
    return load_users({
        "alice": {"name": "Alice Organizer", "role": "editor", "password_hash": hash_password(PASSWORD, rounds=4)},
        "carl": {"role": "city", "password_hash": hash_password("city liaison password", rounds=4)},
    })


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hash_checks_only_its_own_password():
    hashed = hash_password(PASSWORD, rounds=4)
    assert hashed.startswith("$2b$04$")
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
                    "eve": {"role": "admin", "password_hash": hash_password(PASSWORD, rounds=4)}})
    message = str(info.value)
    assert "tracker.users.bob: password_hash is not a bcrypt hash" in message
    assert "tracker.users.eve: role 'admin' is not one of editor, city, community, reviewer, viewer" in message


def test_sign_in_returns_the_actor_with_its_role(users):
    limiter = LoginRateLimiter()
    actor = authenticate(users, "Alice", PASSWORD, limiter, client="10.0.0.1")
    assert actor == Actor("alice", "editor", "Alice Organizer")
    assert authenticate(users, "carl", "city liaison password", limiter).role == "city"


def test_wrong_password_and_unknown_user_give_the_same_message(users):
    limiter = LoginRateLimiter()
    with pytest.raises(SignInError) as wrong:
        authenticate(users, "alice", "nope", limiter)
    with pytest.raises(SignInError) as unknown:
        authenticate(users, "mallory", "nope", limiter)
    assert str(wrong.value) == str(unknown.value) == "Unknown user name or wrong password."


def test_five_failures_lock_the_user_name_for_fifteen_minutes_even_with_the_right_password(users):
    clock = FakeClock()
    limiter = LoginRateLimiter(max_failures=5, window_seconds=900, lockout_seconds=900, clock=clock)
    for _ in range(4):
        with pytest.raises(SignInError) as info:
            authenticate(users, "alice", "guess", limiter, client=None)
        assert not isinstance(info.value, RateLimited)
    with pytest.raises(RateLimited):
        authenticate(users, "alice", "guess", limiter)
    with pytest.raises(RateLimited) as info:
        authenticate(users, "alice", PASSWORD, limiter)
    assert info.value.retry_after == 900
    assert "Try again in about 15 minutes" in str(info.value)
    clock.now += 901
    assert authenticate(users, "alice", PASSWORD, limiter).user_id == "alice"


def test_failures_from_one_client_across_many_names_lock_that_client(users):
    clock = FakeClock()
    limiter = LoginRateLimiter(max_failures=5, clock=clock)
    for name in ("a1", "a2", "a3", "a4"):
        with pytest.raises(SignInError):
            authenticate(users, name, "guess", limiter, client="203.0.113.9")
    with pytest.raises(RateLimited):
        authenticate(users, "a5", "guess", limiter, client="203.0.113.9")
    with pytest.raises(RateLimited):
        authenticate(users, "alice", PASSWORD, limiter, client="203.0.113.9")
    assert authenticate(users, "alice", PASSWORD, limiter, client="198.51.100.7").role == "editor"


def test_failures_outside_the_window_are_forgotten(users):
    clock = FakeClock()
    limiter = LoginRateLimiter(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(2):
        with pytest.raises(SignInError):
            authenticate(users, "alice", "guess", limiter)
    clock.now += 61
    with pytest.raises(SignInError) as info:
        authenticate(users, "alice", "guess", limiter)
    assert not isinstance(info.value, RateLimited)


def test_roles_grant_only_their_writes():
    require(Actor("a", "editor"), "import recommendations")
    with pytest.raises(PermissionDenied, match="Sign in"):
        require(None, "edit priority lists")
    with pytest.raises(PermissionDenied, match="role 'city' of c may not edit priority lists"):
        require(Actor("c", "city"), "edit priority lists")
    with pytest.raises(ValueError):
        Actor("x", "superuser")


def test_openid_users_get_the_role_listed_for_their_email_or_viewer():
    roles = {"Alice@Example.org": "editor", "bob@example.org": "root"}
    assert role_for_email(roles, "alice@example.org") == "editor"
    assert role_for_email(roles, "bob@example.org") == "viewer"
    assert role_for_email(roles, "nobody@example.org") == "viewer"
    assert role_for_email(roles, None) == "viewer"
