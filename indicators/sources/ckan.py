"""CKAN datastore API (regional and city open-data portals that run CKAN).

A CKAN portal serves a table two ways: the ``datastore_search`` / ``datastore_search_sql`` actions
of its action API (``<base_url>/api/3/action/<action>``), and a CSV dump of the whole table
(``<base_url>/datastore/dump/<resource_id>``). :func:`fetch_datastore` and :func:`read_csv` return
the same frame for the same rows, so a build from downloaded files and a live build share
everything after parsing: one column per datastore field, every value as published text
(``str`` dtype, missing values ``NaN``). Typing is left to the normaliser that knows what a
column means (``policing.normalise_arrests`` and friends), because a generic guess would turn
codes such as ZIPs and tract numbers into numbers and drop their leading zeros.

Every action answers with an envelope ``{"help": ..., "success": true|false, "result"|"error"}``.
Errors come back with ``success: false`` and an ``error`` object whose ``__type`` names the kind
(``"Not Found Error"``, ``"Validation Error"``, ``"Authorization Error"``), sometimes with a
non-200 status (404, 409, 403) and sometimes with 200. A gateway in front of the portal answers
with an HTML page instead. Each case becomes a :class:`CKANError` subclass whose message names
the action, the status and what the portal said; secrets in the URL are masked.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd
import requests

from indicators.sources import http
from indicators.sources import csvfile

log = logging.getLogger(__name__)

ACTION_PATH = "/api/3/action/"


class CKANError(RuntimeError):
    """A CKAN answer that cannot be used.

    Attributes
    ----------
    url : str
        The request URL with secret parameters masked.
    status : int or None
        The HTTP status of the answer.
    error_type : str or None
        CKAN's ``error.__type`` when the answer had one.
    """

    def __init__(self, message: str, *, url: str = "", status: int | None = None,
                 error_type: str | None = None):
        super().__init__(message)
        self.url = url
        self.status = status
        self.error_type = error_type


class CKANNotFoundError(CKANError):
    """The resource (or the action) does not exist on the portal."""


class CKANValidationError(CKANError):
    """The portal rejected a parameter (bad filter JSON, unknown field, bad SQL ...)."""


class CKANAuthorizationError(CKANError):
    """The portal refused access (private resource, SQL search disabled ...)."""


class CKANResponseError(CKANError):
    """The answer is not a usable CKAN API answer (HTML page, bad JSON, truncated result)."""


_ERROR_CLASSES = {
    "Not Found Error": CKANNotFoundError,
    "Validation Error": CKANValidationError,
    "Authorization Error": CKANAuthorizationError,
}


def _html_title(text: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, flags=re.IGNORECASE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else None


def _describe_error(error: Any) -> str:
    """One readable line from CKAN's ``error`` object.

    Not-found errors carry a ``message``; validation errors map field names to lists of messages
    (``{"filters": ["Cannot parse JSON"]}``); an unknown action answers with a bare string.
    """
    if isinstance(error, str):
        return error
    if not isinstance(error, dict):
        return repr(error)
    parts = []
    if error.get("message"):
        parts.append(str(error["message"]))
    for key, value in error.items():
        if key in ("__type", "message", "info"):
            continue
        messages = value if isinstance(value, list) else [value]
        parts.append(f"{key}: {'; '.join(str(m) for m in messages)}")
    return " | ".join(parts) or str(error.get("__type", "unknown error"))


def _action_result(resp: requests.Response, action: str) -> Any:
    """The ``result`` of a CKAN action answer, or the matching :class:`CKANError`."""
    url = http.mask_secrets(resp.url or "")
    try:
        body = resp.json()
    except ValueError:
        text = resp.text or ""
        if "<html" in text[:1000].lower() or "text/html" in resp.headers.get("Content-Type", ""):
            title = _html_title(text)
            raise CKANResponseError(
                f"CKAN {action}: HTTP {resp.status_code} from {url} is an HTML page"
                f"{f' ({title!r})' if title else ''}, not an API answer; the portal may be down "
                "or behind a gateway", url=url, status=resp.status_code) from None
        raise CKANResponseError(
            f"CKAN {action}: HTTP {resp.status_code} from {url} is not JSON: {text[:200]!r}",
            url=url, status=resp.status_code) from None
    if isinstance(body, str):
        # an unknown action answers 400 with a bare JSON string ("Bad request - Action name not known: ...")
        raise CKANNotFoundError(f"CKAN {action}: HTTP {resp.status_code} from {url}: {body}",
                                url=url, status=resp.status_code)
    if not isinstance(body, dict) or "success" not in body:
        raise CKANResponseError(f"CKAN {action}: HTTP {resp.status_code} from {url} is not a CKAN envelope",
                                url=url, status=resp.status_code)
    if not body["success"]:
        error = body.get("error") or {}
        error_type = error.get("__type") if isinstance(error, dict) else None
        cls = _ERROR_CLASSES.get(error_type, CKANError)
        raise cls(f"CKAN {action} failed ({error_type or 'error'}, HTTP {resp.status_code}) "
                  f"at {url}: {_describe_error(error)}",
                  url=url, status=resp.status_code, error_type=error_type)
    if resp.status_code != 200 or "result" not in body:
        raise CKANResponseError(f"CKAN {action}: HTTP {resp.status_code} from {url} has no result",
                                url=url, status=resp.status_code)
    return body["result"]


def _action(base_url: str, action: str, params: dict, session: requests.Session | None) -> Any:
    resp = http.get(base_url.rstrip("/") + ACTION_PATH + action, params=params, session=session)
    return _action_result(resp, action)


def _text_value(value: Any) -> Any:
    """A datastore value as published text: JSON numbers and booleans become their text form."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def records_to_frame(records: Iterable[Mapping[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    """Datastore records as a text frame (one ``str`` column per field, missing as ``NaN``).

    ``columns`` fixes the column order (the datastore ``fields`` order); empty strings count as
    missing, as they do in the CSV dump.
    """
    rows = [{k: _text_value(v) for k, v in rec.items()} for rec in records]
    frame = pd.DataFrame(rows, columns=columns) if columns else pd.DataFrame(rows)
    return frame.astype("str").replace("", None)


def _field_ids(fields: list[dict] | None) -> list[str] | None:
    if not fields:
        return None
    return [f["id"] for f in fields if isinstance(f, dict) and "id" in f]


def fetch_datastore(base_url: str, resource_id: str, *, fields: Iterable[str] | None = None,
                    filters: Mapping[str, Any] | None = None, q: str | None = None,
                    page_size: int = 10000, max_rows: int | None = None,
                    session: requests.Session | None = None) -> pd.DataFrame:
    """Every row of a datastore table, paged through ``datastore_search``.

    Pages are requested with ``limit``/``offset`` and a stable ``sort`` on ``_id`` (without an
    order, PostgreSQL may return rows in a different order on each page) until ``total`` rows
    have been read, a short page arrives, or ``max_rows`` is reached.

    Parameters
    ----------
    base_url : str
        Portal root, e.g. ``https://data.example.org``.
    resource_id : str
        The datastore resource id (a UUID).
    fields : iterable of str, optional
        Columns to return (CKAN ``fields``); all columns when omitted.
    filters : mapping, optional
        Exact-match filters (CKAN ``filters``, sent as JSON).
    q : str, optional
        Full-text search.
    page_size : int
        Rows per request (``limit``); portals cap it (some at 32,000).
    max_rows : int, optional
        Stop after this many rows.

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per datastore field in the portal's order, missing values ``NaN``;
        ``attrs["total"]`` is the row count the portal reported.
    """
    if page_size <= 0:
        raise ValueError("page_size must be positive")
    params: dict[str, Any] = {"resource_id": resource_id, "sort": "_id asc"}
    if fields is not None:
        params["fields"] = ",".join(fields)
    if filters:
        params["filters"] = json.dumps(dict(filters))
    if q:
        params["q"] = q
    records: list[dict] = []
    columns: list[str] | None = None
    total: int | None = None
    while True:
        limit = page_size if max_rows is None else min(page_size, max_rows - len(records))
        if limit <= 0:
            break
        result = _action(base_url, "datastore_search",
                         {**params, "limit": limit, "offset": len(records)}, session)
        page = result.get("records") or []
        if columns is None:
            columns = _field_ids(result.get("fields"))
        # an estimated total (CKAN >= 2.10 on big tables) is not a stopping rule; a short page is
        if not result.get("total_was_estimated") and result.get("total") is not None:
            total = int(result["total"])
        records.extend(page)
        log.debug("CKAN %s: %d of %s rows", resource_id, len(records), total)
        if len(page) < limit or (total is not None and len(records) >= total):
            break
    frame = records_to_frame(records, columns)
    frame.attrs["total"] = total
    return frame


def fetch_datastore_sql(base_url: str, sql: str, session: requests.Session | None = None) -> pd.DataFrame:
    """The rows of one ``datastore_search_sql`` query (a ``SELECT`` on ``"<resource_id>"``).

    The portal caps an answer (some at 32,000 rows) and flags it with ``records_truncated``;
    a truncated answer raises :class:`CKANResponseError` rather than passing as complete: page
    the query with ``LIMIT``/``OFFSET`` or use :func:`fetch_datastore`.
    """
    result = _action(base_url, "datastore_search_sql", {"sql": sql}, session)
    if result.get("records_truncated"):
        raise CKANResponseError(
            f"CKAN datastore_search_sql: the portal cut the answer at {len(result.get('records') or [])} "
            "rows (records_truncated); page the query with LIMIT/OFFSET")
    return records_to_frame(result.get("records") or [], _field_ids(result.get("fields")))


def read_csv(path: str | Path) -> pd.DataFrame:
    """A datastore CSV dump (``<base_url>/datastore/dump/<resource_id>``) as the same text frame
    :func:`fetch_datastore` returns (``_id`` included; a byte-order mark is ignored).

    A dump that is not UTF-8, is empty or cut off mid-row raises :class:`CKANResponseError` naming the
    file and the line (see :mod:`indicators.sources.csvfile`).
    """
    frame = csvfile.read_csv(path, error=CKANResponseError, dtype=str, keep_default_na=False)
    return frame.astype("str").replace("", None)
