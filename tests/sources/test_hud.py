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


# --- HUD's national FY2020 workbooks: Washington, DC -------------------------------------------------

DC_RECORDED = Path(__file__).parent / "recorded" / "dc"
FMR_WORKBOOK = DC_RECORDED / "FY2020_4050_FMRs_rev_extract.xlsx"
SAFMR_WORKBOOK = DC_RECORDED / "fy2020_safmrs_rev_extract.xlsx"
DC_METRO = "METRO47900M47900"
DC_AREA = "Washington-Arlington-Alexandria, DC-VA-MD HUD Metro FMR Area"


@pytest.fixture(scope="module")
def dc_raw(shared_data):
    folder = shared_data / "dc"
    if not folder.is_dir():
        pytest.skip("the real data folder shared/data/dc is not here")
    return folder


def copy_workbook(tmp_path, source: Path, name: str, *, sheet: str | None = None, drop: str | None = None) -> Path:
    """The recorded workbook's cells, under another file or sheet name, or without one column."""
    import openpyxl

    book = openpyxl.load_workbook(source)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    keep = [i for i, h in enumerate(rows[0]) if h != drop]
    out = openpyxl.Workbook()
    out.active.title = sheet or book.sheetnames[0]
    for row in rows:
        out.active.append([row[i] for i in keep])
    path = tmp_path / name
    out.save(path)
    return path


def test_fmr_workbook_gives_the_county_row_by_fips():
    rows = hud.read_fmr_workbook(FMR_WORKBOOK, fips="1100199999")
    assert list(rows.columns) == ["fiscal_year", "fips", "county_name", "area_name", "metro_code", *hud.FMR_COLUMNS]
    # the District of Columbia's row: fmr_0..fmr_4 1457, 1500, 1707, 2215, 2707 (FY2020, sheet FMR20_INFO)
    assert len(rows) == 1
    assert rents(rows) == [1457, 1500, 1707, 2215, 2707]
    assert rows["fmr_2"].iloc[0] == 1707
    assert rows.iloc[0][["fiscal_year", "fips", "county_name", "area_name", "metro_code"]].tolist() == \
        [2020, "1100199999", "District of Columbia", DC_AREA, DC_METRO]
    assert rows.attrs["sheet"] == "FMR20_INFO"
    assert rents(hud.read_fmr_workbook(FMR_WORKBOOK, fips="11001")) == [1457, 1500, 1707, 2215, 2707]


def test_fmr_workbook_by_metro_code_gives_every_county_of_the_area():
    rows = hud.read_fmr_workbook(FMR_WORKBOOK, metro_code=DC_METRO)
    # the extract holds DC, Montgomery County MD and Arlington County VA of the area (and Autauga County AL)
    assert rows["fips"].tolist() == ["1100199999", "2403199999", "5101399999"]
    assert all(rents(rows, i) == [1457, 1500, 1707, 2215, 2707] for i in range(3))
    assert rents(hud.read_fmr_workbook(FMR_WORKBOOK, fips="01001")) == [583, 702, 830, 1047, 1425]


def test_fmr_workbook_refuses_what_it_cannot_find(tmp_path):
    with pytest.raises(hud.HUDError, match="no row for fips 3606199999"):
        hud.read_fmr_workbook(FMR_WORKBOOK, fips="3606199999")
    with pytest.raises(hud.HUDError, match=r"no row for fips 1100199999 and metro_code METRO33860M33860"):
        hud.read_fmr_workbook(FMR_WORKBOOK, fips="1100199999", metro_code="METRO33860M33860")
    with pytest.raises(ValueError, match="fips= or metro_code="):
        hud.read_fmr_workbook(FMR_WORKBOOK)
    with pytest.raises(hud.HUDError, match=r"no sheet 'FMR21'; the workbook has 'FMR20_INFO'"):
        hud.read_fmr_workbook(FMR_WORKBOOK, fips="11001", sheet="FMR21")
    with pytest.raises(hud.HUDError, match=r"fiscal_year=2021 was passed, but the workbook is FY2020"):
        hud.read_fmr_workbook(FMR_WORKBOOK, fips="11001", fiscal_year=2021)
    no_rent = copy_workbook(tmp_path, FMR_WORKBOOK, "FY2020_no_rent.xlsx", drop="fmr_2")
    with pytest.raises(hud.HUDError, match=r"not a HUD FMR table: no column for fmr_2 \(fmr2 / fmr2br\)"):
        hud.read_fmr_workbook(no_rent, fips="11001")
    not_excel = tmp_path / "FY2020_FMRs.xlsx"
    not_excel.write_text("fips2010,fmr_0\n1100199999,1457\n")
    with pytest.raises(hud.HUDError, match="FY2020_FMRs.xlsx: not an Excel workbook"):
        hud.read_fmr_workbook(not_excel, fips="11001")


def test_fmr_workbook_year_from_the_file_name_or_as_passed(tmp_path):
    renamed = copy_workbook(tmp_path, FMR_WORKBOOK, "FY2020_4050_FMRs_rev.xlsx", sheet="Sheet1")
    assert hud.read_fmr_workbook(renamed, fips="11001")["fiscal_year"].tolist() == [2020]
    anonymous = copy_workbook(tmp_path, FMR_WORKBOOK, "rents.xlsx", sheet="Sheet1")
    with pytest.raises(hud.HUDError, match="pass fiscal_year="):
        hud.read_fmr_workbook(anonymous, fips="11001")
    assert hud.read_fmr_workbook(anonymous, fips="11001", fiscal_year=2020)["fiscal_year"].tolist() == [2020]


def test_safmr_workbook_gives_the_zips_of_the_area():
    zips = hud.read_safmr_workbook(SAFMR_WORKBOOK, metro_code=DC_METRO)
    assert list(zips.columns) == ["zip", "area_code", "area_name", *hud.FMR_COLUMNS, "fiscal_year"]
    assert zips["zip"].tolist() == ["20001", "20002", "20003", "20019", "22201"]
    # zcta 20001: safmr_0br 1890, 1br 1950, 2br 2220, 3br 2880, 4br 3520 (not the 90 %/110 % payment standards)
    assert rents(zips) == [1890, 1950, 2220, 2880, 3520]
    assert rents(zips, 3) == [1060, 1110, 1280, 1690, 2090]
    assert (zips["area_code"] == DC_METRO).all() and (zips["area_name"] == DC_AREA).all()
    # the year comes from the header CBSASub20 / Areaname20 (the sheet is "SAFMRS")
    assert (zips["fiscal_year"] == 2020).all()
    assert hud.read_safmr_workbook(SAFMR_WORKBOOK, metro_code="METRO10180M10180")["zip"].tolist() == ["76437"]
    with pytest.raises(hud.HUDError, match="no ZIP code of HUD area 'METRO38300M38300'"):
        hud.read_safmr_workbook(SAFMR_WORKBOOK, metro_code="METRO38300M38300")


def test_the_whole_fy2020_workbooks(dc_raw):
    fmr = hud.read_fmr_workbook(dc_raw / "housing" / "FY2020_4050_FMRs_rev.xlsx", fips="1100199999")
    assert rents(fmr) == [1457, 1500, 1707, 2215, 2707] and fmr["fiscal_year"].tolist() == [2020]
    # 20 counties and independent cities share the area's rents (openpyxl, metro_code == METRO47900M47900)
    area = hud.read_fmr_workbook(dc_raw / "housing" / "FY2020_4050_FMRs_rev.xlsx", metro_code=DC_METRO)
    assert len(area) == 20 and area["fmr_2"].eq(1707).all()
    zips = hud.read_safmr_workbook(dc_raw / "housing" / "fy2020_safmrs_rev.xlsx", metro_code=DC_METRO)
    # 444 ZCTAs in the area, 42 of them 200xx; 20019: 2-bedroom SAFMR 1,280
    assert len(zips) == 444 and zips["zip"].is_unique
    assert zips["zip"].str.startswith("200").sum() == 42
    assert zips.set_index("zip").loc["20019", "fmr_2"] == 1280
