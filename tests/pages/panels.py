"""Folded panels of a finished AppTest run: a panel made with ``on_change="rerun"`` draws its content only while
it is open, as a reader's click on its heading would open it."""

from __future__ import annotations

#: the map page's panels: its options, and its table
MAP_OPTIONS, MAP_TABLE = "map_options", "map_table"


def unfold(at, *keys: str):
    """Open the panels ``keys`` of the page ``at`` shows, as a click on each heading does, and rerun it."""
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def legend(at) -> str:
    """The map's legend (``ui.mapview.legend_html``, drawn with ``st.html``)."""
    return next(h.value for h in at.get("html") if h.value.startswith("<div"))


#: the folded panels under each page's charts that hold the chart's figures as a table (``ui.charts.show``: the
#: chart's key and ``_table``)
CHART_TABLES = {
    "app_pages/profile.py": ("profile_race_chart_table",),
    "app_pages/compare.py": ("compare_dots_table", "compare_evictions_table"),
    "app_pages/growth.py": ("growth_med_home_value_table", "growth_med_gross_rent_table", "growth_people_table",
                            "growth_scatter_table"),
}


def unfold_chart_tables(at, page: str):
    """Open the panels of ``page``'s charts' tables (none where it has no chart), as a reader would."""
    keys = CHART_TABLES.get(page.split("#")[0], ())
    return unfold(at, *keys) if keys else at
