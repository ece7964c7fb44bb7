"""Growth beside people: the change in home values and rents set next to the change in who can stay.

Changes compare two ACS 5-year periods that share no year (2010–2014 and 2020–2024 by default), with the
significance test for a difference; consecutive 5-year periods overlap and are not compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import moe as moe_math
from indicators.core.frames import result

SERIES = {"city": "acs5_city_series", "county": "acs5_county_series"}


def change_between_periods(measures: pd.DataFrame, measure: str, *, level: str, start_year: int | None = None,
                           end_year: int | None = None) -> pd.DataFrame:
    """Percent change of a measure between two ACS releases (end years), with MOE and significance.

    MOE of the change (X₂ − X₁)/X₁ by the ratio formula on the difference; ``significant`` is the 90% test
    |X₂ − X₁| / √(SE₁² + SE₂²) > 1.645; ``overlap`` is True when the two 5-year periods share a year.
    """
    rows = measures[(measures["geo_level"] == level) & (measures["measure"] == measure)
                    & (measures["source_id"] == SERIES.get(level, ""))]
    if rows.empty:
        raise ValueError(f"no {measure} series for level '{level}'")
    years = sorted(rows["year"].unique())
    end_year = end_year or years[-1]
    start_year = start_year or next((y for y in years if y <= end_year - 5), years[0])
    a = rows[rows["year"] == start_year].set_index("area_id")
    b = rows[rows["year"] == end_year].set_index("area_id")
    both = a[["estimate", "moe"]].add_suffix("_start").join(b[["estimate", "moe"]].add_suffix("_end"), how="inner")
    diff = both["estimate_end"] - both["estimate_start"]
    diff_moe = moe_math.moe_difference(both["moe_start"], both["moe_end"])
    est = diff / both["estimate_start"]
    err = moe_math.moe_ratio(diff, both["estimate_start"], diff_moe, both["moe_start"])
    frame = pd.DataFrame({"area_id": both.index, "estimate": est.to_numpy(), "moe": np.asarray(err, float),
                          "numerator": both["estimate_end"].to_numpy(), "numerator_moe": both["moe_end"].to_numpy(),
                          "denominator": both["estimate_start"].to_numpy(),
                          "denominator_moe": both["moe_start"].to_numpy()})
    out = result(frame, geo_level=level, period=f"{start_year - 4}–{start_year} to {end_year - 4}–{end_year}",
                 source_ids=SERIES[level])
    out["significant"] = moe_math.significant_difference(both["estimate_start"].to_numpy(), both["moe_start"].to_numpy(),
                                                         both["estimate_end"].to_numpy(), both["moe_end"].to_numpy())
    out["overlap"] = moe_math.periods_overlap(start_year, end_year)
    if out["overlap"].any():
        # overlapping 5-year periods share their samples: the test does not apply
        out["significant"] = None
    return out


def home_value_change(measures, *, level, start_year=None, end_year=None):
    """Change in median home value (B25077) between two non-overlapping ACS periods."""
    return change_between_periods(measures, "med_home_value", level=level, start_year=start_year, end_year=end_year)


def rent_change(measures, *, level, start_year=None, end_year=None):
    """Change in median gross rent (B25064) between two non-overlapping ACS periods."""
    return change_between_periods(measures, "med_gross_rent", level=level, start_year=start_year, end_year=end_year)


def series(measures: pd.DataFrame, measure: str, *, level: str) -> pd.DataFrame:
    """Every release of a measure for the city or county: ``year, period, estimate, moe``."""
    rows = measures[(measures["geo_level"] == level) & (measures["measure"] == measure)
                    & (measures["source_id"] == SERIES[level])]
    return rows.sort_values("year")[["area_id", "year", "period", "estimate", "moe", "note"]].reset_index(drop=True)
