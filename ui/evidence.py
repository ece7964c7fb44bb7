"""Figures as the pages show them beside each other: an area's *Can people stay?* summary, a topic's rows, the
caveats of every indicator shown, in the reader's language. The words come from the library
(:class:`indicators.metrics.text.Words`); this module only lays them out as tables and captions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.metrics import summary
from ui import charts, data
from ui.i18n import _, indicator, words

fmt = words  # called per use: the reader's language may change between runs


def columns() -> dict[str, str]:
    """The column headings of the figure tables, in the reader's language."""
    return {"indicator": _("Indicator"), "reference": _("City (or county, where said)"),
            "comparison": _("Compared with the city"), "rank": _("Rank"), "basis": _("Figure for"),
            "reliability": _("Reliability"), "period": _("Period"), "note": _("Note"), "trend": _("Change over time")}


def figure_row(ind, row: dict, reference: dict | None, area_name: str) -> dict:
    """One indicator of an area as a table row: the figure, the city's (or county's) beside it, the 90%
    comparison, the rank with its range, the geography, reliability, period and notes."""
    words = fmt().figure(ind, row, reference)
    cols = columns()
    return {cols["indicator"]: ind.title, area_name: words.value, cols["reference"]: words.reference,
            cols["comparison"]: words.comparison, cols["rank"]: words.rank, cols["basis"]: words.basis,
            cols["reliability"]: words.reliability, cols["period"]: words.period, cols["note"]: words.note}


def summary_table(city: str, area_id: str, level: str, area_name: str) -> tuple[pd.DataFrame, list]:
    """The *Can people stay?* table of an area (stability, then displacement pressure, then the typology of its
    tracts), and the indicators it shows (for their caveats)."""
    rows, shown = [], []
    cols = columns()
    w = fmt()
    for part in data.can_people_stay(city, area_id, level):
        ind = indicator(part.indicator_id)
        if part.missing is not None:
            row = {cols["indicator"]: ind.title, area_name: _("not available"), cols["note"]: data.reason(part.missing)}
        elif part.counts or "tracts" in part.row:
            row = {cols["indicator"]: ind.title, area_name: w.tract_counts(ind, part.counts, part.row.get("tracts", 0)),
                   cols["basis"]: w.basis("tract"), cols["period"]: w.period(part.row.get("period"))}
        else:
            row = figure_row(ind, part.row, part.reference, area_name)
            row[cols["trend"]] = w.trend(ind, part.trend) or (
                _("one period only in this snapshot") if ind.uncertainty != "counts" else "")
        # the part each figure is of, after its title: stability, or the displacement pressure around it
        part_of = {_("Part"): _("Stability") if part.group == summary.STABILITY else _("Pressure")}
        title = next(iter(row.items()))
        rows.append(dict([title]) | part_of | dict(list(row.items())[1:]))
        shown.append(ind)
    return pd.DataFrame(rows).fillna(""), shown


def caveats(inds) -> None:
    """Every caveat of the indicators shown, under their figures (each indicator once)."""
    seen, lines = set(), []
    for ind in inds:
        if ind.id in seen or not ind.caveats:
            continue
        seen.add(ind.id)
        lines.append(f"**{fmt().escape_markdown(ind.title)}**: " + " ".join(fmt().escape_markdown(c) for c in ind.caveats))
    if lines:
        st.caption(_("Caveats of these figures:") + "  \n" + "  \n".join(lines))


def show(table: pd.DataFrame) -> None:
    charts.text_table(table)
