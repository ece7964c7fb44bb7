"""Residential stability indicators against the City's published neighborhood files (decennial counts by race,
2010 and 2020, and the SNAP neighborhood profiles), read with plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.metrics.compute import compute

HOOD = "Carrick"


@pytest.fixture(scope="module")
def census(pittsburgh_raw) -> pd.DataFrame:
    return pd.read_csv(pittsburgh_raw / "other" / "CensusCounts_neighborhood_2010_2020.csv").set_index("Neighborhood")


def test_neighborhood_population_change_by_hand(snapshot, census):
    # Carrick: 10,113 residents in 2010, 10,290 in 2020: (10,290 − 10,113) / 10,113 = 177 / 10,113 = +1.75 %
    start, end = census.loc[HOOD, ["2010_Total_Population", "2020_Total_Population"]]
    assert (start, end) == (10_113, 10_290)
    row = compute(snapshot, "population_change_2010_2020", "neighborhood").set_index("area_id").loc[HOOD]
    assert row["estimate"] == pytest.approx((end - start) / start) == pytest.approx(0.01750, abs=1e-5)
    assert (row["numerator"], row["denominator"]) == (177, 10_113)
    assert row["period"] == "2010–2020"


def test_neighborhood_black_population_change_by_hand(snapshot, census):
    # Carrick, Black alone: 972 in 2010, 1,666 in 2020: 694 / 972 = +71.4 %
    start, end = census.loc[HOOD, ["2010_Black_Alone_Population", "2020_Black_Alone_Population"]]
    assert (start, end) == (972, 1_666)
    row = compute(snapshot, "black_population_change_2010_2020", "neighborhood").set_index("area_id").loc[HOOD]
    assert row["estimate"] == pytest.approx(694 / 972)


def test_city_population_change_counts_every_row_of_the_census_file(snapshot, census):
    """Every row summed, "Arlington - Arlington Heights (Combined)" included: 305,704 residents in 2010 and 302,971
    in 2020 (the City of Pittsburgh's census counts): −2,733 / 305,704 = −0.894 %."""
    start, end = census["2010_Total_Population"].sum(), census["2020_Total_Population"].sum()
    assert (start, end) == (305_704, 302_971)
    row = compute(snapshot, "population_change_2010_2020", "city").iloc[0]
    assert (row["numerator"], row["denominator"]) == (end - start, start)
    assert row["estimate"] == pytest.approx(-2_733 / 305_704)


def test_city_black_population_change_by_hand(snapshot, census):
    # Black alone, every row: 79,710 in 2010 and 69,050 in 2020: −10,660 / 79,710 = −13.4 %
    start, end = census["2010_Black_Alone_Population"].sum(), census["2020_Black_Alone_Population"].sum()
    assert (start, end) == (79_710, 69_050)
    row = compute(snapshot, "black_population_change_2010_2020", "city").iloc[0]
    assert row["estimate"] == pytest.approx((end - start) / start)


def test_neighborhoods_published_only_combined_get_no_value_of_their_own(snapshot):
    out = compute(snapshot, "population_change_2010_2020", "neighborhood")
    assert {"Arlington", "Arlington Heights"}.isdisjoint(out["area_id"])
    assert len(out) == 88
    gaps = [gap["what"] for gap in snapshot.missing]
    assert "decennial population by race for Arlington + Arlington Heights" in gaps


def test_small_starting_counts_are_noted(snapshot, census):
    out = compute(snapshot, "black_population_change_2010_2020", "neighborhood").set_index("area_id")
    small = census["2010_Black_Alone_Population"].reindex(out.index) < 100
    assert small.any()
    assert out.loc[small, "note"].str.contains("fewer than 100 residents in 2010").all()
    assert out.loc[~small, "note"].isna().all()


def test_average_years_of_residence_is_the_published_profile_value(snapshot, pittsburgh_raw):
    # SNAP profiles, column "Est. Avg. Yrs. of Residence (2010)" (exported truncated): Carrick 8
    profiles = pd.read_csv(pittsburgh_raw / "other" / "Neighborhoods_with_SNAP_Data.csv", encoding="utf-8-sig", dtype=str)
    published = profiles.set_index(profiles["SNAP_All_csv_Neighborhood"].str.strip())["Est__Avg__Yrs__of_Residence__20"]
    out = compute(snapshot, "avg_years_of_residence", "neighborhood").set_index("area_id")
    assert out.loc[HOOD, "estimate"] == float(published[HOOD]) == 8
    assert len(out) == 90
    # the profiles spell all 90 official names as the boundaries do; every published value but 0 is kept as it is
    published = published.reindex(out.index).astype(float)
    kept = published > 0
    pd.testing.assert_series_equal(out.loc[kept, "estimate"], published[kept], check_names=False)
    assert out["moe"].isna().all()  # the City publishes no margin of error


def test_a_published_zero_is_not_an_average_and_is_neither_shown_nor_ranked_as_one(snapshot, pittsburgh_raw):
    """Ten neighborhoods have 0 in the profile's column: Central Oakland, Strip District, Central Business District,
    Bluff, North Shore, Friendship, Shadyside, Allegheny Center, Chateau and Terrace Village (Shadyside, 13,915
    residents in 2010). Before, 0 ranked them 1st (worst) of 90; now they have no figure, the note gives the
    published 0, and the ranks run over the 80 others (lowest: 2 years, tied 1st)."""
    from indicators.metrics import catalog
    from indicators.metrics.comparisons import rank_areas

    profiles = pd.read_csv(pittsburgh_raw / "other" / "Neighborhoods_with_SNAP_Data.csv", encoding="utf-8-sig", dtype=str)
    zero = set(profiles.loc[profiles["Est__Avg__Yrs__of_Residence__20"] == "0", "SNAP_All_csv_Neighborhood"].str.strip())
    assert zero == {"Central Oakland", "Strip District", "Central Business District", "Bluff", "North Shore",
                    "Friendship", "Shadyside", "Allegheny Center", "Chateau", "Terrace Village"}
    out = compute(snapshot, "avg_years_of_residence", "neighborhood").set_index("area_id")
    assert out.loc[sorted(zero), "estimate"].isna().all()
    assert out.loc[sorted(zero), "note"].str.startswith("published as 0 years: a gap in the publisher's estimate").all()
    ind = catalog.get("avg_years_of_residence")
    ranked = rank_areas(out.reset_index(), direction=ind.direction, uncertainty=ind.uncertainty).set_index("area_id")
    assert ranked.loc[sorted(zero), "rank"].isna().all()
    assert int(ranked["n"].iloc[0]) == 80
    worst = ranked[ranked["rank"] == 1].index
    assert set(worst) == {"West Oakland", "South Side Flats", "Lower Lawrenceville", "Arlington Heights",
                          "Bedford Dwellings"} and (out.loc[worst, "estimate"] == 2).all()
    # no margin of error published: every rank is marked so
    assert (ranked["rank_mark"].dropna() == "no margin of error").all()
