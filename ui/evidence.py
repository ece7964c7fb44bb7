"""Figures as the pages show them beside each other: an area's *Can people stay?* summary, a topic's rows, the
caveats of every indicator shown, in the reader's language. The words come from the library
(:class:`indicators.metrics.text.Words`); this module only lays them out as tables and captions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.metrics import corrections, summary
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


def summary_tables(city: str, area_id: str, level: str, area_name: str) -> tuple[list, list]:
    """The *Can people stay?* tables of an area: its stability, then the displacement pressure around it (with the
    typology of its tracts), each as (heading, table); and the indicators they show (for their caveats)."""
    groups: dict[str, list] = {summary.STABILITY: [], summary.PRESSURE: []}
    shown = []
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
        groups[part.group].append(row)
        shown.append(ind)
    headings = {summary.STABILITY: _("Stability"), summary.PRESSURE: _("Displacement pressure around it")}
    tables = [(headings[g], pd.DataFrame(rows).fillna("").replace("", pd.NA).dropna(axis="columns", how="all")
               .fillna("")) for g, rows in groups.items() if rows]
    return tables, shown


FIGURE_KEY = "figure_"   # a headline figure's container key starts with this; ``dashboard.py`` styles them


def figure(where, key: str, label: str, value: str, note: str = "") -> None:
    """A headline figure in ``where`` (a column): its label, the figure in large type and a note under it (its
    margin of error) always in view, where ``st.metric`` hid the margin behind a help icon a phone cannot hover.

    Drawn as markdown, whose code the page already has, so it shows with the title: ``st.metric``'s own code (45
    files) reached the browser with the map's and the table's and showed the figure up to a second after the
    title on a first visit. The three lines are paragraphs, sized by the fixed rules of ``dashboard.py``."""
    lines = [label, value] + ([note] if note else [])
    where.container(key=FIGURE_KEY + key).markdown("\n\n".join(fmt().escape_markdown(line) for line in lines))


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


def methods(city: str) -> None:
    """The methods page's account of how figures are compared, ranked and corrected, and what the typology needs."""
    md = fmt().escape_markdown
    st.subheader(_("Comparisons and ranks that respect the margins of error"))
    st.markdown(_(
        "- A figure is called **higher or lower than the city's** only where the 90% test says the difference is not "
        "chance; otherwise it is **not distinguishable from the city**.\n"
        "- Shares and changes differ in **percentage points** (“6.5 points below the city”); rates, dollars and years "
        "by a **ratio** (“about 1.6 times the city figure”), said only for a significant difference.\n"
        "- Figures published **without a margin of error** are set beside the city's, but the difference is marked "
        "as **not tested**. Counts and records (census counts, court filings, arrests) have no sampling error and are "
        "compared as they are.\n"
        "- Where a city has no figure of its own (the eviction baseline is published for the county), the figure "
        "beside an area's is the **county's, and says so**.\n"
        "- Every **rank** comes with the range of ranks its margin of error allows: an area cannot rank above the "
        "areas significantly worse than it, nor below those significantly better. Unreliable figures, and figures "
        "without a margin of error, are **marked** wherever they are ranked."))
    st.subheader(_("Arrest ratios"))
    st.markdown(_(
        "The Black:white arrest ratio is shown with the arrests and residents behind it and the period of the arrest "
        "records. Its **90% interval** is the log-normal (Wald) interval of a Poisson rate ratio: ln(ratio) ± 1.645 × "
        "√(1 ÷ Black arrests + 1 ÷ white arrests), the residents taken as known (their own survey error is left out, "
        "so the interval is somewhat too narrow). **No ratio is shown from fewer than 20 arrests** in either group: a "
        "count under 20 has a relative standard error 1 ÷ √20 above 22%, the level at which the National Center for "
        "Health Statistics calls a rate unreliable; at 20 and 20 arrests the interval already spans a factor of 2.8. "
        "Where the arrest rates beside a ratio cover another period, the page says so."))
    st.subheader(_("Displacement typology"))
    typology_reason = data.indicator_reason(city, "displacement_typology", "tract") if "tract" not in \
        data.available_levels(city, "displacement_typology") else ""
    st.markdown(_(
        "The Urban Displacement Project's typology (Release 1.1, November 2020) needs every input in its own period: "
        "rents over 2012–2018, home values and vulnerability at 2000, gentrification over 1990–2000 and 2000–2018, "
        "low-income movers, housing costs by band, the share of students and nearby rents (inverse-distance lags). "
        "Its differences from UDP's own code are written in the library (indicators/metrics/typology.py)."))
    if typology_reason:
        st.markdown(_("**Not available for {city}:** {reason}", city=md(data.city_name(city)), reason=md(typology_reason)))
    st.subheader(_("Corrections"))
    measures = data.table(city, "measures") if data.has(city, "measures") else None
    for item in corrections.CORRECTIONS:
        applies = corrections.applies(item.id, measures)
        where = "" if applies else " " + _("(Not applied to {city}: its files publish only the share over all renter "
                                           "households, so its figures are marked as reading low.)",
                                           city=md(data.city_name(city)))
        st.markdown(f"- **{md(_(item.title))}.** {md(_(item.what))}{where}")
