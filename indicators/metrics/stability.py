"""Residential stability: can people stay? Years at the same address, and who stayed between censuses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core.frames import result
from indicators.core.i18n import N_

#: race groups of the census counts (``population_by_race``); the English labels are kept in frames as keys and
#: translated where shown
RACE_GROUPS = {"total": N_("Everyone"), "white": N_("White alone"), "black": N_("Black alone"),
               "asian": N_("Asian alone"), "native": N_("American Indian and Alaska Native alone"),
               "pacific_islander": N_("Pacific Islander alone"), "other": N_("Some other race alone"),
               "two_or_more": N_("Two or more races"), "hispanic": N_("Hispanic or Latino")}


#: a published 0 for average years at an address: no populated neighborhood has residents who all moved in
#: within the year, so the value is a gap in the publisher's estimate
PUBLISHED_ZERO_NOTE = ("published as 0 years: a gap in the publisher's estimate, not a measurement, shown as not "
                       "estimated and not ranked")


def avg_years_of_residence(measures: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """Average years of residence as published in the neighborhood profiles (no MOE published).

    A published 0 cannot be an average of residents' years at their address (it would mean every resident moved
    in within the year); the publisher does not say how it estimated the figures, so a 0 is read as what the
    file shows it to be, a gap, and becomes a missing figure whose note gives the published value:

    >>> m = pd.DataFrame({"measure": "avg_years_of_residence", "geo_level": "neighborhood", "area_id": ["A", "B"],
    ...                   "estimate": [0.0, 7.0], "note": None, "period": "2010"})
    >>> avg_years_of_residence(m, level="neighborhood")["estimate"].tolist()
    [nan, 7.0]
    """
    if level != "neighborhood":
        raise ValueError("average years of residence is published for neighborhoods only")
    rows = measures[(measures["measure"] == "avg_years_of_residence") & (measures["geo_level"] == "neighborhood")]
    published_zero = rows["estimate"].to_numpy(float) == 0
    frame = pd.DataFrame({"area_id": rows["area_id"].to_numpy(),
                          "estimate": np.where(published_zero, np.nan, rows["estimate"].to_numpy(float)),
                          "note": np.where(published_zero, PUBLISHED_ZERO_NOTE, rows["note"].to_numpy(object))})
    return result(frame, geo_level=level, period=str(rows["period"].iloc[0]) if len(rows) else "",
                  source_ids="neighborhood_profiles")


def _census_counts(population: pd.DataFrame, group: str, level: str) -> pd.DataFrame:
    # the city's own rows, not the sum of its neighborhoods: some neighborhoods are published only combined
    rows = population[(population["source_id"] == "decennial_race_neighborhoods") & (population["group"] == group)
                      & (population["geo_level"] == level)]
    wide = rows.pivot_table(index="area_id", columns="year", values="count", aggfunc="sum")
    if level == "city":
        wide.index = ["city"] * len(wide)
    return wide


def population_change(population: pd.DataFrame, *, level: str, group: str = "total",
                      start: int = 2010, end: int = 2020) -> pd.DataFrame:
    """(count at ``end`` − count at ``start``) ÷ count at ``start`` for a race group (``total`` for everyone).

    Decennial counts have no sampling error, so no MOE; the counts are returned as numerator (change) and
    denominator (start count) so a page can show them beside a percentage.
    """
    if level not in ("neighborhood", "city"):
        raise ValueError("population change is published for neighborhoods and the city")
    wide = _census_counts(population, group, level)
    if start not in wide or end not in wide:
        return result(pd.DataFrame(columns=["area_id", "estimate"]), geo_level=level, period=f"{start}–{end}",
                      source_ids="decennial_race_neighborhoods")
    change = wide[end] - wide[start]
    est = np.where(wide[start] > 0, change / wide[start].where(wide[start] > 0), np.nan)
    frame = pd.DataFrame({"area_id": wide.index.astype(str), "estimate": est, "numerator": change.to_numpy(),
                          "denominator": wide[start].to_numpy()})
    frame["note"] = np.where(wide[start].to_numpy() < 100, f"fewer than 100 residents in {start}: the percentage swings widely",
                             None)
    return result(frame, geo_level=level, period=f"{start}–{end}", source_ids="decennial_race_neighborhoods")


def population_change_2010_2020(population, *, level):
    """Change in all residents, 2010 → 2020 censuses."""
    return population_change(population, level=level, group="total")


def black_population_change_2010_2020(population, *, level):
    """Change in Black (alone) residents, 2010 → 2020 censuses."""
    return population_change(population, level=level, group="black")
