"""Class breaks of the maps: the quantiles the landing page computes itself are mapclassify's, for every
indicator in the snapshot; natural breaks still come from mapclassify."""

from __future__ import annotations

import warnings

import mapclassify
import numpy as np
import pandas as pd
import pytest

from indicators.metrics import catalog, compute
from indicators.metrics.compute import available_levels
from indicators.snapshot.read import open_snapshot
from ui import mapview

LEVELS = [(i.id, level) for i in catalog.CATALOG.values() for level in ("neighborhood", "tract")
          if level in available_levels(open_snapshot(), i.id)]


@pytest.mark.parametrize(("indicator_id", "level"), LEVELS)
def test_quantile_breaks_are_mapclassifys_on_the_snapshot(snapshot, indicator_id, level):
    values = compute.compute(snapshot, indicator_id, level)["estimate"].dropna()
    if values.nunique() < 2:
        pytest.skip("fewer than two distinct values")
    for k in (3, 5, 7):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # mapclassify warns when ties merge classes
            expected = mapclassify.Quantiles(values.to_numpy(float), k=min(k, values.nunique())).bins
        got = mapview.class_breaks(values, "quantiles", k)
        assert np.allclose(got, expected), (k, got, list(expected))


def test_ties_merge_classes_and_a_single_value_is_one_class():
    assert mapview.class_breaks(pd.Series([1.0, 1.0, 1.0, 2.0]), "quantiles", 5) == [1.0, 2.0]
    assert mapview.class_breaks(pd.Series([3.0, 3.0]), "quantiles", 5) == [3.0]
    assert mapview.class_breaks(pd.Series([np.nan, np.nan]), "quantiles", 5) == []


def test_natural_breaks_come_from_mapclassify(snapshot):
    values = compute.compute(snapshot, "rent_burden_share", "neighborhood")["estimate"].dropna()
    assert mapview.class_breaks(values, "natural_breaks", 5) == pytest.approx(
        list(mapclassify.FisherJenks(values.to_numpy(float), k=5).bins))


def _pixels(lon, lat, view, width, height):
    """Web Mercator position of a point on a map of ``width`` × ``height`` pixels showing ``view``."""
    import math

    scale = 512 * 2 ** view.zoom

    def project(lo, la):
        return ((lo + 180) / 360 * scale,
                (1 - math.log(math.tan(math.radians(la)) + 1 / math.cos(math.radians(la))) / math.pi) / 2 * scale)

    x, y = project(lon, lat)
    cx, cy = project(view.longitude, view.latitude)
    return width / 2 + x - cx, height / 2 + y - cy


@pytest.mark.parametrize("city", ["pittsburgh", "dc"])
@pytest.mark.parametrize("width, height", [(mapview.PHONE_MAP_WIDTH, 420), (mapview.DESKTOP_MAP_WIDTH, 560)])
def test_the_whole_city_fits_the_map_on_a_phone_and_on_a_desktop(city, width, height):
    from tests.conftest import REPO

    bounds = open_snapshot(REPO / "data" / "snapshots" / city, verify=False).table("areas_neighborhoods").total_bounds
    view = mapview.fitted_view(bounds, width, height)
    corners = [_pixels(lon, lat, view, width, height) for lon in bounds[::2] for lat in bounds[1::2]]
    assert all(0 <= x <= width and 0 <= y <= height for x, y in corners), corners
    # and it is not a postage stamp: the city spans at least 90% of one side
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    assert max(max(xs) - min(xs), (max(ys) - min(ys)) * width / height) >= 0.9 * width


def test_a_yes_no_flag_gets_no_rank_in_its_tooltip(snapshot):
    import geopandas as gpd

    ind = catalog.get("displacement_vulnerability")
    result = compute.compute(snapshot, ind.id, "tract")
    areas = gpd.GeoDataFrame(snapshot.table("areas_tracts")[["area_id", "name", "geometry"]])
    frame, breaks, colours = mapview.map_frame(areas, compute.on_map_tracts(result, snapshot, ind.id), ind)
    assert set(frame["tip_rank"]) == {""}


def test_in_high_contrast_the_lightest_class_is_no_colour_of_no_figure():
    ind = catalog.get("rent_burden_share")
    colours = mapview.palette(ind, 5, high_contrast=True)
    rows = mapview.legend_rows(ind, [0.2, 0.3, 0.4, 0.5, 0.6], colours, 0.1, high_contrast=True)
    no_figure = rows[-1][0]
    lightest = colours[0]
    # WCAG contrast ratio between the lightest class and "no figure" (white, hatched in the legend); the ordinary
    # map's pale yellow and light grey barely differ (about 1.05)
    def luminance(hex_colour):
        def linear(c):
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (linear(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    assert no_figure == "#ffffff" and (luminance(no_figure) + 0.05) / (luminance(lightest) + 0.05) > 1.5
    assert "repeating-linear-gradient" in mapview.legend_html("t", rows)


def test_long_names_are_shortened_for_map_labels():
    assert mapview.short_label("Cluster 8: Downtown, Chinatown, Penn Quarters") == "Downtown…"
    assert mapview.short_label("Squirrel Hill South") == "Squirrel Hill South"


def test_the_map_picture_is_a_png_drawn_in_the_readers_language():
    from ui import data

    english = data.map_png("pittsburgh", "rent_burden_share", "neighborhood", None, "quantiles", "en")
    spanish = data.map_png("pittsburgh", "rent_burden_share", "neighborhood", None, "quantiles", "es")
    assert english[:8] == spanish[:8] == b"\x89PNG\r\n\x1a\n" and english != spanish
    ind = catalog.get("rent_burden_share", "es")
    rows = mapview.legend_rows(ind, [0.3, 0.5], ["#ffffb2", "#bd0026"], 0.1, language="es")
    assert [label for _c, label in rows[-2:]] == ["estimación poco confiable (CV > 30%)", "sin cifra"]


def test_the_typology_is_drawn_by_type_with_its_labels_in_the_legend():
    import geopandas as gpd
    from shapely.geometry import box

    from indicators.metrics.typology import MAP_LABELS

    ind = catalog.get("displacement_typology")
    areas = gpd.GeoDataFrame({"area_id": ["A", "B", "C"], "name": ["A", "B", "C"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)], crs="EPSG:4326")
    # codes are the labels' positions + 1: Ongoing Displacement (2), Becoming Exclusive (8), no figure
    result = pd.DataFrame({"area_id": ["A", "B"], "estimate": [2.0, 8.0], "moe": np.nan, "reliability": "unknown"})
    frame, breaks, colours = mapview.map_frame(areas, result, ind)
    assert frame.set_index("area_id").loc["A", "fill"] == mapview.hex_rgba(mapview.CATEGORY_COLOURS[1])
    assert frame.set_index("area_id").loc["B", "fill"] == mapview.hex_rgba(mapview.CATEGORY_COLOURS[7])
    assert frame.set_index("area_id").loc["C", "fill"] == mapview.hex_rgba(mapview.NO_DATA)
    assert frame["rank"].isna().all() and frame.set_index("area_id").loc["A", "tip_value"] == "Ongoing Displacement"
    legend = mapview.legend_rows(ind, breaks, colours, None)
    assert [label for _colour, label in legend] == list(MAP_LABELS)


def _label_boxes(names, view, size, label_size):
    """Each placed name's box on the map, in pixels, as the placement reckons it (without the room around it)."""
    boxes = []
    for text, (lon, lat) in zip(names["text"], names["position"]):
        x, y = _pixels(lon, lat, view, *size)
        w, h = mapview.label_width(text, label_size), label_size * 1.2 + 2 * mapview.LABEL_PADDING[1]
        boxes.append((x - w / 2, x + w / 2, y - h / 2, y + h / 2))
    return boxes


@pytest.mark.parametrize("city", ["pittsburgh", "dc"])
@pytest.mark.parametrize("size, label_size", [((mapview.PHONE_MAP_WIDTH, 420), 11),
                                              ((mapview.DESKTOP_MAP_WIDTH, 560), 12)])
def test_names_are_placed_for_the_first_view_none_over_another_the_largest_areas_first(city, size, label_size):
    import geopandas as gpd

    from tests.conftest import REPO

    areas = gpd.GeoDataFrame(open_snapshot(REPO / "data" / "snapshots" / city, verify=False).table(
        "areas_neighborhoods"))
    points = mapview.labels(areas)
    view = mapview.fitted_view(areas.total_bounds, *size)
    names = mapview.placed_labels(points, view, size, label_size)
    boxes = _label_boxes(names, view, size, label_size)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]), (a, b)
    assert all(0 <= a[0] and a[1] <= size[0] and 0 <= a[2] and a[3] <= size[1] for a in boxes)
    # the largest area is named, and a name that would be whole on the map is left out only where a larger area's name is in
    # its way (with the room the placement keeps around each)
    assert points.loc[points["priority"].idxmax(), "text"] in set(names["text"])
    assert 10 <= len(names) < len(points)

    def grown(box):
        room_x, room_y = (box[1] - box[0]) * mapview.LABEL_ROOM / 2, (box[3] - box[2]) * mapview.LABEL_ROOM / 2
        return box[0] - room_x, box[1] + room_x, box[2] - room_y, box[3] + room_y

    placed = [(grown(b), p) for b, p in zip(boxes, names["priority"])]
    left_out = points.drop(names.index)
    for (_i, row), box in zip(left_out.iterrows(), _label_boxes(left_out, view, size, label_size)):
        a = grown(box)
        if not (0 <= a[0] and a[1] <= size[0] and 0 <= a[2] and a[3] <= size[1]):
            continue   # it would be cut off at the map's edge
        assert any(a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3] and p >= row["priority"]
                   for b, p in placed), row["text"]


def test_the_names_layer_is_drawn_once_with_no_collision_filter(snapshot):
    import json

    from ui import data

    deck = data.map_deck("pittsburgh", "rent_burden_share", "neighborhood", None, "quantiles", "en", opacity=0.8,
                         streets=False, names_on=True, phone=False)
    layers = {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}
    names = layers["areas_names"]
    assert "extensions" not in names and "collisionEnabled" not in names
    assert 0 < len(names["data"]) < len(snapshot.table("areas_neighborhoods"))


def test_a_map_without_a_street_map_asks_for_no_base_map_and_with_one_for_the_citys_tiles():
    import json

    from pydeck.bindings.deck import _DEFAULT_MAP_STYLE_SENTINEL

    from indicators.core.places import Basemap

    import geopandas as gpd
    from shapely.geometry import Polygon

    frame = gpd.GeoDataFrame({"area_id": ["a"], "tip_name": ["A"], "tip_value": ["1"], "tip_rank": [""],
                              "tip_note": [""], "fill": [[1, 2, 3, 255]]},
                             geometry=[Polygon([(0, 0), (0, 1), (1, 1)])], crs="EPSG:4326")
    shapes = {"a": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}}
    plain = json.loads(mapview.deck(frame, shapes=shapes).to_json())
    # Streamlit draws its theme's Carto map where a deck names no style (or None): every reader's browser would
    # fetch it; pydeck's own default with no provider is Streamlit's "no base map"
    assert plain.get("mapStyle") == _DEFAULT_MAP_STYLE_SENTINEL and "mapProvider" not in plain
    assert "cartocdn" not in json.dumps(plain)
    tiles = Basemap(tiles="https://tiles.example.org/{z}/{x}/{y}.png", attribution="© Example")
    streets = json.loads(mapview.deck(frame, shapes=shapes, basemap=tiles).to_json())
    assert streets["mapStyle"].startswith("data:application/json") and "tiles.example.org" in streets["mapStyle"]


def test_the_residents_map_of_tell_us_asks_for_no_base_map_either():
    import json

    from pydeck.bindings.deck import _DEFAULT_MAP_STYLE_SENTINEL

    from ui import testimony

    deck = json.loads(testimony._area_deck("pittsburgh", "neighborhood", "").to_json())
    assert deck.get("mapStyle") == _DEFAULT_MAP_STYLE_SENTINEL and "mapProvider" not in deck


def test_shapes_are_the_rounded_geojson_of_polygons_multipolygons_holes_and_other_shapes():
    import json

    import geopandas as gpd
    import orjson
    import shapely
    from shapely.geometry import LineString, MultiPolygon, Polygon

    square = Polygon([(0.123456789, 0), (0, 1), (1, 1), (1, 0)], holes=[[(0.2, 0.2), (0.2, 0.4), (0.4, 0.4)]])
    island = Polygon([(2, 2), (2, 3), (3.000004, 3)])
    shapes_in = [square, MultiPolygon([square, island]), island, LineString([(0, 0), (1.0000049, 1)])]
    areas = gpd.GeoDataFrame({"area_id": ["sq", "multi", "island", "line"]}, geometry=shapes_in, crs="EPSG:4326")

    def expected(geometry):
        return json.loads(json.dumps(shapely.geometry.mapping(
            shapely.transform(geometry, lambda xy: np.round(xy, mapview.MAP_DECIMALS)))))

    for frame in (areas, areas.iloc[[0, 2]], areas.iloc[[3]], areas.iloc[[1]]):
        shapes = mapview.shapes_of(frame)
        assert set(shapes) == set(frame["area_id"])
        written = json.loads(orjson.dumps(shapes, option=orjson.OPT_SERIALIZE_NUMPY))
        assert written == {a: expected(g) for a, g in zip(frame["area_id"], frame.geometry)}
    assert mapview.shapes_of(areas)["multi"]["type"] == "MultiPolygon"
    assert mapview.shapes_of(areas)["sq"]["coordinates"][0][0].tolist() == [0.12346, 0.0]
    assert mapview.shapes_of(areas.iloc[[]]) == {}


def test_a_deck_with_array_polygons_is_written_as_json_with_sorted_keys_and_null_for_a_missing_number():
    import json

    import geopandas as gpd
    from shapely.geometry import Polygon

    frame = gpd.GeoDataFrame({"area_id": ["a"], "tip_name": ["Café “A”"], "tip_value": ["1"], "tip_rank": [""],
                              "tip_note": [""], "fill": [[1, 2, 3, 255]]},
                             geometry=[Polygon([(0, 0), (0, 1), (1, 1)])], crs="EPSG:4326")
    text = mapview.deck(frame).to_json()
    deck = json.loads(text)
    feature = deck["layers"][0]["data"]["features"][0]
    assert feature["geometry"] == {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}
    assert feature["properties"]["tip_name"] == "Café “A”"
    assert list(deck) == sorted(deck) and list(deck["layers"][0]) == sorted(deck["layers"][0])
    assert json.loads(mapview.CompactDeck(layers=[], map_provider=None, description=float("nan")).to_json()
                      )["description"] is None
