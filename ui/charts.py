"""Charts and tables for the pages, drawn with Apache ECharts (``st.echarts_chart``): every chart comes with the same
figures as a table, series are told apart by marker shape, line dash or bar pattern as well as colour, and no text
from the data is read as markup (tooltips are HTML-escaped; texts drawn on the canvas cannot open ECharts'
``{name|…}`` styles or ``{b}`` placeholders).

Charts fit a phone: titles are wrapped to the width at hand, legends sit below the plot, never over the title, and
every chart can be saved as a PNG image from its toolbar. They are drawn at once, without ECharts' entry animation.

ECharts' code is a quarter of plotly's, which the pages drew with before: a reader's first chart of a tab came
0.5–0.6 s later with plotly (see ``bench/README.md``).
"""

from __future__ import annotations

import html
import math
import textwrap
from dataclasses import dataclass
from types import SimpleNamespace

import pandas as pd
import streamlit as st

from indicators.metrics.catalog import Indicator
from indicators.metrics.text import escape_markdown
from ui import state, tables
from ui.i18n import _, words


# Okabe–Ito: distinguishable with the common colour-vision deficiencies
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
#: bar fills after the first plain one: slanted lines, dots, crossed lines, level lines, …
PATTERNS = [
    {"symbol": "none"},
    {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": -math.pi / 4},
    {"symbol": "circle", "symbolSize": 0.7, "dashArrayX": [[0, 4, 4, 0]], "dashArrayY": [3, 3]},
    {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": math.pi / 4},
    {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": 0},
    {"symbol": "rect", "dashArrayX": [1, 0], "dashArrayY": [2, 5], "rotation": math.pi / 2},
    {"symbol": "triangle", "symbolSize": 0.8, "dashArrayX": [[0, 5, 5, 0]], "dashArrayY": [4, 4]},
]
SYMBOLS = ["circle", "rect", "diamond", "triangle", "roundRect", "pin", "arrow"]
DASHES = ["solid", "dotted", "dashed"]
CITY_LINE = "#444444"
GRID_LINE = "#e5e5e5"

#: axis labels per catalog unit, after :func:`percent_points` (ECharts puts thousands separators in ``{value}``)
AXIS_LABELS = {"share": "{value}%", "percent_change": "{value}%", "dollars": "${value}"}

#: characters per title line: a phone's column, a desktop's full width
PHONE_TITLE_WIDTH, DESKTOP_TITLE_WIDTH = 38, 80
#: the toolbar's icon and the room around it, in pixels (an icon a finger can tap, at the chart's top right corner)
TOOLBOX_ICON, TOOLBOX_PADDING = 20, 4
#: the narrowest width, in pixels, a chart has on a phone (or in half a desktop's page) and on a desktop
PHONE_WIDTH, DESKTOP_WIDTH = 320, 640
TITLE_SIZE, TITLE_LINE = 15, 20
#: what a chart of category rows needs beside its rows: the value axis's labels under them
AXIS_ROOM = 30


@dataclass
class Chart:
    """An ECharts option and the height to draw it at, in pixels."""
    option: dict
    height: int


def plain(text) -> str:
    """A text for ECharts' canvas (titles, axis names, labels, legend): as written, but a brace cannot open a rich
    text style (``{name|…}``) or a placeholder (``{b}``, ``{@name}``): a zero-width space follows it."""
    return str(text).replace("{", "{\u200b")


def tip(text) -> str:
    """A text for an HTML tooltip: escaped, braces as character references (so no placeholder is read in it),
    line breaks kept."""
    escaped = html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("\n", "<br>")


def toolbox() -> dict:
    """ECharts' toolbar with what readers use: save the chart as a PNG image, at twice the screen's resolution
    for slides and handouts (ECharts draws it on the canvas, so it shows on touch screens too)."""
    return {"right": 0, "top": 0, "padding": TOOLBOX_PADDING, "itemSize": TOOLBOX_ICON, "feature": {"saveAsImage": {
        "title": _("Save as image (PNG)"), "name": "chart", "pixelRatio": 2, "backgroundColor": "#ffffff"}}}


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(plain(text), width)) if width else plain(text)


def _title_width(title_width: int | None) -> int:
    return min(title_width or DESKTOP_TITLE_WIDTH, PHONE_TITLE_WIDTH if state.on_phone() else DESKTOP_TITLE_WIDTH)


def _with_margin(unit: str, x, moe) -> str:
    return words().value_with_margin(SimpleNamespace(unit=unit), x, moe)


def _scaled(unit: str, x):
    """A figure as the axis shows it: shares and percent changes in percent; ``None`` for a missing one."""
    if x is None or pd.isna(x):
        return None
    return float(x) * 100 if unit in ("share", "percent_change") else float(x)


def _value_axis(unit: str, title: str = "", *, across: bool, zero: bool = False) -> dict:
    """A value axis in the unit's words; from zero (``zero``, for bars) or around the figures."""
    return {"type": "value", "scale": not zero, "axisLabel": {"formatter": AXIS_LABELS.get(unit, "{value}")},
            "axisLine": {"onZero": False},
            "splitLine": {"lineStyle": {"color": GRID_LINE}}, **_axis_name(title, across=across)}


def _axis_name(title: str, *, across: bool) -> dict:
    if not title:
        return {}
    width = _title_width(None)
    if across:  # under the axis, centred
        return {"name": _wrap(title, width), "nameLocation": "middle", "nameGap": 30,
                "nameTextStyle": {"fontWeight": "bold", "lineHeight": 15}}
    # above the axis, read across like the title (a turned name would collide with long tick labels)
    return {"name": _wrap(title, width), "nameLocation": "end", "nameGap": 12,
            "nameTextStyle": {"fontWeight": "bold", "align": "left", "lineHeight": 15}}


def _legend_rows(names: list[str], width: int) -> int:
    """How many rows ECharts' legend takes for these names in a chart ``width`` pixels wide: it puts the items in
    a row while they fit (each: a 25 px symbol, gaps, the name at about 7 px a character) and wraps the rest."""
    rows, used = 1, 0
    for name in names:
        item = 25 + 5 + 7 * len(str(name)) + 10
        if used and used + item > width:
            rows, used = rows + 1, 0
        used += item
    return rows


def _layout(series: list[dict], *, title: str, x_axis: dict, y_axis: dict, height: int,
            title_width: int | None = None, legend: list[str] | None = None, x_named: bool = False) -> Chart:
    """The option around ``series``: the title, the toolbar, the legend, the tooltips; ``height`` is the plot's
    with its axis labels, to which the title's, the axis names' and the legend's room are added."""
    # ECharts does not wrap titles: a long one is broken into lines that fit the screen (``title_width``
    # characters for a chart in a narrow column). The legend sits under the plot, where it can take as many rows
    # as it needs without covering the title or the bars.
    lines = textwrap.wrap(plain(title), _title_width(title_width)) or [""]
    top = 26 + TITLE_LINE * len(lines) + (24 if y_axis.get("name") else 0)
    names = legend or []
    narrow = state.on_phone() or (title_width or DESKTOP_TITLE_WIDTH) < DESKTOP_TITLE_WIDTH
    legend_rows = _legend_rows(names, PHONE_WIDTH if narrow else DESKTOP_WIDTH) if len(names) >= 2 else 0
    bottom = 10 + 24 * legend_rows + (34 if x_named else 0)
    option = {
        "animation": False,
        "title": {"text": "\n".join(lines), "left": 0, "top": 4, "padding": [4, 40, 4, 0],
                  "textStyle": {"fontSize": TITLE_SIZE, "lineHeight": TITLE_LINE, "fontWeight": "bold"}},
        "grid": {"left": 10, "right": 36, "top": top, "bottom": bottom, "containLabel": True},
        "xAxis": x_axis, "yAxis": y_axis, "series": series,
        "tooltip": {"trigger": "item", "confine": True},
        "toolbox": toolbox(),
    }
    if legend_rows:
        option["legend"] = {"data": [plain(n) for n in names], "bottom": 0, "left": 0, "type": "plain"}
    return Chart(option, height + top + bottom)


def _category_axis(labels: list[str], *, wrap: int = 0, down: bool = False) -> dict:
    axis = {"type": "category", "data": [plain(t) for t in labels],
            "axisLabel": {"interval": 0, "hideOverlap": False}, "axisTick": {"alignWithLabel": True}}
    if wrap:
        axis["axisLabel"].update({"width": wrap, "overflow": "break", "lineHeight": 15})
    if down:  # the first category at the top, as a table reads
        axis["inverse"] = True
    return axis


def _city_line(value: float, *, axis: str, label: str = "", label_at: str = "end") -> dict:
    """A dashed line across the plot at the city figure (already scaled), labelled at its ``label_at`` end."""
    return {"silent": True, "symbol": ["none", "none"], "animation": False,
            "lineStyle": {"type": "dashed", "color": CITY_LINE, "width": 1.5},
            "label": {"show": bool(label), "formatter": plain(label), "position": label_at, "color": CITY_LINE},
            "data": [{axis: value}]}


def _reach(points: list[list]) -> dict:
    """Unseen points that the axes must reach: ECharts fits an axis to the series' data, not to a line marked
    across the plot (a city figure outside the areas' range would be left off the chart)."""
    return {"type": "scatter", "silent": True, "symbolSize": 0, "tooltip": {"show": False}, "data": points}


def _rows_height(names: list[str], wrap_px: int, *, least: int = 38) -> int:
    """The height of a chart's category rows: ``least`` pixels a row, more where a name is broken into lines at
    ``wrap_px`` pixels (at about 7 px a character, 15 px a line)."""
    return sum(max(least, 15 * math.ceil(7 * len(str(n)) / wrap_px) + 12) for n in names)


def _pattern(i: int) -> dict:
    """The fill pattern of the ``i``-th series of bars, drawn in white over its colour."""
    return {**PATTERNS[i % len(PATTERNS)], "color": "rgba(255, 255, 255, 0.55)"}


def _whiskers(name: str, colour: str, segments: list[list[list]], *, across: bool) -> list[dict]:
    """Margins of error as lines with a short bar at each end, in the series ``name`` (so the legend shows and
    hides them with it). ``segments``: ``[[x0, y0], [x1, y1]]`` per figure, in axis values or category indices;
    ``across``: the lines lie along the x axis."""
    look = {"name": name, "silent": True, "z": 1, "tooltip": {"show": False}}
    return [{**look, "type": "lines", "coordinateSystem": "cartesian2d", "symbol": ["none", "none"],
             "lineStyle": {"color": colour, "width": 2, "opacity": 0.8},
             "data": [{"coords": pair} for pair in segments]},
            {**look, "type": "scatter", "symbol": "rect", "symbolSize": [2, 10] if across else [10, 2],
             "itemStyle": {"color": colour, "opacity": 0.8}, "data": [end for pair in segments for end in pair]}]


def grouped_bars(frame: pd.DataFrame, *, category: str, value: str, series: str, title: str, value_title: str,
                 hover: str | None = None, horizontal: bool = False) -> Chart:
    """Bars of ``value`` per ``category``, one bar per ``series`` value side by side (each series has its own
    colour and fill pattern), each labelled with its value. ``hover`` names a column of ready-made hover text;
    ``horizontal`` lays the categories down the side, where long names stay readable."""
    categories = list(dict.fromkeys(frame[category]))
    position = {c: i for i, c in enumerate(categories)}
    series_list, names = [], []
    for i, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        values: list = [None] * len(categories)
        for row in rows.itertuples(index=False):
            v = getattr(row, value)
            if pd.isna(v):
                continue
            item = {"value": float(v), "label": {"formatter": f"{v:,.0f}"}}
            if hover:
                item["tooltip"] = {"formatter": tip(getattr(row, hover))}
            values[position[getattr(row, category)]] = item
        names.append(str(name))
        series_list.append({
            "type": "bar", "name": plain(name), "data": values,
            "label": {"show": True, "position": "right" if horizontal else "top"},
            "itemStyle": {"color": COLOURS[i % len(COLOURS)], "borderColor": "#333", "borderWidth": 0.5,
                          "decal": _pattern(i)}})
    top = float(frame[value].max()) if len(frame) else 0.0
    values_axis = _value_axis("count", value_title, across=True, zero=True)
    if top > 0:
        values_axis["boundaryGap"] = [0, "18%"]  # room beyond the longest bar for its value label
    if horizontal:
        # on a phone, long category names are broken into lines so the bars keep most of the width
        wrap = 120 if state.on_phone() else 220
        return _layout(series_list, title=title, x_axis=values_axis,
                       y_axis=_category_axis(categories, wrap=wrap, down=True), legend=names, x_named=True,
                       height=max(200, AXIS_ROOM + _rows_height(categories, wrap, least=44)))
    values_axis.update(_axis_name(value_title, across=False))
    return _layout(series_list, title=title, x_axis=_category_axis(categories, wrap=90), y_axis=values_axis,
                   legend=names, height=320)


def dot_whisker(frame: pd.DataFrame, ind: Indicator, *, title: str, city_estimate: float | None = None) -> Chart:
    """One dot per area (``name``, ``estimate``, ``moe``) with its 90% margin of error as a whisker, and the
    city figure as a dashed line."""
    shown = frame.dropna(subset=["estimate"])
    fmt = words()
    unit = ind.unit
    dots, segments = [], []
    for i, (n, e, m) in enumerate(zip(shown["name"], shown["estimate"], shown["moe"])):
        dots.append({"value": [_scaled(unit, e), i],
                     "tooltip": {"formatter": tip(f"{n}: {fmt.value_with_margin(ind, e, m)}")}})
        if not pd.isna(m):
            segments.append([[_scaled(unit, e - m), i], [_scaled(unit, e + m), i]])
    name = plain(_("Neighborhood (± 90% margin of error)"))
    dot = {"type": "scatter", "name": name, "data": dots, "symbol": "circle", "symbolSize": 11, "z": 3,
           "itemStyle": {"color": COLOURS[0], "opacity": 1}}
    drawn = [dot, *_whiskers(name, COLOURS[0], segments, across=True)]
    if city_estimate is not None and pd.notna(city_estimate):
        # labelled above the plot (the rows read down: the line starts at the top), clear of the axis's labels
        dot["markLine"] = _city_line(_scaled(unit, city_estimate), axis="xAxis", label_at="start",
                                     label=_("City: {value}", value=fmt.value(ind, city_estimate)))
        drawn.append(_reach([[_scaled(unit, city_estimate), 0]]))
    wrap = 120 if state.on_phone() else 220
    return _layout(drawn, title=title, x_axis=_value_axis(unit, ind.title, across=True),
                   y_axis=_category_axis(list(shown["name"]), wrap=wrap, down=True),
                   x_named=True, height=max(160, AXIS_ROOM + _rows_height(list(shown["name"]), wrap)))


def series_lines(frame: pd.DataFrame, *, x: str, y: str, moe: str, series: str, title: str, unit: str,
                 y_title: str = "", title_width: int | None = None) -> Chart:
    """Lines over time, one per ``series`` value, each with its own marker shape and dash, and MOE whiskers
    (``title_width``: break the title into lines of that many characters, for a chart in a narrow column)."""
    periods = list(dict.fromkeys(frame[x].astype(str)))
    position = {p: i for i, p in enumerate(periods)}
    drawn, names = [], []
    for i, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        colour = COLOURS[i % len(COLOURS)]
        values: list = [None] * len(periods)
        segments = []
        for p, e, m in zip(rows[x].astype(str), rows[y], rows[moe]):
            if pd.isna(e):
                continue
            values[position[p]] = {"value": _scaled(unit, e),
                                   "tooltip": {"formatter": tip(f"{name}, {p}: {_with_margin(unit, e, m)}")}}
            if not pd.isna(m):
                segments.append([[position[p], _scaled(unit, e - m)], [position[p], _scaled(unit, e + m)]])
        names.append(str(name))
        drawn.append({"type": "line", "name": plain(name), "data": values, "symbol": SYMBOLS[i % len(SYMBOLS)],
                      "symbolSize": 9, "connectNulls": True, "z": 3, "itemStyle": {"color": colour},
                      "lineStyle": {"color": colour, "width": 2, "type": DASHES[i % len(DASHES)]}})
        drawn += _whiskers(plain(name), colour, segments, across=False)
    periods_axis = _category_axis(periods)
    if len(periods) > 5 and (state.on_phone() or title_width):  # a narrow chart: periods written aslant
        periods_axis["axisLabel"]["rotate"] = 45
    return _layout(drawn, title=title, x_axis=periods_axis, y_axis=_value_axis(unit, y_title, across=False),
                   legend=names, height=320, title_width=title_width)


def scatter(frame: pd.DataFrame, *, x_ind: Indicator, y_ind: Indicator, title: str,
            city: tuple[float | None, float | None] = (None, None)) -> Chart:
    """Areas placed by two indicators (columns ``name``, ``x``, ``x_moe``, ``y``, ``y_moe``), hover naming each
    area and its two figures; dashed lines at the city figures. Unreliable points are hollow."""
    both = frame.dropna(subset=["x", "y"])
    fmt = words()
    hollow = both.get("unreliable", pd.Series(False, index=both.index)).fillna(False).astype(bool)
    drawn, names = [], []
    for flag, label, symbol in ((False, _("Neighborhood"), "circle"),
                                (True, _("Neighborhood, figure to read with care"), "emptyCircle")):
        rows = both[hollow == flag]
        if rows.empty:
            continue
        colour = COLOURS[5] if flag else COLOURS[0]
        names.append(label)
        drawn.append({"type": "scatter", "name": plain(label), "symbol": symbol, "symbolSize": 9,
                      "itemStyle": {"color": colour, "borderColor": colour, "borderWidth": 1.5},
                      "data": [{"value": [_scaled(x_ind.unit, a), _scaled(y_ind.unit, b)],
                                "tooltip": {"formatter": tip(f"{n}\n{x_ind.title}: "
                                                             f"{fmt.value_with_margin(x_ind, a, am)}\n{y_ind.title}: "
                                                             f"{fmt.value_with_margin(y_ind, b, bm)}")}}
                               for n, a, am, b, bm in zip(rows["name"], rows["x"], rows["x_moe"], rows["y"],
                                                          rows["y_moe"])]})
    lines = [_city_line(_scaled(ind.unit, value), axis=axis) for value, ind, axis in
             ((city[0], x_ind, "xAxis"), (city[1], y_ind, "yAxis")) if value is not None and pd.notna(value)]
    if drawn and lines:
        drawn[0]["markLine"] = {**lines[0], "data": [d for line in lines for d in line["data"]]}
        inside = drawn[0]["data"][0]["value"]
        drawn.append(_reach([[_scaled(x_ind.unit, city[0]) if pd.notna(city[0]) else inside[0],
                              _scaled(y_ind.unit, city[1]) if pd.notna(city[1]) else inside[1]]]))
    return _layout(drawn, title=title, x_axis=_value_axis(x_ind.unit, x_ind.title, across=True),
                   y_axis=_value_axis(y_ind.unit, y_ind.title, across=False), legend=names, x_named=True,
                   height=380)


def stacked_bars(frame: pd.DataFrame, *, category: str, value: str, series: str, order: list[str],
                 colours: dict[str, str], category_title: str, value_title: str) -> Chart:
    """Counts of ``value`` per ``category`` stacked by ``series`` (its values in ``order``, each with its colour
    and pattern), with no title of its own: the page's heading names it."""
    frame = frame.assign(**{category: frame[category].astype(str)})
    categories = list(dict.fromkeys(frame[category]))
    counts = frame.groupby([series, category])[value].sum()
    drawn = []
    for i, label in enumerate(order):
        data = [int(counts.get((label, c), 0)) for c in categories]
        drawn.append({"type": "bar", "name": plain(label), "stack": "all", "barMaxWidth": 60,
                      "itemStyle": {"color": colours.get(label, COLOURS[i % len(COLOURS)]), "decal": _pattern(i)},
                      "data": [{"value": n, "tooltip": {"formatter": tip(f"{label}\n{c}: {n}")}}
                               for c, n in zip(categories, data)]})
    tallest = int(frame.groupby(category)[value].sum().max()) if len(frame) else 1
    values_axis = {**_value_axis("count", value_title, across=False, zero=True), "minInterval": 1,
                   "interval": max(1, math.ceil(max(tallest, 1) / 5))}
    chart = _layout(drawn, title="", x_axis={**_category_axis(categories), **_axis_name(category_title, across=True)},
                    y_axis=values_axis, legend=order, x_named=True, height=260)
    chart.option["title"] = {"show": False}
    chart.option["grid"]["top"] -= TITLE_LINE + 6   # no title: the axis's name and the toolbar only
    chart.height -= TITLE_LINE + 6
    return chart


def draw(chart: Chart, *, key: str, alt: str | None = None) -> None:
    """Draw a chart at its height across the column; its picture is saved as ``{key}.png``."""
    chart.option["toolbox"]["feature"]["saveAsImage"]["name"] = key
    st.echarts_chart(chart.option, key=key, alt=alt, height=chart.height, width="stretch")


def show(chart: Chart, table: pd.DataFrame, *, alt: str, key: str, column_config: dict | None = None,
         table_label: str | None = None) -> None:
    """Draw a chart with a text alternative for screen readers and its data in a folded panel below (labelled
    "The same figures as a table" unless ``table_label`` says otherwise; its key is ``{key}_table``).

    The table is made and sent only while its panel is open, as the map page's table is: a table in a folded
    panel is still drawn by the browser, and an interactive table's grid was the most expensive element of the
    pages with charts (the profile settled in 1.78 s without, 2.02 s with). What the reader opened stays open."""
    draw(chart, key=key, alt=alt)
    panel = st.expander(table_label or _("The same figures as a table"), on_change="rerun", key=f"{key}_table")
    if panel.open:
        with panel:
            tables.dataframe(table, hide_index=True, width="stretch", column_config=column_config)


def percent_points(ind: Indicator, values: pd.Series) -> pd.Series:
    """Shares and percent changes as percentages (×100) for tables; other units unchanged."""
    return values * 100 if ind.unit in ("share", "percent_change") else values


def number_column(ind: Indicator, label: str | None = None):
    """A table column formatted like the indicator's figures (after :func:`percent_points`); an empty cell shows
    "—", and the column's help says where to read why."""
    formats = {"share": "%.1f%%", "percent_change": "%+.1f%%", "dollars": "dollar", "ratio": "%.2f",
               "years": "%.0f", "index": "%.2f"}
    return st.column_config.NumberColumn(label, format=formats.get(ind.unit, "%.1f"),
                                         help=_("“—”: no figure for this area; the Note column says why."))


def text_table(frame: pd.DataFrame) -> None:
    """A static table whose long texts wrap (``st.table``, which reads Markdown: every cell and heading is
    escaped first)."""
    shown = frame.map(lambda v: escape_markdown(v) if isinstance(v, str) else v)
    shown.columns = [escape_markdown(c) for c in shown.columns]
    st.table(shown, hide_index=True)


def table_or_cards(frame: pd.DataFrame, *, title: str, lead: str | None = None, how: str | None = None) -> None:
    """A table on a wide screen (:func:`text_table`); on a phone, where seven columns would scroll sideways, one
    card per row: its ``title`` column in bold, its ``lead`` column large, the other columns as "heading: value"
    lines, and the ``how`` column (a method note) folded behind a "How" switch. Empty cells are left out."""
    if not state.on_phone():
        text_table(frame)
        return
    others = [c for c in frame.columns if c not in (title, lead, how)]
    for _i, row in frame.iterrows():
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(row[title])}**")
            if lead:
                st.markdown(f"#### {escape_markdown(row[lead])}")
            lines = [f"{escape_markdown(c)}: {escape_markdown(row[c])}" for c in others
                     if isinstance(row[c], str) and row[c].strip()]
            if lines:
                st.caption("  \n".join(lines))
            if how and isinstance(row.get(how), str) and row[how].strip():
                with st.expander(_("How"), icon=":material/help:"):
                    st.caption(escape_markdown(row[how]))


def margin_column(ind: Indicator, label: str | None = None):
    """A margin-of-error column (after :func:`percent_points`), written as the margins are everywhere else
    (:meth:`indicators.metrics.text.Words.margin`): ``± 4.6 points`` for shares, ``± $120`` for dollars."""
    points = ind.unit in ("share", "percent_change")
    formats = {"dollars": "± $%d"}
    return st.column_config.NumberColumn(label, format=_("± %.1f points") if points else formats.get(ind.unit, "± %.1f"),
                                         help=_("90% margin of error, in percentage points") if points else _(
                                             "90% margin of error"))


def warm_up() -> None:
    """Make, once per process, charts of the kinds the pages draw (the first of each kind imports and formats
    more than the next). For the server's start-up (``serve.py``); nothing is drawn."""
    import json

    bars = pd.DataFrame({"category": ["a", "b"], "value": [1.0, 2.0], "series": ["x", "y"], "hover": ["a", "b"]})
    lines = pd.DataFrame({"x": ["2010", "2020"], "y": [0.1, 0.2], "moe": [0.01, None], "series": ["x", "x"]})
    for chart in (grouped_bars(bars, category="category", value="value", series="series", title="t",
                               value_title="v", hover="hover"),
                  grouped_bars(bars, category="category", value="value", series="series", title="t",
                               value_title="v", horizontal=True),
                  series_lines(lines, x="x", y="y", moe="moe", series="series", title="t", unit="share")):
        json.dumps(chart.option)
