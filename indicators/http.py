"""The one HTTP session every loader uses.

All network access in the library goes through :func:`get_session`: a requests-cache session on a
SQLite file, with retry and backoff on 429 and 5xx answers. Secrets passed as query parameters
(the Census ``key``, HUD and Socrata tokens) are never part of the cache key nor stored in cached
responses, and are masked in anything this module logs.

Offline mode (``HRC_OFFLINE=1`` or ``set_offline(True)``) answers only from the cache and raises
:class:`OfflineError` for anything not cached, so a build on a laptop without a network fails
clearly instead of hanging.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

#: query parameters and headers that carry credentials
SECRET_PARAMS = ("key", "api_key", "token", "$$app_token", "app_token")
SECRET_HEADERS = ("Authorization", "X-App-Token")

DEFAULT_CACHE = Path(os.environ.get("HRC_CACHE_DIR", Path.home() / ".cache" / "hrc-dashboard")) / "http"
USER_AGENT = "human-rights-city-dashboard/0.1 (+https://github.com/)"

_session: requests_cache.CachedSession | None = None
_offline: bool | None = None


class OfflineError(RuntimeError):
    """Raised when a request is needed while the library is in offline mode."""


def is_offline() -> bool:
    if _offline is not None:
        return _offline
    return os.environ.get("HRC_OFFLINE", "").lower() in {"1", "true", "yes"}


def set_offline(value: bool | None) -> None:
    """Force offline mode on or off; ``None`` returns to the ``HRC_OFFLINE`` environment variable."""
    global _offline
    _offline = value


def mask_secrets(text: str) -> str:
    """Replace the values of credential parameters in a URL or message with ``***``."""
    for name in SECRET_PARAMS:
        text = re.sub(rf"([?&]{re.escape(name)}=)[^&\s#]+", r"\1***", text)
    return text


def _retry() -> Retry:
    return Retry(
        total=4,
        backoff_factor=0.8,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


def new_session(cache_path: str | Path | None = None, *, expire_after: int = 7 * 24 * 3600) -> requests_cache.CachedSession:
    """A fresh cached session (tests use this with a temporary cache file)."""
    path = Path(cache_path) if cache_path else DEFAULT_CACHE
    path.parent.mkdir(parents=True, exist_ok=True)
    session = requests_cache.CachedSession(
        str(path),
        backend="sqlite",
        expire_after=expire_after,
        allowable_codes=(200,),
        ignored_parameters=list(SECRET_PARAMS) + list(SECRET_HEADERS),
        match_headers=False,
        stale_if_error=True,
    )
    adapter = HTTPAdapter(max_retries=_retry())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def get_session() -> requests_cache.CachedSession:
    """The process-wide cached session."""
    global _session
    if _session is None:
        _session = new_session()
    return _session


def set_session(session: requests_cache.CachedSession | None) -> None:
    """Swap the process-wide session (``None`` makes a new default one on next use)."""
    global _session
    _session = session


def get(url: str, *, params: dict | None = None, headers: dict | None = None, timeout: float = 60,
        session: requests.Session | None = None) -> requests.Response:
    """GET through the shared session, honouring offline mode.

    In offline mode only a cached answer is returned; anything else raises :class:`OfflineError`.
    Connection failures become :class:`OfflineError` too, with the secret parameters masked.
    """
    sess = session or get_session()
    if is_offline():
        if isinstance(sess, requests_cache.CachedSession):
            resp = sess.get(url, params=params, headers=headers, timeout=timeout, only_if_cached=True)
            if resp.status_code == 504:
                raise OfflineError(f"offline, and not in the cache: {mask_secrets(resp.url or url)}")
            return resp
        raise OfflineError(f"offline: {mask_secrets(url)}")
    try:
        resp = sess.get(url, params=params, headers=headers, timeout=timeout)
    except requests.ConnectionError as exc:
        raise OfflineError(f"could not reach {mask_secrets(url)}: {mask_secrets(str(exc))}") from None
    log.debug("GET %s -> %s", mask_secrets(resp.url or url), resp.status_code)
    return resp

