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

The shown name can be built from several properties (``label_format``, e.g. ``"{NAME}: {NBH_NAMES}"``
for areas whose own name is a code), and areas a city does not count as neighborhoods (parks, a
river) can be left out by a property value (``drop_where``); both come from the city's config.
"""

from __future__ import annotations

import json
import logging
import string
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

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


def _text(value: Any) -> str:
    return str(value if value is not None else "").strip()


def _format_fields(label_format: str) -> list[str]:
    """The property names a label format refers to (``"{NAME}: {NBH_NAMES}"`` -> NAME, NBH_NAMES)."""
    try:
        parsed = list(string.Formatter().parse(label_format))
    except ValueError as exc:
        raise BoundaryError(f"label_format {label_format!r} is not a format string ({exc})") from None
    fields = [f for _, f, _, _ in parsed if f is not None]
    if not fields or any(not f or not f.replace("_", "").replace("-", "").replace(" ", "").isalnum()
                         for f in fields):
        raise BoundaryError(f"label_format {label_format!r} must name properties in braces, e.g. "
                            "'{NAME}: {NBH_NAMES}'")
    return fields


def _values(values: Iterable[Any] | str) -> set[str]:
    return {_text(v) for v in ([values] if isinstance(values, str) else values)}


def _drop(features: list[dict], drop_where: Mapping[str, Iterable[Any]], label: str,
          available: list[str]) -> tuple[list[dict], list[dict]]:
    """Split ``features`` into (kept, dropped) by the property values of ``drop_where``."""
    for field in drop_where:
        if field not in available:
            raise BoundaryError(f"{label}: drop_where field {field!r} is in no feature; fields present: "
                                f"{', '.join(available) or 'none'}")
    values = {field: _values(vals) for field, vals in drop_where.items()}
    kept, dropped = [], []
    for feature in features:
        props = feature.get("properties") or {}
        hit = any(_text(props.get(field)) in wanted for field, wanted in values.items())
        (dropped if hit else kept).append(feature)
    return kept, dropped


def read_boundaries(path_or_url: str | Path, *, name_field: str, id_field: str | None = None,
                    label_format: str | None = None, drop_where: Mapping[str, Iterable[Any]] | None = None,
                    keep_fields: Sequence[str] = (), session: requests.Session | None = None) -> gpd.GeoDataFrame:
    """Areas from a GeoJSON FeatureCollection.

    Parameters
    ----------
    path_or_url : str or Path
        A GeoJSON file, or an ``http(s)://`` URL fetched through :func:`indicators.sources.http.get`.
    name_field : str
        The property holding the area's name (``hood`` in one city's neighborhoods, ``NAME`` in
        ward or cluster files).
    id_field : str, optional
        The property holding a code for the area (``hood_no``, ``WARD``); the ``name_field`` value
        is used when omitted.
    label_format : str, optional
        The shown name built from properties with :meth:`str.format` fields, e.g.
        ``"{NAME}: {NBH_NAMES}"`` -> "Cluster 6: " and the neighborhoods the cluster holds (each
        value stripped; a null property is blank). ``name`` is then the label, and ``area_id`` (without
        ``id_field``) stays the short ``name_field`` value ("Cluster 6"). Every property named must be
        in every feature.
    drop_where : mapping, optional
        ``{property: values}``: areas whose property (as stripped text) is one of the values are left
        out, e.g. ``{"TYPE": ["Additional"]}`` for clusters that are parks or the river; default: every
        area is kept. ``attrs["notes"]`` names the areas left out.
    keep_fields : sequence of str
        Further properties kept as columns, with their values as published (e.g. the district of a
        police service area, for :func:`indicators.sources.policing.districts_from_service_areas`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``name`` (str, stripped, unique), ``area_id`` (str, unique), the ``keep_fields``, ``geometry``
        (valid Polygon or MultiPolygon), CRS EPSG:4326, in file order. ``attrs["notes"]`` lists
        repaired geometries and areas left out.

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
    notes: list[str] = []
    if drop_where:
        features, dropped = _drop(features, drop_where, label, available)
        if dropped:
            shown = [_text((f.get("properties") or {}).get(name_field)) for f in dropped]
            criteria = "; ".join(f"{field} {' or '.join(map(repr, sorted(_values(v))))}"
                                 for field, v in drop_where.items())
            notes.append(f"{label}: left out {len(dropped)} areas with {criteria}: {', '.join(shown)}")
        if not features:
            raise BoundaryError(f"{label}: drop_where {dict(drop_where)} leaves no area")
    label_fields = _format_fields(label_format) if label_format else []
    reserved = {"name", "area_id", "geometry"}
    clash = [f for f in keep_fields if f in reserved]
    if clash:
        raise BoundaryError(f"{label}: keep_fields {clash} would replace the columns name, area_id or geometry")
    for field in dict.fromkeys([name_field] + ([id_field] if id_field else []) + label_fields + list(keep_fields)):
        lacking = [i for i, f in enumerate(features) if field not in (f.get("properties") or {})]
        if lacking:
            where = "any feature" if len(lacking) == len(features) else f"{len(lacking)} of {len(features)} features"
            raise BoundaryError(f"{label}: field {field!r} is missing from {where}; "
                                f"fields present: {', '.join(available) or 'none'}")

    short = [_text(f["properties"][name_field]) for f in features]
    blank = [i for i, n in enumerate(short) if not n]
    if blank:
        raise BoundaryError(f"{label}: {len(blank)} features have a blank {name_field!r} (feature numbers "
                            f"{', '.join(map(str, blank[:10]))})")
    if label_format:
        names = [label_format.format_map({k: _text(v) for k, v in f["properties"].items()}).strip()
                 for f in features]
    else:
        names = short
    ids = [str(f["properties"][id_field]).strip() for f in features] if id_field else short
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

    columns: dict[str, list] = {"name": names, "area_id": ids}
    for field in keep_fields:
        columns[field] = [f["properties"][field] for f in features]
    frame = gpd.GeoDataFrame(columns, geometry=geometries, crs=crs)
    if crs == WGS84:
        xmin, ymin, xmax, ymax = frame.total_bounds
        if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
            raise BoundaryError(f"{label}: coordinates up to ({xmax:.0f}, {ymax:.0f}) are not longitude/latitude "
                                "and the file has no crs member saying what they are")
    else:
        frame = frame.to_crs(WGS84)
    for note in notes:
        log.info(note)
    repairs = [f"{label}: repaired invalid geometry of {r}" for r in repaired]
    for note in repairs:
        log.warning(note)
    notes += repairs
    frame.attrs["notes"] = notes
    return frame


def read_zip_boundaries(path: str | Path, zip_field: str = "ZIP", *,
                        session: requests.Session | None = None) -> gpd.GeoDataFrame:
    """ZIP code polygons (e.g. a county's ZIP code boundaries).

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
