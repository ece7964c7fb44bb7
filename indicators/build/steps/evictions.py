"""Eviction filings: Eviction Lab's tracking system (county by month, ZIP codes over 12 months) or its national
tract history (filings and judgments by tract and year)."""

from __future__ import annotations

import pandas as pd

from indicators.build.context import BuildContext
from indicators.build.steps.common import gap
from indicators.sources import provenance


def evictions(ctx: BuildContext) -> list[dict]:
    """Eviction filings (Eviction Lab)"""
    model = ctx.city.model.evictions
    if model.source == "eviction_lab_tracts":
        return _tract_history(ctx)
    return _tracking_system(ctx)


def _tracking_system(ctx: BuildContext) -> list[dict]:
    from indicators.sources import evictionlab

    model = ctx.city.model.evictions
    if ctx.offline:
        files = [ctx.path("evictions.monthly_file"), ctx.path("evictions.zip_file")]
        monthly = evictionlab.read_ets_monthly(files[0])
        by_zip = evictionlab.read_ets_zip(files[1])
        by_group = None
        if model.group_file:
            files.append(ctx.path("evictions.group_file"))
            by_group = evictionlab.read_ets_group(files[-1])
    else:
        monthly = evictionlab.fetch_ets_monthly(model.site)
        by_zip = evictionlab.fetch_ets_zip(model.site)
        by_group = evictionlab.fetch_ets_group(model.site)
        files = []
    county = ctx.city.county_geoids[0]
    ctx.add("evictions_monthly", pd.DataFrame({
        "area_id": county, "month": monthly["month"].dt.strftime("%Y-%m"),
        "filings": monthly["filings"].astype(float), "baseline": monthly["baseline_filings"].astype(float),
        "source_id": "eviction_lab_ets"}))
    start = pd.Timestamp(model.zip_window_start or by_zip["window_start"].iloc[0])
    end = pd.Timestamp(model.zip_window_end or (start + pd.DateOffset(months=12) - pd.Timedelta(days=1)))
    note = by_zip["note"] if "note" in by_zip else None
    ctx.add("evictions_zip", pd.DataFrame({
        "zip": by_zip["zip"].astype(str), "window_start": start.strftime("%Y-%m-%d"),
        "window_end": end.strftime("%Y-%m-%d"), "filings": by_zip["filings"].astype(float),
        "filing_rate": by_zip["filing_rate"].astype(float), "vs_baseline": by_zip["ratio_to_baseline"].astype(float),
        "source_id": "eviction_lab_ets",
        "note": note.where(note.notna(), None) if note is not None else None}))
    if by_group is not None:
        ctx.add("evictions_by_group", pd.DataFrame({
            "group": by_group["group"], "filings": by_group["filings"].astype(float),
            "baseline": by_group["baseline_filings"].astype(float),
            "baseline_share": by_group["baseline_share"].astype(float), "source_id": "eviction_lab_ets"}))
    ctx.record_source(
        "eviction_lab_ets", defaults=provenance.EVICTION_LAB_ETS, fill={"site": ctx.city.name},
        vintage=f"monthly {monthly['month'].min():%Y-%m} to {monthly['month'].max():%Y-%m}; ZIP codes "
                f"{start:%Y-%m} to {end:%Y-%m}", inputs=files, rows=len(by_zip))
    return [gap("evictions", "eviction filings by tract (Eviction Lab 2000–2018 history)",
                "not configured for this city: the tracking system publishes ZIP codes only")]


def _tract_history(ctx: BuildContext) -> list[dict]:
    from indicators.sources import evictionlab

    if not ctx.offline:
        return [gap("evictions", "eviction filings by tract", "the national tract file is read from --from-dir")]
    file = ctx.path("evictions.tract_file")
    history = evictionlab.read_tract_history(file)
    history = history[history["GEOID"].str[:5].isin(ctx.city.county_geoids)]
    counted = history[history["filings"].notna() | history["judgments"].notna()]
    ctx.add("evictions_tracts", pd.DataFrame({
        "tract_id": counted["GEOID"].astype(str), "tract_vintage": 2010, "year": counted["year"].astype(int),
        "filings": counted["filings"].astype(float), "judgments": counted["judgments"].astype(float),
        "renter_households": counted["renter_households"].astype(float),
        "low_flag": counted["low_flag"].astype(bool), "imputed": counted["imputed"].astype(bool),
        "subbed": counted["subbed"].astype(bool), "source_id": "eviction_lab_tracts"}))
    years = sorted(int(y) for y in counted["year"].unique())
    caveats = []
    flagged = counted[counted["low_flag"] | counted["imputed"] | counted["subbed"]]
    if len(flagged):
        caveats.append(f"{len(flagged)} tract-years are flagged by Eviction Lab (low counts, imputed or substituted "
                       f"values) and are kept with their flags.")
    ctx.record_source("eviction_lab_tracts", defaults=provenance.EVICTION_LAB_TRACTS,
                      vintage="years with counts: " + ", ".join(str(y) for y in years), inputs=[file],
                      rows=len(counted), caveats=caveats)
    return [gap("evictions", "eviction filings after " + str(years[-1]) if years else "eviction filings",
                "not in the Eviction Lab file at hand")]
