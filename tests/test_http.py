"""The shared HTTP session: secrets kept out of logs and cache keys, offline answers, retries.

Every request is answered by ``responses``; nothing touches the network.
"""

from __future__ import annotations

import logging

import pytest
import requests
import responses
from responses import matchers
from responses.registries import OrderedRegistry

from indicators.sources import http

SECRET = "SECRET123"
API = "https://api.census.gov/data/2024/acs/acs5"
QUERY = "get=NAME,B01003_001E&for=county:003&in=state:42"
PARAMS = {"get": "NAME,B01003_001E", "for": "county:003", "in": "state:42"}
# the answer of that query: Allegheny County's population, ACS 2020-2024 (see tests/sources/recorded/census)
ANSWER = [["NAME", "B01003_001E", "state", "county"], ["Allegheny County, Pennsylvania", "1238177", "42", "003"]]


@pytest.fixture
def session(tmp_path):
    """A fresh cached session in a temporary folder, online."""
    http.set_offline(False)
    sess = http.new_session(tmp_path / "http-cache.sqlite")
    yield sess
    sess.close()
    http.set_offline(None)


def _all_log_text(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.name} {r.msg!r} {r.args!r} {r.getMessage()} {r.exc_text or ''}" for r in records)


# --------------------------------------------------------------------------------------- logging


@responses.activate(registry=OrderedRegistry)
def test_key_appears_in_no_log_record_of_a_retried_and_an_uncached_request(session, caplog):
    caplog.set_level(logging.DEBUG)
    # a 503 then the answer: urllib3 logs the retry with the URL, requests-cache the cache write
    with_key = [matchers.query_param_matcher({**PARAMS, "key": SECRET})]
    responses.get(API, status=503, match=with_key)
    responses.get(API, json=ANSWER, match=with_key)
    # a 404 is not cached: requests-cache logs "Skipping cache write for URL: ...&key=..."
    responses.get(f"{API}/nothing", status=404)

    assert http.get(f"{API}?{QUERY}", params={"key": SECRET}, session=session).status_code == 200
    assert http.get(f"{API}/nothing", params={"key": SECRET}, session=session).status_code == 404

    text = _all_log_text(caplog.records)
    assert SECRET not in text
    loggers = {r.name.split(".")[0] for r in caplog.records if "key=***" in r.getMessage()}
    # the masked URL was logged by the third-party libraries and by the library itself
    assert {"urllib3", "requests_cache", "indicators"} <= loggers


def test_secret_in_arguments_mapping_and_traceback_is_masked(caplog):
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("indicators.sources.some_loader_made_after_import")
    url = f"{API}?{QUERY}&key={SECRET}"
    log.debug("GET %s", url)
    log.debug("GET %(url)s", {"url": url})
    try:
        raise requests.ConnectionError(f"Max retries exceeded with url: {url}")
    except requests.ConnectionError as exc:
        log.exception("failed")
        log.warning(exc)
    assert SECRET not in _all_log_text(caplog.records)
    assert caplog.records[0].getMessage().endswith("&key=***")
    assert caplog.records[1].getMessage().endswith("&key=***")
    assert "key=***" in caplog.records[2].exc_text
    assert caplog.records[3].getMessage().endswith("&key=***")


def test_other_loggers_and_harmless_arguments_are_left_alone(caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("some_application").debug("url %s", "https://x.test/?key=abc")
    logging.getLogger("indicators.anything").debug("%d rows, %r", 12, ("a", 1))
    assert caplog.records[0].getMessage() == "url https://x.test/?key=abc"
    assert caplog.records[1].getMessage() == "12 rows, ('a', 1)"


def test_masking_is_installed_once():
    factory = logging.getLogRecordFactory()
    http.install_log_masking()
    assert logging.getLogRecordFactory() is factory and factory.masks_secrets


# ------------------------------------------------------------------------------------ cache keys


def test_cache_key_is_the_same_with_and_without_the_key(session):
    with_key = requests.Request("GET", f"{API}?{QUERY}", params={"key": SECRET}).prepare()
    other_key = requests.Request("GET", f"{API}?{QUERY}", params={"key": "another"}).prepare()
    without = requests.Request("GET", f"{API}?{QUERY}").prepare()
    assert session.cache.create_key(with_key) == session.cache.create_key(without) \
        == session.cache.create_key(other_key)
    different = requests.Request("GET", f"{API}?get=NAME&for=county:003&in=state:42").prepare()
    assert session.cache.create_key(different) != session.cache.create_key(without)


def test_cache_key_of_a_url_without_secrets_is_unchanged():
    from requests_cache.cache_keys import create_key

    request = requests.Request("GET", f"{API}?{QUERY}").prepare()
    assert http.cache_key(request) == create_key(request)


# ---------------------------------------------------------------------------------- offline mode


@responses.activate
def test_offline_finds_an_answer_cached_with_a_key_when_asked_without_one(session):
    responses.get(API, json=ANSWER, match=[matchers.query_param_matcher({**PARAMS, "key": SECRET})])
    online = http.get(f"{API}?{QUERY}", params={"key": SECRET}, session=session)
    assert online.json() == ANSWER and not getattr(online, "from_cache", False)

    http.set_offline(True)
    offline = http.get(f"{API}?{QUERY}", session=session)
    assert offline.from_cache and offline.json() == ANSWER
    assert len(responses.calls) == 1
    # the cached copy does not hold the key
    assert SECRET not in offline.url


@responses.activate
def test_offline_miss_raises_offline_error_without_the_key(session):
    responses.get(f"{API}?{QUERY}", json=ANSWER)
    http.get(f"{API}?{QUERY}", session=session)
    http.set_offline(True)
    with pytest.raises(http.OfflineError, match="not in the cache") as caught:
        http.get(f"{API}?get=NAME&for=county:003&in=state:42", params={"key": SECRET}, session=session)
    assert SECRET not in str(caught.value)
    assert len(responses.calls) == 1


# --------------------------------------------------------------------------------------- retries


@responses.activate(registry=OrderedRegistry)
def test_server_error_is_retried_until_the_answer_comes(session):
    responses.get(f"{API}?{QUERY}", status=503)
    responses.get(f"{API}?{QUERY}", json=ANSWER)
    resp = http.get(f"{API}?{QUERY}", session=session)
    assert resp.status_code == 200 and resp.json() == ANSWER
    assert len(responses.calls) == 2
