"""Password sign-in that a stolen session id, a flood of guesses or a second app replica cannot break.

A signed-in browser holds a cookie, set by the app's sign-in route (never by the page's websocket session):

``<secret>.<expires>.<signature>``
    ``secret`` 32 random bytes (URL-safe base64), ``expires`` the Unix time it ends, ``signature`` an HMAC-SHA256
    of both with the deployment's ``[tracker] session_secret``. The store keeps only the SHA-256 of the secret,
    with the account, the end time and a fingerprint of the password hash signed in with.

Every page run checks the cookie (:meth:`SignIns.actor`): signature, end time, the store's record (not signed
out, not expired) and the account in the secrets (still there, same password hash). So a session id presented on
another connection brings no sign-in with it, a reload keeps it, signing out ends it on every replica, and
changing an editor's password or removing the account ends their sessions.

Failed sign-ins are counted in the store too, against the user name and against the client (its address, behind a
trusted proxy the address the proxy forwards), so every replica sees them. A key with failures past its free
allowance must wait a delay that doubles with each further failure (:data:`CLIENT_POLICY`,
:data:`USER_POLICY`): guessing slows to a crawl, and the right password is never locked out for long. A browser
that signed in as a user before carries a signed device cookie for that user name and is not slowed by failures
others caused on the name.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import sessionmaker

from indicators.core.i18n import N_
from indicators.tracker.auth import (
    Actor,
    SignInError,
    User,
    burn_time_like_a_check,
    check_password,
    credential_fingerprint,
)
from indicators.tracker.db import writer
from indicators.tracker.errors import Message
from indicators.tracker.models import SignInFailure, SignInSession, utc_now

SESSION_COOKIE = "hrc_session"
DEVICE_COOKIE = "hrc_device"
SESSION_HOURS = 12
DEVICE_DAYS = 365
#: the shortest ``[tracker] session_secret`` accepted
MIN_SECRET_CHARS = 32


@dataclass(frozen=True)
class ThrottlePolicy:
    """Failures a key may have within ``window`` seconds before it must wait; the wait then doubles with each
    further failure, from ``first_delay`` to at most ``max_delay`` seconds."""

    free: int
    first_delay: float
    max_delay: float
    window: float

    def delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.max_delay, self.first_delay * 2 ** (failures - self.free))


#: a client (one address): 5 free tries, then 30 s, 1 min, 2 min … up to 15 minutes
CLIENT_POLICY = ThrottlePolicy(free=5, first_delay=30, max_delay=900, window=24 * 3600)
#: a user name, for browsers that never signed in as it: 10 free tries, then 30 s, 1 min … up to 5 minutes
USER_POLICY = ThrottlePolicy(free=10, first_delay=30, max_delay=300, window=24 * 3600)


class SlowDown(SignInError):
    """Too many failed sign-ins from this client or for this name lately: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, round(retry_after))
        if self.retry_after < 90:
            message = Message(N_("Too many failed sign-in attempts. Try again in {seconds} seconds."),
                              seconds=self.retry_after)
        else:
            message = Message(N_("Too many failed sign-in attempts. Try again in about {minutes} minutes."),
                              minutes=max(2, round(self.retry_after / 60)))
        super().__init__(message)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SignIns:
    """Sessions and failed attempts of password sign-in, kept in a tracker store's database.

    ``secret`` signs the cookies; every replica of the app must be given the same one (``[tracker]
    session_secret``).
    """

    def __init__(self, engine: Engine, secret: str, *, clock=utc_now) -> None:
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_CHARS:
            raise ValueError(f"the session secret needs at least {MIN_SECRET_CHARS} characters")
        self._secret = secret.encode("utf-8")
        self._read = sessionmaker(bind=engine)
        self._write = sessionmaker(bind=writer(engine))
        self._now = clock

    # ------------------------------------------------------------------ signing

    def _sign(self, purpose: str, *parts: str) -> str:
        message = "|".join((purpose, *parts)).encode("utf-8")
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def _signed(self, purpose: str, value: str | None) -> list[str] | None:
        """The parts of a signed cookie value of ``purpose``, when its signature holds and it has not ended."""
        if not value or not isinstance(value, str) or len(value) > 600:
            return None
        *parts, signature = value.split(".")
        if len(parts) < 2 or not hmac.compare_digest(self._sign(purpose, *parts), signature):
            return None
        try:
            ends = int(parts[-1])
        except ValueError:
            return None
        return parts if ends > self._now().timestamp() else None

    # ------------------------------------------------------------------ throttling

    def wait_needed(self, *, user: str, client: str | None, device: str | None = None) -> float:
        """Seconds this attempt must still wait (0: it may go ahead)."""
        waits = [self._wait(f"client:{client or 'unknown'}", CLIENT_POLICY)]
        if not self.trusted_device(device, user):
            waits.append(self._wait(f"user:{user}", USER_POLICY))
        return max(waits)

    def _wait(self, key: str, policy: ThrottlePolicy) -> float:
        now = self._now()
        with self._read() as s:
            count, last = s.execute(
                select(func.count(SignInFailure.id), func.max(SignInFailure.failed_at))
                .where(SignInFailure.key_hash == _digest(key),
                       SignInFailure.failed_at > now - dt.timedelta(seconds=policy.window))).one()
        if not count or last is None:
            return 0.0
        last = last.replace(tzinfo=dt.UTC) if last.tzinfo is None else last
        return max(0.0, policy.delay(count) - (now - last).total_seconds())

    def record_failure(self, *, user: str, client: str | None, device: str | None = None) -> None:
        now = self._now()
        keys = [f"client:{client or 'unknown'}"]
        if not self.trusted_device(device, user):
            keys.append(f"user:{user}")
        with self._write() as s, s.begin():
            s.add_all(SignInFailure(key_hash=_digest(key), failed_at=now) for key in keys)
            # failures older than the longest window count for nothing: drop them
            s.execute(delete(SignInFailure).where(SignInFailure.failed_at < now - dt.timedelta(
                seconds=max(CLIENT_POLICY.window, USER_POLICY.window))))

    def forget_failures(self, *, user: str) -> None:
        """A successful sign-in clears the failures counted against the name (not those of the client)."""
        with self._write() as s, s.begin():
            s.execute(delete(SignInFailure).where(SignInFailure.key_hash == _digest(f"user:{user}")))

    def device_cookie(self, user: str) -> str:
        """A signed cookie value that marks this browser as one that signed in as ``user``."""
        ends = str(int((self._now() + dt.timedelta(days=DEVICE_DAYS)).timestamp()))
        nonce = _b64(secrets.token_bytes(9))
        return ".".join((_b64(user.encode("utf-8")), nonce, ends, self._sign("device", _b64(user.encode()), nonce,
                                                                             ends)))

    def trusted_device(self, value: str | None, user: str) -> bool:
        parts = self._signed("device", value)
        return parts is not None and len(parts) == 3 and parts[0] == _b64(user.encode("utf-8"))

    # ------------------------------------------------------------------ sign in and out

    def sign_in(self, users: Mapping[str, User], username: str, password: str, *, client: str | None,
                device: str | None = None) -> tuple[Actor, str]:
        """Check a password sign-in; return the actor and the session cookie's value, or raise
        :class:`SlowDown` (before any password is checked) or :class:`SignInError`."""
        name = (username or "").strip().lower()[:200]
        wait = self.wait_needed(user=name, client=client, device=device)
        if wait > 0:
            raise SlowDown(wait)
        user = users.get(name)
        if user is None:
            burn_time_like_a_check(password or "", users)
            ok = False
        else:
            ok = check_password(password or "", user.password_hash)
        if not ok:
            self.record_failure(user=name, client=client, device=device)
            raise SignInError(N_("Unknown user name or wrong password."))
        self.forget_failures(user=name)
        return user.actor(), self.start_session(user)

    def start_session(self, user: User, hours: float = SESSION_HOURS) -> str:
        now = self._now()
        ends = now + dt.timedelta(hours=hours)
        secret = _b64(secrets.token_bytes(32))
        with self._write() as s, s.begin():
            s.add(SignInSession(token_hash=_digest(secret), user_id=user.username, method="password",
                                credential=credential_fingerprint(user.password_hash), created_at=now,
                                expires_at=ends, revoked_at=None))
        stamp = str(int(ends.timestamp()))
        return ".".join((secret, stamp, self._sign("session", secret, stamp)))

    def actor(self, cookie: str | None, users: Mapping[str, User]) -> Actor | None:
        """The signed-in person a session cookie stands for, or None (forged, ended, signed out, the account gone
        or its password changed)."""
        parts = self._signed("session", cookie)
        if parts is None or len(parts) != 2:
            return None
        with self._read() as s:
            row = s.scalars(select(SignInSession).where(SignInSession.token_hash == _digest(parts[0]))).first()
        if row is None or row.revoked_at is not None or row.expires_at <= self._now():
            return None
        user = users.get(row.user_id)
        if user is None or not hmac.compare_digest(credential_fingerprint(user.password_hash), row.credential):
            return None
        return user.actor()

    def sign_out(self, cookie: str | None) -> bool:
        """End the session of ``cookie`` on every replica; True when there was one to end."""
        parts = self._signed("session", cookie)
        if parts is None:
            return False
        with self._write() as s, s.begin():
            ended = s.execute(update(SignInSession).where(SignInSession.token_hash == _digest(parts[0]),
                                                          SignInSession.revoked_at.is_(None))
                              .values(revoked_at=self._now()))
        return bool(ended.rowcount)
