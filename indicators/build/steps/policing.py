"""Policing: arrests (by neighborhood, tract and race), firearm seizures and stops (by police district),
aggregated during the build — no individual record is kept."""

from __future__ import annotations

import pandas as pd

from indicators.build.context import BuildContext
from indicators.build.steps.common import canonical_neighborhoods, gap
from indicators.snapshot.read import SnapshotError


def _records(ctx: BuildContext, section: str):
    """The published records of ``policing.<section>``: from --from-dir (a portal's CSV dump, a CSV, a gzipped CSV
    or an Excel sheet), else from the portal the config names."""
    from indicators.sources import ckan, socrata
    from indicators.sources import policing as pol

    model = ctx.city.model.policing
    records = getattr(model, section)
    if ctx.offline:
        file = ctx.path(f"policing.{section}.file")
        if file.suffix.lower() in (".xlsx", ".gz") or records.sheet:
            return pol.read_records(file, sheet=records.sheet), [file]
        if model.portal == "ckan":
            return ckan.read_csv(file), [file]
        if model.portal == "socrata":
            return socrata.read_csv(file), [file]
        return pol.read_records(file), [file]
    if not records.resource_id or model.portal == "files":
        raise SnapshotError(f"{ctx.city.id}: 'policing.{section}' has no resource_id for a live build; build with "
                            f"--from-dir or switch [policing] off")
    if model.portal == "socrata":
        return socrata.fetch_soda(model.base_url, records.resource_id), []
    return ckan.fetch_datastore(model.base_url, records.resource_id), []


def _place(ctx: BuildContext, frame: pd.DataFrame, fields: dict) -> pd.DataFrame:
    """Give records placed by coordinates their tract, neighborhood (and further levels)."""
    from indicators.sources import policing as pol

    lon, lat = "lon", "lat"
    tracts = ctx.tables["areas_tracts"]
    frame["tract_geoid"] = pol.place_points(frame, lon=lon, lat=lat, areas=tracts, id_field="area_id", name="tracts")
    if "areas_neighborhoods" in ctx.tables:
        frame["neighborhood"] = pol.place_points(frame, lon=lon, lat=lat, areas=ctx.tables["areas_neighborhoods"],
                                                 id_field="area_id", name="neighborhoods")
    return frame


def policing(ctx: BuildContext) -> list[dict]:
    """Policing: arrests, firearm seizures and stops, aggregated (no individual record is kept)"""
    from indicators.sources import policing as pol

    cfg = ctx.city
    model = cfg.model.policing
    missing = []
    if model.arrests is not None:
        missing += _arrests(ctx)
    else:
        missing.append(gap("policing", "arrests", "not configured"))
    if model.firearm_seizures is not None:
        _firearm_seizures(ctx)
    else:
        missing.append(gap("policing", "firearm seizures", "not configured"))
    if model.stops is not None:
        _stops(ctx)
    else:
        missing.append(gap("policing", "police stops", "not in the data at hand"))
    missing.append(gap("policing", "police use of force", "not in the data at hand"))
    del pol
    return missing


def _arrests(ctx: BuildContext) -> list[dict]:
    from indicators.sources import policing as pol

    cfg = ctx.city
    spec = cfg.model.policing.arrests
    race_codes = spec.race_codes
    groups = sorted(set(race_codes.values()) | {"unknown"} | ({"hispanic"} if spec.hispanic_values else set()))
    raw, inputs = _records(ctx, "arrests")
    options = {"hispanic_values": spec.hispanic_values or None, "timezone": spec.timezone}
    arrests = pol.normalise_arrests(raw, spec.fields, race_codes, tract_format=spec.tract_format,
                                    state_fips=cfg.state_fips, county_fips=cfg.county_fips,
                                    **{k: v for k, v in options.items() if v})
    del raw
    by_points = "tract" not in spec.fields
    caveats = ["Individual records, which carry block-level addresses, are aggregated during the build and never "
               "stored.", "Race is recorded by police."]
    if by_points:
        arrests = _place(ctx, arrests, spec.fields)
        caveats.append("Records are placed in tracts and neighborhoods by their block coordinates (rounded to about "
                       "100 m): records near a boundary may fall in the neighbouring area.")
    elif "areas_neighborhoods" in ctx.tables:
        names = canonical_neighborhoods(ctx, arrests["neighborhood"], "arrest records")
        arrests["neighborhood"] = arrests["neighborhood"].map(
            names[names["status"].isin(["matched", "alias"])].set_index("name")["canonical"])
    start = spec.records_from
    tables = []
    if "areas_neighborhoods" in ctx.tables and "neighborhood" in arrests:
        by_hood = pol.aggregate_arrests(arrests, by=("neighborhood",), groups=groups, start=start)
        ctx.add("arrests", _arrest_long(by_hood, "neighborhood", "neighborhood", groups, None))
        tables.append(by_hood)
        if by_points:
            # the calendar-year counts by neighborhood that rates per resident use
            years = arrests.dropna(subset=["neighborhood"]).groupby(["neighborhood", "year"]).size()
            ctx.add("arrests_by_year", pd.DataFrame({
                "area_id": years.index.get_level_values(0).astype(str), "year": years.index.get_level_values(1).astype(int),
                "count": years.to_numpy().astype(int), "source_id": "arrest_records"}))
    by_tract = pol.aggregate_arrests(arrests, by=("tract_geoid",), groups=groups, start=start)
    ctx.add("arrests", _arrest_long(by_tract, "tract", "tract_geoid", groups, spec.tract_vintage))
    tables.append(by_tract)
    first = tables[0]
    caveats += list(arrests.attrs.get("notes", []))
    if start:
        caveats.append(f"{int(first.attrs.get('outside_period', 0))} records dated before {start} are left out.")
    ctx.record_source(
        spec.source or "arrest_records",
        vintage=f"arrests {pd.Timestamp(first['period_start'].iloc[0]):%Y-%m-%d} to "
                f"{pd.Timestamp(first['period_end'].iloc[0]):%Y-%m-%d}",
        inputs=inputs, rows=int(len(arrests)), caveats=caveats)
    del arrests
    if spec.neighborhood_year_file and ctx.offline:
        file = ctx.path("policing.arrests.neighborhood_year_file")
        yearly = pol.read_arrests_by_neighborhood_year(file)
        names = canonical_neighborhoods(ctx, yearly["neighborhood"], "arrests by year")
        yearly["area_id"] = yearly["neighborhood"].map(names[names["status"].isin(["matched", "alias"])].set_index("name")["canonical"])
        yearly = yearly.dropna(subset=["area_id"]).groupby(["area_id", "year"], as_index=False)["arrests"].sum()
        ctx.add("arrests_by_year", pd.DataFrame({"area_id": yearly["area_id"], "year": yearly["year"].astype(int),
                                                 "count": yearly["arrests"].astype(int), "source_id": "arrests_by_year"}))
        ctx.record_source("arrests_by_year", vintage=f"{yearly['year'].min()}–{yearly['year'].max()}", inputs=[file],
                          rows=len(yearly),
                          caveats=list(pol.read_arrests_by_neighborhood_year(file).attrs.get("notes", [])))
    return []


def _firearm_seizures(ctx: BuildContext) -> None:
    from indicators.sources import policing as pol

    cfg = ctx.city
    spec = cfg.model.policing.firearm_seizures
    raw, inputs = _records(ctx, "firearm_seizures")
    seizures = pol.normalise_firearm_seizures(raw, spec.fields, tract_format=spec.tract_format,
                                              state_fips=cfg.state_fips, county_fips=cfg.county_fips)
    names = canonical_neighborhoods(ctx, seizures["neighborhood"], "firearm seizures")
    seizures["neighborhood"] = seizures["neighborhood"].map(
        names[names["status"].isin(["matched", "alias"])].set_index("name")["canonical"])
    seizures["year"] = seizures["date"].dt.year
    for level, key, vintage in (("neighborhood", "neighborhood", None), ("tract", "tract_geoid", spec.tract_vintage)):
        agg = pol.aggregate_firearm_seizures(seizures, by=(key, "year"))
        ctx.add("firearm_seizures", pd.DataFrame({
            "geo_level": level, "area_id": agg[key].astype(str),
            "tract_vintage": pd.array([vintage] * len(agg), dtype="Int64"), "year": agg["year"].astype(int),
            "count": agg["firearms"].astype(int), "source_id": "firearm_seizures"}))
    ctx.record_source(spec.source or "firearm_seizures",
                      vintage=f"{int(seizures['year'].min())}–{int(seizures['year'].max())} (last year partial)",
                      inputs=inputs, rows=int(len(seizures)), caveats=list(seizures.attrs.get("notes", [])))


def _stops(ctx: BuildContext) -> None:
    from indicators.sources import policing as pol

    model = ctx.city.model.policing
    spec = model.stops
    raw, inputs = _records(ctx, "stops")
    stops = pol.aggregate_stops(raw, spec.fields, spec.race_codes, hispanic_values=spec.hispanic_values or None,
                                timezone=spec.timezone)
    del raw
    ctx.add("stops", pd.DataFrame({
        "geo_level": "district", "area_id": stops["district"].astype(str), "group": stops["group"].astype(str),
        "period_start": pd.to_datetime(stops["period_start"]).dt.strftime("%Y-%m-%d"),
        "period_end": pd.to_datetime(stops["period_end"]).dt.strftime("%Y-%m-%d"),
        "stops": stops["stops"].astype(int), "searches": stops["searches"].astype(int),
        "arrests": stops["arrests"].astype(int), "source_id": spec.source or "stops"}))
    if model.service_areas_file and model.district_field and ctx.offline:
        import geopandas as gpd

        file = ctx.path("policing.service_areas_file")
        districts = pol.districts_from_service_areas(gpd.read_file(file), district_field=model.district_field,
                                                     district_format=model.district_format)
        ctx.add("areas_extra", gpd.GeoDataFrame({"level": "district", "area_id": districts["area_id"].astype(str),
                                                 "name": districts["name"].astype(str)},
                                                geometry=districts.geometry.to_numpy(), crs=districts.crs))
        ctx.levels.append({"id": "district", "label": "Police districts"})
        inputs.append(file)
    ctx.record_source(spec.source or "stops", vintage=f"stops {stops['period_start'].min():%Y-%m-%d} to "
                                                      f"{stops['period_end'].max():%Y-%m-%d}",
                      inputs=inputs, rows=int(stops["stops"].sum()),
                      caveats=["Published with the district of the stop, not its place: shown by police district only."])


def _arrest_long(table: pd.DataFrame, geo_level: str, key: str, groups: list[str], vintage) -> pd.DataFrame:
    long = table.melt(id_vars=[key, "period_start", "period_end"], value_vars=[*groups, "total"],
                      var_name="group", value_name="count")
    return pd.DataFrame({"geo_level": geo_level, "area_id": long[key].astype(str),
                         "tract_vintage": pd.array([vintage] * len(long), dtype="Int64"),
                         "period_start": pd.to_datetime(long["period_start"]).dt.strftime("%Y-%m-%d"),
                         "period_end": pd.to_datetime(long["period_end"]).dt.strftime("%Y-%m-%d"),
                         "group": long["group"], "count": long["count"].astype(int), "source_id": "arrest_records"})
