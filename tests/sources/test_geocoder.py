"""The Census geocoder loader: a one-line address to a point, the service's refusals, outages and offline mode
answered clearly, and the address never cached nor logged. HTTP is answered by ``responses`` from the
answers in ``recorded/geocoder`` (see its README)."""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from indicators.core.geography import areas_at
from indicators.snapshot.read import open_snapshot
from indicators.sources import geocoder, http
from indicators.sources.geocoder import GEOCODER_URL, GeocoderError, geocode

RECORDED = Path(__file__).resolve().parent / "recorded" / "geocoder"
SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"
CITY_HALL = "414 Grant St, Pittsburgh, PA 15219"


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def service_url(monkeypatch):
    monkeypatch.delenv("HRC_GEOCODER_URL", raising=False)


def test_an_address_becomes_its_point_and_lands_in_its_neighborhood_and_tract(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded("pittsburgh_414_grant_st.json"), content_type="application/json")
        matches = geocode(CITY_HALL, session=census_session)
        query = parse_qs(urlsplit(mocked.calls[0].request.url).query)
    assert query == {"address": [CITY_HALL], "benchmark": ["Public_AR_Current"], "format": ["json"]}
    assert [(m.longitude, m.latitude, m.matched_address) for m in matches] == [
        (-79.99628, 40.43848, "414 GRANT ST, PITTSBURGH, PA, 15219")]
    snap = open_snapshot(SNAPSHOTS / "pittsburgh", verify=False)
    # x is the longitude, y the latitude: swapped, the point would fall in the Southern Ocean and in no area
    assert areas_at(snap.table("areas_neighborhoods"), matches[0].longitude, matches[0].latitude) == [
        "Central Business District"]
    assert areas_at(snap.table("areas_tracts"), matches[0].longitude, matches[0].latitude) == ["42003020100"]
    assert areas_at(snap.table("areas_neighborhoods"), matches[0].latitude, matches[0].longitude) == []


def test_a_washington_address_lands_in_its_neighborhood_cluster(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded("dc_901_g_st_nw.json"), content_type="application/json")
        (match,) = geocode("901 G St NW, Washington, DC 20001", session=census_session)
    snap = open_snapshot(SNAPSHOTS / "dc", verify=False)
    assert areas_at(snap.table("areas_neighborhoods"), match.longitude, match.latitude) == [
        "Cluster 8: Downtown, Chinatown, Penn Quarters, Mount Vernon Square, North Capitol Street"]


def test_no_match_is_an_empty_answer_not_an_error(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded("no_match.json"), content_type="application/json")
        assert geocode("99999 Nowhere Rd, Pittsburgh, PA", session=census_session) == []


def test_an_ambiguous_line_gives_every_match(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded("two_matches_apart.json"), content_type="application/json")
        matches = geocode("1 Broadway, New York, NY", session=census_session)
    assert [m.matched_address for m in matches] == ["1 BROADWAY, NEW YORK, NY, 10004", "1 BROADWAY, NEW YORK, NY, 10006"]


@pytest.mark.parametrize("answer, words", [
    ("address_too_long_400.json", "Address cannot be empty and cannot exceed 100 characters"),
    ("bad_benchmark_400.json", "Invalid benchmark in request"),
])
def test_a_refused_request_gives_the_services_words(census_session, answer, words):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded(answer), status=400, content_type="application/json")
        with pytest.raises(GeocoderError) as err:
            geocode("414 Grant St", session=census_session)
    assert err.value.kind == "refused" and err.value.detail == words


def test_an_outage_page_is_unavailable_and_asked_only_once(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded("outage_502.html"), status=502, content_type="text/html")
        with pytest.raises(GeocoderError) as err:
            geocode(CITY_HALL, session=census_session)
        # someone is waiting: no retries with back-off
        assert len(mocked.calls) == 1
    assert err.value.kind == "unavailable" and "HTTP 502" in err.value.detail


def test_a_200_answer_that_is_not_the_services_json_is_unavailable(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body='{"result": {}}', content_type="application/json")
        with pytest.raises(GeocoderError, match="without result.addressMatches"):
            geocode(CITY_HALL, session=census_session)


@pytest.mark.parametrize("line", ["", "   ", "x" * 101])
def test_an_empty_or_overlong_address_is_refused_without_asking(census_session, line):
    with responses.RequestsMock() as mocked:
        with pytest.raises(GeocoderError) as err:
            geocode(line, session=census_session)
        assert len(mocked.calls) == 0
    assert err.value.kind == "refused"


def test_offline_the_geocoder_is_unreachable_at_once(census_session):
    http.set_offline(True)
    with responses.RequestsMock() as mocked:
        with pytest.raises(GeocoderError) as err:
            geocode(CITY_HALL, session=census_session)
        assert len(mocked.calls) == 0
    assert err.value.kind == "unreachable"
    assert "414" not in str(err.value)


def test_a_connection_failure_is_unreachable_and_does_not_name_the_address(census_session):
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=requests.ConnectionError("name resolution failed"))
        with pytest.raises(GeocoderError) as err:
            geocode(CITY_HALL, session=census_session)
    assert err.value.kind == "unreachable"
    assert "Grant" not in str(err.value) and "could not reach" in str(err.value)


def test_the_address_is_neither_cached_nor_logged(census_session, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with responses.RequestsMock() as mocked:
        mocked.get(GEOCODER_URL, body=recorded("pittsburgh_414_grant_st.json"), content_type="application/json")
        geocode(CITY_HALL, session=census_session)
        geocode(CITY_HALL, session=census_session)
        assert len(mocked.calls) == 2  # the second time is asked again: nothing was kept
    with sqlite3.connect(tmp_path / "census-http-cache.sqlite") as db:
        assert db.execute("select count(*) from responses").fetchone() == (0,)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Grant" not in logged and "414" not in logged


def test_the_service_can_be_pointed_elsewhere(census_session, monkeypatch):
    monkeypatch.setenv("HRC_GEOCODER_URL", "http://127.0.0.1:9/geocoder/locations/onelineaddress")
    with responses.RequestsMock() as mocked:
        mocked.get("http://127.0.0.1:9/geocoder/locations/onelineaddress", body=recorded("no_match.json"))
        assert geocode("1 Main St", session=census_session) == []
    assert geocoder.geocoder_url().startswith("http://127.0.0.1:9/")


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("HRC_LIVE_TESTS") != "1", reason="live test: set HRC_LIVE_TESTS=1")
def test_the_live_service_places_the_city_county_building_downtown(tmp_path):
    session = http.new_session(tmp_path / "live.sqlite")
    (match, *_rest) = geocode(CITY_HALL, session=session)
    snap = open_snapshot(SNAPSHOTS / "pittsburgh", verify=False)
    assert areas_at(snap.table("areas_neighborhoods"), match.longitude, match.latitude) == ["Central Business District"]
