"""Evictions: filings per 100 renter households and filings against the pre-pandemic baseline.

Eviction Lab's Eviction Tracking System publishes a city's filings by ZIP code and for the county by month;
its national tract history, filings and judgments by tract and year.
ZIP filings move to neighborhoods with land-area weights (counts first, rates after).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core.frames import measure_wide, rate, result
from indicators.core.geography import apportion_counts


def _zip_counts(evictions_zip: pd.DataFrame) -> pd.DataFrame:
    z = evictions_zip.copy()
    # ETS gives filings and their ratio to the baseline; the baseline count is their quotient
    z["baseline"] = np.where(z["vs_baseline"] > 0, z["filings"] / z["vs_baseline"].where(z["vs_baseline"] > 0), np.nan)
    return z


def renter_households_by_neighborhood(measures: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    wide = measure_wide(measures, ["renter_hh", "households"], geo_level="tract", source_id="acs5_tracts")
    values = pd.DataFrame({"tract_id": wide["area_id"], "measure": "renter_hh", "estimate": wide["renter_hh"],
                           "moe": wide["renter_hh_moe"]})
    moved = apportion_counts(values, weights[weights["tract_vintage"] == 2020], source_id="tract_id",
                             target_id="neighborhood")
    return moved.rename(columns={"neighborhood": "area_id"})[["area_id", "estimate", "moe"]]


def eviction_filing_rate(evictions_zip: pd.DataFrame, zip_weights: pd.DataFrame, measures: pd.DataFrame,
                         weights: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Filings in the 12-month window ÷ renter households × 100.

    ZIP level uses Eviction Lab's own published rate; neighborhoods and the city apportion ZIP filings by land
    area and divide by renter households from the ACS (2020 tracts apportioned to neighborhoods).
    """
    z = _zip_counts(evictions_zip)
    window = f"{z['window_start'].iloc[0]} to {z['window_end'].iloc[0]}" if len(z) else ""
    if level == "zip":
        frame = pd.DataFrame({"area_id": z["zip"], "estimate": z["filing_rate"] * 100, "numerator": z["filings"],
                              "note": z["note"]})
        return result(frame, geo_level=level, period=window, source_ids="eviction_lab_ets")
    values = pd.DataFrame({"zip": z["zip"], "measure": "filings", "estimate": z["filings"], "moe": np.nan})
    moved = apportion_counts(values, zip_weights, source_id="zip", target_id="neighborhood", moe="moe")
    renters = renter_households_by_neighborhood(measures, weights)
    frame = moved.rename(columns={"neighborhood": "area_id", "estimate": "numerator"})[["area_id", "numerator"]]
    frame = frame.merge(renters.rename(columns={"estimate": "denominator", "moe": "denominator_moe"}), on="area_id",
                        how="right")
    frame["numerator"] = frame["numerator"].fillna(0.0)
    if level == "city":
        # a tract split between neighborhoods is one estimate whose pieces' errors do not cancel: the city's MOE
        # comes from each tract's whole in-city share, √Σ (share·MOE)², not from the neighborhoods' MOEs
        in_city = (weights[weights["tract_vintage"] == 2020].groupby(["tract_id", "tract_vintage"], as_index=False)
                   ["weight"].sum().assign(neighborhood="city"))
        city = renter_households_by_neighborhood(measures, in_city)
        frame = pd.DataFrame({"area_id": ["city"], "numerator": [frame["numerator"].sum()],
                              "denominator": city["estimate"].to_numpy(), "denominator_moe": city["moe"].to_numpy()})
    elif level != "neighborhood":
        raise ValueError(f"no eviction filing rate for level '{level}'")
    frame["estimate"] = rate(frame["numerator"], frame["denominator"], 100)
    # filings are a count of court records (no sampling error); the renter count's MOE carries into the rate
    frame["moe"] = frame["estimate"] * frame["denominator_moe"] / frame["denominator"]
    return result(frame, geo_level=level, period=window, source_ids="eviction_lab_ets, acs5_tracts",
                  note="ZIP filings apportioned to neighborhoods by land area")


def eviction_vs_baseline(evictions_zip: pd.DataFrame, zip_weights: pd.DataFrame, evictions_monthly: pd.DataFrame,
                         *, level: str) -> pd.DataFrame:
    """Filings ÷ mean filings for the same months in 2016–2019."""
    z = _zip_counts(evictions_zip)
    window = f"{z['window_start'].iloc[0]} to {z['window_end'].iloc[0]}" if len(z) else ""
    if level == "zip":
        frame = pd.DataFrame({"area_id": z["zip"], "estimate": z["vs_baseline"], "numerator": z["filings"],
                              "denominator": z["baseline"], "note": z["note"]})
        return result(frame, geo_level=level, period=window, source_ids="eviction_lab_ets")
    if level == "county":
        m = evictions_monthly.sort_values("month")
        last = m.tail(12)
        frame = pd.DataFrame({"area_id": [m["area_id"].iloc[0]], "numerator": [last["filings"].sum()],
                              "denominator": [last["baseline"].sum()]})
        frame["estimate"] = frame["numerator"] / frame["denominator"]
        return result(frame, geo_level=level, period=f"{last['month'].iloc[0]} to {last['month'].iloc[-1]}",
                      source_ids="eviction_lab_ets")
    if level != "neighborhood":
        raise ValueError(f"no eviction baseline comparison for level '{level}'")
    values = pd.concat([
        pd.DataFrame({"zip": z["zip"], "measure": "filings", "estimate": z["filings"], "moe": np.nan}),
        pd.DataFrame({"zip": z["zip"], "measure": "baseline", "estimate": z["baseline"], "moe": np.nan}),
    ])
    moved = apportion_counts(values, zip_weights, source_id="zip", target_id="neighborhood")
    wide = moved.pivot(index="neighborhood", columns="measure", values="estimate")
    frame = pd.DataFrame({"area_id": wide.index, "numerator": wide["filings"].to_numpy(),
                          "denominator": wide["baseline"].to_numpy()})
    frame["estimate"] = rate(frame["numerator"], frame["denominator"], 1)
    return result(frame, geo_level=level, period=window, source_ids="eviction_lab_ets",
                  note="ZIP filings and baselines apportioned to neighborhoods by land area")


def monthly_vs_baseline(evictions_monthly: pd.DataFrame) -> pd.DataFrame:
    """The county's monthly filings beside the 2016–2019 mean for the same month (for a time chart)."""
    m = evictions_monthly.sort_values("month").copy()
    m["vs_baseline"] = m["filings"] / m["baseline"]
    return m


def by_group_vs_baseline(evictions_by_group: pd.DataFrame) -> pd.DataFrame:
    """Filings over the ZIP window by the racial majority of the ZIP code, the 2016–2019 baseline for the same
    months and their ratio (filings ÷ baseline, as Eviction Lab compares them)."""
    frame = evictions_by_group[["group", "filings", "baseline"]].copy()
    frame["vs_baseline"] = rate(frame["filings"], frame["baseline"], 1)
    return frame


def eviction_filing_rate_from_tracts(evictions_tracts: pd.DataFrame, weights: pd.DataFrame | None = None, *,
                                     level: str, year: int | None = None) -> pd.DataFrame:
    """Eviction filings in a year ÷ renter households × 100, from Eviction Lab's tract history.

    Tracts use the published counts; neighborhoods (and further levels, given their weights) and the city add
    land-area shares of each tract's filings and renter households first and divide after. Filings and renter
    households carry no margin of error in this source. Default year: the latest with counts. Rows flagged by
    Eviction Lab (low counts, imputed, substituted) keep a note saying so.

    >>> tracts = pd.DataFrame({"tract_id": ["1"], "tract_vintage": [2010], "year": [2016], "filings": [50.0],
    ...     "judgments": [10.0], "renter_households": [1000.0], "low_flag": [False], "imputed": [False],
    ...     "subbed": [False], "source_id": ["eviction_lab_tracts"]})
    >>> float(eviction_filing_rate_from_tracts(tracts, level="tract")["estimate"].iloc[0])
    5.0
    """
    rows = evictions_tracts[evictions_tracts["filings"].notna()]
    year = year or int(rows["year"].max())
    rows = rows[rows["year"] == year]
    flags = rows["low_flag"] | rows["imputed"] | rows["subbed"]
    if level == "tract":
        frame = pd.DataFrame({"area_id": rows["tract_id"], "numerator": rows["filings"],
                              "denominator": rows["renter_households"],
                              "note": np.where(flags, "flagged by Eviction Lab (low count, imputed or substituted)", None)})
        frame["estimate"] = rate(frame["numerator"], frame["denominator"], 100)
        out = result(frame, geo_level=level, period=str(year), source_ids="eviction_lab_tracts")
        out["tract_vintage"] = int(rows["tract_vintage"].iloc[0]) if len(rows) else 2010
        return out
    if level not in ("neighborhood", "city"):
        raise ValueError(f"no eviction filings from tracts for level '{level}'")
    if weights is None:
        raise ValueError("eviction filings by area need tract weights")
    vintage = int(rows["tract_vintage"].iloc[0]) if len(rows) else 2010
    w = weights[weights["tract_vintage"] == vintage]
    if level == "city":
        w = w.groupby(["tract_id", "tract_vintage"], as_index=False)["weight"].sum().assign(neighborhood="city")
    values = pd.concat([
        pd.DataFrame({"tract_id": rows["tract_id"], "measure": "filings", "estimate": rows["filings"], "moe": np.nan}),
        pd.DataFrame({"tract_id": rows["tract_id"], "measure": "renters", "estimate": rows["renter_households"],
                      "moe": np.nan})])
    moved = apportion_counts(values, w, source_id="tract_id", target_id="neighborhood")
    wide = moved.pivot(index="neighborhood", columns="measure", values="estimate")
    frame = pd.DataFrame({"area_id": wide.index, "numerator": wide["filings"].to_numpy(),
                          "denominator": wide["renters"].to_numpy()})
    frame["estimate"] = rate(frame["numerator"], frame["denominator"], 100)
    return result(frame, geo_level=level, period=str(year), source_ids="eviction_lab_tracts",
                  note="rebuilt from tract counts apportioned by land area")
