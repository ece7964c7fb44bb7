"""Policing indicators against hand counts from the police arrest records and the residents by race.

The arrest records (WPRDC, Aug 2016–Mar 2017) are counted with plain pandas: arrests dated 2016-08-01 on,
``RACE`` B or W, by ``INCIDENTNEIGHBORHOOD``. Residents by race come from the racial typology table (ACS 2015–19
B03002 on 2010 tracts), apportioned with the snapshot's 2010 tract weights.
"""

from __future__ import annotations

import pandas as pd
import pytest

from indicators.metrics.compute import compute
from indicators.core.config import load_city

HOOD = "Carrick"


@pytest.fixture(scope="module")
def arrest_records(pittsburgh_raw) -> pd.DataFrame:
    records = pd.read_csv(pittsburgh_raw / "policing" / "ArrestData_2016-08_to_2017-03.csv", dtype=str)
    return records[records["ARRESTTIME"] >= "2016-08-01"]  # ISO timestamps sort as text


@pytest.fixture(scope="module")
def race_by_tract(pittsburgh_raw) -> pd.DataFrame:
    return pd.read_csv(pittsburgh_raw / "acs" / "neighborhood_typology_acs2015-2019_race_tracts2010_allegheny.csv",
                       dtype={"GEOID": str}).set_index("GEOID")


@pytest.fixture(scope="module")
def weights_2010(snapshot) -> pd.DataFrame:
    w = snapshot.table("weights_tract_neighborhood")
    return w[w["tract_vintage"] == 2010]


def test_neighborhood_black_white_arrest_disparity_by_hand(snapshot, arrest_records, race_by_tract, weights_2010):
    """Carrick, 2016-08-01 to 2017-03-29: 76 arrests of Black people, 139 of white people.

    Residents, 2010 tracts × the snapshot's weights for Carrick:
      Black: 0.980434·406 (2901) + 1·647 (2902) + 0.994801·784 (2904) + 0.016052·89 (3204) = 1,826.41
      white: 0.980434·1,481 + 1·2,776 + 0.994801·3,028 + 0.016052·1,815 = 7,269.42
    Disparity = (76 / 1,826.41) ÷ (139 / 7,269.42) = 0.041612 ÷ 0.019121 = 2.176.
    """
    counts = arrest_records[arrest_records["INCIDENTNEIGHBORHOOD"] == HOOD]["RACE"].value_counts()
    black_arrests, white_arrests = counts["B"], counts["W"]
    assert (black_arrests, white_arrests) == (76, 139)

    w = weights_2010[weights_2010["neighborhood"] == HOOD].set_index("tract_id")["weight"]
    black = (w * race_by_tract.loc[w.index, "BlackE"]).sum()
    white = (w * race_by_tract.loc[w.index, "WhiteE"]).sum()
    assert sorted(w.index) == ["42003290100", "42003290200", "42003290400", "42003320400"]
    assert (black, white) == pytest.approx((1826.41, 7269.42), abs=0.01)
    disparity = (black_arrests / black) / (white_arrests / white)
    assert disparity == pytest.approx(2.176, abs=1e-3)

    row = compute(snapshot, "arrest_disparity_black_white", "neighborhood").set_index("area_id").loc[HOOD]
    assert row["estimate"] == pytest.approx(disparity, rel=1e-12)
    assert (row["black_arrests"], row["white_arrests"]) == (76, 139)
    assert (row["black_residents"], row["white_residents"]) == pytest.approx((black, white), rel=1e-12)
    assert row["period"] == "2016-08-01 to 2017-03-29"


def test_city_disparity_counts_every_official_neighborhood(snapshot, arrest_records, race_by_tract, weights_2010):
    """City: Black and white arrests in the official neighborhoods (names matched, aliases applied, places outside
    the city left out), residents of every tract by its in-city share."""
    cfg = load_city("pittsburgh")
    official = set(snapshot.table("areas_neighborhoods")["area_id"])
    aliases = cfg["neighborhoods.aliases"]
    names = arrest_records["INCIDENTNEIGHBORHOOD"].map(lambda n: aliases.get(n, n))
    in_city = arrest_records[names.isin(official)]
    black_arrests = int((in_city["RACE"] == "B").sum())
    white_arrests = int((in_city["RACE"] == "W").sum())
    share = weights_2010.groupby("tract_id")["weight"].sum()
    black = (share * race_by_tract.loc[share.index, "BlackE"]).sum()
    white = (share * race_by_tract.loc[share.index, "WhiteE"]).sum()
    row = compute(snapshot, "arrest_disparity_black_white", "city").iloc[0]
    assert (row["black_arrests"], row["white_arrests"]) == (black_arrests, white_arrests)
    assert row["estimate"] == pytest.approx((black_arrests / black) / (white_arrests / white), rel=1e-9)
    assert row["estimate"] > 1


def test_no_ratio_from_fewer_than_20_arrests_in_a_group(snapshot):
    out = compute(snapshot, "arrest_disparity_black_white", "neighborhood")
    few = (out["black_arrests"] < 20) | (out["white_arrests"] < 20)
    assert few.any() and (~few).any()
    assert out.loc[few, "estimate"].isna().all() and out.loc[few, "lower"].isna().all()
    assert (out.loc[few, "reliability"] == "unreliable").all()
    assert (out.loc[few, "note"] == "fewer than 20 arrests in one group: too few for a ratio").all()
    assert out.loc[~few & (out["white_residents"] > 0), "estimate"].notna().all()


def test_disparity_carries_its_counts_period_and_a_poisson_interval(snapshot, arrest_records, race_by_tract,
                                                                    weights_2010):
    """Bloomfield, 2016-08-01 to 2017-03-29: 46 arrests of Black people and 57 of white people.

    Residents (2010 tracts × the snapshot's weights for Bloomfield), from the racial typology file: 416.18 Black,
    7,420.43 white. Ratio (46 / 416.18) ÷ (57 / 7,420.43) = 0.110530 ÷ 0.0076815 = 14.389.
    90% interval on the log scale: √(1/46 + 1/57) = √(0.021739 + 0.017544) = 0.19820; × 1.645 = 0.32604;
    14.389 × e^−0.32604 = 10.386 and 14.389 × e^0.32604 = 19.936. Relative error 0.198: "use with caution".
    """
    hood = "Bloomfield"
    counts = arrest_records[arrest_records["INCIDENTNEIGHBORHOOD"] == hood]["RACE"].value_counts()
    assert (counts["B"], counts["W"]) == (46, 57)
    w = weights_2010[weights_2010["neighborhood"] == hood].set_index("tract_id")["weight"]
    black = (w * race_by_tract.loc[w.index, "BlackE"]).sum()
    white = (w * race_by_tract.loc[w.index, "WhiteE"]).sum()
    assert (black, white) == pytest.approx((416.18, 7420.43), abs=0.01)
    row = compute(snapshot, "arrest_disparity_black_white", "neighborhood").set_index("area_id").loc[hood]
    assert row["estimate"] == pytest.approx(14.389, abs=1e-3)
    assert (row["lower"], row["upper"]) == pytest.approx((10.386, 19.936), abs=1e-3)
    assert (row["black_arrests"], row["white_arrests"]) == (46, 57)
    assert row["period"] == "2016-08-01 to 2017-03-29"
    assert row["reliability"] == "use with caution"


def test_no_rate_where_no_white_residents_or_arrests(snapshot):
    out = compute(snapshot, "arrest_disparity_black_white", "neighborhood")
    none = (out["white_arrests"] == 0) | (out["white_residents"] == 0)
    assert out.loc[none, "estimate"].isna().all()


def test_neighborhood_arrest_rate_by_hand(snapshot, pittsburgh_raw):
    """Carrick, 2022 (the last full year: 2023 may be partial): 250 arrests; 10,290 residents at the 2020 census.
    250 / 10,290 × 1,000 = 24.30 arrests per 1,000 residents."""
    yearly = pd.read_csv(pittsburgh_raw / "policing" / "arrests_by_neighborhood_year.csv")
    census = pd.read_csv(pittsburgh_raw / "other" / "CensusCounts_neighborhood_2010_2020.csv").set_index("Neighborhood")
    arrests = yearly[(yearly["INCIDENTNEIGHBORHOOD"] == HOOD) & (yearly["YEAR"] == 2022)]["ARREST_COUNT"].sum()
    residents = census.loc[HOOD, "2020_Total_Population"]
    assert (arrests, residents) == (250, 10_290)
    row = compute(snapshot, "arrest_rate", "neighborhood").set_index("area_id").loc[HOOD]
    assert row["estimate"] == pytest.approx(arrests / residents * 1000) == pytest.approx(24.30, abs=0.01)
    assert row["period"] == "2022"


def test_city_arrest_rate_counts_every_resident(snapshot, pittsburgh_raw):
    """2022 arrests in the city's neighborhoods ÷ all 302,971 residents of the 2020 census (the sum of every row
    of the census file, Arlington and Arlington Heights included though published only together) × 1,000."""
    cfg = load_city("pittsburgh")
    official = set(snapshot.table("areas_neighborhoods")["area_id"])
    yearly = pd.read_csv(pittsburgh_raw / "policing" / "arrests_by_neighborhood_year.csv")
    names = yearly["INCIDENTNEIGHBORHOOD"].str.strip().map(lambda n: cfg["neighborhoods.aliases"].get(n, n))
    arrests = yearly[names.isin(official) & (yearly["YEAR"] == 2022)]["ARREST_COUNT"].sum()
    census = pd.read_csv(pittsburgh_raw / "other" / "CensusCounts_neighborhood_2010_2020.csv")
    residents = census["2020_Total_Population"].sum()
    assert residents == 302_971
    row = compute(snapshot, "arrest_rate", "city").iloc[0]
    assert (row["numerator"], row["denominator"]) == (arrests, residents)
    assert row["estimate"] == pytest.approx(arrests / residents * 1000)


def test_firearm_seizure_rate_by_hand(snapshot, pittsburgh_raw):
    """Firearms (``total_count``) seized in Carrick in 2021 ÷ 2020 residents × 1,000."""
    seizures = pd.read_csv(pittsburgh_raw / "policing" / "Firearm_Seizures_Data.csv")
    firearms = seizures[(seizures["neighborhood"] == HOOD) & (seizures["year"] == 2021)]["total_count"].sum()
    row = compute(snapshot, "firearm_seizure_rate", "neighborhood", year=2021).set_index("area_id").loc[HOOD]
    assert row["numerator"] == firearms > 0
    assert row["estimate"] == pytest.approx(firearms / 10_290 * 1000)
