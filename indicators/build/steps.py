"""The steps of a snapshot build, one per family of sources, in order.

Each step reads its sources (publisher files with ``--from-dir``, the live services otherwise), turns them
into snapshot tables with ``ctx.add``, records each source in the manifest with ``ctx.record_source``, and
returns what the snapshot lacks (``{"what": ..., "why": ...}``) so the app can say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.core import geography
from indicators.build.context import SIMPLIFY_TOLERANCE, BuildContext
from indicators.snapshot.read import SnapshotError
from indicators.sources import csvfile

CENSUS = "U.S. Census Bureau"
PUBLIC_DOMAIN = "Public domain (U.S. federal government work)"


def _acs_period(end_year: int) -> str:
    return f"{end_year - 4}–{end_year}"


def _measures(frame: pd.DataFrame, *, geo_level: str, period: str, year: int, source_id: str,
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


def _numbers(values: pd.Series, file: str, column: str) -> pd.Series:
    """A column of numbers; text that is not a number stops the build naming the file, column and value."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if bad.any():
        raise SnapshotError(f"{file}: column '{column}' holds {int(bad.sum())} values that are not numbers "
                            f"(first: {values[bad].iloc[0]!r})")
    return numbers.astype(float)


def _canonical_neighborhoods(ctx: BuildContext, names: pd.Series, source: str) -> pd.DataFrame:
    """Match a source's neighborhood names to the official ones; unknown names stop the build."""
    canonical = ctx.tables["areas_neighborhoods"]["area_id"].tolist()
    matched = geography.match_names(names, canonical, aliases=ctx.city.get("neighborhoods.aliases", {}),
                                    combined=ctx.city.get("neighborhoods.combined", {}))
    unknown = matched[matched["status"] == "unknown"]
    if len(unknown):
        raise SnapshotError(f"{source}: neighborhood names not in the official list nor in "
                            f"[neighborhoods.aliases]: {', '.join(unknown['name'].head(10))}")
    return matched


# ------------------------------------------------------------------------------------------- boundaries
def boundaries(ctx: BuildContext) -> list[dict]:
    """Boundaries: tracts, neighborhoods, ZIP codes, and the weights between them"""
    from indicators.sources import boundaries as bnd
    from indicators.sources import tiger

    cfg = ctx.city
    vintage = int(cfg["tracts.vintage"])
    if ctx.offline:
        tract_file = ctx.path("tracts.file")
        tracts = tiger.read_shapes_file(tract_file, geoid_field=cfg["tracts.geoid_field"])
        hood_src = ctx.path("neighborhoods.file")
        inputs = [tract_file]
    else:
        tracts = pd.concat([tiger.fetch_shapes("tract", year=int(cfg["tracts.tiger_year"]), state=cfg.state_fips,
                                               county=c, cartographic=bool(cfg.get("tracts.cartographic", True)))
                            for c in cfg.county_fips])
        hood_src = cfg["neighborhoods.url"]
        inputs = []
    tracts = tracts[tracts["GEOID"].str[:5].isin(cfg.county_geoids)].copy()
    hoods = bnd.read_boundaries(hood_src, name_field=cfg["neighborhoods.name_field"],
                                id_field=cfg.get("neighborhoods.id_field"))
    ctx.record_source(
        "tract_boundaries", title=f"Census tracts ({vintage} tract lines)", publisher=CENSUS,
        vintage=f"cartographic boundary file {cfg.get('tracts.tiger_year')}", licence=PUBLIC_DOMAIN,
        attribution=f"{CENSUS}, cartographic boundary files (via {cfg.get('city.county_name')} GIS)",
        url="https://www.census.gov/geographies/mapping-files/time-series/geo/cartographic-boundary.html",
        inputs=inputs, rows=len(tracts))
    ctx.record_source(
        "neighborhood_boundaries", title=f"{cfg.name} neighborhoods", publisher=cfg.get("neighborhoods.publisher", cfg.name),
        vintage="current official boundaries", licence=cfg.get("neighborhoods.licence", "see publisher"),
        attribution=cfg.get("neighborhoods.publisher", cfg.name), url=cfg.get("neighborhoods.url"),
        inputs=[hood_src] if ctx.offline else None, rows=len(hoods))

    land = (tracts["ALAND"].astype(float) / (tracts["ALAND"].astype(float) + tracts["AWATER"].astype(float)))
    land.index = tracts["GEOID"]
    weights10 = geography.overlay_weights(tracts, "GEOID", hoods.rename(columns={"name": "neighborhood"}),
                                          "neighborhood", land_share=land)
    in_city = weights10.groupby("GEOID")["weight"].sum()

    tract_areas = gpd_frame(tracts, {
        "area_id": tracts["GEOID"], "name": tracts.get("NAME", tracts["GEOID"]).astype(str),
        "tract_vintage": vintage, "aland": tracts["ALAND"].astype(float), "awater": tracts["AWATER"].astype(float),
        "in_city": tracts["GEOID"].map(in_city).fillna(0.0).astype(float)})
    hood_areas = gpd_frame(hoods, {
        "area_id": hoods["name"], "name": hoods["name"],
        "number": hoods["area_id"].astype(str) if "area_id" in hoods else None,
        "land_sqmi": hoods.to_crs(geography.EQUAL_AREA_CRS).geometry.area / 2_589_988.11})
    ctx.add("areas_tracts", geography.simplify_coverage(tract_areas, SIMPLIFY_TOLERANCE["areas_tracts"]))
    ctx.add("areas_neighborhoods", geography.simplify_coverage(hood_areas, SIMPLIFY_TOLERANCE["areas_neighborhoods"]))

    weights = [pd.DataFrame({"tract_id": weights10["GEOID"], "tract_vintage": vintage,
                             "neighborhood": weights10["neighborhood"], "weight": weights10["weight"]})]
    missing = []
    if ctx.offline and cfg.get("tracts.crosswalk_2010_2020_file") and vintage == 2010:
        cw_file = ctx.path("tracts.crosswalk_2010_2020_file")
        cw = csvfile.read_csv(cw_file, error=SnapshotError, dtype=str)
        csvfile.require_columns(cw, ["census_tract_id_2010", "census_tract_id_2020", "weight"], cw_file.name,
                                SnapshotError)
        cw = cw.rename(columns={"census_tract_id_2010": "tract_2010", "census_tract_id_2020": "tract_2020"})
        cw["weight"] = _numbers(cw["weight"], cw_file.name, "weight")
        inverse = geography.invert_tract_crosswalk(cw, tracts.set_index("GEOID")["ALAND"].astype(float))
        both = cw.merge(inverse.rename(columns={"weight": "weight_2020_to_2010"}), on=["tract_2010", "tract_2020"],
                        how="left").rename(columns={"weight": "weight_2010_to_2020"})
        ctx.add("crosswalk_tracts_2010_2020", both[["tract_2010", "tract_2020", "weight_2010_to_2020",
                                                     "weight_2020_to_2010"]])
        w20 = geography.compose_weights(inverse, "tract_2020", "tract_2010",
                                        weights10.rename(columns={"GEOID": "tract_2010"}), "neighborhood")
        # the same rule as for the 2010 tracts: a 2020 tract covered at least WHOLLY_INSIDE_SHARE lies wholly
        # inside; its small pieces in 2010 tracts outside the city come from line work redrawn between censuses
        total = w20.groupby("tract_2020")["weight"].transform("sum")
        inside = total >= geography.WHOLLY_INSIDE_SHARE
        w20.loc[inside, "weight"] = w20.loc[inside, "weight"] / total[inside]
        weights.append(pd.DataFrame({"tract_id": w20["tract_2020"], "tract_vintage": 2020,
                                     "neighborhood": w20["neighborhood"], "weight": w20["weight"].clip(upper=1.0)}))
        ctx.record_source(
            "tract_relationship_2010_2020", title="2010 to 2020 census tract relationship (land-area shares)",
            publisher="geomarker.io (Cincinnati Children's), from the U.S. Census Bureau tract relationship file",
            vintage="2020 relationship file", licence="Census data: public domain; compilation: not stated",
            attribution="U.S. Census Bureau 2020 tract relationship file, via geomarker.io",
            url="https://www.census.gov/geographies/reference-files/time-series/geo/relationship-files.html",
            inputs=[cw_file], rows=len(cw))
    else:
        missing.append({"what": "2020 tract → neighborhood weights",
                        "why": "no 2010–2020 tract relationship file configured for this build"})
    ctx.add("weights_tract_neighborhood", pd.concat(weights, ignore_index=True))

    if cfg.get("zips.file") and ctx.offline:
        zip_file = ctx.path("zips.file")
        zips = bnd.read_zip_boundaries(zip_file, zip_field=cfg.get("zips.zip_field", "ZIP"))
        zw = geography.overlay_weights(zips.rename(columns={"area_id": "zip"})[["zip", "geometry"]], "zip",
                                       hoods.rename(columns={"name": "neighborhood"}), "neighborhood",
                                       wholly_inside_share=2.0)  # never rescale: a ZIP's outside share is real
        ctx.add("weights_zip_neighborhood", zw[["zip", "neighborhood", "weight"]])
        zip_areas = gpd_frame(zips, {"area_id": zips["area_id"].astype(str),
                                     "name": zips["name"].astype(str) if "name" in zips else None})
        zip_areas = zip_areas.drop_duplicates("area_id")
        ctx.add("areas_zips", geography.simplify_coverage(zip_areas, SIMPLIFY_TOLERANCE["areas_zips"]))
        ctx.record_source(
            "zip_boundaries", title=f"{cfg.get('city.county_name')} ZIP code boundaries",
            publisher=f"{cfg.get('city.county_name')} GIS (via WPRDC)", vintage="as published",
            licence="CC BY 4.0 (WPRDC)", attribution=f"{cfg.get('city.county_name')} GIS, via WPRDC",
            inputs=[zip_file], rows=len(zips))
    else:
        missing.append({"what": "ZIP code boundaries", "why": "not configured; eviction filings stay at ZIP level"})
    return missing


def gpd_frame(source, columns: dict):
    import geopandas as gpd

    data = {k: (v.to_numpy() if hasattr(v, "to_numpy") else v) for k, v in columns.items()}
    return gpd.GeoDataFrame(data, geometry=source.geometry.to_numpy(), crs=source.crs)


# ------------------------------------------------------------------------------------------- ACS
def acs(ctx: BuildContext) -> list[dict]:
    """ACS 5-year: tract measures with margins of error, city and county series, race by tract"""
    from indicators.sources import acs_tables, census
    from indicators.sources import tract_tables

    cfg = ctx.city
    year = int(cfg["acs.year"])
    vintage = int(cfg["acs.tract_vintage"])
    missing = []
    if ctx.offline:
        tract_file = ctx.path("acs.tract_file")
        long = acs_tables.read_measure_table(tract_file)
        # the publisher's own city flag: tracts with at least half their land in the city
        share_field = cfg.get("acs.city_share_field")
        if share_field:
            flags = csvfile.read_csv(tract_file, error=SnapshotError, usecols=["GEOID", share_field],
                                     dtype={"GEOID": str})
            flag_long = pd.DataFrame({"area_id": flags["GEOID"], "measure": "city_tract_flag",
                                      "estimate": flags[share_field].astype(float), "moe": np.nan,
                                      "note": "1 = at least half of the tract's land lies in the city (publisher's flag)"})
            long = pd.concat([long, flag_long], ignore_index=True)
        ctx.add("measures", _measures(long, geo_level="tract", period=_acs_period(year), year=year,
                                      source_id="acs5_tracts", tract_vintage=vintage))
        ctx.record_source(
            "acs5_tracts", title=f"American Community Survey 5-year estimates {_acs_period(year)}, tracts",
            publisher=CENSUS, vintage=f"ACS 5-year {_acs_period(year)}", licence=PUBLIC_DOMAIN,
            attribution=f"{CENSUS}, American Community Survey {_acs_period(year)} 5-year estimates "
                        "(Census Data API), measures compiled by VisionPitts (MIT licence)",
            url="https://www.census.gov/data/developers/data-sets/acs-5year.html", inputs=[tract_file],
            rows=int(long["area_id"].nunique()),
            caveats=["Shares are derived measures with 90% margins of error computed with the ACS formulas.",
                     "Rent burden shares use all renter households (B25070_001) as the denominator, including "
                     "those for whom rent burden is not computed, so they read slightly lower than the Census "
                     "definition (which excludes B25070_011).",
                     "Median gross rent is top-coded at 3,501 dollars with no margin of error."])
        for level, key, source_id in (("city", "acs.city_series_file", "acs5_city_series"),
                                      ("county", "acs.county_series_file", "acs5_county_series")):
            if not cfg.get(key):
                continue
            series_file = ctx.path(key)
            series = acs_tables.read_measure_table(series_file, keep=("year",))
            for end_year, part in series.groupby("year"):
                ctx.add("measures", _measures(part, geo_level=level, period=_acs_period(int(end_year)),
                                              year=int(end_year), source_id=source_id))
            ctx.record_source(
                source_id, title=f"American Community Survey 5-year estimates, {level} series",
                publisher=CENSUS, vintage=f"ACS 5-year {_acs_period(int(series['year'].min()))} to {_acs_period(int(series['year'].max()))}",
                licence=PUBLIC_DOMAIN, attribution=f"{CENSUS}, American Community Survey 5-year estimates, "
                                                   "compiled by VisionPitts (MIT licence)",
                url="https://www.census.gov/data/developers/data-sets/acs-5year.html", inputs=[series_file],
                rows=int(series["year"].nunique()),
                caveats=["Consecutive 5-year periods overlap: compare periods that share no year."])
        # raw Census API answers for an older release on 2010 tracts
        api_files = [ctx.from_dir / f for f in cfg.get("acs.api_files", [])]
        if api_files:
            api_year = int(cfg["acs.api_files_year"])
            frames = [census.read_api_file(f) for f in api_files]
            tidy = pd.concat(frames, ignore_index=True)
            tidy["measure"] = tidy["variable"].map({"S0101_C01_001": "pop", "B19013_001": "med_hh_income"}).fillna(tidy["variable"])
            tidy["note"] = tidy["estimate_note"]
            tidy = tidy.rename(columns={"GEOID": "area_id"})
            ctx.add("measures", _measures(tidy, geo_level="tract", period=_acs_period(api_year), year=api_year,
                                          source_id="acs5_api_2010_tracts", tract_vintage=2010))
            ctx.record_source(
                "acs5_api_2010_tracts", title=f"ACS 5-year {_acs_period(api_year)} (Census Data API answers), 2010 tracts",
                publisher=CENSUS, vintage=f"ACS 5-year {_acs_period(api_year)} (year inferred: the saved answers do not state it)",
                licence=PUBLIC_DOMAIN, attribution=f"{CENSUS}, Census Data API", url="https://api.census.gov/data.html",
                inputs=api_files, rows=int(tidy["area_id"].nunique()),
                caveats=["Estimates only: these saved answers carry no margins of error."])
        race_file = ctx.path("acs.race_file") if cfg.get("acs.race_file") else None
        if race_file:
            race_year = int(cfg["acs.race_file_year"])
            race = tract_tables.read_race_counts(race_file)
            ctx.add("population_by_race", pd.DataFrame({
                "geo_level": "tract", "area_id": race["area_id"], "tract_vintage": pd.array([2010] * len(race), dtype="Int64"),
                "year": race_year, "group": race["group"], "count": race["count"].astype(float),
                "source_id": "acs5_race_2010_tracts", "note": None}))
            ctx.record_source(
                "acs5_race_2010_tracts", title=f"Residents by race, ACS 5-year {_acs_period(race_year)} (B03002), 2010 tracts",
                publisher="Urban Displacement Project / Eviction Research Network, from the U.S. Census Bureau ACS",
                vintage=f"ACS 5-year {_acs_period(race_year)}", licence="MIT (compilation); Census data public domain",
                attribution="Tim Thomas, Urban Displacement Project, neighborhood racial typologies; U.S. Census Bureau ACS B03002",
                url="https://github.com/evictionresearch/neighborhood", inputs=[race_file], rows=int(race["area_id"].nunique()),
                caveats=["Estimates only, no margins of error."])
        missing += [
            {"what": "same house one year ago (B07003) by tract", "why": "not in the publisher files at hand; a live build fetches it"},
            {"what": "year householder moved in (B25038) by tract", "why": "not in the publisher files at hand; a live build fetches it"},
            {"what": "income and rent distributions (B19001, B25063) by tract",
             "why": "not in the publisher files at hand, so neighborhood medians cannot be re-estimated"},
        ]
    else:
        from indicators.sources import acs_measures

        for county in cfg.county_fips:
            tidy = acs_measures.fetch_tract_measures(year=year, state=cfg.state_fips, county=county)
            ctx.add("measures", _measures(tidy, geo_level="tract", period=_acs_period(year), year=year,
                                          source_id="acs5_tracts", tract_vintage=vintage))
        ctx.record_source("acs5_tracts", title=f"American Community Survey 5-year estimates {_acs_period(year)}, tracts",
                          publisher=CENSUS, vintage=f"ACS 5-year {_acs_period(year)}", licence=PUBLIC_DOMAIN,
                          attribution=f"{CENSUS}, American Community Survey 5-year estimates (Census Data API)",
                          url="https://api.census.gov/data.html")
    return missing


def deprivation(ctx: BuildContext) -> list[dict]:
    """Community material deprivation index, per ACS release"""
    from indicators.sources import tract_tables

    if not ctx.offline:
        return [{"what": "deprivation index", "why": "published as files only; build with --from-dir"}]
    inputs = []
    for release in ctx.city.get("deprivation.files", []):
        file = ctx.from_dir / release["file"]
        if not file.exists():
            raise SnapshotError(f"deprivation index file not found: {release['file']}")
        long = tract_tables.read_deprivation_index(file)
        long["moe"] = np.nan
        long["note"] = None
        year = int(release["year"])
        ctx.add("measures", _measures(long, geo_level="tract", period=_acs_period(year), year=year,
                                      source_id="deprivation_index", tract_vintage=int(release["tract_vintage"])))
        inputs.append(file)
    if inputs:
        years = sorted(int(r["year"]) for r in ctx.city.get("deprivation.files", []))
        ctx.record_source(
            "deprivation_index", title="Community Material Deprivation Index",
            publisher="Brokamp et al., Cincinnati Children's Hospital (geomarker.io)",
            vintage=", ".join(f"ACS {_acs_period(y)}" for y in years), licence="GPL-3.0",
            attribution="Brokamp C, Beck AF, Goyal NK, Ryan P, Greenberg JM, Hall ES. A high resolution spatiotemporal "
                        "model for material deprivation. Annals of Epidemiology (2019)",
            url="https://geomarker.io/dep_index/", inputs=inputs,
            caveats=["A composite (0–1, higher is more deprived) of six ACS fractions; no margins of error.",
                     "Releases before 2020 use 2010 tracts; later ones 2020 tracts."])
    return []


def neighborhood_profiles(ctx: BuildContext) -> list[dict]:
    """Neighborhood profiles: residential stability (about 2010) and population by race 2010 and 2020"""
    from indicators.sources import city_planning

    if not ctx.offline:
        return [{"what": "neighborhood profiles", "why": "published as files only; build with --from-dir"}]
    missing = []
    if ctx.city.get("neighborhoods.profiles.file"):
        file = ctx.path("neighborhoods.profiles.file")
        prof = city_planning.read_snap_profiles(file, name_field=ctx.city.get("neighborhoods.profiles.name_field",
                                                                              "SNAP_All_csv_Neighborhood"))
        names = _canonical_neighborhoods(ctx, prof["area_name"], "neighborhood profiles")
        prof = prof.merge(names.rename(columns={"name": "area_name"}), on="area_name")
        prof = prof[prof["status"].isin(["matched", "alias"])]
        for year, part in prof.groupby("year"):
            long = pd.DataFrame({"area_id": part["canonical"], "measure": part["measure"], "estimate": part["estimate"],
                                 "moe": np.nan, "note": None})
            ctx.add("measures", _measures(long, geo_level="neighborhood", period=str(year), year=int(year),
                                          source_id="neighborhood_profiles"))
        ctx.record_source(
            "neighborhood_profiles", title="Sector/Neighborhood Asset Profiles (SNAP)",
            publisher="City of Pittsburgh, Department of City Planning (via WPRDC)",
            vintage="about 2010 (2010 census; ACS 2005–09/2006–10; 2008 and 2010 records)",
            licence="CC BY 4.0 (WPRDC)", attribution="City of Pittsburgh Department of City Planning, "
                                                    "Sector/Neighborhood Asset Profiles, via WPRDC",
            url="https://data.wprdc.org/dataset/pgh-snap", inputs=[file], rows=int(prof["canonical"].nunique()),
            caveats=["Average years of residence is the City's own estimate; its method is not published with the file.",
                     "Figures are about 2010: no later release of these measures exists in the data at hand."])
    if ctx.city.get("neighborhoods.decennial_race.file"):
        file = ctx.path("neighborhoods.decennial_race.file")
        race = city_planning.read_decennial_race_counts(file)
        names = _canonical_neighborhoods(ctx, race["area_name"], "decennial counts")
        race = race.merge(names.rename(columns={"name": "area_name"}), on="area_name")
        combined = race[race["status"] == "combined"]
        # the whole city counts every row of the file, the neighborhoods published only combined included
        city = race[race["status"] != "outside"].groupby(["year", "group"], as_index=False)["count"].sum(min_count=1)
        race = race[race["status"].isin(["matched", "alias"])]
        ctx.add("population_by_race", pd.DataFrame({
            "geo_level": "neighborhood", "area_id": race["canonical"],
            "tract_vintage": pd.array([pd.NA] * len(race), dtype="Int64"), "year": race["year"].astype(int),
            "group": race["group"], "count": race["count"].astype(float), "source_id": "decennial_race_neighborhoods",
            "note": None}))
        ctx.add("population_by_race", pd.DataFrame({
            "geo_level": "city", "area_id": ctx.city.place_geoid,
            "tract_vintage": pd.array([pd.NA] * len(city), dtype="Int64"), "year": city["year"].astype(int),
            "group": city["group"], "count": city["count"].astype(float), "source_id": "decennial_race_neighborhoods",
            "note": "sum of every neighborhood row, those published only combined included"}))
        for name in combined["area_name"].unique():
            missing.append({"what": f"decennial population by race for {combined.loc[combined.area_name == name, 'canonical'].iloc[0]}",
                            "why": f"published only combined, as '{name}'"})
        ctx.record_source(
            "decennial_race_neighborhoods", title="Population by race by neighborhood, 2010 and 2020 censuses",
            publisher="U.S. Census Bureau (P.L. 94-171), aggregated to neighborhoods by the City of Pittsburgh",
            vintage="2010 and 2020 decennial censuses", licence=PUBLIC_DOMAIN,
            attribution="U.S. Census Bureau redistricting data, City of Pittsburgh neighborhood aggregation",
            inputs=[file], rows=int(race["canonical"].nunique()),
            caveats=["Race groups are single race alone, of any ethnicity; Hispanic or Latino is of any race.",
                     "The 2020 census used a new disclosure-avoidance method; small-area counts carry noise."])
    return missing


# ------------------------------------------------------------------------------------------- evictions
ETS_ATTRIBUTION = ("Peter Hepburn, Renee Louis, and Matthew Desmond. Eviction Tracking System: Version 1.0. "
                   "Princeton: Princeton University, 2020. www.evictionlab.org")


def evictions(ctx: BuildContext) -> list[dict]:
    """Eviction filings: county by month and ZIP codes over 12 months (Eviction Lab)"""
    from indicators.sources import evictionlab

    cfg = ctx.city
    site = cfg.get("evictions.site")
    if ctx.offline:
        files = [ctx.path("evictions.monthly_file"), ctx.path("evictions.zip_file")]
        monthly = evictionlab.read_ets_monthly(files[0])
        by_zip = evictionlab.read_ets_zip(files[1])
        by_group = None
        if cfg.get("evictions.group_file"):
            files.append(ctx.path("evictions.group_file"))
            by_group = evictionlab.read_ets_group(files[-1])
    else:
        monthly = evictionlab.fetch_ets_monthly(site)
        by_zip = evictionlab.fetch_ets_zip(site)
        by_group = evictionlab.fetch_ets_group(site)
        files = []
    county = cfg.county_geoids[0]
    ctx.add("evictions_monthly", pd.DataFrame({
        "area_id": county, "month": monthly["month"].dt.strftime("%Y-%m"),
        "filings": monthly["filings"].astype(float), "baseline": monthly["baseline_filings"].astype(float),
        "source_id": "eviction_lab_ets"}))
    start = pd.Timestamp(cfg.get("evictions.zip_window_start") or by_zip["window_start"].iloc[0])
    end = pd.Timestamp(cfg.get("evictions.zip_window_end") or (start + pd.DateOffset(months=12) - pd.Timedelta(days=1)))
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
        "eviction_lab_ets", title="Eviction Tracking System: Pittsburgh", publisher="Eviction Lab, Princeton University",
        vintage=f"monthly {monthly['month'].min():%Y-%m} to {monthly['month'].max():%Y-%m}; ZIP codes "
                f"{start:%Y-%m} to {end:%Y-%m}",
        licence="Free to use with attribution (Eviction Lab terms)", attribution=ETS_ATTRIBUTION,
        url="https://evictionlab.org/eviction-tracking/pittsburgh-pa/", inputs=files, rows=len(by_zip),
        caveats=["Allegheny County filings collected by Legal Services Corporation with CMU CREATE Lab.",
                 "Published by ZIP code only; the 12-month window is inferred from the published totals."])
    return [{"what": "eviction filings by tract (Eviction Lab 2000–2018 history)",
             "why": "not published for Allegheny County beyond 2006"}]


# ------------------------------------------------------------------------------------------- housing
def housing(ctx: BuildContext) -> list[dict]:
    """Housing costs: HUD Fair Market Rents and tract rents against them"""
    from indicators.sources import hud

    cfg = ctx.city
    if not ctx.offline:
        return [{"what": "HUD Fair Market Rents", "why": "live HUD builds need HUD_API_TOKEN; build with --from-dir"}]
    county = cfg.county_geoids[0]
    frames, inputs = [], []
    if cfg.get("housing.fmr_history_file"):
        file = ctx.path("housing.fmr_history_file")
        fmr = hud.read_fmr_history(file)
        inputs.append(file)
        frames.append(_fmr_long(fmr, "county", county, "fiscal_year"))
    if cfg.get("housing.safmr_file"):
        file = ctx.path("housing.safmr_file")
        safmr = hud.read_safmr(file)
        inputs.append(file)
        safmr = safmr.assign(fiscal_year=int(cfg["housing.safmr_year"]))
        frames.append(_fmr_long(safmr, "zip", safmr["zip"], "fiscal_year"))
    if frames:
        ctx.add("fair_market_rents", pd.concat(frames, ignore_index=True))
        ctx.record_source(
            "hud_fmr", title="Fair Market Rents and Small Area Fair Market Rents", publisher="U.S. Department of "
            "Housing and Urban Development (HUD)", vintage=f"FMR FY{int(fmr['fiscal_year'].min())}–FY{int(fmr['fiscal_year'].max())}; "
            f"SAFMR FY{cfg['housing.safmr_year']}", licence=PUBLIC_DOMAIN,
            attribution="U.S. Department of Housing and Urban Development, Office of Policy Development and Research",
            url="https://www.huduser.gov/portal/datasets/fmr.html", inputs=inputs, rows=len(fmr),
            caveats=["FY2024 is missing from the files at hand."])
    missing = []
    if cfg.get("housing.place_measures_file"):
        file = ctx.path("housing.place_measures_file")
        place = csvfile.read_csv(file, error=SnapshotError, dtype={"GEOID": str})
        csvfile.require_columns(place, ["GEOID", "census_2br", "census_2br_moe", "safmr_2br", "le30_hh", "le30_moe",
                                        "b30_50_hh", "b30_50_moe", "le30_burden30", "le30_burden30_moe",
                                        "b30_50_burden30", "b30_50_burden30_moe"], file.name, SnapshotError)
        excluded = tuple(cfg.get("housing.exclude_column_prefixes", []))
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
        ctx.add("measures", _measures(long, geo_level="tract", period="2020–2024", year=2024,
                                      source_id="tract_housing_measures", tract_vintage=2020))
        ctx.record_source(
            "tract_housing_measures", title="Tract housing measures: two-bedroom rents, Small Area FMRs, CHAS",
            publisher="VisionPitts (MIT licence), from the U.S. Census Bureau ACS B25031 and HUD CHAS 2018–2022 and SAFMR FY2026",
            vintage="ACS 2020–2024; CHAS 2018–2022; SAFMR FY2026", licence="MIT (compilation); public domain sources",
            attribution="U.S. Census Bureau; HUD; compiled by VisionPitts", inputs=[file], rows=len(place),
            caveats=["City tracts only.", "Advertised-rent columns of this file are licensed listings and are left out."])
    return missing


def _fmr_long(frame: pd.DataFrame, geo_level: str, area_id, year_col: str) -> pd.DataFrame:
    parts = []
    for br in range(5):
        col = f"fmr_{br}"
        parts.append(pd.DataFrame({"geo_level": geo_level, "area_id": area_id, "fiscal_year": frame[year_col].astype(int),
                                   "bedrooms": br, "rent": pd.to_numeric(frame[col], errors="coerce").astype(float),
                                   "source_id": "hud_fmr"}))
    return pd.concat(parts, ignore_index=True)


# ------------------------------------------------------------------------------------------- policing
def policing(ctx: BuildContext) -> list[dict]:
    """Policing: arrests and firearm seizures, aggregated (no individual record is kept)"""
    from indicators.sources import ckan, policing as pol

    cfg = ctx.city
    base = cfg["policing.base_url"]
    race_codes = cfg["policing.arrests.race_codes"]
    groups = sorted(set(race_codes.values()) | {"unknown"})
    missing = []

    def records(section: str):
        if ctx.offline:
            file = ctx.path(f"policing.{section}.file")
            return ckan.read_csv(file), [file]
        return ckan.fetch_datastore(base, cfg[f"policing.{section}.resource_id"]), []

    raw, arrest_inputs = records("arrests")
    arrests = pol.normalise_arrests(raw, cfg["policing.arrests.fields"], race_codes,
                                    tract_format=cfg.get("policing.arrests.tract_format", "geoid"),
                                    state_fips=cfg.state_fips, county_fips=cfg.county_fips)
    del raw
    names = _canonical_neighborhoods(ctx, arrests["neighborhood"], "arrest records")
    arrests["neighborhood"] = arrests["neighborhood"].map(
        names[names["status"].isin(["matched", "alias"])].set_index("name")["canonical"])
    start = cfg.get("policing.arrests.records_from")
    by_hood = pol.aggregate_arrests(arrests, by=("neighborhood",), groups=groups, start=start)
    by_tract = pol.aggregate_arrests(arrests, by=("tract_geoid",), groups=groups, start=start)
    tract_vintage = int(cfg.get("policing.arrests.tract_vintage", 2010))
    ctx.add("arrests", _arrest_long(by_hood, "neighborhood", "neighborhood", groups, None))
    ctx.add("arrests", _arrest_long(by_tract, "tract", "tract_geoid", groups, tract_vintage))
    ctx.record_source(
        "arrest_records", title="Pittsburgh Police arrest data (aggregated by neighborhood, tract and race)",
        publisher=cfg.get("policing.publisher"), vintage=f"arrests {pd.Timestamp(by_hood['period_start'].iloc[0]):%Y-%m-%d} to {pd.Timestamp(by_hood['period_end'].iloc[0]):%Y-%m-%d}",
        licence=cfg.get("policing.licence"), attribution=cfg.get("policing.publisher"),
        url=f"{base}/dataset/arrest-data", inputs=arrest_inputs, rows=int(len(arrests)),
        caveats=["Individual records, which carry block-level addresses, are aggregated during the build and never stored.",
                 "Race is recorded by police."] + list(arrests.attrs.get("notes", []))
                + ([f"{int(by_hood.attrs.get('outside_period', 0))} records dated before {start} are left out."]
                   if start else []))
    del arrests

    if cfg.get("policing.arrests.neighborhood_year_file") and ctx.offline:
        file = ctx.path("policing.arrests.neighborhood_year_file")
        yearly = pol.read_arrests_by_neighborhood_year(file)
        names = _canonical_neighborhoods(ctx, yearly["neighborhood"], "arrests by year")
        yearly["area_id"] = yearly["neighborhood"].map(names[names["status"].isin(["matched", "alias"])].set_index("name")["canonical"])
        yearly = yearly.dropna(subset=["area_id"]).groupby(["area_id", "year"], as_index=False)["arrests"].sum()
        ctx.add("arrests_by_year", pd.DataFrame({"area_id": yearly["area_id"], "year": yearly["year"].astype(int),
                                                 "count": yearly["arrests"].astype(int), "source_id": "arrests_by_year"}))
        ctx.record_source(
            "arrests_by_year", title="Arrests by neighborhood and year", publisher=cfg.get("policing.publisher"),
            vintage=f"{yearly['year'].min()}–{yearly['year'].max()}", licence=cfg.get("policing.licence"),
            attribution=f"{cfg.get('policing.publisher')}; aggregated by a Pitt course project", inputs=[file],
            rows=len(yearly), caveats=list(pol.read_arrests_by_neighborhood_year(file).attrs.get("notes", []))
            + ["Whether the last year is complete is not documented."])

    if cfg.get("policing.firearm_seizures"):
        raw, inputs = records("firearm_seizures")
        seizures = pol.normalise_firearm_seizures(
            raw, cfg["policing.firearm_seizures.fields"], tract_format=cfg.get("policing.firearm_seizures.tract_format", "geoid"),
            state_fips=cfg.state_fips, county_fips=cfg.county_fips)
        names = _canonical_neighborhoods(ctx, seizures["neighborhood"], "firearm seizures")
        seizures["neighborhood"] = seizures["neighborhood"].map(
            names[names["status"].isin(["matched", "alias"])].set_index("name")["canonical"])
        seizures["year"] = seizures["date"].dt.year
        for level, key, vintage in (("neighborhood", "neighborhood", None), ("tract", "tract_geoid", 2010)):
            agg = pol.aggregate_firearm_seizures(seizures, by=(key, "year"))
            ctx.add("firearm_seizures", pd.DataFrame({
                "geo_level": level, "area_id": agg[key].astype(str),
                "tract_vintage": pd.array([vintage] * len(agg), dtype="Int64"), "year": agg["year"].astype(int),
                "count": agg["firearms"].astype(int), "source_id": "firearm_seizures"}))
        ctx.record_source(
            "firearm_seizures", title="Pittsburgh Police firearm seizures (aggregated)", publisher=cfg.get("policing.publisher"),
            vintage=f"{int(seizures['year'].min())}–{int(seizures['year'].max())} (last year partial)",
            licence=cfg.get("policing.licence"), attribution=cfg.get("policing.publisher"),
            url=f"{base}/dataset/pbp-firearm-seizures", inputs=inputs, rows=int(len(seizures)),
            caveats=list(seizures.attrs.get("notes", [])))
    else:
        missing.append({"what": "firearm seizures", "why": "not configured"})
    missing.append({"what": "police use of force, traffic stops", "why": "not in the data at hand"})
    return missing


def _arrest_long(table: pd.DataFrame, geo_level: str, key: str, groups: list[str], vintage) -> pd.DataFrame:
    long = table.melt(id_vars=[key, "period_start", "period_end"], value_vars=[*groups, "total"],
                      var_name="group", value_name="count")
    return pd.DataFrame({"geo_level": geo_level, "area_id": long[key].astype(str),
                         "tract_vintage": pd.array([vintage] * len(long), dtype="Int64"),
                         "period_start": pd.to_datetime(long["period_start"]).dt.strftime("%Y-%m-%d"),
                         "period_end": pd.to_datetime(long["period_end"]).dt.strftime("%Y-%m-%d"),
                         "group": long["group"], "count": long["count"].astype(int), "source_id": "arrest_records"})


# ------------------------------------------------------------------------------------------- UPR
def upr(ctx: BuildContext) -> list[dict]:
    """UPR recommendations: the official list for the tracker's embedded default"""
    from indicators.tracker import importer

    if not ctx.city.get("upr.file") or not ctx.offline:
        return [{"what": "UPR recommendations", "why": "import them with `python -m indicators upr import FILE`"}]
    file = ctx.path("upr.file")
    recs = importer.read_official_csv(file)
    ctx.add("upr_recommendations", recs)
    ctx.record_source(
        "upr_recommendations", title="UPR third cycle: recommendations to the United States and its responses",
        publisher="UN Human Rights Council / OHCHR", vintage="3rd cycle: A/HRC/46/15 (2020) and Add.1 (2021)",
        licence="UN official documents", attribution="United Nations Human Rights Council, Report of the Working Group "
        "on the Universal Periodic Review: United States of America, A/HRC/46/15 and A/HRC/46/15/Add.1",
        url="https://www.ohchr.org/en/hr-bodies/upr/us-index", inputs=[file], rows=len(recs),
        caveats=["Only the primary theme of each recommendation is available."])
    return []


# ------------------------------------------------------------------------------------------- STEPS
STEPS = [boundaries, acs, deprivation, neighborhood_profiles, evictions, housing, policing, upr]
