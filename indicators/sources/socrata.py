"""Socrata Open Data API (SODA 2.x): ``https://<domain>/resource/<dataset_id>.json``.

:func:`fetch_soda` pages through a dataset with ``$limit``/``$offset`` under a fixed ``$order``
(``:id`` by default: without an order, SODA pages may skip or repeat rows) until a short page
arrives. :func:`read_csv` reads the same dataset's ``/resource/<dataset_id>.csv`` export (API
field names as headers). Both return the text frame the CKAN loader returns: one ``str`` column
per field, missing values ``NaN``; SODA sends every scalar as a JSON string anyway, and location
columns (``{"type": "Point", "coordinates": [...]}``) are kept as their JSON text.

An app token goes in the ``X-App-Token`` header, never in the URL, so it is neither logged nor
part of the cache key. Errors come back as JSON bodies that name the problem, with one of two
key spellings: parse errors ``{"code": "query.compiler.malformed", "error": true, "message": ...}``,
semantic errors ``{"errorCode": "query.soql.no-such-column", "message": ...}``, an unknown
parameter ``{"error": true, "message": "Unrecognized arguments [...]"}``, a missing dataset
``404 {"code": "dataset.missing", ...}``. Each becomes a :class:`SocrataError` carrying the code.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import requests

from indicators.sources import http
from indicators.sources import csvfile
from indicators.sources.ckan import records_to_frame

log = logging.getLogger(__name__)


class SocrataError(RuntimeError):
    """A SODA answer that cannot be used.

    Attributes
    ----------
    code : str or None
        Socrata's error code (``query.compiler.malformed``, ``dataset.missing`` ...).
    status : int or None
        HTTP status.
    url : str
        The request URL with secret parameters masked.
    """

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.code = code
        self.status = status
        self.url = url


def resource_url(domain: str, dataset_id: str, fmt: str = "json") -> str:
    """The SODA endpoint of a dataset, e.g. ``https://data.cityofnewyork.us/resource/8h9b-rp9u.json``."""
    host = domain.removeprefix("https://").removeprefix("http://").rstrip("/")
    return f"https://{host}/resource/{dataset_id}.{fmt}"


def _raise_for_error(resp: requests.Response, dataset_id: str) -> None:
    url = http.mask_secrets(resp.url or "")
    try:
        body = resp.json()
    except ValueError:
        body = None
    if resp.status_code == 200 and isinstance(body, list):
        return
    if isinstance(body, dict):
        code = body.get("code") or body.get("errorCode")
        message = body.get("message") or (body.get("error") if isinstance(body.get("error"), str) else None)
        if resp.status_code == 404 or code == "dataset.missing":
            raise SocrataError(f"Socrata dataset {dataset_id!r} not found at {url} "
                               f"({code or 'HTTP 404'}: {message or 'no message'})",
                               code=code or "not_found", status=resp.status_code, url=url)
        if message or code:
            raise SocrataError(f"Socrata answered HTTP {resp.status_code} for {url}: "
                               f"{message or ''}{f' [{code}]' if code else ''}",
                               code=code, status=resp.status_code, url=url)
    text = (resp.text or "")[:200]
    kind = "an HTML page" if "<html" in text.lower() else f"not a JSON list of rows ({text!r})"
    raise SocrataError(f"Socrata answered HTTP {resp.status_code} for {url} with {kind}",
                       status=resp.status_code, url=url)


def _columns(resp: requests.Response) -> list[str] | None:
    """The field list SODA 2.x sends in ``X-SODA2-Fields`` (rows omit null fields, so the header,
    when present, is the only full column list)."""
    raw = resp.headers.get("X-SODA2-Fields")
    if not raw:
        return None
    try:
        fields = json.loads(raw)
    except ValueError:
        return None
    return fields if isinstance(fields, list) else None


def fetch_soda(domain: str, dataset_id: str, *, select: str | None = None, where: str | None = None,
               order: str = ":id", page_size: int = 50000, app_token: str | None = None,
               max_rows: int | None = None, session: requests.Session | None = None) -> pd.DataFrame:
    """Every row of a SODA dataset (or of a ``$select``/``$where`` query on it).

    Parameters
    ----------
    domain : str
        Portal host, e.g. ``data.cityofnewyork.us``.
    dataset_id : str
        The four-by-four id, e.g. ``8h9b-rp9u``.
    select, where : str, optional
        SoQL ``$select`` and ``$where`` clauses.
    order : str
        SoQL ``$order``; keep a unique order (``:id``) so pages neither overlap nor skip.
    page_size : int
        Rows per request (``$limit``; SODA 2.0 endpoints cap it at 50,000).
    app_token : str, optional
        Sent as the ``X-App-Token`` header (raises the rate limit).
    max_rows : int, optional
        Stop after this many rows.

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per field, missing values ``NaN``.
    """
    if page_size <= 0:
        raise ValueError("page_size must be positive")
    url = resource_url(domain, dataset_id)
    headers = {"Accept": "application/json"}
    if app_token:
        headers["X-App-Token"] = app_token
    params: dict[str, str | int] = {"$order": order}
    if select:
        params["$select"] = select
    if where:
        params["$where"] = where
    rows: list[dict] = []
    columns: list[str] | None = None
    while True:
        limit = page_size if max_rows is None else min(page_size, max_rows - len(rows))
        if limit <= 0:
            break
        resp = http.get(url, params={**params, "$limit": limit, "$offset": len(rows)}, headers=headers,
                        session=session)
        _raise_for_error(resp, dataset_id)
        page = resp.json()
        columns = columns or _columns(resp)
        rows.extend(page)
        log.debug("SODA %s: %d rows", dataset_id, len(rows))
        if len(page) < limit:
            break
    if columns is None:
        # no header: the union of the keys, in the order they first appear
        columns = list(dict.fromkeys(key for row in rows for key in row))
    return records_to_frame(rows, columns)


def read_csv(path: str | Path) -> pd.DataFrame:
    """A ``/resource/<dataset_id>.csv`` export as the text frame :func:`fetch_soda` returns.

    The one difference is location columns, which the CSV export writes as WKT
    (``POINT (-73.94 40.80)``) where the JSON has a GeoJSON object. An export that is not UTF-8, is
    empty or cut off mid-row raises :class:`SocrataError` naming the file and the line.
    """
    frame = csvfile.read_csv(path, error=SocrataError, dtype=str, keep_default_na=False)
    return frame.astype("str").replace("", None)
