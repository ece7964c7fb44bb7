"""Choropleth maps for the pages: class breaks (quantiles, or mapclassify's Fisher–Jenks), colour-blind-safe palettes that follow the
indicator's direction, unreliable estimates greyed, and a pydeck layer whose tooltips show only escaped text.
"""

from __future__ import annotations

import functools
import json
import socket
import time

import numpy as np
import pandas as pd
import pydeck as pdk
import shapely
from pydeck.bindings import deck as pydeck_deck
from pydeck.bindings.json_tools import default_serialize

from indicators.core import moe as moe_math
from indicators.metrics import comparisons
from indicators.metrics.catalog import Indicator
from indicators.metrics.text import escape
from ui.i18n import N_, _, words


# pydeck tries to import its Jupyter widget on every Deck() and does not remember that it failed: each chart then
# searches the import path holding Python's import lock, and concurrent sessions queue on it. The answer cannot
# change while the server runs, so it is asked once.
pydeck_deck.has_jupyter_extra = functools.cache(pydeck_deck.has_jupyter_extra)

# ColorBrewer sequential palettes (colour-blind safe): light = low, dark = high
WORSE_HIGH = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]   # YlOrRd: darker is worse
CONTEXT = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]      # PuBu: no judgement
UNRELIABLE_GREY = "#9e9e9e"
NO_DATA = "#f5f5f5"

#: colours of the displacement typology's map labels, in the order of its labels (UDP's map: blue for low-income
#: tracts, purples for gentrification, oranges for exclusive; grey for students and for no data)
CATEGORY_COLOURS = ["#c6dbef", "#9ecae1", "#9e9ac8", "#756bb1", "#54278f", "#fee6ce", "#fdae6b", "#f16913",
                    "#a63603", "#bdbdbd", NO_DATA]

SCHEMES = {"quantiles": N_("Quantiles (equal counts)"), "natural_breaks": N_("Natural breaks (Fisher–Jenks)")}
UNRELIABLE_WORDS = N_("unreliable estimate (CV over 30%)")


def palette(ind: Indicator, k: int) -> list[str]:
    """Colours from lowest to highest class; darker always means worse where the indicator has a direction."""
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


def map_frame(areas, result: pd.DataFrame, ind: Indicator, *, scheme: str = "quantiles", k: int = 5):
    """Join areas and results; add class, colour, rank and the tooltip text (escaped)."""
    frame = areas.merge(result, on="area_id", how="left")
    # rank 1 = the area where the indicator is worst (or highest, for context indicators), with the range of ranks
    # the margins of error allow and a mark for unreliable figures
    frame = comparisons.rank_areas(frame, direction=ind.direction, uncertainty=ind.uncertainty)
    if ind.unit == "category":
        breaks = [float(i) for i in range(1, len(CATEGORY_COLOURS) + 1)]
        colours = CATEGORY_COLOURS
        frame["rank"] = np.nan  # types are not ranked
    else:
        breaks = [0.0, 1.0] if ind.unit == "flag" else class_breaks(frame["estimate"], scheme, k)
        colours = palette(ind, len(breaks))
    frame["klass"] = classify(frame["estimate"], breaks)
    unreliable = frame["reliability"] == moe_math.UNRELIABLE
    frame["fill"] = [
        hex_rgba(NO_DATA) if pd.isna(c) else hex_rgba(UNRELIABLE_GREY) if u else hex_rgba(colours[int(c)])
        for c, u in zip(frame["klass"], unreliable)]
    frame["tip_name"] = frame["name"].map(escape)
    fmt = words()
    columns = [c for c in ("estimate", "moe", "lower", "upper") if c in frame]
    frame["tip_value"] = [escape(fmt.value_with_uncertainty(ind, row)) for row in frame[columns].to_dict("records")]
    frame["tip_rank"] = [escape(_("rank {rank}", rank=fmt.rank(row))) if pd.notna(row["rank"]) else ""
                         for row in frame[["rank", "n", "rank_low", "rank_high", "rank_mark"]].to_dict("records")]
    frame["tip_note"] = np.where(unreliable, escape(_(UNRELIABLE_WORDS)), "")
    return frame, breaks, colours


def legend_rows(ind: Indicator, breaks: list[float], colours: list[str], lowest: float | None) -> list[tuple[str, str]]:
    fmt = words()
    if ind.unit == "category":
        return [(c, fmt.value(ind, float(i))) for i, c in enumerate(colours, start=1)]
    if ind.unit == "flag":
        return [(colours[0], fmt.value(ind, 0.0)), (colours[-1], fmt.value(ind, 1.0)), (NO_DATA, fmt.value(ind, None))]
    rows = []
    lower = lowest
    for b, c in zip(breaks, colours):
        lo = fmt.value(ind, lower, with_unit=False) if lower is not None else "…"
        rows.append((c, f"{lo} – {fmt.value(ind, b, with_unit=False)}"))
        lower = b
    rows.append((UNRELIABLE_GREY, _(UNRELIABLE_WORDS)))
    rows.append((NO_DATA, _("no figure")))
    return rows


def legend_html(title: str, rows: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<div style="display:flex;align-items:center;gap:.5em;margin:.15em 0">'  # i18n: not shown
        f'<span style="display:inline-block;width:1.4em;height:1em;background:{c};border:1px solid #555"></span>'  # i18n: not shown
        f'<span>{escape(label)}</span></div>' for c, label in rows)
    return f'<div role="img" aria-label="{escape(title)}"><strong>{escape(title)}</strong>{items}</div>'  # i18n: not shown


_online_checked: tuple[float, bool] | None = None


def basemap_reachable() -> bool:
    """Whether the browser is likely to reach the basemap tiles (checked at most every 10 minutes)."""
    global _online_checked
    now = time.monotonic()
    if _online_checked and now - _online_checked[0] < 600:
        return _online_checked[1]
    try:
        with socket.create_connection(("basemaps.cartocdn.com", 443), timeout=0.5):
            ok = True
    except OSError:
        ok = False
    _online_checked = (now, ok)
    return ok


def shapes_of(areas) -> dict[str, dict]:
    """area_id → the area's geometry as a GeoJSON mapping (made once per level by ``ui.data.area_shapes``)."""
    return {area_id: shapely.geometry.mapping(geometry) for area_id, geometry in zip(areas["area_id"], areas.geometry)}


def deck(frame, *, opacity: float = 0.8, basemap: bool = False, layer_id: str = "areas",
         shapes: dict[str, dict] | None = None) -> pdk.Deck:
    """The map of ``frame`` (from :func:`map_frame`); ``shapes`` (from :func:`shapes_of`, cached) spares turning the
    polygons into GeoJSON on every rerun."""
    shapes = shapes if shapes is not None else shapes_of(frame)
    properties = frame[["area_id", "tip_name", "tip_value", "tip_rank", "tip_note", "fill"]].to_dict("records")
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapes[p["area_id"]], "properties": p} for p in properties]}  # i18n: not shown
    bounds = frame.total_bounds
    view = pdk.ViewState(longitude=float((bounds[0] + bounds[2]) / 2), latitude=float((bounds[1] + bounds[3]) / 2),
                         zoom=11, pitch=0)
    layer = pdk.Layer("GeoJsonLayer", geo, id=layer_id, pickable=True, stroked=True, filled=True,
                      get_fill_color="properties.fill", get_line_color=[60, 60, 60, 200], line_width_min_pixels=1,
                      opacity=opacity, auto_highlight=True, highlight_color=[31, 78, 121, 120])
    tooltip = {"text": "{tip_name}\n{tip_value}\n{tip_rank}\n{tip_note}"}
    return CompactDeck(layers=[layer], initial_view_state=view, tooltip=tooltip,
                       map_style=pdk.map_styles.CARTO_LIGHT if basemap else None,
                       map_provider="carto" if basemap else None)


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck indents by two spaces, which for polygons is most of the
    bytes sent to the browser (a coordinate pair took five lines)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
