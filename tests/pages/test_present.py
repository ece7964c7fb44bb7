"""Presentation mode runs headless (Streamlit AppTest): one indicator or recommendation per screen, next and
previous, the slide and the language in the URL, no sidebar."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from indicators.metrics import catalog, compute
from indicators.snapshot.read import open_snapshot
from indicators.metrics.text import Words, escape_markdown
from indicators.tracker.auth import Actor
from indicators.tracker.importer import ensure_seeded
from indicators.tracker.store import PriorityItem, Store
from tests.conftest import COMMITTED_SNAPSHOT

ON_MAP = [i.id for i in compute.available(open_snapshot(COMMITTED_SNAPSHOT, verify=False), "neighborhood")]
HOSTILE = '=HYPERLINK("http://x") **bold** [click](javascript:alert(1)) &lt;b&gt;'  # markup itself is refused by the store


@pytest.fixture
def present(deep_link):
    return lambda **params: deep_link("app_pages/present.py", **params)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_title_slide_lists_every_mapped_indicator_and_hides_the_sidebar(present):
    at = present()
    assert at.title[0].value == "Pittsburgh: Neighborhood indicators"
    assert f"Slide 1 of {len(ON_MAP) + 1}" in markdown(at)
    for ind_id in ON_MAP:
        assert escape_markdown(catalog.get(ind_id).title) in markdown(at)
    assert len(at.sidebar.children) == 0 and not at.sidebar.radio  # no sidebar widgets in presentation mode
    assert at.button(key="prev_top").disabled and not at.button(key="next_top").disabled


def test_next_shows_one_indicator_with_the_city_figure_and_keeps_the_slide_in_the_url(present):
    at = present()
    at.button(key="next_top").click().run()
    first = catalog.get(ON_MAP[0])
    # the first slide is the stability headline, its period in the title
    assert first.id == "avg_years_of_residence"
    assert at.title[0].value == escape_markdown(f"{first.title} (2010)")
    assert at.query_params["slide"] == "1"
    headline = compute.city_value(open_snapshot(COMMITTED_SNAPSHOT), first.id, None)
    if headline is not None:
        assert at.metric[0].value == Words("en").value(first, headline["estimate"])
    at.button(key="prev_top").click().run()
    assert at.title[0].value == "Pittsburgh: Neighborhood indicators" and "slide" not in at.query_params


def test_a_deep_link_opens_that_slide_in_spanish(present):
    position = ON_MAP.index("rent_burden_share") + 1
    at = present(slide=str(position), lang="es")
    ind = catalog.get("rent_burden_share", "es")
    assert ind.title != catalog.get("rent_burden_share").title
    assert at.title[0].value == escape_markdown(f"{ind.title} (2020–2024)")
    assert f"Diapositiva {position + 1} de {len(ON_MAP) + 1}" in markdown(at)
    city = compute.city_value(open_snapshot(COMMITTED_SNAPSHOT), "rent_burden_share", None)
    assert at.metric[0].value == Words("es").value(ind, city["estimate"])
    assert at.metric[0].label.startswith("Toda la ciudad")
    assert any("margen de error" in c.value.lower() for c in at.caption)
    assert "Por qué importa" in markdown(at) and "Why it matters" not in markdown(at)
    assert at.query_params["lang"] == "es"


@pytest.mark.parametrize("slide", ["999", "-3", "abc", ""])
def test_a_bad_slide_number_opens_a_valid_slide(present, slide):
    at = present(slide=slide)
    assert at.title  # the title slide or the last one, never an error


def test_a_priority_list_is_shown_one_recommendation_per_screen_with_both_statuses(present, tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'tracker.sqlite'}")
    ensure_seeded(store, COMMITTED_SNAPSHOT / "upr_recommendations.parquet")
    editor = Actor("alice", "editor", "Alice Organizer")
    plist = store.create_priority_list(editor, city="pittsburgh", name="Housing first", items=[
        PriorityItem("26.286", 3, HOSTILE, "City Council", dt.date(2026, 12, 31))])
    store.set_status(Actor("city-office", "city", "City office"), "26.286", city="pittsburgh", track="city",
                     status="in_progress", as_of="2024-05-01", author="Mayor's office", expected_version=0)
    rec = store.get_recommendation("26.286")
    store.close()

    at = present(deck="priorities", slide="1", list=str(plist.list_id))
    assert at.title[0].value == "Recommendation 26\\.286"
    assert escape_markdown(rec.text) in markdown(at)
    assert [m.value for m in at.metric] == ["In progress", "No assessment yet"]
    assert escape_markdown(HOSTILE) in markdown(at)  # literal, never markup
    cover = present(deck="priorities", list=str(plist.list_id))
    assert cover.title[0].value == "Pittsburgh: Housing first"
    assert "Slide 1 of 2" in markdown(cover)
