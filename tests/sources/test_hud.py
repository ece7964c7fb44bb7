"""HUD FMR/SAFMR: the API (recorded answers), the cached Pittsburgh answer and HUD's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers

from indicators.sources import http
from indicators.sources import hud

RECORDED = Path(__file__).parent / "recorded" / "hud"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh" / "housing"
HISTORY = SHARED / "hud_fmr_allegheny_county_fy2002-2026.csv"
FY23 = SHARED / "hud_fmr_fy2023_pennsylvania_counties.csv"
FY25 = SHARED / "hud_fmr_fy2025_pennsylvania_counties.csv"
SAFMR = SHARED / "hud_safmr_fy2022_pittsburgh_metro_zip.csv"
CACHE = SHARED / "hud_fmr_safmr_income_limits_fy2026_pittsburgh_hmfa_visionpitts.json"
API = "https://www.huduser.gov/hudapi/public/fmr/data/"
TOKEN = "eyJ0eXAiOiJKV1Qi.secret"


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data file {path.name} not present")
    return path


def recorded(name: str):
    return json.loads((RECORDED / name).read_text())


def rents(frame, row=0):
    return frame[hud.FMR_COLUMNS].iloc[row].tolist()


@pytest.fixture
def session(monkeypatch):
    monkeypatch.delenv(hud.TOKEN_ENV, raising=False)
    http.set_offline(False)
    with requests.Session() as sess:
        yield sess
    http.set_offline(None)


@responses.activate
def test_small_area_answer_gives_area_rents_and_a_zip_frame(session):
    responses.get(API + "METRO47900M47900", json=recorded("fmr_data_METRO47900M47900_2024.json"),
                  match=[matchers.query_param_matcher({"year": "2024"}),
                         matchers.header_matcher({"Authorization": f"Bearer {TOKEN}"})])

    fmr = hud.fetch_fmr("METRO47900M47900", 2024, token=TOKEN, session=session)

    assert list(fmr.area.columns) == hud.AREA_COLUMNS
    assert rents(fmr.area) == [1772, 1803, 2045, 2544, 3015]
    assert fmr.area["small_area"].iloc[0]
    assert fmr.area["fiscal_year"].iloc[0] == 2024
    assert fmr.zips["zip"].tolist() == ["20001", "20002", "20003"]
    assert rents(fmr.zips, 1) == [1750, 1780, 2020, 2510, 2980]
    assert TOKEN not in responses.calls[0].request.url


@responses.activate
def test_county_answer_without_small_areas_reads_string_rents(session, monkeypatch):
    monkeypatch.setenv(hud.TOKEN_ENV, TOKEN)
    responses.get(API + "5002175925", json=recorded("fmr_data_5002175925_2017.json"))

    fmr = hud.fetch_fmr("5002175925", 2017, session=session)

    assert rents(fmr.area) == [758, 769, 948, 1186, 1386]
    assert fmr.area["area_name"].iloc[0] == "Rutland County, VT"
    assert not fmr.area["small_area"].iloc[0]
    assert fmr.zips is None
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_no_token_is_refused_before_any_request(session):
    with pytest.raises(hud.HUDAuthError, match="HUD_API_TOKEN"):
        hud.fetch_fmr("4200399999", 2026, session=session)


@responses.activate
def test_unauthenticated_answer_raises_auth_error_without_the_token(session):
    responses.get(API + "4200399999", json=recorded("error_401.json"), status=401)
    with pytest.raises(hud.HUDAuthError, match="Unauthenticated") as err:
        hud.fetch_fmr("4200399999", 2026, token=TOKEN, session=session)
    assert err.value.status == 401
    assert TOKEN not in str(err.value)


@responses.activate
def test_unknown_entity_raises_with_the_api_message(session):
    responses.get(API + "4200399998", json=recorded("error_404.json"), status=404)
    with pytest.raises(hud.HUDError, match="No data found using '4200399998'") as err:
        hud.fetch_fmr("4200399998", 2026, token=TOKEN, session=session)
    assert err.value.status == 404


def test_cached_pittsburgh_answer_gives_metro_rents_and_393_zips():
    fmr = hud.read_hud_api_json(needs(CACHE))
    assert rents(fmr.area) == [1001, 1077, 1299, 1661, 1789]
    assert fmr.area["fiscal_year"].iloc[0] == 2026
    assert fmr.area["area_name"].iloc[0] == "Pittsburgh, PA HUD Metro FMR Area"
    assert len(fmr.zips) == 393
    assert rents(fmr.zips[fmr.zips["zip"] == "15213"]) == [1290, 1390, 1680, 2150, 2310]
    assert fmr.area.attrs["income_limits"]["median"] == 110400


def test_raw_api_answer_on_disk_reads_like_a_live_one(tmp_path):
    path = tmp_path / "answer.json"
    path.write_text((RECORDED / "fmr_data_METRO47900M47900_2024.json").read_text())
    assert rents(hud.read_hud_api_json(path).area) == [1772, 1803, 2045, 2544, 3015]


def test_fmr_history_keeps_the_revised_fy2022_row():
    history = hud.read_fmr_history(needs(HISTORY))
    # 25 rows with FY2022 twice -> 24 years; FY2024 is not in the file
    assert len(history) == 24
    assert history["fiscal_year"].is_unique
    fy2022 = history.set_index("fiscal_year").loc[2022]
    assert fy2022["release"] == "revised"
    assert fy2022["source_path"].endswith("FY22_FMRs_revised.xlsx")
    assert history.attrs["missing_years"] == [2024]
    by_year = history.set_index("fiscal_year")
    assert by_year.loc[2023, hud.FMR_COLUMNS].tolist() == [862, 904, 1090, 1386, 1515]
    assert by_year.loc[2026, hud.FMR_COLUMNS].tolist() == [1001, 1077, 1299, 1661, 1789]
    assert by_year.loc[2002, "fmr_2"] == 588


@pytest.mark.parametrize("path, year, expected", [
    (FY23, 2023, [862, 904, 1090, 1386, 1515]),
    (FY25, 2025, [998, 1068, 1280, 1632, 1759]),
])
def test_both_county_file_layouts_give_allegheny_rents(path, year, expected):
    rows = hud.read_fmr_county_file(needs(path), "42003")
    assert len(rows) == 1
    assert rents(rows) == expected
    assert rows["fiscal_year"].iloc[0] == year
    assert rows["area_code"].iloc[0] == "METRO38300M38300"
    assert rows["county_name"].iloc[0] == "Allegheny County"
    assert bool(rows["metro"].iloc[0])
    assert rents(hud.read_fmr_county_file(path, "4200399999")) == expected


def test_county_missing_from_a_county_file_is_an_error():
    with pytest.raises(hud.HUDError, match="no row for county 36061"):
        hud.read_fmr_county_file(needs(FY23), "36061")


def test_safmr_table_reads_zip_rents():
    safmr = hud.read_safmr(needs(SAFMR))
    # 394 ZIP rows of the Pittsburgh HMFA; 15213: 1060/1120/1360/1740/1900
    assert len(safmr) == 394
    assert safmr["zip"].is_unique
    assert rents(safmr[safmr["zip"] == "15213"]) == [1060, 1120, 1360, 1740, 1900]
    assert (safmr["area_code"] == "METRO38300M38300").all()
