"""Eviction Lab readers on the real Pittsburgh ETS files and a recorded national file; downloads."""

from __future__ import annotations

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
