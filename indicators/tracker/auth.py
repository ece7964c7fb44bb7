"""Who may write what, and the password accounts: roles, bcrypt checks (sessions and throttling:
:mod:`indicators.tracker.sessions`).

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

A hash of a bcrypt cost below :data:`MIN_BCRYPT_ROUNDS` is refused when the accounts are read: it is quick to
guess offline, and its quick answer would tell anyone that the account exists.

With OpenID Connect (``[auth]`` configured) roles are given by e-mail address, to addresses the identity provider
says it has verified (``email_verified``) only::

    [tracker.roles]
    "alice@example.org" = "editor"

The public pages show a person's name (the provider's ``name``), never their e-mail address.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
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

BCRYPT_HASH = re.compile(r"^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$")
#: the lowest bcrypt cost accepted (OWASP: at least 10); new hashes are made at :data:`BCRYPT_ROUNDS`
MIN_BCRYPT_ROUNDS = 10
BCRYPT_ROUNDS = 12
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

    @property
    def public_name(self) -> str:
        """The name the public pages show for this person's edits: never an e-mail address ("" when the only
        name known is one: the pages then show the role)."""
        name = " ".join((self.name or "").split())
        return "" if "@" in name else name

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


def hash_password(password: str, *, rounds: int = BCRYPT_ROUNDS) -> str:
    """A bcrypt hash of ``password`` for the secrets file."""
    if rounds < MIN_BCRYPT_ROUNDS:
        raise ValueError(f"use a bcrypt cost of at least {MIN_BCRYPT_ROUNDS}")
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


def bcrypt_cost(password_hash: str) -> int:
    """The cost (log2 of the rounds) a bcrypt hash was made with; 0 for anything that is not one."""
    found = BCRYPT_HASH.match(password_hash or "")
    return int(found.group(1)) if found else 0


@functools.cache
def _dummy_hash(rounds: int) -> str:
    return bcrypt.hashpw(b"not a password of anyone", bcrypt.gensalt(rounds)).decode("ascii")


def burn_time_like_a_check(password: str, users: Mapping[str, "User"] | None = None) -> None:
    """Spend the time of one bcrypt check at the accounts' cost, so an unknown user name answers as slowly as a
    known one and timing does not reveal which names exist."""
    rounds = max([BCRYPT_ROUNDS if not users else 0, *(bcrypt_cost(u.password_hash) for u in (users or {}).values())])
    check_password(password, _dummy_hash(max(rounds, MIN_BCRYPT_ROUNDS)))


def credential_fingerprint(password_hash: str) -> str:
    """What a session remembers of the password hash it was signed in with (a changed password ends it)."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()


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
        if bcrypt_cost(password_hash) < MIN_BCRYPT_ROUNDS:
            problems.append(Problem(Message(N_("password_hash has bcrypt cost {cost}; the least accepted is {least} "
                                               "(make a new one with python -m indicators upr hash-password)"),
                                            cost=bcrypt_cost(password_hash), least=MIN_BCRYPT_ROUNDS), field))
            continue
        users[str(username).lower()] = User(str(username).lower(), role, str(entry.get("name") or username),
                                            password_hash)
    if problems:
        raise ValidationError(problems, title=N_("Sign-in is not configured correctly"))
    return users


def role_for_email(roles: Mapping | None, email: str | None, *, verified: object = False) -> str:
    """The role ``[tracker.roles]`` gives an OpenID Connect user whose address the provider ``verified``;
    ``viewer`` when it is not listed or not verified (anyone can claim an address they do not own)."""
    if not email or not email_verified(verified):
        return "viewer"
    wanted = email.strip().lower()
    for address, role in (roles or {}).items():
        if str(address).strip().lower() == wanted and role in ASSIGNABLE_ROLES:
            return role
    return "viewer"


def email_verified(claim: object) -> bool:
    """The ``email_verified`` claim of an ID token as a truth value (some providers send ``"true"`` as text)."""
    return claim is True or (isinstance(claim, str) and claim.strip().lower() == "true")


def oidc_actor(claims: Mapping, roles: Mapping | None) -> Actor:
    """The actor of an OpenID Connect user from the ID token's claims: the verified e-mail address (else the
    subject) records their edits, the role comes from ``[tracker.roles]`` for a verified address only, and the
    name shown to the public is the ``name`` claim, never an address."""
    email = str(claims.get("email") or "").strip()
    verified = email_verified(claims.get("email_verified"))
    user_id = email if email and verified else f"oidc:{claims.get('sub') or 'unknown'}"
    name = " ".join(str(claims.get("name") or claims.get("given_name") or "").split())
    if "@" in name:
        name = ""
    return Actor(user_id[:200], role_for_email(roles, email, verified=verified), name[:200])


class SignInError(TrackerError):
    """Wrong user name or password (the message does not say which)."""
