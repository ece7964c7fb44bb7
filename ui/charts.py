"""Plotly charts and tables for the pages: every chart comes with the same figures as a table, series are told
apart by marker shape or bar pattern as well as colour, and every text from the data is HTML-escaped before
Plotly renders it (Plotly reads a few HTML tags in labels and hover text).

Charts fit a phone: titles are wrapped to the width at hand, legends sit below the plot, never over the title,
and every chart can be saved as a PNG image from its toolbar.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators.metrics.catalog import Indicator
from indicators.metrics.text import escape, escape_markdown
from ui import state, tables
from ui.i18n import _, words


# Okabe–Ito: distinguishable with the common colour-vision deficiencies
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
PATTERNS = ["", "/", ".", "x", "-", "\\", "+"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star"]
CITY_LINE = "#444444"

#: d3 tick formats for each catalog unit (shares are stored as 0–1)
TICK_FORMATS = {"share": ".0%", "percent_change": "+.0%", "ratio": ".1f", "dollars": "$,.0f", "per_100": ".1f",
                "per_1000": ".1f", "years": ".0f", "index": ".2f"}


#: characters per title line: a phone's column, a desktop's full width
PHONE_TITLE_WIDTH, DESKTOP_TITLE_WIDTH = 38, 80


def _layout(fig: go.Figure, *, title: str, x_title: str = "", y_title: str = "", height: int = 420,
            title_width: int | None = None) -> go.Figure:
    # Plotly does not wrap titles: a long one is broken into lines that fit the screen (``title_width`` characters
    # for a chart in a narrow column). The legend sits under the plot, where it can take as many rows as it needs
    # without covering the title or the bars.
    width = min(title_width or DESKTOP_TITLE_WIDTH, PHONE_TITLE_WIDTH if state.on_phone() else DESKTOP_TITLE_WIDTH)
    lines = textwrap.wrap(title, width) or [""]
    top = 34 + 20 * len(lines)
    series = sum(1 for trace in fig.data if trace.showlegend is not False and trace.name)
    legend_rows = 0 if series < 2 else -(-series // (1 if state.on_phone() else 3))
    bottom = 30 + 22 * legend_rows
    fig.update_layout(title={"text": "<br>".join(escape(line) for line in lines), "font": {"size": 15},
                             "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}, "x": 0,
                             "xanchor": "left", "xref": "container"},
                      height=height + top + bottom - 100,
                      margin={"l": 10, "r": 10, "t": top, "b": bottom}, plot_bgcolor="white", showlegend=series >= 2,
                      legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                              "xanchor": "left"},
                      xaxis_title="<br>".join(textwrap.wrap(escape(x_title), width)),
                      yaxis_title="<br>".join(textwrap.wrap(escape(y_title), width)), hoverlabel={"align": "left"})
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", zerolinecolor="#888")
    fig.update_yaxes(showgrid=True, gridcolor="#e5e5e5", zerolinecolor="#888")
    return fig


def grouped_bars(frame: pd.DataFrame, *, category: str, value: str, series: str, title: str, value_title: str,
                 hover: str | None = None, horizontal: bool = False) -> go.Figure:
    """Bars of ``value`` per ``category``, one bar per ``series`` value side by side (each series has its own
    colour and fill pattern), each labelled with its value. ``hover`` names a column of ready-made hover text;
    ``horizontal`` lays the categories down the side, where long names stay readable."""
    fig = go.Figure()
    # on a phone, long category names are broken into lines so the bars keep most of the width
    width = 18 if state.on_phone() and horizontal else 0
    for i, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        labels = rows[category].map(lambda t: "<br>".join(textwrap.wrap(escape(t), width)) if width else escape(t))
        values = rows[value]
        fig.add_bar(x=values if horizontal else labels, y=labels if horizontal else values,
                    orientation="h" if horizontal else "v", name=escape(name),
                    text=[f"{v:,.0f}" for v in values], textposition="outside", cliponaxis=False,
                    marker={"color": COLOURS[i % len(COLOURS)], "pattern": {"shape": PATTERNS[i % len(PATTERNS)]},
                            "line": {"color": "#333", "width": 0.5}},
                    hovertext=rows[hover].map(escape) if hover else None, hoverinfo="text" if hover else None)
    fig.update_layout(barmode="group")
    # room beyond the longest bar for its value label
    top = float(frame[value].max()) if len(frame) else 0.0
    if top > 0:
        (fig.update_xaxes if horizontal else fig.update_yaxes)(range=[0, top * 1.18])
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        return _layout(fig, title=title, x_title=value_title, height=max(300, 90 + 44 * frame[category].nunique()))
    return _layout(fig, title=title, y_title=value_title)


def dot_whisker(frame: pd.DataFrame, ind: Indicator, *, title: str, city_estimate: float | None = None) -> go.Figure:
    """One dot per area (``name``, ``estimate``, ``moe``) with its 90% margin of error as a whisker, and the
    city figure as a dashed line."""
    shown = frame.dropna(subset=["estimate"]).iloc[::-1]
    fmt = words()
    labels = [escape(n) for n in shown["name"]]
    hover = [escape(f"{n}: {fmt.value_with_margin(ind, e, m)}") for n, e, m in
             zip(shown["name"], shown["estimate"], shown["moe"])]
    fig = go.Figure(go.Scatter(
        x=shown["estimate"], y=labels, mode="markers", marker={"size": 11, "color": COLOURS[0], "symbol": "circle"},
        error_x={"type": "data", "array": shown["moe"].fillna(0), "visible": True, "color": COLOURS[0], "thickness": 2},
        hovertext=hover, hoverinfo="text", name=escape(_("Neighborhood (± 90% margin of error)"))))
    if city_estimate is not None and pd.notna(city_estimate):
        fig.add_vline(x=city_estimate, line_dash="dash", line_color=CITY_LINE,
                      annotation_text=escape(_("City: {value}", value=fmt.value(ind, city_estimate))),
                      annotation_position="top")
    fig.update_xaxes(tickformat=TICK_FORMATS.get(ind.unit, ""))
    return _layout(fig, title=title, x_title=ind.title, height=max(260, 60 + 38 * len(shown)))


def series_lines(frame: pd.DataFrame, *, x: str, y: str, moe: str, series: str, title: str, unit: str,
                 y_title: str = "", title_width: int | None = None) -> go.Figure:
    """Lines over time, one per ``series`` value, each with its own marker shape, and MOE error bars
    (``title_width``: break the title into lines of that many characters, for a chart in a narrow column)."""
    fig = go.Figure()
    for i, (name, rows) in enumerate(frame.groupby(series, sort=False)):
        fig.add_scatter(x=rows[x].map(escape), y=rows[y], name=escape(name), mode="lines+markers",
                        marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9, "color": COLOURS[i % len(COLOURS)]},
                        line={"color": COLOURS[i % len(COLOURS)], "dash": "solid" if i == 0 else "dot"},
                        error_y={"type": "data", "array": rows[moe].fillna(0), "visible": True})
    fig.update_yaxes(tickformat=TICK_FORMATS.get(unit, ""))
    return _layout(fig, title=title, y_title=y_title, title_width=title_width)


def scatter(frame: pd.DataFrame, *, x_ind: Indicator, y_ind: Indicator, title: str,
            city: tuple[float | None, float | None] = (None, None)) -> go.Figure:
    """Areas placed by two indicators (columns ``name``, ``x``, ``x_moe``, ``y``, ``y_moe``), hover naming each
    area and its two figures; dashed lines at the city figures. Unreliable points are hollow."""
    both = frame.dropna(subset=["x", "y"])
    fmt = words()
    hover = [escape(f"{n}\n{x_ind.title}: {fmt.value_with_margin(x_ind, a, am)}\n"
                        f"{y_ind.title}: {fmt.value_with_margin(y_ind, b, bm)}").replace("\n", "<br>")
             for n, a, am, b, bm in zip(both["name"], both["x"], both["x_moe"], both["y"], both["y_moe"])]
    hollow = both.get("unreliable", pd.Series(False, index=both.index)).fillna(False).astype(bool)
    fig = go.Figure()
    for flag, label, symbol in ((False, _("Neighborhood"), "circle"),
                                (True, _("Neighborhood, figure to read with care"), "circle-open")):
        rows = both[hollow == flag]
        if rows.empty:
            continue
        fig.add_scatter(x=rows["x"], y=rows["y"], mode="markers", name=escape(label),
                        marker={"size": 9, "symbol": symbol, "color": COLOURS[0] if not flag else COLOURS[5],
                                "line": {"width": 1.5, "color": COLOURS[0] if not flag else COLOURS[5]}},
                        hovertext=[h for h, keep in zip(hover, hollow == flag) if keep], hoverinfo="text")
    for value, add in ((city[0], fig.add_vline), (city[1], fig.add_hline)):
        if value is not None and pd.notna(value):
            add(value, line_dash="dash", line_color=CITY_LINE)
    fig.update_xaxes(tickformat=TICK_FORMATS.get(x_ind.unit, ""))
    fig.update_yaxes(tickformat=TICK_FORMATS.get(y_ind.unit, ""))
    return _layout(fig, title=title, x_title=x_ind.title, y_title=y_ind.title, height=480)


def show(fig: go.Figure, table: pd.DataFrame, *, alt: str, key: str, column_config: dict | None = None,
         table_label: str | None = None) -> None:
    """Draw a chart with a text alternative for screen readers and its data in an expander below (labelled
    "The same figures as a table" unless ``table_label`` says otherwise)."""
    st.plotly_chart(fig, key=key, alt=alt, config=chart_config(key))
    with st.expander(table_label or _("The same figures as a table")):
        tables.dataframe(table, hide_index=True, width="stretch", column_config=column_config, placeholder="—")


def chart_config(name: str) -> dict:
    """Plotly's toolbar with only what readers use: save the chart as a PNG image (twice the screen's
    resolution, for slides and handouts) and reset the view; the toolbar stays visible on touch screens."""
    return {"displaylogo": False, "displayModeBar": True, "responsive": True,
            "modeBarButtons": [["toImage", "resetScale2d"]],
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}}


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
    """Make and encode, once per process, charts of the kinds the pages draw, as ``st.plotly_chart`` encodes
    them: plotly loads the checker of each property the first time it is set, which made a server's first
    profile 0.2 s slower than the next. For the server's start-up (``serve.py``); nothing is drawn."""
    import plotly.io

    bars = pd.DataFrame({"category": ["a", "b"], "value": [1.0, 2.0], "series": ["x", "y"], "hover": ["a", "b"]})
    lines = pd.DataFrame({"x": ["2010", "2020"], "y": [0.1, 0.2], "moe": [0.01, None], "series": ["x", "x"]})
    for fig in (grouped_bars(bars, category="category", value="value", series="series", title="t", value_title="v",
                             hover="hover"),
                grouped_bars(bars, category="category", value="value", series="series", title="t", value_title="v",
                             horizontal=True),
                series_lines(lines, x="x", y="y", moe="moe", series="series", title="t", unit="share")):
        fig.add_vline(x=1.0, line_dash="dash", line_color=CITY_LINE, annotation_text="t", annotation_position="top")
        plotly.io.to_json(fig, validate=False)
