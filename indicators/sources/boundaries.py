"""Named-area boundaries (neighborhoods, wards, ZIP codes ...) from GeoJSON.

:func:`read_boundaries` reads a GeoJSON FeatureCollection from a file or a URL and returns one
row per area: ``name`` (the name field, stripped), ``area_id`` and ``geometry`` in EPSG:4326
(longitude/latitude). A file that would give a wrong map fails with a :class:`BoundaryError` that
says what is wrong: not GeoJSON (not JSON, cut off, not UTF-8), no features, no such name field (naming the fields there are),
blank or duplicate names, empty geometries, coordinates that are not longitude/latitude without a
``crs`` member saying what they are.

Geometries that are invalid (self-intersecting rings are common in published boundary files)
are repaired with :func:`shapely.make_valid`, keeping only their polygonal parts, and the repair is
listed in ``attrs["notes"]``: an invalid polygon makes overlays and area sums fail or lie.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import requests
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from indicators.sources import http
from indicators.sources import csvfile

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
#: GeoJSON's own CRS (lon/lat on WGS 84), under the names files use for it
_LONLAT_NAMES = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84", "epsg:4326",
                 "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:epsg:6.6:4326"}


class BoundaryError(ValueError):
    """A boundary file that cannot give a correct map; the message says why."""


def _load(path_or_url: str | Path, session: requests.Session | None) -> tuple[Any, str]:
    source = str(path_or_url)
    if source.startswith(("http://", "https://")):
        resp = http.get(source, session=session)
        label = http.mask_secrets(resp.url or source)
        if resp.status_code != 200:
            raise BoundaryError(f"{label}: HTTP {resp.status_code}, no boundary file")
        text = resp.text
    else:
        label = Path(source).name
        # GeoJSON is UTF-8 by definition (RFC 7946); a BOM is tolerated
        text = csvfile.decode_utf8(Path(source).read_bytes(), label, BoundaryError)
    try:
        return json.loads(text), label
    except ValueError as exc:
        why = f" ({exc.msg} at line {exc.lineno}; cut off?)" if isinstance(exc, json.JSONDecodeError) else ""
        raise BoundaryError(f"{label}: not GeoJSON: the content is not JSON{why}: {text[:60]!r}") from None


def _crs(collection: dict, label: str) -> str:
    """The CRS a GeoJSON file declares (an old-style ``crs`` member), EPSG:4326 when it declares none."""
    member = collection.get("crs")
    if not member:
        return WGS84
    name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
    if not name:
        raise BoundaryError(f"{label}: unreadable crs member {member!r}")
    if name.lower() in _LONLAT_NAMES:
        return WGS84
    try:
        return CRS.from_user_input(name).to_string()
    except Exception:
        raise BoundaryError(f"{label}: unknown crs {name!r}") from None


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygonal part of a geometry (make_valid can return lines and points next to polygons)."""
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    polygons = [g for g in getattr(geometry, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    parts = [p for g in polygons for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(parts) if parts else Polygon()


def _property_names(features: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for f in features for k in (f.get("properties") or {})))


def read_boundaries(path_or_url: str | Path, *, name_field: str, id_field: str | None = None,
                    session: requests.Session | None = None) -> gpd.GeoDataFrame:
    """Areas from a GeoJSON FeatureCollection.

    Parameters
    ----------
    path_or_url : str or Path
        A GeoJSON file, or an ``http(s)://`` URL fetched through :func:`indicators.sources.http.get`.
    name_field : str
        The property holding the area's name (``hood`` in Pittsburgh's neighborhoods).
    id_field : str, optional
        The property holding a code for the area (``hood_no``); the name is used when omitted.

    Returns
    -------
    geopandas.GeoDataFrame
        ``name`` (str, stripped, unique), ``area_id`` (str, unique), ``geometry`` (valid Polygon or
        MultiPolygon), CRS EPSG:4326, in file order. ``attrs["notes"]`` lists repaired geometries.

    Raises
    ------
    BoundaryError
        For the cases listed in the module docstring.
    """
    collection, label = _load(path_or_url, session)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        kind = collection.get("type") if isinstance(collection, dict) else type(collection).__name__
        raise BoundaryError(f"{label}: not a GeoJSON FeatureCollection (type {kind!r})")
    features = collection["features"]
    if not features:
        raise BoundaryError(f"{label}: the FeatureCollection has no features")
    available = _property_names(features)
    for field in [name_field] + ([id_field] if id_field else []):
        lacking = [i for i, f in enumerate(features) if field not in (f.get("properties") or {})]
        if lacking:
            where = "any feature" if len(lacking) == len(features) else f"{len(lacking)} of {len(features)} features"
            raise BoundaryError(f"{label}: field {field!r} is missing from {where}; "
                                f"fields present: {', '.join(available) or 'none'}")

    names = [str(f["properties"][name_field] if f["properties"][name_field] is not None else "").strip()
             for f in features]
    blank = [i for i, n in enumerate(names) if not n]
    if blank:
        raise BoundaryError(f"{label}: {len(blank)} features have a blank {name_field!r} (feature numbers "
                            f"{', '.join(map(str, blank[:10]))})")
    ids = [str(f["properties"][id_field]).strip() for f in features] if id_field else names
    for what, values in (("names", names), ("ids", ids)):
        seen: dict[str, int] = {}
        for value in values:
            seen[value] = seen.get(value, 0) + 1
        duplicates = sorted(v for v, n in seen.items() if n > 1)
        if duplicates:
            raise BoundaryError(f"{label}: duplicate {what} in {id_field if what == 'ids' else name_field!r}: "
                                f"{', '.join(duplicates[:10])}")

    crs = _crs(collection, label)
    geometries: list[BaseGeometry] = []
    empty: list[str] = []
    repaired: list[str] = []
    for name, feature in zip(names, features):
        raw = feature.get("geometry")
        try:
            geometry = shape(raw) if raw else Polygon()
        except Exception:
            geometry = Polygon()
        if not geometry.is_empty and not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            geometry = _polygonal(shapely.make_valid(geometry))
            repaired.append(f"{name} ({reason})")
        geometry = _polygonal(geometry)
        if geometry.is_empty:
            empty.append(name)
        geometries.append(geometry)
    if empty:
        raise BoundaryError(f"{label}: {len(empty)} areas have no polygon: {', '.join(empty[:10])}")

    frame = gpd.GeoDataFrame({"name": names, "area_id": ids}, geometry=geometries, crs=crs)
    if crs == WGS84:
        xmin, ymin, xmax, ymax = frame.total_bounds
        if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
            raise BoundaryError(f"{label}: coordinates up to ({xmax:.0f}, {ymax:.0f}) are not longitude/latitude "
                                "and the file has no crs member saying what they are")
    else:
        frame = frame.to_crs(WGS84)
    notes = [f"{label}: repaired invalid geometry of {r}" for r in repaired]
    for note in notes:
        log.warning(note)
    frame.attrs["notes"] = notes
    return frame


def read_zip_boundaries(path: str | Path, zip_field: str = "ZIP", *,
                        session: requests.Session | None = None) -> gpd.GeoDataFrame:
    """ZIP code polygons (e.g. Allegheny County's ZIP code boundaries).

    Returns the frame of :func:`read_boundaries` with ``name`` and ``area_id`` both the 5-digit
    ZIP code; a ZIP field value that is not 5 digits raises :class:`BoundaryError`.
    """
    frame = read_boundaries(path, name_field=zip_field, session=session)
    codes = frame["name"].str.replace(r"\.0$", "", regex=True).str.zfill(5)
    bad = ~codes.str.fullmatch(r"\d{5}")
    if bad.any():
        raise BoundaryError(f"{Path(str(path)).name}: {zip_field!r} values that are not ZIP codes: "
                            f"{', '.join(frame.loc[bad, 'name'].head(10))}")
    frame["name"] = codes
    frame["area_id"] = codes
    return frame
