"""Housing indicators against hand computations from the publishers' files.

Raw figures are read with plain pandas from ``shared/data/pittsburgh`` (not through the library); weights come
from the committed snapshot, the one place they are computed. Tract 201 (Downtown, GEOID 42003020100) and the
Bloomfield neighborhood serve as the worked examples.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators.core import frames
from indicators.metrics import housing
from indicators.metrics.compute import NotAvailable, compute
from indicators.core.geography import apportion_counts

TRACT = "42003020100"
HOOD = "Bloomfield"
TRACT_FILE = "acs/acs5_2020-2024_tracts2020_allegheny_visionpitts.csv"
CITY_FILE = "acs/acs5_2014-2024_pittsburgh_city_timeseries_visionpitts.csv"


@pytest.fixture(scope="module")
def tracts(pittsburgh_raw) -> pd.DataFrame:
    return pd.read_csv(pittsburgh_raw / TRACT_FILE, dtype={"GEOID": str}).set_index("GEOID")


@pytest.fixture(scope="module")
def city_2024(pittsburgh_raw) -> pd.Series:
    series = pd.read_csv(pittsburgh_raw / CITY_FILE, dtype={"GEOID": str})
    return series[series["year"] == 2024].iloc[0]


@pytest.fixture(scope="module")
def hood_weights(snapshot) -> pd.Series:
    w = snapshot.table("weights_tract_neighborhood")
    return w[(w["tract_vintage"] == 2020) & (w["neighborhood"] == HOOD)].set_index("tract_id")["weight"]


def _row(frame: pd.DataFrame, area_id: str) -> pd.Series:
    return frame.set_index("area_id").loc[area_id]


# ------------------------------------------------------------------------------------------- tract values
def test_tract_rent_burden_share_and_moe_are_the_published_ones(snapshot, tracts):
    # tract 201: rent_burden30_share 0.3194, MOE 0.0852, over renter_hh 2,273 (file row GEOID 42003020100)
    row = _row(compute(snapshot, "rent_burden_share", "tract"), TRACT)
    assert row["estimate"] == tracts.loc[TRACT, "rent_burden30_share"] == 0.3194
    assert row["moe"] == tracts.loc[TRACT, "rent_burden30_share_moe"] == 0.0852
    assert row["denominator"] == tracts.loc[TRACT, "renter_hh"] == 2273
    # CV = 0.0852 / 1.645 / 0.3194 × 100 = 16.2 %: between 15 and 30, "use with caution"
    assert row["cv"] == pytest.approx(0.0852 / 1.645 / 0.3194 * 100)
    assert row["cv"] == pytest.approx(tracts.loc[TRACT, "rent_burden30_share_cv"] * 100, abs=0.05)
    assert row["reliability"] == "use with caution"
    assert row["tract_vintage"] == 2020


def test_every_tract_share_equals_the_file(snapshot, tracts):
    for indicator, column in (("renter_share", "renter_share"), ("rent_burden_share", "rent_burden30_share"),
                              ("severe_rent_burden_share", "rent_burden50_share"), ("poverty_rate", "poverty_share")):
        out = compute(snapshot, indicator, "tract").set_index("area_id")
        assert len(out) == len(tracts) == 394
        pd.testing.assert_series_equal(out["estimate"], tracts[column].reindex(out.index), check_names=False)
        pd.testing.assert_series_equal(out["moe"], tracts[f"{column}_moe"].reindex(out.index), check_names=False)


def test_tract_owner_share_by_the_proportion_formula(snapshot, tracts):
    # 211 owner households of 2,484: p = 211 / 2,484 = 0.08494;
    # MOE = √(112² − 0.08494² × 369²) / 2,484 = √(12,544 − 982.5) / 2,484 = 107.52 / 2,484 = 0.04329
    row = _row(compute(snapshot, "owner_share", "tract"), TRACT)
    own, own_moe, hh, hh_moe = tracts.loc[TRACT, ["owner_hh", "owner_hh_moe", "households", "households_moe"]]
    p = own / hh
    assert row["estimate"] == pytest.approx(p) == pytest.approx(0.08494, abs=1e-5)
    assert row["moe"] == pytest.approx(math.sqrt(own_moe ** 2 - p ** 2 * hh_moe ** 2) / hh)
    assert row["moe"] == pytest.approx(0.04329, abs=1e-5)
    assert row["reliability"] == "unreliable"  # CV = 0.04329 / 1.645 / 0.08494 × 100 = 31.0 > 30


def test_tract_rent_to_income_by_the_ratio_formula(snapshot, tracts):
    # 12 × 1,678 = 20,136 dollars of rent a year ÷ median income 82,409 = 0.24434;
    # MOE = √((12 × 120)² + 0.24434² × 18,140²) / 82,409 = √(2,073,600 + 19,646,170) / 82,409 = 0.05655
    row = _row(compute(snapshot, "rent_to_income", "tract"), TRACT)
    rent, rent_moe, income, income_moe = tracts.loc[TRACT, ["med_gross_rent", "med_gross_rent_moe", "med_hh_income",
                                                             "med_hh_income_moe"]]
    r = 12 * rent / income
    assert row["estimate"] == pytest.approx(r) == pytest.approx(0.24434, abs=1e-5)
    assert row["moe"] == pytest.approx(math.sqrt((12 * rent_moe) ** 2 + r ** 2 * income_moe ** 2) / income)
    assert row["moe"] == pytest.approx(0.05655, abs=1e-5)


def test_rent_to_income_is_refused_for_neighborhoods(snapshot):
    with pytest.raises(NotAvailable, match="available for: tract, city, county"):
        compute(snapshot, "rent_to_income", "neighborhood")
    with pytest.raises(ValueError, match="medians cannot be combined"):
        housing.rent_to_income(snapshot.table("measures"), level="neighborhood")


def test_tract_two_bedroom_rent_against_the_small_area_fmr(snapshot, pittsburgh_raw):
    # B25031_004 2,297 ± 331 against the FY2026 SAFMR of ZIP 15222, 1,950: 2,297 / 1,950 = 1.178, MOE 331 / 1,950
    place = pd.read_csv(pittsburgh_raw / "housing" / "place_measures_city_tracts2020_chas2018-22_sales_rents_visionpitts.csv",
                        dtype={"GEOID": str}).set_index("GEOID")
    row = _row(compute(snapshot, "rent_vs_fair_market_rent", "tract"), TRACT)
    rent, rent_moe, fmr = place.loc[TRACT, ["census_2br", "census_2br_moe", "safmr_2br"]]
    assert (rent, fmr) == (2297, 1950)
    assert row["estimate"] == pytest.approx(rent / fmr) == pytest.approx(1.17795, abs=1e-5)
    assert row["moe"] == pytest.approx(rent_moe / fmr)


# ------------------------------------------------------------------------------------------- neighborhoods
def test_neighborhood_renter_share_is_apportioned_renters_over_apportioned_households(snapshot, tracts, hood_weights):
    """Bloomfield's 2020 tracts and weights (snapshot): 080200, 080400, 080600, 080900 wholly (1.0),
    090300 at 0.99508, and edge pieces of 080700 (0.00858), 562000 (0.00600) and 060500 (0.00001).

    Σ w·renter_hh = 517 + 685 + 723 + 780 + 0.99508·432 + 0.00858·1,085 + 0.00600·1,455 + 0.00001·354 = 3,152.9
    Σ w·households = 939 + 921 + 1,053 + 1,120 + 0.99508·791 + 0.00858·1,235 + 0.00600·1,762 + 0.00001·665 = 4,841.3
    renter share = 3,152.9 / 4,841.3 = 0.65126
    """
    t = tracts.loc[hood_weights.index]
    renters = (hood_weights * t["renter_hh"]).sum()
    households = (hood_weights * t["households"]).sum()
    assert len(hood_weights) == 8
    assert renters == pytest.approx(3152.9, abs=0.05) and households == pytest.approx(4841.3, abs=0.05)
    assert renters / households == pytest.approx(0.65126, abs=5e-6)
    row = _row(compute(snapshot, "renter_share", "neighborhood"), HOOD)
    # the library rebuilds each tract's renters as renter_share × households; the file rounds shares to 4 decimals,
    # so a rebuilt count is off by at most 0.00005 × households and the share by at most 0.00005
    assert row["estimate"] == pytest.approx(renters / households, abs=5e-5)
    assert row["denominator"] == pytest.approx(households, rel=1e-12)


def test_neighborhood_share_moe_by_the_handbook_formulas(snapshot, tracts, hood_weights):
    """Bloomfield renter share, each step as the methods page states it:

    1. each tract's renters rebuilt as share × households, MOE by the product formula √(s²·MOE_h² + h²·MOE_s²)
       (e.g. 080200: √(0.5506²·100² + 939²·0.0876²) = √(3,031.6 + 6,766.1) = 98.98);
    2. apportioned sums, MOE √Σ(w·MOE)²: numerator 3,152.89 ± 295.14, households 4,841.28 ± 294.75;
    3. the proportion formula: p = 0.651252, √(295.14² − 0.651252²·294.75²) / 4,841.28
       = √(87,110.0 − 36,847.0) / 4,841.28 = 224.19 / 4,841.28 = 0.046309 (radicand positive: no ratio fallback).
    """
    t = tracts.loc[hood_weights.index]
    w = hood_weights
    share, share_moe, hh, hh_moe = t["renter_share"], t["renter_share_moe"], t["households"], t["households_moe"]
    num = share * hh
    num_moe = np.sqrt(share ** 2 * hh_moe ** 2 + hh ** 2 * share_moe ** 2)
    assert num_moe["42003080200"] == pytest.approx(98.98, abs=0.01)
    n, n_moe = (w * num).sum(), math.sqrt(((w * num_moe) ** 2).sum())
    d, d_moe = (w * hh).sum(), math.sqrt(((w * hh_moe) ** 2).sum())
    p = n / d
    radicand = n_moe ** 2 - p ** 2 * d_moe ** 2
    assert radicand > 0
    moe = math.sqrt(radicand) / d
    assert (n, n_moe, d, d_moe) == pytest.approx((3152.89, 295.14, 4841.28, 294.75), abs=0.01)
    assert moe == pytest.approx(0.046309, abs=1e-6)

    row = _row(compute(snapshot, "renter_share", "neighborhood"), HOOD)
    assert (row["numerator"], row["numerator_moe"], row["denominator"], row["denominator_moe"]) == pytest.approx(
        (n, n_moe, d, d_moe), rel=1e-12)
    assert row["estimate"] == pytest.approx(p, rel=1e-12)
    assert row["moe"] == pytest.approx(moe, rel=1e-12)
    # CV = 0.046309 / 1.645 / 0.651252 × 100 = 4.3 %: reliable
    assert row["reliability"] == "reliable"


def test_neighborhood_rent_burden_uses_apportioned_renters_as_its_universe(snapshot, tracts, hood_weights):
    # burdened renters rebuilt as rent_burden30_share × renter_hh, e.g. 080200: 0.3907 × 517 = 201.99;
    # Bloomfield: 1,331.64 burdened of 3,152.92 renters = 0.42235
    t = tracts.loc[hood_weights.index]
    burdened = (hood_weights * t["rent_burden30_share"] * t["renter_hh"]).sum()
    renters = (hood_weights * t["renter_hh"]).sum()
    row = _row(compute(snapshot, "rent_burden_share", "neighborhood"), HOOD)
    assert burdened / renters == pytest.approx(0.42235, abs=5e-6)
    assert row["estimate"] == pytest.approx(burdened / renters, rel=1e-9)
    assert row["denominator"] == pytest.approx(renters, rel=1e-12)


def test_neighborhood_owner_share_is_the_complement_with_the_same_moe(snapshot):
    renters = compute(snapshot, "renter_share", "neighborhood").set_index("area_id")
    owners = compute(snapshot, "owner_share", "neighborhood").set_index("area_id")
    np.testing.assert_allclose(owners["estimate"], 1 - renters["estimate"].reindex(owners.index), atol=1e-12)
    np.testing.assert_allclose(owners["moe"], renters["moe"].reindex(owners.index), atol=1e-12)
    assert len(owners) == 90


def test_share_moe_falls_back_to_the_ratio_formula_when_the_radicand_is_negative():
    # p = 10 / 20 = 0.5; 1² − 0.5²·10² = −24 < 0, so √(1² + 0.5²·10²) / 20 = √26 / 20 = 0.25495
    est, err = frames.share_from_counts(pd.Series([10.0]), pd.Series([20.0]), pd.Series([1.0]), pd.Series([10.0]))
    assert est[0] == 0.5
    assert err[0] == pytest.approx(math.sqrt(26) / 20)


# ------------------------------------------------------------------------------------------- city
def test_city_tract_sum_equals_the_published_city_row_within_its_moe(tracts, city_2024):
    """The 128 tracts with pgh_share = 1: Σ renter_hh = 72,332 and Σ households = 138,188; the published
    2020–2024 city row has 72,332 ± 1,295 and 138,188 ± 1,432 — equal, well within the MOEs."""
    city_tracts = tracts[tracts["pgh_share"] == 1]
    assert len(city_tracts) == 128
    for measure in ("renter_hh", "households"):
        total = city_tracts[measure].sum()
        assert abs(total - city_2024[measure]) <= city_2024[f"{measure}_moe"], measure
    assert (city_tracts["renter_hh"].sum(), city_tracts["households"].sum()) == (72_332, 138_188)


def test_city_renter_share_aggregated_from_tracts_agrees_with_the_published_city_share(snapshot, tracts, city_2024):
    """Aggregating through the library (unit weights to one area): 72,332 / 138,188 = 0.52343, within
    the published city share 0.5234 ± 0.0076."""
    city_tracts = tracts[tracts["pgh_share"] == 1]
    values = pd.concat([
        pd.DataFrame({"tract_id": city_tracts.index, "measure": m, "estimate": city_tracts[m].to_numpy(float),
                      "moe": city_tracts[f"{m}_moe"].to_numpy(float)}) for m in ("renter_hh", "households")])
    weights = pd.DataFrame({"tract_id": city_tracts.index, "area": "city", "weight": 1.0})
    moved = apportion_counts(values, weights, source_id="tract_id", target_id="area").set_index("measure")
    share = moved.loc["renter_hh", "estimate"] / moved.loc["households", "estimate"]
    published = _row(compute(snapshot, "renter_share", "city"), "4261000")
    assert published["estimate"] == city_2024["renter_share"] == 0.5234
    assert abs(share - published["estimate"]) <= published["moe"]
    assert share == pytest.approx(72_332 / 138_188)


def test_city_and_county_rent_burden_are_the_published_2024_rows(snapshot, city_2024):
    row = compute(snapshot, "rent_burden_share", "city").iloc[0]
    assert (row["area_id"], row["estimate"], row["moe"]) == ("4261000", city_2024["rent_burden30_share"],
                                                             city_2024["rent_burden30_share_moe"])
    assert row["period"] == "2020–2024"
    county = compute(snapshot, "rent_burden_share", "county").iloc[0]
    assert county["area_id"] == "42003"



def _on_map(snapshot, indicator_id: str) -> pd.DataFrame:
    from indicators.metrics.compute import on_map_tracts

    return on_map_tracts(compute(snapshot, indicator_id, "tract"), snapshot, indicator_id)


def test_tract_shares_move_onto_the_map_tracts_by_their_counts(snapshot, tracts):
    """The map has 2010 tract lines: each 2020 tract's households and renters are shared among 2010 tracts by
    land, then divided again. The county's totals stay (only 2020 land lying in 2010 tracts of neighbouring
    counties, which have no polygon here, is left out: under 0.1%)."""
    out = _on_map(snapshot, "renter_share")
    assert (out["tract_vintage"] == 2010).all()
    assert out["denominator"].sum() == pytest.approx(tracts["households"].sum(), rel=1e-3)
    assert out["numerator"].sum() == pytest.approx((tracts["renter_share"] * tracts["households"]).sum(), rel=1e-3)
    assert out["estimate"].dropna().between(0, 1).all()
    assert out["note"].str.contains("2020 tract figures moved onto 2010 tract lines").all()


def test_an_empty_2020_tract_does_not_blank_the_2010_tracts_it_touches(snapshot, tracts):
    """2020 tract 42003010301 has no households (no renter share) and lies in 2010 tract 42003010300 (Bluff), whose
    other part, 2020 tract 42003010302, has 329 households: the map must still show 010300's renter share."""
    assert tracts.loc["42003010301", "households"] == 0
    out = _on_map(snapshot, "renter_share").set_index("area_id")
    assert not np.isnan(out.loc["42003010300", "estimate"])
    # on the county's map polygons, only 2010 tracts with no households at all lack a value
    out = out[out.index.isin(snapshot.table("areas_tracts")["area_id"])]
    assert (out.loc[out["estimate"].isna(), "denominator"] < 1).all()


def test_a_tract_unchanged_between_censuses_keeps_its_published_share_and_moe_on_the_map(snapshot, tracts):
    """A 2010 tract that is exactly one 2020 tract: renters rebuilt as p·Y with MOE √(p²·MOE_Y² + Y²·MOE_p²), and
    the proportion formula gives back √(p²·MOE_Y² + Y²·MOE_p² − p²·MOE_Y²) / Y = MOE_p, the published MOE."""
    cw = snapshot.table("crosswalk_tracts_2010_2020")
    same = cw[(cw["weight_2010_to_2020"] == 1) & (cw["weight_2020_to_2010"] == 1) & (cw["tract_2010"] == cw["tract_2020"])]
    same = same[same["tract_2020"].map(tracts["households"]) > 0]
    assert len(same) > 100
    out = _on_map(snapshot, "rent_burden_share").set_index("area_id")
    published = tracts.loc[same["tract_2020"]]
    moved = out.loc[same["tract_2010"]]
    np.testing.assert_allclose(moved["estimate"], published["rent_burden30_share"], rtol=1e-9)
    np.testing.assert_allclose(moved["moe"], published["rent_burden30_share_moe"], rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- rent burden base: the Census universe
def test_rent_burden_over_all_renters_says_so_when_the_snapshot_has_no_universe(snapshot, tracts):
    # the committed snapshot holds the published shares, made over B25070_001 (all renter households)
    row = _row(compute(snapshot, "rent_burden_share", "tract"), TRACT)
    assert row["denominator"] == tracts.loc[TRACT, "renter_hh"] == 2273
    assert housing.RENTER_BASE_NOTE in row["note"]
    assert "not computed (B25070_011)" in housing.RENTER_BASE_NOTE
    severe = _row(compute(snapshot, "severe_rent_burden_share", "city"), "4261000")
    assert housing.RENTER_BASE_NOTE in severe["note"]


def test_rent_burden_uses_the_universe_where_the_measures_have_it(snapshot):
    """Tract 201 (2020-2024): 726 renter households pay 30% or more and 577 50% or more, of 1,990 whose burden is
    computed (B25070_001 2,273 less 283 not computed; tests/sources/recorded/census_tables/README.md).
    Shares over that base: 726 / 1,990 = 0.364824 and 577 / 1,990 = 0.289950 (B25070_011's MOE is not known
    here, so neither are the shares' MOEs)."""
    measures = snapshot.table("measures")
    tract = (measures["geo_level"] == "tract") & (measures["source_id"] == "acs5_tracts") & (measures["year"] == 2024)
    template = measures[tract & (measures["area_id"] == TRACT) & (measures["measure"] == "renter_hh")].iloc[0]
    rows = []
    for measure, estimate in (("rent_burden_universe", 1990.0), ("rent_burden30_share", 726 / 1990),
                              ("rent_burden50_share", 577 / 1990)):
        row = template.copy()
        row["measure"], row["estimate"], row["moe"] = measure, estimate, np.nan
        rows.append(row)
    others = measures[~(tract & (measures["area_id"] == TRACT)
                        & measures["measure"].isin(["rent_burden30_share", "rent_burden50_share"]))]
    changed = pd.concat([others, pd.DataFrame(rows)], ignore_index=True)
    out = housing.rent_burden_share(changed, None, level="tract", year=2024).set_index("area_id")
    assert out.loc[TRACT, "estimate"] == pytest.approx(0.364824, abs=1e-6)
    assert out.loc[TRACT, "denominator"] == 1990
    assert out.loc[TRACT, "numerator"] == pytest.approx(726)
    # tracts without the universe in these measures get no base, never a borrowed one
    assert out["denominator"].notna().sum() == 1
    assert out.loc[TRACT, "note"] is None or housing.RENTER_BASE_NOTE not in out.loc[TRACT, "note"]
    severe = housing.severe_rent_burden_share(changed, None, level="tract", year=2024).set_index("area_id")
    assert severe.loc[TRACT, "estimate"] == pytest.approx(0.289950, abs=1e-6)
