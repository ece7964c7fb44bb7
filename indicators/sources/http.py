"""The one HTTP session every loader uses.

All network access in the library goes through :func:`get_session`: a requests-cache session on a
SQLite file, with retry and backoff on 429 and 5xx answers. Secrets passed as query parameters
(the Census ``key``, HUD and Socrata tokens) are never part of the cache key nor stored in cached
responses.

Secrets never reach the logs: importing this module installs :class:`SecretMaskingFilter` for the
records of the ``indicators``, ``requests_cache`` and ``urllib3`` loggers (and their children), which
at DEBUG level log full request URLs such as "Skipping cache write for URL: ...&key=...".

A request about a person (``private=True``: the address a resident types into the geocoder) is never cached,
never retried and never logged with its parameters: :data:`PRIVATE_PARAMS` are masked like secrets.

Offline mode (``HRC_OFFLINE=1`` or ``set_offline(True)``) answers only from the cache and raises
:class:`OfflineError` for anything not cached, so a build on a laptop without a network fails
clearly instead of hanging. An answer fetched with a key is found again by the same request made
without one (see :func:`cache_key`), as happens offline where no key is configured.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests_cache.cache_keys import create_key
from urllib3.util.retry import Retry

from indicators.core.cities import cache_dir

log = logging.getLogger(__name__)

#: query parameters and headers that carry credentials
SECRET_PARAMS = ("key", "api_key", "token", "$$app_token", "app_token")
SECRET_HEADERS = ("Authorization", "X-App-Token")
#: query parameters that describe a person (a home address): masked in every message, never cached
PRIVATE_PARAMS = ("address",)

DEFAULT_CACHE = cache_dir() / "http"
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
    """Replace the values of credential and private parameters in a URL or message with ``***``."""
    for name in SECRET_PARAMS + PRIVATE_PARAMS:
        text = re.sub(rf"([?&]{re.escape(name)}=)[^&\s#]+", r"\1***", text)
    return text


#: loggers whose records (and those of their children) have their secrets masked
MASKED_LOGGERS = ("indicators", "requests_cache", "urllib3")


def _mask_value(value):
    """A log argument with its secrets masked; values without any are returned unchanged."""
    if isinstance(value, str):
        return mask_secrets(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    try:
        text = str(value)
    except Exception:  # an object that cannot print itself cannot leak through %s either
        return value
    masked = mask_secrets(text)
    # replaced only when it held a secret, so %d and %r of harmless values keep working
    return masked if masked != text else value


class SecretMaskingFilter(logging.Filter):
    """Mask credential parameters (:data:`SECRET_PARAMS`) in a log record.

    The message (text, or an object such as an exception), its arguments (a tuple or a mapping) and
    the text of an attached traceback are passed through :func:`mask_secrets`, so ``...&key=abc`` is
    logged as ``...&key=***``. The record is always kept. It can also be added to a handler of an
    application's own.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask_value(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {k: _mask_value(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_mask_value(v) for v in record.args)
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            masked = mask_secrets(text)
            if masked != text:
                record.exc_text = masked
        return True


_SECRET_FILTER = SecretMaskingFilter()


def _masked_logger(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in MASKED_LOGGERS)


def install_log_masking() -> None:
    """Mask secrets in every record of the :data:`MASKED_LOGGERS` and their children (idempotent).

    A filter added to a logger only sees the records made by that very logger, not those of its
    children (``urllib3.connectionpool``, ``requests_cache.session``, loggers of modules imported
    later), so the filter is applied where records are made: in the log record factory, wrapped
    around whichever factory is in place.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_secrets", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if _masked_logger(record.name):
            _SECRET_FILTER.filter(record)
        return record

    factory.masks_secrets = True
    logging.setLogRecordFactory(factory)


install_log_masking()


def _without_secret_params(url: str) -> str:
    """The URL with every secret query parameter removed (other parameters left byte for byte)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [piece for piece in parts.query.split("&")
            if unquote_plus(piece.split("=", 1)[0]) not in SECRET_PARAMS]
    return urlunsplit(parts._replace(query="&".join(kept)))


def cache_key(request, ignored_parameters=None, match_headers=False, serializer=None, **kwargs) -> str:
    """Cache key of a request, the same whether or not it carries a secret parameter.

    requests-cache replaces an ignored parameter's value by ``REDACTED`` in the key but keeps the
    parameter, so ``?get=x&key=abc`` and ``?get=x`` got different keys, and an offline build (which
    has no key to send) missed answers cached by an online one. Secret parameters are therefore
    dropped from the URL before requests-cache makes its key; URLs without secrets keep the key
    they always had. An answer cached before this change under a key with ``REDACTED`` is fetched
    once more when next online.
    """
    if isinstance(request, requests.Request):
        request = requests.Session().prepare_request(request)
    else:
        request = request.copy()
    request.url = _without_secret_params(request.url or "")
    return create_key(request, ignored_parameters=ignored_parameters, match_headers=match_headers,
                      serializer=serializer, **kwargs)


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
        key_fn=cache_key,
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
        session: requests.Session | None = None, private: bool = False) -> requests.Response:
    """GET through the shared session, honouring offline mode.

    In offline mode only a cached answer is returned; anything else raises :class:`OfflineError`.
    Connection failures become :class:`OfflineError` too, with the secret parameters masked.

    ``private``: the request carries something about a person (:data:`PRIVATE_PARAMS`). It is neither read
    from nor written to the cache, is not retried (someone is waiting for the answer), and offline it fails at
    once, since no cached answer may exist for it.
    """
    sess = session or get_session()
    if private:
        return _get_private(sess, url, params=params, headers=headers, timeout=timeout)
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


#: no retries: a person waits for these answers, and a second try of a refused one changes nothing
_NO_RETRY = Retry(total=0, connect=0, read=0, redirect=2, status=0, raise_on_status=False)


def _get_private(sess: requests.Session, url: str, *, params, headers, timeout) -> requests.Response:
    if is_offline():
        raise OfflineError(f"offline: {mask_secrets(url)}")
    parts = urlsplit(url)
    prefix = f"{parts.scheme}://{parts.netloc}/"
    if not getattr(sess.adapters.get(prefix), "private_requests", False):
        adapter = HTTPAdapter(max_retries=_NO_RETRY)
        adapter.private_requests = True
        sess.mount(prefix, adapter)
    kwargs = {}
    if isinstance(sess, requests_cache.CachedSession):
        kwargs["expire_after"] = requests_cache.DO_NOT_CACHE
    try:
        return sess.get(url, params=params, timeout=timeout,
                        headers={**(headers or {}), "Cache-Control": "no-store"}, **kwargs)
    except requests.RequestException as exc:
        raise OfflineError(f"could not reach {mask_secrets(url)}: {type(exc).__name__}") from None


def forget_cached(session: requests.Session, response: requests.Response) -> None:
    """Drop an error page that a cache stored as a 200, so the next try asks the service again."""
    cache = getattr(session, "cache", None)
    if cache is None or response.request is None:
        return
    try:
        cache.delete(requests=[response.request])
    except Exception as exc:  # a cache that cannot delete is no reason to hide the service's error
        log.debug("could not drop an error answer from the HTTP cache: %s", type(exc).__name__)
