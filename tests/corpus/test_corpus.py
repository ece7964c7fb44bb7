"""The bad-input corpus: each file of ``files/`` fed to the real entry point that reads it.

``README.md`` lists every input, the real format it imitates and the test that feeds it. Four kinds of
check:

1. loaders (``indicators/sources``): a damaged file raises the exception the loader documents, with a
   message naming the file and the problem, never a bare ``UnicodeDecodeError``/``KeyError``/parser error;
   special values are decoded, never passed on as figures;
2. the snapshot build: a bad publisher file stops the build naming the file, and the previous snapshot stays
   byte for byte as it was;
3. the tracker importer: a bad upload is refused whole with the line and reason, nothing is written, and an
   oversized file is refused before it is read or parsed;
4. hostile strings: kept literally by loaders and the tracker, and written literally to CSV exports except
   that formula-like text is neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
import responses

from indicators.build import steps as build_steps
from indicators.core import geography
from indicators.core.config import load_city
from indicators.core.exports import FORMULA_PREFIXES, to_csv_bytes
from indicators.build.run import build_snapshot
from indicators.snapshot.read import open_snapshot, sha256_file
from indicators.sources import acs_tables, boundaries, census, ckan, csvfile, evictionlab, hud, socrata, tiger
from indicators.tracker.auth import Actor
from indicators.tracker.errors import ImportRejected
from indicators.tracker.importer import MAX_IMPORT_BYTES, import_bytes, import_file
from indicators.tracker.store import Store
from tests.conftest import COMMITTED_SNAPSHOT

FILES = Path(__file__).resolve().parent / "files"
HOSTILE = json.loads((FILES / "hostile" / "strings.json").read_text(encoding="utf-8"))["strings"]
EDITOR = Actor("alice", "editor", "Alice Organizer")
#: the smallest number that is a Census special value (all are nine equal digits below zero)
SPECIAL_VALUE_CEILING = -111111111

CKAN_BASE = "https://data.wprdc.org"
CKAN_SEARCH = CKAN_BASE + "/api/3/action/datastore_search"
CENSUS_2016 = "https://api.census.gov/data/2016/acs/acs5"


def corpus(name: str) -> Path:
    path = FILES / name
    assert path.is_file(), f"corpus file missing: {name}"
    return path


def assert_clear(error: BaseException, expected: type[BaseException], words: list[str]) -> None:
    """The error is the documented one (not a parent, not a bare built-in), and its message names the problem."""
    assert type(error) is expected, f"{type(error).__name__} raised, {expected.__name__} documented"
    assert not isinstance(error, (KeyError, UnicodeError, json.JSONDecodeError, pd.errors.ParserError))
    message = str(error)
    assert "Traceback" not in message and "\n" not in message.strip()
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


# =========================================================================================== 1. loaders
def _boundaries(path):
    return boundaries.read_boundaries(path, name_field="hood", id_field="hood_no")


def _national_counties(path):
    return evictionlab.read_national(path, geography="counties")


LOADER_CASES = [
    # Census Data API answers saved to a file (the build reads them with read_api_file)
    ("census/invalid_key_saved_as_answer.json", census.read_api_file, census.CensusInvalidKey,
     ["invalid_key_saved_as_answer.json", "refused the key", "CENSUS_API_KEY"]),
    ("census/unknown_variable_saved_as_answer.json", census.read_api_file, census.CensusUnknownVariable,
     ["unknown_variable_saved_as_answer.json", "does not know variable 'B99999_001E'"]),
    ("census/empty_list.json", census.read_api_file, census.CensusNoData,
     ["empty_list.json", "empty list: no data"]),
    ("census/answer_cut_off.json", census.read_api_file, census.CensusAPIError,
     ["answer_cut_off.json", "invalid JSON", "cut off"]),
    ("census/r_export_cut_mid_line.csv", census.read_api_file, census.CensusAPIError,
     ["r_export_cut_mid_line.csv", "line 7 has 4 of the header's 6 fields", "cut off"]),
    # CKAN datastore dumps
    ("ckan/arrests_dump_bom_windows1252.csv", ckan.read_csv, ckan.CKANResponseError,
     ["arrests_dump_bom_windows1252.csv", "not UTF-8 text behind a UTF-8 byte-order mark", "byte 0x96 on line 3"]),
    ("ckan/arrests_dump_cut_mid_row.csv", ckan.read_csv, ckan.CKANResponseError,
     ["arrests_dump_cut_mid_row.csv", "line 3 has 9 of the header's 17 fields", "cut off"]),
    # Socrata CSV export
    ("socrata/export_cut_in_quoted_field.csv", socrata.read_csv, socrata.SocrataError,
     ["export_cut_in_quoted_field.csv", "ends inside a quoted field", "cut off"]),
    # Eviction Lab files
    ("evictionlab/ets_barchart_cut_mid_line.csv", evictionlab.read_ets_monthly, evictionlab.EvictionLabError,
     ["ets_barchart_cut_mid_line.csv", "line 8 has 3 of the header's 5 fields", "cut off"]),
    ("evictionlab/ets_barchart_empty.csv", evictionlab.read_ets_monthly, evictionlab.EvictionLabError,
     ["ets_barchart_empty.csv", "the file is empty"]),
    ("evictionlab/national_counties_latin1.csv", _national_counties, evictionlab.EvictionLabError,
     ["national_counties_latin1.csv", "not UTF-8 text (byte 0xf1 on line 2", "save the file as UTF-8"]),
    ("evictionlab/national_counties_bom_windows1252.csv", _national_counties, evictionlab.EvictionLabError,
     ["national_counties_bom_windows1252.csv", "behind a UTF-8 byte-order mark (byte 0xf1 on line 2"]),
    # named-area boundaries (neighborhoods, ZIP codes)
    ("geojson/empty_geometry.geojson", _boundaries, boundaries.BoundaryError,
     ["empty_geometry.geojson", "1 areas have no polygon: Test Empty"]),
    ("geojson/null_geometry.geojson", _boundaries, boundaries.BoundaryError,
     ["null_geometry.geojson", "1 areas have no polygon: Test Null"]),
    ("geojson/point_instead_of_polygon.geojson", _boundaries, boundaries.BoundaryError,
     ["1 areas have no polygon: Test Point"]),
    ("geojson/no_features.geojson", _boundaries, boundaries.BoundaryError,
     ["no_features.geojson", "the FeatureCollection has no features"]),
    ("geojson/cut_off.geojson", _boundaries, boundaries.BoundaryError,
     ["cut_off.geojson", "not GeoJSON", "cut off"]),
    ("geojson/windows1252_names.geojson", _boundaries, boundaries.BoundaryError,
     ["windows1252_names.geojson", "not UTF-8 text (byte 0xf1 on line"]),
    # tract polygons
    ("geojson/empty_geometry.geojson", tiger.read_shapes_file, tiger.BoundaryFileError,
     ["empty_geometry.geojson", "1 features have no polygon (empty Polygon): GEOID 42003999902"]),
    ("geojson/null_geometry.geojson", tiger.read_shapes_file, tiger.BoundaryFileError,
     ["1 features have no polygon (null): GEOID 42003999902"]),
    ("geojson/point_instead_of_polygon.geojson", tiger.read_shapes_file, tiger.BoundaryFileError,
     ["1 features have no polygon (Point): GEOID 42003999902"]),
    ("geojson/no_features.geojson", tiger.read_shapes_file, tiger.BoundaryFileError,
     ["no_features.geojson", "no features"]),
    ("geojson/cut_off.geojson", tiger.read_shapes_file, tiger.BoundaryFileError,
     ["cut_off.geojson", "not a readable boundary file"]),
    ("geojson/windows1252_names.geojson", tiger.read_shapes_file, tiger.BoundaryFileError,
     ["windows1252_names.geojson", "not UTF-8 text (byte 0xf1 on line"]),
    # HUD User API answer saved to a file
    ("hud/fmr_answer_cut_off.json", hud.read_hud_api_json, hud.HUDError,
     ["fmr_answer_cut_off.json", "not JSON", "cut off"]),
]


@pytest.mark.parametrize("name, read, error, words", LOADER_CASES,
                         ids=[f"{c[1].__name__}:{c[0]}" for c in LOADER_CASES])
def test_a_damaged_file_raises_the_loaders_documented_error_naming_the_problem(name, read, error, words):
    with pytest.raises(error) as info:
        read(corpus(name))
    assert_clear(info.value, error, words)


def test_a_saved_unknown_variable_error_keeps_the_variable_for_the_caller():
    with pytest.raises(census.CensusUnknownVariable) as info:
        census.read_api_file(corpus("census/unknown_variable_saved_as_answer.json"))
    assert info.value.variable == "B99999_001E"


def test_a_cut_off_eviction_file_is_refused_instead_of_read_as_a_smaller_count():
    # the cut row "07/2020,,7" is July 2020's 75 filings cut after one digit; pandas alone reads it as 7
    cut = corpus("evictionlab/ets_barchart_cut_mid_line.csv")
    silently = pd.read_csv(cut, dtype=str, keep_default_na=False)
    assert silently["month_filings"].iloc[-1] == "7"
    with pytest.raises(evictionlab.EvictionLabError, match="cut off"):
        evictionlab.read_ets_monthly(cut)


def test_every_census_special_value_in_estimate_and_moe_becomes_missing_with_its_code():
    tidy = census.read_api_file(corpus("census/every_special_value.json"))
    raw = json.loads(corpus("census/every_special_value.json").read_text(encoding="utf-8"))
    assert len(tidy) == len(raw) - 1
    seen = set()
    for name, estimate, moe_cell, *_ in raw[1:]:
        row = tidy[tidy["NAME"] == name].iloc[0]
        assert math.isnan(row["estimate"]), name
        if estimate is None:
            assert row["estimate_note"] == census.NO_DATA_NOTE
        else:
            assert row["estimate_note"].startswith(f"{estimate}: "), (name, row["estimate_note"])
            seen.add(estimate)
        if moe_cell == "-555555555":
            # a controlled estimate: no sampling error, so the margin of error is 0 (and the note says why)
            assert row["moe"] == 0.0 and row["moe_note"].startswith("-555555555: ")
        elif moe_cell is None:
            assert math.isnan(row["moe"])
        else:
            assert math.isnan(row["moe"]) and row["moe_note"].startswith(f"{moe_cell}: ")
            seen.add(moe_cell)
    assert {str(code) for code in census.SPECIAL_VALUES} <= seen | {"-555555555"}
    assert not (tidy[["estimate", "moe"]] <= SPECIAL_VALUE_CEILING).any().any()


def test_special_values_in_a_published_measure_table_are_missing_with_reasons_and_controlled_moe_is_zero():
    long = acs_tables.read_measure_table(corpus("acs_tables/measure_table_special_values.csv"))
    by = long.set_index(["area_id", "measure"])
    assert not (long[["estimate", "moe"]] <= SPECIAL_VALUE_CEILING).any().any()
    county = by.loc[("42003", "pop")]
    assert county["estimate"] == 1238177.0 and county["moe"] == 0.0
    assert county["note"].startswith("MOE: no margin of error: the estimate is controlled")
    empty_tract = by.loc[("42003010301", "med_hh_income")]
    assert math.isnan(empty_tract["estimate"]) and math.isnan(empty_tract["moe"])
    assert empty_tract["note"].startswith("estimate could not be computed")
    assert by.loc[("42003010301", "pop"), "note"].startswith("estimate or margin of error cannot be displayed")


def test_a_self_intersecting_polygon_is_repaired_by_both_boundary_readers_and_weights_still_add_up():
    path = corpus("geojson/self_intersecting_polygon.geojson")
    areas = boundaries.read_boundaries(path, name_field="hood")
    tracts = tiger.read_shapes_file(path)
    assert areas.geometry.is_valid.all() and tracts.geometry.is_valid.all()
    assert "Test Bow Tie (Self-intersection" in areas.attrs["notes"][0]
    weights = geography.overlay_weights(tracts, "GEOID", areas, "name")
    bow_tie = weights[weights["GEOID"] == "42003999902"]
    assert bow_tie["name"].tolist() == ["Test Bow Tie"]
    assert bow_tie["weight"].iloc[0] == pytest.approx(1.0)


@responses.activate
def test_a_ckan_authorization_error_names_the_refusal(plain_session):
    responses.get(CKAN_SEARCH, body=corpus("ckan/authorization_error.json").read_text(), status=403,
                  content_type="application/json")
    with pytest.raises(ckan.CKANAuthorizationError) as info:
        ckan.fetch_datastore(CKAN_BASE, "00000000-0000-0000-0000-000000000001", session=plain_session)
    assert_clear(info.value, ckan.CKANAuthorizationError, ["Authorization Error", "HTTP 403", "Access denied"])
    assert info.value.status == 403 and info.value.error_type == "Authorization Error"


@responses.activate
def test_a_ckan_answer_cut_off_mid_record_is_not_taken_for_data(plain_session):
    responses.get(CKAN_SEARCH, body=corpus("ckan/datastore_search_cut_off.json").read_text(), status=200,
                  content_type="application/json")
    with pytest.raises(ckan.CKANResponseError) as info:
        ckan.fetch_datastore(CKAN_BASE, "e03a89dd-134a-4ee8-a2bd-62c40aeebc6f", session=plain_session)
    assert_clear(info.value, ckan.CKANResponseError, ["datastore_search", "HTTP 200", "is not JSON"])


@responses.activate
def test_a_census_answer_of_an_empty_list_means_no_data_and_is_not_kept_in_the_cache(census_session):
    responses.get(CENSUS_2016, body=corpus("census/empty_list.json").read_text(), status=200,
                  content_type="application/json")
    for attempt in (1, 2):
        with pytest.raises(census.CensusNoData) as info:
            census.fetch_acs(["B19013_001"], year=2016, state="42", county="003", key="k" * 40,
                             session=census_session)
        assert_clear(info.value, census.CensusNoData, ["empty list: no data"])
        assert "k" * 40 not in str(info.value)
        # asked again the second time: the empty answer was not served from the cache
        assert len(responses.calls) == attempt


# ================================================================================ 2. the snapshot build
def _mirror(source: Path, target: Path) -> None:
    """A folder of links to every file of ``source``, so one file can be replaced without copying the rest."""
    for path in source.rglob("*"):
        link = target / path.relative_to(source)
        if path.is_dir():
            link.mkdir(parents=True, exist_ok=True)
        else:
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)


def _checksums(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _config_file(key: str) -> str:
    """The file a config key names, relative to the build's folder (``acs.api_files[1]`` picks a list item)."""
    name, _, index = key.partition("[")
    value = load_city("pittsburgh").get(name)
    return value[int(index.rstrip("]"))] if index else value


@pytest.fixture
def raw_copy(tmp_path, shared_data) -> Path:
    _mirror(shared_data, tmp_path / "raw")
    return tmp_path / "raw" / "pittsburgh"


@pytest.fixture
def previous_snapshot(tmp_path) -> Path:
    out = tmp_path / "snapshots" / "pittsburgh"
    shutil.copytree(COMMITTED_SNAPSHOT, out)
    return out


@pytest.fixture
def offline(monkeypatch):
    """No network: an offline build must never open a connection."""
    def refuse(*args, **kwargs):
        raise AssertionError("the build tried to open a network connection")

    monkeypatch.setenv("HRC_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _swap_in_corpus_file(raw: Path, key: str, name: str) -> str:
    target = raw / _config_file(key)
    assert target.is_symlink(), f"{key} does not name a publisher file of the mirror"
    target.unlink()
    shutil.copyfile(corpus(name), target)
    return target.name


BUILD_CASES = [
    ("boundaries", "neighborhoods.file", "geojson/empty_geometry.geojson", boundaries.BoundaryError,
     ["1 areas have no polygon: Test Empty"]),
    ("boundaries", "tracts.file", "geojson/null_geometry.geojson", tiger.BoundaryFileError,
     ["1 features have no polygon (null): GEOID 42003999902"]),
    ("boundaries", "zips.file", "geojson/no_features.geojson", boundaries.BoundaryError,
     ["the FeatureCollection has no features"]),
    ("acs", "acs.api_files[0]", "census/invalid_key_saved_as_answer.json", census.CensusInvalidKey,
     ["refused the key"]),
    ("acs", "acs.api_files[1]", "census/r_export_cut_mid_line.csv", census.CensusAPIError,
     ["line 7 has 4 of the header's 6 fields", "cut off"]),
    ("evictions", "evictions.monthly_file", "evictionlab/ets_barchart_cut_mid_line.csv", evictionlab.EvictionLabError,
     ["line 8 has 3 of the header's 5 fields", "cut off"]),
    ("policing", "policing.arrests.file", "ckan/arrests_dump_bom_windows1252.csv", ckan.CKANResponseError,
     ["not UTF-8 text behind a UTF-8 byte-order mark", "byte 0x96 on line 3"]),
]


@pytest.mark.parametrize("step, key, name, error, words", BUILD_CASES, ids=[c[1] for c in BUILD_CASES])
def test_a_bad_publisher_file_stops_the_build_and_leaves_the_previous_snapshot_as_it_was(
        raw_copy, previous_snapshot, offline, step, key, name, error, words):
    replaced = _swap_in_corpus_file(raw_copy, key, name)
    before = _checksums(previous_snapshot)
    said: list[str] = []
    with pytest.raises(error) as info:
        build_snapshot("pittsburgh", from_dir=raw_copy, out=previous_snapshot, progress=said.append)
    # the message names the publisher's file as the build knows it, and the problem
    assert_clear(info.value, error, [replaced, *words])
    # it stopped in the step that reads that file (the last one announced), before writing any table
    assert getattr(build_steps, step).__doc__.strip().splitlines()[0] in said[-1]
    assert not any("writing and checking" in line for line in said)
    # nothing half-written: the earlier snapshot is byte for byte the same, still opens, and no folder is left
    assert _checksums(previous_snapshot) == before
    assert [p.name for p in previous_snapshot.parent.iterdir()] == ["pittsburgh"]
    open_snapshot(previous_snapshot)


def test_a_build_from_special_values_keeps_them_as_missing_figures_with_reasons(raw_copy, previous_snapshot, offline):
    """A file of Census special values is not an error: the build goes through, and no code becomes a figure."""
    replaced = _swap_in_corpus_file(raw_copy, "acs.api_files[0]", "census/every_special_value.json")
    built = open_snapshot(build_snapshot("pittsburgh", from_dir=raw_copy, out=previous_snapshot,
                                         progress=lambda _msg: None))
    measures = built.table("measures")
    assert not (measures[["estimate", "moe"]] <= SPECIAL_VALUE_CEILING).any().any()
    pop = measures[(measures["source_id"] == "acs5_api_2010_tracts") & (measures["measure"] == "pop")]
    assert sorted(pop["area_id"]) == [f"4200398{n}00" for n in ("01", "03", "04", "05", "06", "07", "08")]
    assert pop["estimate"].isna().all()
    notes = dict(zip(pop["area_id"], pop["note"]))
    assert notes["42003980100"].startswith("-666666666: estimate could not be computed")
    assert notes["42003980700"].startswith("-555555555: ")
    assert notes["42003980800"] == census.NO_DATA_NOTE
    assert pop.set_index("area_id").loc["42003980600", "moe"] == 0.0  # -555555555 on the margin of error
    inputs = {i["file"]: i["sha256"] for i in built.sources["acs5_api_2010_tracts"]["inputs"]}
    assert inputs[replaced] == hashlib.sha256(corpus("census/every_special_value.json").read_bytes()).hexdigest()


# ====================================================================================== 3. the tracker
@pytest.fixture
def store(tmp_path):
    opened = Store.open(f"sqlite:///{tmp_path / 'store' / 'tracker.sqlite'}")
    yield opened
    opened.close()


def _written(store) -> tuple[int, int]:
    return store.count_recommendations(), len(store.import_runs())


UPLOAD_CASES = [
    ("tracker/upload_bom_windows1252.csv", ["line 2: not UTF-8 text (byte 0x93)", "save the file as CSV UTF-8"]),
    ("tracker/upload_cut_in_quoted_field.csv", ["line 3: the file ends inside a quoted field", "cut off"]),
    ("tracker/upload_cut_mid_row.csv", ["line 3: 2 fields where the header has 5 (the file is cut off?)"]),
    ("tracker/upload_html.csv", ["line 2, text: contains HTML markup ('<script>')",
                                 "line 3, theme: contains HTML markup ('<img src=x"]),
    ("tracker/upload_non_character.csv", ["line 2, text: contains U+FFFE at position 22, a Unicode non-character "
                                          "that no document can hold; remove it",
                                          "line 3, theme: contains U+FFFF at position 11"]),
    ("tracker/upload_arabic_indic_digits.csv", ["line 2, number: '٢٦.٢١٤' is written with digits other than 0–9; "
                                                "write it as 26.214"]),
    ("tracker/upload_bidi_override.csv", ["line 2, recommending_state: contains the invisible character U+202E at "
                                          "position 1, which changes how the text reads; remove it"]),
    ("tracker/upload_over_long_note.csv", ["line 2, data_note: is 10,001 characters long; the limit is 10,000"]),
]


@pytest.mark.parametrize("name, words", UPLOAD_CASES, ids=[c[0] for c in UPLOAD_CASES])
def test_a_bad_upload_is_refused_whole_naming_line_and_reason_and_nothing_is_written(store, name, words):
    data = corpus(name).read_bytes()
    before = _written(store)
    with pytest.raises(ImportRejected) as info:
        import_bytes(store, data, EDITOR, source=Path(name).name, cycle=3)
    assert_clear(info.value, ImportRejected, [f"{Path(name).name} was not imported (nothing was written)", *words])
    assert _written(store) == before


def test_an_oversized_upload_is_refused_on_its_size_before_it_is_decoded_or_parsed(store):
    # bytes that are not UTF-8 either: a check after decoding would name the encoding, not the size
    data = b"\xe9" * (MAX_IMPORT_BYTES + 1)
    with pytest.raises(ImportRejected) as info:
        import_bytes(store, data, EDITOR, source="huge.csv", cycle=3)
    assert_clear(info.value, ImportRejected, ["huge.csv was not imported (nothing was written)",
                                              "the file is 5.0 MB; the limit is 5 MB"])
    assert [p.reason for p in info.value.problems] == ["the file is 5.0 MB; the limit is 5 MB"]
    assert _written(store) == (0, 0)


def test_a_file_whose_lines_end_with_a_carriage_return_alone_is_read_line_by_line(store):
    result = import_bytes(store, corpus("tracker/upload_cr_line_endings.csv").read_bytes(), EDITOR,
                          source="upload_cr_line_endings.csv", cycle=3)
    assert (result.rows, result.added) == (2, 2)
    assert store.get_recommendation("26.2").text == ("Test text saved by a spreadsheet that ends lines with a "
                                                     "carriage return alone")


@pytest.mark.parametrize("data, words", [
    # a 2 MB header of 142,857 columns: the refusal says how many, in a line, without repeating them
    (",".join(f"column{i:07d}" for i in range(142_857)).encode() + b"\n26.1,x\n",
     ["line 1: the header has 142,857 columns; a list of recommendations has at most 100"]),
    # a 2 MB header of one column
    (b"x" * 2_000_000 + b"\n1\n", ["line 1: a field is longer than 131,072 characters"]),
    # a header missing columns, with a name of 100,000 characters among many: named, cut, the rest counted
    (("n" * 100_000 + "," + ",".join(f"c{i}" for i in range(40)) + "\n").encode() + b"1\n",
     ["missing columns number, recommending_state, text, response, theme (found: " + "n" * 40 + "…, c0, c1",
      "and 26 more)"]),
], ids=["many-columns", "one-huge-column", "huge-column-name"])
def test_a_huge_header_is_refused_in_a_short_message(store, data, words):
    with pytest.raises(ImportRejected) as info:
        import_bytes(store, data, EDITOR, source="huge_header.csv", cycle=3)
    assert_clear(info.value, ImportRejected, ["huge_header.csv was not imported (nothing was written)", *words])
    assert len(str(info.value)) < 400
    assert _written(store) == (0, 0)


def test_an_oversized_file_on_disk_is_refused_before_it_is_read(store, tmp_path, monkeypatch):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as fh:
        fh.truncate(6 * 1024 * 1024)  # a sparse 6 MB file

    def no_reading(self):
        raise AssertionError(f"{self.name} was read although its size is over the limit")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(ImportRejected, match="the file is 6.0 MB; the limit is 5 MB"):
        import_file(store, huge, EDITOR, cycle=3)
    assert _written(store) == (0, 0)


def test_formula_markdown_and_unicode_text_is_imported_literally_and_exported_neutralised(store):
    path = corpus("tracker/upload_formulas_and_markdown.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    result = import_bytes(store, path.read_bytes(), EDITOR, source=path.name, cycle=3)
    assert result.rows == len(rows)
    stored = store.recommendation_frame(3).set_index("number")
    for row in rows:
        kept = stored.loc[row["number"]]
        assert (kept["recommending_state"], kept["text"], kept["theme"]) == (
            row["recommending state"], row["text"], row["theme"])
    exported = list(csv.DictReader(io.StringIO(to_csv_bytes(stored.reset_index()).decode("utf-8-sig"), newline="")))
    assert len(exported) == len(rows)
    for row, out in zip(rows, exported):
        for column, field in (("recommending_state", "recommending state"), ("text", "text"), ("theme", "theme")):
            original = row[field]
            expected = "'" + original if original.startswith(FORMULA_PREFIXES) else original
            # the SQL comment after a semicolon: a spreadsheet splitting on semicolons would start a cell with it
            assert out[column] == expected.replace("; --", "; '--")


# ================================================================================= 4. hostile strings
HOSTILE_TEXTS = [s["text"] for s in HOSTILE]


def test_the_corpus_says_which_hostile_strings_a_spreadsheet_reads_as_formulas():
    # the corpus states this independently of the code: every OWASP prefix is represented
    flagged = {s["text"][0] for s in HOSTILE if s["formula"]}
    assert flagged == {"=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff20"}
    assert all(s["text"].startswith(FORMULA_PREFIXES) == s["formula"] for s in HOSTILE)
    # and a formula after a separator a spreadsheet may split on is in the corpus, with its export written out
    assert "Housing;'=cmd|' /C calc'!A0;" in {s.get("exported") for s in HOSTILE}


def exported(spec: dict) -> str:
    """What a CSV export must hold for a corpus string: as written in the corpus, or the string with a leading
    apostrophe where it starts like a formula."""
    return spec.get("exported", ("'" if spec["formula"] else "") + spec["text"])


def _read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("dtype", ["object", "str", "category"])
def test_a_csv_export_neutralises_formulas_and_keeps_every_other_hostile_string_literally(dtype):
    frame = pd.DataFrame({"name": pd.Series(HOSTILE_TEXTS, dtype=dtype),
                          "estimate": [-0.25] * len(HOSTILE_TEXTS),
                          "listed": [[text, "second"] for text in HOSTILE_TEXTS]})
    rows = _read_back(to_csv_bytes(frame))
    # one header and one row per string: a line break or carriage return in a cell never starts a new row
    assert len(rows) == len(HOSTILE) + 1 and all(len(r) == 3 for r in rows)
    for spec, (name, estimate, listed) in zip(HOSTILE, rows[1:]):
        expected = exported(spec)
        assert name == expected
        assert listed == expected + "; second"
        assert estimate == "-0.25"  # a number is no formula: it stays a number


def test_hostile_column_names_are_neutralised_too():
    frame = pd.DataFrame({text: [1] for text in HOSTILE_TEXTS})
    header = _read_back(to_csv_bytes(frame))[0]
    assert header == [exported(s) for s in HOSTILE]


def test_a_number_in_a_text_column_stays_a_number():
    frame = pd.DataFrame({"mixed": pd.Series([-0.25, "=1+1", None, 3], dtype=object)})
    assert [r[0] for r in _read_back(to_csv_bytes(frame))[1:]] == ["-0.25", "'=1+1", "", "3"]


def test_loaders_keep_hostile_publisher_text_literally(tmp_path):
    # a CKAN datastore dump with hostile cells (written as a CSV writer would)
    dump = tmp_path / "dump.csv"
    with open(dump, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["_id", "INCIDENTNEIGHBORHOOD"])
        writer.writerows([[i, text] for i, text in enumerate(HOSTILE_TEXTS, start=1)])
    assert ckan.read_csv(dump)["INCIDENTNEIGHBORHOOD"].tolist() == HOSTILE_TEXTS

    # a boundary file whose area names are hostile (names are stripped of outer white space, as documented, so
    # "\t=1+1" would repeat "=1+1" and is left out)
    names = list(dict.fromkeys(text.strip() for text in HOSTILE_TEXTS))
    features = [{"type": "Feature", "properties": {"hood": name},
                 "geometry": {"type": "Polygon", "coordinates": [[[-80 + i / 100, 40.4], [-80 + i / 100 + 0.005, 40.4],
                                                                  [-80 + i / 100, 40.405], [-80 + i / 100, 40.4]]]}}
                for i, name in enumerate(names)]
    path = tmp_path / "hostile.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    assert boundaries.read_boundaries(path, name_field="hood")["name"].tolist() == names

    # a Census answer whose NAME is hostile
    answer = [["NAME", "B01003_001E", "state", "county"]] + [[text, "1", "42", f"{i:03d}"]
                                                            for i, text in enumerate(HOSTILE_TEXTS, start=1)]
    assert census.parse_api_response(answer)["NAME"].tolist() == HOSTILE_TEXTS


def test_the_shared_csv_reader_reads_a_whole_utf8_file_with_a_byte_order_mark_unchanged(tmp_path):
    """The checks refuse damage only: a whole file, BOM and CRLF included, reads as pandas reads it."""
    text = "GEOID,name\r\n42003010300,Bloomfield\r\n42003020100,\"Central Business District, \"\"CBD\"\"\"\r\n"
    path = tmp_path / "whole.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    expected = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(csvfile.read_csv(path, dtype=str), expected)


@pytest.mark.parametrize("data, words", [
    (b"a,b\n1,2,3\n4,5\n", ["line 2 has 3 fields where the header has 2"]),
    (b"a,b,c\n1,2\n4,5,6\n", ["line 2 has 2 fields where the header has 3"]),
    ("a,b\n1,2\n".encode("utf-16"), ["UTF-16 text, not UTF-8"]),
    (b"a,b\n1,\"x\"y\n", ["not valid CSV on line 2"]),
    (b" \n\n", ["the file is empty"]),
], ids=["too many fields", "short row in the middle", "UTF-16", "stray quote", "blank"])
def test_the_shared_csv_reader_names_every_other_kind_of_damage(tmp_path, data, words):
    path = tmp_path / "damaged.csv"
    path.write_bytes(data)
    with pytest.raises(csvfile.CSVFileError) as info:
        csvfile.read_csv(path, dtype=str)
    assert_clear(info.value, csvfile.CSVFileError, ["damaged.csv", *words])


def test_the_shared_csv_reader_takes_fields_longer_than_the_csv_modules_default_limit(tmp_path):
    # a Socrata export can hold a polygon as WKT text of several hundred thousand characters
    polygon = "MULTIPOLYGON (((" + ", ".join(f"-79.{i:06d} 40.{i:06d}" for i in range(12_000)) + ")))"
    path = tmp_path / "shapes.csv"
    path.write_text(f'id,the_geom\n1,"{polygon}"\n', encoding="utf-8")
    assert len(polygon) > csv.field_size_limit()
    assert socrata.read_csv(path)["the_geom"].iloc[0] == polygon
    assert csv.field_size_limit() == 131072  # the module's limit is left as it was
