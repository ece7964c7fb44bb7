"""CKAN datastore loader: paging, the same frame from the API and from the CSV dump, error answers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import responses
from responses import matchers

from indicators.sources import ckan

RECORDED = Path(__file__).parent / "recorded" / "ckan"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh"
ARRESTS_CSV = SHARED / "policing" / "ArrestData_2016-08_to_2017-03.csv"

BASE = "https://data.wprdc.org"
SEARCH = BASE + "/api/3/action/datastore_search"
SQL = BASE + "/api/3/action/datastore_search_sql"
ARRESTS = "e03a89dd-134a-4ee8-a2bd-62c40aeebc6f"
FIELDS = ["_id", "PK", "AGE", "GENDER", "RACE", "ARRESTTIME", "INCIDENTNEIGHBORHOOD", "INCIDENTTRACT"]
CHARTIERS = {"INCIDENTNEIGHBORHOOD": "Chartiers City"}


def recorded(name: str):
    return json.loads((RECORDED / name).read_text())



def _page_matcher(offset: int, limit: int = 2):
    return matchers.query_param_matcher({
        "resource_id": ARRESTS, "sort": "_id asc", "fields": ",".join(FIELDS),
        "filters": json.dumps(CHARTIERS), "limit": str(limit), "offset": str(offset)})


@responses.activate
def test_pages_with_limit_and_offset_until_the_reported_total(plain_session):
    responses.get(SEARCH, json=recorded("datastore_search_page1.json"), match=[_page_matcher(0)])
    responses.get(SEARCH, json=recorded("datastore_search_page2.json"), match=[_page_matcher(2)])

    frame = ckan.fetch_datastore(BASE, ARRESTS, fields=FIELDS, filters=CHARTIERS, page_size=2, session=plain_session)

    assert len(responses.calls) == 2
    assert list(frame.columns) == FIELDS
    assert frame["PK"].tolist() == ["1979229", "1980040", "1982709"]
    assert frame["RACE"].tolist() == ["W", "B", "B"]
    # JSON integers come back as their published text, like the CSV dump
    assert frame["_id"].tolist() == ["3665", "4304", "6497"]
    assert frame.attrs["total"] == 3


@responses.activate
def test_max_rows_stops_paging_early(plain_session):
    responses.get(SEARCH, json=recorded("datastore_search_page1.json"), match=[_page_matcher(0)])

    frame = ckan.fetch_datastore(BASE, ARRESTS, fields=FIELDS, filters=CHARTIERS, page_size=2, max_rows=2,
                                 session=plain_session)

    assert len(responses.calls) == 1
    assert len(frame) == 2


@responses.activate
def test_a_short_page_ends_paging_when_the_total_is_only_estimated(plain_session):
    page = recorded("datastore_search_page2.json")
    page["result"]["total"] = 5000
    page["result"]["total_was_estimated"] = True
    responses.get(SEARCH, json=page)

    frame = ckan.fetch_datastore(BASE, ARRESTS, page_size=2, session=plain_session)

    assert len(responses.calls) == 1
    assert len(frame) == 1
    assert frame.attrs["total"] is None


@responses.activate
def test_api_rows_equal_the_same_rows_of_the_csv_dump(plain_session):
    if not ARRESTS_CSV.exists():
        pytest.skip("shared data folder not present")
    responses.get(SEARCH, json=recorded("datastore_search_page1.json"), match=[_page_matcher(0)])
    responses.get(SEARCH, json=recorded("datastore_search_page2.json"), match=[_page_matcher(2)])
    api = ckan.fetch_datastore(BASE, ARRESTS, fields=FIELDS, filters=CHARTIERS, page_size=2, session=plain_session)

    dump = ckan.read_csv(ARRESTS_CSV)
    same_rows = (dump[dump["INCIDENTNEIGHBORHOOD"] == "Chartiers City"][FIELDS]
                 .sort_values("_id", key=lambda s: s.astype(int)).reset_index(drop=True))

    pd.testing.assert_frame_equal(api, same_rows)


def test_csv_dump_reads_every_row_with_blanks_as_missing():
    if not ARRESTS_CSV.exists():
        pytest.skip("shared data folder not present")
    dump = ckan.read_csv(ARRESTS_CSV)
    assert dump.shape == (6880, 17)
    # 239 arrests have no tract (counted with grep on empty INCIDENTTRACT fields)
    assert dump["INCIDENTTRACT"].isna().sum() == 239
    assert dump["INCIDENTTRACT"].iloc[0] == "1302"


@responses.activate
def test_unknown_resource_raises_not_found_with_the_portal_message(plain_session):
    responses.get(SEARCH, json=recorded("not_found.json"), status=404)
    with pytest.raises(ckan.CKANNotFoundError) as err:
        ckan.fetch_datastore(BASE, "00000000-0000-0000-0000-000000000000", session=plain_session)
    assert "was not found" in str(err.value)
    assert err.value.status == 404
    assert err.value.error_type == "Not Found Error"


@responses.activate
def test_failure_envelope_with_status_200_still_raises(plain_session):
    responses.get(SEARCH, json=recorded("not_found.json"), status=200)
    with pytest.raises(ckan.CKANNotFoundError):
        ckan.fetch_datastore(BASE, "00000000-0000-0000-0000-000000000000", session=plain_session)


@responses.activate
def test_validation_error_names_the_rejected_parameter(plain_session):
    responses.get(SEARCH, json=recorded("validation_error.json"), status=409)
    with pytest.raises(ckan.CKANValidationError, match=r"filters: Cannot parse JSON"):
        ckan.fetch_datastore(BASE, ARRESTS, session=plain_session)


@responses.activate
def test_html_gateway_page_is_reported_as_not_an_api_answer(plain_session):
    responses.get(SEARCH, body=(RECORDED / "gateway_502.html").read_text(), status=502,
                  content_type="text/html")
    with pytest.raises(ckan.CKANResponseError, match=r"HTML page \('502 Bad Gateway'\)") as err:
        ckan.fetch_datastore(BASE, ARRESTS, session=plain_session)
    assert err.value.status == 502


@responses.activate
def test_unknown_action_answer_raises_not_found(plain_session):
    responses.get(SQL, json="Bad request - Action name not known: datastore_search_sql", status=400)
    with pytest.raises(ckan.CKANNotFoundError, match="Action name not known"):
        ckan.fetch_datastore_sql(BASE, 'SELECT 1', session=plain_session)


@responses.activate
def test_sql_query_returns_its_rows_as_text(plain_session):
    body = recorded("datastore_search_sql.json")
    responses.get(SQL, json=body, match=[matchers.query_param_matcher({"sql": body["result"]["sql"]})])

    frame = ckan.fetch_datastore_sql(BASE, body["result"]["sql"], session=plain_session)

    assert frame.to_dict("list") == {"RACE": ["B", "W"], "arrests": ["2", "1"]}


@responses.activate
def test_truncated_sql_answer_raises_instead_of_passing_as_complete(plain_session):
    body = recorded("datastore_search_sql.json")
    body["result"]["records_truncated"] = True
    responses.get(SQL, json=body)
    with pytest.raises(ckan.CKANResponseError, match="records_truncated"):
        ckan.fetch_datastore_sql(BASE, body["result"]["sql"], session=plain_session)
