"""Growth beside people: changes between ACS periods, their MOEs and significance, computed by hand from the
published city time series (one row per 5-year release, ``year`` = its last year)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.metrics import growth
from indicators.metrics.compute import compute
from indicators.core.moe import periods_overlap


@pytest.fixture(scope="module")
def city_series(pittsburgh_raw) -> pd.DataFrame:
    return pd.read_csv(pittsburgh_raw / "acs" / "acs5_2014-2024_pittsburgh_city_timeseries_visionpitts.csv",
                       dtype={"GEOID": str}).set_index("year")


def test_city_home_value_change_2014_to_2024_by_hand(snapshot, city_series):
    """Median home value 91,500 ± 1,583 (2010–2014) and 205,800 ± 5,061 (2020–2024).

    Change = (205,800 − 91,500) / 91,500 = 114,300 / 91,500 = +124.9 %.
    MOE of the difference √(1,583² + 5,061²) = 5,302.8; of the change (ratio formula)
    √(5,302.8² + 1.24918²·1,583²) / 91,500 = √(28,119,610 + 3,910,315) / 91,500 = 0.06185.
    Test: |114,300| / √((1,583/1.645)² + (5,061/1.645)²) = 114,300 / 3,223.6 = 35.5 > 1.645: significant.
    The periods 2010–2014 and 2020–2024 share no year.
    """
    x1, m1 = city_series.loc[2014, ["med_home_value", "med_home_value_moe"]]
    x2, m2 = city_series.loc[2024, ["med_home_value", "med_home_value_moe"]]
    assert (x1, m1, x2, m2) == (91_500, 1_583, 205_800, 5_061)
    change = (x2 - x1) / x1
    diff_moe = math.sqrt(m1 ** 2 + m2 ** 2)
    moe = math.sqrt(diff_moe ** 2 + change ** 2 * m1 ** 2) / x1
    z = abs(x2 - x1) / math.sqrt((m1 / 1.645) ** 2 + (m2 / 1.645) ** 2)
    assert change == pytest.approx(1.24918, abs=1e-5)
    assert moe == pytest.approx(0.06185, abs=1e-5)
    assert z == pytest.approx(35.46, abs=0.01)

    row = compute(snapshot, "home_value_change", "city").iloc[0]
    assert row["estimate"] == pytest.approx(change, rel=1e-12)
    assert row["moe"] == pytest.approx(moe, rel=1e-12)
    assert bool(row["significant"]) is True
    assert bool(row["overlap"]) is False
    assert row["period"] == "2010–2014 to 2020–2024"
    assert (row["numerator"], row["denominator"]) == (x2, x1)


def test_city_rent_change_by_hand(snapshot, city_series):
    # median gross rent 794 ± 10 (2010–2014) to 1,261 ± 27 (2020–2024): 467 / 794 = +58.8 %;
    # z = 467 / √((10/1.645)² + (27/1.645)²) = 467 / 17.50 = 26.7: significant
    x1, m1 = city_series.loc[2014, ["med_gross_rent", "med_gross_rent_moe"]]
    x2, m2 = city_series.loc[2024, ["med_gross_rent", "med_gross_rent_moe"]]
    row = compute(snapshot, "rent_change", "city").iloc[0]
    assert row["estimate"] == pytest.approx((x2 - x1) / x1) == pytest.approx(467 / 794)
    assert bool(row["significant"]) and not bool(row["overlap"])


def test_periods_sharing_a_year_are_flagged():
    # 2016–2020 and 2020–2024 share 2020; 2015–2019 and 2020–2024 share none
    assert periods_overlap(2020, 2024) is True
    assert periods_overlap(2019, 2024) is False
    assert periods_overlap(2014, 2024) is False


def test_change_between_overlapping_releases_says_so(snapshot):
    out = growth.home_value_change(snapshot.table("measures"), level="city", start_year=2020, end_year=2024).iloc[0]
    assert bool(out["overlap"]) is True
    assert out["period"] == "2016–2020 to 2020–2024"


def test_default_comparison_is_the_catalogs_2010_2014_against_2020_2024(snapshot):
    # with no years given: the newest release (2024) against the earliest release ending at least five years
    # before it (2014), so the two periods share no year
    out = growth.home_value_change(snapshot.table("measures"), level="city").iloc[0]
    assert out["period"] == "2010–2014 to 2020–2024"


def test_county_change_uses_the_county_series(snapshot, pittsburgh_raw):
    county = pd.read_csv(pittsburgh_raw / "acs" / "acs5_2014-2024_allegheny_county_timeseries_visionpitts.csv")
    county = county.set_index("year")
    x1, x2 = county.loc[2014, "med_home_value"], county.loc[2024, "med_home_value"]
    row = compute(snapshot, "home_value_change", "county").iloc[0]
    assert row["area_id"] == "42003"
    assert row["estimate"] == pytest.approx((x2 - x1) / x1)


def test_series_lists_every_release(snapshot, city_series):
    out = growth.series(snapshot.table("measures"), "med_gross_rent", level="city")
    assert out["year"].tolist() == list(range(2014, 2025))
    assert out["estimate"].tolist() == city_series.loc[2014:2024, "med_gross_rent"].astype(float).tolist()
    assert out["period"].iloc[0] == "2010–2014"
