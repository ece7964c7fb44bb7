"""Geography: the committed tract → neighborhood weights keep their promises, and each weighting step
(overlay, crosswalk inversion, composition, apportioning, name matching) gives what a hand computation gives.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from indicators.core import geography
from indicators.core.config import load_city

#: metres in CONUS Albers (EPSG:5070), a point near Pittsburgh, so areas are the plain products of side lengths
X0, Y0 = 1_330_000.0, 2_060_000.0


def squares(ids: list[str], boxes: list[tuple[float, float, float, float]], id_col: str) -> gpd.GeoDataFrame:
    geoms = [box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d in boxes]
    return gpd.GeoDataFrame({id_col: ids}, geometry=geoms, crs=geography.EQUAL_AREA_CRS)


# ------------------------------------------------------------------------------------------- committed weights
def _in_city_2020(snapshot) -> pd.Series:
    """Share of each 2020 tract's land in the city: Σ (share of the 2020 tract in a 2010 tract) × in_city(2010)."""
    in_city = snapshot.table("areas_tracts").set_index("area_id")["in_city"]
    cw = snapshot.table("crosswalk_tracts_2010_2020")
    return (cw["weight_2020_to_2010"] * cw["tract_2010"].map(in_city).fillna(0.0)).groupby(cw["tract_2020"]).sum()


def test_city_tracts_2010_have_weights_summing_to_one(snapshot):
    tracts = snapshot.table("areas_tracts")
    weights = snapshot.table("weights_tract_neighborhood")
    city = tracts.loc[tracts["in_city"] >= 0.95, "area_id"]
    sums = weights[weights["tract_vintage"] == 2010].groupby("tract_id")["weight"].sum().reindex(city)
    # the 2010 lines: 137 tracts wholly in the city (the boundary files agree on Pittsburgh's edge)
    assert len(city) == 137
    assert sums.notna().all()
    np.testing.assert_allclose(sums, 1.0, atol=1e-6)


def test_city_tracts_2020_have_weights_summing_to_one(snapshot):
    weights = snapshot.table("weights_tract_neighborhood")
    in_city = _in_city_2020(snapshot)
    city = in_city[in_city >= 0.95].index
    sums = weights[weights["tract_vintage"] == 2020].groupby("tract_id")["weight"].sum().reindex(city)
    # 128 tracts, the same as the ACS publisher's city tracts (pgh_share = 1)
    assert len(city) == 128
    assert sums.notna().all()
    bad = sums[(sums - 1).abs() > 1e-6]
    assert bad.empty, f"2020 city tracts whose weights do not sum to 1: {bad.round(6).to_dict()}"


def test_tracts_outside_the_city_have_no_more_than_their_inside_share(snapshot):
    weights = snapshot.table("weights_tract_neighborhood")
    in_city = _in_city_2020(snapshot)
    sums = weights[weights["tract_vintage"] == 2020].groupby("tract_id")["weight"].sum()
    edge = in_city[in_city < 0.95].index.intersection(sums.index)
    assert (sums[edge] <= in_city[edge] + 1e-9).all()


def test_weights_are_shares(snapshot):
    for table in ("weights_tract_neighborhood", "weights_zip_neighborhood"):
        w = snapshot.table(table)["weight"]
        assert w.between(0, 1).all() and (w > 0).all(), table
    cw = snapshot.table("crosswalk_tracts_2010_2020")
    assert cw["weight_2010_to_2020"].between(0, 1).all()
    known = cw["weight_2020_to_2010"].notna()
    assert cw.loc[known, "weight_2020_to_2010"].between(0, 1).all()
    # a share of a 2020 tract's land is unknown only in 2010 tracts of neighbouring counties (land not at hand)
    assert set(cw.loc[~known, "tract_2010"].str[:5]) <= {"42125", "42129"}


def test_weights_name_only_official_neighborhoods(snapshot):
    official = set(snapshot.table("areas_neighborhoods")["area_id"])
    assert len(official) == 90
    for table in ("weights_tract_neighborhood", "weights_zip_neighborhood"):
        assert set(snapshot.table(table)["neighborhood"]) <= official, table


def test_crosswalk_inverse_sums_to_one_per_2020_tract(snapshot):
    cw = snapshot.table("crosswalk_tracts_2010_2020")
    np.testing.assert_allclose(cw.groupby("tract_2020")["weight_2020_to_2010"].sum(), 1.0, atol=1e-9)


# ------------------------------------------------------------------------------------------- overlay by hand
def test_overlay_weights_of_two_squares_by_hand():
    """Sources A = [0,100]², B = [100,200]×[0,100], C = [300,400]×[0,100] (metres).

    Targets: T1 = [0,150]×[0,96]; T2 = [150,200]×[0,50]; T3 = [0,100]×[99.6,100] (a 0.4 m strip);
    T4 = [300,303]×[0,100].
    - A: T1 covers 100×96 = 9,600 of 10,000 m² = 0.96; T3 covers 40 m² = 0.004 < 0.005, a sliver, dropped.
      Covered 0.96 ≥ 0.95, so A lies wholly inside: its weight is rescaled to 0.96 / 0.96 = 1.
    - B: T1 covers 50×96 = 4,800 m² = 0.48; T2 covers 50×50 = 2,500 m² = 0.25. Covered 0.73 < 0.95: B straddles
      the targets' edge and keeps 0.48 and 0.25.
    - C: T4 covers 3×100 = 300 m² = 0.03 < 0.05 in all: an edge sliver, C gets no weight.
    """
    sources = squares(["A", "B", "C"], [(0, 0, 100, 100), (100, 0, 200, 100), (300, 0, 400, 100)], "tract")
    targets = squares(["T1", "T2", "T3", "T4"],
                      [(0, 0, 150, 96), (150, 0, 200, 50), (0, 99.6, 100, 100), (300, 0, 303, 100)], "hood")
    w = geography.overlay_weights(sources, "tract", targets, "hood")
    got = {(r.tract, r.hood): (r.weight, r.covered) for r in w.itertuples()}
    assert set(got) == {("A", "T1"), ("B", "T1"), ("B", "T2")}
    assert got["A", "T1"][0] == pytest.approx(1.0, abs=1e-9)
    assert got["A", "T1"][1] == pytest.approx(0.96, abs=1e-9)
    assert got["B", "T1"] == pytest.approx((0.48, 0.73), abs=1e-9)
    assert got["B", "T2"] == pytest.approx((0.25, 0.73), abs=1e-9)


def test_overlay_measures_coverage_against_land_not_water():
    """B's polygon is 27% river (land share 0.73) that the targets leave out: 0.48 / 0.73 and 0.25 / 0.73 cover
    all its land (sum 1), so B counts as wholly inside."""
    sources = squares(["B"], [(100, 0, 200, 100)], "tract")
    targets = squares(["T1", "T2"], [(0, 0, 150, 96), (150, 0, 200, 50)], "hood")
    w = geography.overlay_weights(sources, "tract", targets, "hood", land_share=pd.Series({"B": 0.73}))
    assert w.set_index("hood")["weight"].to_dict() == pytest.approx({"T1": 0.48 / 0.73, "T2": 0.25 / 0.73})
    assert w["weight"].sum() == pytest.approx(1.0)


def test_overlay_works_from_geographic_coordinates():
    """Inputs in lon/lat are projected to equal area first: a square split down its middle is half in each."""
    sources = gpd.GeoDataFrame({"tract": ["A"]}, geometry=[box(-80.02, 40.43, -80.00, 40.45)], crs="EPSG:4326")
    targets = gpd.GeoDataFrame({"hood": ["W", "E"]}, geometry=[box(-80.03, 40.42, -80.01, 40.46),
                                                               box(-80.01, 40.42, -79.99, 40.46)], crs="EPSG:4326")
    w = geography.overlay_weights(sources, "tract", targets, "hood").set_index("hood")["weight"]
    # two halves of 0.01° of longitude at the same latitudes: equal areas up to the projection's tiny skew
    assert w["W"] == pytest.approx(0.5, abs=1e-3) and w["E"] == pytest.approx(0.5, abs=1e-3)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)


# ------------------------------------------------------------------------------------------- crosswalks by hand
def test_invert_tract_crosswalk_by_hand():
    """2010 tract X (land 300) splits 1/3 into 2020 tract P and 2/3 into Q; Y (land 100) lies wholly in Q.

    Land pieces: X∩P = 100, X∩Q = 200, Y∩Q = 100. P is all X (1.0); Q is 200/300 X and 100/300 Y.
    """
    cw = pd.DataFrame({"tract_2010": ["X", "X", "Y"], "tract_2020": ["P", "Q", "Q"], "weight": [1 / 3, 2 / 3, 1.0]})
    inv = geography.invert_tract_crosswalk(cw, pd.Series({"X": 300.0, "Y": 100.0}))
    got = {(r.tract_2020, r.tract_2010): r.weight for r in inv.itertuples()}
    assert got == pytest.approx({("P", "X"): 1.0, ("Q", "X"): 2 / 3, ("Q", "Y"): 1 / 3})
    assert inv.groupby("tract_2020")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_invert_tract_crosswalk_of_the_real_file_sums_to_one(pittsburgh_raw, snapshot):
    cw = pd.read_csv(pittsburgh_raw / "tracts" / "crosswalk_tract2010_to_tract2020_allegheny.csv", dtype=str)
    cw = cw.rename(columns={"census_tract_id_2010": "tract_2010", "census_tract_id_2020": "tract_2020"})
    cw["weight"] = cw["weight"].astype(float)
    land = snapshot.table("areas_tracts").set_index("area_id")["aland"]
    inv = geography.invert_tract_crosswalk(cw, land)
    sums = inv.groupby("tract_2020")["weight"].sum()
    # every Allegheny 2020 tract that meets a 2010 tract of the county
    assert len(sums) >= 394
    np.testing.assert_allclose(sums, 1.0, atol=1e-12)


def test_compose_weights_by_hand():
    """P→X 1.0; Q→X 2/3, Q→Y 1/3; X→N1 0.25, X→N2 0.75; Y→N2 1.0.
    P→N1 = 0.25, P→N2 = 0.75; Q→N1 = 2/3·0.25 = 1/6, Q→N2 = 2/3·0.75 + 1/3·1 = 5/6."""
    first = pd.DataFrame({"tract_2020": ["P", "Q", "Q"], "tract_2010": ["X", "X", "Y"], "weight": [1, 2 / 3, 1 / 3]})
    second = pd.DataFrame({"tract_2010": ["X", "X", "Y"], "hood": ["N1", "N2", "N2"], "weight": [0.25, 0.75, 1.0]})
    out = geography.compose_weights(first, "tract_2020", "tract_2010", second, "hood")
    got = {(r.tract_2020, r.hood): r.weight for r in out.itertuples()}
    assert got == pytest.approx({("P", "N1"): 0.25, ("P", "N2"): 0.75, ("Q", "N1"): 1 / 6, ("Q", "N2"): 5 / 6})


# ------------------------------------------------------------------------------------------- apportioning by hand
def test_apportion_counts_by_hand():
    """t1 (100 ± 30) is split half/half between N and M; t2 (50 ± 40) lies wholly in N.

    N: 0.5·100 + 1·50 = 100, MOE √((0.5·30)² + (1·40)²) = √(225 + 1600) = √1825 ≈ 42.72.
    M: 0.5·100 = 50, MOE √((0.5·30)²) = 15.
    """
    values = pd.DataFrame({"tract_id": ["t1", "t2"], "measure": "renters", "estimate": [100.0, 50.0],
                           "moe": [30.0, 40.0]})
    weights = pd.DataFrame({"tract_id": ["t1", "t1", "t2"], "hood": ["N", "M", "N"], "weight": [0.5, 0.5, 1.0]})
    out = geography.apportion_counts(values, weights, source_id="tract_id", target_id="hood").set_index("hood")
    assert out.loc["N", "estimate"] == pytest.approx(100.0)
    assert out.loc["N", "moe"] == pytest.approx(math.sqrt(1825))
    assert out.loc["N", "moe"] == pytest.approx(42.7200, abs=1e-4)
    assert out.loc["M", "estimate"] == pytest.approx(50.0)
    assert out.loc["M", "moe"] == pytest.approx(15.0)
    assert out.loc["N", "weight"] == pytest.approx(1.5)
    assert (out["missing_weight"] == 0).all()


def test_apportioned_target_with_a_missing_piece_is_missing_not_understated():
    values = pd.DataFrame({"tract_id": ["t1", "t2"], "measure": "renters", "estimate": [100.0, np.nan],
                           "moe": [30.0, np.nan]})
    weights = pd.DataFrame({"tract_id": ["t1", "t1", "t2"], "hood": ["N", "M", "N"], "weight": [0.5, 0.5, 0.8]})
    out = geography.apportion_counts(values, weights, source_id="tract_id", target_id="hood").set_index("hood")
    assert np.isnan(out.loc["N", "estimate"])
    assert out.loc["N", "missing_weight"] == pytest.approx(0.8)
    assert out.loc["M", "estimate"] == pytest.approx(50.0)


def test_apportioned_counts_without_margins_of_error_have_an_unknown_one_not_zero():
    # court filings and decennial counts carry no MOE: their sums' MOE is missing, never a claimed 0
    values = pd.DataFrame({"zip": ["z1", "z2"], "measure": "filings", "estimate": [600.0, 300.0],
                           "moe": [np.nan, np.nan]})
    weights = pd.DataFrame({"zip": ["z1", "z2"], "hood": ["N", "N"], "weight": [0.4, 0.5]})
    out = geography.apportion_counts(values, weights, source_id="zip", target_id="hood").iloc[0]
    assert out["estimate"] == pytest.approx(0.4 * 600 + 0.5 * 300)
    assert np.isnan(out["moe"])


def test_apportion_counts_keeps_measures_apart():
    values = pd.DataFrame({"tract_id": ["t1", "t1"], "measure": ["renters", "households"],
                           "estimate": [40.0, 100.0], "moe": [8.0, 10.0]})
    weights = pd.DataFrame({"tract_id": ["t1"], "hood": ["N"], "weight": [0.25]})
    out = geography.apportion_counts(values, weights, source_id="tract_id", target_id="hood")
    got = out.set_index("measure")[["estimate", "moe"]].to_dict("index")
    assert got == {"households": pytest.approx({"estimate": 25.0, "moe": 2.5}),
                   "renters": pytest.approx({"estimate": 10.0, "moe": 2.0})}


# ------------------------------------------------------------------------------------------- names
@pytest.fixture(scope="module")
def official_names(snapshot) -> list[str]:
    return snapshot.table("areas_neighborhoods")["area_id"].tolist()


def test_every_alias_of_the_config_is_matched(official_names):
    aliases = load_city("pittsburgh")["neighborhoods.aliases"]
    out = geography.match_names(list(aliases), official_names, aliases=aliases).set_index("name")
    for alias, target in aliases.items():
        if target:
            assert target in official_names, f"alias target {target!r} is not an official name"
            assert (out.loc[alias, "canonical"], out.loc[alias, "status"]) == (target, "alias")
        else:
            assert out.loc[alias, "status"] == "outside" and pd.isna(out.loc[alias, "canonical"])


def test_every_combined_name_of_the_config_lists_official_neighborhoods(official_names):
    combined = load_city("pittsburgh")["neighborhoods.combined"]
    out = geography.match_names(list(combined), official_names, combined=combined).set_index("name")
    for name, parts in combined.items():
        assert set(parts) <= set(official_names)
        assert out.loc[name, "status"] == "combined"
        assert out.loc[name, "canonical"] == " + ".join(parts)
    assert out.loc["Arlington - Arlington Heights (Combined)", "canonical"] == "Arlington + Arlington Heights"


def test_names_match_across_case_spacing_and_mount(official_names):
    cfg = load_city("pittsburgh")
    out = geography.match_names(
        ["Mount Washington", "SQUIRREL HILL SOUTH", "  Bloomfield ", "Mt Washington", "Lincoln Lemington Belmar",
         "Atlantis", None],
        official_names, aliases=cfg["neighborhoods.aliases"], combined=cfg["neighborhoods.combined"])
    got = {n: (None if pd.isna(c) else c, st) for n, c, st in zip(out["name"], out["canonical"], out["status"])}
    assert got["Mount Washington"] == ("Mount Washington", "matched")
    assert got["SQUIRREL HILL SOUTH"] == ("Squirrel Hill South", "matched")
    assert got["  Bloomfield "] == ("Bloomfield", "matched")
    assert got["Mt Washington"] == ("Mount Washington", "matched")
    assert got["Lincoln Lemington Belmar"] == ("Lincoln-Lemington-Belmar", "matched")
    assert got["Atlantis"] == (None, "unknown")
    assert len(out) == 6  # the missing name is no name


def test_every_neighborhood_name_in_the_arrest_records_is_known(pittsburgh_raw, official_names):
    cfg = load_city("pittsburgh")
    names = pd.read_csv(pittsburgh_raw / "policing" / "ArrestData_2016-08_to_2017-03.csv",
                        usecols=["INCIDENTNEIGHBORHOOD"], dtype=str)["INCIDENTNEIGHBORHOOD"]
    out = geography.match_names(names, official_names, aliases=cfg["neighborhoods.aliases"],
                                combined=cfg["neighborhoods.combined"])
    assert out[out["status"] == "unknown"].empty, out[out["status"] == "unknown"]["name"].tolist()
    status = out.set_index("name")["status"]
    assert status["Golden Triangle/Civic Arena"] == "alias" and status["Mt. Oliver Neighborhood"] == "alias"
    assert status["Mount Oliver"] == "outside" and status["Outside City"] == "outside"


def test_apportioned_zero_estimates_add_only_their_largest_margin_of_error():
    """Census Bureau guidance for sums: of several zero estimates only the largest MOE counts. Two tracts with
    no renters (0 ± 12 and 0 ± 20, wholly inside) and one with 100 ± 30, half inside: √(15² + 20²) = 25, not
    √(15² + 12² + 20²) = 27.7."""
    values = pd.DataFrame({"tract": ["a", "b", "c"], "measure": "renters", "estimate": [0.0, 0.0, 100.0],
                           "moe": [12.0, 20.0, 30.0]})
    weights = pd.DataFrame({"tract": ["a", "b", "c"], "hood": "X", "weight": [1.0, 1.0, 0.5]})
    out = geography.apportion_counts(values, weights, source_id="tract", target_id="hood").iloc[0]
    assert out["estimate"] == 50.0
    assert out["moe"] == pytest.approx(25.0)
