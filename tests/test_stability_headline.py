"""Residential stability first: the measure each city's snapshot leads with, the *Can people stay?* summary of an
area (each part on its own, with its trend), and the exports of an indicator people can use, on the committed
snapshots."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from indicators.core.exports import to_csv_bytes, to_geojson_bytes
from indicators.metrics import catalog, comparisons, compute, export, summary
from indicators.snapshot.read import open_snapshot
from tests.conftest import REPO


@pytest.fixture(scope="module")
def dc():
    return open_snapshot(REPO / "data" / "snapshots" / "dc")


def test_each_city_leads_with_its_strongest_stability_measure(snapshot, dc):
    # DC's data profiles have residence a year ago (DP02) and year moved in (DP04); the default city's files have
    # neither, so it leads with the publisher's years at the address (about 2010: its vintage goes in the title)
    assert summary.headline_indicator(dc) == "same_house_1yr_share"
    assert summary.headline_indicator(snapshot) == "avg_years_of_residence"
    assert summary.headline_indicator(snapshot, "neighborhood") == "avg_years_of_residence"
    assert compute.compute(snapshot, "avg_years_of_residence", "neighborhood")["period"].iloc[0] == "2010"


def test_no_neighborhood_ranks_worst_on_a_published_zero(snapshot):
    """Shadyside (published 0 years) ranked 1st of 90 before; now it has no rank and the worst are the five
    neighborhoods published at 2 years."""
    parts = {p.indicator_id: p for p in summary.can_people_stay(snapshot, "Shadyside")}
    years = parts["avg_years_of_residence"]
    assert pd.isna(years.row["estimate"]) and pd.isna(years.rank["rank"])
    ind = catalog.get("avg_years_of_residence")
    ranked = comparisons.rank_areas(compute.compute(snapshot, ind.id, "neighborhood"), direction=ind.direction,
                                    uncertainty=ind.uncertainty)
    assert (ranked.loc[ranked["rank"] == 1, "estimate"] == 2).all()


def test_can_people_stay_keeps_every_part_apart_with_trends_and_pressure(snapshot):
    """Hazelwood: stability (years at the address, ownership, residents who stayed) beside the pressure (eviction
    filings, rent burden), the typology of its tracts (inputs missing) and its vulnerable tracts; no total."""
    parts = summary.can_people_stay(snapshot, "Hazelwood")
    ids = [p.indicator_id for p in parts]
    assert ids[:2] == ["avg_years_of_residence", "owner_share"]
    assert {"eviction_filing_rate", "rent_burden_share", "displacement_typology"} <= set(ids)
    assert [p.group for p in parts].index(summary.PRESSURE) > [p.group for p in parts].index(summary.STABILITY)
    owner = next(p for p in parts if p.indicator_id == "owner_share")
    # the city's ownership, 2015–2019 against 2020–2024 (no shared year): 47.2% ± 0.7 → 47.7% ± 0.8, not significant
    assert (owner.trend.level, owner.trend.start_period, owner.trend.end_period) == ("city", "2015–2019", "2020–2024")
    assert owner.trend.comparison.kind == comparisons.NOT_DISTINGUISHABLE
    assert owner.comparison.kind == comparisons.NOT_DISTINGUISHABLE
    typology = next(p for p in parts if p.indicator_id == "displacement_typology")
    assert typology.missing is not None and "needs inputs this snapshot lacks" in str(typology.missing)
    vulnerable = next(p for p in parts if p.indicator_id == "displacement_vulnerability")
    assert sum(vulnerable.counts.values()) == vulnerable.row["tracts"] >= 1
    assert summary.first_with_margin(parts).indicator_id == "owner_share"


def test_the_export_has_rounded_figures_with_unit_ids_source_and_vintage(snapshot):
    """Hazelwood's ownership, 0.53611 ± 0.10475 in the snapshot, is written 53.6 and 10.5 percent."""
    ind = catalog.get("owner_share")
    frame = comparisons.rank_areas(compute.compute(snapshot, ind.id, "neighborhood"), direction=ind.direction,
                                   uncertainty=ind.uncertainty)
    table = export.indicator_table(frame, ind.id, sources=snapshot.sources,
                                   reference=compute.city_value(snapshot, ind.id).to_dict())
    row = table.set_index("area_id").loc["Hazelwood"]
    assert (row["Estimate"], row["Margin of error (90%)"], row["Unit"]) == (53.6, 10.5, "percent")
    assert row["indicator_id"] == "owner_share" and row["Period"] == "2020–2024"
    assert row["Source"].startswith("U.S. Census Bureau") and row["Vintage"] == "ACS 5-year 2020–2024"
    assert row["Compared with the city"] == "not distinguishable from the city"
    assert row["Figure for"] == "tracts apportioned by land area"
    assert row["Rank range (90%)"] == f"{int(frame.set_index('area_id').loc['Hazelwood', 'rank_low'])}–" \
                                      f"{int(frame.set_index('area_id').loc['Hazelwood', 'rank_high'])}"
    back = pd.read_csv(io.BytesIO(to_csv_bytes(table)), encoding="utf-8-sig")
    assert back.set_index("area_id").loc["Hazelwood", "Estimate"] == 53.6


def test_the_geojson_export_carries_the_figures_in_its_properties(snapshot):
    ind = catalog.get("eviction_filing_rate")
    table = export.indicator_table(compute.compute(snapshot, ind.id, "neighborhood"), ind.id, sources=snapshot.sources)
    areas = snapshot.table("areas_neighborhoods")
    collection = json.loads(to_geojson_bytes(areas, table))
    assert len(collection["features"]) == 90
    hazelwood = next(f for f in collection["features"] if f["properties"]["area_id"] == "Hazelwood")
    # 7.478 filings per 100 renter households ± 1.864, one decimal kept
    assert hazelwood["properties"]["Estimate"] == 7.5 and hazelwood["properties"]["Margin of error (90%)"] == 1.9
    assert hazelwood["properties"]["Unit"] == "per 100 renter households"
    assert hazelwood["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_every_area_summary_shares_the_level_work_and_equals_its_own(monkeypatch):
    """An area's profile ranks the level's areas and reads each release's figures; these are the same for every
    area, so they are done once per opened snapshot (a new area's summary took 52-59 ms, now 11 ms). Each area's
    summary is still exactly what a snapshot opened for it alone gives, in whatever order the areas come."""
    def fresh():
        return open_snapshot(REPO / "data" / "snapshots" / "pittsburgh")

    shared = fresh()
    areas = shared.table("areas_neighborhoods")["area_id"].tolist()[:5]
    ranks = []
    real_rank = comparisons.rank_areas
    monkeypatch.setattr(comparisons, "rank_areas", lambda *a, **k: ranks.append(1) or real_rank(*a, **k))
    summaries = {areas[0]: summary.can_people_stay(shared, areas[0])}
    assert ranks, "the first area's summary ranks the level"
    ranks.clear()
    for area in reversed(areas[1:]):
        summaries[area] = summary.can_people_stay(shared, area)
    assert not ranks, "a further area's summary ranked the level again"
    with_trend = 0
    for area in areas:
        alone = summary.can_people_stay(fresh(), area)
        assert repr(summaries[area]) == repr(alone)
        with_trend += sum(p.trend is not None for p in alone)
    assert with_trend, "the parts compared include trends"
    # the city's own trend, beside the areas' (its first row of each release)
    city_trend = summary.trend(shared, "owner_share", None, "neighborhood")
    assert city_trend is not None
    assert repr(city_trend) == repr(summary.trend(fresh(), "owner_share", None, "neighborhood"))
