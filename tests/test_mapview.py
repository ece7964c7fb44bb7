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
