"""The map page's headline figures (``ui.evidence.figure``): drawn as escaped Markdown with the margin of error in
view, and styled by the dashboard's fixed rules."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.pages.figures import figures
from ui.evidence import FIGURE_KEY

ROOT = Path(__file__).resolve().parents[2]


def test_the_map_page_shows_the_city_figure_with_its_margin_in_view(deep_link):
    at = deep_link("app_pages/map.py", indicator="rent_burden_share")
    assert figures(at) == {"Whole city (2020–2024)": ["45.3%", "90% margin of error: ± 1.8 points"],
                           "Areas with a figure": ["90 of 90"]}
    assert not at.metric     # no st.metric, whose code would reach the browser with the map's and the table's


def test_the_city_figure_is_made_before_the_areas_polygons_are_read(deep_link, monkeypatch):
    """The title and the city's figure are the page's first content: they do not wait for the polygons, whose first
    read in a process is the slowest step before them."""
    from ui import data

    called = []
    for name in ("city_value", "areas"):
        real = getattr(data, name)
        monkeypatch.setattr(data, name, lambda *a, _real=real, _name=name, **k: called.append(_name) or _real(*a, **k))
    at = deep_link("app_pages/map.py", indicator="rent_burden_share")
    assert called.index("city_value") < called.index("areas")
    (city, areas) = figures(at)
    assert city.startswith("Whole city (") and areas == "Areas with a figure"


def test_a_figure_without_a_published_margin_says_so(deep_link):
    at = deep_link("app_pages/map.py", city="dc")
    shown = figures(at)
    assert shown["Areas with a figure"] == ["46 of 46"]
    (city,) = [rest for label, rest in shown.items() if label.startswith("Whole city")]
    assert city[1] == "90% margin of error: none published"


def test_a_figure_escapes_what_it_shows():
    def page():
        import streamlit as st

        from ui import evidence

        evidence.figure(st, "test", "**bold** <b>tag</b> [link](https://example.org)", "-13.4%", "# not a heading")

    at = AppTest.from_function(page).run()
    (markdown,) = at.markdown
    # every Markdown and HTML character escaped: a figure starting with "-" is no list, a note with "#" no heading
    assert markdown.value.split("\n\n") == [
        r"\*\*bold\*\* \<b\>tag\</b\> \[link\]\(https\://example\.org\)", r"\-13\.4%", r"\# not a heading"]
    assert figures(at) == {"**bold** <b>tag</b> [link](https://example.org)": ["-13.4%", "# not a heading"]}


def test_the_dashboard_styles_the_figures_by_their_key():
    rules = (ROOT / "dashboard.py").read_text()
    assert f'[class*="st-key-{FIGURE_KEY}"] [data-testid="stMarkdownContainer"] p:nth-child(2)' in rules
