"""Choropleth maps for the pages: class breaks (quantiles, or mapclassify's Fisher–Jenks), colour-blind-safe palettes that follow the
indicator's direction, unreliable estimates greyed, and a pydeck layer whose tooltips show only escaped text.

The view fits the city's bounds into the map's size on the reader's screen (a phone's is narrower), area names
are drawn as labels placed here for that view (the larger areas' names first, none over another), and the street
map underneath is the raster tile source the city's config names.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import socket
import time
from urllib.parse import quote

import numpy as np
import orjson
import pandas as pd
import pydeck as pdk
import shapely
from pydeck.bindings import deck as pydeck_deck
from pydeck.bindings.json_tools import default_serialize

from indicators.core import moe as moe_math
from indicators.core.geography import EQUAL_AREA_CRS
from indicators.core.places import Basemap
from indicators.metrics import comparisons
from indicators.metrics.catalog import Indicator
from indicators.core.i18n import translator
from indicators.metrics.text import Words, escape
from ui import i18n as ui_i18n
from ui.i18n import N_, words


# pydeck tries to import its Jupyter widget on every Deck() and does not remember that it failed: each chart then
# searches the import path holding Python's import lock, and concurrent sessions queue on it. The answer cannot
# change while the server runs, so it is asked once.
pydeck_deck.has_jupyter_extra = functools.cache(pydeck_deck.has_jupyter_extra)

# ColorBrewer sequential palettes (colour-blind safe): light = low, dark = high
WORSE_HIGH = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]   # YlOrRd: darker is worse
CONTEXT = ["#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d"]      # PuBu: no judgement
UNRELIABLE_GREY = "#9e9e9e"
# "no figure" is white, hatched in the legend, on every map: a pale grey read as the lightest class
NO_DATA = "#ffffff"
# for a projector, which washes out light colours: the lightest class is a clear colour, and "no figure" is white
# with a hatched legend swatch, so the two are never taken for each other
WORSE_HIGH_CONTRAST = ["#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d"]
CONTEXT_HIGH_CONTRAST = ["#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
NO_DATA_HIGH_CONTRAST = "#ffffff"
#: pixel size of the map the view is fitted to: a phone's column, and the map column of a 1280-pixel screen
PHONE_MAP_WIDTH, DESKTOP_MAP_WIDTH = 340, 660

#: colours of the displacement typology's map labels, in the order of its labels (UDP's map: blue for low-income
#: tracts, purples for gentrification, oranges for exclusive; grey for students and for no data)
CATEGORY_COLOURS = ["#c6dbef", "#9ecae1", "#9e9ac8", "#756bb1", "#54278f", "#fee6ce", "#fdae6b", "#f16913",
                    "#a63603", "#bdbdbd", NO_DATA]

SCHEMES = {"quantiles": N_("Quantiles (equal counts)"), "natural_breaks": N_("Natural breaks (Fisher–Jenks)")}
UNRELIABLE_WORDS = N_("unreliable estimate (CV over 30%)")


def palette(ind: Indicator, k: int, *, high_contrast: bool = False) -> list[str]:
    """Colours from lowest to highest class; darker always means worse where the indicator has a direction."""
    if high_contrast:
        base = CONTEXT_HIGH_CONTRAST if ind.direction == "context" else WORSE_HIGH_CONTRAST
    else:
        base = CONTEXT if ind.direction == "context" else WORSE_HIGH
    colours = [base[round(i * (len(base) - 1) / max(k - 1, 1))] for i in range(k)]
    return colours[::-1] if ind.direction == "higher_is_better" else colours


def class_breaks(values: pd.Series, scheme: str = "quantiles", k: int = 5) -> list[float]:
    """Upper bounds of each class (the last is the maximum)."""
    y = values.dropna().to_numpy(float)
    if len(y) == 0:
        return []
    k = max(1, min(k, len(np.unique(y))))
    if k == 1:
        return [float(y.max())]
    if scheme == "natural_breaks":
        import mapclassify  # brings scipy and scikit-learn: 1–3 s on a cold start, so only when asked for

        return [float(b) for b in mapclassify.FisherJenks(y, k=k).bins]
    return quantile_breaks(y, k)


def quantile_breaks(y: np.ndarray, k: int) -> list[float]:
    """Upper bounds of ``k`` quantile classes exactly as ``mapclassify.Quantiles`` computes them (percentiles in
    steps of 100/k, repeated bounds merged), without importing mapclassify on the landing page's path."""
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    percents[-1] = min(percents[-1], 100.0)
    return [float(b) for b in np.unique(np.percentile(y, percents))]


def classify(values: pd.Series, breaks: list[float]) -> pd.Series:
    if not breaks:
        return pd.Series(np.nan, index=values.index)
    idx = np.searchsorted(np.asarray(breaks), values.to_numpy(float), side="left")
    out = pd.Series(np.minimum(idx, len(breaks) - 1).astype(float), index=values.index)
    return out.where(values.notna())


def hex_rgba(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)] + [alpha]


def map_frame(areas, result: pd.DataFrame, ind: Indicator, *, scheme: str = "quantiles", k: int = 5,
              names: dict[str, str] | None = None, high_contrast: bool = False, language: str | None = None):
    """Join areas and results; add class, colour, rank and the tooltip text (escaped). ``names`` (area id → the
    name to show, e.g. a tract with its neighborhoods) replaces the areas' own names in tooltips and labels;
    ``language`` is the reader's unless given (a picture made outside any reader's session)."""
    # the reader's language read once: a state's 3,400 tooltips asked the session for it 3,400 times
    language = language or ui_i18n.lang()
    _ = translator(language)
    frame = areas.merge(result, on="area_id", how="left")
    if names:
        frame["name"] = frame["area_id"].map(names).fillna(frame["name"])
    # rank 1 = the area where the indicator is worst (or highest, for context indicators), with the range of ranks
    # the margins of error allow and a mark for unreliable figures
    frame = comparisons.rank_areas(frame, direction=ind.direction, uncertainty=ind.uncertainty)
    if ind.unit == "category":
        breaks = [float(i) for i in range(1, len(CATEGORY_COLOURS) + 1)]
        colours = CATEGORY_COLOURS
        frame["rank"] = np.nan  # types are not ranked
    else:
        breaks = [0.0, 1.0] if ind.unit == "flag" else class_breaks(frame["estimate"], scheme, k)
        colours = palette(ind, len(breaks), high_contrast=high_contrast)
    frame["klass"] = classify(frame["estimate"], breaks)
    unreliable = frame["reliability"] == moe_math.UNRELIABLE
    no_data = NO_DATA_HIGH_CONTRAST if high_contrast else NO_DATA
    frame["fill"] = [
        hex_rgba(no_data) if pd.isna(c) else hex_rgba(UNRELIABLE_GREY) if u else hex_rgba(colours[int(c)])
        for c, u in zip(frame["klass"], unreliable)]
    frame["tip_name"] = frame["name"].map(escape)
    fmt = Words(language)
    columns = [c for c in ("estimate", "moe", "lower", "upper") if c in frame]
    frame["tip_value"] = [escape(fmt.value_with_uncertainty(ind, row)) for row in frame[columns].to_dict("records")]
    # a yes/no flag has no order worth a rank
    frame["tip_rank"] = [escape(_("rank {rank}", rank=fmt.rank(row))) if pd.notna(row["rank"]) and ind.unit != "flag"
                         else "" for row in frame[["rank", "n", "rank_low", "rank_high", "rank_mark"]].to_dict("records")]
    frame["tip_note"] = np.where(unreliable, escape(_(UNRELIABLE_WORDS)), "")
    return frame, breaks, colours


def legend_rows(ind: Indicator, breaks: list[float], colours: list[str], lowest: float | None, *,
                high_contrast: bool = False, language: str | None = None) -> list[tuple[str, str]]:
    _ = translator(language) if language else ui_i18n._
    fmt = Words(language) if language else words()
    no_data = NO_DATA_HIGH_CONTRAST if high_contrast else NO_DATA
    if ind.unit == "category":
        return [(c, fmt.value(ind, float(i))) for i, c in enumerate(colours, start=1)]
    if ind.unit == "flag":
        return [(colours[0], fmt.value(ind, 0.0)), (colours[-1], fmt.value(ind, 1.0)), (no_data, fmt.value(ind, None))]
    rows = []
    lower = lowest
    for b, c in zip(breaks, colours):
        lo = fmt.value(ind, lower, with_unit=False) if lower is not None else "…"
        rows.append((c, f"{lo} – {fmt.value(ind, b, with_unit=False)}"))
        lower = b
    rows.append((UNRELIABLE_GREY, _(UNRELIABLE_WORDS)))
    rows.append((no_data, _("no figure")))
    return rows


#: the swatch of "no figure" on a white map: hatched, so it reads as empty, not as the lightest class
HATCH = "repeating-linear-gradient(45deg,#fff 0 3px,#999 3px 4px)"


def legend_html(title: str, rows: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<div style="display:flex;align-items:center;gap:.5em;margin:.15em 0">'  # i18n: not shown
        f'<span style="display:inline-block;flex:none;width:1.4em;height:1em;'  # i18n: not shown
        f'background:{HATCH if c in (NO_DATA, NO_DATA_HIGH_CONTRAST) else c};border:1px solid #555"></span>'  # i18n: not shown
        f'<span>{escape(label)}</span></div>' for c, label in rows)
    return f'<div role="img" aria-label="{escape(title)}"><strong>{escape(title)}</strong>{items}</div>'  # i18n: not shown


_online_checked: dict[str, tuple[float, bool]] = {}


def basemap_reachable(host: str) -> bool:
    """Whether the tile server ``host`` answers from here, so the reader's browser is likely to reach it too
    (asked at most every 10 minutes per host)."""
    now = time.monotonic()
    checked = _online_checked.get(host)
    if checked and now - checked[0] < 600:
        return checked[1]
    try:
        with socket.create_connection((host, 443), timeout=0.5):
            ok = True
    except OSError:
        ok = False
    _online_checked[host] = (now, ok)
    return ok


def street_style(basemap: Basemap) -> str:
    """A map style that draws the raster tiles of ``basemap``, as a ``data:`` URL (the map library fetches a
    style by its URL; this one needs no server of its own)."""
    style = {"version": 8, "sources": {"streets": {"type": "raster", "tiles": [basemap.tiles], "tileSize": 256,
                                                   "attribution": basemap.attribution}},
             "layers": [{"id": "streets", "type": "raster", "source": "streets"}]}  # i18n: not shown
    return "data:application/json;charset=utf-8," + quote(json.dumps(style, separators=(",", ":")))


def mercator_y(lat):
    """Web Mercator's y of a latitude in degrees (a number or an array), in world widths north of the equator."""
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi)


def fitted_view(bounds, width: float, height: float, *, padding: float = 0.92) -> pdk.ViewState:
    """The centre and the (fractional) zoom at which ``bounds`` (min lon, min lat, max lon, max lat) fill a map of
    ``width`` × ``height`` pixels (Web Mercator, 512-pixel world at zoom 0, as deck.gl draws it).

    >>> v = fitted_view((-80.1, 40.36, -79.86, 40.5), 660, 560)
    >>> round(v.zoom, 2), round(v.longitude, 2)
    (10.8, -79.98)
    """
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    dx = max((maxx - minx) / 360, 1e-9)
    dy = max(abs(float(mercator_y(maxy) - mercator_y(miny))), 1e-9)
    zoom = math.log2(min(width * padding / (512 * dx), height * padding / (512 * dy)))
    centre_y = float(mercator_y(maxy) + mercator_y(miny)) / 2
    latitude = math.degrees(2 * math.atan(math.exp(centre_y * 2 * math.pi)) - math.pi / 2)
    return pdk.ViewState(longitude=(minx + maxx) / 2, latitude=latitude, zoom=round(zoom, 2), pitch=0)


def fitted_height(bounds, width: float, *, lowest: int = 280, highest: int = 560, padding: float = 0.92) -> int:
    """The height of a map ``width`` pixels wide that the area's bounds fill across (a wide city needs less
    height on a phone than a tall one), between ``lowest`` and ``highest`` pixels."""
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    ratio = abs(float(mercator_y(maxy) - mercator_y(miny))) / max((maxx - minx) / 360, 1e-9)
    return int(min(max(width * ratio / padding + 40, lowest), highest))


def short_label(name: str, limit: int = 24) -> str:
    """A name short enough for a map label: a long one (``Cluster 8: Downtown, Chinatown, …``) by its first
    place after the colon."""
    text = str(name)
    if len(text) <= limit:
        return text
    first = text.split(": ", 1)[-1].split(", ")[0]
    return (first[:limit - 1] + "…") if len(first) > limit else first + "…"


def labels(frame) -> pd.DataFrame:
    """One label point inside each area (never outside a crescent-shaped one), with its short name and, as the
    label's priority where labels collide, the area's size."""
    points = frame.geometry.representative_point()
    size = frame.geometry.to_crs(EQUAL_AREA_CRS).area
    rank = size.rank(method="first").astype(int)
    return pd.DataFrame({"text": frame["name"].map(short_label), "position": [[p.x, p.y] for p in points],
                         "priority": rank.clip(upper=1000)})


#: the label's background padding, pixels across and down (deck.gl's ``background_padding``)
LABEL_PADDING = (3, 1)
#: the room kept around a label, as a share of its size, so that names do not touch
LABEL_ROOM = 0.05
#: a label's advance per character, in ems, for narrow, wide, capital and other characters: measured on DejaVu Sans
#: Bold, wider than the page's font (Source Sans, which the names are drawn in) and than the usual sans-serifs a
#: browser falls back to before that font has loaded
_NARROW, _WIDE = set("fijlrtI.,:;'’ -()|!1"), set("mwMW@%")


def label_width(text: str, size: float) -> float:
    """About how many pixels wide ``text`` is at ``size`` pixels, with the label's background padding."""
    ems = sum(0.32 if c in _NARROW else 0.9 if c in _WIDE else 0.66 if c.isupper() else 0.56 for c in str(text))
    return ems * size + 2 * LABEL_PADDING[0]


def placed_labels(points: pd.DataFrame, view: pdk.ViewState, size: tuple[float, float],
                  label_size: float) -> pd.DataFrame:
    """The labels of ``points`` (from :func:`labels`) that fit the first view of a map of ``size`` pixels: the
    larger areas' names first, each where no name already placed is, and only those that are whole on the map.

    Placed here rather than by deck.gl's collision filter, which drew a first view three to five times and took
    more than a second of the browser's time on a computer without a graphics card; a name that does not fit the
    first view is in the area's tooltip and in the table under the map.
    """
    if points is None or not len(points):
        return points
    scale = 512 * 2 ** float(view.zoom)   # the world's width in pixels at the view's zoom
    xy = np.array(points["position"].tolist(), dtype=float)
    x = (xy[:, 0] - float(view.longitude)) / 360 * scale + size[0] / 2
    y = (float(mercator_y(view.latitude)) - mercator_y(np.clip(xy[:, 1], -85, 85))) * scale + size[1] / 2
    half_w = np.array([label_width(t, label_size) for t in points["text"]]) * (1 + LABEL_ROOM) / 2
    half_h = (label_size * 1.2 + 2 * LABEL_PADDING[1]) * (1 + LABEL_ROOM) / 2
    # the whole name on the map: one cut off at its edge reads as another
    on_map = (x - half_w >= 0) & (x + half_w <= size[0]) & (y - half_h >= 0) & (y + half_h <= size[1])
    order = np.lexsort((np.arange(len(points)), -points["priority"].to_numpy()))
    kept: list[int] = []
    boxes = np.empty((0, 4))
    for i in order:
        if not on_map[i]:
            continue
        box = (x[i] - half_w[i], x[i] + half_w[i], y[i] - half_h, y[i] + half_h)
        if len(boxes) and ((boxes[:, 0] < box[1]) & (box[0] < boxes[:, 1]) & (boxes[:, 2] < box[3])
                           & (box[2] < boxes[:, 3])).any():
            continue
        kept.append(i)
        boxes = np.vstack([boxes, box])
    return points.iloc[sorted(kept)]


#: decimal places of the coordinates sent to the browser: 1e-5 degrees, about a metre
MAP_DECIMALS = 5
#: the geometry types :func:`shapes_of` writes from its arrays of coordinates (others go through shapely's mapping)
POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


def shapes_of(areas) -> dict[str, dict]:
    """area_id → the area's geometry as a GeoJSON mapping (made once per level by ``ui.data.area_shapes``), its
    coordinates rounded to :data:`MAP_DECIMALS` places: further digits only lengthen the map's data (a state's
    tracts took 5 MB unrounded).

    A ring's coordinates are a slice of one NumPy array of all of them, which :meth:`CompactDeck.to_json` writes as
    it is: turning a state's 105,000 points into Python lists or tuples took 0.07–0.1 s, most of it the garbage
    collector looking through the server's objects as the lists were made."""
    geometries = np.asarray(areas.geometry.values)
    ids = np.asarray(areas["area_id"], dtype=object)
    shapes = {}
    polygonal = np.isin(shapely.get_type_id(geometries), POLYGONAL)
    for area_id, geometry in zip(ids[~polygonal], geometries[~polygonal]):
        shapes[area_id] = shapely.geometry.mapping(shapely.transform(geometry, _rounded))
    if not polygonal.any():
        return shapes
    kind, coordinates, offsets = shapely.to_ragged_array(geometries[polygonal])
    xy = np.ascontiguousarray(_rounded(coordinates))
    rings = [xy[a:b] for a, b in itertools.pairwise(offsets[0].tolist())]
    polygons = [rings[a:b] for a, b in itertools.pairwise(offsets[1].tolist())]
    if kind == shapely.GeometryType.POLYGON:
        shapes.update((area_id, {"type": "Polygon", "coordinates": polygon})  # i18n: not shown
                      for area_id, polygon in zip(ids[polygonal], polygons))
        return shapes
    # a mix, written as multipolygons: each area as it was, a polygon or a multipolygon
    single = shapely.get_type_id(geometries[polygonal]) == shapely.GeometryType.POLYGON
    for area_id, one, (a, b) in zip(ids[polygonal], single, itertools.pairwise(offsets[2].tolist())):
        shapes[area_id] = ({"type": "Polygon", "coordinates": polygons[a]} if one  # i18n: not shown
                           else {"type": "MultiPolygon", "coordinates": polygons[a:b]})  # i18n: not shown
    return shapes


def _rounded(xy: np.ndarray) -> np.ndarray:
    return np.round(xy, MAP_DECIMALS)


def deck(frame, *, opacity: float = 0.8, basemap: Basemap | None | bool = None, layer_id: str = "areas",
         shapes: dict[str, dict] | None = None, size: tuple[float, float] = (DESKTOP_MAP_WIDTH, 560),
         label_points: pd.DataFrame | None = None, label_size: int = 12) -> pdk.Deck:
    """The map of ``frame`` (from :func:`map_frame`), fitted to a map of ``size`` pixels; ``shapes`` (from
    :func:`shapes_of`, cached) spares turning the polygons into GeoJSON on every rerun. ``label_points`` (from
    :func:`labels`) draws the areas' names; ``basemap`` the street map under them."""
    shapes = shapes if shapes is not None else shapes_of(frame)
    properties = frame[["area_id", "tip_name", "tip_value", "tip_rank", "tip_note", "fill"]].to_dict("records")
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapes[p["area_id"]], "properties": p} for p in properties]}  # i18n: not shown
    view = fitted_view(frame.total_bounds, *size)
    layers = [pdk.Layer("GeoJsonLayer", geo, id=layer_id, pickable=True, stroked=True, filled=True,
                        get_fill_color="properties.fill", get_line_color=[60, 60, 60, 200], line_width_min_pixels=1,
                        opacity=opacity, auto_highlight=True, highlight_color=[31, 78, 121, 120])]
    names = placed_labels(label_points, view, size, label_size) if label_points is not None else None
    if names is not None and len(names):
        layers.append(pdk.Layer(
            "TextLayer", names[["text", "position"]], id=f"{layer_id}_names", pickable=False,
            get_position="position", get_text="text", get_size=label_size, size_units="'pixels'",
            get_color=[20, 20, 20, 255], background=True, get_background_color=[255, 255, 255, 215],
            background_padding=list(LABEL_PADDING), font_family="`Source Sans, sans-serif`",  # i18n: not shown
            font_weight=600, character_set="'auto'", get_text_anchor="'middle'",
            get_alignment_baseline="'center'"))  # i18n: not shown
    tooltip = {"text": "{tip_name}\n{tip_value}\n{tip_rank}\n{tip_note}"}
    return CompactDeck(layers=layers, initial_view_state=view, tooltip=tooltip, **base_map(basemap))


def base_map(basemap: Basemap | None | bool = None) -> dict:
    """The arguments of ``pydeck.Deck`` for the map under the areas: ``basemap``'s street tiles, or none at all.

    No street map is ``map_provider=None`` with pydeck's default ``map_style``. ``map_style=None`` is not "none":
    Streamlit reads it as "the theme's base map" and every reader's browser then fetches a Carto style, whether
    the reader chose a street map or not."""
    if isinstance(basemap, Basemap):
        return {"map_provider": None, "map_style": street_style(basemap)}
    return {"map_provider": None}


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation (pydeck indents by two spaces, which for polygons was most of the bytes
    sent to the browser: a coordinate pair took five lines), written by orjson, which writes NumPy arrays (the
    polygons of :func:`shapes_of`) without making Python objects of them, and a state's 3 MB in a fifth of the
    time of the standard library. Keys are sorted, as pydeck sorts them; a missing number is ``null``."""

    def to_json(self) -> str:
        return orjson.dumps(self, default=default_serialize,
                            option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


class ReadyDeck:
    """A map already turned into deck.gl's JSON, for ``st.pydeck_chart``: made once per view (``ui.data.map_deck``)
    and sent again as it is, where building the layers and encoding 150 KB of JSON was a fifth of a map rerun."""

    layers = None   # nothing left for Streamlit to convert before sending

    def __init__(self, deck: pdk.Deck):
        self.json = deck.to_json()
        self._tooltip = getattr(deck, "_tooltip", None)

    def to_json(self) -> str:
        return self.json
