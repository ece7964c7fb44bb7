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


# --- labels built from several fields, areas left out by a property: Washington, DC -------------------

DC_RECORDED = Path(__file__).parent / "recorded" / "dc"
DC_CLUSTERS = DC_RECORDED / "neighborhood_clusters_extract.geojson"
DC_PSA = DC_RECORDED / "police_service_areas_extract.geojson"


@pytest.fixture(scope="module")
def dc_raw(shared_data):
    folder = shared_data / "dc"
    if not folder.is_dir():
        pytest.skip("the real data folder shared/data/dc is not here")
    return folder


def test_cluster_names_are_built_from_two_fields():
    clusters = b.read_boundaries(DC_CLUSTERS, name_field="NAME", label_format="{NAME}: {NBH_NAMES}")
    assert clusters["name"].tolist() == ["Cluster 6: Dupont Circle, Connecticut Avenue/K Street",
                                         "Cluster 7: Shaw, Logan Circle", "Cluster 40: Walter Reed"]
    # the id stays the short name
    assert clusters["area_id"].tolist() == ["Cluster 6", "Cluster 7", "Cluster 40"]
    assert list(clusters.columns) == ["name", "area_id", "geometry"]
    assert clusters.is_valid.all() and clusters.crs.to_epsg() == 4326
    plain = b.read_boundaries(DC_CLUSTERS, name_field="NAME")
    assert plain["name"].tolist() == ["Cluster 6", "Cluster 7", "Cluster 40"]


def test_areas_are_kept_by_default_and_left_out_when_the_config_says():
    assert len(b.read_boundaries(DC_CLUSTERS, name_field="NAME")) == 3
    residential = b.read_boundaries(DC_CLUSTERS, name_field="NAME", drop_where={"TYPE": ["Additional"]})
    assert residential["area_id"].tolist() == ["Cluster 6", "Cluster 7"]
    assert residential.attrs["notes"] == [
        "neighborhood_clusters_extract.geojson: left out 1 areas with TYPE 'Additional': Cluster 40"]
    with pytest.raises(b.BoundaryError, match=r"drop_where field 'KIND' is in no feature; fields present: .*TYPE"):
        b.read_boundaries(DC_CLUSTERS, name_field="NAME", drop_where={"KIND": ["Additional"]})
    with pytest.raises(b.BoundaryError, match="leaves no area"):
        b.read_boundaries(DC_CLUSTERS, name_field="NAME", drop_where={"TYPE": ["Original", "Additional"]})


def test_a_label_format_naming_a_missing_field_or_none_is_refused():
    with pytest.raises(b.BoundaryError, match=r"field 'NEIGHBORHOODS' is missing from any feature; "
                                              r"fields present: .*NBH_NAMES"):
        b.read_boundaries(DC_CLUSTERS, name_field="NAME", label_format="{NAME}: {NEIGHBORHOODS}")
    with pytest.raises(b.BoundaryError, match="must name properties in braces"):
        b.read_boundaries(DC_CLUSTERS, name_field="NAME", label_format="Cluster")


def test_further_properties_are_kept_as_columns():
    psa = b.read_boundaries(DC_PSA, name_field="PSA", keep_fields=["DISTRICT", "SECTOR"])
    assert list(psa.columns) == ["name", "area_id", "DISTRICT", "SECTOR", "geometry"]
    assert psa[["area_id", "DISTRICT"]].values.tolist() == [["101", "1"], ["102", "1"], ["304", "3"], ["305", "3"]]
    with pytest.raises(b.BoundaryError, match="would replace the columns"):
        b.read_boundaries(DC_PSA, name_field="PSA", keep_fields=["name"])


def test_the_whole_dc_cluster_and_ward_files(dc_raw):
    clusters = b.read_boundaries(dc_raw / "neighborhoods" / "Neighborhood_Clusters.geojson", name_field="NAME",
                                 label_format="{NAME}: {NBH_NAMES}")
    # 46 clusters: 39 "Original" (residential) and 7 "Additional" (40-46)
    assert len(clusters) == 46
    assert clusters.set_index("area_id").loc["Cluster 6", "name"] == \
        "Cluster 6: Dupont Circle, Connecticut Avenue/K Street"
    residential = b.read_boundaries(dc_raw / "neighborhoods" / "Neighborhood_Clusters.geojson", name_field="NAME",
                                    label_format="{NAME}: {NBH_NAMES}", drop_where={"TYPE": "Additional"})
    assert len(residential) == 39
    assert sorted(set(clusters["area_id"]) - set(residential["area_id"]), key=lambda c: int(c.split()[1])) == \
        [f"Cluster {n}" for n in range(40, 47)]
    for name in ("Ward_from_2012.geojson", "Wards_from_2022.geojson"):
        wards = b.read_boundaries(dc_raw / "neighborhoods" / name, name_field="NAME", id_field="WARD")
        # WARD is a number in the files (8), NAME "Ward 8"
        assert sorted(wards["area_id"]) == [str(n) for n in range(1, 9)]
        assert (wards["name"] == "Ward " + wards["area_id"]).all()
        assert wards.is_valid.all() and wards.crs.to_epsg() == 4326
