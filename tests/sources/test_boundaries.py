"""Boundary files: the real neighborhoods and ZIP codes, and small hand-made bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import responses

from indicators.sources import http
from indicators.sources import boundaries as b

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh"
NEIGHBORHOODS = SHARED / "neighborhoods" / "Neighborhoods_.geojson"
ZIPS = SHARED / "other" / "Allegheny_County_Zip_Code_Boundaries.geojson"

SQUARE = [[[-80.0, 40.4], [-79.99, 40.4], [-79.99, 40.41], [-80.0, 40.41], [-80.0, 40.4]]]
# a ring that crosses itself: two triangles meeting at (-79.995, 40.405)
BOW_TIE = [[[-80.0, 40.4], [-79.99, 40.41], [-79.99, 40.4], [-80.0, 40.41], [-80.0, 40.4]]]


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data file {path.name} not present")
    return path


def feature(props: dict, coordinates=SQUARE, kind: str = "Polygon") -> dict:
    geometry = None if coordinates is None else {"type": kind, "coordinates": coordinates}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write(tmp_path: Path, features: list[dict], **extra) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", **extra, "features": features}))
    return path


def test_pittsburgh_neighborhoods_read_as_90_named_areas():
    areas = b.read_boundaries(needs(NEIGHBORHOODS), name_field="hood", id_field="hood_no")
    assert len(areas) == 90
    assert list(areas.columns) == ["name", "area_id", "geometry"]
    assert areas.crs.to_epsg() == 4326
    assert areas["name"].is_unique and areas["area_id"].is_unique
    assert areas.is_valid.all()
    assert set(areas.geom_type) == {"Polygon", "MultiPolygon"}
    first = areas.iloc[0]
    assert (first["name"], first["area_id"]) == ("Point Breeze North", "64")
    assert areas.attrs["notes"] == []
    # the city lies around 80.0 W, 40.44 N
    xmin, ymin, xmax, ymax = areas.total_bounds
    assert -80.1 < xmin < xmax < -79.8 and 40.3 < ymin < ymax < 40.6


def test_zip_boundaries_repair_the_one_invalid_polygon():
    zips = b.read_zip_boundaries(needs(ZIPS))
    assert len(zips) == 127
    assert zips["name"].str.fullmatch(r"\d{5}").all()
    assert (zips["name"] == zips["area_id"]).all()
    # ZIP 15044 (Gibsonia) has a self-intersecting ring in the published file
    assert zips.is_valid.all()
    assert len(zips.attrs["notes"]) == 1 and "15044" in zips.attrs["notes"][0]
    assert zips.set_index("name").loc["15044"].geometry.geom_type in ("Polygon", "MultiPolygon")


def test_missing_name_field_names_the_fields_present():
    with pytest.raises(b.BoundaryError, match=r"field 'neighborhood' is missing .*fields present: .*hood, hood_no"):
        b.read_boundaries(needs(NEIGHBORHOODS), name_field="neighborhood")


def test_names_are_stripped_and_id_defaults_to_the_name(tmp_path):
    path = write(tmp_path, [feature({"hood": "  Bloomfield "})])
    areas = b.read_boundaries(path, name_field="hood")
    assert areas["name"].tolist() == ["Bloomfield"]
    assert areas["area_id"].tolist() == ["Bloomfield"]


def test_self_intersecting_polygon_is_made_valid_keeping_its_area(tmp_path):
    path = write(tmp_path, [feature({"hood": "Bow Tie"}, BOW_TIE)])
    areas = b.read_boundaries(path, name_field="hood")
    geometry = areas.geometry.iloc[0]
    assert geometry.is_valid
    assert geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 2
    # two triangles, each half of a quarter of the 0.01 x 0.01 square: 2 * 0.01 * 0.005 / 2 = 0.00005
    assert geometry.area == pytest.approx(0.00005)
    assert "Bow Tie (Self-intersection" in areas.attrs["notes"][0]


def test_crs84_member_and_projected_crs_member(tmp_path):
    crs84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert b.read_boundaries(write(tmp_path, [feature({"n": "A"})], crs=crs84), name_field="n").crs.to_epsg() == 4326
    # the same square in Web Mercator metres is read back in longitude/latitude
    # (-80.0, 40.4) and (-79.99, 40.41) projected with pyproj to EPSG:3857, rounded to the centimetre
    mercator = [[[-8905559.26, 4924240.59], [-8904446.07, 4924240.59], [-8904446.07, 4925702.47],
                 [-8905559.26, 4925702.47], [-8905559.26, 4924240.59]]]
    path = write(tmp_path, [feature({"n": "A"}, mercator)],
                 crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}})
    xmin, ymin, xmax, ymax = b.read_boundaries(path, name_field="n").total_bounds
    assert (xmin, ymin, xmax, ymax) == pytest.approx((-80.0, 40.4, -79.99, 40.41), abs=1e-4)


@pytest.mark.parametrize("content, message", [
    ("not json at all", "not GeoJSON"),
    (json.dumps([1, 2, 3]), "not a GeoJSON FeatureCollection"),
    (json.dumps({"type": "Feature", "properties": {}, "geometry": None}), "not a GeoJSON FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "has no features"),
])
def test_files_that_are_not_boundary_collections_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(b.BoundaryError, match=message):
        b.read_boundaries(path, name_field="hood")


def test_duplicate_names_are_refused(tmp_path):
    path = write(tmp_path, [feature({"hood": "Bloomfield"}), feature({"hood": "Bloomfield "}), feature({"hood": "X"})])
    with pytest.raises(b.BoundaryError, match="duplicate names in 'hood': Bloomfield"):
        b.read_boundaries(path, name_field="hood")


def test_duplicate_ids_are_refused(tmp_path):
    path = write(tmp_path, [feature({"hood": "A", "no": 1}), feature({"hood": "B", "no": 1})])
    with pytest.raises(b.BoundaryError, match="duplicate ids"):
        b.read_boundaries(path, name_field="hood", id_field="no")


def test_blank_names_are_refused(tmp_path):
    path = write(tmp_path, [feature({"hood": " "}), feature({"hood": None})])
    with pytest.raises(b.BoundaryError, match="2 features have a blank 'hood'"):
        b.read_boundaries(path, name_field="hood")


@pytest.mark.parametrize("bad", [
    feature({"hood": "Nowhere"}, None),
    feature({"hood": "Nowhere"}, []),
    feature({"hood": "Nowhere"}, [-80.0, 40.4], kind="Point"),
])
def test_areas_without_a_polygon_are_refused(tmp_path, bad):
    path = write(tmp_path, [feature({"hood": "Somewhere"}), bad])
    with pytest.raises(b.BoundaryError, match="1 areas have no polygon: Nowhere"):
        b.read_boundaries(path, name_field="hood")


def test_projected_coordinates_without_a_crs_member_are_refused(tmp_path):
    feet = [[[1340000, 410000], [1341000, 410000], [1341000, 411000], [1340000, 410000]]]
    with pytest.raises(b.BoundaryError, match="not longitude/latitude"):
        b.read_boundaries(write(tmp_path, [feature({"hood": "A"}, feet)]), name_field="hood")


def test_zip_field_with_non_zip_values_is_refused(tmp_path):
    path = write(tmp_path, [feature({"ZIP": "PITTSBURGH"})])
    with pytest.raises(b.BoundaryError, match="not ZIP codes: PITTSBURGH"):
        b.read_zip_boundaries(path)


@responses.activate
def test_boundaries_are_fetched_from_a_url(tmp_path):
    url = "https://data.wprdc.org/dataset/x/resource/y/download/neighborhoods.geojson"
    responses.get(url, body=write(tmp_path, [feature({"hood": "Bloomfield", "hood_no": 9})]).read_text())
    responses.get(url + ".missing", status=404)
    http.set_offline(False)
    try:
        with requests.Session() as session:
            areas = b.read_boundaries(url, name_field="hood", id_field="hood_no", session=session)
            with pytest.raises(b.BoundaryError, match="HTTP 404"):
                b.read_boundaries(url + ".missing", name_field="hood", session=session)
    finally:
        http.set_offline(None)
    assert areas[["name", "area_id"]].values.tolist() == [["Bloomfield", "9"]]
