"""The Urban Displacement Project typology (:mod:`indicators.metrics.typology`) on a snapshot: its inputs as the
snapshot has them, the vulnerability step wherever the end-time measures exist, and the whole typology where
every input does.

A snapshot's tract ``measures`` give the end-time inputs of the ACS tract profile (:data:`PROFILE_MEASURES`);
any other input is a tract measure named ``udp_<input column>`` (``udp_median_rent_base``), whose ``period``
says when it was measured, so each input keeps its own period. :func:`typology_inputs` says what is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core.frames import measure_wide, result
from indicators.core.i18n import N_
from indicators.metrics import typology

#: snapshot measure of the ACS tract profile → typology input at the end time
PROFILE_MEASURES = {
    "med_gross_rent": typology.column(typology.MEDIAN_RENT, typology.END),
    "med_home_value": typology.column(typology.MEDIAN_HOME_VALUE, typology.END),
    "med_hh_income": typology.column(typology.MEDIAN_INCOME, typology.END),
    "renter_share": typology.column(typology.RENTER_SHARE, typology.END),
    "bachelors_share": typology.column(typology.COLLEGE_SHARE, typology.END),
    "households": typology.column(typology.HOUSEHOLDS, typology.END),
}
UDP_PREFIX = "udp_"
#: the measures in words, for saying which a snapshot lacks (technical names stay in the typology module)
MEASURE_WORDS = {
    typology.MEDIAN_RENT: N_("median rent"), typology.MEDIAN_HOME_VALUE: N_("median home value"),
    typology.MEDIAN_INCOME: N_("median household income"),
    typology.LOW_INCOME_SHARE: N_("households under 80% of the regional median income"),
    typology.BELOW_120PCT_INCOME_SHARE: N_("households under 120% of the regional median income"),
    typology.HOUSEHOLDS: N_("households"), typology.NONWHITE_SHARE: N_("residents of color"),
    typology.RENTER_SHARE: N_("renters"), typology.COLLEGE_SHARE: N_("college graduates"),
    typology.POPULATION: N_("residents"), typology.LOW_INCOME_MOVER_SHARE: N_("low-income movers"),
    typology.AFFORDABLE_TO_LOW_SHARE: N_("homes affordable to low incomes"),
    typology.AFFORDABLE_TO_MODERATE_SHARE: N_("homes affordable to moderate incomes"),
    typology.MEDIAN_HOUSING_COST: N_("median housing cost"), typology.STUDENT_SHARE: N_("students"),
    typology.DENSE: N_("density of the surrounding area"), typology.NEARBY_RENT_CHANGE: N_("nearby rent change"),
    typology.NEARBY_MEDIAN_RENT: N_("nearby rent"),
}
#: the times in words (UDP's own moments in brackets)
TIME_WORDS = {typology.EARLY: N_("earlier window start (UDP: 1990)"), typology.BASE: N_("base year (UDP: 2000)"),
              typology.RECENT: N_("recent window start (UDP: 2012)"), typology.END: N_("end (UDP: 2014–2018)")}


class MissingInputs(ValueError):
    """The snapshot lacks inputs of a typology step: ``inputs`` lists the input columns."""

    def __init__(self, inputs: list[str]):
        self.inputs = list(inputs)
        super().__init__("missing typology inputs: " + ", ".join(self.inputs))


def inputs_from_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """The typology's input frame from a snapshot's tract measures (one row per tract, ``GEOID`` first).

    ``frame.attrs["periods"]`` holds each time's period as the rows give it (the ACS profile's period for the
    end). The non-white share is 1 − the non-Hispanic white share.
    """
    wide = measure_wide(measures, [*PROFILE_MEASURES, "white_nh_share"], geo_level="tract", source_id="acs5_tracts")
    frame = pd.DataFrame({typology.TRACT_ID: wide["area_id"]})
    for source, target in PROFILE_MEASURES.items():
        frame[target] = pd.to_numeric(wide[source], errors="coerce").to_numpy()
    frame[typology.column(typology.NONWHITE_SHARE, typology.END)] = 1 - pd.to_numeric(
        wide["white_nh_share"], errors="coerce").to_numpy()
    periods = {typology.END: str(wide["period"].iloc[0])} if len(wide) else {}
    udp = measures[(measures["geo_level"] == "tract") & measures["measure"].str.startswith(UDP_PREFIX)]
    for name, rows in udp.groupby("measure"):
        target = name[len(UDP_PREFIX):]
        values = rows.set_index("area_id")["estimate"]
        frame[target] = frame[typology.TRACT_ID].map(values).to_numpy()
        time = target.rsplit("_", 1)[-1]
        if time in typology.TIMES and time not in periods and rows["period"].notna().any():
            periods[time] = str(rows["period"].dropna().iloc[0])
    frame.attrs["periods"] = periods
    return frame


def typology_inputs(measures: pd.DataFrame) -> dict[str, tuple[bool, list[str]]]:
    """For each typology step: whether the snapshot has every input, and the missing input columns."""
    return typology.available_steps(inputs_from_measures(measures).columns)


def missing_by_time(columns: list[str]) -> list[tuple[str, list[str]]]:
    """Missing input columns grouped by the time they are read at: ``[(time or "", [measure, …]), …]``, times
    in order, the columns without a time (nearby rents, density) last."""
    grouped: dict[str, list[str]] = {}
    for col in columns:
        measure, _sep, time = col.rpartition("_")
        if time in typology.TIMES and measure in typology.MEASURE_TIMES:
            grouped.setdefault(time, []).append(measure)
        else:
            grouped.setdefault("", []).append(col)
    return [(t, grouped[t]) for t in (*typology.TIMES, "") if t in grouped]


def displacement_vulnerability(measures: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """UDP "vulnerable to gentrification" flag per tract at the end: 1 vulnerable, 0 not, missing when undetermined.

    The region is every tract in the snapshot (the county); the regional medians are computed over it. Without a
    low-income share (households under 80% of the regional median income, from B19001), a tract meeting the three
    other tests is vulnerable, one meeting at most one is not, and the rest are undetermined.
    """
    if level != "tract":
        raise ValueError("the displacement typology is defined for tracts only")
    inputs = inputs_from_measures(measures)
    medians = typology.regional_medians(inputs)
    flag = typology.vulnerable(inputs, medians, typology.END)
    missing = typology.available_steps(inputs.columns)["vulnerable_end"][1]
    note = np.where(flag.isna(), "undetermined: " + (", ".join(missing) or "inputs") + " missing", None)
    frame = pd.DataFrame({"area_id": inputs[typology.TRACT_ID], "estimate": flag.astype("Float64").astype(float),
                          "note": note})
    return result(frame, geo_level=level, period=typology.periods_of(inputs)[typology.END], source_ids="acs5_tracts")


#: the estimate of a typology result: the label's position in :data:`indicators.metrics.typology.MAP_LABELS`, + 1
def label_code(label: str) -> float:
    return float(typology.MAP_LABELS.index(label) + 1) if label in typology.MAP_LABELS else np.nan


def displacement_typology(measures: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """The typology's map label per tract (``estimate``: :func:`label_code`; ``note``: the label and the types
    met), where the snapshot has every input; raises :class:`MissingInputs` naming what it lacks otherwise."""
    if level != "tract":
        raise ValueError("the displacement typology is defined for tracts only")
    inputs = inputs_from_measures(measures)
    absent = typology.missing_inputs(inputs.columns)
    if absent:
        raise MissingInputs(absent)
    out = typology.typology(inputs)
    periods = typology.periods_of(inputs)
    frame = pd.DataFrame({"area_id": inputs[typology.TRACT_ID], "estimate": out["label"].map(label_code)})
    return result(frame, geo_level=level, period=f"{periods[typology.BASE]} to {periods[typology.END]}",
                  source_ids="acs5_tracts")
