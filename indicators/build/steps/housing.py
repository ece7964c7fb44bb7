"""Housing costs: HUD Fair Market Rents (county or metro area, by fiscal year) and Small Area FMRs (ZIP codes),
from HUD's own files or its national workbooks, and tract rent measures a city's publishers compile."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.build.context import BuildContext
from indicators.build.steps.common import gap, measures
from indicators.snapshot.read import SnapshotError
from indicators.sources import csvfile, provenance


def housing(ctx: BuildContext) -> list[dict]:
    """Housing costs: HUD Fair Market Rents and tract rents against them"""
    from indicators.sources import hud

    model = ctx.city.model.housing
    if not ctx.offline:
        return [gap("housing", "HUD Fair Market Rents", "live HUD builds need HUD_API_TOKEN; build with --from-dir")]
    county = ctx.city.county_geoids[0]
    frames, inputs, fmr_years = [], [], []
    if model.fmr_history_file:
        file = ctx.path("housing.fmr_history_file")
        fmr = hud.read_fmr_history(file)
        inputs.append(file)
        frames.append(_fmr_long(fmr, "county", county, "fiscal_year"))
        fmr_years += fmr["fiscal_year"].astype(int).tolist()
    if model.fmr_workbook:
        file = ctx.path("housing.fmr_workbook")
        fmr = hud.read_fmr_workbook(file, fips=model.fmr_fips, metro_code=None if model.fmr_fips else model.metro_code)
        inputs.append(file)
        frames.append(_fmr_long(fmr, "county", county, "fiscal_year"))
        fmr_years += fmr["fiscal_year"].astype(int).tolist()
    safmr = None
    if model.safmr_file:
        file = ctx.path("housing.safmr_file")
        safmr = hud.read_safmr(file)
        inputs.append(file)
    elif model.safmr_workbook:
        file = ctx.path("housing.safmr_workbook")
        safmr = hud.read_safmr_workbook(file, metro_code=model.metro_code, fiscal_year=model.safmr_year)
        inputs.append(file)
    if safmr is not None:
        if model.safmr_zip_prefixes:
            safmr = safmr[safmr["zip"].astype(str).str.startswith(tuple(model.safmr_zip_prefixes))]
        safmr = safmr.assign(fiscal_year=int(model.safmr_year))
        frames.append(_fmr_long(safmr, "zip", safmr["zip"], "fiscal_year"))
    missing = []
    if frames:
        vintage = "; ".join(part for part in (
            f"FMR FY{min(fmr_years)}–FY{max(fmr_years)}" if len(set(fmr_years)) > 1 else
            (f"FMR FY{fmr_years[0]}" if fmr_years else ""),
            f"SAFMR FY{model.safmr_year}" if safmr is not None else "") if part)
        ctx.add("fair_market_rents", pd.concat(frames, ignore_index=True))
        ctx.record_source("hud_fmr", defaults=provenance.HUD_FMR, vintage=vintage, inputs=inputs,
                          rows=len(fmr_years) or len(safmr))
    else:
        missing.append(gap("housing", "HUD Fair Market Rents", "no FMR file configured"))
    if model.place_measures_file:
        _place_measures(ctx)
    else:
        missing.append(gap("housing", "two-bedroom rents against Small Area FMRs, HUD CHAS by tract",
                           "not in the data at hand"))
    return missing


def _place_measures(ctx: BuildContext) -> None:
    model = ctx.city.model.housing
    file = ctx.path("housing.place_measures_file")
    place = csvfile.read_csv(file, error=SnapshotError, dtype={"GEOID": str})
    csvfile.require_columns(place, ["GEOID", "census_2br", "census_2br_moe", "safmr_2br", "le30_hh", "le30_moe",
                                    "b30_50_hh", "b30_50_moe", "le30_burden30", "le30_burden30_moe",
                                    "b30_50_burden30", "b30_50_burden30_moe"], file.name, SnapshotError)
    excluded = tuple(model.exclude_column_prefixes)
    place = place[[c for c in place.columns if not c.startswith(excluded)]]
    long = pd.concat([
        pd.DataFrame({"area_id": place["GEOID"], "measure": "census_2br_rent", "estimate": place["census_2br"],
                      "moe": place["census_2br_moe"], "note": None}),
        pd.DataFrame({"area_id": place["GEOID"], "measure": "safmr_2br", "estimate": place["safmr_2br"],
                      "moe": np.nan, "note": "HUD FY2026 Small Area FMR of the tract's largest-overlap ZIP"}),
        pd.DataFrame({"area_id": place["GEOID"], "measure": "chas_renters_le50_hamfi",
                      "estimate": place["le30_hh"] + place["b30_50_hh"],
                      "moe": np.sqrt(place["le30_moe"] ** 2 + place["b30_50_moe"] ** 2), "note": None}),
        pd.DataFrame({"area_id": place["GEOID"], "measure": "chas_renters_le50_hamfi_burden30",
                      "estimate": place["le30_burden30"] + place["b30_50_burden30"],
                      "moe": np.sqrt(place["le30_burden30_moe"] ** 2 + place["b30_50_burden30_moe"] ** 2),
                      "note": None}),
    ], ignore_index=True)
    ctx.add("measures", measures(long, geo_level="tract", period="2020–2024", year=2024,
                                 source_id="tract_housing_measures", tract_vintage=2020))
    ctx.record_source("tract_housing_measures", vintage="ACS 2020–2024; CHAS 2018–2022; SAFMR FY2026", inputs=[file],
                      rows=len(place))


def _fmr_long(frame: pd.DataFrame, geo_level: str, area_id, year_col: str) -> pd.DataFrame:
    parts = []
    for br in range(5):
        col = f"fmr_{br}"
        parts.append(pd.DataFrame({"geo_level": geo_level, "area_id": area_id, "fiscal_year": frame[year_col].astype(int),
                                   "bedrooms": br, "rent": pd.to_numeric(frame[col], errors="coerce").astype(float),
                                   "source_id": "hud_fmr"}))
    return pd.concat(parts, ignore_index=True)
