"""Tract tables published by research groups, read into the snapshot's long layout.

- Community Material Deprivation Index (Brokamp et al., Cincinnati Children's), per ACS 5-year release:
  the index (0–1, higher is more deprived) and the six fractions it is built from.
- Neighborhood racial typologies (Urban Displacement / Eviction Research Network), ACS 2015–19 B03002:
  residents by race per tract, used as denominators for rates by race.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.sources import csvfile


class TractTableError(ValueError):
    """A tract table without the expected columns."""


def _tract_id_column(frame: pd.DataFrame, path) -> str:
    for name in ("census_tract_fips", "census_tract_id_2020", "census_tract_id_2010", "census_tract_id", "GEOID"):
        if name in frame:
            return name
    raise TractTableError(f"{Path(path).name}: no tract id column")


def read_deprivation_index(path: str | Path) -> pd.DataFrame:
    """Long form ``area_id, measure, estimate``: ``dep_index`` and the fractions (``fraction_*``, ``median_income``)."""
    frame = csvfile.read_csv(path, error=TractTableError, dtype=str)
    id_col = _tract_id_column(frame, path)
    if "dep_index" not in frame:
        raise TractTableError(f"{Path(path).name}: no 'dep_index' column")
    measures = [c for c in frame.columns if c == "dep_index" or c.startswith("fraction_") or c == "median_income"]
    long = frame.melt(id_vars=[id_col], value_vars=measures, var_name="measure", value_name="estimate")
    long["estimate"] = pd.to_numeric(long["estimate"], errors="coerce")
    return long.rename(columns={id_col: "area_id"})


RACE_COLUMNS = {"totraceE": "total", "WhiteE": "white", "BlackE": "black", "AsianE": "asian", "LatineE": "hispanic"}


def read_race_counts(path: str | Path) -> pd.DataFrame:
    """Residents by race per tract (``area_id, group, count``) from the racial typology table.

    Groups follow the publisher's collapse of B03002: white, Black and Asian are non-Hispanic; ``hispanic`` is
    Latine of any race; ``total`` is everyone.
    """
    frame = csvfile.read_csv(path, error=TractTableError, dtype=str)
    missing = [c for c in ("GEOID", *RACE_COLUMNS) if c not in frame]
    if missing:
        raise TractTableError(f"{Path(path).name}: missing columns {', '.join(missing)}")
    long = frame.melt(id_vars=["GEOID"], value_vars=list(RACE_COLUMNS), var_name="column", value_name="count")
    long["group"] = long.pop("column").map(RACE_COLUMNS)
    long["count"] = pd.to_numeric(long["count"], errors="coerce")
    return long.rename(columns={"GEOID": "area_id"})[["area_id", "group", "count"]]
