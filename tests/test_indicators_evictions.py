"""Eviction indicators against hand computations from Eviction Lab's published files and the ACS tract file.

ETS publishes Pittsburgh filings by ZIP code (12 months, Dec 2022–Nov 2023) and for the county by month. The
files are read with plain pandas; ZIP and tract weights come from the committed snapshot.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators.metrics.compute import compute

ZIP_FILE = "evictions/ets_pittsburgh_map_zip_12mo_2022-12_to_2023-11.csv"
MONTHLY_FILE = "evictions/ets_pittsburgh_barchart_monthly_county.csv"
TRACT_FILE = "acs/acs5_2020-2024_tracts2020_allegheny_visionpitts.csv"


@pytest.fixture(scope="module")
def ets_zip(pittsburgh_raw) -> pd.DataFrame:
    z = pd.read_csv(pittsburgh_raw / ZIP_FILE, dtype={"id": str})
    z["zip"] = z["id"].str.zfill(5)
    return z


@pytest.fixture(scope="module")
def tracts(pittsburgh_raw) -> pd.DataFrame:
    return pd.read_csv(pittsburgh_raw / TRACT_FILE, dtype={"GEOID": str}).set_index("GEOID")


@pytest.fixture(scope="module")
def tract_weights_2020(snapshot) -> pd.DataFrame:
    w = snapshot.table("weights_tract_neighborhood")
    return w[w["tract_vintage"] == 2020]


def test_city_eviction_filing_rate_by_hand(snapshot, ets_zip, tracts, tract_weights_2020):
    """Filings: each ZIP's 12-month filings × the share of its land in each neighborhood, summed, e.g.
    15210: 604 × 0.8810 = 532.1; 15219: 421 × 0.8456 = 356.0; 15206: 324 × 0.9450 = 306.2; 15212: 401 × 0.7230
    = 289.9; … over the 31 ZIPs that reach the city: 3,365.58 filings.
    Renter households: each 2020 tract's renter_hh × its weights, summed: 72,333.07.
    Rate = 3,365.58 / 72,333.07 × 100 = 4.653 filings per 100 renter households.
    """
    zw = snapshot.table("weights_zip_neighborhood")
    z = zw.merge(ets_zip[["zip", "month_filings"]], on="zip", how="left")
    assert z["month_filings"].notna().all(), "a city ZIP missing from the ETS file"
    filings = (z["weight"] * z["month_filings"]).sum()
    renters = (tract_weights_2020["weight"] * tract_weights_2020["tract_id"].map(tracts["renter_hh"])).sum()
    assert z["zip"].nunique() == 31
    assert filings == pytest.approx(3365.58, abs=0.01)
    assert renters == pytest.approx(72333.07, abs=0.01)
    rate = filings / renters * 100
    assert rate == pytest.approx(4.6529, abs=1e-4)

    row = compute(snapshot, "eviction_filing_rate", "city").iloc[0]
    assert row["estimate"] == pytest.approx(rate, rel=1e-12)
    assert (row["numerator"], row["denominator"]) == pytest.approx((filings, renters), rel=1e-12)


def test_city_eviction_filing_rate_moe_counts_each_tract_once(snapshot, tracts, tract_weights_2020):
    """Filings are court records (no sampling error); the renters' MOE carries into the rate: rate × MOE_Y / Y.

    A tract split between neighborhoods is one estimate, so its in-city share s (Σ of its weights) scales its MOE
    once: MOE_Y = √Σ (s·MOE)² over the 136 tracts that reach the city, where tracts with no renters add only the
    largest of their (s·MOE)² (the Census Bureau's rule for several zero estimates): 1,829.85 (1,830.2 were every
    zero's MOE added; the sum of the neighborhoods' squared MOEs would treat the pieces as independent and give
    1,721.7). Rate MOE = 4.6529 × 1,829.85 / 72,333.07 = 0.1177.
    """
    share = tract_weights_2020.groupby("tract_id")["weight"].sum()
    scaled = (share * tracts["renter_hh_moe"].reindex(share.index)) ** 2
    zero = tracts["renter_hh"].reindex(share.index) == 0
    assert zero.sum() >= 2
    moe_y = math.sqrt(scaled[~zero].sum() + scaled[zero].max())
    renters = (share * tracts["renter_hh"].reindex(share.index)).sum()
    assert len(share) == 136
    assert moe_y == pytest.approx(1829.85, abs=0.01)
    row = compute(snapshot, "eviction_filing_rate", "city").iloc[0]
    assert row["denominator_moe"] == pytest.approx(moe_y, rel=1e-12)
    assert row["moe"] == pytest.approx(row["estimate"] * moe_y / renters, rel=1e-12)
    assert row["moe"] == pytest.approx(0.1177, abs=1e-4)


def test_neighborhood_renters_add_up_to_the_published_city_renters(snapshot, pittsburgh_raw, tract_weights_2020):
    # Σ over the 90 neighborhoods of apportioned renters = 72,333.07, the published city count 72,332 ± 1,295
    rates = compute(snapshot, "eviction_filing_rate", "neighborhood")
    city = pd.read_csv(pittsburgh_raw / "acs" / "acs5_2014-2024_pittsburgh_city_timeseries_visionpitts.csv")
    city = city[city["year"] == 2024].iloc[0]
    assert len(rates) == 90
    assert abs(rates["denominator"].sum() - city["renter_hh"]) <= city["renter_hh_moe"]


def test_neighborhood_filing_rate_by_hand(snapshot, ets_zip, tracts, tract_weights_2020):
    hood = "Carrick"
    zw = snapshot.table("weights_zip_neighborhood")
    zw = zw[zw["neighborhood"] == hood].merge(ets_zip[["zip", "month_filings"]], on="zip")
    tw = tract_weights_2020[tract_weights_2020["neighborhood"] == hood]
    filings = (zw["weight"] * zw["month_filings"]).sum()
    renters = (tw["weight"] * tw["tract_id"].map(tracts["renter_hh"])).sum()
    # Carrick lies in ZIPs 15210 and 15227 (and slivers of others); its renters are mostly in tracts 2901, 2902, 2904
    assert {"15210", "15227"} <= set(zw["zip"])
    row = compute(snapshot, "eviction_filing_rate", "neighborhood").set_index("area_id").loc[hood]
    assert row["estimate"] == pytest.approx(filings / renters * 100, rel=1e-12)
    moe_y = math.sqrt(((tw["weight"] * tw["tract_id"].map(tracts["renter_hh_moe"])) ** 2).sum())
    assert row["moe"] == pytest.approx(row["estimate"] * moe_y / renters, rel=1e-12)


def test_zip_filing_rate_is_eviction_labs_own(snapshot, ets_zip):
    # ZIP 15210: 604 filings, published month_rate 0.128374 filings per renter household -> 12.84 per 100
    out = compute(snapshot, "eviction_filing_rate", "zip").set_index("area_id")
    raw = ets_zip.set_index("zip")
    assert out.loc["15210", "numerator"] == raw.loc["15210", "month_filings"] == 604
    assert out.loc["15210", "estimate"] == pytest.approx(raw.loc["15210", "month_rate"] * 100)
    assert out.loc["15210", "estimate"] == pytest.approx(12.837, abs=1e-3)
    # ZIP 15047's published rate is "Inf" (filings, no renters counted): no rate, not infinity
    assert np.isnan(out.loc["15047", "estimate"])
    assert out.loc["15047", "numerator"] == raw.loc["15047", "month_filings"]
    assert len(out) == len(raw) == 145


def test_county_filings_against_the_pre_pandemic_baseline_by_hand(snapshot, pittsburgh_raw):
    """The last 12 months of the county chart, 12/2022 to 11/2023: Σ month_filings = 12,944 and
    Σ avg_filings (the 2016–2019 mean of the same months) = 14,763.05; 12,944 / 14,763.05 = 0.8768."""
    monthly = pd.read_csv(pittsburgh_raw / MONTHLY_FILE)
    monthly["month"] = pd.to_datetime(monthly["month"], format="%m/%Y")
    last = monthly.sort_values("month").tail(12)
    assert last["month"].iloc[0] == pd.Timestamp("2022-12-01")
    filings, baseline = last["month_filings"].sum(), last["avg_filings"].sum()
    assert filings == 12_944 and baseline == pytest.approx(14_763.05, abs=0.01)
    row = compute(snapshot, "eviction_vs_baseline", "county").iloc[0]
    assert row["estimate"] == pytest.approx(filings / baseline) == pytest.approx(0.8768, abs=1e-4)
    assert row["period"] == "2022-12 to 2023-11"


def test_neighborhood_baseline_ratio_apportions_filings_and_baselines(snapshot, ets_zip):
    # a ZIP's baseline count is its filings ÷ its published ratio to baseline (month_diff)
    hood = "Carrick"
    zw = snapshot.table("weights_zip_neighborhood")
    z = zw[zw["neighborhood"] == hood].merge(ets_zip[["zip", "month_filings", "month_diff"]], on="zip")
    filings = (z["weight"] * z["month_filings"]).sum()
    baseline = (z["weight"] * z["month_filings"] / z["month_diff"]).sum()
    row = compute(snapshot, "eviction_vs_baseline", "neighborhood").set_index("area_id").loc[hood]
    assert row["estimate"] == pytest.approx(filings / baseline, rel=1e-12)
