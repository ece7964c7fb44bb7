"""Cached access to the snapshot and the library for the pages: the only place pages get data from.

Everything here wraps a library call in ``st.cache_resource`` (the opened snapshot, shared by all sessions)
or ``st.cache_data`` (computed frames, keyed by their arguments).
"""

from __future__ import annotations

import json

import pandas as pd
import shapely
import streamlit as st

from indicators.metrics import catalog, comparisons, compute, housing, stability, summary
from indicators.core import moe
from indicators.core.cities import DEFAULT_CITY, available_cities
from indicators.core.exports import to_csv_bytes
from indicators.core.i18n import N_, translator
from indicators.snapshot.read import Snapshot, SnapshotError, default_snapshot_dir, open_snapshot
from ui.i18n import _, lang


MAP_GRID_DEGREES = 1e-5
#: the table of each map level's polygons; further levels (ward, district, …) are rows of ``areas_extra``
AREA_TABLES = {"neighborhood": "areas_neighborhoods", "tract": "areas_tracts", "zip": "areas_zips"}
EXTRA_AREAS = "areas_extra"
#: generic names of the area levels, where a city's snapshot gives none of its own
LEVEL_LABELS = {"neighborhood": N_("Neighborhoods"), "ward": N_("Wards"), "district": N_("Districts"),
                "tract": N_("Census tracts"), "zip": N_("ZIP codes")}
#: names cities give their levels of areas (a snapshot's own level labels), said in the reader's language
CITY_LEVEL_LABELS = (N_("Neighborhood Clusters"), N_("Police districts"), N_("Council districts"))
#: one area of a level, as a widget's label
AREA_WORDS = {"neighborhood": N_("Neighborhood"), "ward": N_("Ward"), "district": N_("District"),
              "tract": N_("Census tract"), "zip": N_("ZIP code")}
#: a tract's name as shown (its number within the county)
TRACT_NAME = N_("Census tract {number}")


def snapshot_path(city: str) -> str:
    return str(default_snapshot_dir(city))


@st.cache_resource(show_spinner=False)
def snapshot(city: str) -> Snapshot:
    return open_snapshot(snapshot_path(city), lazy=True)


def cities() -> list[str]:
    """The cities that have a snapshot in the snapshots folder (``$HRC_SNAPSHOTS_DIR`` or ``data/snapshots``),
    the default city first, then in alphabetical order; no city config is needed. Where there is none at all,
    the configured cities (their pages then say that the snapshot is missing)."""
    root = default_snapshot_dir(DEFAULT_CITY).parent
    found = sorted(p.name for p in root.iterdir() if (p / "manifest.json").is_file()) if root.is_dir() else []
    found = found or available_cities() or [DEFAULT_CITY]
    return sorted(found, key=lambda c: c != DEFAULT_CITY)


@st.cache_data(show_spinner=False, ttl=600)
def _manifest_city(city: str) -> dict:
    """The ``city`` part of a snapshot's manifest, read without opening (and checking) the whole snapshot."""
    try:
        manifest = json.loads((default_snapshot_dir(city) / "manifest.json").read_text(encoding="utf-8"))
        return dict(manifest.get("city") or {})
    except (OSError, ValueError):
        return {}


@st.cache_resource(show_spinner=False)
def city_config(city: str):
    """The city's config (:class:`indicators.core.config.CityConfig`), or None where it has none or it does not
    load: the pages need only its place names and street map, and work without them. (The configs' schema is
    loaded here, after the landing page's title and figures, which do not need it.)"""
    from indicators.core.config import load_city

    try:
        return load_city(city)
    except Exception:
        return None


def city_name(city: str) -> str:
    """The city's name as its snapshot's manifest gives it (else its config's, else its id in title case)."""
    name = _manifest_city(city).get("name")
    if name:
        return str(name)
    try:
        return city_config(city).name
    except Exception:
        return city.replace("-", " ").replace("_", " ").title()


def county_name(city: str) -> str | None:
    """The name of the city's county as its manifest gives it, or None."""
    return _manifest_city(city).get("county_name") or None


def levels(city: str) -> list[str]:
    """The map levels of the city's snapshot that have polygons, in the city's order; empty when it cannot open."""
    try:
        snap = snapshot(city)
    except SnapshotError:
        return []
    return [lv for lv in snap.levels if _has_areas(city, lv)]


@st.cache_data(show_spinner=False)
def _has_areas(city: str, level: str) -> bool:
    snap = snapshot(city)
    table = AREA_TABLES.get(level, EXTRA_AREAS)
    if not snap.has(table):
        return False
    return table != EXTRA_AREAS or bool((snap.table(table)["level"] == level).any())


def level_label(city: str, level: str) -> str:
    """A level's name in the reader's language: the city's own name of it (``Neighborhood Clusters``, said in
    the reader's language where the catalogs know the words), else the generic one (``Census tracts``)."""
    try:
        own = snapshot(city).level_label(level)
    except SnapshotError:
        own = None
    if own:
        return _(own)
    return _(LEVEL_LABELS[level]) if level in LEVEL_LABELS else level.replace("_", " ").title()


def area_word(level: str) -> str:
    """One area of ``level`` (``Neighborhood``, ``Census tract``), in the reader's language."""
    return _(AREA_WORDS[level]) if level in AREA_WORDS else level.replace("_", " ").title()


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
    """The figure an area's is set beside: the city's, or the county's where the city has none (its
    ``geo_level`` says which). None where there is neither."""
    value = compute.city_value(snapshot(city), indicator_id, year)
    return None if value is None else value.to_dict()


@st.cache_data(show_spinner=False)
def headline_indicator(city: str, level: str | None = None) -> str | None:
    """The stability measure the landing map and the briefs lead with (:func:`indicators.metrics.summary.headline_indicator`)."""
    try:
        return summary.headline_indicator(snapshot(city), level)
    except SnapshotError:
        return None


@st.cache_data(show_spinner=False, max_entries=256)
def can_people_stay(city: str, area_id: str, level: str) -> list:
    """The *Can people stay?* parts of one area (:func:`indicators.metrics.summary.can_people_stay`)."""
    return summary.can_people_stay(snapshot(city), area_id, level)


@st.cache_data(show_spinner=False, max_entries=64)
def indicator_table(city: str, indicator_id: str, level: str, year: int | None = None, *, lang: str) -> pd.DataFrame:
    """The indicator by area as a table people can use: rounded figures, unit, ids, rank with its range, the
    comparison with the city, geography, period, source and vintage (:func:`indicators.metrics.export.indicator_table`),
    worst first."""
    from indicators.metrics import export

    ind = catalog.get(indicator_id)
    result = indicator(city, indicator_id, level, year)
    frame = pd.DataFrame(areas(city, level)[["area_id", "name"]]).merge(result, on="area_id", how="left")
    frame = comparisons.rank_areas(frame, direction=ind.direction, uncertainty=ind.uncertainty)
    frame = frame.sort_values(["rank", "name"], na_position="last")
    return export.indicator_table(frame, indicator_id, names=area_names(city, level), sources=snapshot(city).sources,
                                  reference=city_value(city, indicator_id, year), lang=lang)


def indicator_csv(city: str, indicator_id: str, level: str, year: int | None, lang: str) -> bytes:
    return to_csv_bytes(indicator_table(city, indicator_id, level, year, lang=lang))


def indicator_geojson(city: str, indicator_id: str, level: str, year: int | None, lang: str) -> bytes:
    """The areas' polygons with the table's figures in their properties."""
    from indicators.core.exports import to_geojson_bytes

    return to_geojson_bytes(areas(city, level), indicator_table(city, indicator_id, level, year, lang=lang))


def comparison(ind, row, reference):
    """The 90% test of an area's row against the city's (or county's) row."""
    return comparisons.compare_rows(row, reference, uncertainty=ind.uncertainty)


@st.cache_data(show_spinner=False)
def areas(city: str, level: str):
    """Area polygons of a map level as a GeoDataFrame (area_id, name, geometry): neighborhoods, tracts of the
    city, ZIP codes, or a further level (ward, district) from ``areas_extra``. Empty (same columns) where the
    snapshot has no polygons for the level."""
    import geopandas as gpd

    snap = snapshot(city)
    table = AREA_TABLES.get(level, EXTRA_AREAS)
    if not snap.has(table):
        return gpd.GeoDataFrame({"area_id": pd.Series(dtype=str), "name": pd.Series(dtype=str)},
                                geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    frame = snap.table(table)
    if table == EXTRA_AREAS:
        frame = frame[frame["level"] == level]
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


def area_names(city: str, level: str) -> dict[str, str]:
    """area_id → the name shown for each area of a level, in the order of the names (tracts: ``Census tract
    509``), in the reader's language."""
    return _area_names(city, level, lang())


@st.cache_data(show_spinner=False)
def _area_names(city: str, level: str, language: str) -> dict[str, str]:
    frame = pd.DataFrame(areas(city, level)[["area_id", "name"]]).astype(str)
    if level == "tract":
        say = translator(language)
        frame["name"] = [say(TRACT_NAME, number=tract_number(n)) for n in frame["name"]]
    frame = frame.sort_values(["name", "area_id"])
    return dict(zip(frame["area_id"], frame["name"]))


def tract_number(name: str) -> str:
    """A tract's number as the Census Bureau writes it (``34``, ``56.02``) where its name is a whole GEOID."""
    if len(name) == 11 and name.isdigit():
        whole, part = int(name[5:9]), name[9:11]
        return f"{whole}.{part}" if part != "00" else str(whole)
    return name


def map_names(city: str, level: str, language: str | None = None) -> dict[str, str]:
    """area_id → the name a map shows: a tract's with the neighborhoods it lies in (``Census tract 1609 ·
    Bloomfield``), so a reader knows where it is; in ``language`` (the reader's unless given)."""
    names = _area_names(city, level, language or lang())
    if level != "tract":
        return names
    hoods = tract_neighborhoods(city)
    return {area: f"{name} · {hoods[area]}" if hoods.get(area) else name for area, name in names.items()}


@st.cache_data(show_spinner=False)
def tract_neighborhoods(city: str) -> dict[str, str]:
    """tract id → the neighborhoods holding at least a tenth of its land, largest share first (empty where the
    snapshot has no tract–neighborhood weights)."""
    snap = snapshot(city)
    if not snap.has("weights_tract_neighborhood") or not snap.has("areas_tracts"):
        return {}
    weights = snap.table("weights_tract_neighborhood")
    vintage = snap.table("areas_tracts")["tract_vintage"].iloc[0] if len(snap.table("areas_tracts")) else None
    weights = weights[(weights["tract_vintage"] == vintage) & (weights["weight"] >= 0.1)]
    weights = weights.sort_values(["tract_id", "weight"], ascending=[True, False])
    return {tract: ", ".join(rows["neighborhood"]) for tract, rows in weights.groupby("tract_id", sort=False)}


@st.cache_data(show_spinner=False, max_entries=32)
def map_png(city: str, indicator_id: str, level: str, year: int | None, scheme: str, language: str) -> bytes:
    """The map a page shows (classes, names, legend, title, sources) as a PNG image, in ``language``."""
    import geopandas as gpd

    from indicators.briefs.staticmap import choropleth
    from indicators.metrics.catalog import get
    from indicators.metrics.text import Words
    from ui import mapview

    ind = get(indicator_id, language)
    result = indicator(city, indicator_id, level, year)
    frame, breaks, colours = mapview.map_frame(areas(city, level), result, ind, scheme=scheme,
                                               names=_area_names(city, level, language), language=language)
    legend = mapview.legend_rows(ind, breaks, colours, frame["estimate"].min(), language=language)
    period = Words(language).period(result["period"].iloc[0]) if len(result) else ""
    shown = gpd.GeoDataFrame({"fill": ["#%02x%02x%02x" % tuple(c[:3]) for c in frame["fill"]],
                              "label": frame["name"].map(mapview.short_label) if level != "tract" else "",
                              "geometry": frame.geometry}, crs=frame.crs)
    _ = translator(language)
    source = _("{city}. Sources: {sources}.", city=city_name(city),
               sources=source_titles(city, result["source_ids"].iloc[0] if len(result) else "", language))
    return choropleth(shown, title=f"{ind.title} ({period})", legend=legend, source=source, hatched=mapview.NO_DATA)


@st.cache_resource(show_spinner=False, max_entries=128)
def map_view(city: str, indicator_id: str, level: str, year: int | None, scheme: str, language: str):
    """The map page's frame, class breaks and colours (:func:`ui.mapview.map_frame`) of one view, in ``language``:
    made once and shared, read-only, by every session (a rerun that changes nothing on the map made it again)."""
    from ui import mapview

    ind = catalog.get(indicator_id, language)
    return mapview.map_frame(areas(city, level), indicator(city, indicator_id, level, year), ind, scheme=scheme,
                             names=map_names(city, level, language), language=language)


@st.cache_resource(show_spinner=False, max_entries=128)
def map_deck(city: str, indicator_id: str, level: str, year: int | None, scheme: str, language: str, *,
             opacity: float, streets: bool, names_on: bool, phone: bool):
    """The map of one view as deck.gl's JSON (:class:`ui.mapview.ReadyDeck`), made once for every session that
    shows the same view with the same options."""
    from indicators.core import places
    from ui import mapview

    frame = map_view(city, indicator_id, level, year, scheme, language)[0]
    width = mapview.PHONE_MAP_WIDTH if phone else mapview.DESKTOP_MAP_WIDTH
    height = mapview.fitted_height(areas(city, level).total_bounds, width) if phone else 560
    return mapview.ReadyDeck(mapview.deck(
        frame, opacity=opacity, basemap=places.basemap(city_config(city)) if streets else None,
        shapes=area_shapes(city, level), size=(width, height),
        label_points=label_points(city, level, language) if names_on else None, label_size=11 if phone else 12))


@st.cache_resource(show_spinner=False)
def label_points(city: str, level: str, language: str) -> pd.DataFrame:
    """Map labels of a level's areas (:func:`ui.mapview.labels`), made once per process and language."""
    from ui import mapview

    frame = areas(city, level).copy()
    frame["name"] = frame["area_id"].map(_area_names(city, level, language)).fillna(frame["name"])
    if level == "tract":
        frame["name"] = frame["name"].map(lambda n: n.rsplit(" ", 1)[-1])
    return mapview.labels(frame)


def neighborhoods(city: str) -> list[str]:
    """The ids of the city's neighborhoods (empty where it has none)."""
    return list(area_names(city, "neighborhood"))


@st.cache_data(show_spinner=False)
def table(city: str, name: str) -> pd.DataFrame:
    frame = snapshot(city).table(name)
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


@st.cache_data(show_spinner=False)
def geojson(city: str, name: str) -> str:
    return snapshot(city).table(name).to_json(drop_id=True)


def manifest(city: str) -> dict:
    return snapshot(city).manifest


def open_or_explain(city: str) -> Snapshot | None:
    """The snapshot, or a clear message on the page (and None) when it cannot be opened."""
    try:
        return snapshot(city)
    except SnapshotError as exc:
        st.error(_("The data snapshot for {city} cannot be opened: {problem}", city=city_name(city), problem=exc))
        return None


def has(city: str, *tables: str) -> bool:
    """Whether the city's snapshot holds every one of ``tables``."""
    snap = snapshot(city)
    return all(snap.has(t) for t in tables)


def missing_reason(city: str, family: str | None = None, tables: tuple[str, ...] = ()) -> str:
    """Why the city's snapshot lacks a source family or tables: the reasons its build recorded for ``family``
    (as written, in English), else that the snapshot has no such table, in the reader's language."""
    from indicators.snapshot.words import in_language

    recorded = [m for m in snapshot(city).missing if family is not None and m.get("family") == family]
    if recorded:
        return "; ".join(f"{in_language(m.get('what', family), lang())}: {in_language(m.get('why', ''), lang())}"
                         .rstrip(": ") for m in recorded)
    absent = [t for t in tables if not snapshot(city).has(t)] or list(tables)
    return _("its data snapshot has no table {tables}", tables=", ".join(absent)) if absent else _(
        "its data snapshot has none of these figures")


def say_not_available(city: str, what: str, reason: str) -> None:
    """Say on the page, in plain words, that ``what`` is not available for the city, and why."""
    from indicators.metrics.text import escape_markdown

    st.info(_("{what} is not available for {city}: {reason}", what=what, city=escape_markdown(city_name(city)),
              reason=escape_markdown(reason)), icon=":material/info:")


def lacks(city: str, what: str, *, family: str | None = None, tables: tuple[str, ...] = ()) -> bool:
    """True (having said so on the page) where the city's snapshot lacks any of ``tables``."""
    if has(city, *tables):
        return False
    say_not_available(city, what, missing_reason(city, family, tables))
    return True


def indicator_reason(city: str, indicator_id: str, level: str | None = None, exc: Exception | None = None) -> str:
    """Why the city's snapshot does not serve an indicator (at ``level``, or at all): the levels where it does,
    else the library's reason in the reader's language (``exc``, or found by trying), else the reason the build
    recorded (in English)."""
    snap = snapshot(city)
    served = compute.available_levels(snap, indicator_id)
    if served and level not in served:
        return _("its data have this figure only for: {levels}", levels=levels_in_words(served))
    if exc is None or not served:
        # served nowhere: the reason that is not the level, as the build finds it
        try:
            if served:
                compute.compute(snap, indicator_id, level)
            else:
                exc = compute.reason_nowhere(snap, indicator_id)
        except compute.NotAvailable as found:
            exc = found
        except Exception:  # a table with too little in it: the build's own words, below
            exc = None
    if isinstance(exc, compute.NotAvailable):
        return reason(exc)
    from indicators.snapshot.words import in_language

    return in_language(snap.why_not(indicator_id) or "", lang()) or _("no figure in the data at hand")


def reason(exc: Exception) -> str:
    """Why the snapshot cannot serve an indicator (a :class:`indicators.metrics.compute.NotAvailable`), in the reader's
    language where the exception can say it in one (``exc.message(lang)``), else as the library worded it."""
    message = getattr(exc, "message", None)
    return message(lang()) if callable(message) else str(exc)


def indicators_for(city: str, level: str | None = None) -> list:
    """The indicators the city's snapshot serves (at ``level``, if given), in the reader's language, in the
    catalog's order (:func:`indicators.metrics.compute.available`)."""
    return compute.available(snapshot(city), level, lang())


def available_levels(city: str, indicator_id: str) -> tuple[str, ...]:
    """The levels at which the city's snapshot serves an indicator (:func:`indicators.metrics.compute.available_levels`)."""
    return compute.available_levels(snapshot(city), indicator_id)


def source_titles(city: str, source_ids: str, language: str | None = None) -> str:
    """Readable names (publisher, vintage in the reader's language, or ``language``) for a comma-separated list
    of snapshot source ids."""
    from indicators.snapshot.words import in_language

    sources = snapshot(city).sources
    names = []
    for sid in (s.strip() for s in source_ids.split(",") if s.strip()):
        src = sources.get(sid)
        names.append(f"{src['publisher']}, {in_language(src['vintage'], language or lang())}" if src else sid)
    return "; ".join(names)


def source_publishers(city: str, source_ids) -> str:
    """The publishers (as the manifest names them) of the snapshot sources in ``source_ids``, joined."""
    sources = snapshot(city).sources
    found = dict.fromkeys(sources[s]["publisher"] for s in pd.Series(source_ids).dropna().unique() if s in sources)
    return "; ".join(found)


# ---------------------------------------------------------------- profile, compare, growth and methods pages
@st.cache_data(show_spinner=False, max_entries=128)
def ranked(city: str, indicator_id: str, level: str = "neighborhood", *, lang: str) -> pd.DataFrame:
    """Every area of ``level`` with its name, the indicator and its rank among the ``n`` areas with a figure.

    Rank 1 is the worst area (the highest value for context indicators), as on the map, with ``rank_low`` and
    ``rank_high`` (the ranks the margins of error allow) and ``rank_mark`` (:func:`indicators.metrics.comparisons.rank_areas`).
    Areas the result leaves out keep a row with a note, in ``lang``. Raises NotAvailable.
    """
    ind = catalog.get(indicator_id)
    result = indicator(city, indicator_id, level)
    names = pd.DataFrame(areas(city, level)[["area_id", "name"]])
    frame = names.merge(result, on="area_id", how="left")
    # rank 1 = worst, with the range of ranks the margins of error allow and a mark for unreliable figures
    frame = comparisons.rank_areas(frame, direction=ind.direction, uncertainty=ind.uncertainty)
    no_row = ~frame["area_id"].isin(result["area_id"])
    _ = translator(lang)
    frame.loc[no_row, "note"] = _("no figure for this area in the snapshot")
    return frame.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)


@st.cache_data(show_spinner=False)
def series(city: str, measure: str, level: str) -> pd.DataFrame:
    """Every ACS release of a city or county measure (:func:`indicators.metrics.growth.series`)."""
    from indicators.metrics import growth

    try:
        return growth.series(snapshot(city).table("measures"), measure, level=level)
    except (SnapshotError, ValueError):  # no such series in this city's snapshot
        return pd.DataFrame(columns=["area_id", "year", "period", "estimate", "moe", "note"])


@st.cache_data(show_spinner=False)
def change(city: str, measure: str, level: str) -> pd.DataFrame:
    """Change of a city or county measure between non-overlapping ACS periods, with its significance
    (:func:`indicators.metrics.growth.change_between_periods`)."""
    from indicators.metrics import growth

    try:
        return growth.change_between_periods(snapshot(city).table("measures"), measure, level=level)
    except (SnapshotError, ValueError):  # no such series in this city's snapshot
        return pd.DataFrame()


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
LEVEL_WORDS = {"neighborhood": N_("neighborhood"), "ward": N_("ward"), "district": N_("district"),
               "tract": N_("tract"), "city": N_("city"), "county": N_("county"), "zip": N_("ZIP code")}
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
def arrests_by_race(city: str, level: str = "neighborhood", *, lang: str) -> pd.DataFrame:
    """Arrests per area of ``level`` and race group as counted in the ``arrests`` table, one column per group,
    with a last row (:data:`CITY_ROW`) summing every area and the ``period`` covered (in words, in ``lang``).
    Empty where the table has no rows of that level."""
    arrests = snapshot(city).table("arrests")
    rows = arrests[arrests["geo_level"] == level]
    if rows.empty:
        return pd.DataFrame(columns=["area", "period"])
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


#: the HUD CHAS counts behind :func:`low_income_renter_burden`
CHAS_MEASURES = (housing.CHAS_RENTERS, housing.CHAS_BURDENED)


@st.cache_data(show_spinner=False)
def chas_source_ids(city: str) -> str:
    """The snapshot sources of the city's tract CHAS counts (comma-separated), or "" where it has none."""
    snap = snapshot(city)
    if not snap.has("measures") or not snap.has("weights_tract_neighborhood"):
        return ""
    m = snap.table("measures")
    rows = m[(m["geo_level"] == "tract") & m["measure"].isin(CHAS_MEASURES)]
    return ", ".join(sorted(rows["source_id"].dropna().unique()))


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


@st.cache_data(show_spinner=False)
def vintages(city: str, indicator_id: str, level: str) -> list[int]:
    return compute.vintages(snapshot(city), indicator_id, level)
