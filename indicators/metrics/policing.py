"""Policing: arrests and firearm seizures per resident, and the Black:white arrest disparity.

Police data place an arrest where the incident happened; residents are counted where they live. Rates in
areas with many visitors and few residents (downtown, the stadiums) are therefore high, as the catalog says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import moe as moe_math
from indicators.core.frames import rate, result
from indicators.core.geography import apportion_counts


def residents(population: pd.DataFrame, *, year: int = 2020, group: str = "total",
              level: str = "neighborhood") -> pd.Series:
    """Decennial residents per neighborhood (index: neighborhood name), or of the whole city (``level="city"``).

    A city without census counts by neighborhood gets the ACS residents of its tracts apportioned to them (the
    newest release; ``total`` is the sum of the race groups)."""
    rows = population[(population["source_id"] == "decennial_race_neighborhoods") & (population["year"] == year)
                      & (population["group"] == group) & (population["geo_level"] == level)]
    if rows.empty:
        acs = population[(population["source_id"] == "acs5_tracts") & (population["geo_level"] == level)]
        if len(acs):
            newest = acs[acs["year"] == acs["year"].max()]
            rows = newest if group == "total" else newest[newest["group"] == group]
    return rows.groupby("area_id")["count"].sum()


def _per_resident(counts: pd.Series, population: pd.DataFrame, *, level: str, per: float, period: str,
                  source_ids: str, pop_year: int = 2020) -> pd.DataFrame:
    pop = residents(population, year=pop_year)
    frame = pd.DataFrame({"area_id": pop.index, "denominator": pop.to_numpy()})
    frame["numerator"] = frame["area_id"].map(counts).fillna(0).astype(float)
    if level == "city":
        # the city's own count: neighborhoods published only combined are not in ``pop``
        city = residents(population, year=pop_year, level="city")
        frame = pd.DataFrame({"area_id": ["city"], "numerator": [counts.sum()], "denominator": [city.sum(min_count=1)]})
    elif level != "neighborhood":
        raise ValueError(f"no rate per resident for level '{level}'")
    frame["estimate"] = rate(frame["numerator"], frame["denominator"], per)
    missing = frame["denominator"].isna()
    frame["note"] = np.where(missing, "no census population published for this neighborhood alone", None)
    return result(frame, geo_level=level, period=period, source_ids=source_ids)


def arrest_rate(arrests_by_year: pd.DataFrame, population: pd.DataFrame, *, level: str,
                year: int | None = None) -> pd.DataFrame:
    """Arrests in a calendar year ÷ 2020 census residents × 1,000 (default: the latest full year published)."""
    years = sorted(arrests_by_year["year"].unique())
    year = year or (years[-2] if len(years) > 1 else years[-1])  # the last published year may be partial
    counts = arrests_by_year[arrests_by_year["year"] == year].groupby("area_id")["count"].sum()
    sources = sorted(set(arrests_by_year["source_id"])) + [_population_source(population, level)]
    return _per_resident(counts, population, level=level, per=1000, period=str(year), source_ids=", ".join(sources))


def _population_source(population: pd.DataFrame, level: str) -> str:
    """Where residents per area come from: the census counts by neighborhood, else the ACS tract counts."""
    decennial = (population["source_id"] == "decennial_race_neighborhoods") & (population["geo_level"] == level)
    return "decennial_race_neighborhoods" if decennial.any() else "acs5_tracts"


def firearm_seizure_rate(firearm_seizures: pd.DataFrame, population: pd.DataFrame, *, level: str,
                         year: int | None = None) -> pd.DataFrame:
    """Firearms seized in a calendar year ÷ 2020 census residents × 1,000 (default: the latest full year)."""
    hoods = firearm_seizures[firearm_seizures["geo_level"] == "neighborhood"]
    years = sorted(hoods["year"].unique())
    year = year or (years[-2] if len(years) > 1 else years[-1])
    counts = hoods[hoods["year"] == year].groupby("area_id")["count"].sum()
    return _per_resident(counts, population, level=level, per=1000, period=str(year),
                         source_ids="firearm_seizures, decennial_race_neighborhoods")


def residents_by_race_2010_tracts(population: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """ACS residents by race on 2010 tracts, apportioned to neighborhoods: ``area_id, group, count``."""
    rows = population[(population["geo_level"] == "tract") & (population["tract_vintage"] == 2010)]
    values = pd.DataFrame({"tract_id": rows["area_id"], "measure": rows["group"], "estimate": rows["count"],
                           "moe": np.nan})
    moved = apportion_counts(values, weights[weights["tract_vintage"] == 2010], source_id="tract_id",
                             target_id="neighborhood")
    return moved.rename(columns={"neighborhood": "area_id", "measure": "group", "estimate": "count"})[
        ["area_id", "group", "count"]]


#: no ratio from fewer arrests than this in either group: a Poisson count under 20 has a relative standard error
#: 1/√n above 22%, the level at which the National Center for Health Statistics flags a rate as unreliable; at 20
#: and 20 the 90% interval of the ratio already spans a factor of about 2.8 (× or ÷ 1.68)
MIN_ARRESTS = 20
FEW_ARRESTS_NOTE = f"fewer than {MIN_ARRESTS} arrests in one group: too few for a ratio"


def rate_ratio_interval(a, n_a, c, n_c, z: float = moe_math.Z90):
    """Rate ratio ``(a / n_a) ÷ (c / n_c)`` with its interval on the log scale, the counts ``a`` and ``c`` taken
    as Poisson counts and the populations ``n_a``, ``n_c`` as known: ``ln RR ± z·√(1/a + 1/c)`` (the Wald
    interval of a Poisson rate ratio; z = 1.645 for 90%, the level of the ACS margins of error).

    Returns ``(ratio, lower, upper, se_log)`` as arrays; NaN where a count or population is not positive.

    >>> [round(float(v), 2) for v in rate_ratio_interval(46, 1000, 57, 17_700)]
    [14.28, 10.31, 19.79, 0.2]
    """
    a, n_a, c, n_c = (np.asarray(v, dtype=float) for v in (a, n_a, c, n_c))
    ok = (a > 0) & (c > 0) & (n_a > 0) & (n_c > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok, (a / n_a) / (c / n_c), np.nan)
        se = np.where(ok, np.sqrt(1 / a + 1 / c), np.nan)
    return ratio, ratio * np.exp(-z * se), ratio * np.exp(z * se), se


def arrest_disparity_black_white(arrests: pd.DataFrame, population: pd.DataFrame, weights: pd.DataFrame, *,
                                 level: str) -> pd.DataFrame:
    """(Black arrests ÷ Black residents) ÷ (white arrests ÷ white residents), with the four counts, the records'
    period and a 90% interval (``lower``, ``upper``; :func:`rate_ratio_interval`).

    Residents: ACS (B03002 or DP05, non-Hispanic Black and white) on 2010 tracts apportioned to neighborhoods.
    No ratio where either group has fewer than :data:`MIN_ARRESTS` arrests, no residents, or no arrests; the note
    says why. The coefficient of variation is the standard error of the log ratio × 100 (the relative error of
    the ratio), so the reliability classes read as for survey estimates.
    """
    a = arrests[arrests["geo_level"] == "neighborhood"]
    period = f"{a['period_start'].min()} to {a['period_end'].max()}" if len(a) else ""
    counts = a.pivot_table(index="area_id", columns="group", values="count", aggfunc="sum", fill_value=0)
    res = residents_by_race_2010_tracts(population, weights).pivot_table(index="area_id", columns="group",
                                                                          values="count", aggfunc="sum")
    frame = pd.DataFrame(index=res.index)
    frame["black_arrests"] = counts.get("black", pd.Series(dtype=float)).reindex(frame.index).fillna(0)
    frame["white_arrests"] = counts.get("white", pd.Series(dtype=float)).reindex(frame.index).fillna(0)
    frame["black_residents"] = res.get("black")
    frame["white_residents"] = res.get("white")
    if level == "city":
        frame = frame.sum().to_frame().T
        frame.index = ["city"]
    elif level != "neighborhood":
        raise ValueError(f"no arrest disparity for level '{level}'")
    ratio, lower, upper, se = rate_ratio_interval(frame["black_arrests"], frame["black_residents"],
                                                  frame["white_arrests"], frame["white_residents"])
    few = ((frame["black_arrests"] < MIN_ARRESTS) | (frame["white_arrests"] < MIN_ARRESTS)).to_numpy()
    ratio, lower, upper, se = (np.where(few, np.nan, v) for v in (ratio, lower, upper, se))
    out = pd.DataFrame({"area_id": frame.index.astype(str), "estimate": ratio,
                        "numerator": frame["black_arrests"].to_numpy(), "denominator": frame["white_arrests"].to_numpy(),
                        "note": np.where(few, FEW_ARRESTS_NOTE, None)})
    residents_from = sorted(set(population.loc[(population["geo_level"] == "tract")
                                               & (population["tract_vintage"] == 2010), "source_id"]))
    out = result(out, geo_level=level, period=period, source_ids=", ".join(["arrest_records", *residents_from]))
    out["cv"] = se * 100
    out["reliability"] = np.where(few, moe_math.UNRELIABLE, moe_math.reliability(se * 100))
    out["lower"], out["upper"] = lower, upper
    for col in ("black_arrests", "white_arrests", "black_residents", "white_residents"):
        out[col] = frame[col].to_numpy()
    return out
