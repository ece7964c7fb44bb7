"""The pictures of the briefs, drawn with matplotlib's Agg renderer (no browser, no display, no tiles from the
network): a locator map of the neighborhood in the city, line charts of change over time, and the status counts
of a priority list. Each function returns PNG bytes.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # i18n: not shown

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from matplotlib.patheffects import withStroke  # noqa: E402

from indicators.core.i18n import translator  # noqa: E402
from indicators.metrics.text import missing  # noqa: E402
from indicators.tracker.validation import STATUS_COLORS  # noqa: E402  (the tracker pages use the same)

INK = "#1d2b3a"
MUTED = "#5f6b78"
GRID = "#d9dee4"
LAND = "#e4e8ed"
ACCENT = "#c8553d"
ACCENT_DARK = "#8f3422"
CITY = "#4a6a8a"
DPI = 200

FONT = {"family": "DejaVu Sans"}  # i18n: not shown


def plain(text) -> str:
    """Outside text (a neighborhood name, a title) shown as written: matplotlib would read ``$...$`` as maths."""
    return str(text).replace("$", r"\$")


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=MUTED, labelsize=8, length=0)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def _unit_ticks(ax, unit: str) -> None:
    """Value axis ticks in the indicator's unit: shares as percentages, ratios with ×, dollars with $."""
    formats = {"share": lambda v, _pos: f"{v * 100:.0f}%", "percent_change": lambda v, _pos: f"{v * 100:+.0f}%",
               "ratio": lambda v, _pos: f"{v:.1f}×", "dollars": lambda v, _pos: f"${v:,.0f}"}
    if unit in formats:
        ax.yaxis.set_major_formatter(FuncFormatter(formats[unit]))


def locator_map(geometry, hood: str, *, width_in: float = 3.6, height_in: float = 3.4, label: bool = True) -> bytes:
    """Every neighborhood in pale grey, ``hood`` in the accent colour and circled, the city's outline around."""
    frame = geometry.to_crs(geometry.estimate_utm_crs())
    mine = frame[frame["area_id"] == hood]
    fig = Figure(figsize=(width_in, height_in))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    frame.plot(ax=ax, color=LAND, edgecolor="white", linewidth=0.5)
    outline = frame.geometry.union_all().boundary
    ax.plot(*_lines(outline), color="#8d99a6", linewidth=0.8)
    mine.plot(ax=ax, color=ACCENT, edgecolor=ACCENT_DARK, linewidth=0.9)
    if len(mine):
        minx, miny, maxx, maxy = frame.total_bounds
        span = max(maxx - minx, maxy - miny)
        centre = mine.geometry.union_all().centroid
        bounds = mine.total_bounds
        radius = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 2 + span * 0.03
        ring = centre.buffer(radius)
        ax.plot(*ring.exterior.xy, color=ACCENT_DARK, linewidth=1.0, linestyle=(0, (3, 2)))
        if label:
            right = centre.x < (minx + maxx) / 2
            x = centre.x + (radius + span * 0.02) * (1 if right else -1)
            ax.text(x, centre.y, plain(hood), fontsize=9, fontweight="bold", color=INK, ha="left" if right else "right",
                    va="center", path_effects=[withStroke(linewidth=3, foreground="white")], **FONT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return _png(fig)


def _lines(geom):
    """x and y sequences of a (multi)line, with breaks between parts, for ``ax.plot``."""
    xs, ys = [], []
    parts = getattr(geom, "geoms", [geom])
    for part in parts:
        x, y = part.xy
        xs.extend([*x, float("nan")])
        ys.extend([*y, float("nan")])
    return xs, ys


def trend_chart(trend, area: str, lang: str, *, width_in: float = 3.6, height_in: float = 2.3) -> bytes:
    """The area's yearly figure and the city's on one chart; the last year drawn hollow (may be incomplete)."""
    _ = translator(lang)
    fig = Figure(figsize=(width_in, height_in))
    title = plain(_wrap(trend.title, int(width_in * 12)))
    top = 0.97 - (title.count("\n") + 1) * 0.16 / height_in - 0.04
    ax = fig.add_axes((0.11, 0.2, 0.86, top - 0.2))
    _style(ax)
    for points, colour, name, dash in ((trend.city_points, CITY, _("Whole city"), (0, (4, 2))),
                                       (trend.points, ACCENT, plain(area), "-")):
        known = [(p.label, p.value) for p in points if not missing(p.value)]
        if not known:
            continue
        labels, values = zip(*known)
        ax.plot(labels[:-1], values[:-1], color=colour, linewidth=2, linestyle=dash, marker="o", markersize=3.5,
                label=name)
        ax.plot(labels[-2:], values[-2:], color=colour, linewidth=1.2, linestyle=":")
        ax.plot(labels[-1:], values[-1:], marker="o", markersize=4.5, markerfacecolor="white", color=colour)
    ax.set_ylim(bottom=0)
    _unit_ticks(ax, trend.unit)
    fig.text(0.02, 0.97, title, fontsize=9, fontweight="bold", color=INK, va="top", **FONT)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False, fontsize=7.5,  # i18n: not shown
              labelcolor=MUTED)
    return _png(fig)


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def status_chart(counts: dict[str, dict[str, int]], labels: dict[str, str], track_labels: dict[str, str],
                 lang: str, *, width_in: float = 6.8, height_in: float = 2.0) -> bytes:
    """One stacked bar per track: how many recommendations of the list are in each status, with the numbers."""
    _ = translator(lang)
    fig = Figure(figsize=(width_in, height_in))
    left = 1.45 / width_in  # room for the track names, wrapped on two lines
    ax = fig.add_axes((left, 0.36, 0.97 - left, 0.5))
    tracks = list(counts)
    total = max(sum(counts[t].values()) for t in tracks) if tracks else 0
    for row, track in enumerate(reversed(tracks)):
        left = 0
        for status, n in counts[track].items():
            if not n:
                continue
            ax.barh(row, n, left=left, color=STATUS_COLORS.get(status, "#999999"), edgecolor="white", height=0.6)
            dark = status in ("in_progress", "implemented", "regressed", "not_applicable", "not_started")
            ax.text(left + n / 2, row, str(n), ha="center", va="center", fontsize=8, fontweight="bold",
                    color="white" if dark else INK)
            left += n
    ax.set_yticks(range(len(tracks)), [plain(_wrap(track_labels[t], 20)) for t in reversed(tracks)], fontsize=8,
                  color=INK)
    ax.set_xlim(0, max(total, 1))
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    used = [s for s in STATUS_COLORS if any(counts[t].get(s) for t in tracks)]
    handles = [Patch(color=STATUS_COLORS[s], label=plain(labels[s])) for s in used]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.4, -0.05), ncol=min(len(handles), 4),  # i18n: not shown
              frameon=False, fontsize=7.5, labelcolor=INK)
    fig.text(0.02, 0.9, _("Recommendations on the list by status ({n} in all)", n=total), fontsize=9,
             fontweight="bold", color=INK, **FONT)
    return _png(fig)


def city_trends_chart(trends, lang: str, *, width_in: float = 6.8, height_in: float = 2.2) -> bytes:
    """Small charts of the city's figure over time, one per linked indicator that has a series (up to three)."""
    _ = translator(lang)
    shown = [t for t in trends if t.has_series][:3]
    fig = Figure(figsize=(width_in, height_in))
    n = max(len(shown), 1)
    for i, trend in enumerate(shown):
        ax = fig.add_axes((0.06 + i / n, 0.24, 1 / n - 0.1, 0.5))
        _style(ax)
        known = [(p.label, p.value) for p in trend.city_points if not missing(p.value)]
        labels, values = zip(*known)
        short = [label[-4:] for label in labels]
        ax.plot(short, values, color=CITY, linewidth=2, marker="o", markersize=3)
        ax.set_ylim(bottom=0)
        _unit_ticks(ax, trend.unit)
        step = max(1, len(short) // 4)
        ax.set_xticks(range(0, len(short), step), short[::step])
        fig.text(0.06 + i / n, 0.82, plain(_wrap(trend.title, 34)), fontsize=7.5, fontweight="bold", color=INK,
                 va="bottom", **FONT)
    if not shown:
        fig.text(0.5, 0.5, _("No linked indicator has a series over time in the snapshot."), ha="center",
                 fontsize=9, color=MUTED, **FONT)
    return _png(fig)


def choropleth(frame, *, title: str, legend: list[tuple[str, str]], source: str, width_in: float = 7.5,
               height_in: float | None = None, label_share: float = 0.008, hatched: str | None = None) -> bytes:
    """A map of areas filled with their class colours, as a page shows it: ``frame`` is a GeoDataFrame (WGS84) with
    ``fill`` (hex colour) and ``label`` (name to write, or empty); areas of at least ``label_share`` of the total
    land carry their name. ``legend`` is (colour, words) rows; ``hatched``, the colour drawn hatched in the legend
    (the "no figure" of a white map); ``source`` the credit line under the map."""
    projected = frame.to_crs(frame.estimate_utm_crs())
    if height_in is None:  # as tall as the areas' shape needs beside the legend, with room for title and source
        minx, miny, maxx, maxy = projected.total_bounds
        height_in = max(4.0, width_in * 0.68 * (maxy - miny) / max(maxx - minx, 1.0) / 0.8)
    fig = Figure(figsize=(width_in, height_in))
    ax = fig.add_axes((0.01, 0.08, 0.68, 0.8))
    projected.plot(ax=ax, color=list(projected["fill"]), edgecolor="#3c3c3c", linewidth=0.35)
    total = projected.geometry.area.sum()
    for geom, label in zip(projected.geometry, projected["label"]):
        if label and geom.area >= total * label_share:
            point = geom.representative_point()
            ax.text(point.x, point.y, plain(label), fontsize=5.2, ha="center", va="center", color=INK,
                    path_effects=[withStroke(linewidth=2, foreground="white")], **FONT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.text(0.02, 0.97, plain(_wrap(title, int(width_in * 11))), fontsize=10, fontweight="bold", color=INK,
             va="top", **FONT)
    handles = [Patch(facecolor=colour, edgecolor="#555555", hatch="////" if colour == hatched else None,
                     label=plain(_wrap(words, 30))) for colour, words in legend]
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.7, 0.5), frameon=False, fontsize=7,  # i18n: not shown
               labelcolor=INK)
    fig.text(0.02, 0.02, plain(_wrap(source, int(width_in * 16))), fontsize=6, color=MUTED, va="bottom", **FONT)
    return _png(fig)
