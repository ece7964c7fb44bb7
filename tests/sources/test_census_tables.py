"""Census tables read offline in the layouts the Census Bureau publishes, and the measures computed from them.

Files are in ``recorded/census_tables`` (real values; see its README for where each comes from, and which
files were written by hand in a layout from real values). Expected values are computed by hand from the
DC Office of Planning's ACS 2015-2019 files (``shared/data/dc/acs``), cell by cell, in the comments.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.sources import census_tables
from indicators.sources.acs_measures import compute_measures, race_counts
from indicators.sources.census_tables import (
    API_JSON, DATA_CENSUS_GOV, TABLE_COLUMNS, WIDE, CensusTableError, detect_format, read_table_file,
    read_table_files, read_table_text, split_notes,
)

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded" / "census_tables"
CENSUS_RECORDED = HERE / "recorded" / "census"
DC_WIDE = sorted(RECORDED.glob("dc_acs2019_dp0*_5tracts_wide.csv"))
DC_ACS = HERE.parents[1] / ".." / "shared" / "data" / "dc" / "acs"

T1401, T9505, T15, T901, T2501 = "11001001401", "11001009505", "11001001500", "11001000901", "11001002501"


def cell(table: pd.DataFrame, geoid: str, variable: str) -> pd.Series:
    rows = table[(table["GEOID"] == geoid) & (table["variable"] == variable)]
    assert len(rows) == 1, f"expected one {variable} of {geoid}, got {len(rows)}"
    return rows.iloc[0]


def value(frame: pd.DataFrame, area: str, measure: str) -> pd.Series:
    rows = frame[(frame["area_id"] == area) & (frame["measure"] == measure)]
    assert len(rows) == 1, f"expected one {measure} of {area}, got {len(rows)}"
    return rows.iloc[0]


@pytest.fixture(scope="module")
def dc_tidy() -> pd.DataFrame:
    """The four DC profile extracts (DP02-DP05) read as one frame."""
    return read_table_files(DC_WIDE)


@pytest.fixture(scope="module")
def dc_measures(dc_tidy) -> pd.DataFrame:
    return compute_measures(dc_tidy, year=2019)


# ------------------------------------------------------------------------------------------ layouts


def test_each_recorded_file_is_recognised_in_its_layout():
    layouts = {p.name: detect_format(p.read_text(encoding="utf-8-sig")) for p in RECORDED.iterdir()
               if p.suffix in {".csv", ".json"}}
    assert {n: f for n, f in layouts.items() if "wide" in n} == {p.name: WIDE for p in DC_WIDE}
    assert layouts["dc_acs2019_dp04_3tracts_datacensusgov.csv"] == DATA_CENSUS_GOV
    assert layouts["allegheny_acs2024_b25003_b19013_b25064_datacensusgov.csv"] == DATA_CENSUS_GOV
    assert layouts["dc_acs2019_profile_api.json"] == API_JSON


def test_wide_dc_file_keeps_geoids_as_text_ignores_identity_columns_and_has_no_moe():
    # the file starts with a UTF-8 byte-order mark, as the DC files do
    path = RECORDED / "dc_acs2019_dp04_5tracts_wide.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = read_table_file(path)
    assert list(table.columns) == TABLE_COLUMNS
    assert sorted(table["GEOID"].unique()) == sorted([T1401, T9505, T15, T901, T2501])
    # TRACTCE, NAME, NAMELSAD and ALAND are not variables
    assert table["variable"].str.startswith("DP04_").all() and table["variable"].nunique() == 14
    renters = cell(table, T1401, "DP04_0047")  # DP04_0047E of tract 14.01: 625
    assert renters["estimate"] == 625 and math.isnan(renters["moe"]) and renters["note"] is None
    # tract 25.01: median gross rent blank in the DC file
    blank = cell(table, T2501, "DP04_0134")
    assert math.isnan(blank["estimate"]) and blank["note"] == census_tables.BLANK_ESTIMATE_NOTE


def test_profile_percent_cells_keep_their_p():
    table = read_table_file(RECORDED / "dc_acs2019_dp03_5tracts_wide.csv")
    # DP03_0128PE (percent of all people below the poverty level) of tract 14.01: 5.6
    assert cell(table, T1401, "DP03_0128P")["estimate"] == 5.6


def test_data_census_gov_csv_drops_the_label_row_and_decodes_top_coded_medians():
    table = read_table_file(RECORDED / "dc_acs2019_dp04_3tracts_datacensusgov.csv")
    assert sorted(table["GEOID"].unique()) == sorted([T1401, T9505, T15])  # from 1400000US11001001401 ...
    assert cell(table, T9505, "DP04_0047")["estimate"] == 374
    rent = cell(table, T15, "DP04_0134")
    assert rent["estimate"] == 3500 and math.isnan(rent["moe"])
    assert rent["note"].startswith("3,500+: the median falls in the highest interval")
    income = cell(read_table_file(RECORDED / "dc_acs2019_dp03_2tracts_datacensusgov.csv"), T901, "DP03_0062")
    assert income["estimate"] == 250000 and income["note"].startswith("250,000+")


def test_data_census_gov_annotations_are_decoded_like_the_api_codes():
    # the cells of the recorded API answer of ../acs_measures, in data.census.gov's notation
    table = read_table_file(RECORDED / "allegheny_acs2024_b25003_b19013_b25064_datacensusgov.csv")
    tract_201 = cell(table, "42003020100", "B25003_003")
    assert (tract_201["estimate"], tract_201["moe"], tract_201["note"]) == (2273, 354, None)
    # tract 103.01 has no households: "-" for the median income, "**" for its MOE
    income = cell(table, "42003010301", "B19013_001")
    assert math.isnan(income["estimate"]) and math.isnan(income["moe"])
    est_note, moe_note = split_notes(pd.Series([income["note"]]))
    assert est_note[0].startswith("-666666666: estimate could not be computed")
    assert moe_note[0].startswith("-222222222: margin of error could not be computed")
    # tract 4212: "3,500+" with "***" (the median lies in the open top interval)
    rent = cell(table, "42003421200", "B25064_001")
    assert rent["estimate"] == 3500 and math.isnan(rent["moe"])
    assert "MOE: -333333333: margin of error could not be computed" in rent["note"]
    zero = cell(table, "42003010301", "B25003_001")
    assert (zero["estimate"], zero["moe"]) == (0, 12)


def test_data_census_gov_thousands_separators_and_a_controlled_moe():
    # Allegheny County's 2020-2024 population, 1,238,177, whose MOE data.census.gov writes "*****" (the API:
    # -555555555, see recorded/census/acs5_2024_b01003_county_allegheny.json)
    text = ('GEO_ID,NAME,B01003_001E,B01003_001M\n'
            'Geography,Geographic Area Name,Estimate!!Total,Margin of Error!!Total\n'
            '0500000US42003,"Allegheny County, Pennsylvania","1,238,177",*****\n')
    table = read_table_text(text, "county.csv")
    row = table.iloc[0]
    assert row["GEOID"] == "42003" and row["estimate"] == 1238177 and row["moe"] == 0
    assert row["note"].startswith("MOE: -555555555: estimate is controlled")


def test_the_other_annotation_symbols():
    # symbols only (no figures): "(X)" not applicable, "N" too few sample cases, "2,500-" the bottom code of
    # median household income
    text = ('GEO_ID,NAME,B19013_001E,B19013_001M,B25064_001E,B25064_001M\n'
            'id,Geographic Area Name,Estimate!!Median household income,Margin of Error!!Median household income,'
            'Estimate!!Median gross rent,Margin of Error!!Median gross rent\n'
            '1400000US42003010301,Tract,"2,500-",***,(X),N\n')
    table = read_table_text(text, "symbols.csv")
    income, rent = table.iloc[0], table.iloc[1]
    assert income["estimate"] == 2500 and income["note"].startswith("2,500-: the median falls in the lowest interval")
    assert math.isnan(rent["estimate"]) and rent["note"].startswith("-888888888: estimate or margin of error is not")
    assert "MOE: -999999999" in rent["note"]


def test_api_answers_plain_group_and_profile():
    profile = read_table_file(RECORDED / "dc_acs2019_profile_api.json")
    assert cell(profile, T15, "DP04_0134")["estimate"] == 3501  # the API's number for "3,500+"
    assert cell(profile, T1401, "DP03_0128P")["estimate"] == 5.6
    assert profile["moe"].isna().all() and profile["note"].isna().all()
    group = read_table_file(CENSUS_RECORDED / "acs5_2024_group_b19013_tracts_allegheny.json")
    # EA/MA annotation columns fill the notes and are not variables
    assert set(group["variable"]) == {"B19013_001"}
    assert cell(group, "42003020300", "B19013_001")[["estimate", "moe"]].tolist() == [118375, 13923]
    assert cell(group, "42003010301", "B19013_001")["note"].startswith("-666666666")


def test_cells_in_two_files_must_agree():
    # DP04_0134 of tract 15 is 3501 in the DC file and "3,500+" (3500) in the data.census.gov layout
    with pytest.raises(CensusTableError, match="DP04_0134 of 11001001500 differs between the files"):
        read_table_files([RECORDED / "dc_acs2019_dp04_5tracts_wide.csv",
                          RECORDED / "dc_acs2019_dp04_3tracts_datacensusgov.csv"])


# ------------------------------------------------------------------------------------------ refusals


def test_a_file_in_no_layout_is_refused_naming_the_layouts(tmp_path):
    path = tmp_path / "tracts.csv"
    path.write_text("tract,renters\n001401,625\n", encoding="utf-8")
    with pytest.raises(CensusTableError, match="tracts.csv: not a Census table.*accepted layouts: api-json.*"
                                               "data.census.gov.*wide"):
        read_table_file(path)
    with pytest.raises(CensusTableError, match="accepted layouts"):
        read_table_text('{"variables": {}}', "groups.json")


def test_a_cut_off_or_non_utf8_file_is_refused(tmp_path):
    data = (RECORDED / "dc_acs2019_dp04_5tracts_wide.csv").read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b",")])  # the last row loses its last field
    with pytest.raises(CensusTableError, match="cut.csv: line 6 has 18 of the header's 19 fields: the file is cut off"):
        read_table_file(cut)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(data[3:].replace(b"Census Tract 14.01", "Census Tract 14.01 é".encode("latin-1")))
    with pytest.raises(CensusTableError, match="latin1.csv: not UTF-8 text"):
        read_table_file(latin)


def test_a_saved_error_page_is_refused_with_the_apis_reason():
    with pytest.raises(CensusTableError, match="invalid_key.html: not a table but an error answer of the Census API"):
        read_table_file(CENSUS_RECORDED / "invalid_key.html")


# ------------------------------------------------------------------------- measures from the DC tables


def test_dc_renter_share_rent_and_income(dc_measures):
    # renter share = DP04_0047 / DP04_0045: 14.01: 625 / 1,430 = 0.437063; 95.05: 374 / 1,356 = 0.275811;
    # 15: 192 / 2,084 = 0.092131
    for tract, renters, occupied in ((T1401, 625, 1430), (T9505, 374, 1356), (T15, 192, 2084)):
        share = value(dc_measures, tract, "renter_share")
        assert share["estimate"] == pytest.approx(renters / occupied)
        assert math.isnan(share["moe"]) and share["note"] == "no margin of error published"
    assert value(dc_measures, T1401, "renter_share")["estimate"] == pytest.approx(0.437063, abs=1e-6)
    # median gross rent = DP04_0134, median household income = DP03_0062
    assert value(dc_measures, T1401, "med_gross_rent")["estimate"] == 1693
    assert value(dc_measures, T9505, "med_gross_rent")["estimate"] == 1801
    assert value(dc_measures, T1401, "med_hh_income")["estimate"] == 143056
    assert value(dc_measures, T9505, "med_hh_income")["estimate"] == 81917
    assert value(dc_measures, T15, "med_hh_income")["estimate"] == 214561
    # the definitions used: the data profile (no detailed table is in the DC files)
    assert dc_measures.attrs["definitions"]["renter_share"] == "data profile"


def test_dc_top_coded_and_unpublished_medians_say_so(dc_measures):
    rent = value(dc_measures, T15, "med_gross_rent")
    assert rent["estimate"] == 3501 and "open top interval (\"3,500+\")" in rent["note"]
    income = value(dc_measures, T901, "med_hh_income")
    assert income["estimate"] == 250001 and "(\"250,000+\")" in income["note"]
    blank = value(dc_measures, T2501, "med_gross_rent")
    assert math.isnan(blank["estimate"]) and blank["note"] == census_tables.BLANK_ESTIMATE_NOTE


def test_dc_same_house_share(dc_measures):
    # DP02_0080 / DP02_0079: 14.01: 2,765 / 3,562 = 0.776249; 95.05: 3,339 / 3,699 = 0.902676;
    # 15: 5,570 / 6,027 = 0.924175
    assert value(dc_measures, T1401, "same_house_1yr_share")["estimate"] == pytest.approx(0.776249, abs=1e-6)
    assert value(dc_measures, T9505, "same_house_1yr_share")["estimate"] == pytest.approx(0.902676, abs=1e-6)
    assert value(dc_measures, T15, "same_house_1yr_share")["estimate"] == pytest.approx(0.924175, abs=1e-6)


def test_dc_race_shares_and_counts(dc_tidy, dc_measures):
    # DP05_0077 / 0078 / 0080 / 0071 over DP05_0070. 14.01: 2,371, 236, 316, 585 of 3,659;
    # 95.05: 425, 2,834, 27, 347 of 3,721
    expected = {T1401: (2371, 236, 316, 585, 3659), T9505: (425, 2834, 27, 347, 3721)}
    for tract, (white, black, asian, hispanic, total) in expected.items():
        for measure, count in (("white_nh_share", white), ("black_nh_share", black), ("asian_nh_share", asian),
                               ("hispanic_share", hispanic)):
            assert value(dc_measures, tract, measure)["estimate"] == pytest.approx(count / total)
    assert value(dc_measures, T9505, "black_nh_share")["estimate"] == pytest.approx(0.761623, abs=1e-6)
    counts = race_counts(dc_tidy).set_index(["area_id", "group"])["count"]
    # other = DP05_0079 + 0081 + 0082 + 0083: 14.01: 9 + 0 + 10 + 132 = 151; the five groups make 3,659
    assert counts[(T1401, "other")] == 151
    assert counts.loc[T1401].to_dict() == {"white": 2371, "black": 236, "asian": 316, "hispanic": 585, "other": 151}
    assert counts.groupby(level="area_id").sum()[T9505] == 3721


def test_dc_rent_burden_long_tenure_poverty_and_degrees(dc_measures):
    # rent burden = (DP04_0141 + DP04_0142) / DP04_0136: 14.01: (109 + 170) / 614 = 0.454397;
    # 95.05: (20 + 177) / 299 = 0.658863
    assert value(dc_measures, T1401, "rent_burden30_share")["estimate"] == pytest.approx(279 / 614)
    assert value(dc_measures, T9505, "rent_burden30_share")["estimate"] == pytest.approx(0.658863, abs=1e-6)
    assert value(dc_measures, T1401, "rent_burden_universe")["estimate"] == 614
    # long tenure = (DP04_0054 + 0055 + 0056) / DP04_0050: 14.01: (261 + 143 + 305) / 1,430 = 0.495804
    tenure = value(dc_measures, T1401, "long_tenure_share")
    assert tenure["estimate"] == pytest.approx(709 / 1430)
    assert "moved in 2009 or earlier" in tenure["note"] and "6 to 9 years" in tenure["note"]
    # poverty = DP03_0128PE / 100 = 0.056; bachelor's or higher = DP02_0068 / DP02_0059 = 2,300 / 2,628
    assert value(dc_measures, T1401, "poverty_share")["estimate"] == pytest.approx(0.056)
    assert value(dc_measures, T1401, "bachelors_share")["estimate"] == pytest.approx(2300 / 2628)
    assert value(dc_measures, T1401, "med_home_value")["estimate"] == 1106700


def test_dc_lists_what_the_profiles_cannot_give(dc_measures):
    missing = dc_measures.attrs["missing"]
    assert "rent_burden50_share" not in set(dc_measures["measure"])
    assert missing["rent_burden50_share"] == (
        "needs B25070_001, B25070_010, B25070_011 (DP04 has no 50%-or-more bin of gross rent as a percentage of "
        "income: its top bin is 35.0 percent or more)")
    assert missing["b19001_001"] == "needs B19001_001"
    assert "same_house_1yr_share" not in missing


def test_measures_from_the_data_census_gov_and_api_layouts_agree_with_the_wide_file(dc_measures):
    api = compute_measures(read_table_file(RECORDED / "dc_acs2019_profile_api.json"), year=2019,
                           names=["renter_share", "owner_hh", "med_hh_income", "poverty_share"])
    for measure in ("renter_share", "owner_hh", "med_hh_income", "poverty_share"):
        for tract in (T1401, T15):
            wide = value(dc_measures, tract, measure)["estimate"]
            assert value(api, tract, measure)["estimate"] == pytest.approx(wide)
    # every cell of the four measures asked for is in that answer
    assert api.attrs["missing"] == {}
    web = compute_measures(read_table_file(RECORDED / "dc_acs2019_dp04_3tracts_datacensusgov.csv"), year=2019,
                           names=["rent_burden30_share", "same_house_1yr_share"])
    assert value(web, T9505, "rent_burden30_share")["estimate"] == pytest.approx(197 / 299)
    assert web.attrs["missing"] == {"same_house_1yr_share": "needs B07003_001, B07003_004 or DP02_0079, DP02_0080"}


# --------------------------------------------------------- rent burden with the Census denominator


def test_rent_burden_divides_by_the_renters_whose_burden_is_computed():
    """Allegheny tract 201, ACS 2020-2024 (recorded/census_tables/README.md): B25070_001 2,273 ± 354,
    B25070_010 577 ± 208, B25070_011 (not computed) 283.

    rent_burden50_share = 577 / (2,273 − 283) = 577 / 1,990 = 0.289950, where the published table has
    577 / 2,273 = 0.2538. Its MOE needs B25070_011's, which is not known here: missing, and the note says why.
    """
    tidy = read_table_file(RECORDED / "allegheny_acs2024_b25070_3tracts_api.json")
    out = compute_measures(tidy, year=2024, names=["rent_burden50_share", "rent_burden_universe",
                                                   "rent_burden30_share"])
    universe = value(out, "42003020100", "rent_burden_universe")
    assert universe["estimate"] == 1990 and math.isnan(universe["moe"])
    severe = value(out, "42003020100", "rent_burden50_share")
    assert severe["estimate"] == pytest.approx(577 / 1990) == pytest.approx(0.289950, abs=1e-6)
    assert math.isnan(severe["moe"])
    assert severe["note"] == "MOE: B25070_011: null: no margin of error published"
    # tracts 305 and 402: 296 / (1,231 − 121) = 0.266667; 164 / (338 − 33) = 0.537705
    assert value(out, "42003030500", "rent_burden50_share")["estimate"] == pytest.approx(296 / 1110)
    assert value(out, "42003040200", "rent_burden50_share")["estimate"] == pytest.approx(0.537705, abs=1e-6)
    # the 30-49.9 percent bins are not in the file
    assert out.attrs["missing"] == {"rent_burden30_share": "needs B25070_001, B25070_007, B25070_008, B25070_009, "
                                                           "B25070_010, B25070_011"}


def test_dc_files_in_full_give_every_tract(tmp_path):
    if not DC_ACS.is_dir():
        pytest.skip("the DC files (shared/data/dc/acs) are not beside the repository")
    tidy = read_table_files(sorted(DC_ACS.glob("ACS_*_DC_Census_Tract.csv")))
    out = compute_measures(tidy, year=2019, names=["renter_share", "med_gross_rent", "med_hh_income"])
    assert out.groupby("measure")["area_id"].nunique().tolist() == [179, 179, 179]
    # PROVENANCE: median gross rent blank for 4 tracts, median household income for 3
    rent = out[out["measure"] == "med_gross_rent"]
    income = out[out["measure"] == "med_hh_income"]
    assert rent["estimate"].isna().sum() == 4 and income["estimate"].isna().sum() == 3
    assert (rent.loc[rent["estimate"].isna(), "note"] == census_tables.BLANK_ESTIMATE_NOTE).all()
    assert np.isnan(out["moe"]).all()
