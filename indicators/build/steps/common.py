"""Helpers shared by the build steps: the long measure layout, numbers from text, official neighborhood names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.build.context import BuildContext
from indicators.core import geography
from indicators.snapshot.read import SnapshotError


def acs_period(end_year: int) -> str:
    return f"{end_year - 4}–{end_year}"


def gap(family: str, what: str, why: str) -> dict:
    """An entry of the manifest's ``missing`` list."""
    return {"family": family, "what": what, "why": why}


def measures(frame: pd.DataFrame, *, geo_level: str, period: str, year: int, source_id: str,
             tract_vintage: int | None = None) -> pd.DataFrame:
    out = pd.DataFrame({
        "geo_level": geo_level,
        "area_id": frame["area_id"].astype(str),
        "tract_vintage": pd.array([tract_vintage] * len(frame), dtype="Int64"),
        "period": period,
        "year": int(year),
        "measure": frame["measure"].astype(str),
        "estimate": pd.to_numeric(frame["estimate"], errors="coerce").astype(float),
        "moe": pd.to_numeric(frame["moe"], errors="coerce").astype(float) if "moe" in frame else np.nan,
        "source_id": source_id,
        "note": frame["note"].astype("object") if "note" in frame else None,
    })
    out["note"] = out["note"].where(out["note"].notna(), None)
    return out


def numbers(values: pd.Series, file: str, column: str) -> pd.Series:
    """A column of numbers; text that is not a number stops the build naming the file, column and value."""
    parsed = pd.to_numeric(values, errors="coerce")
    bad = parsed.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if bad.any():
        raise SnapshotError(f"{file}: column '{column}' holds {int(bad.sum())} values that are not numbers "
                            f"(first: {values[bad].iloc[0]!r})")
    return parsed.astype(float)


def canonical_neighborhoods(ctx: BuildContext, names: pd.Series, source: str) -> pd.DataFrame:
    """Match a source's neighborhood names to the official ones; unknown names stop the build."""
    canonical = ctx.tables["areas_neighborhoods"]["area_id"].tolist()
    matched = geography.match_names(names, canonical, aliases=ctx.city.get("neighborhoods.aliases", {}),
                                    combined=ctx.city.get("neighborhoods.combined", {}))
    unknown = matched[matched["status"] == "unknown"]
    if len(unknown):
        raise SnapshotError(f"{source}: neighborhood names not in the official list nor in "
                            f"[neighborhoods.aliases]: {', '.join(unknown['name'].head(10))}")
    return matched


def gpd_frame(source, columns: dict):
    import geopandas as gpd

    data = {k: (v.to_numpy() if hasattr(v, "to_numpy") else v) for k, v in columns.items()}
    return gpd.GeoDataFrame(data, geometry=source.geometry.to_numpy(), crs=source.crs)
