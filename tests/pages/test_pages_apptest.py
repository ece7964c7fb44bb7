"""The profile, compare, growth and methods pages run headless (Streamlit AppTest) on the committed Pittsburgh
snapshot and show the snapshot's figures.

Figures checked by hand come from the publishers' files the snapshot was built from (the arithmetic is in the
comments); figures the library computes by apportioning tracts are compared with the library's own result,
formatted the way the pages format them (their arithmetic is checked in tests/test_indicators_*.py).
"""

from __future__ import annotations


import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators.metrics import catalog, compute
from indicators.tracker.auth import Actor
from indicators.tracker.importer import ensure_seeded
from indicators.tracker.store import Store
from tests.conftest import COMMITTED_SNAPSHOT
from tests.pages.panels import MAP_TABLE, unfold, unfold_chart_tables
from indicators.metrics.text import Words

fmt = Words("en")

HOOD = "Bloomfield"


@pytest.fixture
def open_page(deep_link):
    """Open a page with query parameters as a shared link would (a fresh tracker store and empty caches)."""
    return deep_link


def table_rows(at: AppTest, first_column: str = "Indicator") -> dict[str, dict]:
    """Every static table's rows keyed by their (escaped) first cell."""
    rows = {}
    for table in at.table:
        frame = table.value
        if first_column in frame.columns:
            rows.update({r[first_column]: r for r in frame.to_dict("records")})
    return rows


def headings(at: AppTest) -> list[str]:
    return [h.value for h in at.title] + [h.value for h in at.header]


def test_profile_shows_the_neighborhood_renter_share_as_the_snapshot_computes_it(open_page, snapshot):
    at = open_page("app_pages/profile.py", hood=HOOD)
    assert at.selectbox(key="profile_area_neighborhood").value == HOOD
    ind = catalog.get("renter_share")
    row = compute.compute(snapshot, ind.id, "neighborhood").set_index("area_id").loc[HOOD]
    expected = fmt.value_with_margin(ind, row["estimate"], row["moe"])
    # the apportioned counts behind it are checked by hand in tests/test_indicators_housing.py
    assert expected == "65.1% ± 4.6 points"
    shown = table_rows(at)[fmt.escape_markdown(ind.title)]
    assert shown[HOOD] == fmt.escape_markdown(expected)
    city = compute.city_value(snapshot, ind.id)
    assert shown[fmt.escape_markdown("City (or county, where said)")] == fmt.escape_markdown(
        fmt.value_with_margin(ind, city["estimate"], city["moe"]))
    # 65.1% ± 4.6 against 52.3% ± 0.8: 12.8 points apart, 12.8 ÷ √(2.80² + 0.46²) = 4.5 > 1.645
    assert shown["Compared with the city"] == fmt.escape_markdown("12.8 points above the city")
    assert " of 90" in shown["Rank"]


def test_profile_opens_on_can_people_stay_with_periods_and_what_plus_minus_means(open_page):
    at = open_page("app_pages/profile.py", hood="Shadyside")
    assert at.header[0].value == "Can people stay?"
    first = at.table[0].value
    assert first.iloc[0]["Indicator"] == "Average years at the same address"
    # Shadyside's published 0 is no figure and no rank (before: 0 years, rank 1 of 90)
    years = first.iloc[0]
    assert years["Shadyside"] == "not available" or years["Shadyside"] == "no figure"
    assert years["Rank"] == "no rank" and "published as 0 years" in years["Note"]
    assert years["Period"] == "2010"
    owner = first.set_index("Indicator").loc["Homes lived in by their owners"]
    assert owner["Reliability"] and owner["Figure for"] == "tracts apportioned by land area"
    assert owner["Change over time"].startswith(fmt.escape_markdown("city: 47.2% ± 0.7 points (2015–2019) → 47.7%"))
    # the displacement pressure around it, in a table of its own
    assert [s.value for s in at.subheader][:2] == ["Stability", "Displacement pressure around it"]
    pressure = at.table[1].value.set_index("Indicator")
    assert fmt.escape_markdown("Eviction filings per 100 renter households") in pressure.index
    assert fmt.escape_markdown("Displacement typology (Urban Displacement Project)") in pressure.index
    assert any(i.value.startswith("How to read ±:") for i in at.info)
    assert any("Caveats of these figures" in c.value for c in at.caption)


def test_profile_groups_indicators_by_topic_with_one_title(open_page):
    at = open_page("app_pages/profile.py", hood=HOOD)
    assert len(at.title) == 1
    found = headings(at)
    for question in ("Can people stay?", "Can people afford their homes?", "Are people policed fairly?"):
        assert question in found
    assert found.index("Can people stay?") < found.index("Change over time") < found.index(
        "UPR recommendations on this theme")


def test_profile_shows_bloomfield_residents_by_race_from_the_census_counts(open_page):
    at = open_page("app_pages/profile.py", hood=HOOD)
    # CensusCounts_neighborhood_2010_2020.csv, row Bloomfield: total 8,442 (2010) and 8,665 (2020),
    # +223 / 8,442 = +2.6%; White alone 6,886 -> 6,763; Black alone 739 -> 520, -219 / 739 = -29.6%
    assert any("**8,442** residents in 2010 and **8,665** in 2020 (+2.6%)" in m.value for m in at.markdown)
    # the chart's table is made and sent once its folded panel is opened
    assert not [d for d in at.dataframe if "Group" in d.value.columns]
    unfold(at, "profile_race_chart_table")
    race = next(d.value for d in at.dataframe if "Group" in d.value.columns).set_index("Group")
    assert race.loc["White alone", "2010"] == 6886 and race.loc["White alone", "2020"] == 6763
    assert race.loc["Black alone", "2010"] == 739 and race.loc["Black alone", "2020"] == 520
    assert race.loc["Black alone", "Change (%)"] == pytest.approx(-219 / 739 * 100)
    assert at.get("echarts_chart"), "the grouped bar chart is drawn beside its table"


def test_profile_lists_indicators_without_neighborhood_figures_with_the_reason(open_page, snapshot):
    at = open_page("app_pages/profile.py", hood=HOOD)
    listed = "\n".join(m.value for m in at.markdown)
    # growth measures are medians: the snapshot has them for the city and county only
    assert "Not available by Neighborhoods for Pittsburgh" in headings(at)
    assert ("**Change in median home value**: " + fmt.escape_markdown(
        "its data have this figure only for: city, county")) in listed
    # and every indicator the snapshot cannot serve by neighborhood is listed by its title
    for ind in catalog.CATALOG.values():
        if "neighborhood" not in compute.available_levels(snapshot, ind.id):
            assert f"- **{fmt.escape_markdown(ind.title)}**: " in listed


def test_profile_lists_the_upr_recommendations_on_the_theme_with_both_statuses(open_page):
    # the sidebar's default indicator is the stability headline: its themes are housing, living standards, racism
    at = open_page("app_pages/profile.py", hood=HOOD)
    recs = table_rows(at, "Number")
    # us_upr_cycle3_recommendations.csv: 26.286 (Ethiopia, supported) is the one "Right to adequate housing",
    # 26.287 "Right to an adequate standard of living"; 26.283–26.285 are "Human rights & poverty"
    housing = recs[fmt.escape_markdown("26.286")]
    assert housing["Recommending State"] == "Ethiopia"
    assert housing["City government claims"] == housing["Community assessment"] == "No assessment yet"
    assert fmt.escape_markdown("26.287") in recs and fmt.escape_markdown("26.283") not in recs
    # rent burden is a housing indicator, whose themes take in poverty
    recs = table_rows(open_page("app_pages/profile.py", hood=HOOD, indicator="rent_burden_share"), "Number")
    assert {fmt.escape_markdown(n) for n in ("26.283", "26.284", "26.285", "26.286", "26.287")} <= set(recs)


def test_profile_shows_the_recorded_city_and_community_statuses(open_page, tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    ensure_seeded(store, COMMITTED_SNAPSHOT / "upr_recommendations.parquet")
    store.set_status(Actor("city-office", "city", "City office"), "26.286", city="pittsburgh", track="city",
                     status="in_progress", as_of="2024-05-01", author="Mayor's office", expected_version=0)
    store.set_status(Actor("coalition", "community", "Coalition"), "26.286", city="pittsburgh",
                     track="community", status="not_started", as_of="2024-06-01", author="Coalition",
                     expected_version=0)
    store.close()
    at = open_page("app_pages/profile.py", hood=HOOD)
    housing = table_rows(at, "Number")[fmt.escape_markdown("26.286")]
    assert housing["City government claims"] == "In progress"
    assert housing["Community assessment"] == "Not started"


def test_profile_explains_the_recommendations_when_the_tracker_cannot_be_read(open_page, monkeypatch):
    monkeypatch.setenv("HRC_TRACKER_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    at = open_page("app_pages/profile.py", hood=HOOD)
    assert any("Here will appear the UPR recommendations on this theme" in i.value for i in at.info)
    assert "Can people stay?" in headings(at)


def test_profile_without_a_known_neighborhood_asks_for_one(open_page):
    at = open_page("app_pages/profile.py", hood="<b>Nowhere</b>")
    assert at.selectbox(key="profile_area_neighborhood").value is None
    assert any("Choose an area" in i.value for i in at.info)
    assert not at.table


def test_compare_sets_the_chosen_neighborhoods_side_by_side(open_page, snapshot):
    at = open_page("app_pages/compare.py", hoods="Bloomfield|Hazelwood|Not a place")
    assert at.multiselect(key="compare_areas_neighborhood").value == ["Bloomfield", "Hazelwood"]
    side = table_rows(at)
    ind = catalog.get("rent_burden_share")
    rows = compute.compute(snapshot, ind.id, "neighborhood").set_index("area_id")
    shown = side[fmt.escape_markdown(ind.title)]
    for hood in ("Bloomfield", "Hazelwood"):
        text = fmt.value_with_margin(ind, rows.loc[hood, "estimate"], rows.loc[hood, "moe"])
        assert shown[hood].startswith(fmt.escape_markdown(text))
    dots = next(d.value for d in unfold_chart_tables(at, "app_pages/compare.py").dataframe
                if list(d.value.columns[:2]) == ["Neighborhood", "Estimate"])
    assert sorted(dots["Neighborhood"]) == ["Bloomfield", "Hazelwood"]


def test_compare_ranks_every_neighborhood_on_the_sidebar_indicator(open_page):
    at = open_page("app_pages/compare.py")
    ranking = next(d.value for d in at.dataframe if "Rank (1 = worst)" in d.value.columns)
    assert len(ranking) == 90
    assert ranking["Rank (1 = worst)"].iloc[0] == 1
    # the default indicator is the stability headline, years at the address: higher is better, rank 1 the lowest;
    # the ten neighborhoods published at 0 years have no rank and come last
    assert ranking["Estimate"].iloc[:80].is_monotonic_increasing and ranking["Estimate"].iloc[80:].isna().all()
    assert ranking["Rank note"].iloc[0] == "no margin of error published"
    assert {"indicator_id", "Unit", "Source", "Vintage", "Rank range (90%)"} <= set(ranking.columns) | {"indicator_id"}
    assert any(b.proto.label == "Download the ranking (CSV)" for b in at.get("download_button"))


def test_compare_shows_arrests_by_race_and_the_evictions_by_zip_majority(open_page):
    at = open_page("app_pages/compare.py", hoods="Bloomfield")
    arrests = next(d.value for d in at.dataframe if "All arrests" in d.value.columns).set_index("Area")
    # ArrestData_2016-08_to_2017-03.csv, INCIDENTNEIGHBORHOOD = Bloomfield, ARRESTTIME from 2016-08-01:
    # RACE W 57, B 46, U 2, A 2, H 1 = 108 arrests
    assert arrests.loc["Bloomfield", ["White", "Black", "All arrests"]].tolist() == [57, 46, 108]
    evictions = next(d.value for d in unfold_chart_tables(at, "app_pages/compare.py").dataframe
                     if "Filings ÷ usual" in d.value.columns)
    white = evictions.set_index("ZIP codes with a majority of").loc["White"]
    # ets_pittsburgh_linechart_by_zip_racial_majority.csv: White 10,904 filings / 12,207.11 usual = 0.8932
    # (the file's own month_diff is 0.8932496909735)
    assert white["Filings ÷ usual"] == pytest.approx(0.8932496909735)


def test_compare_says_plainly_that_rent_burden_exists_by_income_not_by_race(open_page):
    at = open_page("app_pages/compare.py")
    text = "\n".join(m.value for m in at.markdown)
    assert "no rent burden by race or ethnicity" in text
    # place_measures_city_tracts2020_chas2018-22: over the 128 city tracts, le30_burden30 + b30_50_burden30 sum to
    # 22,421 of 32,056 renter households at or below 50% of HAMFI (le30_hh + b30_50_hh): 22,421 / 32,056 = 69.9%
    assert "**70% ±" in text and "(32,056 ±" in text


def test_growth_sets_growth_beside_people_with_significance(open_page):
    at = open_page("app_pages/growth.py")
    metrics = {m.label: m.value for m in at.metric}
    # pittsburgh_city_timeseries: med_home_value 91,500 (2010–14) -> 205,800 (2020–24): +114,300 / 91,500 = +124.9%
    assert metrics["Home values, city"] == "+124.9%"
    # allegheny_county_timeseries: 124,800 -> 227,600: +102,800 / 124,800 = +82.4%
    assert metrics["Home values, county"] == "+82.4%"
    # med_gross_rent 794 -> 1,261: +467 / 794 = +58.8%; county 771 -> 1,153: +382 / 771 = +49.5%
    assert metrics["Rents, city"] == "+58.8%" and metrics["Rents, county"] == "+49.5%"
    # renter_share 0.5234 in 2020–24
    assert metrics["Renters, city"] == "52.3%"
    # CensusCounts: Black alone 79,710 (2010) -> 69,050 (2020) over all neighborhoods: -10,660 / 79,710 = -13.4%
    assert metrics["Black residents, city"] == "-13.4%"
    captions = "\n".join(c.value for c in at.caption)
    # renter share 51.2% ± 0.9 (2010–14) vs 52.3% ± 0.8: |0.0113| / √((0.0087/1.645)² + (0.0076/1.645)²) = 1.61 < 1.645
    assert "52.3% ± 0.8 points in 2020–2024: not a significant change" in captions


def test_growth_says_what_the_snapshot_cannot_show_for_neighborhoods(open_page):
    at = open_page("app_pages/growth.py")
    assert "What this snapshot cannot show" in headings(at)
    text = "\n".join(m.value for m in at.markdown)
    assert "medians cannot be combined into a neighborhood median" in text
    assert len(at.get("echarts_chart")) == 4 and len(at.get("image")) == 2  # the two maps, as pictures


def test_methods_documents_every_indicator_and_offers_every_table(open_page, snapshot):
    at = open_page("app_pages/methods.py")
    labels = [e.proto.label for e in at.expander]
    for ind in catalog.CATALOG.values():
        assert ind.title in labels
    text = "\n".join(m.value for m in at.markdown)
    for missing in snapshot.missing:
        assert fmt.escape_markdown(missing["what"]) in text
    assert "√Σ(*w* × MOE)²" in text and "CV under 15%" in text
    buttons = [b.proto.label for b in at.get("download_button")]
    tables = list(snapshot.manifest["tables"])
    assert [b for b in buttons if b.endswith(".csv")] == [f"{t}.csv" for t in tables]
    assert sorted(b for b in buttons if b.endswith(".geojson")) == sorted(
        f"{t}.geojson" for t in tables if t.startswith("areas_"))


def test_methods_lists_every_source_in_a_static_table(open_page, snapshot):
    at = open_page("app_pages/methods.py")
    assert not at.dataframe, "the page's tables are static: read, not sorted"
    sources = next(t.value for t in at.table if "Licence" in t.value.columns)
    assert list(sources.columns) == ["Source", "Publisher", "Vintage", "Retrieved", "Licence", "Attribution",
                                     "Caveats", "Address"]
    assert len(sources) == len(snapshot.manifest["sources"])
    for source, row in zip(snapshot.manifest["sources"], sources.to_dict("records")):
        # each cell escaped for Markdown; the id (which the tables' source_id columns give) after the title
        assert row["Source"] == fmt.escape_markdown(f"{source['title']} ({source['id']})")
        assert row["Licence"] == fmt.escape_markdown(source["licence"])
        assert row["Retrieved"].startswith(fmt.escape_markdown(str(source["retrieved_at"])[:10]))


def test_map_leads_with_stability_and_says_which_typology_inputs_are_missing(open_page):
    at = open_page("app_pages/map.py")
    # the landing map: the stability headline, its period in the title, its caveats beside it, no city figure
    assert at.title[0].value == "Pittsburgh: Average years at the same address (2010)"
    assert any("Caveats of these figures" in c.value and "Where the publisher gives 0 years" in c.value
               for c in at.caption)
    assert any("No figure for the whole city is published" in c.value for c in at.caption)
    assert not at.dataframe   # the table is in a folded panel, made when it is opened
    table = unfold(at, MAP_TABLE).dataframe[0].value.set_index("Area")
    # Shadyside's published 0 is no figure and no rank; the five neighborhoods at 2 years share rank 1
    assert pd.isna(table.loc["Shadyside", "Estimate"]) and pd.isna(table.loc["Shadyside", "Rank (1 = worst)"])
    assert set(table.index[table["Rank (1 = worst)"] == 1]) == {
        "West Oakland", "South Side Flats", "Lower Lawrenceville", "Arlington Heights", "Bedford Dwellings"}
    tracts = open_page("app_pages/map.py", level="tract")
    said = "\n".join(i.value for i in tracts.info)
    assert "Displacement typology (Urban Displacement Project) is not available for Pittsburgh" in said
    assert "base year \\(UDP\\: 2000\\)\\: median rent" in said


def test_no_profile_table_cell_shows_a_missing_value_as_nan(open_page):
    """A figure without a note, a period or a comparison is an empty cell, never the text "nan"."""
    at = open_page("app_pages/profile.py", hood="Hazelwood")
    cells = [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    assert len(cells) > 50 and "nan" not in cells and "None" not in cells
