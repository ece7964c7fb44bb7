"""Geography: tracts ↔ neighborhoods, ZIP codes → neighborhoods, 2010 ↔ 2020 tracts.

Neighborhoods rarely follow tract lines, so counts move between geographies with *weights*: the share of
each source area (a tract, a ZIP code) that lies in each target area (a neighborhood), measured by land area
in an equal-area projection. Counts are apportioned first and rates computed afterwards; margins of error
are carried as √Σ(w·MOE)² (the ACS handbook's formula for a sum, with each term scaled by its weight).

Weights are by land area because no finer population data (blocks) is part of the snapshot; that assumes
residents are spread evenly within each tract, which the methods page states.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: CONUS Albers equal-area: areas in square metres for any of the lower 48 states
EQUAL_AREA_CRS = "EPSG:5070"

#: pieces smaller than this share of their source area are slivers from generalised boundaries
SLIVER_SHARE = 0.005
#: a source area covered less than this in all is an edge sliver (the boundary files' generalisation differs)
EDGE_SLIVER_SHARE = 0.05
#: a source area covered at least this much by the targets counts as wholly inside them
WHOLLY_INSIDE_SHARE = 0.95


def _polygonal(geom):
    """Keep only the polygonal part of a geometry (overlays of valid polygons can yield lines)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def _valid(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.copy()
    bad = ~frame.geometry.is_valid
    if bad.any():
        frame.loc[bad, "geometry"] = frame.loc[bad, "geometry"].apply(lambda g: _polygonal(shapely.make_valid(g)))
    return frame[frame.geometry.notna() & ~frame.geometry.is_empty]


def overlay_weights(sources: gpd.GeoDataFrame, source_id: str, targets: gpd.GeoDataFrame, target_id: str, *,
                    land_share: pd.Series | None = None,
                    sliver_share: float = SLIVER_SHARE,
                    edge_sliver_share: float = EDGE_SLIVER_SHARE,
                    wholly_inside_share: float = WHOLLY_INSIDE_SHARE) -> pd.DataFrame:
    """Share of each source area lying in each target area, by area.

    Returns a frame with ``source_id``, ``target_id``, ``weight`` and ``covered`` (the share of the source
    area covered by all targets together, before any adjustment).

    Pieces under ``sliver_share`` of their source, and sources covered less than ``edge_sliver_share`` in all,
    are dropped: they come from the different generalisation of the two boundary files, not from real overlap. A source covered at least ``wholly_inside_share`` by
    the targets is taken to lie wholly inside them and its weights are rescaled to sum to exactly 1; a source
    straddling the targets' outer edge keeps its inside share (its weights sum to less than 1).

    ``land_share`` (indexed by source id) is the land share of each source polygon, ``ALAND / (ALAND + AWATER)``:
    tract polygons include rivers that neighborhood polygons leave out, so the covered share is measured
    against the source's land, not its whole polygon.

    Example
    -------
    A 2×1 tract split evenly between two neighborhoods gets weight 0.5 in each.
    """
    src = _valid(sources[[source_id, "geometry"]]).to_crs(EQUAL_AREA_CRS)
    tgt = _valid(targets[[target_id, "geometry"]]).to_crs(EQUAL_AREA_CRS)
    src_area = src.set_index(source_id).geometry.area
    pieces = gpd.overlay(src, tgt, how="intersection", keep_geom_type=True)
    pieces["piece_area"] = pieces.geometry.area
    pieces = pieces.groupby([source_id, target_id], as_index=False)["piece_area"].sum()
    pieces["weight"] = pieces["piece_area"] / pieces[source_id].map(src_area)
    if land_share is not None:
        share = pieces[source_id].map(land_share).astype(float).clip(lower=0.05).fillna(1.0)
        pieces["weight"] = (pieces["weight"] / share).clip(upper=1.0)
    pieces = pieces[pieces["weight"] >= sliver_share]
    covered = pieces.groupby(source_id)["weight"].transform("sum")
    pieces = pieces[covered >= edge_sliver_share]
    covered = covered[covered >= edge_sliver_share]
    pieces["covered"] = covered
    rescale = (covered >= wholly_inside_share) | (covered > 1)
    pieces.loc[rescale, "weight"] = pieces.loc[rescale, "weight"] / covered[rescale]
    return pieces[[source_id, target_id, "weight", "covered"]].sort_values([source_id, target_id]).reset_index(drop=True)


def invert_tract_crosswalk(crosswalk: pd.DataFrame, land_area_2010: pd.Series, *, from_col: str = "tract_2010",
                           to_col: str = "tract_2020", weight_col: str = "weight") -> pd.DataFrame:
    """Turn a 2010→2020 crosswalk (share of each 2010 tract's land in each 2020 tract) into the share of each
    2020 tract's land lying in each 2010 tract.

    The land area of a piece is ``weight × ALAND(2010 tract)``; a 2020 tract's pieces add up to its land.
    Returns ``tract_2020, tract_2010, weight`` with weights summing to 1 for every 2020 tract.
    """
    cw = crosswalk[[from_col, to_col, weight_col]].copy()
    cw["piece_land"] = cw[weight_col].astype(float) * cw[from_col].map(land_area_2010).astype(float)
    cw = cw[cw["piece_land"] > 0]
    cw["weight"] = cw["piece_land"] / cw.groupby(to_col)["piece_land"].transform("sum")
    return cw[[to_col, from_col, "weight"]].rename(columns={to_col: "tract_2020", from_col: "tract_2010"}).reset_index(drop=True)


def compose_weights(first: pd.DataFrame, first_from: str, first_to: str, second: pd.DataFrame, second_to: str) -> pd.DataFrame:
    """Chain two weight tables: A→B (``first``) and B→C (``second``, keyed on ``first_to``) give A→C.

    ``w(a→c) = Σ_b w(a→b) · w(b→c)``. Used to reach neighborhoods from 2020 tracts through the 2010 tracts
    whose polygons are at hand.
    """
    merged = first[[first_from, first_to, "weight"]].merge(
        second[[first_to, second_to, "weight"]], on=first_to, suffixes=("_first", "_second"))
    merged["weight"] = merged["weight_first"] * merged["weight_second"]
    out = merged.groupby([first_from, second_to], as_index=False)["weight"].sum()
    return out[out["weight"] > 0].reset_index(drop=True)


def apportion_counts(values: pd.DataFrame, weights: pd.DataFrame, *, source_id: str, target_id: str,
                     estimate: str = "estimate", moe: str = "moe", by: Iterable[str] = ("measure",)) -> pd.DataFrame:
    """Move counts from source areas to target areas with weights.

    ``estimate(target) = Σ w·estimate(source)`` and ``moe(target) = √Σ (w·moe(source))²``, except that pieces
    whose estimate is zero add only the largest of their ``(w·moe)²`` (the Census Bureau's rule for sums with
    several zero estimates, as :func:`indicators.core.moe.moe_sum`). A target whose pieces include a missing
    estimate gets a missing estimate (a partial sum would understate it), and the share of its weight that was
    missing is reported in ``missing_weight``.

    Only counts may be apportioned: shares, rates and medians are not additive.
    """
    by = list(by)
    merged = values.merge(weights[[source_id, target_id, "weight"]], on=source_id, how="inner")
    w = merged["weight"].to_numpy(float)
    est = merged[estimate].to_numpy(float)
    merged["_est"] = w * est
    moe2 = (w * merged[moe].to_numpy(float)) ** 2 if moe in merged else np.full(len(merged), np.nan)
    zero = est == 0
    merged["_moe2"] = np.where(zero, np.nan, moe2)
    merged["_moe2_zero"] = np.where(zero, moe2, np.nan)
    merged["_missing"] = np.where(np.isnan(est), w, 0.0)
    # counted per target so that all sums stay vectorised (a Python function per group is slow for 85,000 tracts)
    merged["_n_missing"] = np.isnan(merged["_est"].to_numpy(float))
    merged["_n_moe"] = ~np.isnan(moe2)
    grouped = merged.groupby([target_id, *by], as_index=False, sort=True).agg(
        estimate=("_est", "sum"),
        moe2=("_moe2", "sum"),
        moe2_zero=("_moe2_zero", "max"),
        missing_weight=("_missing", "sum"),
        weight=("weight", "sum"),
        n_missing=("_n_missing", "sum"),
        n_moe=("_n_moe", "sum"),
    )
    grouped.loc[grouped["n_missing"] > 0, "estimate"] = np.nan
    grouped["moe"] = np.sqrt(grouped.pop("moe2") + grouped.pop("moe2_zero").fillna(0.0))
    # no piece with a margin of error: the sum's is unknown, not zero
    grouped.loc[grouped["n_moe"] == 0, "moe"] = np.nan
    return grouped.drop(columns=["n_missing", "n_moe"])


def normalise_name(name: str) -> str:
    """Case-, space- and punctuation-insensitive key for matching area names across publishers."""
    key = re.sub(r"[^a-z0-9]+", " ", str(name).lower()).strip()
    return re.sub(r"\bmount\b", "mt", key)


def match_names(names: Iterable[str], canonical: Iterable[str], *, aliases: Mapping[str, str] | None = None,
                combined: Mapping[str, list[str]] | None = None) -> pd.DataFrame:
    """Match names as a publisher spells them to the canonical area names of a city.

    Returns one row per input name with ``name``, ``canonical`` (or missing) and ``status``: ``matched``,
    ``alias``, ``outside`` (an alias to the empty string: a place outside the city), ``combined`` (published only
    together with other areas; ``canonical`` then lists them joined by " + ") or ``unknown``.
    """
    canonical = list(canonical)
    by_key = {normalise_name(c): c for c in canonical}
    alias_keys = {normalise_name(k): v for k, v in (aliases or {}).items()}
    combined_keys = {normalise_name(k): v for k, v in (combined or {}).items()}
    rows = []
    for name in pd.unique(pd.Series(list(names), dtype="object").dropna().astype(str)):
        key = normalise_name(name)
        if name.strip() in canonical:
            rows.append((name, name.strip(), "matched"))
        elif key in alias_keys:
            target = alias_keys[key]
            rows.append((name, target or None, "alias" if target else "outside"))
        elif key in combined_keys:
            rows.append((name, " + ".join(combined_keys[key]), "combined"))
        elif key in by_key:
            rows.append((name, by_key[key], "matched"))
        else:
            rows.append((name, None, "unknown"))
    return pd.DataFrame(rows, columns=["name", "canonical", "status"])


def simplify_coverage(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons that share borders without opening gaps or overlaps between them.

    Uses shapely's coverage simplification on the whole layer at once (so a shared border is simplified the
    same way on both sides). ``tolerance_m`` is in metres, applied in the equal-area projection.
    """
    projected = frame.to_crs(EQUAL_AREA_CRS)
    geoms = shapely.make_valid(projected.geometry.values)
    simplified = shapely.coverage_simplify(geoms, tolerance_m)
    out = projected.copy()
    out["geometry"] = gpd.GeoSeries(simplified, crs=EQUAL_AREA_CRS, index=projected.index)
    return out.to_crs(frame.crs)


def areas_at(areas: gpd.GeoDataFrame, longitude: float, latitude: float, id_field: str = "area_id") -> list[str]:
    """The ids of the areas (WGS84 polygons) that contain a point, in the frame's order; empty where none does.

    A point on a shared border belongs to both, so both are returned (``covers``, not ``contains``).

    >>> import geopandas as gpd, shapely
    >>> square = gpd.GeoDataFrame({"area_id": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> areas_at(square, 0.5, 0.5), areas_at(square, 2, 2)
    (['A'], [])
    """
    point = shapely.Point(float(longitude), float(latitude))
    if not (np.isfinite(point.x) and np.isfinite(point.y)):
        return []
    hits = areas.sindex.query(point, predicate="covered_by") if len(areas) else []
    return [str(areas.iloc[i][id_field]) for i in sorted(hits)]
