"""Neighborhood profiles a city publishes: residential stability measures, population by race by census."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.build.context import BuildContext
from indicators.build.steps.common import canonical_neighborhoods, gap, measures
from indicators.sources import provenance


def neighborhood_profiles(ctx: BuildContext) -> list[dict]:
    """Neighborhood profiles: published measures by neighborhood and population by race by census"""
    from indicators.sources import city_planning

    model = ctx.city.model.neighborhoods
    if not ctx.offline:
        return [gap("neighborhood_profiles", "neighborhood profiles", "published as files only; build with --from-dir")]
    missing = []
    if model.profiles is not None:
        file = ctx.path("neighborhoods.profiles.file")
        prof = city_planning.read_snap_profiles(file, name_field=model.profiles.name_field)
        names = canonical_neighborhoods(ctx, prof["area_name"], "neighborhood profiles")
        prof = prof.merge(names.rename(columns={"name": "area_name"}), on="area_name")
        prof = prof[prof["status"].isin(["matched", "alias"])]
        for year, part in prof.groupby("year"):
            long = pd.DataFrame({"area_id": part["canonical"], "measure": part["measure"], "estimate": part["estimate"],
                                 "moe": np.nan, "note": None})
            ctx.add("measures", measures(long, geo_level="neighborhood", period=str(year), year=int(year),
                                         source_id="neighborhood_profiles"))
        ctx.record_source("neighborhood_profiles", vintage="as published", inputs=[file],
                          rows=int(prof["canonical"].nunique()))
    else:
        missing.append(gap("neighborhood_profiles", "neighborhood profiles (average years of residence)",
                           "the city publishes none in the data at hand"))
    if model.decennial_race is not None:
        missing += _decennial_race(ctx)
    else:
        missing.append(gap("neighborhood_profiles", "population by race by neighborhood, 2010 and 2020 censuses",
                           "no neighborhood census counts in the data at hand"))
    return missing


def _decennial_race(ctx: BuildContext) -> list[dict]:
    from indicators.sources import city_planning

    file = ctx.path("neighborhoods.decennial_race.file")
    race = city_planning.read_decennial_race_counts(file)
    names = canonical_neighborhoods(ctx, race["area_name"], "decennial counts")
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
    ctx.record_source("decennial_race_neighborhoods", vintage="2010 and 2020 decennial censuses", inputs=[file],
                      rows=int(race["canonical"].nunique()), defaults={"publisher": provenance.CENSUS,
                                                                       "licence": provenance.PUBLIC_DOMAIN})
    missing = []
    for name in combined["area_name"].unique():
        missing.append(gap("neighborhood_profiles",
                           f"decennial population by race for {combined.loc[combined.area_name == name, 'canonical'].iloc[0]}",
                           f"published only combined, as '{name}'"))
    return missing
