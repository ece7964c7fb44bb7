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
