"""Neighborhood tables published by a city's planning department.

- Sector/Neighborhood Asset Profiles (SNAP, as a planning department publishes them, ~2010): one row per
  neighborhood with population since 1940, tenure, average years of residence, foreclosures, poverty, home
  value. Column names are truncated by the shapefile export they come from; percentages and dollars are
  text (``"94.2%"``, ``"$62,100"``).
- Decennial census counts by neighborhood, 2010 and 2020 (P.L. 94-171 redistricting data aggregated to
  neighborhoods): population by race.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.sources import csvfile

#: SNAP column (as exported) -> (measure, unit, year, meaning)
SNAP_MEASURES = {
    "Pop__1940": ("pop_1940", "people", 1940, "Population, 1940 census"),
    "Pop__1950": ("pop_1950", "people", 1950, "Population, 1950 census"),
    "Pop__1960": ("pop_1960", "people", 1960, "Population, 1960 census"),
    "Pop__1970": ("pop_1970", "people", 1970, "Population, 1970 census"),
    "Pop__1980": ("pop_1980", "people", 1980, "Population, 1980 census"),
    "Pop__1990": ("pop_1990", "people", 1990, "Population, 1990 census"),
    "Pop__2000": ("pop_2000", "people", 2000, "Population, 2000 census"),
    "Pop__2010": ("pop_2010", "people", 2010, "Population, 2010 census"),
    "SNAP_All_csv___Occupied_Units_1": ("occupied_units_2010", "homes", 2010, "Occupied housing units, 2010"),
    "SNAP_All_csv___Owner_Occupied_U": ("owner_occupied_share_2010", "share", 2010, "Share of occupied homes owned, 2010"),
    "SNAP_All_csv___Renter_Occupied_": ("renter_occupied_share_2010", "share", 2010, "Share of occupied homes rented, 2010"),
    "Est__Avg__Yrs__of_Residence__20": ("avg_years_of_residence", "years", 2010, "Estimated average years of residence"),
    "SNAP_All_csv_Foreclosures__2008": ("foreclosures_2008", "homes", 2008, "Foreclosures filed, 2008"),
    "SNAP_All_csv_Foreclosures__2010": ("foreclosures_2010", "homes", 2010, "Foreclosures filed, 2010"),
    "SNAP_All_csv___of_all_Housing_U": ("foreclosure_share_2010", "share", 2010, "Foreclosures as a share of all homes, 2010"),
    "SNAP_All_csv_Total___Units__201": ("housing_units_2010", "homes", 2010, "Housing units, 2010"),
    "SNAP_All_csv___Vacant_Units__20": ("vacancy_share_2010", "share", 2010, "Share of homes vacant, 2010"),
    "SNAP_All_csv_Median_Home_Value_": ("median_home_value_2010", "dollars", 2010, "Median home value (as published)"),
    "Est__Pop__for_which_Poverty_Cal": ("poverty_universe_2010", "people", 2010, "Population for whom poverty is determined"),
    "Est__Pop__Under_Poverty__2010_": ("poverty_count_2010", "people", 2010, "Population below the poverty line"),
}


class ProfileFileError(ValueError):
    """A neighborhood profile file without the expected columns."""


def parse_number(value) -> float:
    """``"94.2%"`` → 0.942, ``"$62,100"`` → 62100.0, blanks → NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    text = str(value).strip()
    if not text or text.lower() in {"na", "n/a", "-", "nan"}:
        return np.nan
    percent = text.endswith("%")
    text = re.sub(r"[$,%\s]", "", text)
    try:
        number = float(text)
    except ValueError:
        return np.nan
    return number / 100 if percent else number


def read_snap_profiles(path: str | Path, *, name_field: str = "SNAP_All_csv_Neighborhood") -> pd.DataFrame:
    """Read the SNAP neighborhood profiles into long form: ``area_name, measure, estimate, year, unit, label``."""
    frame = csvfile.read_csv(path, error=ProfileFileError, dtype=str)
    if name_field not in frame:
        raise ProfileFileError(f"{Path(path).name}: no neighborhood name column '{name_field}'")
    present = [c for c in SNAP_MEASURES if c in frame]
    if len(present) < len(SNAP_MEASURES) // 2:
        raise ProfileFileError(f"{Path(path).name}: does not look like a SNAP profile file")
    rows = []
    for column in present:
        measure, unit, year, label = SNAP_MEASURES[column]
        values = frame[column].map(parse_number)
        rows.append(pd.DataFrame({"area_name": frame[name_field].str.strip(), "measure": measure,
                                  "estimate": values.astype(float), "year": year, "unit": unit, "label": label}))
    return pd.concat(rows, ignore_index=True)


RACE_GROUPS = {
    "Total_Population": "total",
    "White_Alone_Population": "white",
    "Black_Alone_Population": "black",
    "Asian_Alone_Population": "asian",
    "American_Indian_and_Alaska_Native_alone_population": "native",
    "Native_Hawaiian_and_Other_Pacific_Islander_alone_Population": "pacific_islander",
    "Any_other_single_race_alone_Popualtion": "other",
    "Population_two_or_more_races": "two_or_more",
    "Hispanic_or_Latino_Population": "hispanic",
}


def read_decennial_race_counts(path: str | Path) -> pd.DataFrame:
    """Decennial population by race and neighborhood: ``area_name, year, group, count``.

    Race groups are single-race counts (any ethnicity); ``hispanic`` is of any race, as published.
    """
    frame = csvfile.read_csv(path, error=ProfileFileError, dtype=str)
    if "Neighborhood" not in frame:
        raise ProfileFileError(f"{Path(path).name}: no 'Neighborhood' column")
    rows = []
    for year in (2010, 2020):
        for suffix, group in RACE_GROUPS.items():
            column = f"{year}_{suffix}"
            if column not in frame:
                raise ProfileFileError(f"{Path(path).name}: missing column '{column}'")
            rows.append(pd.DataFrame({"area_name": frame["Neighborhood"].str.strip(), "year": year, "group": group,
                                      "count": pd.to_numeric(frame[column].str.replace(",", ""), errors="coerce")}))
    return pd.concat(rows, ignore_index=True)
