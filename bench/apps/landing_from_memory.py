"""Bench app for ``budget.py``: the landing page's elements, drawn from values already computed.

The same elements as the dashboard's landing page (its default view of the default city, in English, on a desktop),
in the same order and with the same keys: the navigation with the same pages, the sidebar's language, city, level
and indicator choices, its caption and link, the title, the search form, the headline figures, the legend, the map
options' panel (folded), the map (the same deck.gl JSON, with the areas' names), the sources, the table's panel
(folded) and the three downloads. The values (the figures, the legend, the map's JSON, the lists) are the ones
``budget.py`` computed with the dashboard's own library from the real snapshot and wrote to
``bench/results/landing_values.json`` (or the file ``BUDGET_VALUES`` names); this script reads them and imports
nothing but Streamlit. It so costs what the page's elements cost in the browser, without the server's imports and
computations.

``BUDGET_LEAVE_OUT`` (comma-separated) leaves parts out, to see what each costs: ``choices`` (the sidebar's four
choices), ``names`` (the names' layer of the map), ``search`` (the search form), ``downloads`` (the two folded
panels and the three downloads), ``navigation`` (the sidebar's list of pages: ``st.navigation`` is hidden), or
``all_but_the_map`` (only the title, its caption and the map, with no sidebar: the one-polygon floor's elements, with
the page's own map).
"""

import json
import os
from pathlib import Path

import streamlit as st

VALUES = json.loads(Path(os.environ.get("BUDGET_VALUES") or Path(__file__).resolve().parents[1] / "results"
                         / "landing_values.json").read_text())
LEAVE_OUT = set(filter(None, os.environ.get("BUDGET_LEAVE_OUT", "").split(",")))
T = VALUES["texts"]


class ReadyDeck:
    """What ``st.pydeck_chart`` reads of a ``pydeck.Deck``: its JSON and its tooltip."""

    def __init__(self, spec: str, tooltip: dict):
        self.spec, self._tooltip = spec, tooltip

    def to_json(self) -> str:
        return self.spec


def deck_json() -> str:
    if "names" not in LEAVE_OUT:
        return VALUES["deck"]
    spec = json.loads(VALUES["deck"])
    spec["layers"] = [layer for layer in spec["layers"] if layer["@@type"] != "TextLayer"]
    return json.dumps(spec)


def landing() -> None:
    st.title(T["title"])
    st.caption(T["meaning"])
    if "all_but_the_map" in LEAVE_OUT:
        st.pydeck_chart(ReadyDeck(deck_json(), VALUES["tooltip"]), on_select="rerun",
                        selection_mode="single-object", key="map_neighborhood", height=560)
        return
    if "search" not in LEAVE_OUT:
        with st.form("map_find", clear_on_submit=True, border=False):
            text_col, button_col = st.columns([5, 1], vertical_alignment="bottom", wrap=False)
            text_col.text_input(T["find"], key="map_find_text", max_chars=200, placeholder=T["find_placeholder"],
                                help=T["find_help"])
            button_col.form_submit_button(T["find_button"], icon=":material/search:", width="stretch", type="primary")
    map_area = st.container()
    cols = st.columns([1, 1, 2])
    cols[0].caption(T["no_city_figure"])
    cols[1].container(key="figure_areas").markdown(T["areas_figure"])
    cols[2].caption(T["right"])
    with map_area:
        left, right = st.columns([4, 1])
        with right:
            st.html(VALUES["legend"])
            if "downloads" not in LEAVE_OUT:
                st.expander(T["options"], icon=":material/tune:", on_change="rerun", key="map_options")
        with left:
            st.pydeck_chart(ReadyDeck(deck_json(), VALUES["tooltip"]), on_select="rerun",
                            selection_mode="single-object", key="map_neighborhood", height=560)
            st.caption(T["sources"])
            if T["caveats"]:
                st.caption(T["caveats"])
    if "downloads" in LEAVE_OUT:
        return
    st.expander(T["table"], icon=":material/table_view:", on_change="rerun", key="map_table")
    downloads = st.columns(3)
    for where, (label, mime) in zip(downloads, T["downloads"]):
        where.download_button(label, b"", file_name="landing", mime=mime, on_click="ignore",
                              icon=":material/download:")


def elsewhere() -> None:
    st.write("(not measured)")


st.set_page_config(page_title=T["page_title"], page_icon=T["page_icon"], layout="wide", initial_sidebar_state="auto")
st.html(VALUES["style"])
pages = {section: [st.Page(landing if url == "home" else elsewhere, title=title, url_path=url, default=url == "home")
                   for title, url in entries] for section, entries in VALUES["pages"].items()}
if "all_but_the_map" in LEAVE_OUT:
    landing()
    st.stop()
navigation = st.navigation(pages, position="hidden" if "navigation" in LEAVE_OUT else "sidebar")
with st.sidebar:
    if "choices" not in LEAVE_OUT:
        st.radio("Language · Idioma", ["en", "es"], format_func={"en": "English", "es": "Español"}.get,
                 key="sb_lang", horizontal=True)
        names, levels, titles = VALUES["city_names"], VALUES["level_labels"], VALUES["indicator_titles"]
        st.selectbox(T["city"], list(names), key="sb_city", format_func=names.get)
        st.radio(T["level"], list(levels), format_func=levels.get, key="sb_level", horizontal=True)
        st.selectbox(T["indicator"], list(titles), index=list(titles).index(VALUES["indicator"]),
                     key="sb_indicator", format_func=titles.get)
    st.caption(T["about"])
    tell_us = next(page for entries in pages.values() for page in entries if page.url_path == "tell-us")
    st.page_link(tell_us, label=T["tell_us"], icon=":material/record_voice_over:")
navigation.run()
