"""Eviction Lab readers on the real Pittsburgh ETS files and a recorded national file; downloads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import responses

from indicators.sources import evictionlab as el

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh" / "evictions"
MONTHLY = SHARED / "ets_pittsburgh_barchart_monthly_county.csv"
ZIPS = SHARED / "ets_pittsburgh_map_zip_12mo_2022-12_to_2023-11.csv"
GROUPS = SHARED / "ets_pittsburgh_linechart_by_zip_racial_majority.csv"
NATIONAL = Path(__file__).parent / "recorded" / "evictionlab" / "TX" / "counties.csv"


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data file {path.name} not present")
    return path



def test_monthly_file_has_47_months_and_ratio_is_filings_over_baseline():
    monthly = el.read_ets_monthly(needs(MONTHLY))
    assert len(monthly) == 47
    assert monthly["month"].iloc[0] == pd.Timestamp("2020-01-01")
    assert monthly["month"].iloc[-1] == pd.Timestamp("2023-11-01")
    # "percentage_diff" is month_filings / avg_filings on every row, e.g. 1345 / 1324.67976190476 = 1.0153397
    expected = monthly["filings"].astype("float64") / monthly["baseline_filings"]
    np.testing.assert_allclose(monthly["ratio_to_baseline"], expected, rtol=1e-9)
    assert monthly["filings"].iloc[0] == 1345


def test_zip_file_sums_to_the_group_total_and_sets_inf_rate_missing():
    zips = el.read_ets_zip(needs(ZIPS))
    assert len(zips) == 145
    assert zips["zip"].str.fullmatch(r"\d{5}").all()
    assert (zips["window_start"] == pd.Timestamp("2022-12-01")).all()
    # column sum 12,909 = White 10,904 + Black 1,040 + Other 965 in the linechart file
    assert zips["filings"].sum() == 12909
    # ZIP 15047: 4 filings and month_rate "Inf"; 28 more ZIPs have a blank rate
    assert pd.isna(zips.set_index("zip").loc["15047", "filing_rate"])
    assert zips["filing_rate"].isna().sum() == 29
    assert zips.attrs["notes"][0].endswith("ZIP 15047")
    assert "28 ZIPs" in zips.attrs["notes"][1]
    # 15001: 1 filing, rate 0.000288850375505488 (filings per renter household)
    assert zips.set_index("zip").loc["15001", "filing_rate"] == pytest.approx(0.000288850375505488)


def test_zip_total_is_close_to_the_county_months_of_the_same_window():
    zips = el.read_ets_zip(needs(ZIPS))
    monthly = el.read_ets_monthly(needs(MONTHLY))
    window = monthly[monthly["month"].between("2022-12-01", "2023-11-01")]
    # Dec 2022 - Nov 2023 county filings: 12,944; the ZIP file counts 35 fewer (ZIP-less filings)
    assert len(window) == 12
    assert window["filings"].sum() == 12944
    assert window["filings"].sum() - zips["filings"].sum() == 35


def test_group_file_has_five_rows_with_blank_groups_missing():
    groups = el.read_ets_group(needs(GROUPS)).set_index("group")
    assert list(groups.index) == ["White", "Black", "Other", "Latinx", "Female"]
    assert groups.loc[["White", "Black", "Other"], "filings"].tolist() == [10904, 1040, 965]
    assert pd.isna(groups.loc["Latinx", "filings"])
    assert groups.loc["Latinx", "baseline_share"] == pytest.approx(0.026544508843861)
    assert groups.loc["White", "ratio_to_baseline"] == pytest.approx(10904 / 12207.1130952381)


def test_national_file_restores_names_types_and_flags():
    national = el.read_national(NATIONAL)
    assert len(national) == 6
    assert national.columns[:4].tolist() == ["geoid", "year", "name", "parent_location"]
    assert "eviction_filing_rate" in national.columns and "low_flag" in national.columns
    andrews = national[national["geoid"] == "48003"].set_index("year")
    assert andrews.loc[2016, ["eviction_filings", "evictions", "renter_occupied_households"]].tolist() == \
        [31.0, 25.0, 1644.0]
    # rates are per 100 renter households, rounded to 2 places: 31 / 1644 * 100 = 1.886 -> 1.89
    rows = national.dropna(subset=["eviction_filings"])
    computed = (rows["eviction_filings"] / rows["renter_occupied_households"] * 100).round(2)
    np.testing.assert_allclose(rows["eviction_filing_rate"], computed, atol=0.006)
    angelina = national[national["geoid"] == "48005"].set_index("year")
    assert angelina.loc[2003, "imputed"] == 1
    assert pd.isna(angelina.loc[2006, "evictions"])


def test_national_geoids_get_their_leading_zeros_back(tmp_path):
    header = NATIONAL.read_text().splitlines()[0]
    row = NATIONAL.read_text().splitlines()[1].replace("48003,", "1001,", 1)
    path = tmp_path / "AL_counties_extract.csv"
    path.write_text(header + "\n" + row + "\n")

    with pytest.raises(el.EvictionLabError, match="which geography"):
        el.read_national(path)
    assert el.read_national(path, geography="counties")["geoid"].tolist() == ["01001"]


def test_a_file_of_another_kind_is_refused():
    with pytest.raises(el.EvictionLabError, match="missing columns"):
        el.read_ets_zip(needs(MONTHLY))


@responses.activate
def test_fetch_reads_the_published_chart_file(plain_session):
    responses.get("https://evictionlab.org/uploads/pittsburgh_barchart.csv", body=needs(MONTHLY).read_text())

    live = el.fetch_ets_monthly("pittsburgh", session=plain_session)

    pd.testing.assert_frame_equal(live, el.read_ets_monthly(MONTHLY))


@responses.activate
def test_fetch_national_builds_the_state_url(plain_session):
    responses.get("https://eviction-lab-data-downloads.s3.amazonaws.com/TX/counties.csv", body=NATIONAL.read_text())

    live = el.fetch_national("tx", "counties", session=plain_session)

    pd.testing.assert_frame_equal(live, el.read_national(NATIONAL))


@responses.activate
def test_missing_s3_key_names_the_error_code(plain_session):
    body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            "<Message>The specified key does not exist.</Message><Key>ZZ/tracts.csv</Key></Error>")
    responses.get("https://eviction-lab-data-downloads.s3.amazonaws.com/ZZ/tracts.csv", body=body, status=404)
    with pytest.raises(el.EvictionLabError, match=r"HTTP 404 .*\(NoSuchKey\)"):
        el.fetch_national("ZZ", session=plain_session)


@responses.activate
def test_a_web_page_instead_of_the_csv_is_refused(plain_session):
    responses.get("https://evictionlab.org/uploads/nowhere_map.csv", body="<!DOCTYPE html><html></html>")
    with pytest.raises(el.EvictionLabError, match="web page"):
        el.fetch_ets_zip("nowhere", session=plain_session)


# --- the national tract file (2018 release): Washington, DC ---------------------------------------

DC_TRACTS = Path(__file__).parent / "recorded" / "dc" / "evictionlab_dc_tracts_extract.csv"


@pytest.fixture(scope="module")
def dc_raw(shared_data):
    folder = shared_data / "dc"
    if not folder.is_dir():
        pytest.skip("the real data folder shared/data/dc is not here")
    return folder


def test_tract_history_keeps_the_counted_years_with_their_flags():
    history = el.read_tract_history(DC_TRACTS)
    assert list(history.columns) == ["GEOID", "year", "filings", "judgments", "filing_rate", "judgment_rate",
                                     "renter_households", "low_flag", "imputed", "subbed"]
    # 2 tracts x the 8 years with counts (2006-2012, 2016); 2000-2005 and 2013-2015 are blank in the file
    assert len(history) == 16
    assert history.attrs["years_without_counts"] == [2000, 2001, 2002, 2003, 2004, 2005, 2013, 2014, 2015]
    assert history["GEOID"].tolist()[:1] == ["11001000100"]
    row = history.set_index(["GEOID", "year"]).loc[("11001007409", 2016)]
    # line 1701: eviction-filings 1146.0, evictions 113.0, rates 99.48 and 9.81, 1152.0 renter households
    assert (row["filings"], row["judgments"], row["renter_households"]) == (1146.0, 113.0, 1152.0)
    assert (row["filing_rate"], row["judgment_rate"]) == (99.48, 9.81)
    # rates per 100 renter households as published: 1146 / 1152 * 100 = 99.479, 113 / 1152 * 100 = 9.809
    assert row["filing_rate"] == pytest.approx(1146 / 1152 * 100, abs=0.005)
    assert row["judgment_rate"] == pytest.approx(113 / 1152 * 100, abs=0.005)
    first = history.set_index(["GEOID", "year"]).loc[("11001000100", 2006)]
    assert (first["filings"], first["judgments"], first["filing_rate"]) == (85.0, 0.0, 6.76)


def test_tract_history_flags_are_booleans_and_noted():
    history = el.read_tract_history(DC_TRACTS)
    # low-flag is 1 in 2011, 2012 and 2016 for both tracts, 0 otherwise; imputed and subbed are 0 throughout
    flagged = history[history["low_flag"]]
    assert sorted(set(flagged["year"])) == [2011, 2012, 2016] and len(flagged) == 6
    assert not history["imputed"].any() and not history["subbed"].any()
    assert str(history["low_flag"].dtype) == "boolean"
    notes = " ".join(history.attrs["notes"])
    assert "low_flag set on 6 tract-years (2011: 2, 2012: 2, 2016: 2)" in notes
    assert "lower than in reality" in notes
    assert "no eviction counts for 2000-2005, 2013-2015" in notes


def test_tract_file_lacking_columns_is_refused_naming_them(tmp_path):
    lines = DC_TRACTS.read_text().splitlines()
    header = lines[0].split(",")
    keep = [i for i, c in enumerate(header) if c not in ("low-flag", "subbed")]
    path = tmp_path / "tracts.csv"
    # the header and the first data row without the two columns
    rows = list(csv.reader(io.StringIO("\n".join(lines[:2]))))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([[r[i] for i in keep] for r in rows])
    path.write_text(buffer.getvalue())
    with pytest.raises(el.EvictionLabError, match=r"tracts.csv: not an Eviction Lab tract file; missing columns "
                                                  r"\['low-flag', 'subbed'\]"):
        el.read_tract_history(path)


def test_tract_file_with_a_bad_flag_or_a_short_geoid(tmp_path):
    lines = DC_TRACTS.read_text().splitlines()
    path = tmp_path / "tracts.csv"
    path.write_text("\n".join([lines[0], lines[7][:-5] + "2,0,0"]) + "\n")
    with pytest.raises(el.EvictionLabError, match=r"column 'low-flag' holds '2' on line 2"):
        el.read_tract_history(path)
    # an Alabama tract as the CSV writes it, without its leading zero, gets it back
    path.write_text("\n".join([lines[0], "1073000100" + lines[7][len("11001000100"):]]) + "\n")
    assert el.read_tract_history(path)["GEOID"].tolist() == ["01073000100"]
    # a block-group code (12 digits) is not a tract
    path.write_text("\n".join([lines[0], "110010001001" + lines[7][len("11001000100"):]]) + "\n")
    with pytest.raises(el.EvictionLabError, match="'110010001001' on line 2, not an 11-digit tract code"):
        el.read_tract_history(path)


def test_the_whole_dc_tract_file(dc_raw):
    history = el.read_tract_history(dc_raw / "evictions" / "evictionlab_dc_tracts.csv")
    # 179 tracts x 8 years with counts; low-flag on every tract in 2011, 2012, 2016 (3 x 179 = 537)
    assert len(history) == 179 * 8 and history["GEOID"].nunique() == 179
    assert sorted(set(history["year"])) == [2006, 2007, 2008, 2009, 2010, 2011, 2012, 2016]
    assert int(history["low_flag"].sum()) == 537
    by_year = history.groupby("year")[["filings", "judgments"]].sum()
    # PROVENANCE: judgments 4,537 in 2016 against 1,000-1,600 a year before (csv module: filings 27,434)
    assert by_year.loc[2016, "judgments"] == 4537
    assert by_year.loc[2016, "filings"] == 27434
    assert by_year.loc[2006, "filings"] == 45213
