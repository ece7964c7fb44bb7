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


def arrest_disparity_black_white(arrests: pd.DataFrame, population: pd.DataFrame, weights: pd.DataFrame, *,
                                 level: str) -> pd.DataFrame:
    """(Black arrests ÷ Black residents) ÷ (white arrests ÷ white residents), with the four counts.

    Residents: ACS 2015–2019 B03002 (non-Hispanic Black and white) on 2010 tracts apportioned to
    neighborhoods. The ratio is missing where either group has no residents or no arrests; arrest counts
    under 10 in either group are noted as too few to read.
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
    black_rate = rate(frame["black_arrests"], frame["black_residents"], 1)
    white_rate = rate(frame["white_arrests"], frame["white_residents"], 1)
    est = np.where((white_rate > 0) & np.isfinite(black_rate), black_rate / np.where(white_rate > 0, white_rate, np.nan), np.nan)
    few = (frame["black_arrests"] < 10) | (frame["white_arrests"] < 10)
    out = pd.DataFrame({"area_id": frame.index.astype(str), "estimate": est,
                        "numerator": frame["black_arrests"].to_numpy(), "denominator": frame["white_arrests"].to_numpy(),
                        "note": np.where(few, "fewer than 10 arrests in one group: too few to read as a pattern", None)})
    residents_from = sorted(set(population.loc[(population["geo_level"] == "tract")
                                               & (population["tract_vintage"] == 2010), "source_id"]))
    out = result(out, geo_level=level, period=period, source_ids=", ".join(["arrest_records", *residents_from]))
    out["reliability"] = np.where(few.to_numpy(), moe_math.UNRELIABLE, moe_math.UNKNOWN)
    for col in ("black_arrests", "white_arrests", "black_residents", "white_residents"):
        out[col] = frame[col].to_numpy()
    return out
