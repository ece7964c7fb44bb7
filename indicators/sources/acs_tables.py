"""Published ACS measure tables: one row per geography, each measure as ``<m>, <m>_moe, <m>_cv``.

This is the layout in which derived ACS 5-year measures are commonly published (estimate, 90% margin of
error, coefficient of variation), e.g. the tract, city and county tables built from the Census API for
a county. The reader turns such a table into the snapshot's long measure layout.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from indicators.core.moe import clean_sentinels
from indicators.sources import csvfile

#: measures that are medians or averages: they do not add up across areas
NON_ADDITIVE = {"median_age", "med_hh_income", "per_capita_income", "median_year_built", "med_gross_rent",
                "med_home_value"}

#: ACS table behind each measure of the published layout, and how the publisher derived it
MEASURE_TABLES = {
    "pop": "B01003", "households": "B11001", "median_age": "B01002", "under18_share": "B01001",
    "age65_share": "B01001", "white_nh_share": "B03002", "black_nh_share": "B03002", "asian_nh_share": "B03002",
    "hispanic_share": "B03002", "med_hh_income": "B19013", "per_capita_income": "B19301",
    "poverty_share": "C17002", "unemployment_rate": "B23025", "lfpr": "B23025", "bachelors_share": "B15003",
    "housing_units": "B25001", "vacancy_share": "B25002", "median_year_built": "B25035", "sfd_share": "B25024",
    "units_2_4_share": "B25024", "units_5_19_share": "B25024", "units_20plus_share": "B25024",
    "renter_share": "B25003", "renter_hh": "B25003", "owner_hh": "B25003", "pop_renter_share": "B25008",
    "med_gross_rent": "B25064", "med_home_value": "B25077", "rent_burden30_share": "B25070",
    "rent_burden50_share": "B25070", "owner_burden30_share": "B25091", "drive_alone_share": "B08301",
    "transit_share": "B08301", "walk_share": "B08301", "bike_share": "B08301", "wfh_share": "B08301",
    "no_vehicle_share": "B25044",
}


class MeasureTableError(ValueError):
    """A measure table that does not have the published layout."""


def measure_names(columns) -> list[str]:
    cols = set(columns)
    return [c for c in columns if f"{c}_moe" in cols and not c.endswith(("_moe", "_cv"))]


def read_measure_table(path: str | Path, *, id_column: str = "GEOID", keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a published measure table into long form.

    Returns ``area_id, measure, estimate, moe, note`` plus the ``keep`` columns (e.g. ``year``). Census
    sentinel values become missing with the reason in ``note`` (``-555555555`` on a margin of error
    becomes 0, the estimate being controlled); a missing MOE beside a present estimate is noted too (the
    publisher leaves it empty for top- and bottom-coded medians). A file that is not UTF-8, is empty or
    cut off mid-row raises :class:`MeasureTableError` naming the file and the line.
    """
    frame = csvfile.read_csv(path, error=MeasureTableError, dtype={id_column: str})
    if id_column not in frame:
        raise MeasureTableError(f"{Path(path).name}: no '{id_column}' column")
    measures = measure_names(frame.columns)
    if not measures:
        raise MeasureTableError(f"{Path(path).name}: no '<measure>,<measure>_moe' column pairs")
    parts = []
    for m in measures:
        est, est_reason = clean_sentinels(pd.to_numeric(frame[m], errors="coerce"))
        # -555555555 on a margin of error: a controlled estimate without sampling error, MOE 0 (as the
        # Census API loader reads it), the reason kept in the note
        moe, moe_reason = clean_sentinels(pd.to_numeric(frame[f"{m}_moe"], errors="coerce"),
                                          controlled_moe_as_zero=True)
        note = pd.Series(est_reason, index=frame.index, dtype="object")
        moe_note = pd.Series(moe_reason, index=frame.index, dtype="object")
        no_moe = note.isna() & pd.Series(np.isnan(np.asarray(moe, float)), index=frame.index) & pd.Series(~np.isnan(np.asarray(est, float)), index=frame.index)
        note = note.where(note.notna(), moe_note.map(lambda r: f"MOE: {r}" if isinstance(r, str) else None))
        note = note.where(~no_moe | note.notna(), "no margin of error published (top- or bottom-coded value)")
        part = pd.DataFrame({"area_id": frame[id_column], "measure": m, "estimate": np.asarray(est, float),
                             "moe": np.asarray(moe, float), "note": note.astype("object")})
        for k in keep:
            part[k] = frame[k].to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
