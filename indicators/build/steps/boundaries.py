"""Boundaries: tracts (required), the city's neighborhoods, further area levels (wards), ZIP codes, and the
weights between them."""

from __future__ import annotations

import pandas as pd

from indicators.build.context import SIMPLIFY_TOLERANCE, BuildContext
from indicators.build.steps.common import gap, gpd_frame, numbers
from indicators.core import geography
from indicators.snapshot.read import SnapshotError
from indicators.sources import csvfile, provenance

#: square metres in a square mile
SQ_METRES_PER_SQ_MILE = 2_589_988.11


def _read_areas(ctx: BuildContext, location: str, *, name_field: str, id_field: str | None,
                label_format: str | None, key: str, drop_where: dict | None = None):
    from indicators.sources import boundaries as bnd

    options = {"name_field": name_field, "id_field": id_field}
    if label_format:
        options["label_format"] = label_format
    if drop_where:
        options["drop_where"] = drop_where
    return bnd.read_boundaries(location, **options) if not ctx.offline else bnd.read_boundaries(
        ctx.file(location, key), **options)


def _tracts(ctx: BuildContext):
    from indicators.sources import tiger

    cfg = ctx.city
    if ctx.offline:
        tract_file = ctx.path("tracts.file")
        tracts = tiger.read_shapes_file(tract_file, geoid_field=cfg.model.tracts.geoid_field)
        inputs = [tract_file]
    else:
        tracts = pd.concat([tiger.fetch_shapes("tract", year=int(cfg["tracts.tiger_year"]), state=cfg.state_fips,
                                               county=c, cartographic=cfg.model.tracts.cartographic)
                            for c in cfg.county_fips])
        inputs = []
    tracts = tracts[tracts["GEOID"].str[:5].isin(cfg.county_geoids)].copy()
    if tracts.empty:
        raise SnapshotError(f"{cfg.id}: no tract of counties {', '.join(cfg.county_geoids)} (city.state_fips + "
                            f"city.county_fips) in the tract boundaries")
    caveats = []
    if tracts["ALAND"].isna().all():
        # a file without the Census land and water areas: the polygons' own area stands in for land
        tracts["ALAND"] = tracts.to_crs(geography.EQUAL_AREA_CRS).geometry.area
        tracts["AWATER"] = 0.0
        caveats.append("The tract file has no land and water areas: each tract's whole area counts as land, so "
                       "weights of tracts with rivers or parks are by area, not by land.")
    return tracts, inputs, caveats


def boundaries(ctx: BuildContext) -> list[dict]:
    """Boundaries: tracts, neighborhoods and further area levels, ZIP codes, and the weights between them"""
    cfg = ctx.city
    vintage = int(cfg["tracts.vintage"])
    tracts, inputs, caveats = _tracts(ctx)
    ctx.record_source("tract_boundaries", defaults=provenance.TRACT_BOUNDARIES, fill={"vintage": vintage},
                      vintage=f"{vintage} tract lines" + (f", boundary file {cfg.model.tracts.tiger_year}"
                                                          if cfg.model.tracts.tiger_year else ""),
                      inputs=inputs, rows=len(tracts), caveats=caveats)
    land = tracts["ALAND"].astype(float) / (tracts["ALAND"].astype(float) + tracts["AWATER"].astype(float))
    land.index = tracts["GEOID"]
    missing = []
    weights10 = None
    hoods = None
    if ctx.has("neighborhoods"):
        model = cfg.model.neighborhoods
        hoods = _read_areas(ctx, model.file if ctx.offline else model.url, name_field=model.name_field,
                            id_field=model.id_field, label_format=model.label_format, drop_where=model.drop_where,
                            key="neighborhoods.file" if ctx.offline else "neighborhoods.url")
        ctx.record_source("neighborhood_boundaries", vintage="current official boundaries",
                          defaults={"title": f"{cfg.name} {(model.label or 'neighborhoods').lower()}", "url": model.url},
                          inputs=[ctx.path("neighborhoods.file")] if ctx.offline else None, rows=len(hoods))
        weights10 = geography.overlay_weights(tracts, "GEOID", hoods.rename(columns={"name": "neighborhood"}),
                                              "neighborhood", land_share=land)
        in_city = weights10.groupby("GEOID")["weight"].sum()
        hood_areas = gpd_frame(hoods, {
            "area_id": hoods["name"], "name": hoods["name"],
            "number": hoods["area_id"].astype(str) if "area_id" in hoods else None,
            "land_sqmi": hoods.to_crs(geography.EQUAL_AREA_CRS).geometry.area / SQ_METRES_PER_SQ_MILE})
    else:
        # no neighborhoods: the city is the counties' tracts (a county-equivalent city, or a first build)
        in_city = pd.Series(1.0, index=tracts["GEOID"])
        missing.append(gap("neighborhoods", "neighborhood boundaries",
                           "no [neighborhoods] in the city config: figures are shown by tract"))

    tract_areas = gpd_frame(tracts, {
        "area_id": tracts["GEOID"], "name": tracts.get("NAME", tracts["GEOID"]).astype(str),
        "tract_vintage": vintage, "aland": tracts["ALAND"].astype(float), "awater": tracts["AWATER"].astype(float),
        "in_city": tracts["GEOID"].map(in_city).fillna(0.0).astype(float)})
    ctx.add("areas_tracts", geography.simplify_coverage(tract_areas, SIMPLIFY_TOLERANCE["areas_tracts"]))
    if hoods is not None:
        ctx.add("areas_neighborhoods", geography.simplify_coverage(hood_areas, SIMPLIFY_TOLERANCE["areas_neighborhoods"]))

    if weights10 is not None:
        weights = [pd.DataFrame({"tract_id": weights10["GEOID"], "tract_vintage": vintage,
                                 "neighborhood": weights10["neighborhood"], "weight": weights10["weight"]})]
        if ctx.offline and cfg.model.tracts.crosswalk_2010_2020_file and vintage == 2010:
            weights.append(_crosswalk(ctx, tracts, weights10))
        elif cfg.model.acs is not None and cfg.model.acs.tract_vintage != vintage:
            missing.append(gap("boundaries", "2020 tract → neighborhood weights",
                               "no 2010–2020 tract relationship file configured for this build"))
        ctx.add("weights_tract_neighborhood", pd.concat(weights, ignore_index=True))

    for level in cfg.model.areas:
        areas = _read_areas(ctx, level.file, name_field=level.name_field, id_field=level.id_field,
                            label_format=level.label_format, key=f"areas.{level.id}.file")
        w = geography.overlay_weights(tracts, "GEOID", areas.rename(columns={"name": "area"}), "area",
                                      land_share=land)
        ctx.add("areas_extra", gpd_frame(geography.simplify_coverage(areas, SIMPLIFY_TOLERANCE["areas_neighborhoods"]), {
            "level": level.id, "area_id": areas["name"], "name": areas["name"]}))
        ctx.add("weights_tract_extra", pd.DataFrame({"level": level.id, "tract_id": w["GEOID"], "tract_vintage": vintage,
                                                     "area_id": w["area"], "weight": w["weight"]}))
        ctx.record_source(level.source, vintage="as published", defaults={"title": f"{cfg.name} {level.label.lower()}"},
                          inputs=[ctx.file(level.file, f"areas.{level.id}.file")] if ctx.offline else None,
                          rows=len(areas))
        ctx.levels.append({"id": level.id, "label": level.label})

    if ctx.has("zips") and ctx.offline and hoods is not None:
        from indicators.sources import boundaries as bnd

        zip_file = ctx.path("zips.file")
        zips = bnd.read_zip_boundaries(zip_file, zip_field=cfg.model.zips.zip_field)
        zw = geography.overlay_weights(zips.rename(columns={"area_id": "zip"})[["zip", "geometry"]], "zip",
                                       hoods.rename(columns={"name": "neighborhood"}), "neighborhood",
                                       wholly_inside_share=2.0)  # never rescale: a ZIP's outside share is real
        ctx.add("weights_zip_neighborhood", zw[["zip", "neighborhood", "weight"]])
        zip_areas = gpd_frame(zips, {"area_id": zips["area_id"].astype(str),
                                     "name": zips["name"].astype(str) if "name" in zips else None})
        ctx.add("areas_zips", geography.simplify_coverage(zip_areas.drop_duplicates("area_id"),
                                                          SIMPLIFY_TOLERANCE["areas_zips"]))
        ctx.record_source("zip_boundaries", vintage="as published", inputs=[zip_file], rows=len(zips),
                          defaults={"title": "ZIP code boundaries"})
    elif ctx.has("evictions") and cfg.model.evictions.source == "eviction_lab_ets":
        missing.append(gap("boundaries", "ZIP code boundaries", "not configured; eviction filings stay at ZIP level"))
    return missing


def _crosswalk(ctx: BuildContext, tracts, weights10) -> pd.DataFrame:
    cw_file = ctx.path("tracts.crosswalk_2010_2020_file")
    cw = csvfile.read_csv(cw_file, error=SnapshotError, dtype=str)
    csvfile.require_columns(cw, ["census_tract_id_2010", "census_tract_id_2020", "weight"], cw_file.name,
                            SnapshotError)
    cw = cw.rename(columns={"census_tract_id_2010": "tract_2010", "census_tract_id_2020": "tract_2020"})
    cw["weight"] = numbers(cw["weight"], cw_file.name, "weight")
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
    ctx.record_source("tract_relationship_2010_2020", defaults=provenance.TRACT_RELATIONSHIP,
                      vintage="2020 relationship file", inputs=[cw_file], rows=len(cw))
    return pd.DataFrame({"tract_id": w20["tract_2020"], "tract_vintage": 2020, "neighborhood": w20["neighborhood"],
                         "weight": w20["weight"].clip(upper=1.0)})
