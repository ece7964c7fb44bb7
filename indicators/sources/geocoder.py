"""The Census Bureau's geocoder: a one-line street address to a point, so a resident can find the area they live in.

The service (``geocoding.geo.census.gov``, its ``locations/onelineaddress`` call with the ``Public_AR_Current``
benchmark) places a house number along the street segment of the TIGER address ranges that holds it. It answers:

- a match: HTTP 200, ``{"result": {"input": {...}, "addressMatches": [{"coordinates": {"x": lon, "y": lat},
  "matchedAddress": "...", "tigerLine": {...}, "addressComponents": {...}}]}}``; several matches where the line
  is ambiguous;
- no match: HTTP 200 with ``"addressMatches": []`` — an answer, not an error;
- a refused request: HTTP 400, ``{"errors": ["Address cannot be empty and cannot exceed 100 characters"],
  "status": "400"}``;
- an outage: a 5xx status, often with an HTML page.

An address is about a person, so the request is made with ``private=True`` (:func:`indicators.sources.http.get`):
never cached, never retried, its address masked in every message. Nothing here keeps it: the caller places the
point in its own polygons (:func:`indicators.core.geography.areas_at`) and forgets the address.

Example (offline tests answer it from a recorded response)::

    >>> matches = geocode("414 Grant St, Pittsburgh, PA 15219")   # doctest: +SKIP
    >>> matches[0].longitude, matches[0].latitude                  # doctest: +SKIP
    (-79.99630..., 40.43844...)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests

#: the service's one-line address call (``HRC_GEOCODER_URL`` points it elsewhere, e.g. at a recorded answer)
GEOCODER_URL = "https://geocoding.geo.census.gov/geocoder/locations/onelineaddress"
BENCHMARK = "Public_AR_Current"
#: the service refuses longer lines (HTTP 400)
MAX_ADDRESS_LENGTH = 100
TIMEOUT = (4, 15)


@dataclass(frozen=True)
class Match:
    """One place the geocoder found: WGS84 longitude and latitude (its ``x`` and ``y``) and the address as it
    standardised it."""

    longitude: float
    latitude: float
    matched_address: str


class GeocoderError(RuntimeError):
    """The geocoder could not answer. ``kind`` says why, for a message to the reader: ``unreachable`` (offline, or
    the service cannot be reached), ``refused`` (it refused the request, e.g. too long), ``unavailable`` (an outage
    or an answer that is not the service's JSON)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


def geocoder_url() -> str:
    return os.environ.get("HRC_GEOCODER_URL") or GEOCODER_URL


def geocode(address: str, *, session: requests.Session | None = None) -> list[Match]:
    """The places the geocoder finds for a one-line address (empty where it finds none). Raises
    :class:`GeocoderError`; an address that is empty or over :data:`MAX_ADDRESS_LENGTH` characters is refused
    here, without asking."""
    # the HTTP session's module is loaded at the first address, not with the search box of every map page: its
    # cache library is 0.15 s of imports, on the first page a restarted server shows
    from indicators.sources import http

    line = " ".join(str(address or "").split())
    if not line or len(line) > MAX_ADDRESS_LENGTH:
        raise GeocoderError("refused", f"an address of 1 to {MAX_ADDRESS_LENGTH} characters")
    try:
        resp = http.get(geocoder_url(), params={"address": line, "benchmark": BENCHMARK, "format": "json"},
                        timeout=TIMEOUT, session=session, private=True)
    except http.OfflineError as exc:
        raise GeocoderError("unreachable", str(exc)) from None
    return parse_answer(resp.status_code, resp.text)


def parse_answer(status: int, text: str) -> list[Match]:
    """The matches of one answer of the service (its HTTP status and body). Raises :class:`GeocoderError`."""
    import json

    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if status == 400 and isinstance(body, dict) and body.get("errors"):
        raise GeocoderError("refused", "; ".join(str(e) for e in body["errors"]))
    if status != 200:
        raise GeocoderError("unavailable", f"HTTP {status}")
    if not isinstance(body, dict):
        raise GeocoderError("unavailable", "an answer that is not the service's JSON")
    matches = (body.get("result") or {}).get("addressMatches")
    if not isinstance(matches, list):
        raise GeocoderError("unavailable", "an answer without result.addressMatches")
    found = []
    for match in matches:
        try:
            point = match["coordinates"]
            found.append(Match(float(point["x"]), float(point["y"]), str(match.get("matchedAddress", ""))))
        except (KeyError, TypeError, ValueError):
            raise GeocoderError("unavailable", "a match without coordinates") from None
    return found
