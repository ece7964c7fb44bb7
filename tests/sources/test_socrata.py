"""Socrata SODA loader: paging under a fixed order, the app token header, error bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from responses import matchers

from indicators.sources import socrata

RECORDED = Path(__file__).parent / "recorded" / "socrata"
DOMAIN = "data.cityofnewyork.us"
DATASET = "8h9b-rp9u"
URL = f"https://{DOMAIN}/resource/{DATASET}.json"
TOKEN = "s3cr3t-app-token"


def recorded(name: str):
    return json.loads((RECORDED / name).read_text())



def _page(offset: int, limit: int = 1, **extra):
    return matchers.query_param_matcher({"$order": ":id", "$limit": str(limit), "$offset": str(offset), **extra})


@responses.activate
def test_pages_until_a_short_page_and_keeps_every_field(plain_session):
    responses.get(URL, json=recorded("page1.json"), match=[_page(0)])
    responses.get(URL, json=recorded("page2.json"), match=[_page(1)])
    responses.get(URL, json=[], match=[_page(2)])

    frame = socrata.fetch_soda(DOMAIN, DATASET, page_size=1, session=plain_session)

    assert len(responses.calls) == 3
    assert frame["arrest_key"].tolist() == ["220756993", "281369711"]
    assert frame["arrest_precinct"].tolist() == ["41", "25"]
    # the location object is kept as its JSON text
    assert json.loads(frame["geocoded_column"].iloc[1])["coordinates"] == [-73.9410982410066, 40.8009303727402]
    assert frame.shape == (2, 24)


@responses.activate
def test_select_where_and_token_header_are_sent(plain_session):
    responses.get(URL, json=recorded("page1.json"),
                  match=[_page(0, limit=10, **{"$select": "arrest_key,perp_race", "$where": "arrest_boro='B'"}),
                         matchers.header_matcher({"X-App-Token": TOKEN})])

    frame = socrata.fetch_soda(DOMAIN, DATASET, select="arrest_key,perp_race", where="arrest_boro='B'",
                               page_size=10, app_token=TOKEN, session=plain_session)

    assert len(frame) == 1
    assert TOKEN not in responses.calls[0].request.url


@responses.activate
def test_max_rows_limits_the_last_request(plain_session):
    responses.get(URL, json=recorded("page1.json"), match=[_page(0, limit=1)])

    frame = socrata.fetch_soda(DOMAIN, DATASET, page_size=5, max_rows=1, session=plain_session)

    assert len(responses.calls) == 1
    assert len(frame) == 1


@responses.activate
def test_field_header_orders_columns_and_fills_fields_missing_from_rows(plain_session):
    page = [{"arrest_key": "220756993"}]
    responses.get(URL, json=page, headers={"X-SODA2-Fields": '["arrest_key","perp_race"]'})

    frame = socrata.fetch_soda(DOMAIN, DATASET, session=plain_session)

    assert list(frame.columns) == ["arrest_key", "perp_race"]
    assert frame["perp_race"].isna().all()


@pytest.mark.parametrize("body, status, code, text", [
    ("error_malformed.json", 400, "query.compiler.malformed", "Could not parse SoQL query"),
    ("error_unrecognized.json", 400, None, "Unrecognized arguments [zipcity]"),
    ("error_no_such_column.json", 400, "query.soql.no-such-column", "No such column: nosuchcolumn"),
    ("error_dataset_missing.json", 404, "dataset.missing", "not found"),
])
@responses.activate
def test_error_bodies_become_socrata_errors_with_their_code(plain_session, body, status, code, text):
    responses.get(URL, json=recorded(body), status=status)

    with pytest.raises(socrata.SocrataError) as err:
        socrata.fetch_soda(DOMAIN, DATASET, app_token=TOKEN, session=plain_session)

    assert text in str(err.value)
    assert err.value.code == code
    assert err.value.status == status
    assert TOKEN not in str(err.value)


@responses.activate
def test_html_page_is_reported_as_such(plain_session):
    responses.get(URL, body="<html><head><title>503 Service Unavailable</title></head></html>", status=503,
                  content_type="text/html")
    with pytest.raises(socrata.SocrataError, match="HTML page"):
        socrata.fetch_soda(DOMAIN, DATASET, session=plain_session)


def test_csv_export_reads_blanks_as_missing(tmp_path):
    csv = tmp_path / "8h9b-rp9u.csv"
    csv.write_text('"arrest_key","perp_race","pd_cd"\n"220756993","BLACK",""\n')

    frame = socrata.read_csv(csv)

    assert frame["arrest_key"].tolist() == ["220756993"]
    assert frame["pd_cd"].isna().all()


def test_resource_url_accepts_a_domain_with_or_without_scheme():
    assert socrata.resource_url("https://data.cityofnewyork.us/", DATASET) == URL
    assert socrata.resource_url(DOMAIN, DATASET, "csv") == URL.replace(".json", ".csv")
