"""ACS tract measures from Census API cells: definitions, arithmetic against the published table, special
values, and the fetch through the Census loader (split calls, labels of the release).

HTTP is answered by ``responses`` from ``recorded/acs_measures`` (real cells, see its README) or from
hand-made cells where a test says so.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
import responses

from indicators.sources import acs_tables, census, census_tables
from indicators.sources.acs_measures import (
    NO_PROFILE_DEFINITION,
    PROFILE_LAYOUT_YEAR,
    PROFILE_MEASURES_2019,
    PUBLISHED_MEASURES,
    RACE_CELLS,
    RACE_CELLS_PROFILE_2019,
    compute_measures,
    measure_alternatives,
    profile_definitions,
    race_counts,
    distribution_bins,
    fetch_tract_measures,
    long_tenure_measure,
    measure_definitions,
    required_variables,
)

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded" / "acs_measures"
CENSUS_RECORDED = HERE / "recorded" / "census"
TABLES_RECORDED = HERE / "recorded" / "census_tables"
DC_ACS = HERE.parents[1] / ".." / "shared" / "data" / "dc" / "acs"
PUBLISHED_TRACTS = (HERE.parents[1] / ".." / "shared" / "data" / "pittsburgh" / "acs"
                    / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv")
API_2024 = "https://api.census.gov/data/2024/acs/acs5"
API_2022 = "https://api.census.gov/data/2022/acs/acs5"
KEY = "test-key-0123456789"
TENURE_MEASURES = ["pop", "households", "housing_units", "renter_hh", "owner_hh", "renter_share",
                   "med_hh_income", "med_gross_rent"]


def recorded_table(name: str) -> list[list]:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def serve(table: list[list], requests_seen: list[list[str]] | None = None):
    """A callback answering like the API from a table of cells: the columns asked for, in that order,
    then the geography columns; an unknown column gets the API's 400 answer."""
    header, rows = table[0], table[1:]

    def callback(request):
        query = parse_qs(urlsplit(request.url).query)
        assert query["for"] == ["tract:*"] and query["in"] == ["state:42 county:003"]
        asked = query["get"][0].split(",")
        if requests_seen is not None:
            requests_seen.append(asked)
        unknown = [c for c in asked if c not in header]
        if unknown:
            return 400, {}, f"error: unknown variable '{unknown[0]}'"
        columns = asked + ["state", "county", "tract"]
        positions = [header.index(c) for c in columns]
        body = [columns] + [[row[i] for i in positions] for row in rows]
        return 200, {"Content-Type": "application/json;charset=utf-8"}, json.dumps(body)

    return callback


def value(frame: pd.DataFrame, area: str, measure: str) -> pd.Series:
    match = frame[(frame["area_id"] == area) & (frame["measure"] == measure)]
    assert len(match) == 1, f"expected one row for {area} {measure}, got {len(match)}"
    return match.iloc[0]


def tidy_of(cells: dict[str, tuple], geoid: str = "42003999999") -> pd.DataFrame:
    """A tidy frame for one hand-made area: variable -> (estimate, moe) or (estimate, moe, est_note, moe_note)."""
    rows = []
    for variable, cell in cells.items():
        est, margin, *notes = cell
        notes += [None] * (2 - len(notes))
        rows.append({"GEOID": geoid, "NAME": "hand-made area", "variable": variable, "estimate": float(est),
                     "moe": float(margin), "estimate_note": notes[0], "moe_note": notes[1]})
    return pd.DataFrame(rows)


@pytest.fixture
def tenure_measures(census_session):
    """The tenure measures of the four recorded tracts, fetched through the Census loader."""
    with responses.RequestsMock() as mocked:
        answer = serve(recorded_table("acs5_2024_tenure_tracts_allegheny.json"))
        mocked.add_callback(responses.GET, API_2024, callback=answer)
        frame = fetch_tract_measures(year=2024, state="42", county="003", key=KEY, session=census_session,
                                     measures=TENURE_MEASURES)
    return frame


# ------------------------------------------------------------------------------------ definitions


def test_published_measures_are_the_37_of_the_published_table_with_their_tables():
    names = [m.name for m in PUBLISHED_MEASURES]
    assert names == list(acs_tables.MEASURE_TABLES)
    assert all(m.table == acs_tables.MEASURE_TABLES[m.name] for m in PUBLISHED_MEASURES)
    assert all(v.startswith(m.table + "_") for m in PUBLISHED_MEASURES for v in m.variables)
    # the publisher documents "37 variables from 85 ACS stems"; the rent burden shares, corrected to the Census
    # definition, add B25070_011 (not computed), which they subtract from B25070_001
    assert len(required_variables(PUBLISHED_MEASURES)) == 86


def test_rent_burden_divides_by_the_renters_whose_burden_is_computed():
    # changed from the published definition (over all renter households, B25070_001): the Census Bureau's base
    # leaves out the households whose gross rent as a percentage of income is not computed (B25070_011)
    defs = measure_definitions(2024)
    assert defs["rent_burden30_share"].numerator == ("B25070_007", "B25070_008", "B25070_009", "B25070_010")
    assert defs["rent_burden30_share"].denominator == ("B25070_001",)
    assert defs["rent_burden30_share"].denominator_minus == ("B25070_011",)
    assert defs["rent_burden50_share"].numerator == ("B25070_010",)
    assert defs["rent_burden50_share"].denominator_minus == ("B25070_011",)
    assert defs["rent_burden_universe"].numerator == ("B25070_001",)
    assert defs["rent_burden_universe"].numerator_minus == ("B25070_011",)
    assert defs["under18_share"].numerator == ("B01001_003", "B01001_004", "B01001_005", "B01001_006",
                                               "B01001_027", "B01001_028", "B01001_029", "B01001_030")


def test_distribution_cells_follow_the_layout_of_the_release():
    # B25063 runs to "$3,500 or more" (cell 026) and "No cash rent" (027) from 2015; before, to "$2,000 or more"
    new, old = measure_definitions(2024), measure_definitions(2014)
    assert [n for n in new if n.startswith("b25063_")][-1] == "b25063_027"
    assert [n for n in old if n.startswith("b25063_")][-1] == "b25063_024"
    assert [n for n in new if n.startswith("b19001_")] == [f"b19001_{i:03d}" for i in range(1, 18)]
    rent = distribution_bins("B25063", 2024)
    assert rent["variable"].iloc[[0, -1]].tolist() == ["B25063_003", "B25063_026"]
    assert rent["lower"].iloc[-1] == 3500 and math.isinf(rent["upper"].iloc[-1])
    assert (rent["upper"].iloc[:-1].to_numpy() == rent["lower"].iloc[1:].to_numpy()).all()
    assert distribution_bins("B25063", 2014)["lower"].iloc[-1] == 2000
    assert set(distribution_bins("B19001", 2024)["measure"]) <= set(new)


def test_long_tenure_takes_the_bins_moved_in_ten_years_before_the_survey_end():
    groups = json.loads((CENSUS_RECORDED / "groups_B25038_2022.json").read_text(encoding="utf-8"))
    labels = {name: meta["label"] for name, meta in groups["variables"].items() if name.endswith("E")}
    measure = long_tenure_measure(labels, 2022)
    # 2018-2022 bins "2000 to 2009" (ended 13 years before 2022), "1990 to 1999" and "1989 or earlier":
    # cells 006-008 of owners and 013-015 of renters; "2010 to 2017" (ended 5 years before) is left out
    assert measure.numerator == ("B25038_006", "B25038_007", "B25038_008", "B25038_013", "B25038_014",
                                 "B25038_015")
    assert measure.denominator == ("B25038_001",)
    assert "long_tenure_share" not in measure_definitions(2022)
    assert "long_tenure_share" in measure_definitions(2022, moved_in_labels=labels)


def test_unknown_measure_and_missing_cells_are_refused():
    with pytest.raises(ValueError, match="unknown ACS measures: rent_share"):
        compute_measures(tidy_of({"B25003_001": (10, 2)}), 2024, measures=["rent_share"])
    with pytest.raises(ValueError, match="long_tenure_share needs the B25038 labels"):
        compute_measures(tidy_of({"B25003_001": (10, 2)}), 2024, measures=["long_tenure_share"])
    with pytest.raises(ValueError, match="lacks 1 cells the measures need: B25003_003"):
        compute_measures(tidy_of({"B25003_001": (10, 2)}), 2024, measures=["renter_share"])
    with pytest.raises(ValueError, match="no ACS 5-year tract release ends in 2008"):
        measure_definitions(2008)


# --------------------------------------------------------------------- against the published table


def test_counts_and_renter_share_equal_the_published_table(tenure_measures):
    assert list(tenure_measures.columns) == ["area_id", "measure", "estimate", "moe", "note"]
    tract_201 = "42003020100"
    assert value(tenure_measures, tract_201, "households")[["estimate", "moe"]].tolist() == [2484, 369]
    assert value(tenure_measures, tract_201, "renter_hh")[["estimate", "moe"]].tolist() == [2273, 354]
    share = value(tenure_measures, tract_201, "renter_share")
    # 2,273 / 2,484 = 0.915056 (published 0.9151);
    # √(354² − 0.915056² × 369²) / 2,484 = √(125,316 − 114,011.6) / 2,484 = 106.32 / 2,484 = 0.0428
    # (published 0.0428)
    assert round(share["estimate"], 4) == 0.9151 and round(share["moe"], 4) == 0.0428
    assert share["note"] is None


def test_renter_share_moe_falls_back_to_the_ratio_formula_as_published(tenure_measures):
    share = value(tenure_measures, "42003070600", "renter_share")
    # 755 ± 132 renters of 1,239 ± 241: p = 0.609362; 132² − p² × 241² = 17,424 − 21,567.0 < 0, so
    # √(17,424 + 21,567.0) / 1,239 = 197.46 / 1,239 = 0.1594 (published 0.1594)
    assert round(share["estimate"], 4) == 0.6094 and round(share["moe"], 4) == 0.1594
    small = value(tenure_measures, "42003421200", "renter_share")
    # 35 ± 31 of 1,644 ± 219: p = 0.021290; √(961 − 0.021290² × 47,961) / 1,644 = √939.26 / 1,644 = 0.0186
    assert round(small["estimate"], 4) == 0.0213 and round(small["moe"], 4) == 0.0186


def test_every_recorded_tract_matches_the_published_file(tenure_measures):
    if not PUBLISHED_TRACTS.exists():
        pytest.skip("the published ACS tract table is not beside the repository")
    published = acs_tables.read_measure_table(PUBLISHED_TRACTS)
    merged = tenure_measures.merge(published, on=["area_id", "measure"], suffixes=("", "_published"))
    assert len(merged) == 4 * len(TENURE_MEASURES)
    shares = merged["measure"] == "renter_share"
    # shares are published to 4 decimals, counts and dollars to whole numbers
    tolerance = np.where(shares, 0.00005 + 1e-12, 0.5)
    for column in ("estimate", "moe"):
        both = merged[column].notna() | merged[f"{column}_published"].notna()
        diff = (merged[column] - merged[f"{column}_published"]).abs()
        assert (diff[both] <= tolerance[both]).all(), merged.loc[both & ~(diff <= tolerance), :]


# ----------------------------------------------------------------------------------- special values


def test_tract_without_households_has_no_shares_and_no_medians_with_reasons(tenure_measures):
    tract = "42003010301"
    households = value(tenure_measures, tract, "households")
    assert households["estimate"] == 0 and households["moe"] == 12 and households["note"] is None
    share = value(tenure_measures, tract, "renter_share")
    assert math.isnan(share["estimate"]) and math.isnan(share["moe"])
    assert share["note"] == "no share: the denominator (B25003_001) is 0 in this area"
    income = value(tenure_measures, tract, "med_hh_income")
    assert math.isnan(income["estimate"]) and math.isnan(income["moe"])
    assert income["note"].startswith("-666666666: estimate could not be computed")


def test_top_coded_rent_keeps_its_bound_and_says_why_it_has_no_moe(tenure_measures):
    rent = value(tenure_measures, "42003421200", "med_gross_rent")
    assert rent["estimate"] == 3501 and math.isnan(rent["moe"])
    assert rent["note"].startswith("MOE: -333333333: margin of error could not be computed")


def test_controlled_estimate_gets_a_zero_moe_with_its_reason():
    # Allegheny County's population 2020-2024, whose MOE the API writes -555555555 (recorded for the census tests)
    tidy = census.read_api_file(CENSUS_RECORDED / "acs5_2024_b01003_county_allegheny.json")
    pop = compute_measures(tidy, 2024, measures=["pop"]).iloc[0]
    assert pop["area_id"] == "42003" and pop["estimate"] == 1238177 and pop["moe"] == 0
    assert pop["note"].startswith("MOE: -555555555: estimate is controlled")


def test_special_value_in_a_numerator_cell_makes_the_share_missing_and_names_the_cell():
    # hand-made cells: 4 rent-burden bins, one of them not displayable, and the "not computed" cell
    note = census.decode_value("-999999999")[1]
    tidy = tidy_of({"B25070_001": (500, 60), "B25070_007": (40, 20), "B25070_008": (np.nan, np.nan, note, note),
                    "B25070_009": (30, 15), "B25070_010": (80, 30), "B25070_011": (20, 10)})
    out = compute_measures(tidy, 2024, measures=["rent_burden30_share", "rent_burden50_share"])
    burden30, burden50 = out.iloc[0], out.iloc[1]
    assert math.isnan(burden30["estimate"]) and math.isnan(burden30["moe"])
    assert burden30["note"] == f"B25070_008: {note}"
    # the 50% share does not use that cell: 80 / (500 − 20) = 0.166667; the base's MOE √(60² + 10²) = 60.8276;
    # √(30² − 0.166667² × 3,700) / 480 = √797.2222 / 480 = 0.058824
    assert burden50["estimate"] == pytest.approx(80 / 480)
    assert burden50["moe"] == pytest.approx(math.sqrt(900 - (80 / 480) ** 2 * 3700) / 480)
    assert burden50["moe"] == pytest.approx(0.058824, abs=1e-6)
    assert burden50["note"] is None


def test_share_above_one_is_clipped_but_its_moe_is_not():
    # hand-made cells where sampling put more renters than households (possible for separate estimates)
    tidy = tidy_of({"B25003_001": (20, 15), "B25003_003": (22, 16)})
    share = compute_measures(tidy, 2024, measures=["renter_share"]).iloc[0]
    # p = 1.1: 16² − 1.21 × 15² = 256 − 272.25 < 0, so the ratio formula: √(256 + 272.25) / 20 = 1.14904
    assert share["estimate"] == 1.0
    assert share["moe"] == pytest.approx(math.sqrt(256 + 272.25) / 20)


# ------------------------------------------------------------------------ the whole fetch, all measures


def test_all_measures_are_fetched_in_calls_of_at_most_fifty_columns(census_session):
    groups = (CENSUS_RECORDED / "groups_B25038_2022.json").read_text(encoding="utf-8")
    labels = {n: m["label"] for n, m in json.loads(groups)["variables"].items() if n.endswith("E")}
    variables = required_variables(measure_definitions(2022, moved_in_labels=labels).values())
    # hand-made cells for one made-up tract, to check the mechanics and the arithmetic of the definitions:
    # every table total (cell 001) 2,000 ± 50, every other cell 100 ± 10
    header = ["NAME"] + [f"{v}{k}" for v in variables for k in "EM"] + ["state", "county", "tract"]
    row = ["Hand-made tract (test values)"]
    for v in variables:
        row += ["2000", "50"] if v.endswith("_001") else ["100", "10"]
    row += ["42", "003", "999999"]
    seen: list[list[str]] = []
    with responses.RequestsMock() as mocked:
        mocked.get(f"{API_2022}/groups/B25038.json", body=groups, content_type="application/json")
        mocked.add_callback(responses.GET, API_2022, callback=serve([header, row], seen))
        out = fetch_tract_measures(year=2022, state="42", county="003", key=KEY, session=census_session)

    # 37 published + same house + rent burden universe + long tenure + 17 income cells + 27 rent cells = 84
    # measures from 139 cells (B25070_011 for the rent burden base)
    assert len(variables) == 139 and out["measure"].nunique() == 85  # pop_1yr_over, the universe of same_house_1yr_share, added
    assert len(seen) == math.ceil(139 / 24)  # NAME and 24 estimate-MOE pairs per call
    assert all(len(get) <= census.MAX_GET_VARIABLES and get[0] == "NAME" for get in seen)
    asked = [c for get in seen for c in get[1:]]
    assert sorted(asked) == sorted(f"{v}{k}" for v in variables for k in "EM")
    assert all(f"{c[:-1]}M" in get for get in seen for c in get if c.endswith("E") and c != "NAME")

    tract = "42003999999"
    assert value(out, tract, "pop")[["estimate", "moe"]].tolist() == [2000, 50]
    under18 = value(out, tract, "under18_share")
    # 8 cells: 800 / 2,000 = 0.4; MOE of the sum √(8 × 10²) = 28.28; √(800 − 0.4² × 50²) / 2,000 = √400 / 2,000 = 0.01
    assert under18["estimate"] == pytest.approx(0.4) and under18["moe"] == pytest.approx(0.01)
    long_tenure = value(out, tract, "long_tenure_share")
    # 6 bins: 600 / 2,000 = 0.3; √(600 − 0.09 × 2,500) / 2,000 = √375 / 2,000 = 0.0096825
    assert long_tenure["estimate"] == pytest.approx(0.3)
    assert long_tenure["moe"] == pytest.approx(0.0096825, abs=1e-7)
    assert value(out, tract, "same_house_1yr_share")["estimate"] == pytest.approx(0.05)
    assert value(out, tract, "b25063_027")[["estimate", "moe"]].tolist() == [100, 10]
    assert out["note"].isna().all()


# ------------------------------------------------------------------- data-profile definitions (2019)

#: the 2015-2019 profile cells of each measure, as checked against the 2019 ACS 5-year profile labels
#: (api.census.gov/data/2019/acs/acs5/profile variables) and the sums of the DC files below
PROFILE_2019 = {
    "pop": (("DP05_0001",), ()),                                     # SEX AND AGE!!Total population
    "households": (("DP02_0001",), ()),                              # HOUSEHOLDS BY TYPE!!Total households
    "owner_hh": (("DP04_0046",), ()),                                # HOUSING TENURE!!...!!Owner-occupied
    "renter_hh": (("DP04_0047",), ()),                               # HOUSING TENURE!!...!!Renter-occupied
    "renter_share": (("DP04_0047",), ("DP04_0045",)),                # over HOUSING TENURE!!Occupied housing units
    "same_house_1yr_share": (("DP02_0080",), ("DP02_0079",)),        # RESIDENCE 1 YEAR AGO: Same house / Pop. 1+
    "pop_1yr_over": (("DP02_0079",), ()),                               # RESIDENCE 1 YEAR AGO: Population 1 year and over
    "long_tenure_share": (("DP04_0054", "DP04_0055", "DP04_0056"), ("DP04_0050",)),  # 2000-09, 1990-99, 1989-
    "med_gross_rent": (("DP04_0134",), ()),                          # GROSS RENT!!...!!Median (dollars)
    "med_hh_income": (("DP03_0062",), ()),                           # Median household income (dollars)
    "poverty_share": (("DP03_0128P",), ()),                          # below the poverty level!!All people (PE)
    "white_nh_share": (("DP05_0077",), ("DP05_0070",)),              # Not Hispanic!!White alone
    "black_nh_share": (("DP05_0078",), ("DP05_0070",)),              # Not Hispanic!!Black or African American alone
    "asian_nh_share": (("DP05_0080",), ("DP05_0070",)),              # Not Hispanic!!Asian alone
    "hispanic_share": (("DP05_0071",), ("DP05_0070",)),              # Hispanic or Latino (of any race)
    "med_home_value": (("DP04_0089",), ()),                          # VALUE!!Owner-occupied units!!Median (dollars)
    "bachelors_share": (("DP02_0068",), ("DP02_0059",)),             # Bachelor's degree or higher / Pop. 25+
    "rent_burden_universe": (("DP04_0136",), ()),                    # GRAPI: units paying rent (excl. not computed)
    "rent_burden30_share": (("DP04_0141", "DP04_0142"), ("DP04_0136",)),  # 30.0-34.9 and 35.0 percent or more
    "housing_units": (("DP04_0001",), ()),                           # HOUSING OCCUPANCY!!Total housing units
    "vacancy_share": (("DP04_0003",), ("DP04_0001",)),               # ...!!Vacant housing units
}


def test_profile_definitions_are_the_checked_2019_cells():
    defs = profile_definitions(2019)
    assert {n: (m.numerator, m.denominator) for n, m in defs.items()} == PROFILE_2019
    assert PROFILE_LAYOUT_YEAR == 2019 and len(PROFILE_MEASURES_2019) == len(PROFILE_2019)
    # every profile measure keeps the name the metrics use for its detailed-table twin
    detailed = measure_definitions(2019)
    assert all(n in detailed or n == "long_tenure_share" for n in defs)
    assert all(defs[n].kind == detailed[n].kind for n in defs if n in detailed and n != "poverty_share")
    assert defs["poverty_share"].kind == "percent"
    # profile cells are renumbered between releases: no profile definition for other years
    assert profile_definitions(2018) == {} and profile_definitions(2024) == {}


def test_severe_rent_burden_has_no_profile_definition():
    assert "rent_burden50_share" not in profile_definitions(2019)
    assert "35.0 percent or more" in NO_PROFILE_DEFINITION["rent_burden50_share"]
    assert [m.source for m in measure_alternatives(2019)["rent_burden50_share"]] == ["detailed tables"]


def test_detailed_tables_come_first_and_the_profile_second():
    alternatives = measure_alternatives(2019)
    assert [m.table for m in alternatives["renter_share"]] == ["B25003", "DP04"]
    assert [m.table for m in alternatives["same_house_1yr_share"]] == ["B07003", "DP02"]
    # without the B25038 labels, long tenure has only its profile definition, with the approximation named
    (tenure,) = alternatives["long_tenure_share"]
    assert tenure.table == "DP04" and "moved in 2009 or earlier" in tenure.caveat
    assert [m.table for m in measure_alternatives(2024)["renter_share"]] == ["B25003"]


def test_race_count_cells():
    assert RACE_CELLS == {"white": ("B03002_003",), "black": ("B03002_004",), "asian": ("B03002_006",),
                          "hispanic": ("B03002_012",),
                          "other": ("B03002_005", "B03002_007", "B03002_008", "B03002_009")}
    assert RACE_CELLS_PROFILE_2019 == {"white": ("DP05_0077",), "black": ("DP05_0078",), "asian": ("DP05_0080",),
                                       "hispanic": ("DP05_0071",),
                                       "other": ("DP05_0079", "DP05_0081", "DP05_0082", "DP05_0083")}


def test_profile_cells_add_up_in_every_dc_tract():
    """The DC files (ACS 2015-2019, 179 tracts) confirm which cell is the total of which: every sum holds exactly."""
    if not DC_ACS.is_dir():
        pytest.skip("the DC files (shared/data/dc/acs) are not beside the repository")
    tidy = census_tables.read_table_files(sorted(DC_ACS.glob("ACS_*_DC_Census_Tract.csv")))
    wide = tidy.pivot(index="GEOID", columns="variable", values="estimate")
    assert len(wide) == 179

    def total(*cells):
        return wide[[f"DP0{c}" for c in cells]].sum(axis=1)

    checks = {
        "owner + renter = occupied (tenure)": (total("4_0046", "4_0047"), wide["DP04_0045"]),
        "occupied (tenure) = occupied (occupancy)": (wide["DP04_0045"], wide["DP04_0002"]),
        "moved-in bins = their total": (total(*(f"4_{i:04d}" for i in range(51, 57))), wide["DP04_0050"]),
        "GRAPI bins = units paying rent, computed": (total(*(f"4_{i:04d}" for i in range(137, 143))),
                                                     wide["DP04_0136"]),
        "computed + not computed = renters": (total("4_0136", "4_0143"), wide["DP04_0047"]),
        "value bins = owner-occupied units": (total(*(f"4_{i:04d}" for i in range(81, 89))), wide["DP04_0046"]),
        "gross rent bins = units paying rent": (total(*(f"4_{i:04d}" for i in range(127, 134))), wide["DP04_0126"]),
        "paying rent + no rent paid = renters": (total("4_0126", "4_0135"), wide["DP04_0047"]),
        "same house + different house + abroad = pop 1+": (total("2_0080", "2_0081", "2_0086"), wide["DP02_0079"]),
        "bachelor's + graduate = bachelor's or higher": (total("2_0065", "2_0066"), wide["DP02_0068"]),
        "attainment bins = pop 25+": (total(*(f"2_{i:04d}" for i in range(60, 67))), wide["DP02_0059"]),
        "households (DP02) = occupied units (DP04)": (wide["DP02_0001"], wide["DP04_0045"]),
        "Hispanic + not Hispanic = total": (total("5_0071", "5_0076"), wide["DP05_0070"]),
        "total (Hispanic origin) = total population": (wide["DP05_0070"], wide["DP05_0001"]),
        "not Hispanic by race = not Hispanic": (total(*(f"5_{i:04d}" for i in range(77, 84))), wide["DP05_0076"]),
        "occupied + vacant = housing units": (total("4_0002", "4_0003"), wide["DP04_0001"]),
    }
    for name, (left, right) in checks.items():
        assert (left == right).all(), name
    # the five race groups of race_counts add up to the population in every tract
    counts = race_counts(tidy)
    assert (counts.groupby("area_id")["count"].sum() == wide["DP05_0001"]).all()


def test_compute_measures_needs_the_year_and_leaves_out_what_it_cannot_compute():
    tidy = census_tables.read_table_file(TABLES_RECORDED / "dc_acs2019_dp04_5tracts_wide.csv")
    with pytest.raises(TypeError, match="year=2019"):
        compute_measures(tidy)
    out = compute_measures(tidy, year=2019, names=["renter_share", "same_house_1yr_share"])
    assert set(out["measure"]) == {"renter_share"}
    assert out.attrs["missing"] == {"same_house_1yr_share": "needs B07003_001, B07003_004 or DP02_0079, DP02_0080"}
    assert out.attrs["definitions"] == {"renter_share": "data profile"}
    # the older keyword is strict, as fetch_tract_measures needs
    with pytest.raises(ValueError, match="lacks 2 cells the measures need: B07003_001, B07003_004"):
        compute_measures(tidy, 2019, measures=["same_house_1yr_share"])
    # another release: the 2019 profile cells mean something else there, so nothing is computed from them
    other = compute_measures(tidy, year=2018, names=["renter_share"])
    assert other.empty and other.attrs["missing"] == {"renter_share": "needs B25003_001, B25003_003"}


def test_detailed_cells_are_preferred_when_both_are_there():
    # the recorded Allegheny detailed-table cells (2020-2024) and the DC profile cells (2015-2019) in one frame,
    # read as 2019 to offer both definitions: renter_share is taken from B25003 for every area, so the DC
    # tracts, which have no B25003 cells, get no value and a reason
    allegheny = census.parse_api_response(recorded_table("acs5_2024_tenure_tracts_allegheny.json"))
    dc_file = TABLES_RECORDED / "dc_acs2019_dp04_5tracts_wide.csv"
    dc = census_tables.to_census_tidy(census_tables.read_table_file(dc_file))
    out = compute_measures(pd.concat([allegheny, dc], ignore_index=True), year=2019, names=["renter_share"])
    assert out.attrs["definitions"] == {"renter_share": "detailed tables"}
    assert value(out, "42003020100", "renter_share")["estimate"] == pytest.approx(2273 / 2484)
    dc_row = value(out, "11001001401", "renter_share")
    assert math.isnan(dc_row["estimate"]) and dc_row["note"].startswith("B25003_003: the input has no value")


def test_long_tenure_from_the_profile_says_what_it_approximates():
    tidy = census_tables.read_table_file(TABLES_RECORDED / "dc_acs2019_dp04_5tracts_wide.csv")
    out = compute_measures(tidy, year=2019, names=["long_tenure_share"])
    # tract 15: (DP04_0054 + 0055 + 0056) / DP04_0050 = (542 + 325 + 533) / 2,084 = 1,400 / 2,084 = 0.671785
    row = value(out, "11001001500", "long_tenure_share")
    assert row["estimate"] == pytest.approx(1400 / 2084) == pytest.approx(0.671785, abs=1e-6)
    assert row["note"].startswith("no margin of error published; moved in 2009 or earlier")
    # with the 2019 B25038 labels the detailed definition would be used; without them and in another
    # release, long tenure is listed as missing with what it needs
    missing = compute_measures(tidy, year=2024).attrs["missing"]
    assert missing["long_tenure_share"] == "needs the B25038 cells with that release's bin labels (moved_in_labels)"


def test_a_zero_estimate_sum_keeps_only_the_largest_zero_moe():
    # Allegheny tract 103.01 (2020-2024) has no households: owner and renter households are each 0 ± 12, and the
    # published total (B25003_001) is 0 ± 12. Summing the two cells as one count gives the published MOE with
    # the zero-estimate rule (√(12² + 12²) = 16.97 without it)
    tidy = census.parse_api_response(recorded_table("acs5_2024_tenure_tracts_allegheny.json"))
    tenure = tidy[tidy["variable"].isin(["B25003_002", "B25003_003"]) & (tidy["GEOID"] == "42003010301")]
    assert tenure[["estimate", "moe"]].to_numpy().tolist() == [[0, 12], [0, 12]]
    from indicators.sources import acs_measures

    both = acs_measures.Measure("occupied", "count", ("B25003_002", "B25003_003"))
    out = acs_measures._compute(acs_measures._standard_tidy(tidy), {"occupied": both}, 2024)
    assert value(out, "42003010301", "occupied")[["estimate", "moe"]].tolist() == [0, 12]
    # tract 201: 211 ± 112 owners + 2,273 ± 354 renters: √(112² + 354²) = 371.29 (published total 2,484 ± 369)
    assert value(out, "42003020100", "occupied")["moe"] == pytest.approx(math.hypot(112, 354))
