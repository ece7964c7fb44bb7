"""Building blocks shared by the indicator functions: the result layout and ACS measure handling.

Every indicator function returns a frame in the same layout (:data:`RESULT_COLUMNS`): one row per area with
``estimate``, ``moe`` (90%, NaN where the source has none), ``cv``, ``reliability``, the ``numerator`` and
``denominator`` behind a rate where there are counts, the ``period`` and ``source_ids``, and a ``note``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import moe as moe_math
from indicators.core.geography import apportion_counts

RESULT_COLUMNS = ["geo_level", "area_id", "estimate", "moe", "cv", "reliability", "numerator", "numerator_moe",
                  "denominator", "denominator_moe", "period", "source_ids", "note"]


def result(frame: pd.DataFrame, *, geo_level: str, period: str | pd.Series, source_ids: str,
           note: str | pd.Series | None = None) -> pd.DataFrame:
    """Complete ``frame`` (with at least ``area_id`` and ``estimate``) into the result layout."""
    out = frame.copy()
    out["geo_level"] = geo_level
    for col in ("moe", "numerator", "numerator_moe", "denominator", "denominator_moe"):
        if col not in out:
            out[col] = np.nan
    out["estimate"] = out["estimate"].astype(float)
    out["moe"] = out["moe"].astype(float)
    out["cv"] = moe_math.coefficient_of_variation(out["estimate"], out["moe"])
    out["reliability"] = moe_math.reliability(out["cv"])
    out["period"] = period
    out["source_ids"] = source_ids
    if "note" not in out:
        out["note"] = note
    elif note is not None:
        out["note"] = out["note"].where(out["note"].notna(), note)
    out["note"] = out["note"].astype("object").where(out["note"].notna(), None)
    return out[RESULT_COLUMNS].reset_index(drop=True)


def latest_year(measures: pd.DataFrame, *, geo_level: str, measure: str, source_id: str | None = None) -> int | None:
    rows = measures[(measures["geo_level"] == geo_level) & (measures["measure"] == measure)]
    if source_id is not None:
        rows = rows[rows["source_id"] == source_id]
    rows = rows[rows["estimate"].notna()]
    return int(rows["year"].max()) if len(rows) else None


def measure_wide(measures: pd.DataFrame, names: list[str], *, geo_level: str, year: int | None = None,
                 source_id: str | None = None) -> pd.DataFrame:
    """Estimates and MOEs of several measures side by side: ``area_id, <m>, <m>_moe, …, period``."""
    rows = measures[(measures["geo_level"] == geo_level) & measures["measure"].isin(names)]
    if source_id is not None:
        rows = rows[rows["source_id"] == source_id]
    if year is None and len(rows):
        year = int(rows["year"].max())
    rows = rows[rows["year"] == year]
    if rows.empty:
        return pd.DataFrame(columns=["area_id", *names, *(f"{n}_moe" for n in names), "period", "note"])
    est = rows.pivot_table(index="area_id", columns="measure", values="estimate", aggfunc="first", dropna=False)
    err = rows.pivot_table(index="area_id", columns="measure", values="moe", aggfunc="first", dropna=False)
    err.columns = [f"{c}_moe" for c in err.columns]
    wide = est.join(err)
    for n in names:
        wide[n] = wide.get(n, np.nan)
        wide[f"{n}_moe"] = wide.get(f"{n}_moe", np.nan)
    notes = rows.dropna(subset=["note"]).groupby("area_id")["note"].agg(lambda s: "; ".join(sorted(set(s))))
    wide["note"] = notes
    wide["period"] = rows["period"].iloc[0]
    return wide.reset_index()


def share_from_counts(num: pd.Series, den: pd.Series, num_moe: pd.Series, den_moe: pd.Series) -> tuple:
    """A proportion and its MOE (ACS proportion formula, ratio formula where the radicand is negative)."""
    est = np.where(den > 0, num / den.where(den > 0), np.nan)
    err = moe_math.moe_proportion(num.to_numpy(float), den.to_numpy(float), num_moe.to_numpy(float),
                                  den_moe.to_numpy(float))
    return est, np.where(np.isnan(est), np.nan, err)


def apportioned_share(tract_wide: pd.DataFrame, weights: pd.DataFrame, *, share: str, base: str,
                      target: str = "neighborhood") -> pd.DataFrame:
    """Rebuild counts from tract shares (``share × base``), apportion counts and bases to ``target`` areas with
    the weights, and divide again. MOE of a rebuilt count by the product formula, of the apportioned sums by
    √Σ(w·MOE)², of the final share by the proportion formula.
    """
    t = tract_wide.copy()
    t["num"] = t[share] * t[base]
    t["num_moe"] = moe_math.moe_product(t[share].to_numpy(float), t[base].to_numpy(float),
                                        t[f"{share}_moe"].to_numpy(float), t[f"{base}_moe"].to_numpy(float))
    # a tract with no households has no share; it adds nothing to either count
    empty = t[base].fillna(0) == 0
    t.loc[empty, ["num", "num_moe"]] = 0.0
    values = pd.concat([
        pd.DataFrame({"tract_id": t["area_id"], "measure": "num", "estimate": t["num"], "moe": t["num_moe"]}),
        pd.DataFrame({"tract_id": t["area_id"], "measure": "den", "estimate": t[base], "moe": t[f"{base}_moe"]}),
    ])
    moved = apportion_counts(values, weights, source_id="tract_id", target_id=target)
    wide = moved.pivot(index=target, columns="measure", values=["estimate", "moe"])
    out = pd.DataFrame({"area_id": wide.index,
                        "numerator": wide[("estimate", "num")].to_numpy(float),
                        "numerator_moe": wide[("moe", "num")].to_numpy(float),
                        "denominator": wide[("estimate", "den")].to_numpy(float),
                        "denominator_moe": wide[("moe", "den")].to_numpy(float)})
    out["estimate"], out["moe"] = share_from_counts(out["numerator"], out["denominator"], out["numerator_moe"],
                                                    out["denominator_moe"])
    return out


def rate(numerator: pd.Series, denominator: pd.Series, per: float) -> np.ndarray:
    den = denominator.astype(float)
    return np.where(den > 0, numerator.astype(float) / den.where(den > 0) * per, np.nan)
