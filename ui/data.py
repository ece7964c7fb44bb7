"""Cached access to the snapshot and the library for the pages: the only place pages get data from.

Everything here wraps a library call in ``st.cache_resource`` (the opened snapshot, shared by all sessions)
or ``st.cache_data`` (computed frames, keyed by their arguments).
"""

from __future__ import annotations


import pandas as pd
import shapely
import streamlit as st

from indicators.metrics import catalog, compute, stability
from indicators.core import moe
from indicators.core.config import available_cities, load_city
from indicators.core.exports import to_csv_bytes
from indicators.core.i18n import N_, translator
from indicators.snapshot.read import Snapshot, SnapshotError, default_snapshot_dir, open_snapshot
from ui.i18n import _, lang


MAP_GRID_DEGREES = 1e-5


def snapshot_path(city: str) -> str:
    return str(default_snapshot_dir(city))


@st.cache_resource(show_spinner=False)
def snapshot(city: str) -> Snapshot:
    return open_snapshot(snapshot_path(city), lazy=True)


def cities() -> list[str]:
    return [c for c in available_cities() if (default_snapshot_dir(c) / "manifest.json").exists()] or available_cities()


@st.cache_data(show_spinner=False, max_entries=256)
def indicator(city: str, indicator_id: str, level: str, year: int | None = None) -> pd.DataFrame:
    """The indicator at ``level`` (for ``year`` where it has several); on the map's tract lines for tracts.
    Raises NotAvailable."""
    snap = snapshot(city)
    out = compute.compute(snap, indicator_id, level, **({"year": year} if year else {}))
    if level == "tract":
        out = compute.on_map_tracts(out, snap, indicator_id)
    return out


@st.cache_data(show_spinner=False, max_entries=256)
def city_value(city: str, indicator_id: str, year: int | None = None):
    value = compute.city_value(snapshot(city), indicator_id, year)
    return None if value is None else value.to_dict()


@st.cache_data(show_spinner=False)
def areas(city: str, level: str):
    """Area polygons for a level as a GeoDataFrame (area_id, name, geometry)."""
    snap = snapshot(city)
    table = {"neighborhood": "areas_neighborhoods", "tract": "areas_tracts", "zip": "areas_zips"}[level]
    frame = snap.table(table)
    if level == "tract":
        frame = frame[frame["in_city"] > 0]
    frame = frame[["area_id", "name", "geometry"]].copy()
    # coordinates to 1e-5 degrees (about a metre) for drawing: shared borders stay shared, the map's data shrinks
    frame["geometry"] = shapely.set_precision(frame.geometry.values, MAP_GRID_DEGREES)
    return frame


@st.cache_resource(show_spinner=False)
def area_shapes(city: str, level: str) -> dict[str, dict]:
    """area_id → GeoJSON geometry of a level's areas, made once per process and shared (read-only) by every
    session: turning polygons into GeoJSON was most of a map rerun."""
    from ui import mapview

    return mapview.shapes_of(areas(city, level))


@st.cache_data(show_spinner=False)
def neighborhoods(city: str) -> list[str]:
    return sorted(snapshot(city).table("areas_neighborhoods")["area_id"].tolist())


@st.cache_data(show_spinner=False)
def table(city: str, name: str) -> pd.DataFrame:
    frame = snapshot(city).table(name)
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


@st.cache_data(show_spinner=False)
def geojson(city: str, name: str) -> str:
    return snapshot(city).table(name).to_json(drop_id=True)


def manifest(city: str) -> dict:
    return snapshot(city).manifest


def city_name(city: str) -> str:
    try:
        return load_city(city).name
    except Exception:
        return city.title()


def open_or_explain(city: str) -> Snapshot | None:
    """The snapshot, or a clear message on the page (and None) when it cannot be opened."""
    try:
        return snapshot(city)
    except SnapshotError as exc:
        st.error(_("The data snapshot for {city} cannot be opened: {problem}", city=city, problem=exc))
        return None


def reason(exc: Exception) -> str:
    """Why the snapshot cannot serve an indicator (a :class:`indicators.metrics.compute.NotAvailable`), in the reader's
    language where the exception can say it in one (``exc.message(lang)``), else as the library worded it."""
    message = getattr(exc, "message", None)
    return message(lang()) if callable(message) else str(exc)


def indicators_for(level: str):
    return catalog.available(level)


def source_titles(city: str, source_ids: str) -> str:
    """Readable names (publisher, vintage) for a comma-separated list of snapshot source ids."""
    sources = snapshot(city).sources
    names = []
    for sid in (s.strip() for s in source_ids.split(",") if s.strip()):
        src = sources.get(sid)
        names.append(f"{src['publisher']}, {src['vintage']}" if src else sid)
    return "; ".join(names)


# ---------------------------------------------------------------- profile, compare, growth and methods pages
@st.cache_data(show_spinner=False, max_entries=128)
def ranked(city: str, indicator_id: str, level: str = "neighborhood", *, lang: str) -> pd.DataFrame:
    """Every area of ``level`` with its name, the indicator and its rank among the ``n`` areas with a figure.

    Rank 1 is the worst area (the highest value for context indicators), as on the map. Areas the result
    leaves out keep a row with a note, in ``lang``. Raises NotAvailable.
    """
    ind = catalog.get(indicator_id)
    result = indicator(city, indicator_id, level)
    names = pd.DataFrame(areas(city, level)[["area_id", "name"]])
    frame = names.merge(result, on="area_id", how="left")
    frame["rank"] = frame["estimate"].rank(ascending=ind.direction == "higher_is_better", method="min")
    frame["n"] = int(frame["estimate"].notna().sum())
    no_row = ~frame["area_id"].isin(result["area_id"])
    _ = translator(lang)
    frame.loc[no_row, "note"] = _("no figure for this area in the snapshot")
    return frame.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def series(city: str, measure: str, level: str) -> pd.DataFrame:
    """Every ACS release of a city or county measure (:func:`indicators.metrics.growth.series`)."""
    from indicators.metrics import growth

    return growth.series(snapshot(city).table("measures"), measure, level=level)


@st.cache_data(show_spinner=False)
def change(city: str, measure: str, level: str) -> pd.DataFrame:
    """Change of a city or county measure between non-overlapping ACS periods, with its significance
    (:func:`indicators.metrics.growth.change_between_periods`)."""
    from indicators.metrics import growth

    return growth.change_between_periods(snapshot(city).table("measures"), measure, level=level)


RACE_GROUPS = stability.RACE_GROUPS


@st.cache_data(show_spinner=False)
def population_change_by_group(city: str, level: str = "neighborhood") -> pd.DataFrame:
    """Decennial residents 2010 and 2020 per area and race group, with the change
    (:func:`indicators.metrics.stability.population_change`): ``area_id, group, label, count_2010, count_2020,
    change, change_share, note``."""
    population = snapshot(city).table("population_by_race")
    frames = []
    for group, label in RACE_GROUPS.items():
        out = stability.population_change(population, level=level, group=group)
        frames.append(pd.DataFrame({
            "area_id": out["area_id"], "group": group, "label": label, "count_2010": out["denominator"],
            "count_2020": out["denominator"] + out["numerator"], "change": out["numerator"],
            "change_share": out["estimate"], "note": out["note"]}))
    return pd.concat(frames, ignore_index=True)


#: arrest race groups: column headings of :func:`arrests_by_race` (English keys, translated where shown)
ARREST_GROUPS = {"black": N_("Black"), "white": N_("White"), "hispanic": N_("Hispanic"), "asian": N_("Asian"),
                 "native": N_("American Indian"), "other": N_("Other"), "unknown": N_("Not recorded"),
                 "total": N_("All arrests")}
CITY_ROW = N_("City (all neighborhoods)")
#: the racial majorities (and the gender one) by which Eviction Lab pools ZIP codes, as its file spells them
EVICTION_GROUPS = {label: label for label in (N_("White"), N_("Black"), N_("Latinx"), N_("Other"), N_("Female"))}
#: geography levels as words in a sentence ("available for: city, county")
LEVEL_WORDS = {"neighborhood": N_("neighborhood"), "tract": N_("tract"), "city": N_("city"),
               "county": N_("county"), "zip": N_("ZIP code")}
#: reliability classes of :mod:`indicators.core.moe` as shown in tables
RELIABILITY = {moe.RELIABLE: N_("reliable"), moe.CAUTION: N_("use with caution"), moe.UNRELIABLE: N_("unreliable"),
               moe.UNKNOWN: N_("unknown")}


def shown_words(values: pd.Series) -> pd.Series:
    """Key values (race groups, reliability classes, …) in the reader's language; other values unchanged."""
    return values.map(lambda v: _(v) if isinstance(v, str) and v else v)


def levels_in_words(levels) -> str:
    """``city, county`` in the reader's language."""
    return ", ".join(_(LEVEL_WORDS.get(lv, lv)) for lv in levels)


@st.cache_data(show_spinner=False)
def arrests_by_race(city: str, *, lang: str) -> pd.DataFrame:
    """Arrests per neighborhood and race group as counted in the ``arrests`` table, one column per group,
    with a last row summing every neighborhood and the ``period`` covered (in words, in ``lang``)."""
    arrests = snapshot(city).table("arrests")
    rows = arrests[arrests["geo_level"] == "neighborhood"]
    wide = rows.pivot_table(index="area_id", columns="group", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=[g for g in ARREST_GROUPS if g in wide.columns])
    wide.loc[CITY_ROW] = wide.sum()
    wide = wide.rename(columns=ARREST_GROUPS).reset_index(names="area")
    _ = translator(lang)
    wide["period"] = _("{start} to {end}", start=rows["period_start"].min(),
                       end=rows["period_end"].max()) if len(rows) else ""
    return wide


@st.cache_data(show_spinner=False)
def evictions_by_group(city: str) -> pd.DataFrame:
    from indicators.metrics.evictions import by_group_vs_baseline

    return by_group_vs_baseline(table(city, "evictions_by_group"))


@st.cache_data(show_spinner=False)
def low_income_renter_burden(city: str) -> pd.DataFrame:
    from indicators.metrics.housing import low_income_renter_burden as burden

    snap = snapshot(city)
    return burden(snap.table("measures"), snap.table("weights_tract_neighborhood"))


@st.cache_data(show_spinner=False)
def table_csv(city: str, name: str) -> bytes:
    """A snapshot table as CSV, safe to open in a spreadsheet."""
    return to_csv_bytes(table(city, name))


UPR_THEMES_BY_TOPIC = catalog.UPR_THEMES_BY_TOPIC


def tracker_store(city: str):
    """The UPR tracker store the tracker pages use (one per process, seeded from the snapshot when empty)."""
    from ui import tracker

    return tracker.store()


@st.cache_data(show_spinner=False, ttl=60)
def upr_on_themes(city: str, themes: tuple[str, ...]) -> pd.DataFrame:
    """The recommendations whose theme is one of ``themes``, with the city's two current statuses
    (:func:`indicators.tracker.progress.overview_table`)."""
    from indicators.tracker.progress import overview_table

    store = tracker_store(city)
    table = overview_table(store.recommendation_frame(), store.current_statuses_frame(city))
    return table[table["theme"].isin(themes)].reset_index(drop=True)


@st.cache_data(show_spinner=False)
def vintages(city: str, indicator_id: str, level: str) -> list[int]:
    return compute.vintages(snapshot(city), indicator_id, level)
