"""Census tract and block-group polygons: TIGER/Line and cartographic boundary shapefiles.

Where the Census Bureau publishes them (one zip per state):

====================  ============================================================================
cartographic 2014-    ``https://www2.census.gov/geo/tiger/GENZ{year}/shp/cb_{year}_{st}_tract_500k.zip``
cartographic 2011-13  ``https://www2.census.gov/geo/tiger/GENZ{year}/cb_{year}_{st}_tract_500k.zip``
                      (no ``shp/`` folder)
cartographic 2010     ``https://www2.census.gov/geo/tiger/GENZ2010/gz_2010_{st}_140_00_500k.zip``
                      (summary level 140 = tract, 150 = block group; other columns: ``GEO_ID``,
                      ``STATE``, ``COUNTY``, ``CENSUSAREA`` in square miles, no ``GEOID``/``ALAND``)
TIGER/Line 2011-      ``https://www2.census.gov/geo/tiger/TIGER{year}/TRACT/tl_{year}_{st}_tract.zip``
TIGER/Line 2010       ``https://www2.census.gov/geo/tiger/TIGER2010/TRACT/2010/tl_2010_{st}_tract10.zip``
                      (columns suffixed ``10``: ``GEOID10``, ``ALAND10`` ...)
====================  ============================================================================

Block groups: ``bg`` for ``tract`` in the names, folder ``BG``. Cartographic files are clipped to the
shoreline and generalised (1:500,000), which suits maps; TIGER/Line files follow the legal lines.

Every reader returns a GeoDataFrame in EPSG:4326 with ``GEOID`` (text), ``ALAND`` and ``AWATER``
(square metres) first, the file's other columns after, and valid geometries.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import requests
import shapely
from shapely.geometry import MultiPolygon, Polygon

from indicators.sources import http
from indicators.sources import csvfile

log = logging.getLogger(__name__)

TIGER_ROOT = "https://www2.census.gov/geo/tiger"
FIRST_TIGER_YEAR = 2010
#: square metres in a square mile (international mile: 1609.344 m, squared)
SQUARE_METRES_PER_SQUARE_MILE = 1609.344 ** 2

#: layer name -> (file-name part, TIGER/Line folder, GENZ2010 summary level)
LAYERS = {
    "tract": ("tract", "TRACT", "140"),
    "block group": ("bg", "BG", "150"),
}
_LAYER_ALIASES = {"tract": "tract", "tracts": "tract", "block group": "block group", "block_group": "block group",
                  "block groups": "block group", "bg": "block group"}


class BoundaryFileError(ValueError):
    """A boundary file that cannot be used: empty, unreadable, or without the expected fields."""


class BoundaryDownloadError(RuntimeError):
    """The Census web server did not answer with the boundary zip (404, an HTML page, ...)."""


def _layer(layer: str) -> str:
    name = _LAYER_ALIASES.get(str(layer).strip().lower())
    if name is None:
        raise ValueError(f"unknown boundary layer {layer!r}: use 'tract' or 'block group'")
    return name


def _state(state) -> str:
    text = str(state).strip()
    if not text.isdigit() or len(text) > 2:
        raise ValueError(f"state should be a 2-digit FIPS code, got {state!r}")
    return text.zfill(2)


def tiger_url(layer: str, year: int, state, *, cartographic: bool = True, resolution: str = "500k") -> str:
    """URL of the state's tract or block-group zip for ``year`` (see the module docstring).

    Raises
    ------
    ValueError
        For a year before 2010, a resolution other than ``500k`` (the only one published for tracts
        and block groups), or an unknown layer.
    """
    name = _layer(layer)
    part, folder, sumlev = LAYERS[name]
    st = _state(state)
    year = int(year)
    if year < FIRST_TIGER_YEAR:
        raise ValueError(f"no {name} boundary file before {FIRST_TIGER_YEAR} is supported (asked for {year}); "
                         "the 2000 files use another layout")
    if cartographic:
        if resolution != "500k":
            raise ValueError(f"{name} cartographic boundary files are published only at 1:500,000 "
                             f"(resolution '500k'), not {resolution!r}")
        if year == 2010:
            return f"{TIGER_ROOT}/GENZ2010/gz_2010_{st}_{sumlev}_00_500k.zip"
        folder_part = "shp/" if year >= 2014 else ""
        return f"{TIGER_ROOT}/GENZ{year}/{folder_part}cb_{year}_{st}_{part}_500k.zip"
    if year == 2010:
        return f"{TIGER_ROOT}/TIGER2010/{folder}/2010/tl_2010_{st}_{part}10.zip"
    return f"{TIGER_ROOT}/TIGER{year}/{folder}/tl_{year}_{st}_{part}.zip"


# ------------------------------------------------------------------------------------- geometry


def _polygonal(geom):
    """The polygon part of a geometry (``make_valid`` may return a collection with stray lines)."""
    if geom is None or geom.is_empty:
        return geom
    if isinstance(geom, (Polygon, MultiPolygon)):
        return geom
    polygons = [g for g in shapely.get_parts(geom) if isinstance(g, (Polygon, MultiPolygon))]
    parts = []
    for g in polygons:
        parts.extend(g.geoms if isinstance(g, MultiPolygon) else [g])
    if not parts:
        return geom
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def _valid_geometries(gdf: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    invalid = ~gdf.geometry.is_valid & gdf.geometry.notna()
    if invalid.any():
        log.info("%s: repairing %d invalid geometries", source, int(invalid.sum()))
        repaired = shapely.make_valid(gdf.geometry[invalid].to_numpy())
        gdf.loc[invalid, gdf.geometry.name] = [_polygonal(g) for g in repaired]
    return gdf


def _ensure_wgs84(gdf: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
            # GeoJSON without a crs member is WGS84 by definition (RFC 7946), and longitudes and
            # latitudes in range say the same of any other file without one
            return gdf.set_crs(4326)
        raise BoundaryFileError(f"{source}: no coordinate reference system and the coordinates are not "
                                "longitude/latitude (add the .prj file)")
    return gdf.to_crs(4326)


# ------------------------------------------------------------------------------------- columns


def _standardise(gdf: gpd.GeoDataFrame, geoid_field: str, source: str) -> gpd.GeoDataFrame:
    """GEOID/ALAND/AWATER first, valid geometries, EPSG:4326."""
    if len(gdf) == 0:
        raise BoundaryFileError(f"{source}: no features")
    if gdf.geometry.isna().all() or gdf.geometry.is_empty.all():
        raise BoundaryFileError(f"{source}: every feature has an empty geometry")
    gdf = gdf.copy()
    if geoid_field not in gdf.columns:
        suffixed = [c for c in gdf.columns if re.fullmatch(rf"{re.escape(geoid_field)}(10|20)", c)]
        if suffixed:
            # TIGER/Line 2010 names its columns GEOID10, ALAND10, ...: drop the vintage suffix
            suffix = suffixed[0][len(geoid_field):]
            gdf = gdf.rename(columns={c: c[: -len(suffix)] for c in gdf.columns
                                      if c.endswith(suffix) and c != gdf.geometry.name})
        elif geoid_field == "GEOID" and "GEO_ID" in gdf.columns:
            # GENZ2010: "1400000US42003020100" -> "42003020100"; land area in square miles
            gdf["GEOID"] = gdf["GEO_ID"].astype(str).str.split("US").str[-1]
            gdf = gdf.rename(columns={"STATE": "STATEFP", "COUNTY": "COUNTYFP", "TRACT": "TRACTCE"})
            if "CENSUSAREA" in gdf.columns and "ALAND" not in gdf.columns:
                gdf["ALAND"] = pd.to_numeric(gdf["CENSUSAREA"], errors="coerce") * SQUARE_METRES_PER_SQUARE_MILE
        else:
            fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
            raise BoundaryFileError(f"{source}: no '{geoid_field}' field (fields: {fields})")
    geoid = gdf[geoid_field]
    if geoid.isna().any():
        raise BoundaryFileError(f"{source}: {int(geoid.isna().sum())} features have no {geoid_field}")
    if pd.api.types.is_float_dtype(geoid):
        geoid = geoid.astype("int64")
    gdf["GEOID"] = geoid.astype(str).str.strip()
    duplicated = gdf["GEOID"][gdf["GEOID"].duplicated()].unique()
    if len(duplicated):
        raise BoundaryFileError(f"{source}: {len(duplicated)} {geoid_field} values appear more than once "
                                f"(e.g. {duplicated[0]})")
    for col in ("ALAND", "AWATER"):
        if col in gdf.columns:
            gdf[col] = pd.to_numeric(gdf[col], errors="coerce").astype("float64")
        else:
            gdf[col] = np.nan
    _require_polygons(gdf, geoid_field, source)
    gdf = _valid_geometries(gdf, source)
    _require_polygons(gdf, geoid_field, source)  # a repair can leave only lines or points
    gdf = _ensure_wgs84(gdf, source)
    geometry = gdf.geometry.name
    rest = [c for c in gdf.columns if c not in {"GEOID", "ALAND", "AWATER", geometry}]
    return gdf[["GEOID", "ALAND", "AWATER", *rest, geometry]].reset_index(drop=True)


def _require_polygons(gdf: gpd.GeoDataFrame, geoid_field: str, source: str) -> None:
    """Refuse features whose geometry is null, empty or not a polygon, naming them.

    Such a tract would drop out of the weights and leave a hole in the map, or stop the snapshot's
    own check later with a message that no longer names the file.
    """
    def kind(geometry) -> str | None:
        if geometry is None:
            return "null"
        if geometry.is_empty:
            return f"empty {geometry.geom_type}"
        return None if isinstance(geometry, (Polygon, MultiPolygon)) else geometry.geom_type

    kinds = [kind(g) for g in gdf.geometry.to_numpy()]
    bad = [k is not None for k in kinds]
    if any(bad):
        ids = gdf.loc[bad, "GEOID"].astype(str).tolist()
        found = sorted({k for k in kinds if k})
        raise BoundaryFileError(f"{source}: {len(ids)} features have no polygon ({', '.join(found)}): "
                                f"{geoid_field} {', '.join(ids[:10])}{' ...' if len(ids) > 10 else ''}")


def _read(source, label: str) -> gpd.GeoDataFrame:
    try:
        return gpd.read_file(source)
    except Exception as exc:  # pyogrio raises several kinds for files it cannot open
        raise BoundaryFileError(f"{label}: not a readable boundary file ({type(exc).__name__}: "
                                f"{str(exc).splitlines()[0][:200] if str(exc) else 'no detail'})") from None


def read_shapes_file(path: str | Path, geoid_field: str = "GEOID") -> gpd.GeoDataFrame:
    """Polygons from a local GeoJSON, shapefile or zipped shapefile.

    Parameters
    ----------
    path : str or Path
    geoid_field : str
        The field holding each feature's identifier; copied to ``GEOID`` as text.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; ``GEOID``, ``ALAND``, ``AWATER`` (NaN when the file has none) first; invalid
        geometries repaired with ``make_valid`` (keeping their polygon parts).

    Raises
    ------
    BoundaryFileError
        For a missing, empty or unreadable file, one without features or without ``geoid_field``, or
        with repeated identifiers.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryFileError(f"no boundary file at {path}")
    if path.is_file() and path.stat().st_size == 0:
        raise BoundaryFileError(f"{path.name}: empty file")
    if path.is_file() and path.suffix.lower() in (".geojson", ".json"):
        csvfile.decode_utf8(path.read_bytes(), path.name, BoundaryFileError)  # GeoJSON is UTF-8 (RFC 7946)
    gdf = _read(path, path.name)
    return _standardise(gdf, geoid_field, path.name)


def _page_title(text: str) -> str:
    found = re.search(r"<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>", text, flags=re.IGNORECASE | re.DOTALL)
    if not found:
        return " ".join(text.split())[:120]
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1) or found.group(2) or "").strip()


def fetch_shapes(layer: str, *, year: int, state, county=None, cartographic: bool = True,
                 session: requests.Session | None = None) -> gpd.GeoDataFrame:
    """Download a state's tract or block-group polygons and keep one county (or several).

    Parameters
    ----------
    layer : {"tract", "block group"}
    year : int
        Boundary year; 2010-2019 files carry the 2010 tract lines, 2020 onwards the 2020 lines.
    state : str or int
        2-digit FIPS code.
    county : str or list of str, optional
        3-digit county FIPS code(s) to keep; all counties when None.
    cartographic : bool
        Generalised cartographic boundary file (default) or full TIGER/Line file.
    session : requests.Session, optional
        Defaults to the library's cached session (offline mode honoured).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_shapes_file`.

    Raises
    ------
    BoundaryDownloadError
        When the server answers anything but the zip (a 404 page, an HTML page with status 200).
    BoundaryFileError
        When the zip holds no usable layer, or no feature of the county.
    """
    url = tiger_url(layer, year, state, cartographic=cartographic)
    sess = session or http.get_session()
    log.info("downloading %s", url)
    resp = http.get(url, session=sess, timeout=300)
    content = resp.content or b""
    if resp.status_code != 200:
        raise BoundaryDownloadError(f"{url} answered HTTP {resp.status_code} "
                                    f"({_page_title(resp.text) if content else 'empty body'}): "
                                    "no such file for that year, state and layer?")
    if not content.startswith(b"PK\x03\x04"):
        http.forget_cached(sess, resp)
        what = resp.headers.get("Content-Type", "unknown type")
        raise BoundaryDownloadError(f"{url} did not answer a zip file but {what} "
                                    f"('{_page_title(resp.text) if content else 'empty body'}')")
    name = url.rsplit("/", 1)[-1]
    gdf = _standardise(_read(io.BytesIO(content), name), "GEOID", name)
    if county is not None:
        wanted = {str(c).strip().zfill(3) for c in ([county] if isinstance(county, (str, int)) else county)}
        county_codes = gdf["COUNTYFP"] if "COUNTYFP" in gdf.columns else gdf["GEOID"].str[2:5]
        gdf = gdf[county_codes.isin(wanted)].reset_index(drop=True)
        if gdf.empty:
            raise BoundaryFileError(f"{name}: no feature in county {', '.join(sorted(wanted))}")
    return gdf
