"""Displacement risk from the Urban Displacement Project typology, for the parts a snapshot supports.

The full typology needs two points in time of income distributions, rents, home values and education
(see :mod:`indicators.metrics.typology`). A snapshot with one ACS release on tract lines supports the
*vulnerability* step at the end time; :func:`typology_inputs` says which steps run and which inputs are missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.metrics import typology
from indicators.core.frames import measure_wide, result

PROFILE_MEASURES = ["med_gross_rent", "med_home_value", "med_hh_income", "renter_share", "bachelors_share",
                    "white_nh_share"]


def _inputs(measures: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    wide = measure_wide(measures, PROFILE_MEASURES, geo_level="tract", source_id="acs5_tracts")
    profile = wide.rename(columns={"area_id": typology.TRACT_ID})
    period = wide["period"].iloc[0] if len(wide) else ""
    return typology.inputs_from_tract_profile(profile, typology.END), period


def typology_inputs(measures: pd.DataFrame) -> dict[str, tuple[bool, list[str]]]:
    """For each typology step: whether the snapshot has every input, and the missing input columns."""
    inputs, _ = _inputs(measures)
    return typology.available_steps(inputs.columns)


def displacement_vulnerability(measures: pd.DataFrame, *, level: str) -> pd.DataFrame:
    """UDP "vulnerable to gentrification" flag per tract: 1 vulnerable, 0 not, missing when undetermined.

    The region is every tract in the snapshot (the county); the regional medians are computed over it.
    Without a low-income share (households under 80% of the regional median income, from B19001), a tract
    meeting the three other tests is vulnerable, one meeting at most one is not, and the rest are undetermined.
    """
    if level != "tract":
        raise ValueError("the displacement typology is defined for tracts only")
    inputs, period = _inputs(measures)
    medians = typology.regional_medians(inputs)
    flag = typology.vulnerable(inputs, medians, typology.END)
    steps = typology.available_steps(inputs.columns)
    missing = steps.get("vulnerable_end", (True, []))[1]
    note = np.where(flag.isna(), "undetermined: " + (", ".join(missing) or "inputs") + " missing", None)
    frame = pd.DataFrame({"area_id": inputs[typology.TRACT_ID], "estimate": flag.astype("Float64").astype(float),
                          "note": note})
    return result(frame, geo_level=level, period=period, source_ids="acs5_tracts")
