"""Cities other than the first: every page opens (Streamlit AppTest) for a minimal city (tracts and ACS measures
only), for a city without evictions and policing, and for the committed Washington DC snapshot where there is one;
where a city lacks data, the page says "not available for <city>" with the recorded reason, never a traceback.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from indicators.metrics import catalog, compute
from indicators.metrics.text import Words
from indicators.snapshot.read import SNAPSHOTS_DIR, open_snapshot
from tests.pages.fixture_cities import DEGRADED, MINIMAL, other_cities

fmt = Words("en")
EVIDENCE = ["map", "profile", "compare", "growth", "methods", "present"]
TRACKER = ["upr_recommendations", "upr_progress", "upr_priorities", "upr_edit", "campaign", "tell_us", "review",
           "report_builder", "campaign_log"]


@pytest.fixture(scope="module")
def snapshots_dir(tmp_path_factory):
    return other_cities(tmp_path_factory.mktemp("snapshots"))


@pytest.fixture
def city_link(deep_link, snapshots_dir, monkeypatch, tmp_path):
    """``deep_link`` over the folder of the two fixture cities, each with its own tracker store."""
    monkeypatch.setenv("HRC_SNAPSHOTS_DIR", str(snapshots_dir))
    monkeypatch.setenv("HRC_TRACKER_URL", f"sqlite:///{tmp_path / 'stores' / '{city}.sqlite'}")
    return deep_link


def page_text(at: AppTest) -> str:
    kinds = (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.warning, at.error)
    return "\n".join(str(e.value) for kind in kinds for e in kind)


def not_available(at: AppTest) -> list[str]:
    return [i.value for i in at.info if "is not available for" in i.value]


@pytest.mark.parametrize("page", EVIDENCE)
def test_every_evidence_page_opens_for_the_minimal_city(city_link, page):
    at = city_link(f"app_pages/{page}.py", city=MINIMAL[0])
    assert at.title and not at.exception
    assert "Pittsburgh" not in page_text(at) and "Allegheny" not in page_text(at)


def test_a_city_link_opens_that_city_with_its_own_levels_and_indicators(city_link, snapshots_dir):
    at = city_link("app_pages/map.py", city=MINIMAL[0])
    assert at.title[0].value.startswith("Testville: ")
    assert at.sidebar.selectbox(key="sb_city").value == MINIMAL[0]
    assert at.sidebar.radio(key="sb_level").options == ["Census tracts"]
    served = compute.available(open_snapshot(snapshots_dir / MINIMAL[0]), "tract")
    assert at.sidebar.selectbox(key="sb_indicator").options == [i.title for i in served]
    assert at.query_params["city"] == MINIMAL[0]


def test_the_sidebar_lists_every_city_with_a_snapshot_by_its_name(city_link):
    at = city_link("app_pages/map.py")
    cities = at.sidebar.selectbox(key="sb_city")
    assert cities.options == ["Lessburg", "Testville"]  # the manifests' names; the first is the default
    assert at.title[0].value.startswith("Lessburg: ")


def test_an_unknown_city_falls_back_to_the_default_with_a_message(city_link):
    at = city_link("app_pages/map.py", city="nowhere")
    assert any("There is no data for a city “nowhere” here; showing Lessburg instead." in w.value for w in at.warning)
    assert at.title[0].value.startswith("Lessburg: ")


def test_switching_city_in_the_sidebar_switches_levels_and_figures(city_link):
    at = city_link("app_pages/map.py", level="neighborhood")
    assert at.sidebar.radio(key="sb_level").value == "neighborhood"
    at.sidebar.selectbox(key="sb_city").set_value(MINIMAL[0]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.radio(key="sb_level").value == "tract"
    assert at.title[0].value.startswith("Testville: ")
    assert at.query_params["city"] == MINIMAL[0] and at.query_params["level"] == "tract"


def test_the_minimal_city_profiles_a_tract_and_says_what_it_cannot_show(city_link, snapshots_dir):
    tracts = open_snapshot(snapshots_dir / MINIMAL[0]).table("areas_tracts")
    tract = tracts[tracts["in_city"] > 0].iloc[0]
    at = city_link("app_pages/profile.py", city=MINIMAL[0], area=tract["area_id"])
    assert at.title[0].value == "Census tract profile"
    assert at.selectbox(key="profile_area_tract").value == tract["area_id"]
    assert f"**Census tract {tract['name']}**" in page_text(at)
    assert "Not available by Census tracts for Testville" in [h.value for h in at.header]
    assert any(m.startswith("Residents by race, 2010 and 2020 censuses is not available for Testville")
               for m in not_available(at))
    renter = catalog.get("renter_share")
    assert any(fmt.escape_markdown(renter.title) in str(t.value.iloc[:, 0].tolist()) for t in at.table)


def test_the_minimal_city_compare_and_growth_pages_say_each_family_is_not_available(city_link):
    at = city_link("app_pages/compare.py", city=MINIMAL[0])
    said = "\n".join(not_available(at))
    assert "Arrests by race is not available for Testville: arrests and other police records\\: not configured" in said
    assert "Eviction filings by the racial majority of the ZIP code is not available for Testville" in said
    assert "Rent burden by income is not available for Testville" in said
    ranking = next(d.value for d in at.dataframe if "Rank (1 = worst)" in d.value.columns)
    assert ranking["Census tract"].str.startswith("Census tract ").all()
    growth = city_link("app_pages/growth.py", city=MINIMAL[0])
    said = "\n".join(not_available(growth))
    assert "Change in home values and rents is not available for Testville" in said
    assert "Population change by Census tracts is not available for Testville" in said
    assert not growth.get("echarts_chart") and not growth.get("image")


def test_the_minimal_city_methods_page_documents_only_its_own_tables(city_link, snapshots_dir):
    at = city_link("app_pages/methods.py", city=MINIMAL[0])
    text = page_text(at)
    assert "From census tracts to neighborhoods" not in text
    assert "**Not available for Testville:**" in text
    buttons = [b.proto.label for b in at.get("download_button")]
    assert [b for b in buttons if b.endswith(".csv")] == [
        f"{t}.csv" for t in open_snapshot(snapshots_dir / MINIMAL[0]).manifest["tables"]]


def test_the_minimal_city_presents_its_tract_indicators(city_link, snapshots_dir):
    at = city_link("app_pages/present.py", city=MINIMAL[0])
    assert at.title[0].value == "Testville: Indicators by area\\: Census tracts"
    served = compute.available(open_snapshot(snapshots_dir / MINIMAL[0]), "tract")
    assert f"Slide 1 of {len(served) + 1}" in page_text(at)
    at.button(key="next_top").click().run()
    assert not at.exception and at.get("deck_gl_json_chart")


@pytest.mark.parametrize("page", TRACKER)
def test_every_tracker_page_opens_for_the_minimal_city_on_its_own_store(city_link, tmp_path, page):
    at = city_link("app_pages/map.py", city=MINIMAL[0])
    at.switch_page(f"app_pages/{page}.py").run()  # the dashboard's navigation knows the tracker pages now
    assert not at.exception, [e.message for e in at.exception]
    assert at.title and not at.error
    assert (tmp_path / "stores" / f"{MINIMAL[0]}.sqlite").exists()


def test_the_degraded_city_offers_no_indicator_of_its_missing_families(city_link):
    at = city_link("app_pages/map.py", city=DEGRADED[0], level="neighborhood")
    options = at.sidebar.selectbox(key="sb_indicator").options
    for absent in ("eviction_filing_rate", "eviction_vs_baseline", "arrest_rate", "firearm_seizure_rate"):
        assert catalog.get(absent).title not in options
    # a shared link to an indicator the city lacks opens the default one instead: its stability headline
    at = city_link("app_pages/map.py", city=DEGRADED[0], indicator="eviction_filing_rate")
    assert at.sidebar.selectbox(key="sb_indicator").value == "avg_years_of_residence"


def test_the_degraded_city_says_why_its_evictions_and_arrests_are_not_shown(city_link):
    at = city_link("app_pages/compare.py", city=DEGRADED[0], areas="Bloomfield|Hazelwood")
    said = "\n".join(not_available(at))
    assert "Arrests by race is not available for Lessburg: arrests and other police records\\: not configured for " \
           "Lessburg" in said
    assert "Eviction filings by the racial majority of the ZIP code is not available for Lessburg: eviction " \
           "filings\\: not configured for Lessburg" in said
    assert "no rent burden by race or ethnicity" in page_text(at)  # the housing family is still there
    profile = city_link("app_pages/profile.py", city=DEGRADED[0], hood="Bloomfield")
    listed = page_text(profile)
    assert f"- **{fmt.escape_markdown(catalog.get('eviction_filing_rate').title)}**: " in listed
    assert "Can people stay?" in [h.value for h in profile.header]


def test_the_minimal_city_reads_in_spanish(city_link):
    at = city_link("app_pages/compare.py", city=MINIMAL[0], lang="es")
    said = "\n".join(i.value for i in at.info)
    assert "no está disponible para Testville" in said and "is not available" not in said
    assert at.sidebar.radio(key="sb_level").options == ["Sectores censales"]


DC = SNAPSHOTS_DIR / "dc"


@pytest.mark.skipif(not (DC / "manifest.json").exists(), reason="the Washington DC snapshot is not built yet")
@pytest.mark.parametrize("page", EVIDENCE)
def test_every_evidence_page_opens_for_washington_dc_at_every_level(deep_link, page):
    for level in open_snapshot(DC, verify=False).levels:
        at = deep_link(f"app_pages/{page}.py", city="dc", level=level)
        assert at.title
        if page != "present":  # presentation mode has no sidebar
            assert at.sidebar.selectbox(key="sb_city").value == "dc"


def test_area_polygons_of_any_level_come_through_one_helper(snapshots_dir, monkeypatch):
    import streamlit as st

    from ui import data

    monkeypatch.setenv("HRC_SNAPSHOTS_DIR", str(snapshots_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    assert data.cities() == [DEGRADED[0], MINIMAL[0]]
    assert data.city_name(MINIMAL[0]) == "Testville" and data.county_name(MINIMAL[0]) is None
    assert data.levels(MINIMAL[0]) == ["tract"] and data.levels(DEGRADED[0]) == ["neighborhood", "tract"]
    assert len(data.areas(DEGRADED[0], "neighborhood")) == 90
    # a level the snapshot has no polygons for: an empty frame with the same columns, not an error
    wards = data.areas(MINIMAL[0], "ward")
    assert wards.empty and list(wards.columns) == ["area_id", "name", "geometry"]
    assert data.neighborhoods(MINIMAL[0]) == []
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.mark.skipif(not (DC / "manifest.json").exists(), reason="the Washington DC snapshot is not built yet")
def test_further_levels_come_from_the_extra_areas_table(monkeypatch):
    import streamlit as st

    from ui import data

    monkeypatch.delenv("HRC_SNAPSHOTS_DIR", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    snap = open_snapshot(DC, verify=False)
    extra = snap.table("areas_extra")
    for level in set(extra["level"]):
        assert sorted(data.areas("dc", level)["area_id"]) == sorted(extra.loc[extra["level"] == level, "area_id"])
        assert level in data.levels("dc")
        assert data.level_label("dc", level) == snap.level_label(level)
    assert data.level_label("dc", "neighborhood") == "Neighborhood Clusters"
    st.cache_data.clear()
    st.cache_resource.clear()
