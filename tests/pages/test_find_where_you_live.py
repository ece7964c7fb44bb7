"""“Find where you live” on the map and the profile, run headless (Streamlit AppTest): an address (the Census
geocoder's recorded answer, through ``responses``) or a name opens the area's profile; offline, the address
search says so and the name search still works; the address is kept nowhere in the session or the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses

from indicators.sources import http
from indicators.sources.geocoder import GEOCODER_URL

RECORDED = Path(__file__).resolve().parents[1] / "sources" / "recorded" / "geocoder"
CITY_HALL = "414 Grant St, Pittsburgh, PA 15219"


@pytest.fixture(autouse=True)
def online(monkeypatch):
    monkeypatch.delenv("HRC_GEOCODER_URL", raising=False)
    http.set_offline(False)
    yield
    http.set_offline(None)


def search(at, key: str, text: str):
    at.text_input(key=f"{key}_text").input(text)
    next(b for b in at.button if b.label in ("Find", "Buscar")).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.info, at.warning, at.caption) for e in kind)


def test_an_address_on_the_map_opens_its_neighborhoods_profile(deep_link):
    at = deep_link("app_pages/map.py")
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=(RECORDED / "pittsburgh_414_grant_st.json").read_text(),
                   content_type="application/json")
        search(at, "map_find", CITY_HALL)
        assert mocked.calls[0].request.params["address"] == CITY_HALL
    assert at.selectbox(key="profile_area_neighborhood").value == "Central Business District"
    assert at.query_params["area"] == "Central Business District"
    # the address is nowhere in the session or the URL
    assert not any("Grant" in str(value) for value in at.session_state.to_dict().values())
    assert not any("Grant" in str(v) for v in at.query_params.values())


def test_a_name_on_the_map_opens_the_profile_offline(deep_link):
    http.set_offline(True)
    at = deep_link("app_pages/map.py", lang="es")
    with responses.RequestsMock() as mocked:
        search(at, "map_find", "bloomfield")
        assert len(mocked.calls) == 0
    assert at.selectbox(key="profile_area_neighborhood").value == "Bloomfield"
    assert at.title[0].value == "Perfil del barrio"


def test_offline_an_address_says_to_search_by_name(deep_link):
    http.set_offline(True)
    at = search(deep_link("app_pages/map.py"), "map_find", CITY_HALL)
    assert "cannot be reached from here" in shown(at) and "Search by the name of your neighborhood" in shown(at)
    assert "Grant" not in shown(at)


def test_a_place_name_with_several_neighborhoods_offers_each(deep_link):
    at = search(deep_link("app_pages/profile.py", hood="Bloomfield"), "profile_find", "Oakland")
    offered = [b.label for b in at.button if b.key and b.key.startswith("profile_find_pick_")]
    assert offered == ["North Oakland", "Central Oakland", "South Oakland", "West Oakland"]  # as the config lists them
    next(b for b in at.button if b.label == "South Oakland").click()
    at.run()
    assert at.selectbox(key="profile_area_neighborhood").value == "South Oakland"


def test_an_address_the_geocoder_does_not_know_is_said_plainly(deep_link):
    at = deep_link("app_pages/profile.py", hood="Bloomfield")
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=(RECORDED / "no_match.json").read_text(), content_type="application/json")
        search(at, "profile_find", "99999 Nowhere Rd, Pittsburgh, PA")
    assert "found no such address" in shown(at)
    assert at.selectbox(key="profile_area_neighborhood").value == "Bloomfield"


def test_an_address_outside_the_city_is_said_to_be_outside(deep_link):
    at = deep_link("app_pages/map.py")
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=(RECORDED / "two_matches_apart.json").read_text(),
                   content_type="application/json")
        search(at, "map_find", "1 Broadway, New York, NY")
    assert "is not inside any of the Neighborhoods of Pittsburgh" in shown(at)


def test_the_geocoders_outage_is_said_with_what_to_do(deep_link):
    at = deep_link("app_pages/map.py")
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=(RECORDED / "outage_502.html").read_text(), status=502)
        search(at, "map_find", CITY_HALL)
    assert "not answering properly right now (HTTP 502)" in shown(at)


def test_a_washington_address_opens_its_cluster(deep_link):
    at = deep_link("app_pages/map.py", city="dc")
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=(RECORDED / "dc_901_g_st_nw.json").read_text(), content_type="application/json")
        search(at, "map_find", "901 G St NW, Washington, DC 20001")
    assert at.selectbox(key="profile_area_neighborhood").value.startswith("Cluster 8: Downtown")


def test_a_washington_neighborhood_name_finds_its_cluster_offline(deep_link):
    http.set_offline(True)
    at = search(deep_link("app_pages/profile.py", city="dc"), "profile_find", "Adams Morgan")
    assert at.selectbox(key="profile_area_neighborhood").value == "Cluster 1: Kalorama Heights, Adams Morgan, Lanier Heights"
