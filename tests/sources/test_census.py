"""Census Data API loader: parsing, special values, request building, splitting, errors, offline mode.

All HTTP is answered by ``responses`` from recorded answers in ``recorded/census`` (see its README).
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
import responses

from indicators.sources import http
from indicators.sources import census
from indicators.sources.census import (
    CensusAPIError,
    CensusHTMLErrorPage,
    CensusInvalidKey,
    CensusNoData,
    CensusRequestError,
    CensusUnknownVariable,
    fetch_acs,
    fetch_variable_labels,
    moved_in_bins,
    parse_api_response,
    read_api_file,
)

RECORDED = Path(__file__).resolve().parent / "recorded" / "census"
SHARED_ACS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh" / "acs"
API_2024 = "https://api.census.gov/data/2024/acs/acs5"
API_2016 = "https://api.census.gov/data/2016/acs/acs5"
SECRET_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233"


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


def query_of(call) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def row(frame: pd.DataFrame, geoid: str, variable: str) -> pd.Series:
    match = frame[(frame["GEOID"] == geoid) & (frame["variable"] == variable)]
    assert len(match) == 1, f"expected one row for {geoid} {variable}, got {len(match)}"
    return match.iloc[0]


# ----------------------------------------------------------------------------------------- parsing


def test_tract_answer_becomes_one_tidy_row_per_tract_and_variable():
    tidy = parse_api_response(recorded("acs5_2024_b19013_tracts_allegheny.json"))
    assert list(tidy.columns) == ["GEOID", "NAME", "variable", "estimate", "moe", "estimate_note", "moe_note"]
    assert len(tidy) == 5
    assert tidy["variable"].unique().tolist() == ["B19013_001"]
    # tract 201: state 42 + county 003 + tract 020100; median household income 82,409 +/- 18,140
    tract_201 = row(tidy, "42003020100", "B19013_001")
    assert tract_201["NAME"] == "Census Tract 201; Allegheny County; Pennsylvania"
    assert tract_201["estimate"] == 82409.0
    assert tract_201["moe"] == 18140.0
    assert tract_201["estimate_note"] is None and tract_201["moe_note"] is None
    assert tidy["estimate"].dtype == "float64" and tidy["moe"].dtype == "float64"


def test_sentinel_income_becomes_missing_with_reason():
    tidy = parse_api_response(recorded("acs5_2024_b19013_tracts_allegheny.json"))
    # tract 103.01 has no households, so no median: -666666666 with MOE -222222222
    tract = row(tidy, "42003010301", "B19013_001")
    assert math.isnan(tract["estimate"])
    assert tract["estimate_note"].startswith("-666666666: estimate could not be computed (too few sample observations")
    assert math.isnan(tract["moe"])
    assert tract["moe_note"].startswith("-222222222: margin of error could not be computed")


def test_controlled_estimate_has_zero_moe_with_note():
    tidy = parse_api_response(recorded("acs5_2024_b01003_county_allegheny.json"))
    county = row(tidy, "42003", "B01003_001")
    assert county["estimate"] == 1238177.0
    assert county["moe"] == 0.0
    assert county["moe_note"].startswith("-555555555: estimate is controlled")
    assert county["estimate_note"] is None


@pytest.mark.parametrize("cell, code", [
    ("-666666666", "-666666666"), (-666666666, "-666666666"), ("-999999999", "-999999999"),
    (-888888888, "-888888888"), ("-222222222", "-222222222"), ("-333333333", "-333333333"),
    ("-", "-666666666"), ("N", "-999999999"), ("(X)", "-888888888"), ("**", "-222222222"),
    ("***", "-333333333"),
])
def test_every_special_value_or_annotation_becomes_missing_with_its_code(cell, code):
    payload = [["NAME", "B25064_001E", "B25064_001M", "state", "county", "tract"],
               ["a tract", cell, cell, "42", "003", "020100"]]
    got = parse_api_response(payload).iloc[0]
    assert math.isnan(got["estimate"]) and math.isnan(got["moe"])
    assert got["estimate_note"].startswith(f"{code}: ")
    assert got["moe_note"].startswith(f"{code}: ")


def test_controlled_code_as_annotation_string_gives_zero_moe():
    payload = [["NAME", "B01003_001E", "B01003_001M", "state", "county"], ["a county", "100", "*****", "42", "003"]]
    got = parse_api_response(payload).iloc[0]
    assert got["estimate"] == 100.0 and got["moe"] == 0.0
    assert got["moe_note"].startswith("-555555555: ")


def test_unknown_negative_code_of_the_census_shape_is_not_taken_for_a_number():
    payload = [["NAME", "B25064_001E", "state", "county"], ["a county", "-111111111", "42", "003"]]
    got = parse_api_response(payload).iloc[0]
    assert math.isnan(got["estimate"])
    assert got["estimate_note"] == "-111111111: unrecognised Census special value"


def test_null_estimate_means_no_data_for_the_geography():
    payload = [["NAME", "B25064_001E", "B25064_001M", "state", "county"], ["a county", None, None, "42", "003"]]
    got = parse_api_response(payload).iloc[0]
    assert math.isnan(got["estimate"])
    assert got["estimate_note"] == census.NO_DATA_NOTE


def test_top_coded_median_keeps_its_bound_and_says_so():
    # the documented form: estimate 250001 with annotation "250,000+", MOE -333333333 with "***"
    payload = [["B19013_001E", "B19013_001EA", "B19013_001M", "B19013_001MA", "NAME", "state", "county", "tract"],
               ["250001", "250,000+", "-333333333", "***", "a tract", "42", "003", "140100"]]
    got = parse_api_response(payload).iloc[0]
    assert got["estimate"] == 250001.0
    assert "highest interval of an open-ended distribution" in got["estimate_note"]
    assert math.isnan(got["moe"]) and got["moe_note"].startswith("-333333333: ")


def test_group_answer_with_annotations_gives_the_same_figures_as_the_plain_answer():
    plain = parse_api_response(recorded("acs5_2024_b19013_tracts_allegheny.json"))
    group = parse_api_response(recorded("acs5_2024_group_b19013_tracts_allegheny.json"))
    assert len(group) == 4
    merged = group.merge(plain, on=["GEOID", "variable"], suffixes=("_group", "_plain"))
    assert len(merged) == 4
    pd.testing.assert_series_equal(merged["estimate_group"], merged["estimate_plain"], check_names=False)
    pd.testing.assert_series_equal(merged["moe_group"], merged["moe_plain"], check_names=False)
    tract = row(group, "42003010301", "B19013_001")
    assert tract["estimate_note"].startswith("-666666666: ") and tract["moe_note"].startswith("-222222222: ")


def test_geoid_joins_block_group_and_place_codes():
    block_groups = parse_api_response([["NAME", "B01003_001E", "state", "county", "tract", "block group"],
                                       ["a block group", "10", "42", "003", "020100", "1"]])
    assert block_groups["GEOID"].tolist() == ["420030201001"]
    places = parse_api_response([["NAME", "B01003_001E", "state", "place"], ["a place", "10", "42", "61000"]])
    assert places["GEOID"].tolist() == ["4261000"]


def test_parser_accepts_text_bytes_and_decoded_lists_alike():
    text = recorded("acs5_2024_b19013_tracts_allegheny.json")
    from_text = parse_api_response(text)
    pd.testing.assert_frame_equal(from_text, parse_api_response(text.encode("utf-8")))
    pd.testing.assert_frame_equal(from_text, parse_api_response(json.loads(text)))


def test_profile_percent_and_decennial_codes_keep_their_names():
    tidy = parse_api_response([["NAME", "DP04_0047PE", "DP04_0047PM", "P1_001N", "state", "county"],
                               ["a county", "35.2", "0.4", "1250578", "42", "003"]])
    by_var = tidy.set_index("variable")
    assert by_var.loc["DP04_0047P", "estimate"] == 35.2 and by_var.loc["DP04_0047P", "moe"] == 0.4
    assert by_var.loc["P1_001", "estimate"] == 1250578.0 and math.isnan(by_var.loc["P1_001", "moe"])


@pytest.mark.parametrize("payload", [
    {"variables": {}},
    [["NAME", "B01003_001E"], ["only one cell"]],
    "[[\"NAME\", \"B01003_001E\"]",
    [[1, 2], ["a", "b"]],
])
def test_malformed_answer_raises_a_census_error(payload):
    with pytest.raises(CensusAPIError):
        parse_api_response(payload)


def test_empty_answer_means_no_data():
    with pytest.raises(CensusNoData):
        parse_api_response("  ")


def test_html_text_is_reported_as_an_html_page():
    with pytest.raises(CensusInvalidKey):
        parse_api_response(recorded("invalid_key.html"))
    with pytest.raises(CensusHTMLErrorPage, match="Service Unavailable"):
        parse_api_response("<html><head><title>Service Unavailable</title></head><body></body></html>")


# ------------------------------------------------------------------------------------------ files


def test_recorded_2016_answer_file_reads_like_the_live_answer():
    tidy = read_api_file(RECORDED / "acs5_2016_b19013_tracts_allegheny.json")
    assert len(tidy) == 5
    assert row(tidy, "42003561700", "B19013_001")["estimate"] == 37000.0
    assert math.isnan(row(tidy, "42003980100", "B19013_001")["estimate"])
    # no M column in that answer: no margin of error, and no note inventing a reason
    assert tidy["moe"].isna().all() and tidy["moe_note"].isna().all()


def _shared(name: str) -> Path:
    path = SHARED_ACS / name
    if not path.exists():
        pytest.skip(f"shared data not present: {name}")
    return path


def test_real_total_population_answer_has_every_tract_and_adds_up_to_the_county():
    tidy = read_api_file(_shared("acs5_2012-2016_census_api_tracts2010/total_pop.json"))
    assert len(tidy) == 402
    assert tidy["GEOID"].is_unique and tidy["GEOID"].str.len().eq(11).all()
    # first row of the file: ["Census Tract 103, Allegheny County, Pennsylvania","6491","42","003","010300"]
    assert row(tidy, "42003010300", "S0101_C01_001")["estimate"] == 6491.0
    # the 402 tract populations add up to 1,230,360, Allegheny County's 2012-2016 total in the
    # separately published county series (year 2016, column pop)
    series = pd.read_csv(_shared("acs5_2014-2024_allegheny_county_timeseries_visionpitts.csv"))
    county_2016 = series.loc[series["year"] == 2016, "pop"].item()
    assert tidy["estimate"].sum() == county_2016 == 1230360


def test_real_r_export_csv_is_read_with_its_sentinels():
    tidy = read_api_file(_shared("acs5_2012-2016_census_api_tracts2010/median_income.csv"))
    assert len(tidy) == 402
    # row "2": "Census Tract 201, Allegheny County, Pennsylvania","42","003","020100",72642
    assert row(tidy, "42003020100", "B19013_001")["estimate"] == 72642.0
    # 11 tracts (9801, 9803-9812) carry -666666666
    missing = tidy[tidy["estimate"].isna()]
    assert len(missing) == 11
    assert missing["estimate_note"].str.startswith("-666666666: ").all()
    assert "42003980100" in set(missing["GEOID"])


# ---------------------------------------------------------------------------------------- requests


@responses.activate
def test_tract_request_is_built_the_real_way(census_session):
    responses.get(API_2024, body=recorded("acs5_2024_b19013_tracts_allegheny.json"))
    tidy = fetch_acs(["B19013_001"], year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    assert len(tidy) == 5
    url = responses.calls[0].request.url
    assert "for=tract:*&in=state:42%20county:003" in url
    query = query_of(responses.calls[0])
    assert query["get"] == ["NAME,B19013_001E,B19013_001M"]
    assert query["for"] == ["tract:*"] and query["in"] == ["state:42 county:003"]
    assert query["key"] == [SECRET_KEY]


@pytest.mark.parametrize("geography, kwargs, expected_for, expected_in", [
    ("block group", {"county": "003"}, "block group:*", "state:42 county:003 tract:*"),
    ("block group", {}, "block group:*", "state:42 county:* tract:*"),
    ("county", {"county": "003"}, "county:003", "state:42"),
    ("place", {"place": "61000"}, "place:61000", "state:42"),
    ("tract", {}, "tract:*", "state:42"),
])
@responses.activate
def test_geography_predicates(census_session, geography, kwargs, expected_for, expected_in):
    responses.get(API_2024, json=[["NAME", "B19013_001E", "B19013_001M", "state"]])
    fetch_acs("B19013_001", year=2024, geography=geography, state=42, key=SECRET_KEY, session=census_session,
              **kwargs)
    query = query_of(responses.calls[0])
    assert query["for"] == [expected_for] and query["in"] == [expected_in]


@responses.activate
def test_place_answer_gives_the_city_geoid(census_session):
    # Pittsburgh city, ACS 2020-2024 median household income 65,742 +/- 1,484 (city series, year 2024)
    responses.get(API_2024, json=[["NAME", "B19013_001E", "B19013_001M", "state", "place"],
                                  ["Pittsburgh city, Pennsylvania", "65742", "1484", "42", "61000"]])
    tidy = fetch_acs(["B19013_001E"], year=2024, geography="place", state="42", place="61000", key=SECRET_KEY,
                     session=census_session)
    city = row(tidy, "4261000", "B19013_001")
    assert (city["estimate"], city["moe"]) == (65742.0, 1484.0)


def test_unknown_geography_is_refused_before_any_request():
    with pytest.raises(ValueError, match="unsupported geography"):
        fetch_acs("B19013_001", year=2024, geography="zcta", state="42", session=object())


@pytest.mark.parametrize("given", ["B25070_007", "B25070_007E", "B25070_007M"])
def test_variable_codes_with_or_without_suffix_ask_for_estimate_and_moe(given):
    assert census.request_columns([given]) == [("B25070_007E", "B25070_007M")]


def test_decennial_codes_are_asked_for_as_given():
    assert census.request_columns(["P1_001N"], "dec/pl") == [("P1_001N",)]


@responses.activate
def test_more_than_fifty_columns_are_split_into_calls_and_merged_on_geography(census_session):
    # 30 variables -> 60 columns + NAME: the API takes 50 per call, so 24 pairs then 6 pairs.
    # The answer below is generated from the request; its numbers are placeholders, not Census figures:
    # the estimate of B01001_0NN is NN * 10 + tract digit, its MOE NN.
    variables = [f"B01001_{i:03d}" for i in range(1, 31)]

    def answer(request):
        get = parse_qs(urlsplit(request.url).query)["get"][0].split(",")
        header = get + ["state", "county", "tract"]
        rows = [header]
        for digit, tract in ((1, "020100"), (2, "020300")):
            cells = []
            for col in get:
                if col == "NAME":
                    cells.append(f"Census Tract {tract}")
                else:
                    number = int(col[7:10])
                    cells.append(str(number * 10 + digit) if col.endswith("E") else str(number))
            rows.append(cells + ["42", "003", tract])
        return 200, {"Content-Type": "application/json"}, json.dumps(rows)

    responses.add_callback(responses.GET, API_2024, callback=answer)
    tidy = fetch_acs(variables, year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)

    assert len(responses.calls) == 2
    gets = [query_of(c)["get"][0].split(",") for c in responses.calls]
    assert [len(g) for g in gets] == [49, 13]
    assert all(g[0] == "NAME" for g in gets)
    assert gets[0][-2:] == ["B01001_024E", "B01001_024M"] and gets[1][1] == "B01001_025E"
    assert len(tidy) == 60
    assert tidy["variable"].nunique() == 30
    assert row(tidy, "42003020300", "B01001_030")["estimate"] == 302.0
    assert row(tidy, "42003020300", "B01001_030")["moe"] == 30.0
    assert row(tidy, "42003020100", "B01001_001")["NAME"] == "Census Tract 020100"


@responses.activate
def test_group_request_uses_group_syntax(census_session):
    responses.get(API_2024, body=recorded("acs5_2024_group_b19013_tracts_allegheny.json"))
    tidy = fetch_acs(groups=["B19013"], year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    assert query_of(responses.calls[0])["get"] == ["group(B19013)"]
    assert row(tidy, "42003020300", "B19013_001")["estimate"] == 118375.0


@responses.activate
def test_variables_and_groups_together_are_merged(census_session):
    responses.get(API_2024, body=recorded("acs5_2024_b19013_tracts_allegheny.json"))
    responses.get(API_2024, body=recorded("acs5_2024_group_b19013_tracts_allegheny.json"))
    tidy = fetch_acs(["B19013_001"], groups=["B19013"], year=2024, state="42", county="003", key=SECRET_KEY,
                     session=census_session)
    # the group repeats the variable: it is kept once, for the 5 tracts of the first answer
    assert len(responses.calls) == 2
    assert len(tidy) == 5 and tidy["GEOID"].is_unique


@responses.activate
def test_key_comes_from_the_environment(census_session, monkeypatch):
    monkeypatch.setenv("CENSUS_API_KEY", SECRET_KEY)
    responses.get(API_2024, body=recorded("acs5_2024_b19013_tracts_allegheny.json"))
    fetch_acs("B19013_001", year=2024, state="42", county="003", session=census_session)
    assert query_of(responses.calls[0])["key"] == [SECRET_KEY]


# ------------------------------------------------------------------------------------------ errors


def _invalid_key_200():
    responses.get(API_2024, body=recorded("invalid_key.html"), status=200, content_type="text/html")


def _invalid_key_redirect():
    responses.get(API_2024, status=302, headers={"Location": "https://api.census.gov/data/invalid_key.html",
                                                 "X-DataWebAPI-KeyError": "1"})
    responses.get("https://api.census.gov/data/invalid_key.html", body=recorded("invalid_key.html"),
                  content_type="text/html")


def _missing_key_redirect():
    responses.get(API_2024, status=302, headers={"Location": "https://api.census.gov/data/missing_key.html",
                                                 "X-DataWebAPI-KeyError": "1"})
    responses.get("https://api.census.gov/data/missing_key.html", body=recorded("missing_key.html"),
                  content_type="text/html")


def _unknown_variable():
    responses.get(API_2024, body=recorded("unknown_variable.txt"), status=400, content_type="text/plain")


def _no_content():
    responses.get(API_2024, body="", status=204)


def _unsupported_geography():
    responses.get(API_2024, body=recorded("unsupported_geography.txt"), status=400, content_type="text/plain")


def _server_error():
    responses.get(API_2024, body="There was an error while running your query.  We've logged the error and "
                                 "we'll correct it ASAP.  Sorry for the inconvenience.", status=500,
                  content_type="text/plain")


def _html_gateway_error():
    responses.get(API_2024, body="<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway"
                                 "</h1></body></html>", status=502, content_type="text/html")


ERROR_ANSWERS = [
    (_invalid_key_200, CensusInvalidKey, "not valid"),
    (_invalid_key_redirect, CensusInvalidKey, "not valid"),
    (_missing_key_redirect, CensusInvalidKey, "needs a key"),
    (_unknown_variable, CensusUnknownVariable, "B99999_001E"),
    (_no_content, CensusNoData, "204"),
    (_unsupported_geography, CensusRequestError, "unsupported geography hierarchy"),
    (_server_error, CensusRequestError, "HTTP 500"),
    (_html_gateway_error, CensusHTMLErrorPage, "502 Bad Gateway"),
]


@pytest.mark.parametrize("answer, exception, text", ERROR_ANSWERS,
                         ids=[a[0].__name__.strip("_") for a in ERROR_ANSWERS])
@responses.activate
def test_error_answer_raises_its_exception_without_the_key(census_session, caplog, answer, exception, text):
    answer()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(exception, match=text) as caught:
        fetch_acs(["B99999_001"], year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    assert isinstance(caught.value, CensusAPIError)
    assert SECRET_KEY not in str(caught.value)
    assert SECRET_KEY not in (caught.value.url or "")
    # every record of the library, at DEBUG too (third-party loggers are the HTTP module's business)
    own_records = [r.getMessage() for r in caplog.records if r.name.startswith("indicators")]
    assert own_records and not any(SECRET_KEY in message for message in own_records)
    # the request did carry the key
    assert query_of(responses.calls[0])["key"] == [SECRET_KEY]


@responses.activate
def test_unknown_variable_names_the_variable(census_session):
    _unknown_variable()
    with pytest.raises(CensusUnknownVariable) as caught:
        fetch_acs(["B99999_001"], year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    assert caught.value.variable == "B99999_001E"
    assert caught.value.status == 400


@responses.activate
def test_invalid_key_page_is_not_served_from_the_cache_once_the_key_is_fixed(census_session):
    # The key is not part of the cache key, so a cached "Invalid Key" page would answer every later call.
    _invalid_key_200()
    with pytest.raises(CensusInvalidKey):
        fetch_acs("B19013_001", year=2024, state="42", county="003", key="wrong-key", session=census_session)
    responses.replace(responses.GET, API_2024, body=recorded("acs5_2024_b19013_tracts_allegheny.json"))
    tidy = fetch_acs("B19013_001", year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    assert len(tidy) == 5
    assert len(responses.calls) == 2


@responses.activate
def test_offline_mode_raises_offline_error_without_the_key(census_session):
    http.set_offline(True)
    with pytest.raises(http.OfflineError) as caught:
        fetch_acs("B19013_001", year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    assert SECRET_KEY not in str(caught.value)
    assert len(responses.calls) == 0


@responses.activate
def test_offline_mode_answers_from_the_cache(census_session):
    responses.get(API_2024, body=recorded("acs5_2024_b19013_tracts_allegheny.json"))
    online = fetch_acs("B19013_001", year=2024, state="42", county="003", key=SECRET_KEY, session=census_session)
    http.set_offline(True)
    # the key's value is not part of the cache key: a build with another key finds the same answer
    offline = fetch_acs("B19013_001", year=2024, state="42", county="003", key="another-key",
                        session=census_session)
    pd.testing.assert_frame_equal(online, offline)
    assert len(responses.calls) == 1


# -------------------------------------------------------------------------------- variable labels


@responses.activate
def test_variable_labels_come_from_the_group_description(census_session):
    responses.get(f"{API_2016}/groups/B25038.json", body=recorded("groups_B25038_2016.json"))
    labels = fetch_variable_labels(2016, "acs/acs5", "B25038", session=census_session)
    assert list(labels.columns) == ["name", "label", "concept"]
    # 15 estimates; the MOE and annotation entries of the description are left out
    assert len(labels) == 15
    assert labels["name"].tolist()[:3] == ["B25038_001", "B25038_002", "B25038_003"]
    assert labels.set_index("name").loc["B25038_003", "label"] == \
        "Estimate!!Total!!Owner occupied!!Moved in 2015 or later"


@responses.activate
def test_variable_labels_of_an_unknown_group_raise(census_session):
    responses.get(f"{API_2016}/groups/B99999.json", body="error: unknown group 'B99999'", status=404,
                  content_type="text/plain")
    with pytest.raises(CensusRequestError, match="404"):
        fetch_variable_labels(2016, "acs/acs5", "B99999", session=census_session)


def _labels(year: int) -> pd.DataFrame:
    variables = json.loads(recorded(f"groups_B25038_{year}.json"))["variables"]
    return pd.DataFrame([{"name": k, "label": v["label"]} for k, v in variables.items() if k.endswith("E")])


def test_moved_in_bins_of_2012_2016():
    bins = moved_in_bins(_labels(2016), 2016).set_index("variable")
    assert len(bins) == 12
    assert bins.loc["B25038_003", ["earliest_year", "latest_year", "min_years_in_unit"]].tolist() == [2015, 2016, 0]
    assert bins.loc["B25038_005", "tenure"] == "owner" and bins.loc["B25038_012", "tenure"] == "renter"
    assert math.isnan(bins.loc["B25038_008", "earliest_year"]) and bins.loc["B25038_008", "latest_year"] == 1979
    # ten years or more in the unit by 2016: moved in 2006 or before. "2000 to 2009" ends in 2009
    # (2016 - 2009 = 7 years) and straddles the line; "1990 to 1999" ends 17 years before.
    long_stay = bins[bins["min_years_in_unit"] >= 10].index.tolist()
    assert long_stay == ["B25038_006", "B25038_007", "B25038_008", "B25038_013", "B25038_014", "B25038_015"]


def test_moved_in_bins_follow_the_labels_of_each_release():
    bins = moved_in_bins(_labels(2022), 2022).set_index("variable")
    # 2018-2022 bins: "2010 to 2017" ends 5 years before 2022; "2000 to 2009" now ends 13 years before
    assert bins.loc["B25038_005", ["earliest_year", "latest_year"]].tolist() == [2010, 2017]
    assert bins.loc["B25038_006", "min_years_in_unit"] == 13
    long_stay = bins[bins["min_years_in_unit"] >= 10].index.tolist()
    assert long_stay == ["B25038_006", "B25038_007", "B25038_008", "B25038_013", "B25038_014", "B25038_015"]


def test_moved_in_bins_refuse_labels_of_a_later_release():
    with pytest.raises(ValueError, match="another release"):
        moved_in_bins(_labels(2022), 2016)


def test_moved_in_bins_need_moved_in_labels():
    with pytest.raises(ValueError, match="B25038"):
        moved_in_bins({"B19013_001": "Estimate!!Median household income"}, 2016)


# ------------------------------------------------------------------------------------------- live


@pytest.mark.live
@pytest.mark.skipif(os.environ.get("HRC_LIVE_TESTS") != "1" or not os.environ.get("CENSUS_API_KEY"),
                    reason="live test: set HRC_LIVE_TESTS=1 and CENSUS_API_KEY")
def test_live_county_median_income_2016(tmp_path):
    session = http.new_session(tmp_path / "live.sqlite")
    tidy = fetch_acs("B19013_001", year=2016, geography="county", state="42", county="003", session=session)
    county = row(tidy, "42003", "B19013_001")
    # Allegheny County, ACS 2012-2016: 54,357 +/- 456 in the published county series (year 2016)
    assert county["estimate"] == 54357.0
    assert county["moe"] == 456.0
