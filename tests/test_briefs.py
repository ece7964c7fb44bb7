"""The printed briefs: a neighborhood brief and a progress brief, as PDF and slides, in English and Spanish.

The produced files are opened as a reader's software would (pypdf, python-pptx) and their text must hold the
snapshot's figures as :class:`indicators.metrics.text.Words` puts them — computed here from the committed snapshot, not
written down — with the margins of error, the sources and their vintages, both statuses of the recommendations,
and notes people typed shown exactly as typed. Page 1 of each PDF is drawn to a PNG in ``screenshots/`` with
pdftoppm, for people to look at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from indicators import briefs
from indicators.metrics import catalog, compute
from indicators.briefs import content, slides
from indicators.snapshot.words import in_language as snapshot_words
from tests.english import english_words
from indicators.cli.brief import main as brief_cli
from indicators.core.i18n import translator
from indicators.metrics.text import Words
from indicators.tracker.auth import Actor
from indicators.tracker.progress import overview_table

from .conftest import COMMITTED_SNAPSHOT

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "screenshots"
HOOD = "Bloomfield"
CITY = "pittsburgh"
EDITOR = Actor("alice", "editor", "Alice Organizer")
# what people may type: formulas, ampersands and comparison signs are all plain text (markup is refused by the store)
TYPED_NOTE = 'Rents rose faster than incomes; =HYPERLINK("http://evil.example","click") & rent < 30% > none'
TYPED_RATIONALE = "=SUM(A1:A9) & families <3 stay"
MARKUP = "<b>x</b> <img src=x> &amp; <para>"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return flat("\n".join(page.extract_text() for page in reader.pages)), len(reader.pages)


def pptx_text(data: bytes) -> str:
    prs = Presentation(io.BytesIO(data))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text_frame.text for row in shape.table.rows for cell in row.cells)
    return flat("\n".join(parts))


@pytest.fixture(scope="module")
def store(snapshot, tmp_path_factory):
    """A fresh tracker store seeded from the snapshot, with statuses, evidence and a priority list."""
    url = f"sqlite:///{tmp_path_factory.mktemp('briefs') / 'tracker.sqlite'}"
    opened = content.open_store(url, snapshot=snapshot)
    recs = opened.recommendation_frame()
    housing = recs[recs["theme"] == "Right to adequate housing"]["number"].iloc[0]
    # a recommendation on no theme of the brief, linked to one of its indicators by an editor
    elsewhere = recs[recs["theme"] == "Death penalty"]["number"].iloc[0]
    opened.set_status(EDITOR, housing, city=CITY, track="community", status="in_progress", as_of="2025-06-01",
                      author="Housing coalition", note=TYPED_NOTE,
                      evidence=[{"url": "https://example.org/rent-report", "label": "Coalition rent report"}],
                      indicator_ids=["rent_burden_share", "eviction_filing_rate"], expected_version=0)
    opened.set_status(EDITOR, housing, city=CITY, track="city", status="implemented", as_of="2025-03-01",
                      author="Office of the Mayor", note="Housing fund created.", indicator_ids=["arrest_rate"],
                      expected_version=0)
    opened.set_status(EDITOR, elsewhere, city=CITY, track="city", status="not_started", as_of="2024-01-15",
                      author="Office of the Mayor", indicator_ids=["eviction_filing_rate"], expected_version=0)
    opened.create_priority_list(EDITOR, city=CITY, name="Housing first", description="Our campaign & our <3 list.",
                                items=[{"number": housing, "rationale": TYPED_RATIONALE,
                                        "responsible_body": "City Council", "target_date": "2027-06-30"},
                                       {"number": elsewhere}])
    opened.numbers = {"housing": housing, "elsewhere": elsewhere}
    yield opened
    opened.close()


def neighborhood_figures(snapshot, lang: str) -> list[tuple[str, str, str]]:
    """(title, neighborhood figure, city figure) of every indicator served for neighborhoods, in words."""
    words, out = Words(lang), []
    for ind in catalog.CATALOG.values():
        if "neighborhood" not in compute.available_levels(snapshot, ind.id):
            continue
        frame = compute.compute(snapshot, ind.id, "neighborhood")
        row = frame[frame["area_id"] == HOOD].iloc[0]
        city = compute.city_value(snapshot, ind.id)
        local = catalog.get(ind.id, lang)
        out.append((local.title, words.value_with_margin(local, row["estimate"], row["moe"]),
                    "" if city is None else words.value_with_margin(local, city["estimate"], city["moe"])))
    return out


def expected_sources(snapshot) -> list[dict]:
    ids = {"neighborhood_boundaries", "upr_recommendations"}
    for ind in compute.available(snapshot, "neighborhood"):
        frame = compute.compute(snapshot, ind.id, "neighborhood")
        ids.update(s.strip() for s in frame["source_ids"].iloc[0].split(","))
    return [s for s in snapshot.manifest["sources"] if s["id"] in ids]


@pytest.fixture(scope="module", params=["en", "es"])
def neighborhood(request, snapshot, store):
    brief = briefs.neighborhood_brief(snapshot, HOOD, lang=request.param, store=store)
    return request.param, brief, briefs.neighborhood_pdf(brief), briefs.neighborhood_pptx(brief)


@pytest.fixture(scope="module", params=["en", "es"])
def progress(request, snapshot, store):
    list_id = content.find_list(store, CITY, "Housing first")
    brief = briefs.progress_brief(snapshot, store, list_id, lang=request.param)
    return request.param, brief, briefs.progress_pdf(brief), briefs.progress_pptx(brief)


# ------------------------------------------------------------------------------------------ neighborhood brief
def test_neighborhood_pdf_holds_every_figure_with_its_margin_and_the_city(neighborhood, snapshot):
    lang, _brief, pdf, _pptx = neighborhood
    text, pages = pdf_text(pdf)
    assert 2 <= pages <= 4
    figures = neighborhood_figures(snapshot, lang)
    assert len(figures) >= 10
    for title, value, city in figures:
        assert flat(title) in text and flat(value) in text, (title, value)
        assert not city or flat(city) in text, (title, city)
    assert "± 6.4" in text or any("±" in v for _t, v, _c in figures)
    assert ("margin of error" if lang == "en" else "margen de error") in text
    assert HOOD in text and snapshot.manifest["built_at"][:10] in text


def test_neighborhood_pdf_says_how_the_figures_compare_with_the_city(neighborhood, snapshot):
    """Bloomfield's rent burden 42.2% ± 6.4 against the city's 45.3% ± 1.8: |−3.1| ÷ √((6.4/1.645)² + (1.8/1.645)²)
    = 3.1 ÷ 4.04 = 0.77 < 1.645, not distinguishable. Its severe burden 17.1% ± 3.9 against 23.5% ± 1.4: 6.4 ÷
    √(2.37² + 0.85²) = 2.54 > 1.645, 6.5 points below (unrounded figures). The eviction baseline is the county's."""
    lang, _brief, pdf, pptx = neighborhood
    text, _pages = pdf_text(pdf)
    deck = pptx_text(pptx)
    _ = translator(lang)
    assert flat(_("not distinguishable from the city")) in text
    assert flat(_("{points} points below the city", points="6.5")) in text
    for said in (_("not distinguishable from the city"), _("{points} points below the city", points="6.5")):
        assert flat(said) in deck
    assert flat(_("county: {value}", value="0.88×")) in text and flat(_("below the county figure")) in text
    frame = compute.compute(snapshot, "rent_burden_share", "neighborhood")
    assert frame.loc[frame["area_id"] == HOOD, "period"].iloc[0] in text


def test_neighborhood_brief_lists_its_sources_and_vintages(neighborhood, snapshot):
    lang, _brief, pdf, pptx = neighborhood
    text, _pages = pdf_text(pdf)
    deck = pptx_text(pptx)
    sources = expected_sources(snapshot)
    assert len(sources) >= 6
    for source in sources:
        # titles and publishers as published; the vintage in the brief's language
        vintage = snapshot_words(source["vintage"], lang)
        for part in (source["title"], source["publisher"], vintage):
            assert flat(part) in text, part
            assert flat(part) in deck, part
        assert lang == "en" or not english_words(vintage), vintage
    if lang == "es":
        assert flat("ACS a 5 años 2020–2024") in text


def test_neighborhood_brief_shows_linked_recommendations_with_both_statuses(neighborhood, store):
    lang, brief, pdf, pptx = neighborhood
    _ = translator(lang)
    text, _pages = pdf_text(pdf)
    deck = pptx_text(pptx)
    recs = store.recommendation_frame().set_index("number")
    shown = [r.number for r in brief.recommendations]
    # recommendations whose statuses an editor linked to the brief's indicators come first, whatever their theme
    assert set(shown[:2]) == {store.numbers["elsewhere"], store.numbers["housing"]}
    assert all(r.theme != "Death penalty" for r in brief.recommendations[2:])
    for number in (store.numbers["housing"], store.numbers["elsewhere"]):
        official = flat(recs.loc[number, "text"])  # official text, never translated
        assert official in text and official in deck
    for label in (_("In progress"), _("Implemented"), _("Not started"), _("City government claims"),
                  _("Community assessment")):
        assert label in text and label in deck, label
    assert flat(TYPED_NOTE) in text and flat(TYPED_NOTE) in deck
    assert "Coalition rent report (https://example.org/rent-report)" in text


def test_neighborhood_brief_shows_change_over_time_from_the_snapshot(neighborhood, snapshot):
    lang, brief, pdf, _pptx = neighborhood
    text, _pages = pdf_text(pdf)
    words = Words(lang)
    ind = catalog.get("arrest_rate", lang)
    years = sorted(compute.vintages(snapshot, "arrest_rate", "neighborhood"))
    values = []
    for year in (years[0], years[-1]):
        frame = compute.compute(snapshot, "arrest_rate", "neighborhood", year=year)
        values.append(words.value(ind, frame.loc[frame["area_id"] == HOOD, "estimate"].iloc[0]))
    assert values[0] in text and values[-1] in text and str(years[0]) in text
    population = snapshot.table("population_by_race")
    census = population[(population["geo_level"] == "neighborhood") & (population["area_id"] == HOOD)
                        & (population["group"] == "total")].set_index("year")["count"]
    assert f"{census[2010]:,.0f}" in text and f"{census[2020]:,.0f}" in text


def test_slides_fit_their_boxes_and_hold_the_figures(neighborhood, snapshot):
    lang, _brief, _pdf, pptx = neighborhood
    assert slides.overflowing(pptx) == []
    assert 6 <= slides.slide_count(pptx) <= 14
    deck = pptx_text(pptx)
    for title, value, city in neighborhood_figures(snapshot, lang):
        assert flat(value) in deck and (not city or flat(city) in deck), (title, value)
    assert ("margin of error" if lang == "en" else "margen de error") in deck


def test_a_spanish_brief_is_in_spanish_and_keeps_names_as_published(neighborhood):
    lang, brief, pdf, _pptx = neighborhood
    text, _pages = pdf_text(pdf)
    if lang == "es":
        assert "Informe del barrio" in text and "Fuentes" in text and "Neighborhood brief" not in text
        assert "á" in text or "í" in text  # accents print (the fonts are embedded)
    else:
        assert "Neighborhood brief" in text and "Sources and vintages" in text
    assert brief.city_name in text and HOOD in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_disparity_ratio_carries_its_counts_period_interval_and_a_period_warning(snapshot, lang):
    """Bloomfield: 14.39× (90% interval 10.39× to 19.94×) from 46 Black and 57 white arrests of 2016-08-01 to
    2017-03-29 (worked by hand in tests/test_indicators_policing.py), set beside arrest rates of 2022."""
    brief = briefs.neighborhood_brief(snapshot, HOOD, lang=lang, store=None)
    _ = translator(lang)
    text, _pages = pdf_text(briefs.neighborhood_pdf(brief))
    deck = pptx_text(briefs.neighborhood_pptx(brief))
    interval = _("{value} (90% interval {low} to {high})", value="14.39×", low="10.39×", high="19.94×")
    counts = _("{black_arrests} Black and {white_arrests} white arrests ({period}); {black_residents} Black and "
               "{white_residents} white residents", black_arrests="46", white_arrests="57",
               period=Words(lang).period("2016-08-01 to 2017-03-29"), black_residents="416", white_residents="7,420")
    for said in (interval, counts):
        assert flat(said) in text and flat(said) in deck
    assert "policing" in brief.topic_warnings
    assert flat(brief.topic_warnings["policing"]) in text


# ------------------------------------------------------------------------------------------ progress brief
def test_progress_brief_has_each_recommendation_both_statuses_and_the_evidence(progress, store):
    lang, brief, pdf, pptx = progress
    _ = translator(lang)
    text, pages = pdf_text(pdf)
    deck = pptx_text(pptx)
    assert 2 <= pages <= 4
    table = overview_table(store.recommendation_frame(), store.current_statuses_frame(CITY)).set_index("number")
    for number in store.numbers.values():
        assert number in text and number in deck
        assert flat(table.loc[number, "text"]) in text and flat(table.loc[number, "text"]) in deck
        for track in ("city", "community"):
            label = content.status_label(table.loc[number, f"{track}_status"], lang)
            assert label in text and label in deck
    assert "Housing first" in text and "Housing first" in deck
    assert flat(TYPED_NOTE) in text and flat(TYPED_NOTE) in deck
    assert flat(TYPED_RATIONALE) in text and "City Council" in text and "2027-06-30" in text
    assert "Our campaign & our <3 list." in text
    assert "Coalition rent report (https://example.org/rent-report)" in text


def test_progress_brief_shows_the_trend_of_linked_indicators_or_says_there_is_none(progress, snapshot):
    lang, brief, pdf, pptx = progress
    _ = translator(lang)
    text, _pages = pdf_text(pdf)
    words = Words(lang)
    ind = catalog.get("arrest_rate", lang)
    years = sorted(compute.vintages(snapshot, "arrest_rate", "city"))
    first = compute.city_value(snapshot, "arrest_rate", years[0])["estimate"]
    last = compute.city_value(snapshot, "arrest_rate", years[-1])["estimate"]
    assert f"{words.value(ind, first)} ({years[0]})" in text
    assert f"{words.value(ind, last)} ({years[-1]})" in text
    # the series of the ACS city releases carries margins of error
    burden = catalog.get("rent_burden_share", lang)
    newest = compute.city_value(snapshot, "rent_burden_share")
    assert flat(words.value_with_margin(burden, newest["estimate"], newest["moe"])) in text
    assert ("margin of error" if lang == "en" else "margen de error") in text
    none = flat(_("No indicator is linked to this recommendation's statuses, so no trend is shown."))
    assert none not in text  # both items have linked indicators
    eviction_one_period = flat(_("One period only in the snapshot ({where}): {value} ({period}). No trend yet.",
                                 where=_("city"), value="X", period="Y")).split("X")[0]
    assert eviction_one_period in text


def test_progress_brief_counts_the_list_by_status(progress, store):
    lang, brief, pdf, pptx = progress
    _ = translator(lang)
    text, _pages = pdf_text(pdf)
    table = overview_table(store.recommendation_frame(), store.current_statuses_frame(CITY)).set_index("number")
    mine = table.loc[list(store.numbers.values())]
    for track in ("city", "community"):
        assert brief.counts[track] == {s: int((mine[f"{track}_status"] == s).sum()) for s in brief.counts[track]}
    assert f"{_('Total')} 2 2" in pptx_text(pptx) and f"{_('Total')} 2 2" in text
    alts = [shape._element.nvPicPr.cNvPr.get("descr") for slide in Presentation(io.BytesIO(pptx)).slides
            for shape in slide.shapes if shape.shape_type == 13]  # pictures, described for screen readers
    assert _("Recommendations on the list by status ({n} in all)", n=2) in alts
    reader = PdfReader(io.BytesIO(pdf))
    assert any("/XObject" in page["/Resources"] and page["/Resources"]["/XObject"] for page in reader.pages)
    assert slides.overflowing(pptx) == []


def test_progress_brief_without_links_says_so(snapshot, store, tmp_path):
    list_id = store.create_priority_list(EDITOR, city=CITY, name="Unlinked", items=[
        {"number": store.recommendation_frame()["number"].iloc[5]}]).list_id
    brief = briefs.progress_brief(snapshot, store, list_id, lang="en")
    text, pages = pdf_text(briefs.progress_pdf(brief))
    assert "No indicator is linked to this recommendation's statuses, so no trend is shown." in text
    assert pages >= 1 and "No assessment yet" in text


# ------------------------------------------------------------------------------------------ hostile text
def test_markup_in_any_text_prints_as_written(snapshot, store):
    """The store refuses markup, but the briefs never rely on it: text that looks like markup prints literally."""
    brief = briefs.neighborhood_brief(snapshot, HOOD, lang="en", store=store)
    rec = brief.recommendations[0]
    hostile = dataclasses.replace(rec, community=dataclasses.replace(rec.community, note=MARKUP, author=MARKUP),
                                  text=MARKUP)
    brief = dataclasses.replace(brief, recommendations=(hostile, *brief.recommendations[1:]))
    text, _pages = pdf_text(briefs.neighborhood_pdf(brief))
    assert MARKUP in text
    deck = briefs.neighborhood_pptx(brief)
    assert MARKUP in pptx_text(deck)
    # a neighborhood name that is markup to a PDF and maths to matplotlib is drawn and printed as written
    name = '$\\frac$ <b>Bloom</b> & "field"'
    geometry = brief.geometry.assign(area_id=brief.geometry["area_id"].replace(HOOD, name))
    renamed = dataclasses.replace(brief, hood=name, geometry=geometry)
    text, _pages = pdf_text(briefs.neighborhood_pdf(renamed))
    assert flat(name) in text
    assert name in pptx_text(briefs.neighborhood_pptx(renamed))
    list_id = content.find_list(store, CITY, "Housing first")
    progress = briefs.progress_brief(snapshot, store, list_id, lang="es")
    progress = dataclasses.replace(progress, list_name=MARKUP, description=MARKUP)
    text, _pages = pdf_text(briefs.progress_pdf(progress))
    assert text.count(MARKUP) >= 2
    assert MARKUP in pptx_text(briefs.progress_pptx(progress))


# ------------------------------------------------------------------------------------------ edges and CLI
def test_an_unknown_neighborhood_is_refused_and_a_missing_store_is_said(snapshot):
    with pytest.raises(content.BriefError, match="no neighborhood named"):
        briefs.neighborhood_brief(snapshot, "Atlantis", store=None)
    brief = briefs.neighborhood_brief(snapshot, HOOD, lang="es", store=None)
    text, pages = pdf_text(briefs.neighborhood_pdf(brief))
    assert "No se pudo leer el seguimiento de recomendaciones" in text and 2 <= pages <= 4


def test_command_line_writes_both_files(store, tmp_path):
    url = str(store.engine.url)
    code = brief_cli(["brief", "neighborhood", HOOD, "--lang", "es", "--db", url, "--out", str(tmp_path),
                      "--snapshot", str(COMMITTED_SNAPSHOT)])
    assert code == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["brief-pittsburgh-bloomfield-es.pdf", "brief-pittsburgh-bloomfield-es.pptx"]
    code = brief_cli(["brief", "priorities", "Housing first", "--format", "pdf", "--db", url, "--out",
                      str(tmp_path / "p"), "--snapshot", str(COMMITTED_SNAPSHOT)])
    assert code == 0 and len(list((tmp_path / "p").glob("progress-pittsburgh-*-housing-first-en.pdf"))) == 1
    assert brief_cli(["brief", "priorities", "No such list", "--db", url, "--out", str(tmp_path),
                      "--snapshot", str(COMMITTED_SNAPSHOT)]) == 2


# ------------------------------------------------------------------------------------------ page images
def page_one_image(pdf: bytes, name: str, tmp_path: Path):
    """Page 1 drawn by pdftoppm into ``screenshots/<name>.png``, as an array of RGB pixels."""
    import numpy as np
    from PIL import Image

    SCREENSHOTS.mkdir(exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(SCREENSHOTS / name)], check=True, timeout=60)
    pixels = np.asarray(Image.open(SCREENSHOTS / f"{name}.png").convert("RGB")).astype(int)
    height, width, _depth = pixels.shape
    assert abs(width / height - 8.5 / 11) < 0.01  # US Letter
    assert (pixels.sum(axis=2) < 200).sum() > width * height * 0.01, "page 1 looks empty"
    return pixels


NO_PDFTOPPM = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is missing")


@NO_PDFTOPPM
def test_neighborhood_page_one_shows_the_neighborhood_on_the_map(neighborhood, tmp_path):
    lang, _brief, pdf, _pptx = neighborhood
    pixels = page_one_image(pdf, f"brief_neighborhood_{lang}", tmp_path)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    # the neighborhood is filled with the accent colour on the locator map
    assert ((r > 170) & (g > 60) & (g < 110) & (b > 40) & (b < 90)).sum() > 150


@NO_PDFTOPPM
def test_progress_page_one_shows_the_status_chart(progress, tmp_path):
    lang, _brief, pdf, _pptx = progress
    pixels = page_one_image(pdf, f"brief_progress_{lang}", tmp_path)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    # the bars of "in progress" (blue) and "implemented" (green) of the status chart
    assert ((b > 150) & (r < 80) & (g > 90) & (g < 150)).sum() > 150
    assert ((g > 100) & (r < 80) & (b < 80)).sum() > 150


def test_file_names_and_words_stay_safe():
    from indicators.briefs import file_stem

    assert file_stem("brief", "pittsburgh", "../../etc/passwd", "es") == "brief-pittsburgh-etc-passwd-es"
    assert re.fullmatch(r"[a-z0-9-]+", file_stem("progress", "1", "Vivienda <primero> & ya"))


# ------------------------------------------------------------------------------------------ the app's buttons
def _buttons_app(repo: str, city: str, hood: str) -> None:
    import sys

    sys.path.insert(0, repo)
    from ui import briefs as ui_briefs
    from ui import tracker as ut

    store = ut.store()
    ui_briefs.neighborhood_downloads(city, hood)
    for plist in store.priority_lists(city):
        ui_briefs.priority_list_downloads(city, plist, store)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_app_offers_both_briefs_in_the_readers_language(store, snapshot, monkeypatch, lang):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui import briefs as ui_briefs

    monkeypatch.setenv("HRC_TRACKER_URL", str(store.engine.url))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_function(_buttons_app, args=(str(REPO), CITY, HOOD), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    _ = translator(lang)
    labels = [b.proto.label for b in at.get("download_button")]
    lists = store.priority_lists(CITY)
    assert labels[:2] == [_("Neighborhood brief (PDF)"), _("Slides (PowerPoint)")]
    assert labels[2:] == [_("Progress brief (PDF)"), _("Slides (PowerPoint)")] * len(lists)
    # what a click makes: the cached functions the buttons call
    stamp = ui_briefs.tracker_stamp(store, CITY)
    pdf = ui_briefs.neighborhood_file(CITY, HOOD, lang, stamp, "pdf", snapshot, store)
    text, pages = pdf_text(pdf)
    assert 2 <= pages <= 4 and flat(TYPED_NOTE) in text
    plist = lists[0]
    deck = ui_briefs.progress_file(CITY, plist.list_id, plist.version, lang, stamp, "pptx", snapshot, store)
    assert plist.name in pptx_text(deck)
    # a new status makes a new brief, not the cached one
    recs = store.recommendation_frame()
    other = recs[recs["theme"] == "Migrants"]["number"].iloc[0]
    current = store.current_status(other, city=CITY, track="community")
    store.set_status(EDITOR, other, city=CITY, track="community", status="regressed", as_of="2025-09-01",
                     author="Coalition", expected_version=current.version if current else 0)
    assert ui_briefs.tracker_stamp(store, CITY) != stamp
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_progress_brief_lists_campaign_actions_and_flags_overdue_targets(snapshot, store, lang):
    from indicators.tracker.campaign import list_subject, rec_subject

    _ = translator(lang)
    housing = store.numbers["housing"]
    if not store.campaign.actions(CITY):
        store.campaign.log_action(EDITOR, city=CITY, subject=rec_subject(3, housing), kind="council_hearing",
                                  happened_on="2025-04-02", who="Tenant union", note="Residents testified & rents < incomes")
    lists = [pl for pl in store.priority_lists(CITY) if pl.name == "Campaign list"]
    plist = lists[0] if lists else store.create_priority_list(EDITOR, city=CITY, name="Campaign list", items=[
        {"number": housing, "responsible_body": "Housing Authority", "target_date": "2025-01-31"}])
    if not lists:
        store.campaign.log_action(EDITOR, city=CITY, subject=list_subject(plist.list_id), kind="letter",
                                  happened_on="2025-05-01", who="Coalition", note="Letter to the Mayor")
    brief = briefs.progress_brief(snapshot, store, plist.list_id, lang=lang, today=dt.date(2026, 1, 1))
    item = brief.items[0]
    hearing = f"2025-04-02 · {_('Council hearing')} · Tenant union: Residents testified & rents < incomes"
    assert item.overdue and item.actions == (hearing,)
    assert brief.list_actions == (f"2025-05-01 · {_('Letter')} · Coalition: Letter to the Mayor",)
    text, _pages = pdf_text(briefs.progress_pdf(brief))
    assert _("{date} — overdue", date="2025-01-31") in text
    assert flat(hearing) in text and "Letter to the Mayor" in text
    deck = briefs.progress_pptx(brief)
    assert flat(_("Latest action: {action}", action=hearing)) in pptx_text(deck)
    assert _("target {date}, overdue", date="2025-01-31") in pptx_text(deck)
    assert slides.overflowing(deck) == []


def test_progress_brief_quotes_only_testimony_whose_givers_allowed_reports(snapshot, store):
    housing = store.numbers["housing"]
    reviewer = Actor("rita", "reviewer", "Rita Reviewer")
    for story, consent in (("Reports may quote me: the rent doubled.", "reports"),
                           ("Keep this inside the coalition.", "coalition")):
        given = store.testimony.submit(city=CITY, kind="harm", story=story, consent_use=consent)
        store.testimony.decide(reviewer, given.testimony.testimony_id, decision="accepted", expected_version=1,
                               recommendation_numbers=[housing])
    list_id = content.find_list(store, CITY, "Housing first")
    brief = briefs.progress_brief(snapshot, store, list_id, lang="en")
    item = next(i for i in brief.items if i.recommendation.number == housing)
    assert item.testimony == "fewer than 5 residents' testimonies"
    assert item.quotes == ("“Reports may quote me: the rent doubled.”",)
    text, _pages = pdf_text(briefs.progress_pdf(brief))
    assert "Reports may quote me: the rent doubled." in text and "Keep this inside" not in text
