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


# --- Washington, DC: arrests placed by coordinates, stops by district, districts from service areas ---

DC_RECORDED = Path(__file__).parent / "recorded" / "dc"
DC_ARRESTS = DC_RECORDED / "2024AdultArrests_OpenData_extract.xlsx"
DC_STOPS = DC_RECORDED / "Stop_Data_2023_extract.csv.gz"
DC_TRACTS = DC_RECORDED / "tracts_2010_extract.geojson"
DC_PSA = DC_RECORDED / "police_service_areas_extract.geojson"
# the field maps and codes a city config would pass ([policing.arrests.fields] ...)
DC_ARREST_FIELDS = {"id": "Arrest Number#", "date": "Arrest Date", "race": "Defendant Race",
                    "ethnicity": "Defendant Ethnicity", "age": "Age", "sex": "Defendant Sex",
                    "latitude": "Arrest Latitude", "longitude": "Arrest Longitude"}
DC_ARREST_RACES = {"BLACK": "black", "WHITE": "white", "ASIAN": "asian", "MULTIPLE": "multiple", "OTHER": "other",
                   "UNKNOWN": "unknown"}
DC_STOP_FIELDS = {"district": "STOP_DISTRICT", "race": "ETHNICITY", "date": "DATETIME",
                  "search": "PERSON_SEARCH_PAT_DOWN", "search_property": "PROPERTY_SEARCH_PAT_DOWN",
                  "arrest": "ARREST_DATE"}
DC_STOP_GROUPS = {"Black": "black", "White": "white", "Hispanic/Latino": "hispanic", "Asian": "asian",
                  "American Indian/Alaska Native": "native", "Native Hawaiian/Pacific Islander": "pacific",
                  "Multiple": "multiple", "Other": "other", "Unknown": "unknown"}
TRACT_A, TRACT_B = "11001003302", "11001003301"


@pytest.fixture(scope="module")
def dc_raw(shared_data):
    folder = shared_data / "dc"
    if not folder.is_dir():
        pytest.skip("the real data folder shared/data/dc is not here")
    return folder


@pytest.fixture(scope="module")
def dc_tracts():
    from indicators.sources import boundaries

    return boundaries.read_boundaries(DC_TRACTS, name_field="GEOID")


def dc_arrests(**options):
    return policing.normalise_arrests(policing.read_records(DC_ARRESTS, sheet="Adult Arrests"), DC_ARREST_FIELDS,
                                      DC_ARREST_RACES, **options)


def test_an_excel_sheet_reads_as_text_like_a_csv_export():
    records = policing.read_records(DC_ARRESTS, sheet="Adult Arrests")
    assert records.shape == (13, 26)
    assert records.attrs["individual_records"] is True
    first = records.iloc[0]
    # sheet row 78: a date cell 2024-01-02 00:00, whole numbers 31 and 203, block coordinates 38.914, -77.01
    assert first[["Arrest Date", "Age", "Defendant PSA", "Arrest Latitude", "Arrest Longitude"]].tolist() == \
        ["2024-01-02", "31", "203", "38.914", "-77.01"]
    # sheet row 152 has no arrest coordinates: empty cells are blank text
    assert records.iloc[2][["Arrest Latitude", "Arrest Longitude"]].tolist() == ["", ""]
    assert records.equals(policing.read_records(DC_ARRESTS))  # the only sheet is read without naming it
    with pytest.raises(policing.RecordsError, match=r"no sheet 'Arrests'; the workbook has 'Adult Arrests'"):
        policing.read_records(DC_ARRESTS, sheet="Arrests")


def test_gzipped_and_plain_csv_records_read_alike(tmp_path):
    import gzip

    records = policing.read_records(DC_STOPS)
    assert records.shape == (10, 72)
    # the UTF-8 byte-order mark is not part of the first column's name
    assert records.columns[0] == "CCN_ANONYMIZED"
    assert records["STOP_DISTRICT"].tolist() == ["6D", "1D", "1D", "1D", "NA", "1D", "1D", "6D", "1D", "4D"]
    assert records.attrs["individual_records"] is True
    plain = tmp_path / "Stop_Data_2023.csv"
    plain.write_bytes(gzip.decompress(DC_STOPS.read_bytes()))
    pd.testing.assert_frame_equal(policing.read_records(plain), records)


def test_unreadable_record_files_are_refused(tmp_path):
    cut = tmp_path / "stops.csv.gz"
    cut.write_bytes(DC_STOPS.read_bytes()[:-40])
    with pytest.raises(policing.RecordsError, match="stops.csv.gz: cannot be decompressed: it is cut off"):
        policing.read_records(cut)
    fake = tmp_path / "arrests.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(policing.RecordsError, match="arrests.xlsx: not an Excel workbook"):
        policing.read_records(fake)
    latin = tmp_path / "arrests.csv"
    latin.write_bytes("Race,Quartier\nB,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(policing.RecordsError, match="arrests.csv: not UTF-8"):
        policing.read_records(latin)
    with pytest.raises(policing.RecordsError, match="is not an Excel workbook"):
        policing.read_records(latin, sheet="Sheet1")


def test_arrests_with_coordinates_and_no_tract_field():
    arrests = dc_arrests(tract_format="geoid", state_fips="11", county_fips=["001"])
    assert list(arrests.columns) == policing.ARREST_COLUMNS
    assert arrests["tract_geoid"].isna().all()
    assert "tract_rejects" not in arrests.attrs
    # Defendant Race of the 13 rows: BLACK 7, WHITE 3, UNKNOWN 2, OTHER 1
    assert arrests["race"].value_counts().to_dict() == {"black": 7, "white": 3, "unknown": 2, "other": 1}
    assert arrests["lon"].notna().sum() == 12
    assert arrests.iloc[0][["date", "age", "sex", "ethnicity"]].tolist() == \
        [pd.Timestamp("2024-01-02"), 31.0, "MALE", "NOT HISPANIC"]


def test_hispanic_ethnicity_makes_the_group_when_the_config_says_so():
    arrests = dc_arrests(hispanic_values=["Hispanic"])
    # Defendant Ethnicity HISPANIC on sheet rows 89 (WHITE), 1366 (UNKNOWN), 8454 (WHITE), 19841 (OTHER)
    assert arrests["race"].value_counts().to_dict() == {"black": 7, "hispanic": 4, "white": 1, "unknown": 1}
    assert arrests.loc[arrests["race"] == "hispanic", "race_code"].tolist() == ["WHITE", "UNKNOWN", "WHITE", "OTHER"]
    assert "4 records whose ethnicity is HISPANIC count as 'hispanic'" in " ".join(arrests.attrs["notes"])
    with pytest.raises(KeyError, match="hispanic_values need an 'ethnicity' entry"):
        policing.normalise_arrests(policing.read_records(DC_ARRESTS),
                                   {k: v for k, v in DC_ARREST_FIELDS.items() if k != "ethnicity"},
                                   DC_ARREST_RACES, hispanic_values=["HISPANIC"])


def test_records_that_cannot_be_placed_are_refused():
    fields = {k: v for k, v in DC_ARREST_FIELDS.items() if k not in ("latitude", "longitude")}
    with pytest.raises(KeyError, match="places records by none of 'tract', 'neighborhood' or coordinates"):
        policing.normalise_arrests(policing.read_records(DC_ARRESTS), fields, DC_ARREST_RACES)
    with pytest.raises(ValueError, match="needs tract_format, state_fips and county_fips"):
        policing.normalise_arrests(policing.read_records(DC_ARRESTS), {**fields, "tract": "Arrest Location PSA"},
                                   DC_ARREST_RACES)


def test_arrests_are_placed_in_tracts_by_their_coordinates(dc_tracts):
    arrests = dc_arrests()
    placed = policing.place_points(arrests, lon="lon", lat="lat", areas=dc_tracts, id_field="area_id", name="tracts")
    # checked with shapely against the two tract polygons: 8 records in 003302, 3 in 003301; sheet row 152 has no
    # coordinates, row 89 (-67.411, 40.717) lies far outside
    assert placed.value_counts().to_dict() == {TRACT_A: 8, TRACT_B: 3}
    assert pd.isna(placed.iloc[1]) and pd.isna(placed.iloc[2])
    assert (placed.attrs["placed"], placed.attrs["no_coordinates"], placed.attrs["outside"]) == (11, 1, 1)
    assert placed.attrs["notes"][0] == \
        "tracts: 1 record has no coordinates; 1 lies outside the tracts (11 of 13 placed)"
    assert "rounded to 3 decimal places (steps of about 111 m" in placed.attrs["notes"][1]
    assert "neighbouring area" in placed.attrs["notes"][1]
    assert arrests.attrs["notes"][-2:] == placed.attrs["notes"]

    arrests["tract_geoid"] = placed
    groups = list(dict.fromkeys(DC_ARREST_RACES.values()))
    table = policing.aggregate_arrests(arrests, by=("tract_geoid",), groups=groups)
    rows = table.set_index("tract_geoid")
    # 003302: BLACK 5 (rows 78, 1818, 5315, 8206, 12064), WHITE 1 (8454), OTHER 1 (19841), UNKNOWN 1 (8841)
    assert rows.loc[TRACT_A, ["black", "white", "other", "unknown", "total"]].tolist() == [5, 1, 1, 1, 8]
    # 003301: BLACK 1 (1070), WHITE 1 (1930), UNKNOWN 1 (1366)
    assert rows.loc[TRACT_B, ["black", "white", "unknown", "total"]].tolist() == [1, 1, 1, 3]
    assert table.attrs["unassigned"] == 2


def test_placed_arrests_with_hispanic_ethnicity_by_tract(dc_tracts):
    arrests = dc_arrests(hispanic_values=["HISPANIC"])
    arrests["tract_geoid"] = policing.place_points(arrests, lon="lon", lat="lat", areas=dc_tracts,
                                                   id_field="area_id", name="tracts")
    table = policing.aggregate_arrests(arrests, by=("tract_geoid",), groups=["black", "white", "hispanic", "unknown"])
    rows = table.set_index("tract_geoid")
    # 003302: the WHITE and OTHER records are both HISPANIC -> black 5, hispanic 2, unknown 1
    assert rows.loc[TRACT_A, ["black", "white", "hispanic", "unknown"]].tolist() == [5, 0, 2, 1]
    assert rows.loc[TRACT_B, ["black", "white", "hispanic", "unknown"]].tolist() == [1, 1, 1, 0]


def test_stops_are_counted_by_district_and_group_in_local_time():
    stops = policing.aggregate_stops(policing.read_records(DC_STOPS), DC_STOP_FIELDS, DC_STOP_GROUPS,
                                     timezone="America/New_York")
    assert list(stops.columns) == policing.STOP_COLUMNS
    # every group of the codes for each district with a dated stop: 1D, 4D, 6D
    assert sorted(stops["district"].unique()) == ["1D", "4D", "6D"]
    assert len(stops) == 3 * 9
    rows = stops.set_index(["district", "group"])
    # 1D Black: lines 40 (arrest), 82, 545 (person and property search, arrest)
    assert rows.loc[("1D", "black"), ["stops", "searches", "arrests"]].tolist() == [3, 1, 2]
    # 1D White: lines 71 (person search) and 5385 (property search only)
    assert rows.loc[("1D", "white"), ["stops", "searches", "arrests"]].tolist() == [2, 2, 0]
    assert rows.loc[("1D", "hispanic"), ["stops", "searches", "arrests"]].tolist() == [1, 0, 1]
    assert rows.loc[("6D", "other"), "stops"] == 1 and rows.loc[("4D", "black"), "stops"] == 1
    assert rows.loc[("1D", "asian"), "stops"] == 0
    # line 97 has district NA, line 590 no DATETIME: 10 stops, 9 dated, 8 counted
    assert stops["stops"].sum() == 8
    assert (stops.attrs["records"], stops.attrs["unassigned"], stops.attrs["undated"]) == (9, 1, 1)
    # 2023/01/01 05:20 UTC is 00:20 on 1 January in Washington; 2023/07/01 03:25 UTC is 23:25 on 30 June
    assert stops["period_start"].iloc[0] == pd.Timestamp("2023-01-01")
    assert stops["period_end"].iloc[0] == pd.Timestamp("2023-06-30")
    assert "individual_records" not in stops.attrs
    assert not {"DATETIME", "STOP_LOCATION_BLOCK", "CCN_ANONYMIZED"} & set(stops.columns)


def test_stops_without_a_time_zone_or_with_one_search_column():
    records = policing.read_records(DC_STOPS)
    fields = {k: v for k, v in DC_STOP_FIELDS.items() if k != "search_property"}
    stops = policing.aggregate_stops(records, fields, DC_STOP_GROUPS)
    rows = stops.set_index(["district", "group"])
    # the person-search flag alone: line 5385 (property search only) is no longer a search
    assert rows.loc[("1D", "white"), "searches"] == 1
    assert stops["period_end"].iloc[0] == pd.Timestamp("2023-07-01")
    assert "stops: times carry a UTC offset and are counted by their UTC date" in " ".join(stops.attrs["notes"])
    listed = policing.aggregate_stops(records, {**fields, "search": ["PERSON_SEARCH_PAT_DOWN",
                                                                     "PROPERTY_SEARCH_PAT_DOWN"]}, DC_STOP_GROUPS)
    assert listed.set_index(["district", "group"]).loc[("1D", "white"), "searches"] == 2
    with pytest.raises(KeyError, match="no 'arrest' entry"):
        policing.aggregate_stops(records, {k: v for k, v in fields.items() if k != "arrest"}, DC_STOP_GROUPS)


def test_service_areas_dissolve_into_districts():
    import geopandas as gpd
    from indicators.sources import boundaries

    psa = boundaries.read_boundaries(DC_PSA, name_field="PSA", keep_fields=["DISTRICT", "TOTALPOP"])
    assert psa["DISTRICT"].tolist() == ["1", "1", "3", "3"]
    districts = policing.districts_from_service_areas(psa, district_field="DISTRICT", district_format="{}D",
                                                      name_format="District {}", sum_fields=["TOTALPOP"])
    assert districts[["area_id", "name", "service_areas"]].values.tolist() == \
        [["1D", "District 1", 2], ["3D", "District 3", 2]]
    # TOTALPOP (text in the file): PSA 101 896 + 102 5994; 304 12110 + 305 6173
    assert districts["TOTALPOP"].tolist() == [896 + 5994, 12110 + 6173]
    # adjacent service areas merge into one polygon of their summed area
    assert districts.geom_type.tolist() == ["Polygon", "Polygon"] and districts.is_valid.all()
    assert districts.geometry.iloc[0].area == pytest.approx(sum(g.area for g in psa.geometry.iloc[:2]), rel=1e-9)
    assert districts.crs.to_epsg() == 4326
    same = policing.districts_from_service_areas(gpd.read_file(DC_PSA), district_field="DISTRICT",
                                                 district_format="{}D")
    assert same["area_id"].tolist() == ["1D", "3D"] and same["name"].tolist() == ["1D", "3D"]
    with pytest.raises(KeyError, match="no column 'DIST'"):
        policing.districts_from_service_areas(psa, district_field="DIST")


def test_the_whole_dc_arrest_and_stop_files(dc_raw):
    from indicators.sources import boundaries

    raw = policing.read_records(dc_raw / "policing" / "2024AdultArrests_OpenData.xlsx", sheet="Adult Arrests")
    arrests = policing.normalise_arrests(raw, DC_ARREST_FIELDS, DC_ARREST_RACES)
    # PROVENANCE: 20,386 arrests, Defendant Race BLACK 17,060 / WHITE 2,168 / UNKNOWN 519 / OTHER 475 / ASIAN 92 /
    # MULTIPLE 72; 285 rows without coordinates
    assert len(arrests) == 20386
    assert arrests["race"].value_counts().to_dict() == {"black": 17060, "white": 2168, "unknown": 519, "other": 475,
                                                        "asian": 92, "multiple": 72}
    assert arrests["lon"].isna().sum() == 285
    assert arrests["date"].min() == pd.Timestamp("2024-01-01") and arrests["date"].max() == pd.Timestamp("2024-12-31")
    tracts = boundaries.read_boundaries(dc_raw / "tracts" / "Census_Tracts_in_2010.geojson", name_field="GEOID")
    placed = policing.place_points(arrests, lon="lon", lat="lat", areas=tracts, id_field="area_id", name="tracts")
    # a shapely loop over the sheet: 24 arrest points inside tract 11001003302, 18 of them BLACK
    assert (placed == TRACT_A).sum() == 24
    assert (arrests.loc[placed == TRACT_A, "race"] == "black").sum() == 18
    assert placed.attrs["no_coordinates"] == 285
    assert placed.attrs["placed"] + placed.attrs["outside"] + 285 == 20386

    stops = policing.aggregate_stops(policing.read_records(dc_raw / "policing" / "Stop_Data_2023.csv.gz"),
                                     DC_STOP_FIELDS, DC_STOP_GROUPS, timezone="America/New_York")
    # csv module: 34,292 rows; 33,528 with a district and a DATETIME, of which 3,388 with a person or property
    # search and 7,480 with an ARREST_DATE; 1D Black 3,451 stops, 355 searches, 860 arrests
    assert stops["stops"].sum() == 33528 and stops["searches"].sum() == 3388 and stops["arrests"].sum() == 7480
    assert stops.set_index(["district", "group"]).loc[("1D", "black"), ["stops", "searches", "arrests"]].tolist() == \
        [3451, 355, 860]
    assert sorted(stops["district"].unique()) == ["1D", "2D", "3D", "4D", "5D", "6D", "7D"]
    assert (stops["period_start"].iloc[0], stops["period_end"].iloc[0]) == \
        (pd.Timestamp("2023-01-01"), pd.Timestamp("2023-06-30"))


def test_the_whole_service_area_file(dc_raw):
    import geopandas as gpd

    psa = gpd.read_file(dc_raw / "policing" / "Police_Service_Areas.geojson")
    districts = policing.districts_from_service_areas(psa, district_field="DISTRICT", district_format="{}D",
                                                      sum_fields=["TOTALPOP"])
    # 56 PSAs: 8 in each district but 4D (9) and 5D (7); TOTALPOP of district 1's PSAs sums to 73,989
    assert districts["area_id"].tolist() == ["1D", "2D", "3D", "4D", "5D", "6D", "7D"]
    assert districts["service_areas"].tolist() == [8, 8, 8, 9, 7, 8, 8]
    assert districts["TOTALPOP"].iloc[0] == 73989
    assert districts.is_valid.all() and set(districts.geom_type) <= {"Polygon", "MultiPolygon"}


def test_a_point_on_a_shared_boundary_goes_to_the_first_area():
    import geopandas as gpd
    from shapely.geometry import box

    areas = gpd.GeoDataFrame({"area_id": ["west", "east"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
                             crs="EPSG:4326")
    frame = pd.DataFrame({"lon": [1.0, 0.5, 1.5, None], "lat": [0.5, 0.5, 0.25, 0.5]})
    placed = policing.place_points(frame, lon="lon", lat="lat", areas=areas, id_field="area_id", name="halves")
    assert placed.tolist()[:3] == ["west", "west", "east"] and pd.isna(placed.iloc[3])
    assert placed.attrs["on_boundary"] == 1
    assert "halves: 1 record lies on the boundary of two halves and counts in the first" in placed.attrs["notes"]
    with pytest.raises(KeyError, match="areas have no column 'GEOID'"):
        policing.place_points(frame, lon="lon", lat="lat", areas=areas, id_field="GEOID", name="halves")
