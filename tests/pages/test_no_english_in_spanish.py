"""No English left on any page in Spanish, for both cities: every page opened with ``?lang=es`` (Streamlit
AppTest) shows no text that reads as English, except the data that stay as published (official UN texts,
States and themes, source titles, publishers and credits, area names); and the snapshot's own words (what it
lacks, its sources' vintages, how it was built) and the briefs' vintage column are all said in Spanish.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.snapshot.read import open_snapshot
from indicators.snapshot.words import in_language
from tests.english import english_words, is_english, page_texts

ROOT = Path(__file__).resolve().parents[2]
CITIES = ("pittsburgh", "dc")
PAGES = ["map", "profile", "compare", "growth", "methods", "present", "upr_recommendations", "upr_progress",
         "upr_priorities", "upr_edit", "tell_us", "campaign", "review", "report_builder", "campaign_log"]


def snapshot_of(city: str):
    return open_snapshot(ROOT / "data" / "snapshots" / city, verify=False)


def kept_as_published(city: str) -> list[str]:
    """The data shown as their publishers wrote them, longest first (so a title is taken out before its parts)."""
    snap = snapshot_of(city)
    kept = {snap.manifest["city"].get("name", ""), snap.manifest["city"].get("county_name") or ""}
    for source in snap.manifest["sources"]:
        kept.update(str(source.get(k) or "") for k in ("title", "publisher", "licence", "attribution", "url"))
        kept.update(source.get("caveats") or [])
    recs = snap.table("upr_recommendations")
    for column in ("text", "recommending_state", "theme"):
        kept.update(recs[column].astype(str))
    for table in ("areas_neighborhoods", "areas_tracts", "areas_extra"):
        if snap.has(table):
            kept.update(snap.table(table)["name"].astype(str))
    return sorted((k for k in kept if k), key=len, reverse=True)


@pytest.fixture
def open_page(deep_link, tmp_path, monkeypatch):
    # a store per city, as a coalition running both would have
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path / 'tracker-{city}.sqlite'}")
    """A page opened as a link to it would: the tracker's pages have addresses that are not their file names, so
    the app runs once (learning its pages) before switching to the page."""
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import DASHBOARD

    def run(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(DASHBOARD, default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


@pytest.fixture(scope="module")
def kept():
    return {city: kept_as_published(city) for city in CITIES}


def first_area(city: str) -> str:
    return str(snapshot_of(city).table("areas_neighborhoods").sort_values("name")["area_id"].iloc[0])


@pytest.mark.parametrize("city", CITIES)
@pytest.mark.parametrize("page", PAGES)
def test_no_english_is_left_on_a_spanish_page(open_page, kept, city, page):
    params = {"lang": "es", **({"city": city} if city != "pittsburgh" else {})}
    if page == "profile":
        params["area"] = first_area(city)
    if page == "compare":
        params["areas"] = first_area(city)
    at = open_page(f"app_pages/{page}.py", **params)
    assert at.title and at.title[0].value != "", page
    english = [text for text in page_texts(at) if is_english(text, kept[city])]
    assert not english, "English on a Spanish page:\n" + "\n".join(
        f"  {english_words(t, kept[city])}: {t[:160]!r}" for t in english[:15])


def test_the_level_switch_of_washington_is_in_spanish(open_page):
    at = open_page("app_pages/map.py", lang="es", city="dc")
    assert at.sidebar.radio(key="sb_level").options == [
        "Agrupaciones de barrios", "Distritos policiales", "Sectores censales"]


def test_every_slide_of_the_presentation_is_in_spanish(deep_link, kept):
    from indicators.metrics import compute

    slides = len(compute.available(snapshot_of("pittsburgh"), "neighborhood"))
    for slide in range(1, slides + 1):
        at = deep_link("app_pages/present.py", lang="es", slide=str(slide))
        english = [t for t in page_texts(at) if is_english(t, kept["pittsburgh"])]
        assert not english, (slide, english[:5])


def test_a_recommendation_page_is_in_spanish_but_its_official_text(open_page, kept):
    at = open_page("app_pages/upr_recommendations.py", lang="es", rec="26.214")
    texts = page_texts(at)
    assert any("gunshow loophole" in t for t in texts)  # the official text, in English, as published
    english = [t for t in texts if is_english(t, kept["pittsburgh"])]
    assert not english, english[:5]


@pytest.mark.parametrize("city", CITIES)
def test_the_snapshots_own_words_are_all_said_in_spanish(city):
    manifest = snapshot_of(city).manifest
    said = [manifest["built_from"]]
    for gap in manifest.get("missing", []):
        said += [gap["what"], gap["why"]]
    for source in manifest["sources"]:
        said += [source["vintage"], source.get("retrieved_via", "")]
    left = {text: in_language(text, "es") for text in said if english_words(in_language(text, "es"))}
    assert not left, left


def test_the_schema_is_described_in_spanish():
    from indicators.snapshot.schema import describe_markdown

    english = [line for line in describe_markdown("es").splitlines() if is_english(line)]
    assert not english, english
