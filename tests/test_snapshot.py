"""Snapshot build and read: offline build from the publishers' files, a refused build that leaves the old
snapshot as it was, damage found on opening, the committed snapshot equal to a fresh build, and what must
never be in a snapshot (arrest record details, licensed asking rents) or make it heavy.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest

from indicators.build import run as build_run
from indicators.core.config import load_city
from indicators.build.context import BuildContext
from indicators.snapshot import read
from indicators.snapshot.read import SnapshotError, open_snapshot, sha256_file
from indicators.build.run import build_snapshot
from indicators.cli.main import record_availability
from indicators.metrics import ready
from indicators.snapshot.schema import SCHEMA_VERSION, TABLES
from tests.conftest import COMMITTED_SNAPSHOT, PITTSBURGH_RAW, REPO

#: fields of an arrest record that identify a person or a place finer than a neighborhood: as published
#: (``ArrestData`` columns) and as the loader names them after normalising
ARREST_RECORD_COLUMNS = {"_id", "pk", "ccr", "age", "gender", "sex", "arresttime", "arrestlocation", "offenses",
                         "incidentlocation", "x", "y", "record_id", "date", "lon", "lat", "address"}


def _checksums(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _mirror(source: Path, target: Path) -> None:
    """A folder of links to every file of ``source``, so one file can be replaced without copying the rest."""
    for root, _dirs, files in os.walk(source):
        here = target / Path(root).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            (here / name).symlink_to(Path(root) / name)


def _replace(link: Path, content: bytes | str) -> None:
    link.unlink()
    if isinstance(content, str):
        link.write_text(content, encoding="utf-8")
    else:
        link.write_bytes(content)


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    """A snapshot built now from the publishers' files, with every network connection refused.

    Skips where the real files are absent, except in CI (``CI=true``), where their absence is a failure:
    the check that the committed snapshot is what the build makes must not silently go away there.
    """
    if not PITTSBURGH_RAW.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but the real data folder shared/data/pittsburgh beside the repository is missing")
        pytest.skip("the real data folder shared/data/pittsburgh beside the repository is not here")

    def no_network(*args, **kwargs):
        raise AssertionError("an offline build tried to open a network connection")

    out = tmp_path_factory.mktemp("fresh") / "pittsburgh"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HRC_OFFLINE", "1")
        mp.setattr(socket.socket, "connect", no_network)
        mp.setattr(socket, "create_connection", no_network)
        path = build_snapshot("pittsburgh", from_dir=PITTSBURGH_RAW, out=out, progress=lambda _msg: None)
        record_availability(path)  # as `python -m indicators build` does
    return open_snapshot(path)


# ------------------------------------------------------------------------------------------- (a) build
def test_offline_build_lists_every_source_with_vintage_and_attribution(fresh_build):
    manifest = fresh_build.manifest
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["built_from"] == "publisher files"
    assert manifest["city"]["place_geoid"] == "4261000"
    sources = fresh_build.sources
    assert len(sources) == len(manifest["sources"]), "a source id is recorded twice"
    for source_id, source in sources.items():
        for part in ("title", "publisher", "vintage", "licence", "attribution", "retrieved_at"):
            assert str(source.get(part) or "").strip(), f"source {source_id} lacks '{part}'"
        assert source["retrieved_via"] == "publisher files"
        for raw in source.get("inputs", []):
            assert len(raw["sha256"]) == 64 and raw["bytes"] > 0, f"source {source_id}: input {raw['file']}"


def test_offline_build_lists_every_table_with_rows_and_checksum(fresh_build):
    tables = fresh_build.manifest["tables"]
    files = {p.stem for p in fresh_build.path.glob("*.parquet")} - {Path(ready.RESULTS_FILE).stem}
    assert set(tables) == files
    assert set(tables) <= set(TABLES), "a table the schema does not document"
    for name, info in tables.items():
        file = fresh_build.path / f"{name}.parquet"
        assert info["sha256"] == sha256_file(file)
        assert info["bytes"] == file.stat().st_size
        assert info["rows"] == len(fresh_build.table(name)) > 0


def test_built_snapshot_is_readable_by_other_users(fresh_build):
    mode = fresh_build.path.stat().st_mode & 0o777
    assert mode & 0o055 == 0o055, f"snapshot folder mode {mode:o}: the app may run as another user"


def test_every_source_id_in_a_table_is_in_the_manifest(fresh_build):
    named = set()
    for name in fresh_build.manifest["tables"]:
        frame = fresh_build.table(name)
        if "source_id" in frame:
            named |= set(frame["source_id"].unique())
    assert named, "no table names its source"
    assert named <= set(fresh_build.sources), f"sources missing from the manifest: {named - set(fresh_build.sources)}"


def test_offline_build_says_what_it_lacks(fresh_build):
    missing = {gap["what"] for gap in fresh_build.missing}
    assert "ACS measure 'same_house_1yr_share' by tract" in missing
    assert "ACS measure 'long_tenure_share' by tract" in missing
    assert all(gap["why"].strip() for gap in fresh_build.missing)


# ------------------------------------------------------------------------------------------- (b) refused build
@pytest.fixture
def previous_snapshot(tmp_path) -> Path:
    """``out`` holding a complete earlier snapshot (a copy of the committed one)."""
    out = tmp_path / "snapshots" / "pittsburgh"
    shutil.copytree(COMMITTED_SNAPSHOT, out)
    return out


@pytest.fixture
def raw_copy(tmp_path, shared_data) -> Path:
    """The publishers' files as links in a temporary folder (the UPR list sits beside the city folder)."""
    _mirror(shared_data, tmp_path / "raw")
    return tmp_path / "raw" / "pittsburgh"


def _tract_csv_without_geoid(raw: Path) -> None:
    file = raw / "acs" / "acs5_2020-2024_tracts2020_allegheny_visionpitts.csv"
    frame = pd.read_csv(file, dtype=str)
    _replace(file, frame.drop(columns="GEOID").to_csv(index=False))


def _neighborhoods_not_json(raw: Path) -> None:
    file = raw / "neighborhoods" / "Neighborhoods_.geojson"
    text = file.read_text(encoding="utf-8")
    _replace(file, text[: len(text) // 2])  # cut off mid-feature, as a failed download would be


def _tract_polygons_truncated(raw: Path) -> None:
    file = raw / "tracts" / "Allegheny_County_Census_Tracts_2016.geojson"
    _replace(file, file.read_bytes()[:1000])


def _arrest_csv_garbled(raw: Path) -> None:
    file = raw / "policing" / "ArrestData_2016-08_to_2017-03.csv"
    _replace(file, file.read_bytes().replace(b"RACE", b"R\x00CE", 1))


@pytest.mark.parametrize("damage, message", [
    (_tract_csv_without_geoid, r"acs5_2020-2024_tracts2020_allegheny_visionpitts\.csv: no 'GEOID' column"),
    (_neighborhoods_not_json, r"Neighborhoods_\.geojson: not GeoJSON"),
    (_tract_polygons_truncated, r"Allegheny_County_Census_Tracts_2016\.geojson: not a readable boundary file"),
    (_arrest_csv_garbled, r"field map entry 'race' -> 'RACE' is not a column"),
])
def test_refused_build_leaves_the_previous_snapshot_byte_for_byte(raw_copy, previous_snapshot, damage, message):
    damage(raw_copy)
    before = _checksums(previous_snapshot)
    with pytest.raises(Exception, match=message):
        build_snapshot("pittsburgh", from_dir=raw_copy, out=previous_snapshot, progress=lambda _msg: None)
    assert _checksums(previous_snapshot) == before
    leftovers = sorted(p.name for p in previous_snapshot.parent.iterdir() if p != previous_snapshot)
    assert leftovers == [], f"temporary folders left behind: {leftovers}"
    open_snapshot(previous_snapshot)  # still whole and valid


def test_snapshot_that_fails_its_read_back_is_not_swapped_in(pittsburgh_raw, previous_snapshot, monkeypatch):
    """The last check of a build (reading the written folder back) fails: every table is written by then."""
    written = []

    def refuse(path, **kwargs):
        written.extend(p.name for p in Path(path).iterdir())
        raise SnapshotError("read-back refused for the test")

    monkeypatch.setattr(build_run, "open_snapshot", refuse)
    before = _checksums(previous_snapshot)
    with pytest.raises(SnapshotError, match="read-back refused"):
        build_snapshot("pittsburgh", from_dir=pittsburgh_raw, out=previous_snapshot, progress=lambda _msg: None)
    assert "manifest.json" in written and "measures.parquet" in written
    assert _checksums(previous_snapshot) == before
    assert [p.name for p in previous_snapshot.parent.iterdir()] == ["pittsburgh"]


def test_build_from_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(SnapshotError, match="is not a folder"):
        build_snapshot("pittsburgh", from_dir=tmp_path / "nowhere", out=tmp_path / "out", progress=lambda _m: None)
    assert not (tmp_path / "out").exists()


def test_build_refuses_individual_records():
    ctx = BuildContext(city=load_city("pittsburgh"), from_dir=None, progress=lambda _msg: None)
    records = pd.DataFrame({"area_id": ["Carrick"], "count": [1]})
    records.attrs["individual_records"] = True
    with pytest.raises(SnapshotError, match="refusing to write individual records into 'arrests'"):
        ctx.add("arrests", records)


# ------------------------------------------------------------------------------------------- (c) damage
@pytest.fixture
def snapshot_copy(tmp_path) -> Path:
    copy = tmp_path / "pittsburgh"
    shutil.copytree(COMMITTED_SNAPSHOT, copy)
    return copy


def test_altered_table_file_is_reported_by_its_checksum(snapshot_copy):
    file = snapshot_copy / "weights_tract_neighborhood.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=r"damaged: table file weights_tract_neighborhood\.parquet does not "
                                            r"match its checksum"):
        open_snapshot(snapshot_copy)


def test_missing_manifest_is_named(snapshot_copy):
    (snapshot_copy / "manifest.json").unlink()
    with pytest.raises(SnapshotError, match=r"manifest\.json is missing"):
        open_snapshot(snapshot_copy)


def test_missing_table_file_is_named(snapshot_copy):
    (snapshot_copy / "arrests.parquet").unlink()
    with pytest.raises(SnapshotError, match=r"table file arrests\.parquet is missing"):
        open_snapshot(snapshot_copy)


def test_manifest_that_is_not_json_is_named(snapshot_copy):
    (snapshot_copy / "manifest.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(SnapshotError, match="manifest is not valid JSON"):
        open_snapshot(snapshot_copy)


def test_other_schema_version_asks_for_a_rebuild(snapshot_copy):
    manifest = json.loads((snapshot_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = SCHEMA_VERSION + 1
    (snapshot_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SnapshotError, match="rebuild the snapshot"):
        open_snapshot(snapshot_copy)


def test_table_that_breaks_its_schema_is_named_even_with_a_matching_checksum(snapshot_copy):
    file = snapshot_copy / "weights_zip_neighborhood.parquet"
    frame = pd.read_parquet(file)
    frame.loc[0, "weight"] = 1.5  # a share above 1
    frame.to_parquet(file, index=False)
    manifest = json.loads((snapshot_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["weights_zip_neighborhood"]["sha256"] = sha256_file(file)
    (snapshot_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SnapshotError, match="table 'weights_zip_neighborhood' does not match its schema"):
        open_snapshot(snapshot_copy)
    # opened lazily (as the app does), the same table is refused when it is first read, and never served
    snap = open_snapshot(snapshot_copy, lazy=True)
    assert len(snap.table("arrests")) > 0
    for _ in range(2):
        with pytest.raises(SnapshotError, match="table 'weights_zip_neighborhood' does not match its schema"):
            snap.table("weights_zip_neighborhood")


def test_a_lazily_opened_snapshot_still_checks_every_checksum_at_once(snapshot_copy):
    file = snapshot_copy / "arrests.parquet"
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(SnapshotError, match=r"arrests\.parquet does not match its checksum"):
        open_snapshot(snapshot_copy, lazy=True)


def test_committed_snapshot_opens_and_verifies(snapshot):
    assert snapshot.city == "pittsburgh"
    assert snapshot.manifest["schema_version"] == SCHEMA_VERSION
    with pytest.raises(SnapshotError, match="has no table 'no_such_table'"):
        snapshot.table("no_such_table")


# ------------------------------------------------------------------------------------------- (d) committed = built
def _writer_versions(file: Path) -> tuple:
    """What wrote a Parquet file: the Parquet library, and the pandas/geopandas versions in its metadata."""
    meta = pq.read_metadata(file)
    extra = meta.metadata or {}
    pandas_meta = json.loads(extra.get(b"pandas", b"{}"))
    geo_meta = json.loads(extra.get(b"geo", b"{}"))
    return meta.created_by, pandas_meta.get("pandas_version"), geo_meta.get("creator")


def _without_times(manifest: dict) -> dict:
    manifest = json.loads(json.dumps(manifest))
    manifest.pop("built_at")
    for source in manifest["sources"]:
        source.pop("retrieved_at")
    return manifest


def test_committed_snapshot_is_what_the_build_makes(fresh_build, snapshot):
    """Every table equal, and the manifests equal but for the build and retrieval times.

    Geometries are compared with ``geom_equals_exact(tolerance=1e-9)``: coordinates are degrees, so 1e-9 is
    about 0.1 mm on the ground — far below the simplification tolerance of 12–25 m. The build is
    deterministic (GeoParquet stores float64 WKB exactly), so equality is expected; the tolerance only keeps a
    last-bit difference of another GEOS release from reading as a changed boundary.
    """
    assert set(fresh_build.manifest["tables"]) == set(snapshot.manifest["tables"])
    for name in snapshot.manifest["tables"]:
        built, committed = fresh_build.table(name), snapshot.table(name)
        if isinstance(committed, gpd.GeoDataFrame):
            assert built.crs == committed.crs, name
            same = built.geometry.geom_equals_exact(committed.geometry, tolerance=1e-9, align=False)
            assert same.all(), f"{name}: {int((~same).sum())} geometries differ"
            built, committed = pd.DataFrame(built.drop(columns="geometry")), pd.DataFrame(committed.drop(columns="geometry"))
        pd.testing.assert_frame_equal(built, committed, obj=name)

    # the results the build records (every indicator it computed), row for row
    pd.testing.assert_frame_equal(pd.read_parquet(fresh_build.path / ready.RESULTS_FILE),
                                  pd.read_parquet(snapshot.path / ready.RESULTS_FILE), obj="results")

    built_manifest, committed_manifest = _without_times(fresh_build.manifest), _without_times(snapshot.manifest)
    entries = [(info, built_manifest["tables"][name], f"{name}.parquet")
               for name, info in committed_manifest["tables"].items()]
    entries.append((committed_manifest["results"], built_manifest["results"], ready.RESULTS_FILE))
    # the results name the checksums of the tables they were computed from: each manifest's own tables'
    for manifest in (built_manifest, committed_manifest):
        assert manifest["results"]["tables"] == {name: info["sha256"] for name, info in manifest["tables"].items()}
    rewritten = False
    for committed_info, built_info, file in entries:
        if _writer_versions(fresh_build.path / file) != _writer_versions(snapshot.path / file):
            # another pyarrow/pandas/geopandas writes other bytes for equal tables (checked above)
            for info_ in (committed_info, built_info):
                info_.pop("sha256"), info_.pop("bytes")
            rewritten = True
    if rewritten:   # and so the results' record of those tables' checksums differs too (each checked above)
        for manifest in (built_manifest, committed_manifest):
            manifest["results"].pop("tables")
    assert built_manifest == committed_manifest


# ------------------------------------------------------------------------------------------- (e) never in a snapshot
def _all_tables(snap):
    return {name: snap.table(name) for name in snap.manifest["tables"]}


def test_no_arrest_record_column_is_in_any_table(snapshot):
    for name, frame in _all_tables(snapshot).items():
        leaked = {c for c in frame.columns if str(c).lower() in ARREST_RECORD_COLUMNS}
        assert not leaked, f"{name} has record-level columns {sorted(leaked)}"


def test_no_arrest_or_seizure_address_or_record_id_is_in_any_table(snapshot, pittsburgh_raw):
    arrests = pd.read_csv(pittsburgh_raw / "policing" / "ArrestData_2016-08_to_2017-03.csv", dtype=str)
    seizures = pd.read_csv(pittsburgh_raw / "policing" / "Firearm_Seizures_Data.csv", dtype=str)
    private = set(arrests["ARRESTLOCATION"].dropna()) | set(arrests["INCIDENTLOCATION"].dropna()) \
        | set(arrests["PK"].dropna()) | set(arrests["CCR"].dropna()) | set(seizures["address"].dropna())
    assert len(private) > 5000
    for name, frame in _all_tables(snapshot).items():
        for column in frame.columns:
            if column == "geometry" or frame[column].dtype.kind not in "OUST":
                continue
            found = set(frame[column].dropna().astype(str)) & private
            assert not found, f"{name}.{column} holds record details, e.g. {sorted(found)[:3]}"


def test_arrests_are_stored_only_as_counts_by_area_and_group(snapshot):
    arrests = snapshot.table("arrests")
    assert set(arrests.columns) == {"geo_level", "area_id", "tract_vintage", "period_start", "period_end", "group",
                                    "count", "source_id"}
    assert not arrests.duplicated(["geo_level", "area_id", "group"]).any()


def test_no_licensed_asking_rent_column_or_measure(snapshot):
    prefixes = tuple(load_city("pittsburgh")["housing.exclude_column_prefixes"])
    assert "asking_" in prefixes
    for name, frame in _all_tables(snapshot).items():
        assert not [c for c in frame.columns if str(c).startswith(prefixes)], name
    measures = snapshot.table("measures")["measure"].unique()
    assert not [m for m in measures if m.startswith(prefixes)]


def test_snapshot_folder_is_at_most_10_mb(snapshot):
    total = sum(p.stat().st_size for p in snapshot.path.rglob("*") if p.is_file())
    assert total <= 10 * 1024 * 1024, f"{total / 1e6:.1f} MB"


# ------------------------------------------------------------------------ (d) checks remembered by the bytes
@pytest.fixture
def checks_folder(tmp_path, monkeypatch) -> Path:
    """An empty folder of remembered checks for this test, and a count of the schema checks actually run."""
    from indicators.snapshot import schema

    monkeypatch.setenv("HRC_CACHE_DIR", str(tmp_path / "cache"))
    runs: list[str] = []
    real = schema.schema_of

    def counted(name):
        runs.append(name)
        return real(name)

    monkeypatch.setattr(read, "schema_of", counted)
    counted.runs = runs
    return counted


def test_a_table_whose_bytes_passed_is_not_checked_again_when_read(snapshot_copy, checks_folder):
    first = open_snapshot(snapshot_copy, lazy=True)
    assert len(first.table("measures")) > 0 and checks_folder.runs == ["measures"]
    again = open_snapshot(snapshot_copy, lazy=True)
    assert again.table("measures").equals(first.table("measures"))
    assert checks_folder.runs == ["measures"]          # the second process's read: remembered, not checked
    again.table("arrests")
    assert checks_folder.runs == ["measures", "arrests"]


def test_other_bytes_of_a_table_that_passed_are_checked_and_refused(snapshot_copy, checks_folder):
    open_snapshot(snapshot_copy, lazy=True).table("weights_zip_neighborhood")   # the good bytes pass
    file = snapshot_copy / "weights_zip_neighborhood.parquet"
    frame = pd.read_parquet(file)
    frame.loc[0, "weight"] = 1.5
    frame.to_parquet(file, index=False)
    manifest = json.loads((snapshot_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["weights_zip_neighborhood"]["sha256"] = sha256_file(file)
    (snapshot_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for _ in range(2):   # a failure is never remembered
        with pytest.raises(SnapshotError, match="table 'weights_zip_neighborhood' does not match its schema"):
            open_snapshot(snapshot_copy, lazy=True).table("weights_zip_neighborhood")
    assert checks_folder.runs == ["weights_zip_neighborhood"] * 3


def test_checks_are_run_again_when_the_checking_code_changes(snapshot_copy, checks_folder, monkeypatch):
    from indicators.snapshot import checked

    open_snapshot(snapshot_copy, lazy=True).table("measures")
    monkeypatch.setattr(checked, "fingerprint", lambda: "another-schema")
    open_snapshot(snapshot_copy, lazy=True).table("measures")
    assert checks_folder.runs == ["measures", "measures"]


def test_a_full_verification_checks_every_table_whatever_was_remembered(snapshot_copy, checks_folder):
    snap = open_snapshot(snapshot_copy)
    tables = list(snap.manifest["tables"])
    assert checks_folder.runs == tables
    open_snapshot(snapshot_copy)
    assert checks_folder.runs == tables * 2
    # and what it checked is remembered for the app's lazy reads
    open_snapshot(snapshot_copy, lazy=True).table("areas_neighborhoods")
    assert checks_folder.runs == tables * 2


def test_checks_still_run_where_nothing_can_be_remembered(snapshot_copy, checks_folder, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("HRC_CACHE_DIR", str(blocker))
    for _ in range(2):
        assert len(open_snapshot(snapshot_copy, lazy=True).table("measures")) > 0
    assert checks_folder.runs == ["measures", "measures"]


def test_reading_remembered_tables_does_not_import_pandera(snapshot_copy, tmp_path):
    import subprocess
    import sys

    code = ("import sys; from indicators.snapshot.read import open_snapshot; "
            f"s = open_snapshot({str(snapshot_copy)!r}, lazy=True); s.table('measures'); s.table('areas_neighborhoods'); "
            "print('pandera' in sys.modules)")
    env = {**os.environ, "HRC_CACHE_DIR": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True,
                           cwd=REPO).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]


@pytest.mark.parametrize("table, column, value", [
    ("weights_zip_neighborhood", "weight", -0.1),              # a share below 0
    ("arrests", "count", -1),                                  # a count below 0
    ("measures", "geo_level", "planet"),                       # a level the table does not know
    ("measures", "area_id", None),                             # a column that may not be empty
])
def test_each_kind_of_column_rule_is_enforced(snapshot_copy, table, column, value):
    file = snapshot_copy / f"{table}.parquet"
    frame = pd.read_parquet(file)
    dtype = frame[column].dtype
    frame.loc[0, column] = value
    assert value is None or frame[column].dtype == dtype   # the rule is broken, not the column's type
    frame.to_parquet(file, index=False)
    manifest = json.loads((snapshot_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"][table]["sha256"] = sha256_file(file)
    (snapshot_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SnapshotError, match=f"table '{table}' does not match its schema"):
        open_snapshot(snapshot_copy)
