"""Arrest and firearm-seizure normalisation and aggregation, on the real Pittsburgh files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from indicators.core.config import load_city
from indicators.sources import ckan, policing

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pittsburgh"
ARRESTS_CSV = SHARED / "policing" / "ArrestData_2016-08_to_2017-03.csv"
SEIZURES_CSV = SHARED / "policing" / "Firearm_Seizures_Data.csv"
BY_YEAR_CSV = SHARED / "policing" / "arrests_by_neighborhood_year.csv"
TRACTS_2010 = SHARED / "tracts" / "Allegheny_County_Census_Tracts_2016.geojson"


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data file {path.name} not present")
    return path


@pytest.fixture(scope="module")
def city():
    return load_city("pittsburgh")


@pytest.fixture(scope="module")
def tracts_2010():
    features = json.loads(needs(TRACTS_2010).read_text())["features"]
    return {f["properties"]["GEOID"] for f in features}


@pytest.fixture(scope="module")
def arrests(city, tracts_2010):
    raw = ckan.read_csv(needs(ARRESTS_CSV))
    return policing.normalise_arrests(
        raw, city["policing.arrests.fields"], city["policing.arrests.race_codes"],
        tract_format=city["policing.arrests.tract_format"], state_fips=city.state_fips,
        county_fips=city.county_fips, valid_tracts=tracts_2010)


@pytest.fixture(scope="module")
def race_groups(city):
    return list(dict.fromkeys(city["policing.arrests.race_codes"].values()))


def test_arrests_have_the_normalised_columns_and_types(arrests):
    assert list(arrests.columns) == policing.ARREST_COLUMNS
    assert len(arrests) == 6880
    assert str(arrests["date"].dtype).startswith("datetime64")
    assert arrests["age"].dtype == "float64"
    first = arrests.iloc[0]
    # first data row of the file: PK 1978484, 17, M, B, 2016-11-21T11:00:00, Homewood North, tract 1302
    assert (first["record_id"], first["race"], first["age"], first["sex"]) == ("1978484", "black", 17.0, "M")
    assert first["date"] == pd.Timestamp("2016-11-21 11:00")
    assert first["tract_geoid"] == "42003130200"
    assert first["neighborhood"] == "Homewood North"
    assert arrests.attrs["individual_records"] is True


def test_tract_numbers_map_to_2010_geoids_and_rejects_are_counted(arrests):
    # 239 rows have no INCIDENTTRACT; of the 143 distinct codes, 109 are 2010 tracts once read as
    # tract numbers (1702 -> 170200) and 34 are not (retired 2000 numbers, 5599/6699/7799
    # placeholders): 5,210 rows map, 1,431 are rejected, 5,210 + 1,431 + 239 = 6,880.
    assert arrests.attrs["tract_missing"] == 239
    assert arrests.attrs["tract_rejects"]["rows"] == 1431
    assert len(arrests.attrs["tract_rejects"]["values"]) == 34
    assert arrests["tract_geoid"].notna().sum() == 5210
    assert arrests["tract_geoid"].nunique() == 109
    assert any("1431 records with a tract code" in note for note in arrests.attrs["notes"])


def test_implausible_ages_become_missing_with_a_note(arrests):
    # AGE is blank on 75 rows, 0 on 7 rows, 117 and 999 once each: 75 + 9 = 84 missing ages
    assert arrests["age"].isna().sum() == 84
    assert "9 ages outside 1-100 (0, 117, 999)" in " ".join(arrests.attrs["notes"])


def test_bloomfield_arrests_by_race_match_the_file(arrests, race_groups):
    table = policing.aggregate_arrests(arrests, groups=race_groups)
    bloomfield = table.set_index("neighborhood").loc["Bloomfield"]
    # counted row by row with the csv module: RACE W 57, B 46, U 2, A 2, H 1 -> 108
    assert bloomfield[race_groups].to_dict() == {"black": 46, "white": 57, "hispanic": 1, "asian": 2,
                                                 "native": 0, "other": 0, "unknown": 2}
    assert bloomfield["total"] == 108


def test_aggregates_hold_only_counts_and_the_period(arrests, race_groups):
    table = policing.aggregate_arrests(arrests, groups=race_groups)
    assert list(table.columns) == ["neighborhood", *race_groups, "total", "period_start", "period_end"]
    # 97 distinct neighborhood names; 239 arrests have none: 6,880 - 239 = 6,641 counted
    assert len(table) == 97
    assert table["total"].sum() == 6641
    assert table.attrs["unassigned"] == 239
    assert table["period_start"].iloc[0] == pd.Timestamp("2014-11-16")
    assert table["period_end"].iloc[0] == pd.Timestamp("2017-03-29")


def test_a_period_restricts_the_counted_arrests(arrests, race_groups):
    table = policing.aggregate_arrests(arrests, groups=race_groups, start="2016-08-01", end="2017-03-31")
    # 35 arrests are dated before August 2016 (2014-11 3, 2015 3, 2016-02..07 29)
    assert table.attrs["outside_period"] == 35
    assert table.attrs["records"] == 6845
    assert table["period_start"].iloc[0] == pd.Timestamp("2016-08-01")


def test_tract_aggregate_counts_arrests_in_mapped_tracts(arrests):
    table = policing.aggregate_arrests_by_tract(arrests)
    assert len(table) == 109
    assert table["total"].sum() == 5210
    # tract 1302 (Homewood North): 73 arrests, RACE B 62, W 9, U 2
    row = table.set_index("tract_geoid").loc["42003130200"]
    assert (row["black"], row["white"], row["unknown"], row["total"]) == (62, 9, 2, 73)


def test_groups_that_miss_a_present_race_group_are_refused(arrests):
    with pytest.raises(ValueError, match="not in groups"):
        policing.aggregate_arrests(arrests, groups=["black", "white"])


def test_unmapped_race_code_counts_as_unknown_with_a_note():
    records = pd.DataFrame({"PK": ["1", "2"], "ARRESTTIME": ["2017-01-01T10:00:00", "not a date"],
                            "RACE": ["b", "Z"], "AGE": ["30", ""], "GENDER": ["F", "M"],
                            "INCIDENTTRACT": ["1702", "12A"], "INCIDENTNEIGHBORHOOD": [" South Side Flats ", ""]})
    fields = {"id": "PK", "date": "ARRESTTIME", "race": "RACE", "age": "AGE", "sex": "GENDER",
              "tract": "INCIDENTTRACT", "neighborhood": "INCIDENTNEIGHBORHOOD"}

    out = policing.normalise_arrests(records, fields, {"B": "black"}, tract_format="tract_number",
                                     state_fips="42", county_fips="003")

    assert out["race"].tolist() == ["black", "unknown"]
    assert out["race_code"].tolist() == ["B", "Z"]
    assert out["neighborhood"].tolist()[0] == "South Side Flats"
    assert pd.isna(out["neighborhood"].iloc[1])
    assert out["tract_geoid"].iloc[0] == "42003170200"
    assert out.attrs["tract_rejects"] == {"rows": 1, "values": ["12A"]}
    assert out["lon"].isna().all()
    notes = " ".join(out.attrs["notes"])
    assert "race codes Z" in notes and "1 dates could not be read" in notes


@pytest.mark.parametrize("code, geoid", [
    ("1702", "42003170200"), ("201", "42003020100"), ("1702.01", "42003170201"), ("170201", "42003170201"),
    ("12A", None), ("17020", None), ("", None),
])
def test_tract_numbers_become_geoids(code, geoid):
    geoids, rejected = policing.tract_geoids(pd.Series([code or None], dtype="str"), "tract_number",
                                             state_fips="42", county_fips=["003"])
    assert (geoids.iloc[0] if pd.notna(geoids.iloc[0]) else None) == geoid
    assert bool(rejected.iloc[0]) == (geoid is None and bool(code))


@pytest.mark.parametrize("code, geoid", [
    ("42003111500", "42003111500"), ("42003111500.0", "42003111500"), ("42005111500", None), ("4200311150", None),
])
def test_geoid_tract_codes_must_lie_in_the_city_county(code, geoid):
    geoids, _ = policing.tract_geoids(pd.Series([code], dtype="str"), "geoid", state_fips="42", county_fips="003")
    assert (geoids.iloc[0] if pd.notna(geoids.iloc[0]) else None) == geoid


def test_tract_numbers_need_a_single_county():
    with pytest.raises(ValueError, match="exactly one county"):
        policing.tract_geoids(pd.Series(["1702"], dtype="str"), "tract_number", state_fips="42",
                              county_fips=["003", "005"])


def test_firearm_seizures_take_their_date_from_year_and_month(city, tracts_2010):
    raw = ckan.read_csv(needs(SEIZURES_CSV))
    seizures = policing.normalise_firearm_seizures(
        raw, city["policing.firearm_seizures.fields"], tract_format=city["policing.firearm_seizures.tract_format"],
        state_fips=city.state_fips, county_fips=city.county_fips, valid_tracts=tracts_2010)

    assert list(seizures.columns) == policing.SEIZURE_COLUMNS
    assert len(seizures) == 4125
    # first row: 55 firearms, 2020, month 9, East Liberty, tract 42003111500
    assert seizures.iloc[0][["count", "tract_geoid", "neighborhood"]].tolist() == [55, "42003111500", "East Liberty"]
    assert seizures["date"].iloc[0] == pd.Timestamp("2020-09-01")
    # every one of the 3,565 tract GEOIDs is a 2010 Allegheny tract; 560 rows have none
    assert seizures["tract_geoid"].notna().sum() == 3565
    assert seizures.attrs["tract_rejects"]["rows"] == 0
    assert seizures["count"].sum() == 5251

    table = policing.aggregate_firearm_seizures(seizures)
    east_liberty = table.set_index("neighborhood").loc["East Liberty"]
    # csv module: 69 East Liberty rows, total_count summing to 142
    assert (east_liberty["seizures"], east_liberty["firearms"]) == (69, 142)
    # the file runs from January 2015 to February 2022 (2022: 31 in January, 43 in February)
    assert table["period_start"].iloc[0] == pd.Timestamp("2015-01-01")
    assert table["period_end"].iloc[0] == pd.Timestamp("2022-02-01")
    assert "record_id" not in table.columns


def test_neighborhood_year_aggregate_drops_the_stray_early_years():
    table = policing.read_arrests_by_neighborhood_year(needs(BY_YEAR_CSV))
    # 789 rows, of which 37 are dated 1998-2015 (52 arrests, awk on YEAR < 2016)
    assert len(table) == 789 - 37
    assert table["year"].min() == 2016 and table["year"].max() == 2023
    assert list(table.columns) == ["neighborhood", "year", "arrests"]
    flats = table[table["neighborhood"] == "South Side Flats"].set_index("year")["arrests"]
    assert flats.loc[2017] == 743 and flats.loc[2023] == 365
    assert table.attrs["notes"] == ["dropped 37 rows dated before 2016 (52 arrests)"]


def test_neighborhood_year_file_with_other_columns_is_refused(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("neighborhood,year,count\nBloomfield,2017,1\n")
    with pytest.raises(ValueError, match="missing"):
        policing.read_arrests_by_neighborhood_year(bad)
