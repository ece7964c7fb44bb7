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

from indicators.sources import acs_tables, census
from indicators.sources.acs_measures import (
    PUBLISHED_MEASURES,
    compute_measures,
    distribution_bins,
    fetch_tract_measures,
    long_tenure_measure,
    measure_definitions,
    required_variables,
)

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "recorded" / "acs_measures"
CENSUS_RECORDED = HERE / "recorded" / "census"
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
    # the publisher documents "37 variables from 85 ACS stems"
    assert len(required_variables(PUBLISHED_MEASURES)) == 85


def test_rent_burden_divides_by_all_renter_households_as_published():
    defs = measure_definitions(2024)
    assert defs["rent_burden30_share"].numerator == ("B25070_007", "B25070_008", "B25070_009", "B25070_010")
    assert defs["rent_burden30_share"].denominator == ("B25070_001",)
    assert defs["rent_burden50_share"].numerator == ("B25070_010",)
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
    # hand-made cells: 4 rent-burden bins, one of them not displayable
    note = census.decode_value("-999999999")[1]
    tidy = tidy_of({"B25070_001": (500, 60), "B25070_007": (40, 20), "B25070_008": (np.nan, np.nan, note, note),
                    "B25070_009": (30, 15), "B25070_010": (80, 30)})
    out = compute_measures(tidy, 2024, measures=["rent_burden30_share", "rent_burden50_share"])
    burden30, burden50 = out.iloc[0], out.iloc[1]
    assert math.isnan(burden30["estimate"]) and math.isnan(burden30["moe"])
    assert burden30["note"] == f"B25070_008: {note}"
    # the 50% share does not use that cell: 80 / 500 = 0.16;
    # √(30² − 0.16² × 60²) / 500 = √807.84 / 500 = 0.056845
    assert burden50["estimate"] == pytest.approx(0.16) and burden50["moe"] == pytest.approx(0.056845, abs=1e-6)
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

    # 37 published + same house + long tenure + 17 income cells + 27 rent cells = 83 measures from 138 cells
    assert len(variables) == 138 and out["measure"].nunique() == 83
    assert len(seen) == math.ceil(138 / 24)  # NAME and 24 estimate-MOE pairs per call
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
