"""Figures set beside each other: the 90% test before a difference is named, points for shares, ratios only where
significant, the county's figure labelled as the county's, ranks with the range their margins allow and a mark
for unreliable figures. The figures are the committed snapshots' (their arithmetic is checked by hand in
tests/test_indicators_*.py); the tests here work the comparisons out by hand from them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.metrics import catalog, comparisons, summary
from indicators.metrics.compute import city_value, compute
from indicators.metrics.text import Words
from indicators.snapshot.read import open_snapshot
from tests.conftest import REPO

EN = Words("en")


def row_of(snapshot, indicator_id: str, area: str, level: str = "neighborhood") -> dict:
    ind = catalog.get(indicator_id)
    ranked = comparisons.rank_areas(compute(snapshot, indicator_id, level), direction=ind.direction,
                                    uncertainty=ind.uncertainty)
    return ranked.set_index("area_id").loc[area].to_dict() | {"area_id": area}


def test_a_difference_inside_the_margins_is_not_distinguishable(snapshot):
    """Hazelwood owns 53.6% ± 10.5 of its homes, the city 47.7% ± 0.8: 5.95 points apart, but
    5.95 ÷ √((10.48/1.645)² + (0.82/1.645)²) = 5.95 ÷ 6.39 = 0.93 < 1.645. Before: "about 1.1 times"."""
    ind = catalog.get("owner_share")
    here, city = row_of(snapshot, ind.id, "Hazelwood"), city_value(snapshot, ind.id).to_dict()
    assert EN.value_with_margin(ind, here["estimate"], here["moe"]) == "53.6% ± 10.5 points"
    assert EN.value_with_margin(ind, city["estimate"], city["moe"]) == "47.7% ± 0.8 points"
    test = comparisons.compare_rows(here, city, uncertainty=ind.uncertainty)
    assert test.kind == comparisons.NOT_DISTINGUISHABLE and test.z == pytest.approx(0.93, abs=0.01)
    assert EN.comparison(ind, test) == "not distinguishable from the city"


def test_an_unreliable_figure_far_from_the_city_is_still_not_distinguishable(snapshot):
    """Homewood South's severe rent burden 30.5% ± 20.7 (CV 41%, unreliable) against the city's 23.5% ± 1.4:
    6.97 ÷ √((20.70/1.645)² + (1.35/1.645)²) = 6.97 ÷ 12.61 = 0.55. Before: "about 1.3 times"."""
    ind = catalog.get("severe_rent_burden_share")
    here, city = row_of(snapshot, ind.id, "Homewood South"), city_value(snapshot, ind.id).to_dict()
    assert EN.value_with_margin(ind, here["estimate"], here["moe"]) == "30.5% ± 20.7 points"
    assert here["reliability"] == "unreliable" and here["rank_mark"] == comparisons.UNRELIABLE_RANK
    assert EN.compare_to_city(ind, here["estimate"], city["estimate"], moe=here["moe"], city_moe=city["moe"]) == \
        "not distinguishable from the city"
    assert EN.rank(here).endswith("— unreliable figure")


def test_a_significant_share_difference_is_said_in_points(snapshot):
    """Homewood South owns 33.8% ± 8.4 of its homes: 13.84 points below 47.7% ± 0.8;
    13.84 ÷ √((8.39/1.645)² + (0.82/1.645)²) = 13.84 ÷ 5.13 = 2.70 > 1.645."""
    ind = catalog.get("owner_share")
    here, city = row_of(snapshot, ind.id, "Homewood South"), city_value(snapshot, ind.id).to_dict()
    test = comparisons.compare_rows(here, city)
    assert test.kind == comparisons.LOWER and test.z == pytest.approx(2.70, abs=0.01)
    assert EN.comparison(ind, test) == "13.8 points below the city"


def test_a_significant_rate_difference_is_said_as_a_ratio(snapshot):
    """Hazelwood's eviction filings, 7.48 ± 1.86 per 100 renter households, against the city's 4.65 ± 0.12:
    2.83 ÷ √((1.864/1.645)² + (0.118/1.645)²) = 2.83 ÷ 1.135 = 2.49; 7.48 ÷ 4.65 = 1.6 times."""
    ind = catalog.get("eviction_filing_rate")
    here, city = row_of(snapshot, ind.id, "Hazelwood"), city_value(snapshot, ind.id).to_dict()
    test = comparisons.compare_rows(here, city)
    assert test.kind == comparisons.HIGHER and test.z == pytest.approx(2.49, abs=0.01)
    assert EN.comparison(ind, test) == "about 1.6 times the city figure"
    # the same words only once the difference is significant: a made-up 5.0 ± 1.9 is not distinguishable
    assert EN.compare_to_city(ind, 5.0, city["estimate"], moe=1.9, city_moe=city["moe"]) == \
        "not distinguishable from the city"


def test_the_eviction_baseline_beside_a_neighborhood_is_the_countys_and_says_so(snapshot, pittsburgh_raw):
    """The county's filings Dec 2022–Nov 2023 (ETS bar chart, last 12 months): 12,944 against a usual 14,763.05:
    0.877. Before, the profile showed it in the "Whole city" column."""
    bars = pd.read_csv(pittsburgh_raw / "evictions" / "ets_pittsburgh_barchart_monthly_county.csv").tail(12)
    assert (bars["month_filings"].sum(), round(bars["avg_filings"].sum(), 2)) == (12_944, 14_763.05)
    ind = catalog.get("eviction_vs_baseline")
    county = city_value(snapshot, ind.id).to_dict()
    assert county["geo_level"] == "county" and county["estimate"] == pytest.approx(12_944 / 14_763.05, abs=1e-6)
    assert EN.reference_value(ind, county) == "county: 0.88×"
    here = row_of(snapshot, ind.id, "Bloomfield")
    said = EN.figure(ind, here, county)
    assert said.reference == "county: 0.88×" and said.comparison == "below the county figure"
    assert said.basis == "ZIP codes apportioned by land area"


def test_figures_without_a_published_margin_are_compared_but_not_tested():
    dc = open_snapshot(REPO / "data" / "snapshots" / "dc")
    ind = catalog.get("same_house_1yr_share")
    area = next(a for a in dc.table("areas_neighborhoods")["area_id"] if a.startswith("Cluster 8:"))
    here, city = row_of(dc, ind.id, area), city_value(dc, ind.id).to_dict()
    # DC's data profiles publish no margins: 71.8% against the city's 80.5%, 8.7 points apart, untested
    assert EN.value(ind, here["estimate"]) == "71.8%" and EN.value(ind, city["estimate"]) == "80.5%"
    assert EN.comparison(ind, comparisons.compare_rows(here, city, uncertainty=ind.uncertainty)) == \
        "8.7 points below the city (not tested: no margin of error published)"
    assert here["rank_mark"] == comparisons.UNKNOWN_RANK


def test_counts_without_sampling_error_are_compared_as_they_are(snapshot):
    """Bloomfield lost 29.6% of its Black residents (739 → 520) while the city lost 13.4% (79,710 → 69,050):
    census counts, 16.3 points apart, no test needed."""
    ind = catalog.get("black_population_change_2010_2020")
    here, city = row_of(snapshot, ind.id, "Bloomfield"), city_value(snapshot, ind.id).to_dict()
    assert here["estimate"] == pytest.approx(-219 / 739) and city["estimate"] == pytest.approx(-10_660 / 79_710)
    assert EN.comparison(ind, comparisons.compare_rows(here, city, uncertainty=ind.uncertainty)) == \
        "16.3 points below the city"


def test_ratios_with_a_log_interval_are_tested_on_the_log_scale():
    """14.39× (10.39–19.94) against 4.09× (3.92–4.26): log SEs (ln 19.94 − ln 10.39) ÷ 3.29 = 0.198 and
    (ln 4.26 − ln 3.92) ÷ 3.29 = 0.025; |ln 14.39 − ln 4.09| = 1.258 ÷ 0.200 = 6.3 > 1.645."""
    test = comparisons.compare_rows({"estimate": 14.39, "lower": 10.39, "upper": 19.94},
                                    {"estimate": 4.09, "lower": 3.92, "upper": 4.26, "geo_level": "city"})
    assert test.kind == comparisons.HIGHER and test.z == pytest.approx(6.3, abs=0.05)
    near = comparisons.compare_rows({"estimate": 3.0, "lower": 1.9, "upper": 4.7},
                                    {"estimate": 4.09, "lower": 3.92, "upper": 4.26, "geo_level": "city"})
    assert near.kind == comparisons.NOT_DISTINGUISHABLE


def test_ranks_carry_the_range_their_margins_allow():
    """Four areas, higher is worse. A 30 ± 6 and B 25 ± 6: 5 ÷ √(3.65² + 3.65²) = 0.97, not distinguishable, so
    either can rank 1st or 2nd; C 10 ± 1 and D 9 ± 1: 1 ÷ √(0.61² + 0.61²) = 1.16, 3rd or 4th; A against C:
    20 ÷ √(3.65² + 0.61²) = 5.40, so C cannot rank above A or B."""
    frame = pd.DataFrame({"area_id": list("ABCD"), "estimate": [30.0, 25.0, 10.0, 9.0], "moe": [6.0, 6.0, 1.0, 1.0],
                          "reliability": ["reliable", "reliable", "reliable", "unreliable"]})
    ranked = comparisons.rank_areas(frame, direction="higher_is_worse").set_index("area_id")
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert ranked[["rank_low", "rank_high"]].values.tolist() == [[1, 2], [1, 2], [3, 4], [3, 4]]
    assert ranked.loc["D", "rank_mark"] == comparisons.UNRELIABLE_RANK and ranked.loc["A", "rank_mark"] is None
    assert EN.rank(ranked.loc["D"].to_dict()) == "4 of 4 — unreliable figure"
    # with higher better the order turns: D is first (best figure is last)
    better = comparisons.rank_areas(frame, direction="higher_is_better").set_index("area_id")
    assert better.loc["D", "rank"] == 1 and better.loc["A", "rank"] == 4
    # wide ranges are said in words
    wide = {"rank": 41.0, "n": 90, "rank_low": 13.0, "rank_high": 66.0, "rank_mark": None}
    assert EN.rank(wide) == "41 of 90 (could be 13–66)"


def test_each_figure_says_which_geography_it_describes():
    assert comparisons.basis({"geo_level": "county"}) == comparisons.COUNTY
    assert comparisons.basis({"geo_level": "city", "source_ids": "acs5_city_from_tracts"}) == \
        comparisons.CITY_FROM_TRACTS
    assert comparisons.basis({"geo_level": "neighborhood", "note": "rebuilt from tract counts apportioned by land "
                                                                  "area"}) == comparisons.FROM_TRACTS
    assert comparisons.basis({"geo_level": "neighborhood", "source_ids": "neighborhood_profiles"}) == \
        comparisons.PUBLISHED
    assert EN.basis(comparisons.FROM_ZIPS) == "ZIP codes apportioned by land area"


def test_figures_of_different_periods_side_by_side_are_flagged(snapshot):
    rate = compute(snapshot, "arrest_rate", "neighborhood").set_index("area_id").loc["Bloomfield"]
    ratio = compute(snapshot, "arrest_disparity_black_white", "neighborhood").set_index("area_id").loc["Bloomfield"]
    assert (rate["period"], ratio["period"]) == ("2022", "2016-08-01 to 2017-03-29")
    assert summary.periods_differ([rate["period"], ratio["period"]])
    warning = EN.period_warning([("Arrests per 1,000 residents", rate["period"]),
                                 ("Black:white arrest ratio", ratio["period"])])
    assert warning == ("Not the same period: Arrests per 1,000 residents: 2022; Black:white arrest ratio: 2016-08-01 "
                       "to 2017-03-29. Read them side by side with care.")
    assert EN.period_warning([("A", "2022"), ("B", "2022")]) == ""


def test_plus_minus_is_said_in_plain_words():
    ind = catalog.get("owner_share")
    said = EN.margin_explained(ind, 0.536, 0.105)
    assert said.startswith("How to read ±: 53.6% ± 10.5 points means the survey puts the figure between 43.1% and "
                           "64.1%, nine times out of ten.")
    assert EN.margin_explained(ind, 0.536, math.nan) == ""


@pytest.mark.parametrize("rows", [1, 3, 256])
def test_each_pair_tested_once_counts_as_every_pair_tested_both_ways(rows):
    """The ranks' ranges test each pair once and count the result for both areas: the counts are those of every
    ordered pair tested on its own, with tied figures, zero margins (any difference counts) and blocks of any size."""
    import numpy as np

    rng = np.random.default_rng(15)
    for n in (1, 2, 7, 300):
        x = rng.choice(rng.uniform(0, 1, max(1, n // 3)).round(2), n)       # many ties
        se = rng.uniform(0, 0.2, n).round(2)
        se[rng.uniform(size=n) < 0.25] = 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (x[None, :] - x[:, None]) / np.sqrt(se[:, None] ** 2 + se[None, :] ** 2)
        higher, lower = comparisons._significantly_higher_lower(x, se, rows=rows)
        assert higher.tolist() == (z > comparisons.Z90).sum(axis=1).tolist()
        assert lower.tolist() == (z < -comparisons.Z90).sum(axis=1).tolist()
