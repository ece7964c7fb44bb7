"""Who may write what, and password sign-in without Streamlit: roles, bcrypt checks, a rate limiter.

Roles (given to people in the deployment's secrets, never in code):

``editor``
    coalition organisers: both status tracks, priority lists, importing recommendations.
``city``
    a city government liaison: only the city-government claims.
``community``
    a community assessor: only the community assessment.
``reviewer``
    a coalition member who moderates residents' testimony (accepts, asks for changes, rejects) and enters
    testimony gathered at a meeting or by phone.
``viewer``
    signed in but read-only (the default for an OpenID Connect user with no role assigned).

Editors may also review testimony, log campaign actions and write reports; community assessors may enter
testimony gathered at a meeting or by phone.

The store checks the role on every write (:func:`require`), whatever a page shows or hides.
Password hashes are bcrypt (``$2b$``), kept in ``st.secrets``::

    [tracker.users.alice]
    name = "Alice Example"
    role = "editor"
    password_hash = "$2b$12$..."   # python -m indicators upr hash-password

With OpenID Connect (``[auth]`` configured) roles are given by e-mail address::

    [tracker.roles]
    "alice@example.org" = "editor"
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import bcrypt

from indicators.core.i18n import N_
from indicators.tracker.errors import Message, PermissionDenied, Problem, TrackerError, ValidationError

# permissions, named in words: they complete "Sign in to …" and "… may not …"
IMPORT = N_("import recommendations")
EDIT_PRIORITIES = N_("edit priority lists")
EDIT_CITY_STATUS = N_("edit city-government claims")
EDIT_COMMUNITY_STATUS = N_("edit community assessments")
REVIEW_TESTIMONY = N_("review residents' testimony")
RECORD_TESTIMONY = N_("enter testimony gathered at a meeting or by phone")
EDIT_CAMPAIGN = N_("log campaign actions")
WRITE_REPORTS = N_("write reports")

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "editor": frozenset({IMPORT, EDIT_PRIORITIES, EDIT_CITY_STATUS, EDIT_COMMUNITY_STATUS, REVIEW_TESTIMONY,
                         RECORD_TESTIMONY, EDIT_CAMPAIGN, WRITE_REPORTS}),
    "city": frozenset({EDIT_CITY_STATUS}),
    "community": frozenset({EDIT_COMMUNITY_STATUS, RECORD_TESTIMONY}),
    "reviewer": frozenset({REVIEW_TESTIMONY, RECORD_TESTIMONY}),
    "viewer": frozenset(),
    # the app itself, seeding an empty store from the city snapshot; never given to a person
    "system": frozenset({IMPORT}),
}
ASSIGNABLE_ROLES = ("editor", "city", "community", "reviewer", "viewer")
STATUS_PERMISSION = {"city": EDIT_CITY_STATUS, "community": EDIT_COMMUNITY_STATUS}

BCRYPT_HASH = re.compile(r"^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$")
BCRYPT_MAX_BYTES = 72   # bcrypt ignores (bcrypt>=5: refuses) anything longer
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Actor:
    """The person (or the app) doing a write: recorded in every version it creates."""

    user_id: str
    role: str
    name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLE_PERMISSIONS:
            raise ValueError(f"unknown role {self.role!r}")
        if not self.user_id:
            raise ValueError("an actor needs a user id")

    @property
    def label(self) -> str:
        return self.name or self.user_id

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


SYSTEM_SEED = Actor("system:snapshot-seed", "system", "Snapshot seed")


def require(actor: Actor | None, permission: str) -> Actor:
    """Return ``actor`` if its role grants ``permission``; raise :class:`PermissionDenied` otherwise."""
    if not isinstance(actor, Actor):
        raise PermissionDenied(Message(N_("Sign in to {permission}."), permission=Message(permission)))
    if not actor.can(permission):
        raise PermissionDenied(Message(N_("The role '{role}' of {name} may not {permission}."), role=actor.role,
                                       name=actor.label, permission=Message(permission)))
    return actor


def hash_password(password: str, *, rounds: int = 12) -> str:
    """A bcrypt hash of ``password`` for the secrets file."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"use at least {MIN_PASSWORD_LENGTH} characters")
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        raise ValueError(f"bcrypt uses at most {BCRYPT_MAX_BYTES} bytes of a password; use a shorter one")
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password: str, password_hash: str) -> bool:
    """True when ``password`` matches the bcrypt ``password_hash``; False for anything malformed."""
    data = password.encode("utf-8") if isinstance(password, str) else b""
    if not data or len(data) > BCRYPT_MAX_BYTES or not BCRYPT_HASH.match(password_hash or ""):
        return False
    try:
        return bcrypt.checkpw(data, password_hash.encode("ascii"))
    except ValueError:
        return False


_dummy_hash: str | None = None


def _burn_time_like_a_check(password: str) -> None:
    """Spend the time of one bcrypt check so an unknown user name is not revealed by timing."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = bcrypt.hashpw(b"not a password of anyone", bcrypt.gensalt(12)).decode("ascii")
    check_password(password, _dummy_hash)


@dataclass(frozen=True)
class User:
    """A password account from the secrets."""

    username: str
    role: str
    name: str
    password_hash: str

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.name)


def load_users(section: Mapping | None) -> dict[str, User]:
    """Read ``[tracker.users.<username>]`` tables; raise :class:`ValidationError` naming bad entries."""
    users: dict[str, User] = {}
    problems: list[Problem] = []
    for username, entry in (section or {}).items():
        field = f"tracker.users.{username}"
        if not re.match(r"^[A-Za-z0-9_.@-]{1,80}$", str(username)):
            problems.append(Problem(N_("user names use letters, digits and _ . @ -"), field))
            continue
        if not isinstance(entry, Mapping):
            problems.append(Problem(N_("must be a table with role and password_hash"), field))
            continue
        role = entry.get("role", "")
        if role not in ASSIGNABLE_ROLES:
            problems.append(Problem(Message(N_("role {role} is not one of {choices}"), role=repr(role),
                                            choices=", ".join(ASSIGNABLE_ROLES)), field))
            continue
        password_hash = str(entry.get("password_hash", ""))
        if not BCRYPT_HASH.match(password_hash):
            problems.append(Problem(N_("password_hash is not a bcrypt hash (python -m indicators upr "
                                       "hash-password)"), field))
            continue
        users[str(username).lower()] = User(str(username).lower(), role, str(entry.get("name") or username),
                                            password_hash)
    if problems:
        raise ValidationError(problems, title=N_("Sign-in is not configured correctly"))
    return users


def role_for_email(roles: Mapping | None, email: str | None) -> str:
    """The role ``[tracker.roles]`` gives an OpenID Connect user; ``viewer`` when not listed."""
    if not email:
        return "viewer"
    wanted = email.strip().lower()
    for address, role in (roles or {}).items():
        if str(address).strip().lower() == wanted and role in ASSIGNABLE_ROLES:
            return role
    return "viewer"


class SignInError(TrackerError):
    """Wrong user name or password (the message does not say which)."""


class RateLimited(SignInError):
    """Too many failed sign-ins; ``retry_after`` seconds until the next attempt is accepted."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(Message(N_("Too many failed sign-in attempts. Try again in about {minutes} minutes."),
                                 minutes=minutes) if minutes != 1 else
                         N_("Too many failed sign-in attempts. Try again in about a minute."))


class LoginRateLimiter:
    """Failed sign-ins counted per key (user name, client address) in a sliding window.

    After ``max_failures`` failures within ``window_seconds`` the key is locked for
    ``lockout_seconds``. A success clears the user-name key. One instance is shared by every
    session of the process; it is thread-safe.
    """

    def __init__(self, max_failures: int = 5, window_seconds: float = 900, lockout_seconds: float = 900,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.lockout_seconds = lockout_seconds
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str | None) -> float:
        """Seconds until any of ``keys`` may try again (0 when all may)."""
        now = self._clock()
        with self._lock:
            waits = [self._locked_until.get(k, 0.0) - now for k in keys if k]
        return max([0.0, *waits])

    def record_failure(self, *keys: str | None) -> None:
        now = self._clock()
        with self._lock:
            for key in (k for k in keys if k):
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while times and times[0] <= now - self.window_seconds:
                    times.popleft()
                if len(times) >= self.max_failures:
                    self._locked_until[key] = now + self.lockout_seconds
                    times.clear()
            self._forget_old(now)

    def record_success(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)

    def _forget_old(self, now: float) -> None:
        # keep memory bounded when many names are tried
        if len(self._failures) + len(self._locked_until) < 10_000:
            return
        for key in [k for k, t in self._failures.items() if not t or t[-1] <= now - self.window_seconds]:
            del self._failures[key]
        for key in [k for k, until in self._locked_until.items() if until <= now]:
            del self._locked_until[key]


def authenticate(users: Mapping[str, User], username: str, password: str, limiter: LoginRateLimiter,
                 client: str | None = None) -> Actor:
    """Check a password sign-in; return the :class:`Actor` or raise :class:`SignInError`.

    Refused before any password check while the user name or the client is locked out
    (:class:`RateLimited`). Unknown names cost the same bcrypt time as known ones.
    """
    name = (username or "").strip().lower()
    user_key = f"user:{name}"
    client_key = f"client:{client}" if client else None
    wait = limiter.retry_after(user_key, client_key)
    if wait > 0:
        raise RateLimited(wait)
    user = users.get(name)
    if user is None:
        _burn_time_like_a_check(password or "")
        ok = False
    else:
        ok = check_password(password or "", user.password_hash)
    if not ok:
        limiter.record_failure(user_key, client_key)
        wait = limiter.retry_after(user_key, client_key)
        if wait > 0:
            raise RateLimited(wait)
        raise SignInError(N_("Unknown user name or wrong password."))
    limiter.record_success(user_key)
    return user.actor()
