"""Tract and block-group polygons: URLs, download through the session, local files, bad files."""

from __future__ import annotations

import io
import json
import math
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import responses
from shapely.geometry import Polygon

from indicators.sources import http
from indicators.sources.tiger import (
    SQUARE_METRES_PER_SQUARE_MILE,
    BoundaryDownloadError,
    BoundaryFileError,
    fetch_shapes,
    read_shapes_file,
    tiger_url,
)

RECORDED_ZIP = Path(__file__).resolve().parent / "recorded" / "tiger" / "cb_2016_42_tract_500k_two_tracts.zip"
SHARED_TRACTS = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh" / "tracts"
                 / "Allegheny_County_Census_Tracts_2016.geojson")
CB_2016 = "https://www2.census.gov/geo/tiger/GENZ2016/shp/cb_2016_42_tract_500k.zip"


def _zip_of(gdf: gpd.GeoDataFrame, stem: str) -> bytes:
    """A zipped shapefile of ``gdf``, as the Census web server sends one."""
    with tempfile.TemporaryDirectory() as folder:
        gdf.to_file(Path(folder) / f"{stem}.shp")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for part in sorted(Path(folder).iterdir()):
                archive.write(part, part.name)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------- URLs


@pytest.mark.parametrize("layer, year, cartographic, expected", [
    ("tract", 2016, True, "GENZ2016/shp/cb_2016_42_tract_500k.zip"),
    ("tract", 2016, False, "TIGER2016/TRACT/tl_2016_42_tract.zip"),
    ("block group", 2020, True, "GENZ2020/shp/cb_2020_42_bg_500k.zip"),
    ("bg", 2020, False, "TIGER2020/BG/tl_2020_42_bg.zip"),
    ("tract", 2013, True, "GENZ2013/cb_2013_42_tract_500k.zip"),
    ("tract", 2010, True, "GENZ2010/gz_2010_42_140_00_500k.zip"),
    ("block group", 2010, True, "GENZ2010/gz_2010_42_150_00_500k.zip"),
    ("tract", 2010, False, "TIGER2010/TRACT/2010/tl_2010_42_tract10.zip"),
    ("block group", 2010, False, "TIGER2010/BG/2010/tl_2010_42_bg10.zip"),
])
def test_boundary_urls_follow_the_census_layout_of_each_year(layer, year, cartographic, expected):
    assert tiger_url(layer, year, 42, cartographic=cartographic) == f"https://www2.census.gov/geo/tiger/{expected}"


@pytest.mark.parametrize("kwargs, message", [
    ({"layer": "tract", "year": 2009, "state": "42"}, "before 2010"),
    ({"layer": "tract", "year": 2016, "state": "42", "resolution": "5m"}, "500k"),
    ({"layer": "county", "year": 2016, "state": "42"}, "unknown boundary layer"),
    ({"layer": "tract", "year": 2016, "state": "PA"}, "FIPS"),
])
def test_unpublished_boundary_requests_are_refused_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tiger_url(**kwargs)


# --------------------------------------------------------------------------------------- download


@responses.activate
def test_downloaded_tracts_come_back_in_wgs84_with_geoid_and_areas(tiger_session):
    responses.get(CB_2016, body=RECORDED_ZIP.read_bytes(), content_type="application/zip")
    tracts = fetch_shapes("tract", year=2016, state="42", county="003", session=tiger_session)
    assert responses.calls[0].request.url == CB_2016
    assert list(tracts.columns[:3]) == ["GEOID", "ALAND", "AWATER"]
    assert tracts.crs.to_epsg() == 4326
    by_id = tracts.set_index("GEOID")
    # values of the file (see recorded/tiger/README.md)
    assert by_id.loc["42003050900", "ALAND"] == 452643.0 and by_id.loc["42003050900", "AWATER"] == 4114.0
    assert by_id.loc["42003070300", "AWATER"] == 0.0
    # Pittsburgh lies near 80.0 W, 40.44 N
    minx, miny, maxx, maxy = tracts.total_bounds
    assert -80.1 < minx < maxx < -79.8 and 40.3 < miny < maxy < 40.6
    assert tracts.geometry.is_valid.all()


@responses.activate
def test_county_filter_keeps_the_county_and_refuses_an_absent_one(tiger_session):
    responses.get(CB_2016, body=RECORDED_ZIP.read_bytes(), content_type="application/zip")
    assert len(fetch_shapes("tract", year=2016, state=42, county=["003"], session=tiger_session)) == 2
    with pytest.raises(BoundaryFileError, match="county 005"):
        fetch_shapes("tract", year=2016, state=42, county="005", session=tiger_session)


@responses.activate
def test_not_found_page_raises_a_download_error(tiger_session):
    url = "https://www2.census.gov/geo/tiger/GENZ2011/cb_2011_42_tract_500k.zip"
    responses.get(url, status=404, content_type="text/html",
                  body="<!DOCTYPE HTML><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
                       "<p>The requested URL was not found on this server.</p></body></html>")
    with pytest.raises(BoundaryDownloadError, match="HTTP 404 \\(404 Not Found\\)"):
        fetch_shapes("tract", year=2011, state="42", session=tiger_session)


@responses.activate
def test_html_page_with_status_200_is_refused_and_not_kept_in_the_cache(tiger_session):
    responses.get(CB_2016, status=200, content_type="text/html",
                  body="<html><head><title>Site Maintenance</title></head><body>back soon</body></html>")
    with pytest.raises(BoundaryDownloadError, match="Site Maintenance"):
        fetch_shapes("tract", year=2016, state="42", session=tiger_session)
    responses.replace(responses.GET, CB_2016, body=RECORDED_ZIP.read_bytes(), content_type="application/zip")
    assert len(fetch_shapes("tract", year=2016, state="42", session=tiger_session)) == 2
    assert len(responses.calls) == 2


@responses.activate
def test_tiger_line_2010_columns_lose_their_vintage_suffix(tiger_session):
    two = gpd.read_file(RECORDED_ZIP)
    # TIGER/Line 2010 names the same fields STATEFP10, COUNTYFP10, GEOID10, ALAND10, ...
    renamed = two.rename(columns={c: f"{c}10" for c in two.columns if c != "geometry"})
    url = "https://www2.census.gov/geo/tiger/TIGER2010/TRACT/2010/tl_2010_42_tract10.zip"
    responses.get(url, body=_zip_of(renamed, "tl_2010_42_tract10"), content_type="application/zip")
    tracts = fetch_shapes("tract", year=2010, state="42", county="003", cartographic=False, session=tiger_session)
    assert sorted(tracts["GEOID"]) == ["42003050900", "42003070300"]
    assert tracts.set_index("GEOID").loc["42003050900", "ALAND"] == 452643.0


@responses.activate
def test_cartographic_2010_layout_gets_geoid_and_land_area(tiger_session):
    two = gpd.read_file(RECORDED_ZIP)
    # GENZ2010 layout: GEO_ID "1400000US<geoid>", STATE, COUNTY, TRACT, CENSUSAREA in square miles
    gz = gpd.GeoDataFrame({
        "GEO_ID": "1400000US" + two["GEOID"], "STATE": two["STATEFP"], "COUNTY": two["COUNTYFP"],
        "TRACT": two["TRACTCE"], "NAME": two["NAME"], "LSAD": "Tract",
        "CENSUSAREA": two["ALAND"] / SQUARE_METRES_PER_SQUARE_MILE,
    }, geometry=two.geometry, crs=two.crs)
    url = "https://www2.census.gov/geo/tiger/GENZ2010/gz_2010_42_140_00_500k.zip"
    responses.get(url, body=_zip_of(gz, "gz_2010_42_140_00_500k"), content_type="application/zip")
    tracts = fetch_shapes("tract", year=2010, state="42", county="003", session=tiger_session).set_index("GEOID")
    assert sorted(tracts.index) == ["42003050900", "42003070300"]
    # 452,643 m2 -> 0.17476... sq mi in the file -> back to m2 (the shapefile keeps 15 significant digits)
    assert tracts.loc["42003050900", "ALAND"] == pytest.approx(452643.0, abs=1.0)
    assert math.isnan(tracts.loc["42003050900", "AWATER"])


def test_offline_download_raises_offline_error(tiger_session):
    http.set_offline(True)
    with pytest.raises(http.OfflineError):
        fetch_shapes("tract", year=2016, state="42", session=tiger_session)


# ------------------------------------------------------------------------------------ local files


def test_real_tract_geojson_reads_with_every_tract():
    if not SHARED_TRACTS.exists():
        pytest.skip("shared tract polygons not present")
    tracts = read_shapes_file(SHARED_TRACTS)
    assert len(tracts) == 402 and tracts["GEOID"].is_unique
    assert tracts.crs.to_epsg() == 4326 and tracts.geometry.is_valid.all()
    # first feature of the file: FID 1, GEOID 42003050900, ALAND 452643, AWATER 4114
    first = tracts.set_index("GEOID").loc["42003050900"]
    assert (first["ALAND"], first["AWATER"]) == (452643.0, 4114.0)


def test_zipped_shapefile_reads_and_any_field_can_be_the_identifier():
    by_tract_code = read_shapes_file(RECORDED_ZIP, geoid_field="TRACTCE")
    assert sorted(by_tract_code["GEOID"]) == ["050900", "070300"]
    assert by_tract_code.crs.to_epsg() == 4326


def _write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_invalid_geometry_is_made_valid(tmp_path):
    # a bow-tie ring crosses itself at (1, 1): invalid as a polygon, two triangles once repaired
    bowtie = {"type": "Feature", "properties": {"GEOID": "1"},
              "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}}
    assert not Polygon(bowtie["geometry"]["coordinates"][0]).is_valid
    shapes = read_shapes_file(_write_geojson(tmp_path / "bowtie.geojson", [bowtie]))
    geometry = shapes.geometry.iloc[0]
    assert geometry.is_valid and geometry.geom_type == "MultiPolygon"
    assert geometry.area == pytest.approx(2.0)  # two triangles of base 2 and height 1


def test_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    with pytest.raises(BoundaryFileError, match="empty file"):
        read_shapes_file(empty)


def test_file_without_features_is_refused(tmp_path):
    with pytest.raises(BoundaryFileError, match="no features"):
        read_shapes_file(_write_geojson(tmp_path / "none.geojson", []))


def test_file_without_the_identifier_field_names_the_fields_it_has(tmp_path):
    feature = {"type": "Feature", "properties": {"hood": "Bloomfield"},
               "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}
    with pytest.raises(BoundaryFileError, match="no 'GEOID' field \\(fields: hood\\)"):
        read_shapes_file(_write_geojson(tmp_path / "hoods.geojson", [feature]))


def test_repeated_identifiers_are_refused(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    features = [{"type": "Feature", "properties": {"GEOID": "42003020100"}, "geometry": square}] * 2
    with pytest.raises(BoundaryFileError, match="more than once"):
        read_shapes_file(_write_geojson(tmp_path / "twice.geojson", features))


def test_unreadable_file_is_refused(tmp_path):
    text = tmp_path / "tracts.geojson"
    text.write_text("this is not geometry", encoding="utf-8")
    with pytest.raises(BoundaryFileError, match="not a readable boundary file"):
        read_shapes_file(text)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(BoundaryFileError, match="no boundary file"):
        read_shapes_file(tmp_path / "absent.geojson")
