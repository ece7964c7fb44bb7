"""Indicators the snapshot holds for several years can be asked for any of them."""

import pytest

from indicators.metrics import compute


def test_deprivation_index_offers_its_three_releases_and_each_keeps_its_tract_lines(snapshot):
    assert compute.vintages(snapshot, "deprivation_index", "tract") == [2023, 2018, 2015]
    older = compute.compute(snapshot, "deprivation_index", "tract", year=2015)
    newer = compute.compute(snapshot, "deprivation_index", "tract", year=2023)
    assert older["period"].iloc[0] == "2011–2015" and int(older["tract_vintage"].iloc[0]) == 2010
    assert newer["period"].iloc[0] == "2019–2023" and int(newer["tract_vintage"].iloc[0]) == 2020


def test_city_arrest_rate_follows_the_chosen_year(snapshot):
    years = compute.vintages(snapshot, "arrest_rate", "city")
    assert 2019 in years and 2022 in years
    by_year = snapshot.table("arrests_by_year")
    residents = snapshot.table("population_by_race")
    pop_2020 = residents[(residents["source_id"] == "decennial_race_neighborhoods") & (residents["year"] == 2020)
                         & (residents["group"] == "total") & (residents["geo_level"] == "city")]["count"].sum()
    arrests_2019 = by_year.loc[by_year["year"] == 2019, "count"].sum()
    value = compute.city_value(snapshot, "arrest_rate", 2019)
    assert value["period"] == "2019"
    assert value["estimate"] == pytest.approx(arrests_2019 / pop_2020 * 1000)


def test_single_vintage_indicators_offer_no_choice(snapshot):
    assert compute.vintages(snapshot, "rent_burden_share", "neighborhood") == []
    assert compute.vintages(snapshot, "population_change_2010_2020", "neighborhood") == []
