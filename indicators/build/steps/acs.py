"""ACS 5-year: tract measures computed from Census tables (or read from a derived-measure table), city and
county series, race by tract; and the community material deprivation index."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.build.context import BuildContext
from indicators.build.steps.common import acs_period, gap, measures
from indicators.snapshot.read import SnapshotError
from indicators.sources import csvfile, provenance


def acs(ctx: BuildContext) -> list[dict]:
    """ACS 5-year: tract measures with margins of error, city and county series, race by tract"""
    model = ctx.city.model.acs
    if not ctx.offline:
        return _live(ctx)
    missing = []
    if model.table_files:
        missing += _census_tables(ctx)
    if model.measure_file:
        missing += _measure_table(ctx)
    for level, key, source_id in (("city", "acs.city_series_file", "acs5_city_series"),
                                  ("county", "acs.county_series_file", "acs5_county_series")):
        if ctx.city.get(key):
            _series(ctx, level, key, source_id)
    if model.api_files:
        _api_answers(ctx)
    if model.race_file:
        _race_file(ctx)
    return missing


def _census_tables(ctx: BuildContext) -> list[dict]:
    """Census tables as published (API answers, data.census.gov CSV, variable-named columns): every measure
    computed here from the cells, with its margin of error where the tables publish one."""
    from indicators.sources import acs_measures, census_tables

    model = ctx.city.model.acs
    files = [ctx.file(f, "acs.table_files") for f in model.table_files]
    tidy = pd.concat([census_tables.read_table_file(f) for f in files], ignore_index=True)
    tidy = tidy[tidy["GEOID"].str[:5].isin(ctx.city.county_geoids)]
    if tidy.empty:
        raise SnapshotError(f"{ctx.city.id}: the files of 'acs.table_files' hold no tract of counties "
                            f"{', '.join(ctx.city.county_geoids)}")
    long = acs_measures.compute_measures(tidy, year=model.year)
    period = acs_period(model.year)
    ctx.add("measures", measures(long, geo_level="tract", period=period, year=model.year, source_id="acs5_tracts",
                                 tract_vintage=model.tract_vintage))
    no_moe = bool(long["moe"].isna().all())
    caveats = ["The tables publish estimates only: no margin of error can be given for these figures."] if no_moe else [
        "Shares are computed here from the table cells, with 90% margins of error by the ACS formulas."]
    ctx.record_source("acs5_tracts", defaults=provenance.ACS_TRACTS, fill={"period": period},
                      vintage=f"ACS 5-year {period}", inputs=files, rows=int(long["area_id"].nunique()),
                      caveats=caveats)
    city = _city_measures(ctx, tidy, long)
    if len(city):
        ctx.add("measures", measures(city, geo_level="city", period=period, year=model.year,
                                     source_id="acs5_city_from_tracts"))
        ctx.record_source("acs5_city_from_tracts", defaults={
            **provenance.ACS_TRACTS, "title": "American Community Survey 5-year estimates {period}, the city as the "
                                              "sum of its tracts"}, fill={"period": period},
            vintage=f"ACS 5-year {period}", rows=int(city["measure"].nunique()),
            caveats=["Counts and shares of the whole city are sums of its tracts' cells (margins of error by the "
                     "ACS formula for sums); medians do not add up and are left out."])
    races = acs_measures.race_counts(tidy)
    if len(races):
        _race_counts(ctx, races, model)
    needs = long.attrs.get("missing", {})
    key = [name for name in KEY_MEASURES if name in needs]
    gaps = [gap("acs", f"ACS measure '{name}' by tract", f"not in the tables at hand: {needs[name]}") for name in key]
    others = sorted(set(needs) - set(key))
    if others:
        gaps.append(gap("acs", f"{len(others)} further ACS measures by tract", "their cells are not in the tables "
                        "at hand: " + ", ".join(others)))
    return gaps


#: the measures the people-centered indicators rest on: each one the tables lack is named on its own
KEY_MEASURES = ("same_house_1yr_share", "long_tenure_share", "renter_share", "owner_hh", "renter_hh", "households",
                "rent_burden30_share", "rent_burden50_share", "rent_burden_universe", "med_gross_rent",
                "med_hh_income", "med_home_value", "poverty_share", "pop", "white_nh_share", "black_nh_share",
                "hispanic_share", "bachelors_share")


def _city_tracts(ctx: BuildContext) -> list[str]:
    tracts = ctx.tables["areas_tracts"]
    # the city's tracts: those with at least half their land in it (all of them in a county-equivalent city)
    return tracts.loc[tracts["in_city"] >= 0.5, "area_id"].astype(str).tolist()


def _city_measures(ctx: BuildContext, tidy: pd.DataFrame, tract_long: pd.DataFrame) -> pd.DataFrame:
    """The city's counts and shares from the sums of its tracts' cells (medians and published percentages do not
    add up and are left out)."""
    from indicators.core import moe as moe_math
    from indicators.sources import acs_measures

    model = ctx.city.model.acs
    inside = _city_tracts(ctx)
    part = tidy[tidy["GEOID"].isin(inside)]
    if part.empty:
        return pd.DataFrame(columns=["area_id", "measure", "estimate", "moe", "note"])
    rows = []
    for variable, cells in part.groupby("variable", sort=True):
        est = cells["estimate"].to_numpy(float)
        # a sum with a tract missing would understate the city: no city value then
        total = float(est.sum()) if len(est) == len(inside) and not np.isnan(est).any() else np.nan
        moes = cells["moe"].to_numpy(float)
        error = float(moe_math.moe_sum_of(moes, estimates=est)) if not np.isnan(moes).all() else np.nan
        rows.append({"GEOID": ctx.city.place_geoid, "variable": variable, "estimate": total, "moe": error,
                     "note": None})
    summed = pd.DataFrame(rows)
    definitions = tract_long.attrs.get("definitions", {})
    alternatives = acs_measures.measure_alternatives(model.year)
    additive = [name for name, source in definitions.items()
                if any(m.source == source and m.kind in (acs_measures.COUNT, acs_measures.SHARE)
                       for m in alternatives.get(name, ()))]
    if not additive:
        return pd.DataFrame(columns=["area_id", "measure", "estimate", "moe", "note"])
    city = acs_measures.compute_measures(summed, year=model.year, names=additive)
    note = "sum of the city's tracts"
    city["note"] = city["note"].where(city["note"].notna(), note).map(lambda n: n if note in n else f"{n}; {note}")
    return city


def _race_counts(ctx: BuildContext, races: pd.DataFrame, model) -> None:
    """Residents by race group per tract; and, where the city has neighborhoods and no census counts of its own
    for them, per neighborhood and for the city, from the tract counts apportioned by land area."""
    from indicators.core import geography

    def rows(frame, level, vintage, note):
        return pd.DataFrame({
            "geo_level": level, "area_id": frame["area_id"].astype(str),
            "tract_vintage": pd.array([vintage] * len(frame), dtype="Int64"), "year": model.year,
            "group": frame["group"], "count": frame["count"].astype(float), "source_id": "acs5_tracts", "note": note})

    ctx.add("population_by_race", rows(races, "tract", model.tract_vintage, None))
    has_census_counts = ctx.has("neighborhoods") and ctx.city.model.neighborhoods.decennial_race is not None
    if "weights_tract_neighborhood" not in ctx.tables or has_census_counts:
        return
    weights = ctx.tables["weights_tract_neighborhood"]
    weights = weights[weights["tract_vintage"] == model.tract_vintage]
    values = pd.DataFrame({"tract_id": races["area_id"], "measure": races["group"], "estimate": races["count"],
                           "moe": np.nan})
    moved = geography.apportion_counts(values, weights, source_id="tract_id", target_id="neighborhood")
    hoods = pd.DataFrame({"area_id": moved["neighborhood"], "group": moved["measure"], "count": moved["estimate"]})
    ctx.add("population_by_race", rows(hoods, "neighborhood", None, "ACS tract counts apportioned by land area"))
    inside = _city_tracts(ctx)
    city = races[races["area_id"].isin(inside)].groupby("group", as_index=False)["count"].sum()
    city["area_id"] = ctx.city.place_geoid
    ctx.add("population_by_race", rows(city, "city", None, "sum of the city's tracts"))


def _measure_table(ctx: BuildContext) -> list[dict]:
    from indicators.sources import acs_tables

    model = ctx.city.model.acs
    tract_file = ctx.path("acs.measure_file")
    long = acs_tables.read_measure_table(tract_file)
    if model.city_share_field:
        # the publisher's own city flag: tracts with at least half their land in the city
        flags = csvfile.read_csv(tract_file, error=SnapshotError, usecols=["GEOID", model.city_share_field],
                                 dtype={"GEOID": str})
        flag_long = pd.DataFrame({"area_id": flags["GEOID"], "measure": "city_tract_flag",
                                  "estimate": flags[model.city_share_field].astype(float), "moe": np.nan,
                                  "note": "1 = at least half of the tract's land lies in the city (publisher's flag)"})
        long = pd.concat([long, flag_long], ignore_index=True)
    period = acs_period(model.year)
    ctx.add("measures", measures(long, geo_level="tract", period=period, year=model.year, source_id="acs5_tracts",
                                 tract_vintage=model.tract_vintage))
    ctx.record_source("acs5_tracts", defaults=provenance.ACS_TRACTS, fill={"period": period},
                      vintage=f"ACS 5-year {period}", inputs=[tract_file], rows=int(long["area_id"].nunique()))
    present = set(long["measure"])
    gaps = [gap("acs", f"ACS measure '{name}' by tract", "not in the derived-measure table at hand; a build from the "
                "Census tables computes it") for name in KEY_MEASURES if name not in present]
    gaps.append(gap("acs", "income and rent distributions (B19001, B25063) by tract",
                    "not in the derived-measure table at hand, so neighborhood medians cannot be re-estimated"))
    return gaps


def _series(ctx: BuildContext, level: str, key: str, source_id: str) -> None:
    from indicators.sources import acs_tables

    series_file = ctx.path(key)
    series = acs_tables.read_measure_table(series_file, keep=("year",))
    for end_year, part in series.groupby("year"):
        ctx.add("measures", measures(part, geo_level=level, period=acs_period(int(end_year)), year=int(end_year),
                                     source_id=source_id))
    ctx.record_source(source_id, defaults=provenance.ACS_SERIES, fill={"level": level},
                      vintage=f"ACS 5-year {acs_period(int(series['year'].min()))} to "
                              f"{acs_period(int(series['year'].max()))}",
                      inputs=[series_file], rows=int(series["year"].nunique()))


def _api_answers(ctx: BuildContext) -> None:
    from indicators.sources import census

    model = ctx.city.model.acs
    api_files = [ctx.file(f, "acs.api_files") for f in model.api_files]
    api_year = int(model.api_files_year)
    tidy = pd.concat([census.read_api_file(f) for f in api_files], ignore_index=True)
    tidy["measure"] = tidy["variable"].map({"S0101_C01_001": "pop", "B19013_001": "med_hh_income"}).fillna(tidy["variable"])
    tidy["note"] = tidy["estimate_note"]
    tidy = tidy.rename(columns={"GEOID": "area_id"})
    ctx.add("measures", measures(tidy, geo_level="tract", period=acs_period(api_year), year=api_year,
                                 source_id="acs5_api_2010_tracts", tract_vintage=2010))
    ctx.record_source("acs5_api_2010_tracts", defaults=provenance.ACS_API_ANSWERS, fill={"period": acs_period(api_year)},
                      vintage=f"ACS 5-year {acs_period(api_year)} (year inferred: the saved answers do not state it)",
                      inputs=api_files, rows=int(tidy["area_id"].nunique()))


def _race_file(ctx: BuildContext) -> None:
    from indicators.sources import tract_tables

    model = ctx.city.model.acs
    race_file = ctx.path("acs.race_file")
    race_year = int(model.race_file_year)
    race = tract_tables.read_race_counts(race_file)
    ctx.add("population_by_race", pd.DataFrame({
        "geo_level": "tract", "area_id": race["area_id"], "tract_vintage": pd.array([2010] * len(race), dtype="Int64"),
        "year": race_year, "group": race["group"], "count": race["count"].astype(float),
        "source_id": "acs5_race_2010_tracts", "note": None}))
    ctx.record_source("acs5_race_2010_tracts", vintage=f"ACS 5-year {acs_period(race_year)}", inputs=[race_file],
                      rows=int(race["area_id"].nunique()), fill={"period": acs_period(race_year)})


def _live(ctx: BuildContext) -> list[dict]:
    from indicators.sources import acs_measures

    model = ctx.city.model.acs
    for county in ctx.city.county_fips:
        tidy = acs_measures.fetch_tract_measures(year=model.year, state=ctx.city.state_fips, county=county)
        ctx.add("measures", measures(tidy, geo_level="tract", period=acs_period(model.year), year=model.year,
                                     source_id="acs5_tracts", tract_vintage=model.tract_vintage))
    ctx.record_source("acs5_tracts", defaults=provenance.ACS_TRACTS, fill={"period": acs_period(model.year)},
                      vintage=f"ACS 5-year {acs_period(model.year)}")
    return []


def deprivation(ctx: BuildContext) -> list[dict]:
    """Community material deprivation index, per ACS release"""
    from indicators.sources import tract_tables

    if not ctx.offline:
        return [gap("deprivation", "deprivation index", "published as files only; build with --from-dir")]
    inputs = []
    releases = ctx.city.model.deprivation.files
    for release in releases:
        file = ctx.file(release.file, "deprivation.files")
        long = tract_tables.read_deprivation_index(file)
        long["moe"] = np.nan
        long["note"] = None
        ctx.add("measures", measures(long, geo_level="tract", period=acs_period(release.year), year=release.year,
                                     source_id="deprivation_index", tract_vintage=release.tract_vintage))
        inputs.append(file)
    years = sorted(r.year for r in releases)
    ctx.record_source("deprivation_index", defaults=provenance.DEPRIVATION_INDEX,
                      vintage=", ".join(f"ACS {acs_period(y)}" for y in years), inputs=inputs)
    return []
